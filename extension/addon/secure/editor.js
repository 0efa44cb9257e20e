// The secure editor: an extension-origin frame the content script places over
// the mail site's body editor while secure-send is on. The site's page cannot
// read this document (another origin), so its autosave never gets the text.
//
// This frame OWNS the plaintext and the attachments: the service worker only
// relays (port "sealpost-editor", paired with the compose window's content
// script by the token in our URL's hash) and asks the agent to encrypt. When
// the worker is stopped, the port closes; we reconnect, say hello again and
// send the text again once paired. Nothing here uses window.postMessage.
'use strict';

(() => {
    const MAX_TOTAL = 25 * 1024 * 1024; // the agent's limit on decoded attachments
    const token = new URLSearchParams(location.hash.slice(1)).get('t') || '';

    const editor = document.querySelector('[data-sealpost-editor]');
    const notice = document.querySelector('[data-sealpost-notice]');
    const attachBtn = document.querySelector('[data-sealpost-attach]');
    const fileInput = document.querySelector('[data-sealpost-file]');
    const list = document.querySelector('.list');
    // The real subject, while secure-send is on in a window whose site has a
    // subject field (the site's field shows only the placeholder); hidden
    // where the site has none (inline replies).
    const subjectRow = document.querySelector('[data-sealpost-subject-row]');
    const subjectInput = document.querySelector('[data-sealpost-subject]');
    const subjectNote = document.querySelector('[data-sealpost-subject-note]');
    const highlights = new Sealpost.highlights.WindowHighlights(editor);

    let port = null;
    let paired = false;
    let version = 0; // of the text, as last sent to the content script
    let structure = 0;
    let nextFile = 1;
    const attachments = []; // {id, file}
    const incoming = new Map(); // fid → {name, mime, size, parts}

    // ---- the port --------------------------------------------------------

    let retry = 0;
    function connect() {
        if (!token) return;
        try {
            port = chrome.runtime.connect({ name: 'sealpost-editor' });
        } catch {
            return; // the extension is gone
        }
        paired = false;
        port.onMessage.addListener(receive);
        port.onDisconnect.addListener(() => {
            void chrome.runtime.lastError;
            port = null;
            paired = false;
            // The worker was stopped or restarted: come back (soon, then less often).
            setTimeout(connect, Math.min(2000, 50 * 2 ** retry++));
        });
        port.postMessage({ type: 'hello', token });
    }

    function toContent(msg) {
        if (!port || !paired) return false;
        try {
            port.postMessage({ type: 'relay', msg });
            return true;
        } catch {
            return false;
        }
    }

    function receive(m) {
        if (!m || typeof m !== 'object') return;
        switch (m.type) {
            case 'paired':
                paired = true;
                retry = 0;
                sendText(true);
                sendSubject();
                sendAttachments();
                break;
            case 'set-text':
                setText(m.text || '');
                break;
            case 'set-subject':
                setSubject(m);
                break;
            case 'subject-note':
                showSubjectNote(m);
                break;
            case 'focus-subject':
                if (!subjectRow.hidden) subjectInput.focus();
                else editor.focus();
                break;
            case 'findings':
                showFindings(m);
                break;
            case 'take':
                toContent({ type: 'taken', rid: m.rid, text: currentText(), subject: subjectRow.hidden ? null : subjectInput.value, attachments: attachments.length });
                break;
            case 'encrypt':
                void encrypt(m);
                break;
            case 'unlock':
                lock(false);
                break;
            case 'file':
                receiveFilePart(m);
                break;
            case 'notice':
                showNotice(m.kind, m.text);
                break;
            case 'focus':
                editor.focus();
                break;
            case 'closed':
                // The compose window let go of us: drop everything we hold.
                editor.replaceChildren();
                subjectInput.value = '';
                attachments.length = 0;
                renderList();
                break;
            default:
                break;
        }
    }

    // ---- text ------------------------------------------------------------

    function currentText() {
        return Sealpost.textMap.extract(editor).text;
    }

    let lastSent = null;
    /** Tells the content script our text (its scan session scans it). */
    function sendText(force = false) {
        const text = currentText();
        if (!force && text === lastSent) return;
        version += 1;
        if (toContent({ type: 'text', text, v: version })) lastSent = text;
    }

    function setText(text) {
        editor.replaceChildren(document.createTextNode(text));
        structure += 1;
        sendText(true);
    }

    editor.addEventListener('input', () => sendText());
    // Any DOM change that is not typing (spellcheck replacement, drop of text) still reaches the scan.
    new MutationObserver((records) => {
        if (records.some((r) => r.type === 'childList')) structure += 1;
        sendText();
    }).observe(editor, { childList: true, characterData: true, subtree: true });

    // ---- subject ---------------------------------------------------------

    /** Tells the content script our subject (its scan session scans it as the subject). */
    function sendSubject() {
        if (!subjectRow.hidden) toContent({ type: 'subject', subject: subjectInput.value });
    }

    /** `present`: the site has a subject field, so the real subject lives here. */
    function setSubject(m) {
        subjectRow.hidden = !m.present;
        if (m.present) subjectInput.value = typeof m.subject === 'string' ? m.subject : '';
        sendSubject();
    }

    /** A calm note under the subject when it has findings: it is protected, it travels encrypted. */
    function showSubjectNote(m) {
        if (!m.kind) {
            subjectNote.hidden = true;
            subjectNote.removeAttribute('data-kind');
            subjectNote.textContent = '';
            return;
        }
        subjectNote.setAttribute('data-kind', m.kind);
        subjectNote.textContent = m.text || '';
        subjectNote.hidden = false;
    }

    subjectInput.addEventListener('input', sendSubject);
    subjectInput.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' || e.altKey || e.shiftKey) return;
        e.preventDefault();
        if (e.ctrlKey || e.metaKey) toContent({ type: 'send-shortcut' });
        else editor.focus(); // as in the sites: Enter in the subject goes to the body
    });

    /** Body findings of the scan of our text version `v`: highlight them if that is still our text. */
    function showFindings(m) {
        if (m.v !== version) return; // stale: a scan of the newer text follows
        const { text, segs } = Sealpost.textMap.extract(editor);
        if (text !== lastSent) return;
        const body = Array.isArray(m.findings) ? m.findings : [];
        highlights.update({ delta: { full: true }, body, version: highlights.version + 1 }, { segs }, structure);
    }

    // Keys typed here must not be mistaken for the site's shortcuts, but
    // Ctrl/Cmd+Enter is "send": the content script runs the send gate.
    editor.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
            e.preventDefault();
            toContent({ type: 'send-shortcut' });
        }
    });

    // ---- attachments -----------------------------------------------------

    function total() {
        return attachments.reduce((n, a) => n + a.file.size, 0);
    }

    function sizeText(n) {
        if (n < 1024) return `${n} B`;
        if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
        return `${(n / 1024 / 1024).toFixed(1)} MB`;
    }

    function showNotice(kind, text) {
        if (!kind) {
            notice.hidden = true;
            notice.removeAttribute('data-kind');
            notice.textContent = '';
            return;
        }
        notice.setAttribute('data-kind', kind);
        notice.textContent = text || '';
        notice.hidden = false;
    }


    /** Adds files (from our input, a drop, a paste, or the site's own attach control). */
    function addFiles(files) {
        for (const file of files) {
            if (total() + file.size > MAX_TOTAL) {
                showNotice(
                    'too-large',
                    `“${file.name}” (${sizeText(file.size)}) was not attached: attachments to an encrypted message can total at most 25 MB.`,
                );
                continue;
            }
            attachments.push({ id: nextFile++, file });
            showNotice(null);
        }
        renderList();
    }

    function renderList() {
        list.replaceChildren(
            ...attachments.map((a) => {
                const remove = document.createElement('button');
                remove.type = 'button';
                remove.setAttribute('data-action', 'remove');
                remove.setAttribute('aria-label', `Remove ${a.file.name}`);
                remove.textContent = '×';
                remove.addEventListener('click', () => {
                    const i = attachments.indexOf(a);
                    if (i >= 0) attachments.splice(i, 1);
                    renderList();
                });
                const name = document.createElement('span');
                name.className = 'name';
                name.textContent = a.file.name;
                const size = document.createElement('span');
                size.className = 'size';
                size.textContent = sizeText(a.file.size);
                const li = document.createElement('li');
                li.setAttribute('data-sealpost-attachment', '');
                li.setAttribute('data-name', a.file.name);
                li.setAttribute('data-size', String(a.file.size));
                li.title = `${a.file.name} — encrypted with the message`;
                li.append(name, size, remove);
                return li;
            }),
        );
        sendAttachments();
    }

    function sendAttachments() {
        toContent({ type: 'attachments', count: attachments.length, total: total() });
    }

    attachBtn.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
        addFiles([...fileInput.files]);
        fileInput.value = '';
    });

    // Files dropped or pasted here are attachments; pasted text is text.
    document.addEventListener('dragover', (e) => {
        if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
            e.preventDefault();
            document.body.classList.add('dragging');
        }
    });
    document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
    document.addEventListener('drop', (e) => {
        document.body.classList.remove('dragging');
        if (e.dataTransfer && e.dataTransfer.files.length) {
            e.preventDefault();
            addFiles([...e.dataTransfer.files]);
        }
    });
    document.addEventListener('paste', (e) => {
        if (e.clipboardData && e.clipboardData.files.length) {
            e.preventDefault();
            addFiles([...e.clipboardData.files]);
        }
    });

    /** A file the content script took from the site's own attach control, in base64 parts. */
    function receiveFilePart(m) {
        let f = incoming.get(m.fid);
        if (!f) {
            if (m.seq !== 0) return;
            f = { name: String(m.name || 'attachment'), mime: String(m.mime || ''), parts: [] };
            incoming.set(m.fid, f);
        }
        if (m.seq !== f.parts.length) {
            incoming.delete(m.fid);
            return;
        }
        f.parts.push(Sealpost.base64.toBytes(m.data || ''));
        if (m.last) {
            incoming.delete(m.fid);
            addFiles([new File(f.parts, f.name, { type: f.mime })]);
        }
    }

    // ---- encrypt ---------------------------------------------------------

    /** While the message is being encrypted, what is sent is what is shown: no edits. */
    function lock(on) {
        editor.setAttribute('contenteditable', on ? 'false' : 'plaintext-only');
        editor.setAttribute('aria-busy', String(on));
        subjectInput.readOnly = on;
        attachBtn.disabled = on;
        for (const b of list.querySelectorAll('button')) b.disabled = on;
    }

    /** The content script asks for the encrypted message: we add the text and attachments. */
    async function encrypt(m) {
        // Reading the attachments takes a while: no edits meanwhile.
        if (attachments.length) lock(true);
        let files;
        try {
            files = await Promise.all(
                attachments.map(async (a) => ({
                    name: a.file.name,
                    ...(a.file.type ? { type: a.file.type } : {}),
                    data_base64: await Sealpost.base64.fromBlob(a.file),
                })),
            );
        } catch {
            toContent({ type: 'encrypted', rid: m.rid, ok: false, error: { code: 'bad_attachment', message: 'An attachment could not be read. Remove it and attach it again.' } });
            return;
        }
        const request = {
            from: m.from,
            to: m.to || [],
            cc: m.cc || [],
            bcc: m.bcc || [],
            // Ours when the site has a subject field (its field holds only the placeholder).
            subject: subjectRow.hidden ? m.subject || '' : subjectInput.value,
            text: currentText(),
            attachments: files,
        };
        if (m.placeholder) request.placeholder = m.placeholder;
        try {
            port.postMessage({ type: 'encrypt', rid: m.rid, request });
        } catch {
            toContent({ type: 'encrypted', rid: m.rid, ok: false, error: { code: 'unavailable', message: 'Sealpost restarted while sending. Try again.' } });
        }
        // No edits until the content script unlocks (what is sent is what is
        // shown). Locked once the request is on its way, in the task that read
        // the text, so no edit comes between: making a long text read-only
        // takes ~12 ms (100 KB), which now overlaps the encryption.
        lock(true);
    }

    // Clicking anywhere below the text puts the caret in it.
    document.body.addEventListener('mousedown', (e) => {
        if (e.target === document.body) {
            e.preventDefault();
            editor.focus();
        }
    });
    window.addEventListener('focus', () => {
        if (document.activeElement === document.body) editor.focus();
    });

    connect();
})();
