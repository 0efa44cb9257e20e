// Overrides ("send anyway") recorded locally, for the agent's audit log
// (issue 5 forwards them). Metadata only: time, verdicts, action, category
// counts and the justification code. Never message text, subjects or
// addresses.

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
    };
}

/** Appends an override record (sanitized) to chrome.storage.local. */
export async function recordOverride(r) {
    const rec = sanitize(r);
    const { [KEY]: list = [] } = await chrome.storage.local.get(KEY);
    list.push(rec);
    await chrome.storage.local.set({ [KEY]: list.slice(-KEEP) });
    return rec;
}
