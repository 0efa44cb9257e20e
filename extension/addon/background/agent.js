// The local Sealpost agent, over native messaging (host com.sealpost.agent;
// protocol in proxy/src/native/mod.rs).
//
// - agentStatus(): the availability probe behind the indicator. A bare
//   {"type":"status"} on a port of its own; any answer that is not an error
//   means available. No host, an error or no answer within 2 s → unavailable.
// - agentRequest(): one request with an id, answered by the host's reply
//   (chunked replies over 1 MB are reassembled). Requests share one port (one
//   host process) while they keep coming; it is closed after a quiet spell so
//   the worker and the host can stop. The host answers one request at a time,
//   in order.
//
// Nothing here logs message text, subjects or addresses.

const HOST = 'com.sealpost.agent';
const PROBE_TIMEOUT_MS = 2000;
const FRESH_MS = 15000;
const IDLE_CLOSE_MS = 20000;

let cached = null; // {status, at, reply}
let inFlight = null;

function probe() {
    return new Promise((resolve) => {
        let port;
        let settled = false;
        const done = (status, reply = null) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            try {
                port && port.disconnect();
            } catch {
                // Already disconnected.
            }
            resolve({ status, reply });
        };
        const timer = setTimeout(() => done('unavailable'), PROBE_TIMEOUT_MS);
        try {
            port = chrome.runtime.connectNative(HOST);
        } catch {
            done('unavailable');
            return;
        }
        port.onMessage.addListener((msg) => {
            const ok = msg && typeof msg === 'object' && msg.ok !== false && !msg.error;
            done(ok ? 'available' : 'unavailable', ok ? msg : null);
        });
        port.onDisconnect.addListener(() => {
            // Reading lastError marks it handled ("host not found" and the like).
            void chrome.runtime.lastError;
            done('unavailable');
        });
        port.postMessage({ type: 'status' });
    });
}

/** 'available' or 'unavailable'; probes at most every FRESH_MS unless `force`. */
export async function agentStatus(force = false) {
    return (await agentStatusReply(force)).status;
}

/**
 * {status, reply}: the probe's result with the host's status reply
 * (own_keys, placeholder_subject, ...) when it answered.
 */
export async function agentStatusReply(force = false) {
    if (!force && cached && Date.now() - cached.at < FRESH_MS) return cached;
    if (!inFlight) {
        inFlight = probe().then((r) => {
            cached = { ...r, at: Date.now() };
            inFlight = null;
            return cached;
        });
    }
    return inFlight;
}

/** An Error with a stable `.code` and a sentence a clinician can read. */
function agentError(code, message) {
    const e = new Error(message);
    e.code = code;
    return e;
}

const MESSAGES = {
    unavailable: 'The Sealpost app on this computer is not answering, so the message could not be encrypted.',
    timeout: 'The Sealpost app on this computer took too long to answer.',
    malformed: 'The Sealpost app on this computer gave an answer Sealpost does not understand.',
};

// The shared port: {port, pending: [{id, resolve, reject, timer, chunks}], idle}.
let shared = null;
let nextId = 1;

function openShared() {
    let port;
    try {
        port = chrome.runtime.connectNative(HOST);
    } catch {
        return null;
    }
    const conn = { port, pending: [], idle: null };
    port.onMessage.addListener((msg) => receive(conn, msg));
    port.onDisconnect.addListener(() => {
        void chrome.runtime.lastError;
        if (shared === conn) shared = null;
        clearTimeout(conn.idle);
        for (const p of conn.pending.splice(0)) fail(p, 'unavailable');
    });
    return conn;
}

function fail(p, code) {
    clearTimeout(p.timer);
    p.reject(agentError(code, MESSAGES[code]));
}

/** The protocol is broken on this port: fail everything on it and close it. */
function breakConn(conn, first) {
    if (shared === conn) shared = null;
    const rest = conn.pending.splice(0);
    for (const p of rest) fail(p, p === first ? 'malformed' : 'unavailable');
    try {
        conn.port.disconnect();
    } catch {
        // Already gone.
    }
}

function receive(conn, msg) {
    // The host answers strictly in order: this message belongs to the oldest request.
    const p = conn.pending[0];
    if (!p) return breakConn(conn, null);
    if (!msg || typeof msg !== 'object' || Array.isArray(msg) || msg.id !== p.id) return breakConn(conn, p);
    let reply = msg;
    if (msg.type === 'chunk') {
        if (!Number.isInteger(msg.seq) || msg.seq !== p.chunks.length || typeof msg.data !== 'string' || typeof msg.last !== 'boolean') {
            return breakConn(conn, p);
        }
        p.chunks.push(msg.data);
        if (!msg.last) return;
        try {
            reply = JSON.parse(p.chunks.join(''));
        } catch {
            return breakConn(conn, p);
        }
        if (!reply || typeof reply !== 'object' || reply.id !== p.id) return breakConn(conn, p);
    }
    const wellFormed =
        (reply.ok === true && typeof reply.type === 'string') ||
        (reply.ok === false && reply.error && typeof reply.error === 'object' && typeof reply.error.code === 'string');
    if (!wellFormed) return breakConn(conn, p);
    conn.pending.shift();
    clearTimeout(p.timer);
    p.resolve(reply);
    idleLater(conn);
}

function idleLater(conn) {
    clearTimeout(conn.idle);
    if (conn.pending.length) return;
    conn.idle = setTimeout(() => {
        if (conn.pending.length) return;
        if (shared === conn) shared = null;
        try {
            conn.port.disconnect();
        } catch {
            // Already gone.
        }
    }, IDLE_CLOSE_MS);
}

/**
 * Sends `{id, type, ...members}` to the agent. Resolves with the host's reply
 * (`{ok: true, type, ...}` or `{ok: false, error: {code, message, ...}}`);
 * rejects with an Error whose `.code` is `unavailable`, `timeout` or
 * `malformed`.
 */
export function agentRequest(type, members = {}, { timeoutMs = 10000 } = {}) {
    return new Promise((resolve, reject) => {
        if (!shared) shared = openShared();
        const conn = shared;
        if (!conn) {
            reject(agentError('unavailable', MESSAGES.unavailable));
            return;
        }
        clearTimeout(conn.idle);
        const id = nextId++;
        const p = { id, resolve, reject, chunks: [], timer: null };
        p.timer = setTimeout(() => {
            // A request that is not answered blocks every later one on this
            // port (the host is sequential): give up on the port.
            const i = conn.pending.indexOf(p);
            if (i < 0) return;
            conn.pending.splice(i, 1);
            fail(p, 'timeout');
            breakConn(conn, null);
        }, timeoutMs);
        conn.pending.push(p);
        try {
            conn.port.postMessage({ ...members, id, type });
        } catch {
            conn.pending.splice(conn.pending.indexOf(p), 1);
            fail(p, 'unavailable');
            breakConn(conn, null);
        }
    });
}
