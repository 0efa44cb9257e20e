// The send-gate dialog: a real modal (<dialog>, showModal) with a title, an
// explanation in plain words and clear choices: turn on secure-send, edit,
// or — only when the policy allows — send anyway with a justification.
'use strict';

(() => {
    const { el, lockIcon, warnIcon, describeKinds } = Sealpost.dom;

    const JUSTIFICATION_TEXT = {
        'patient-requested': 'The patient asked for unencrypted email',
        'not-phi': 'This message does not contain PHI',
        'recipient-cannot-decrypt': 'The recipient cannot open encrypted email',
        other: 'Another reason',
    };

    let current = null;

    function texts(kind, report, subjectBlock, agentUp) {
        const kinds = describeKinds(report.findings) || 'health information';
        const subjectNote = report.subject_verdict === 'phi' ? ' The subject line contains PHI too, and subjects are never encrypted.' : '';
        switch (kind) {
            case 'encrypt':
                return {
                    title: 'This message needs secure-send',
                    body: `Sealpost found PHI in this message (${kinds}). Your organisation's policy requires messages with PHI to be sent encrypted.${subjectNote}`,
                };
            case 'unavailable':
                if (agentUp) {
                    return {
                        title: 'Secure-send cannot encrypt this message',
                        body: `This message contains PHI (${kinds}) and must be sent encrypted, but the Sealpost app on this computer cannot encrypt messages written in the browser. Your organisation's policy does not allow sending it unencrypted.`,
                    };
                }
                return {
                    title: 'Secure-send is unavailable',
                    body: `This message contains PHI (${kinds}) and must be sent encrypted, but the Sealpost app on this computer is not answering, so it cannot be encrypted right now. Your organisation's policy does not allow sending it unencrypted.`,
                };
            case 'missing-keys':
                return {
                    title: 'Some recipients have no encryption key',
                    body: 'Sealpost can encrypt only for recipients whose key it has, and it has none for the recipients below. Nothing was sent; the message stays in the secure editor.',
                };
            case 'encrypt-failed':
                return {
                    title: 'The message could not be encrypted',
                    body: 'Nothing was sent: the message stays in the secure editor, on this computer.',
                };
            case 'secure-off': {
                const n = report.attachments | 0;
                const them = n === 1 ? 'the attachment' : `the ${n} attachments`;
                return {
                    title: 'Turn off secure-send?',
                    body: `The text goes back into the mail site, but ${them} added to the secure message cannot go with it: turning secure-send off removes ${n === 1 ? 'it' : 'them'}. You can attach ${n === 1 ? 'it' : 'them'} again in the mail site.`,
                };
            }
            case 'unchecked':
                return {
                    title: 'Sealpost could not check this message',
                    body: 'The check for protected health information did not finish, so this message is held to be safe. Try again in a moment, or edit the message.',
                };
            default:
                return subjectBlock
                    ? {
                          title: 'Remove PHI from the subject line',
                          body: `The subject line contains PHI (${describeKinds(report.findings.filter((f) => f.part === 'subject'))}). Subjects are never encrypted and appear in inbox previews, so your organisation's policy blocks this message. Move the patient details into the message body.`,
                      }
                    : {
                          title: "This message can't be sent",
                          body: `Sealpost found PHI in this message (${kinds}). Your organisation's policy does not allow sending it from the browser.`,
                      };
        }
    }

    /**
     * Opens the gate. `opts`: {kind: 'encrypt'|'unavailable'|'block'|'unchecked'|
     * 'missing-keys'|'encrypt-failed', report, policy (config), subjectBlock,
     * agentUp, onSecure, onEdit, onRetry, onSendAnyway(justification),
     * missing (addresses without keys), message (the agent's words),
     * onSendPlain (missing-keys when the policy says warn), onSecureOff
     * ('secure-off': switching secure-send off would remove the attachments
     * in the secure editor; `report.attachments` is their count)}.
     */
    function open(opts) {
        close();
        const { kind, report, policy } = opts;
        const t = texts(kind, report, opts.subjectBlock, opts.agentUp);
        const ov = policy ? policy.override : { allowed: false };
        const secureKind = kind === 'missing-keys' || kind === 'encrypt-failed' || kind === 'secure-off';
        const canOverride = Boolean(ov && ov.allowed) && kind !== 'unchecked' && !secureKind;
        const needReason = canOverride && ov.require_justification;

        const dialog = el('dialog', {
            'data-sealpost': 'gate',
            'data-kind': kind === 'unchecked' ? 'block' : kind,
            'aria-labelledby': 'sealpost-gate-title',
            'aria-describedby': 'sealpost-gate-body',
        });
        const finish = (f) => () => {
            close();
            f && f();
        };
        const primary = [];
        if (kind === 'encrypt') {
            primary.push(el('button', { type: 'button', class: 'btn', 'data-action': 'edit', onclick: finish(opts.onEdit) }, 'Edit message'));
            primary.push(el('button', { type: 'button', class: 'btn primary', 'data-action': 'secure', onclick: finish(opts.onSecure) }, 'Turn on secure-send'));
        } else if (kind === 'missing-keys') {
            if (opts.onSendPlain) {
                primary.push(el('button', { type: 'button', class: 'btn danger', 'data-action': 'send-plain', onclick: finish(opts.onSendPlain) }, 'Send without encryption'));
            } else {
                primary.push(el('button', { type: 'button', class: 'btn', 'data-action': 'retry', onclick: finish(opts.onRetry) }, 'Check again'));
            }
            primary.push(el('button', { type: 'button', class: 'btn primary', 'data-action': 'edit', onclick: finish(opts.onEdit) }, 'Edit message'));
        } else if (kind === 'secure-off') {
            primary.push(el('button', { type: 'button', class: 'btn danger', 'data-action': 'secure-off', onclick: finish(opts.onSecureOff) }, 'Turn off and remove them'));
            primary.push(el('button', { type: 'button', class: 'btn primary', 'data-action': 'edit', onclick: finish(opts.onEdit) }, 'Keep secure-send on'));
        } else if (kind === 'unavailable' || kind === 'unchecked' || kind === 'encrypt-failed') {
            primary.push(el('button', { type: 'button', class: 'btn', 'data-action': 'retry', onclick: finish(opts.onRetry) }, 'Try again'));
            primary.push(el('button', { type: 'button', class: 'btn primary', 'data-action': 'edit', onclick: finish(opts.onEdit) }, 'Edit message'));
        } else {
            primary.push(el('button', { type: 'button', class: 'btn primary', 'data-action': 'edit', onclick: finish(opts.onEdit) }, 'Edit message'));
        }

        let panel = null;
        const left = [];
        if (canOverride) {
            const sendAnyway = el('button', { type: 'button', class: 'btn danger', 'data-action': 'send-anyway' }, 'Send unencrypted');
            let select = null;
            const parts = [];
            if (needReason) {
                select = el(
                    'select',
                    { 'data-field': 'justification', id: 'sealpost-justification', required: true },
                    el('option', { value: '', text: 'Choose a reason…' }),
                    ...ov.justifications.map((code) => el('option', { value: code, text: JUSTIFICATION_TEXT[code] || code })),
                );
                sendAnyway.disabled = true;
                select.addEventListener('change', () => {
                    sendAnyway.disabled = !select.value;
                });
                parts.push(el('label', { for: 'sealpost-justification', text: 'Why does this message need to go without protection?' }), select);
            }
            parts.push(el('div', { class: 'note', text: 'Your organisation records this choice (the reason and the kinds of information found, never the message itself).' }));
            sendAnyway.addEventListener('click', () => {
                if (select && !select.value) return;
                const reason = select ? select.value : null;
                close();
                opts.onSendAnyway(reason);
            });
            panel = el('div', { class: 'override', hidden: true }, ...parts, el('div', { class: 'actions' }, sendAnyway));
            const reveal = el('button', { type: 'button', class: 'btn text', 'data-action': 'override' }, 'Send without protection…');
            reveal.addEventListener('click', () => {
                panel.hidden = false;
                reveal.hidden = true;
                (select || sendAnyway).focus();
            });
            left.push(reveal);
        }

        const badge = el('span', { class: 'badge' }, kind === 'encrypt' || secureKind ? lockIcon(20) : warnIcon(20));
        const box = el(
            'div',
            { class: 'dlg', 'data-kind': kind },
            el('div', { class: 'dlg-head' }, badge, el('h2', { id: 'sealpost-gate-title', text: t.title })),
            el('p', { id: 'sealpost-gate-body', text: t.body }),
            kind === 'missing-keys' ? el('ul', { class: 'who', 'aria-label': 'Recipients without a key' }, ...(opts.missing || []).map((a) => el('li', { text: a }))) : null,
            kind === 'missing-keys'
                ? el('p', {
                      text: opts.onSendPlain
                          ? 'Your organisation allows sending it without encryption. Remove these recipients, or send it unencrypted: the text then goes back into the mail site and is sent as it is.'
                          : opts.subjectBlock
                            ? "Sent without encryption, the subject line would show patient information, which your organisation's policy does not allow. Remove these recipients, or ask IT to add their keys, then try again."
                            : "Your organisation's policy does not allow sending it unencrypted. Remove these recipients, or ask IT to add their keys, then try again.",
                  })
                : null,
            kind === 'encrypt-failed' ? el('div', { class: 'agent-says', 'data-field': 'agent-message', text: opts.message || 'No reason was given.' }) : null,
            secureKind ? null : kindList(report),
            panel,
            el('div', { class: 'actions' }, ...left, el('span', { class: 'spacer' }), ...primary),
        );
        dialog.append(box);
        dialog.addEventListener('cancel', (e) => {
            e.preventDefault();
            close();
            opts.onEdit && opts.onEdit();
        });
        // Keys typed in the dialog must not reach the site's shortcuts.
        dialog.addEventListener('keydown', (e) => e.stopPropagation());
        Sealpost.overlay.root().append(dialog);
        dialog.showModal();
        primary[primary.length - 1].focus();
        current = dialog;
        return dialog;
    }

    function kindList(report) {
        const counts = Sealpost.dom.categorySummary(report.findings || []);
        if (!counts.length) return null;
        return el('ul', { class: 'kinds', 'aria-label': 'What was found' }, ...counts.map(([label, n]) => el('li', { text: n > 1 ? `${label} ×${n}` : label })));
    }

    function close() {
        if (current) {
            if (current.open) current.close();
            current.remove();
            current = null;
        }
    }

    Sealpost.gateDialog = { open, close, isOpen: () => Boolean(current) };
})();
