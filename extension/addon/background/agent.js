// The local Sealpost agent, over native messaging (host com.sealpost.agent).
// Only a status probe for now: the agent that encrypts comes with the web
// secure-send issue. No answer, an error, or a missing host → unavailable.

const HOST = 'com.sealpost.agent';
const PROBE_TIMEOUT_MS = 2000;
const FRESH_MS = 15000;

let cached = null; // {status, at}
let inFlight = null;

function probe() {
    return new Promise((resolve) => {
        let port;
        let settled = false;
        const done = (status) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            try {
                port && port.disconnect();
            } catch {
                // Already disconnected.
            }
            resolve(status);
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
            done(ok ? 'available' : 'unavailable');
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
    if (!force && cached && Date.now() - cached.at < FRESH_MS) return cached.status;
    if (!inFlight) {
        inFlight = probe().then((status) => {
            cached = { status, at: Date.now() };
            inFlight = null;
            return status;
        });
    }
    return inFlight;
}
