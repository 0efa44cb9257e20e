// Gmail (mail.google.com). Selectors are Gmail's compose DOM as of 2025–2026
// (see extension/README.md, "Where the selectors come from"):
// the body is div[role=textbox][aria-label="Message Body"][contenteditable],
// the subject input[name=subjectbox], Send a div[role=button] whose
// aria-label/data-tooltip starts with "Send" (Gmail acts on mousedown+mouseup
// on it, not on click). New messages and pop-outs sit in div[role=dialog];
// inline replies and forwards sit in the thread.
'use strict';

(() => {
    const BODY = 'div[role="textbox"][aria-label="Message Body"][contenteditable="true"], div[g_editable="true"][contenteditable="true"]';
    const SEND = 'div[role="button"][aria-label^="Send"], div[role="button"][data-tooltip^="Send"]';

    Sealpost.sites = Sealpost.sites || {};
    Sealpost.sites.gmail = {
        name: 'gmail',
        bodySelector: BODY,
        sendSelector: SEND,

        /** The compose window of a body editor: the closest ancestor that also holds Send. */
        composeRoot(body) {
            const dialog = body.closest('div[role="dialog"]');
            if (dialog && dialog.querySelector(SEND)) return dialog;
            for (let n = body.parentElement; n && n !== document.body; n = n.parentElement) {
                if (n.querySelector(SEND)) return n;
            }
            return null;
        },
        subject(root) {
            return root.querySelector('input[name="subjectbox"]');
        },
        sendButton(root) {
            return root.querySelector(SEND);
        },
        /** Next to Send, in the compose toolbar: a cell of its own after Send's cell. */
        placeIndicator(root, send, host) {
            const cell = send.closest('td');
            if (cell && root.contains(cell)) {
                let wrap = cell.nextElementSibling;
                if (!wrap || !wrap.hasAttribute('data-sealpost-cell')) {
                    wrap = document.createElement('td');
                    wrap.setAttribute('data-sealpost-cell', '');
                    wrap.style.verticalAlign = 'middle';
                    wrap.style.paddingLeft = '8px';
                    wrap.style.width = '1%'; // as narrow as the indicator
                    wrap.style.whiteSpace = 'nowrap';
                    cell.after(wrap);
                }
                wrap.append(host);
            } else {
                (send.parentElement || send).after(host);
            }
        },
    };
})();
