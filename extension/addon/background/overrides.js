// Overrides ("send anyway") recorded locally and forwarded to the agent's
// audit log (`audit` request, event `override`). Metadata only: time,
// verdicts, action, category counts, recipient domains and the
// justification code. Never message text, subjects or addresses' local parts.
//
// A record is kept locally first, so an override made while the agent is
// down (often the very reason for it) still reaches the audit log: records
// stay `audit: 'pending'` until the agent takes them ('recorded') or refuses
// them ('refused:<code>', e.g. its policy allows no override there; not
// retried). Pending records are sent again whenever the agent answers.

import { agentRequest } from './agent.js';

const KEY = 'overrides';
const KEEP = 500;

const VERDICTS = new Set(['clean', 'possible', 'phi']);
const ACTIONS = new Set(['allow', 'warn', 'encrypt', 'block']);

/** Keeps only the fields an override record may hold. */
export function sanitize(r) {
    const counts = {};
    for (const [k, v] of Object.entries(r.categories || {})) {
        if (/^[a-z0-9_]{1,32}$/.test(k) && Number.isInteger(v) && v >= 0) counts[k] = v;
    }
    return {
        at: new Date().toISOString(),
        site: r.site === 'gmail' || r.site === 'outlook' ? r.site : 'other',
        verdict: VERDICTS.has(r.verdict) ? r.verdict : 'phi',
        subject_verdict: VERDICTS.has(r.subject_verdict) ? r.subject_verdict : 'clean',
        action: ACTIONS.has(r.action) ? r.action : 'block',
        gate: ['encrypt', 'unavailable', 'block', 'warn', 'missing-keys'].includes(r.gate) ? r.gate : 'block',
        categories: counts,
        justification: typeof r.justification === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(r.justification) ? r.justification : null,
        recipient_domains: domains(r.recipient_domains),
    };
}

/** Lower-case DNS names only (at most 100): nothing of a local part gets through. */
function domains(list) {
    if (!Array.isArray(list)) return [];
    return list
        .filter((d) => typeof d === 'string')
        .map((d) => d.toLowerCase())
        .filter((d) => d.length <= 253 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d))
        .slice(0, 100);
}

/** Appends an override record (sanitized) to chrome.storage.local, then forwards it. */
export async function recordOverride(r) {
    const rec = { id: crypto.randomUUID(), ...sanitize(r), audit: 'pending' };
    const { [KEY]: list = [] } = await chrome.storage.local.get(KEY);
    list.push(rec);
    await chrome.storage.local.set({ [KEY]: list.slice(-KEEP) });
    void forwardPending();
    return rec;
}

let forwarding = null;

/** Sends pending records to the agent's audit log; one run at a time. */
export function forwardPending() {
    if (!forwarding) {
        forwarding = forward()
            .catch((e) => console.error('Sealpost: overrides not forwarded:', e && e.message))
            .finally(() => {
                forwarding = null;
            });
    }
    return forwarding;
}

async function forward() {
    const { [KEY]: list = [] } = await chrome.storage.local.get(KEY);
    const done = new Map(); // id → audit state
    for (const rec of list) {
        if (rec.audit !== 'pending' || !rec.id) continue;
        if (!rec.recipient_domains || !rec.recipient_domains.length) {
            done.set(rec.id, 'refused:no_recipients');
            continue;
        }
        const members = {
            event: 'override',
            verdict: rec.verdict,
            action: rec.action,
            categories: rec.categories,
            recipient_domains: rec.recipient_domains,
        };
        if (rec.justification) members.justification = rec.justification;
        let reply;
        try {
            reply = await agentRequest('audit', members);
        } catch {
            break; // the agent is not there: the rest wait for the next time it answers
        }
        done.set(rec.id, reply.ok ? 'recorded' : `refused:${(reply.error && reply.error.code) || 'error'}`);
    }
    if (!done.size) return;
    // Re-read: records may have been added meanwhile.
    const { [KEY]: now = [] } = await chrome.storage.local.get(KEY);
    for (const rec of now) if (done.has(rec.id)) rec.audit = done.get(rec.id);
    await chrome.storage.local.set({ [KEY]: now });
}
