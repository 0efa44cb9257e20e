// Outlook on the web (outlook.office.com, outlook.office365.com,
// outlook.live.com). Selectors are OWA's compose DOM as of 2025–2026 (see
// extension/README.md): the body is div[role=textbox][contenteditable] with
// aria-label starting "Message body", the subject input[aria-label="Add a
// subject"], Send button[aria-label="Send"] (acts on click).
'use strict';

(() => {
    const BODY = 'div[role="textbox"][contenteditable="true"][aria-label^="Message body"]';
    const SEND = 'button[aria-label="Send"]';

    Sealpost.sites = Sealpost.sites || {};
    Sealpost.sites.outlook = {
        name: 'outlook',
        bodySelector: BODY,
        sendSelector: SEND,

        composeRoot(body) {
            for (let n = body.parentElement; n && n !== document.body; n = n.parentElement) {
                if (n.querySelector(SEND)) return n;
            }
            return null;
        },
        subject(root) {
            return root.querySelector('input[aria-label="Add a subject"]');
        },
        sendButton(root) {
            return root.querySelector(SEND);
        },
        /**
         * {to, cc, bcc}: each recipient well (div[role=textbox] with
         * aria-label To, Cc or Bcc) holds chips (span.recipientChip, the
         * address in `title`) and whatever is still typed as text.
         */
        recipients(root) {
            const out = { to: [], cc: [], bcc: [] };
            for (const [kind, label] of [['to', 'To'], ['cc', 'Cc'], ['bcc', 'Bcc']]) {
                for (const box of root.querySelectorAll(`div[role="textbox"][aria-label="${label}"]`)) {
                    for (const chip of box.querySelectorAll('span[title]')) out[kind].push(...Sealpost.addresses(chip.getAttribute('title')));
                    let raw = '';
                    for (const n of box.childNodes) if (n.nodeType === Node.TEXT_NODE) raw += n.data;
                    out[kind].push(...Sealpost.addresses(raw));
                }
            }
            return out;
        },
        /** Right after Send (or after its split-button group). */
        placeIndicator(_root, send, host) {
            const parent = send.parentElement;
            const group = parent && parent.children.length <= 2 && parent.getAttribute('role') !== 'toolbar' ? parent : send;
            group.after(host);
        },
    };
})();
