// Secure messages whose compose window went away unsent. With secure-send on,
// the text lives only in the secure editor: the mail site's draft holds an
// empty body and the placeholder subject. When the site closes the compose
// window ("Save & close", "Discard", the site rebuilding its DOM) the frame
// goes with it, so the content script hands us the last text and subject it
// had and we keep them here for the user to restore in a new compose window.
//
// Kept in chrome.storage.session: in memory only, never written to disk,
// readable by the extension's own pages and worker but not by content scripts
// (the default access level), gone when the browser closes. At most
// MAX_KEPT per browser, each for at most TTL_MS, and taken out when restored.
// Content scripts get only how many there are, how long and how old, never
// the text until they restore one.

const KEY = 'recoverable';
const MAX_KEPT = 5;
const TTL_MS = 2 * 60 * 60 * 1000;

// Read-modify-write of one storage key: one change at a time, so two windows
// closing together both stay kept, and a list sees a change just made.
let queue = Promise.resolve();
function serial(f) {
    const r = queue.then(f);
    queue = r.catch(() => {});
    return r;
}

async function load() {
    const { [KEY]: list = [] } = await chrome.storage.session.get(KEY);
    const now = Date.now();
    return list.filter((d) => d && typeof d.text === 'string' && now - d.at < TTL_MS);
}

/** Keeps the text and subject of a secure editor whose window went away unsent. */
export function keep(site, text, subject) {
    if (typeof text !== 'string' || !text.trim()) return Promise.resolve();
    return serial(() => keepNow(site, text, subject));
}

async function keepNow(site, text, subject) {
    const list = await load();
    list.push({
        id: crypto.randomUUID(),
        site: typeof site === 'string' ? site : '',
        at: Date.now(),
        text,
        subject: typeof subject === 'string' ? subject : null,
    });
    await chrome.storage.session.set({ [KEY]: list.slice(-MAX_KEPT) });
}

/** What can be restored on `site`, newest last: [{id, at, chars}] (no text). */
export function list(site) {
    // After any change in flight (a window that just closed).
    return serial(async () => (await load()).filter((d) => d.site === site).map((d) => ({ id: d.id, at: d.at, chars: d.text.length })));
}

/** Takes out the message `id`: {text, subject}, or null if it is gone. */
export function take(id) {
    return serial(() => takeNow(id));
}

async function takeNow(id) {
    const all = await load();
    const d = all.find((x) => x.id === id);
    await chrome.storage.session.set({ [KEY]: all.filter((x) => x.id !== id) });
    return d ? { text: d.text, subject: d.subject } : null;
}
