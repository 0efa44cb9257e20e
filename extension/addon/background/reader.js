// Reading encrypted mail: a content script finds an armored PGP message in
// the mail site's reading view and, when the user asks, places the reader
// frame (secure/reader.html, extension origin) under it. The content script
// hands the armored text here with a one-time token; the frame claims the
// token over its own port, and only the frame gets the decrypted message.
// The page and the content script never see the plaintext.
//
// Tokens are single-use, expire, and are claimed only by a frame of the tab
// that registered them, so a page that loads reader.html itself with a
// guessed or copied token gets nothing.

import { agentRequest } from './agent.js';

const TOKEN_TTL_MS = 5 * 60 * 1000;
const MAX_PENDING = 32;
const MAX_ARMORED = 40 * 1024 * 1024;

const pending = new Map(); // token → {tabId, armored, at}

function prune() {
    const now = Date.now();
    for (const [token, p] of pending) {
        if (now - p.at > TOKEN_TTL_MS) pending.delete(token);
    }
    while (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value);
}

/** The agent's decrypt error, in words for the reader. */
function explain(error) {
    switch (error && error.code) {
        case 'not_for_me':
            return 'This message was not encrypted for your key, so Sealpost cannot open it on this computer.';
        case 'malformed':
            return 'This encrypted message is damaged or incomplete (it may have been cut off when it was forwarded).';
        case 'agent_unavailable':
        case 'key_store':
            return 'The Sealpost agent cannot read its keys. Ask your IT team to check the Sealpost installation.';
        case 'frame_too_large':
            return 'This message is too large to open in the browser.';
        default:
            return (error && error.message) || 'The Sealpost agent could not open this message.';
    }
}

async function decrypt(armored) {
    try {
        const reply = await agentRequest('decrypt', { armored }, { timeoutMs: 30000 });
        if (reply.ok) return { ok: true, message: reply };
        return { ok: false, code: reply.error?.code || 'error', message: explain(reply.error) };
    } catch (e) {
        const code = e?.code || 'unavailable';
        const message =
            code === 'unavailable'
                ? 'The Sealpost agent is not running or not installed on this computer, so the message cannot be opened here.'
                : e?.message || 'The Sealpost agent did not answer.';
        return { ok: false, code, message };
    }
}

chrome.runtime.onMessage.addListener((msg, sender, reply) => {
    if (!msg || msg.type !== 'reader-register' || !sender.tab) return undefined;
    if (typeof msg.token !== 'string' || typeof msg.armored !== 'string' || msg.armored.length > MAX_ARMORED) {
        reply({ ok: false });
        return undefined;
    }
    prune();
    pending.set(msg.token, { tabId: sender.tab.id, armored: msg.armored, at: Date.now() });
    reply({ ok: true });
    return undefined;
});

chrome.runtime.onConnect.addListener((port) => {
    if (port.name !== 'sealpost-reader') return;
    port.onMessage.addListener(async (msg) => {
        if (!msg || msg.type !== 'claim' || typeof msg.token !== 'string') return;
        const p = pending.get(msg.token);
        pending.delete(msg.token);
        const tabId = port.sender?.tab?.id;
        let result;
        if (!p || tabId === undefined || p.tabId !== tabId) {
            result = { ok: false, code: 'expired', message: 'This view has expired. Click “Decrypt” on the message again.' };
        } else {
            result = await decrypt(p.armored);
        }
        try {
            port.postMessage({ type: 'decrypted', ...result });
        } catch {
            // The frame went away.
        }
    });
});
