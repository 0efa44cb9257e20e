// Outlook-on-the-web-like compose forms (see the comment in outlook.html for
// where the structure comes from). Test handles: window.testPage.openCompose(),
// .openReply(), and data-test-window on each compose root ("new-1", "new-2",
// ..., "reply-1"); the extension must not rely on them.

import { startPage, h, editorText, recordSend, startAutosave, startAttachments, toast, isSendShortcut } from './mailsite.js';

const SITE = 'outlook';
const BODY_LABEL = 'Message body, press Alt+F10 to exit';
let counter = 0;
let replies = 0;

function chip(address) {
    return h('span', { class: 'recipientChip', title: address, contenteditable: 'false' }, address);
}

function recipientsOf(root, label = 'To') {
    const box = root.querySelector(`div[role="textbox"][aria-label="${label}"]`);
    const chips = [...box.querySelectorAll('span[title]')].map((s) => s.getAttribute('title'));
    let raw = '';
    for (const n of box.childNodes) if (n.nodeType === Node.TEXT_NODE) raw += n.textContent;
    return [...chips, ...raw.split(/[,;\s]+/).filter(Boolean)];
}

/** A recipient well (To, Cc): chips plus typed text; Enter or ";" makes a chip. */
function recipientWell(label, addresses) {
    const box = h('div', { role: 'textbox', 'aria-label': label, contenteditable: 'true', class: 'recipientWell', 'aria-multiline': 'false', spellcheck: 'false' }, ...addresses.map(chip));
    box.addEventListener('keydown', (e) => {
        if ((e.key === 'Enter' || e.key === ';') && !isSendShortcut(e)) {
            let raw = '';
            for (const n of [...box.childNodes]) if (n.nodeType === Node.TEXT_NODE) {
                raw += n.textContent;
                n.remove();
            }
            if (raw.trim()) {
                e.preventDefault();
                box.append(chip(raw.trim()));
            }
        }
    });
    return h('div', { class: 'recipientRow' }, h('button', { type: 'button', class: 'ms-Button toLabel', tabindex: '-1' }, label), box);
}

function sizeLabel(size) {
    return size < 1024 ? `${size} bytes` : `${Math.round(size / 1024)} KB`;
}

function attachmentChip(name, size) {
    return h('div', { role: 'listitem', class: 'attachmentCard', title: name, 'data-test-upload': name }, h('span', { class: 'attachmentName' }, name), h('span', { class: 'attachmentSize' }, sizeLabel(size)));
}

/**
 * Toolbar with Send and "Attach file" (button[aria-label="Attach file"],
 * which opens a hidden input[type=file]), the To and Cc lines, the subject
 * (not for inline replies), the attachment cards (role=list) and the body.
 */
function composeForm(id, { inline, to, cc = [] }) {
    const send = h(
        'button',
        { type: 'button', class: 'ms-Button ms-Button--primary sendButton', 'aria-label': 'Send', title: 'Send (Ctrl+Enter)' },
        h('span', { class: 'ms-Button-flexContainer' }, h('span', { class: 'ms-Button-textContainer' }, h('span', { class: 'ms-Button-label' }, 'Send'))),
    );
    const discard = h('button', { type: 'button', class: 'ms-Button', 'aria-label': 'Discard', title: 'Discard' }, h('span', { class: 'ms-Button-label' }, 'Discard'));
    const attach = h('button', { type: 'button', class: 'ms-Button', 'aria-label': 'Attach file', title: 'Attach file' }, h('span', { class: 'ms-Button-label' }, 'Attach'));
    const fileInput = h('input', { type: 'file', multiple: true, style: { display: 'none' } });
    const toolbar = h('div', { class: 'composeToolbar', role: 'toolbar' }, send, discard, attach, fileInput);
    const toRow = recipientWell('To', to);
    const ccRow = recipientWell('Cc', cc);
    const attachments = h('div', { role: 'list', class: 'attachmentWell', 'aria-label': 'Attachments' });
    const subject = inline
        ? null
        : h('input', { type: 'text', class: 'fui-Input__input subjectInput', 'aria-label': 'Add a subject', placeholder: 'Add a subject', maxlength: '255', id: `subjectLine${id}` });
    const body = h('div', {
        role: 'textbox',
        'aria-label': BODY_LABEL,
        contenteditable: 'true',
        'aria-multiline': 'true',
        class: 'elementToProof bodyEditor',
        spellcheck: 'false',
        style: { minHeight: inline ? '120px' : '220px' },
    });
    const editorParent = h('div', { id: `editorParent_${id}`, class: 'editorParent' }, body);
    return { toolbar, send, discard, attach, fileInput, attachments, toRow, ccRow, subject, body, editorParent };
}

/** Outlook's send: a click on the Send button, or Ctrl+Enter. */
function wireSend(root, parts, onSent) {
    let done = false;
    const uploaded = startAttachments(SITE, root, { button: parts.attach, input: parts.fileInput, list: parts.attachments, makeChip: attachmentChip });
    const doSend = () => {
        if (done) return;
        done = true;
        recordSend({
            site: SITE,
            window: root.getAttribute('data-test-window'),
            subject: parts.subject ? parts.subject.value : '',
            body: editorText(parts.body),
            to: recipientsOf(root),
            cc: recipientsOf(root, 'Cc'),
            attachments: uploaded(),
        });
        onSent();
        toast('Sent', 'sentToast');
    };
    parts.send.addEventListener('click', () => doSend());
    parts.discard.addEventListener('click', () => root.remove());
    root.addEventListener('keydown', (e) => {
        if (isSendShortcut(e)) {
            e.preventDefault();
            doSend();
        }
    });
    startAutosave(
        SITE,
        root.getAttribute('data-test-window'),
        () => ({ subject: parts.subject ? parts.subject.value : '', body: editorText(parts.body), to: recipientsOf(root), cc: recipientsOf(root, 'Cc') }),
        () => root.isConnected,
    );
}

/** Opens a new draft in the main pane, after the others. Returns its root. */
function openCompose({ to = [], cc = [], subject = '' } = {}) {
    counter += 1;
    const parts = composeForm(counter, { inline: false, to, cc });
    parts.subject.value = subject;
    const root = h(
        'div',
        { class: 'composeForm', 'aria-label': 'New message', role: 'region', 'data-test-window': `new-${counter}` },
        parts.toolbar,
        parts.toRow,
        parts.ccRow,
        h('div', { class: 'subjectRow' }, parts.subject),
        parts.attachments,
        parts.editorParent,
    );
    document.querySelector('[data-compose-dock]').append(root);
    (to.length ? parts.subject : parts.toRow.querySelector('[role="textbox"]')).focus();
    wireSend(root, parts, () => root.remove());
    return root;
}

/** Opens an inline reply in the reading pane (no subject field). */
function openReply() {
    replies += 1;
    counter += 1;
    const parts = composeForm(counter, { inline: true, to: ['nurse.bell@clinic.test'] });
    const root = h('div', { class: 'composeForm inlineReply', 'aria-label': 'Reply', role: 'region', 'data-test-window': `reply-${replies}` }, parts.toolbar, parts.toRow, parts.ccRow, parts.attachments, parts.editorParent);
    document.querySelector('[data-reply-area]').replaceChildren(root);
    parts.body.focus();
    wireSend(root, parts, () => root.remove());
    return root;
}

startPage(SITE, openCompose, openReply);
