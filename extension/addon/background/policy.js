// The policy in force: the managed policy from chrome.storage.managed (set by
// IT through the browser's policy, same schema as the proxy's), compiled by
// the wasm policy core. No managed policy → the built-in default. An invalid
// one → the strictest built-in policy, and everybody is told so.
//
// Chromium hands an extension its managed policy some seconds after it
// starts (measured here: 3–6 s; Chromium waits for policy files to be 5 s
// old before reading them), and says so with a storage change event. So that a managed policy is not
// replaced by the weaker default in that window:
// - the last managed policy seen is kept in chrome.storage.local and used
//   until Chromium delivers the current one (or, after SETTLE_MS without one,
//   says there is none);
// - on the first start in a browser session with nothing cached, scans wait
//   up to FIRST_WAIT_MS for the managed policy before the default applies;
// - a worker restarted later in the session uses the policy the session
//   already saw until Chromium confirms it (a restarted worker can read
//   managed storage before it is filled again).

import { CompiledPolicy } from '../wasm/sealpost_extension.js';

const CACHE_KEY = 'managedPolicyCache';
const SESSION_KEY = 'policySettled';
const SESSION_CACHE = 'managedPolicySeen';
const FIRST_WAIT_MS = 5000;
const SETTLE_MS = 10000;

let changeWaiters = [];

// Firefox has no delay: with no managed policy for the extension in its
// enterprise policies, reading managed storage fails with this message.
const FIREFOX_NONE = /managed storage manifest not found/i;
/** The managed policy is certainly absent (Firefox), not merely not delivered yet. */
const ABSENT = 'absent';

/** Reads the managed policy: a JSON string, null when there is none yet, or ABSENT. */
async function readManaged() {
    let items;
    try {
        items = await chrome.storage.managed.get(null);
    } catch (e) {
        if (FIREFOX_NONE.test(String(e && e.message))) return ABSENT;
        throw e;
    }
    return items && Object.keys(items).length > 0 ? JSON.stringify(items) : null;
}

function nextManagedChange(ms) {
    return new Promise((resolve) => {
        const w = () => {
            clearTimeout(timer);
            resolve(true);
        };
        const timer = setTimeout(() => {
            changeWaiters = changeWaiters.filter((x) => x !== w);
            resolve(false);
        }, ms);
        changeWaiters.push(w);
    });
}

async function settled() {
    return Boolean((await sessionGet(SESSION_KEY))[SESSION_KEY]);
}

async function markSettled() {
    await sessionSet({ [SESSION_KEY]: true });
}

/**
 * Compiles the current policy. `trigger` is 'start' (the worker starts: an
 * empty read may only mean Chromium has not delivered the policy yet) or
 * 'change' (Chromium said the managed policy changed: an empty read means it
 * was removed). Returns {compiled, info}: `compiled` is the wasm
 * CompiledPolicy (free it when replaced), `info` the plain description
 * {source, error, config, defaults, managed, provisional}. `onLate` is called
 * when a provisional answer turned out wrong and the policy must be reloaded.
 */
export async function loadPolicy(trigger = 'start', onLate = () => {}) {
    let json;
    let readError = null;
    let provisional = false;
    try {
        json = await readManaged();
        if (json === ABSENT) {
            json = null;
            await forget();
        } else if (json) {
            await remember(json);
        } else if (trigger === 'change') {
            await forget();
        } else {
            const { [SESSION_CACHE]: seen } = await sessionGet(SESSION_CACHE);
            if (seen) {
                // This browser session already had a managed policy: a
                // restarted worker can read before Chromium hands it over.
                json = seen;
                provisional = true;
            } else if (!(await settled())) {
                const { [CACHE_KEY]: cached } = await chrome.storage.local.get(CACHE_KEY);
                if (cached) {
                    // Last session's managed policy, until Chromium says otherwise.
                    json = cached;
                    provisional = true;
                    setTimeout(async () => {
                        await markSettled();
                        const now = await readManaged();
                        if (!now || now === ABSENT) {
                            await forget();
                            onLate();
                        }
                    }, SETTLE_MS);
                } else {
                    // Wait for Chromium to hand over a managed policy (it may
                    // first report an empty store), up to FIRST_WAIT_MS.
                    const deadline = Date.now() + FIRST_WAIT_MS;
                    while (!json && Date.now() < deadline) {
                        if (!(await nextManagedChange(deadline - Date.now()))) break;
                        json = await readManaged();
                        if (json === ABSENT) json = null;
                    }
                    if (json) await remember(json);
                    await markSettled();
                }
            }
        }
    } catch (e) {
        // Managed storage that cannot be read must not mean "no policy".
        json = '{"version": 0}';
        readError = `managed storage could not be read: ${e && e.message ? e.message : e}`;
    }
    const compiled = new CompiledPolicy(json ?? undefined);
    const info = JSON.parse(compiled.describe());
    if (readError) info.error = readError;
    info.managed = json && !readError ? JSON.parse(json) : null;
    info.provisional = provisional;
    return { compiled, info };
}

async function remember(json) {
    await chrome.storage.local.set({ [CACHE_KEY]: json });
    await sessionSet({ [SESSION_CACHE]: json, [SESSION_KEY]: true });
}

async function forget() {
    await chrome.storage.local.remove(CACHE_KEY);
    await sessionSet({ [SESSION_CACHE]: null, [SESSION_KEY]: true });
}

async function sessionGet(key) {
    try {
        return await chrome.storage.session.get(key);
    } catch {
        return {};
    }
}

async function sessionSet(items) {
    try {
        await chrome.storage.session.set(items);
    } catch {
        // Only an optimisation.
    }
}

/** Calls `onChange` whenever the managed policy changes. */
export function watchPolicy(onChange) {
    chrome.storage.onChanged.addListener((_changes, area) => {
        if (area !== 'managed') return;
        const waiters = changeWaiters;
        changeWaiters = [];
        for (const w of waiters) w();
        onChange();
    });
}
