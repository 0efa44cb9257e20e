// The extension's service worker: hosts the wasm policy core (mail sites'
// CSPs may forbid compiling wasm in a content script), keeps one incremental
// scan session per compose window, reads the managed policy and talks to the
// local agent. Content scripts connect with a port named "sealpost-scan".
//
// Chromium stops idle service workers. Everything here can be rebuilt: when
// the worker restarts, ports close, the content scripts reconnect and resend
// full texts (a session they name and we don't know → "unknown-session").
//
// Secure-send: secure editor frames connect with a port named
// "sealpost-editor" and are paired with their compose window's content
// script (editor-relay.js); requests for the agent go through agent.js.

import init, { Session, scan } from '../wasm/sealpost_extension.js';
import { agentRequest, agentStatus } from './agent.js';
import './reader.js';
import { contentGone, fromContent, onFramePort } from './editor-relay.js';
import { loadPolicy, watchPolicy } from './policy.js';
import { forwardPending, recordOverride } from './overrides.js';
import * as recoverable from './recoverable.js';

const ports = new Set();
let policy = null; // {compiled, info}
let ready = null;

function start() {
    if (!ready) {
        ready = (async () => {
            await init({ module_or_path: new URL('../wasm/sealpost_extension_bg.wasm', import.meta.url) });
            policy = await loadPolicy('start', () => void reloadPolicy());
            // Build the core's automata now, not on the first keystroke.
            scan('Warm-up', 'Pt Maria Lopez, DOB 03/04/1961, MRN 00448291, has asthma.', undefined);
        })();
        ready.catch(() => {
            ready = null;
        });
    }
    return ready;
}

// Reloads run one at a time, and again if a change came in meanwhile, so a
// slow read of an older state can never overwrite a newer one.
let reloading = null;
let reloadAgain = false;

async function reloadPolicy() {
    if (reloading) {
        reloadAgain = true;
        return reloading;
    }
    reloading = (async () => {
        await start();
        do {
            reloadAgain = false;
            const next = await loadPolicy('change', () => void reloadPolicy());
            const old = policy;
            policy = next;
            old?.compiled.free();
        } while (reloadAgain);
        for (const p of ports) post(p, { type: 'policy', policy: policy.info });
    })();
    try {
        await reloading;
    } finally {
        reloading = null;
    }
}

watchPolicy(() => void reloadPolicy());

function post(port, msg) {
    try {
        port.postMessage(msg);
    } catch {
        // The tab went away.
    }
}

/**
 * One scan request: full text (`set`) or an edit. Replies with the assessment
 * as a delta of the body findings (see Session.assess_delta), so a keystroke
 * in a 20 KB body moves a few findings between the processes, not all.
 */
function handleScan(port, sessions, msg) {
    const t0 = performance.now();
    let s = sessions.get(msg.id);
    if (msg.type === 'set') {
        if (!s) {
            s = new Session(msg.body);
            sessions.set(msg.id, s);
        } else {
            s.set_text(msg.body);
        }
    } else {
        if (!s || !s.edit(msg.start, msg.end, msg.text) || s.len16() !== msg.len) {
            post(port, { type: 'unknown-session', id: msg.id, seq: msg.seq });
            return;
        }
    }
    const report = s.assess_delta(msg.subject ?? undefined, policy.compiled);
    const scanMs = performance.now() - t0;
    post(port, { type: 'result', id: msg.id, seq: msg.seq, report, scanMs });
}

// What a content script may ask the agent (the lead's reader asks for
// `decrypt` through its own module).
const CONTENT_REQUESTS = new Set(['status', 'recipients', 'encrypt', 'audit']);

/** A request for the agent from a content script; the answer goes back with its `rid`. */
async function relayAgentRequest(port, msg) {
    let out;
    try {
        if (!CONTENT_REQUESTS.has(msg.req)) throw Object.assign(new Error('not allowed'), { code: 'malformed' });
        const members = msg.members && typeof msg.members === 'object' ? msg.members : {};
        const reply = await agentRequest(msg.req, members, { timeoutMs: msg.req === 'encrypt' ? 60000 : 10000 });
        out = { ok: true, reply };
    } catch (e) {
        out = { ok: false, error: { code: e.code || 'unavailable', message: e.message } };
    }
    post(port, { type: 'agent-reply', rid: msg.rid, ...out });
}

chrome.runtime.onConnect.addListener((port) => {
    if (port.name === 'sealpost-editor') {
        onFramePort(port);
        return;
    }
    if (port.name !== 'sealpost-scan' || !port.sender?.tab) return;
    ports.add(port);
    const sessions = new Map();
    // Messages are handled strictly in order, after the core is ready.
    let chain = start()
        .then(() => post(port, { type: 'policy', policy: policy.info }))
        .catch((e) => console.error('Sealpost: the policy core did not start:', e && e.message));
    port.onMessage.addListener((msg) => {
        if (msg.type === 'agent') {
            void agentStatus(Boolean(msg.force)).then((status) => {
                post(port, { type: 'agent', status });
                // Overrides made while the agent was away go to its audit log now.
                if (status === 'available') void forwardPending();
            });
            return;
        }
        if (msg.type === 'ping') return; // keeps the worker alive while a compose window is open
        if (msg.type === 'agent-request') {
            void relayAgentRequest(port, msg);
            return;
        }
        if (fromContent(port, msg)) return;
        if (msg.type === 'recoverable' || msg.type === 'recover') {
            // Unsent secure messages (recoverable.js): how many, or one to restore.
            const work = msg.type === 'recoverable' ? recoverable.list(String(msg.site || '')).then((list) => ({ list })) : recoverable.take(String(msg.id || '')).then((draft) => ({ draft }));
            void work
                .catch(() => ({}))
                .then((r) => post(port, { type: 'reply', rid: msg.rid, ...r }));
            return;
        }
        if (msg.type === 'override') {
            recordOverride(msg.record).catch((e) => console.error('Sealpost: override not recorded:', e && e.message));
            return;
        }
        chain = chain
            .then(() => {
                if (msg.type === 'set' || msg.type === 'edit') handleScan(port, sessions, msg);
                else if (msg.type === 'close') {
                    sessions.get(msg.id)?.free();
                    sessions.delete(msg.id);
                }
            })
            .catch((e) => console.error('Sealpost: scan failed:', e && e.message));
    });
    port.onDisconnect.addListener(() => {
        ports.delete(port);
        contentGone(port);
        for (const s of sessions.values()) s.free();
        sessions.clear();
    });
});

chrome.action.onClicked.addListener(() => chrome.runtime.openOptionsPage());

// Compile the core as soon as the worker starts, not on the first keystroke.
void start();
