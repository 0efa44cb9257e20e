// The reader frame: claims its one-time token from the service worker
// (background/reader.js), which asks the local agent to decrypt, and shows
// the message read-only. Everything is written as text (textContent); an
// HTML-only body is turned into text with DOMParser, which runs no scripts
// and loads nothing, so nothing from the message is ever executed here.
'use strict';

(() => {
    const $ = (sel) => document.querySelector(sel);
    const main = $('[data-sealpost-reader]');
    const status = $('[data-sealpost-reader-status]');

    const token = decodeURIComponent(location.hash.slice(1));
    // The token is single-use; keep it out of the frame's URL from now on.
    history.replaceState(null, '', location.pathname);

    function reportHeight() {
        // Only a number crosses to the page, so it can size the frame.
        parent.postMessage({ sealpostReaderHeight: Math.ceil(document.documentElement.scrollHeight) }, '*');
    }
    new ResizeObserver(reportHeight).observe(document.documentElement);

    function fail(message, code) {
        main.setAttribute('data-state', 'error');
        main.setAttribute('data-code', code || 'error');
        status.textContent = message;
    }

    function htmlToText(html) {
        const doc = new DOMParser().parseFromString(html, 'text/html');
        for (const br of doc.querySelectorAll('br')) br.replaceWith('\n');
        for (const block of doc.querySelectorAll('p, div, li, tr, h1, h2, h3, h4, h5, h6')) block.append('\n');
        return (doc.body ? doc.body.textContent : '').replace(/\n{3,}/g, '\n\n').trim();
    }

    function size(n) {
        if (n < 1024) return `${n} bytes`;
        if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
        return `${(n / (1024 * 1024)).toFixed(1)} MB`;
    }

    function field(name, value) {
        $(`[data-field="${name}"]`).textContent = value;
    }

    function show(m) {
        field('subject', m.subject || '(no subject)');
        field('from', m.from || 'unknown');
        field('to', (m.to || []).join(', ') || '—');
        if (m.cc && m.cc.length) field('cc', m.cc.join(', '));
        else for (const el of document.querySelectorAll('[data-row="cc"]')) el.hidden = true;
        const date = m.date ? new Date(m.date) : null;
        field('date', date && !Number.isNaN(date.getTime()) ? date.toLocaleString() : m.date || '—');
        field('signed', m.signed_by && m.signed_by.length ? `Signed by key ${m.signed_by.join(', ')} (verified)` : 'Not signed');
        const body = m.text != null ? m.text : m.html != null ? htmlToText(m.html) : '';
        field('body', body);
        const list = $('[data-field="attachments"]');
        for (const a of m.attachments || []) {
            const name = a.name || 'attachment';
            const link = document.createElement('a');
            link.href = URL.createObjectURL(new Blob([Sealpost.base64.toBytes(a.data_base64 || '')], { type: 'application/octet-stream' }));
            link.download = name;
            link.textContent = name;
            link.setAttribute('data-sealpost-reader-attachment', '');
            link.setAttribute('data-name', name);
            link.setAttribute('data-size', String(a.size ?? 0));
            const s = document.createElement('span');
            s.className = 'size';
            s.textContent = size(a.size ?? 0);
            link.append(s);
            const li = document.createElement('li');
            li.append(link);
            list.append(li);
        }
        status.hidden = true;
        $('.message').hidden = false;
        main.setAttribute('data-state', 'open');
        main.setAttribute('data-header-protection', String(Boolean(m.header_protection)));
    }

    if (!token) {
        fail('This view was opened without a message. Click “Decrypt” on the message again.', 'no-token');
        return;
    }
    const port = chrome.runtime.connect({ name: 'sealpost-reader' });
    let answered = false;
    port.onMessage.addListener((msg) => {
        if (!msg || msg.type !== 'decrypted') return;
        answered = true;
        port.disconnect();
        if (msg.ok) show(msg.message);
        else fail(msg.message, msg.code);
    });
    port.onDisconnect.addListener(() => {
        void chrome.runtime.lastError;
        if (!answered) fail('Sealpost stopped before the message was opened. Click “Decrypt” again.', 'disconnected');
    });
    port.postMessage({ type: 'claim', token });
})();
