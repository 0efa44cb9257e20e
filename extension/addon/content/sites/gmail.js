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

    function rowKind(label) {
        const l = (label || '').toLowerCase();
        if (l.startsWith('to')) return 'to';
        if (l.startsWith('cc')) return 'cc';
        if (l.startsWith('bcc')) return 'bcc';
        return null;
    }

    /** The row (to/cc/bcc) of a chip: the input of the smallest ancestor that holds exactly one. */
    function kindOf(chip, root, inputs) {
        for (let n = chip.parentElement; n && n !== root.parentElement; n = n.parentElement) {
            const inside = inputs.filter((i) => n.contains(i.el));
            if (inside.length === 1) return inside[0].kind;
            if (inside.length > 1) break;
        }
        return 'to';
    }

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
        /**
         * {to, cc, bcc}: the recipient chips (span[email]) of each row plus
         * what is still typed in the row's input (aria-label "To recipients",
         * "Cc recipients", "Bcc recipients"). A chip belongs to the row whose
         * input it shares an ancestor with; chips in the body are quotes.
         */
        recipients(root) {
            const out = { to: [], cc: [], bcc: [] };
            const inputs = [...root.querySelectorAll('input[aria-label$="recipients" i]')]
                .map((el) => ({ el, kind: rowKind(el.getAttribute('aria-label')) }))
                .filter((i) => i.kind);
            const body = root.querySelector(BODY);
            for (const chip of root.querySelectorAll('span[email]')) {
                if (body && body.contains(chip)) continue;
                out[kindOf(chip, root, inputs)].push(...Sealpost.addresses(chip.getAttribute('email')));
            }
            for (const i of inputs) out[i.kind].push(...Sealpost.addresses(i.el.value));
            return out;
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
