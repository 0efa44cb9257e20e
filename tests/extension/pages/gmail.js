// Gmail-like compose windows (see the comment in gmail.html for where the
// structure comes from). Test handles: window.testPage.openCompose(),
// .openReply(), and data-test-window on each compose root ("new-1",
// "new-2", ..., "reply-1"); the extension must not rely on them.

import { startPage, h, editorText, recordSend, startAutosave, startAttachments, toast, isSendShortcut } from './mailsite.js';

const SITE = 'gmail';
const SEND_LABEL = 'Send \u202a(Ctrl-Enter)\u202c';
let counter = 0;
let replies = 0;

/** Chips plus what is still typed in the row's input. */
function rowRecipients(row) {
    const chips = [...row.querySelectorAll('span[email]')].map((s) => s.getAttribute('email'));
    const raw = row.querySelector('input').value.trim();
    return raw ? [...chips, ...raw.split(/[,;\s]+/).filter(Boolean)] : chips;
}

function recipientsOf(root) {
    return rowRecipients(root.querySelector('[data-test-row="to"]'));
}

function ccOf(root) {
    return rowRecipients(root.querySelector('[data-test-row="cc"]'));
}

function chip(address) {
    return h('div', { class: 'afV', 'data-hovercard-id': address }, h('span', { class: 'akl', email: address }, address));
}

/** A recipient row (To, Cc): label, chips, the peoplekit input (Enter or comma makes a chip). */
function recipientRow(kind, label, inputLabel, addresses) {
    const input = h('input', {
        class: 'agP aFw',
        'aria-label': inputLabel,
        'peoplekit-id': 'BbVjBd',
        type: 'text',
        autocomplete: 'off',
    });
    input.addEventListener('keydown', (e) => {
        if ((e.key === 'Enter' || e.key === ',') && !isSendShortcut(e) && input.value.trim()) {
            e.preventDefault();
            input.before(chip(input.value.trim()));
            input.value = '';
        }
    });
    return h('div', { class: 'aoD hl', 'data-test-row': kind }, h('span', { class: 'aB gQ' }, label), ...addresses.map(chip), input);
}

/** "12K" like Gmail's attachment chips. */
function sizeLabel(size) {
    return size < 1024 ? `${size}B` : `${Math.round(size / 1024)}K`;
}

/**
 * The To and Cc rows (Gmail shows Cc after a click on "Cc"; here it is always
 * there), the subject (hidden for inline replies), the body, the attachment
 * chips (div.dL > div.vI name + div.vJ size) and the toolbar with Send and
 * "Attach files" (div[role=button][aria-label="Attach files"], which opens
 * Gmail's hidden input[type=file][name="Filedata"]).
 */
function composeForm(id, { inline, to, cc = [], subject }) {
    const toRow = recipientRow('to', 'To', 'To recipients', to);
    const ccRow = recipientRow('cc', 'Cc', 'CC recipients', cc);
    const subjectBox = h('input', {
        id: `:${id}s`,
        name: 'subjectbox',
        class: 'aoT',
        placeholder: 'Subject',
        'aria-label': 'Subject',
        type: 'text',
        tabindex: '1',
        spellcheck: 'true',
        autocomplete: 'off',
        value: subject || '',
    });
    const subjectRow = h('div', { class: 'aoD az6', style: inline ? { display: 'none' } : {} }, subjectBox);
    const body = h('div', {
        id: `:${id}b`,
        class: 'Am Al editable LW-avf tS-tW',
        hidefocus: 'true',
        'aria-label': 'Message Body',
        g_editable: 'true',
        role: 'textbox',
        'aria-multiline': 'true',
        contenteditable: 'true',
        tabindex: '1',
        spellcheck: 'false',
        style: { direction: 'ltr', minHeight: inline ? '120px' : '240px' },
    });
    const send = h(
        'div',
        {
            id: `:${id}x`,
            class: 'T-I J-J5-Ji aoO v7 T-I-atl L3',
            role: 'button',
            tabindex: '1',
            'data-tooltip': SEND_LABEL,
            'aria-label': SEND_LABEL,
            'data-tooltip-delay': '800',
        },
        'Send',
    );
    const attach = h('div', { class: 'a1 aaA aMZ', role: 'button', tabindex: '1', 'aria-label': 'Attach files', 'data-tooltip': 'Attach files' }, '\u{1F4CE}');
    const fileInput = h('input', { type: 'file', name: 'Filedata', multiple: true, style: { display: 'none' } });
    const attachments = h('div', { class: 'GM' });
    const toolbar = h(
        'table',
        { class: 'IZ', role: 'presentation' },
        h('tbody', {}, h('tr', { class: 'btC' }, h('td', { class: 'gU Up' }, h('div', { class: 'dC' }, send)), h('td', { class: 'gU a0z' }, h('div', { class: 'wG J-Z-I', role: 'button', 'aria-label': 'Formatting options' }, 'Aa'), attach, fileInput))),
    );
    return { toRow, ccRow, subjectRow, subjectBox, body, send, toolbar, attach, fileInput, attachments };
}

function attachmentChip(name, size) {
    return h('div', { class: 'dL', 'data-test-upload': name }, h('div', { class: 'vI' }, name), h('div', { class: 'vJ' }, `(${sizeLabel(size)})`));
}

/** Gmail's send: mousedown then mouseup on the Send div (click alone does nothing), or Ctrl/Cmd+Enter. */
function wireSend(root, id, parts, onSent) {
    let pressed = false;
    let done = false;
    const uploaded = startAttachments(SITE, root, { button: parts.attach, input: parts.fileInput, list: parts.attachments, makeChip: attachmentChip });
    const doSend = () => {
        if (done) return;
        done = true;
        const msg = {
            site: SITE,
            window: root.getAttribute('data-test-window'),
            subject: parts.subjectBox.value,
            body: editorText(parts.body),
            to: recipientsOf(root),
            cc: ccOf(root),
            attachments: uploaded(),
        };
        recordSend(msg);
        onSent();
        toast('Message sent', 'bAq');
    };
    parts.send.addEventListener('mousedown', (e) => {
        if (e.button === 0) pressed = true;
    });
    parts.send.addEventListener('mouseup', (e) => {
        if (pressed && e.button === 0) doSend();
        pressed = false;
    });
    document.addEventListener('mouseup', (e) => {
        if (!parts.send.contains(e.target)) pressed = false;
    });
    // Keyboard activation of the focused Send div, like Gmail's buttons:
    // Enter on keydown, Space on keyup.
    parts.send.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) {
            e.preventDefault();
            doSend();
        }
    });
    parts.send.addEventListener('keyup', (e) => {
        if (e.key === ' ') {
            e.preventDefault();
            doSend();
        }
    });
    root.addEventListener('keydown', (e) => {
        if (isSendShortcut(e)) {
            e.preventDefault();
            doSend();
        }
    });
    startAutosave(
        SITE,
        root.getAttribute('data-test-window'),
        () => ({ subject: parts.subjectBox.value, body: editorText(parts.body), to: recipientsOf(root), cc: ccOf(root) }),
        () => root.isConnected,
    );
}

/** Opens a new-message dialog, docked bottom right next to the others. Returns its root. */
function openCompose({ to = [], cc = [], subject = '' } = {}) {
    counter += 1;
    const id = `c${counter}`;
    const parts = composeForm(id, { inline: false, to, cc, subject });
    const title = h('div', { class: 'aYF' }, 'New Message');
    const close = h('div', { class: 'Ha', 'aria-label': 'Save & close', 'data-tooltip': 'Save & close', role: 'button', tabindex: '0' });
    const dialog = h(
        'div',
        { class: 'nH Hd', role: 'dialog', 'aria-label': 'New Message', id: `:${id}`, 'data-test-window': `new-${counter}` },
        h('div', { class: 'nH Hy aXJ' }, h('div', { class: 'Hp' }, h('h2', { class: 'a3E' }, title), close)),
        h('div', { class: 'nH aaZ' }, h('form', { class: 'bAs' }, parts.toRow, parts.ccRow, parts.subjectRow), h('div', { class: 'Ar Au' }, parts.body), parts.attachments, parts.toolbar),
    );
    close.addEventListener('click', () => dialog.remove());
    document.querySelector('[data-compose-dock] .no').prepend(dialog);
    wireSend(dialog, id, parts, () => dialog.remove());
    (to.length ? parts.subjectBox : parts.toRow.querySelector('input')).focus();
    return dialog;
}

/** Opens an inline reply inside the thread (no dialog; subject hidden, "Re: ..."). */
function openReply() {
    replies += 1;
    counter += 1;
    const id = `r${counter}`;
    const area = document.querySelector('[data-reply-area]');
    area.replaceChildren();
    const parts = composeForm(id, { inline: true, to: ['dr.ames@clinic.test'], subject: 'Re: Lab results follow-up' });
    const root = h('div', { class: 'M9', 'data-test-window': `reply-${replies}` }, h('div', { class: 'aoI' }, h('form', { class: 'bAs' }, parts.toRow, parts.ccRow, parts.subjectRow), h('div', { class: 'Ar Au' }, parts.body), parts.attachments, parts.toolbar));
    area.append(root);
    wireSend(root, id, parts, () => root.remove());
    parts.body.focus();
    return root;
}

startPage(SITE, openCompose, openReply);
