// The warn tip: holds one send while the user looks at what was found.
// "Send" sends this message as it is; "Keep editing" goes back.
'use strict';

(() => {
    const { el, warnIcon, describeKinds } = Sealpost.dom;
    let current = null;

    /** Opens the tip near `anchor` (the Send control). `opts`: {report, unavailable, agentUp, onSend, onDismiss}. */
    function open(anchor, opts) {
        close();
        const kinds = describeKinds(opts.report.findings) || 'details that may be PHI';
        const head = opts.unavailable ? 'Secure-send is unavailable' : 'Possible PHI — check before sending';
        const body = opts.unavailable
            ? opts.agentUp
                ? `This message contains ${kinds}. The Sealpost app on this computer cannot encrypt messages written in the browser, so it would be sent unencrypted.`
                : `This message contains ${kinds}. The Sealpost app on this computer is not answering, so it would be sent unencrypted.`
            : `Sealpost found ${kinds} in this message. If it is about a patient, turn on secure-send or remove the details.`;
        const done = (f) => () => {
            close();
            f();
        };
        const tip = el(
            'div',
            { class: 'tip', 'data-sealpost': 'tip', role: 'alertdialog', 'aria-label': head },
            el('div', { class: 'tip-head' }, warnIcon(16), el('span', { text: head })),
            el('p', { text: body }),
            el(
                'div',
                { class: 'actions' },
                el('button', { type: 'button', class: 'btn', 'data-action': 'dismiss', onclick: done(opts.onDismiss) }, 'Keep editing'),
                el('button', { type: 'button', class: 'btn primary', 'data-action': 'send', onclick: done(opts.onSend) }, 'Send as is'),
            ),
        );
        tip.addEventListener('keydown', (e) => {
            e.stopPropagation();
            if (e.key === 'Escape') done(opts.onDismiss)();
        });
        Sealpost.overlay.root().append(tip);
        Sealpost.overlay.place(tip, anchor.getBoundingClientRect(), { prefer: 'above', gap: 10 });
        tip.querySelector('[data-action="send"]').focus();
        current = tip;
        return tip;
    }

    function close() {
        if (current) {
            current.remove();
            current = null;
        }
    }

    Sealpost.warnTip = { open, close, isOpen: () => Boolean(current) };
})();
