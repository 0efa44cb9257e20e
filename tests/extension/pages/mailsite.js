// Shared by the Gmail-like and Outlook-like test pages: building DOM without
// innerHTML (Gmail enforces Trusted Types, and so does gmail.html here), and
// recording sends and draft autosaves the way a mail site talks to its server.
//
// Every send appends {site, window, subject, body, to, cc, attachments, at}
// to window.sentMessages (main world; `at` is the page's performance.now() at
// the send) and POSTs the same JSON to /api/send; the test server keeps the
// list (GET /api/sent). Drafts are autosaved every few seconds while they
// change (POST /api/autosave, with `at`: when the draft was read), as the
// real sites do; `?autosave=0` in the page URL turns that off, `?autosave=MS`
// sets the interval. A file chosen in a compose window's own file input, or
// dropped on the window, is uploaded at once (POST /api/upload, the raw
// bytes), as both sites do before the message is sent, and shown as a chip;
// the send then lists it by name and size.

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

const BLOCKS = new Set(['DIV', 'P', 'LI', 'BLOCKQUOTE', 'PRE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TR']);

/**
 * Text of a contenteditable editor as the site would send it. Gmail and
 * Outlook on the web send the editor's DOM serialised (its HTML), which
 * needs no layout; `innerText` would force a layout of the whole body right
 * at the send (about 100 ms for the ~2,400 lines of a 100 KB armored
 * message on the build machine) that the real sites do not pay there. So
 * the text is taken from the DOM the way innerText reads these editors'
 * content: a line break at <br> and around blocks (<div> per line).
 */
export function editorText(editor) {
    // Parts in an array, and the last character kept aside: `endsWith` on a
    // string built by += flattens it every time (quadratic in the body).
    const parts = [];
    let atLineStart = true;
    const add = (t) => {
        if (!t) return;
        parts.push(t);
        atLineStart = t.endsWith('\n');
    };
    const walk = (node) => {
        for (const c of node.childNodes) {
            if (c.nodeType === Node.TEXT_NODE) add(c.data);
            else if (c.nodeName === 'BR') add('\n');
            else if (BLOCKS.has(c.nodeName)) {
                if (parts.length && !atLineStart) add('\n');
                walk(c);
                if (parts.length && !atLineStart) add('\n');
            } else if (c.nodeType === Node.ELEMENT_NODE) walk(c);
        }
    };
    walk(editor);
    return parts.join('').replace(/\u00a0/g, ' ').replace(/\n$/, '');
}

/** Records a send: main-world list plus POST /api/send. Returns the POST's promise. */
export function recordSend(msg) {
    msg.at = performance.now();
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
        const saved = { ...draft, at: Date.now() };
        window.autosavedDrafts.push(saved);
        fetch('/api/autosave', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(saved),
        }).catch(() => {});
    }, AUTOSAVE_MS);
}

window.uploadedFiles = [];

/**
 * The compose window's attachments, as the sites handle them: `button` opens
 * the hidden file `input`; each chosen file (or file dropped on `root`) is
 * uploaded straight away (POST /api/upload?site=&window=&name=, body = the
 * bytes) and shown in `list` as a chip made by `makeChip(name, size)`.
 * Returns `files()`: [{name, size}] of what was uploaded, for the send.
 */
export function startAttachments(site, root, { button, input, list, makeChip }) {
    const done = [];
    const upload = async (file) => {
        const bytes = await file.arrayBuffer();
        const q = new URLSearchParams({ site, window: root.getAttribute('data-test-window'), name: file.name });
        window.uploadedFiles.push({ name: file.name, size: file.size });
        await fetch('/api/upload?' + q, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes }).catch((e) => console.error('upload failed', e));
        done.push({ name: file.name, size: file.size });
        list.append(makeChip(file.name, file.size));
    };
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
        for (const f of input.files) upload(f);
        input.value = '';
    });
    root.addEventListener('dragover', (e) => e.preventDefault());
    root.addEventListener('drop', (e) => {
        const files = e.dataTransfer && e.dataTransfer.files;
        if (!files || !files.length) return;
        e.preventDefault();
        for (const f of files) upload(f);
    });
    return () => done.map((f) => ({ ...f }));
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
