// Pairs each secure editor frame (secure/editor.html, port "sealpost-editor")
// with the content script of the compose window that placed it (its
// "sealpost-scan" port), by a random token the content script chose, and
// relays messages between them. The page's main world never sees any of it:
// content scripts run in an isolated world and the frame is extension-origin,
// so there is no window.postMessage anywhere on this path.
//
// The frame owns the plaintext and the attachments; this worker only relays
// and asks the agent to encrypt. The worker may be stopped when idle: both
// sides reconnect and register their token again, and the frame then sends
// its text again, so nothing is lost.

import { agentRequest } from './agent.js';
import { keep } from './recoverable.js';

const EDITOR_URL = chrome.runtime.getURL('secure/editor.html');
// Encrypting 25 MiB of attachments takes a while; text alone is fast.
const ENCRYPT_TIMEOUT_MS = 60000;

const pairs = new Map(); // token → {content, frame, tabId}

function post(port, msg) {
    if (!port) return false;
    try {
        port.postMessage(msg);
        return true;
    } catch {
        return false;
    }
}

function pairOf(token) {
    let p = pairs.get(token);
    if (!p) {
        p = { content: null, frame: null, tabId: null };
        pairs.set(token, p);
    }
    return p;
}

function validToken(t) {
    return typeof t === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(t);
}

/** Both sides are there: tell them. */
function announce(p) {
    if (p.content && p.frame) {
        post(p.frame, { type: 'paired' });
        post(p.content, { type: 'editor', token: p.token, msg: { type: 'paired' } });
    }
}

/**
 * The content-script side: messages of type `editor-open`, `editor-close`
 * (with `keep: {site, text, subject}` when the window went away unsent),
 * `editor`. Returns true if handled.
 */
export function fromContent(port, msg) {
    if (msg.type !== 'editor-open' && msg.type !== 'editor-close' && msg.type !== 'editor') return false;
    if (!validToken(msg.token)) return true;
    const tabId = port.sender?.tab?.id;
    if (msg.type === 'editor-open') {
        const p = pairOf(msg.token);
        if (p.tabId !== null && p.tabId !== tabId) return true;
        p.token = msg.token;
        p.tabId = tabId;
        p.content = port;
        announce(p);
    } else if (msg.type === 'editor-close') {
        // The compose window went away unsent: keep its text to restore.
        if (msg.keep && typeof msg.keep === 'object') {
            keep(msg.keep.site, msg.keep.text, msg.keep.subject).catch((e) => console.error('Sealpost: unsent secure message not kept:', e && e.message));
        }
        const p = pairs.get(msg.token);
        if (p && p.content === port) {
            post(p.frame, { type: 'closed' });
            pairs.delete(msg.token);
        }
    } else {
        const p = pairs.get(msg.token);
        if (p && p.content === port) post(p.frame, msg.msg);
    }
    return true;
}

/** A content port went away (tab closed or worker restart): its editors wait for it to come back. */
export function contentGone(port) {
    for (const [token, p] of pairs) {
        if (p.content !== port) continue;
        p.content = null;
        if (!p.frame) pairs.delete(token);
    }
}

/** A frame connected (port "sealpost-editor"). */
export function onFramePort(port) {
    const url = port.sender?.url || '';
    if (!url.startsWith(EDITOR_URL)) {
        port.disconnect();
        return;
    }
    let pair = null;
    port.onMessage.addListener((msg) => {
        if (!msg || typeof msg !== 'object') return;
        if (msg.type === 'hello') {
            if (pair || !validToken(msg.token)) return;
            const p = pairOf(msg.token);
            const tabId = port.sender?.tab?.id;
            if (p.tabId !== null && p.tabId !== tabId) return;
            // One frame per token: a second frame loaded with the same token
            // (the page can read the iframe's URL) gets nothing.
            if (p.frame && p.frame !== port) return;
            p.token = msg.token;
            p.tabId = tabId;
            p.frame = port;
            pair = p;
            announce(p);
        } else if (!pair) {
            return;
        } else if (msg.type === 'relay') {
            post(pair.content, { type: 'editor', token: pair.token, msg: msg.msg });
        } else if (msg.type === 'encrypt') {
            void encrypt(pair, msg);
        }
    });
    port.onDisconnect.addListener(() => {
        void chrome.runtime.lastError;
        if (pair && pair.frame === port) {
            pair.frame = null;
            if (pair.content) post(pair.content, { type: 'editor', token: pair.token, msg: { type: 'frame-gone' } });
            else pairs.delete(pair.token);
        }
    });
}

/** Asks the agent to encrypt the frame's message; the result goes to the content script. */
async function encrypt(pair, msg) {
    let out;
    try {
        const reply = await agentRequest('encrypt', msg.request, { timeoutMs: ENCRYPT_TIMEOUT_MS });
        out = reply.ok
            ? { ok: true, armored: reply.armored, placeholder_subject: reply.placeholder_subject }
            : { ok: false, error: reply.error };
        if (reply.ok && (typeof reply.armored !== 'string' || !reply.armored.startsWith('-----BEGIN PGP MESSAGE-----'))) {
            out = { ok: false, error: { code: 'malformed', message: 'The Sealpost app answered without an encrypted message.' } };
        }
    } catch (e) {
        out = { ok: false, error: { code: e.code || 'unavailable', message: e.message } };
    }
    const result = { type: 'encrypted', rid: msg.rid, ...out };
    if (!post(pair.content, { type: 'editor', token: pair.token, msg: result })) {
        // The content script is gone (restart): the frame still has everything.
        post(pair.frame, { type: 'encrypt-lost', rid: msg.rid });
    }
}
