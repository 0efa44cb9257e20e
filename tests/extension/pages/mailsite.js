// Shared by the Gmail-like and Outlook-like test pages: building DOM without
// innerHTML (Gmail enforces Trusted Types, and so does gmail.html here), and
// recording sends and draft autosaves the way a mail site talks to its server.
//
// Every send appends {site, window, subject, body, to} to window.sentMessages
// (main world) and POSTs the same JSON to /api/send; the test server keeps the
// list (GET /api/sent). Drafts are autosaved every few seconds while they
// change (POST /api/autosave), as the real sites do; `?autosave=0` in the page
// URL turns that off, `?autosave=MS` sets the interval.

/** createElement with attributes and children; never parses HTML. */
export function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (v === false || v === null || v === undefined) continue;
        if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
        else if (k === 'value') el.value = v;
        else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
        if (c === null || c === undefined || c === false) continue;
        el.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return el;
}

window.sentMessages = [];
window.autosavedDrafts = [];

/** Text of a contenteditable editor as the site would send it. */
export function editorText(editor) {
    return editor.innerText.replace(/\u00a0/g, ' ').replace(/\n$/, '');
}

/** Records a send: main-world list plus POST /api/send. Returns the POST's promise. */
export function recordSend(msg) {
    window.sentMessages.push(msg);
    return fetch('/api/send', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(msg),
    }).catch((e) => console.error('send failed', e));
}

const params = new URLSearchParams(location.search);
const AUTOSAVE_MS = params.has('autosave') ? Number(params.get('autosave')) : 3000;

/**
 * Autosaves a draft every AUTOSAVE_MS while it changes. `read()` returns
 * {subject, body, to}; stops when `alive()` is false.
 */
export function startAutosave(site, windowId, read, alive) {
    if (!AUTOSAVE_MS) return;
    let last = '';
    const timer = setInterval(() => {
        if (!alive()) return clearInterval(timer);
        const draft = { site, window: windowId, ...read() };
        const key = JSON.stringify(draft);
        if (key === last || (!draft.subject && !draft.body)) return;
        last = key;
        window.autosavedDrafts.push(draft);
        fetch('/api/autosave', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: key,
        }).catch(() => {});
    }, AUTOSAVE_MS);
}

/** A transient notice like the sites' "Message sent". */
export function toast(text, className) {
    const t = h('div', { class: className, role: 'alert', 'data-test-toast': '' }, text);
    document.body.append(t);
    setTimeout(() => t.remove(), 4000);
}

/** Is this keydown the "send" shortcut (Ctrl+Enter, Cmd+Enter)? */
export function isSendShortcut(e) {
    return e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
}

/**
 * Wires the page's Compose, Reply and Forward buttons, exposes the test
 * handles (window.testPage) and marks the page ready.
 */
export function startPage(site, openCompose, openReply) {
    document.querySelector('[data-test-action="compose"]').addEventListener('click', () => openCompose());
    document.querySelector('[data-test-action="reply"]').addEventListener('click', () => openReply());
    document.querySelector('[data-test-action="forward"]').addEventListener('click', () => openReply());
    window.testPage = {
        site,
        openCompose: (opts) => openCompose(opts).getAttribute('data-test-window'),
        openReply: () => openReply().getAttribute('data-test-window'),
    };
    document.documentElement.setAttribute('data-test-ready', site);
}
