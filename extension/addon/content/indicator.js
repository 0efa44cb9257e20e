// The indicator next to Send, one per compose window: the verdict, the number
// of findings, and the secure-send switch for this message only. Its host
// element carries data-* attributes the tests read (see the contract in
// extension/README.md).
'use strict';

(() => {
    const { el, shadowHost, shieldIcon, lockIcon, warnIcon, plural } = Sealpost.dom;

    const SECURE_TEXT = {
        off: 'Secure-send off',
        on: 'Secure-send on',
        unavailable: 'Secure-send unavailable',
    };
    const SECURE_TITLE = {
        off: 'Turn on to send this message encrypted. Applies to this message only.',
        on: 'This message will be sent encrypted. Click to turn off for this message.',
        unavailable: 'Secure-send is on, but the Sealpost app on this computer is not answering, so this message cannot be encrypted yet.',
    };

    class Indicator {
        /** `onToggle()` is called when the user flips the switch. */
        constructor(onToggle) {
            const { host, root } = shadowHost('div', 'indicator', Sealpost.styles);
            host.style.cssText = 'display:inline-block;vertical-align:middle;margin:0 8px;';
            this.host = host;
            this.seq = 0;
            this.statusIcon = el('span', { class: 'status-icon' });
            this.statusText = el('span', { class: 'label' });
            this.count = el('span', { class: 'count' });
            this.policyTag = el('span', { class: 'count', hidden: true });
            this.status = el('span', { class: 'status', role: 'status', 'aria-live': 'polite' }, this.statusIcon, this.statusText, this.count, this.policyTag);
            this.switchText = el('span', {});
            this.switch = el(
                'button',
                { type: 'button', class: 'switch', role: 'switch', 'aria-checked': 'false', onclick: (e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    onToggle();
                } },
                el('span', { class: 'track' }, el('span', { class: 'knob' })),
                lockIcon(13),
                this.switchText,
            );
            // Keep the site's own handlers (drag, focus) out of our clicks.
            for (const t of ['mousedown', 'mouseup', 'pointerdown', 'pointerup']) this.switch.addEventListener(t, (e) => e.stopPropagation());
            this.keys = el('span', { class: 'keys', hidden: true });
            // An unsent secure message from a window that went away (see showRestore).
            this.restore = el('button', { type: 'button', class: 'restore', 'data-action': 'restore', hidden: true });
            for (const t of ['mousedown', 'mouseup', 'pointerdown', 'pointerup']) this.restore.addEventListener(t, (e) => e.stopPropagation());
            this.box = el('div', { class: 'indicator' }, this.status, el('span', { class: 'divider' }), this.switch, this.keys, this.restore);
            root.append(this.box);
            this.update({ verdict: 'clean', subjectVerdict: 'clean', count: 0, secure: 'off', policy: 'default' });
        }

        /**
         * Shows a new state: {verdict, subjectVerdict, count, secure, policy,
         * keys}; `keys` ({state, found, total, missing}) only while secure-send is on.
         */
        update(s) {
            // Called after every scan: the DOM is written only when something shows differently.
            const key = JSON.stringify(s);
            if (key === this.shownKey) return;
            this.shownKey = key;
            const h = this.host;
            h.setAttribute('data-verdict', s.verdict);
            h.setAttribute('data-subject-verdict', s.subjectVerdict);
            h.setAttribute('data-count', String(s.count));
            h.setAttribute('data-secure', s.secure);
            h.setAttribute('data-policy', s.policy);
            this.box.setAttribute('data-verdict', s.verdict);
            this.status.setAttribute('data-verdict', s.verdict);
            if (this.shownVerdict !== s.verdict) {
                this.statusIcon.replaceChildren(s.verdict === 'clean' ? shieldIcon(16) : warnIcon(16));
                this.shownVerdict = s.verdict;
            }
            if (s.verdict === 'phi') {
                this.statusText.textContent = `PHI: ${plural(s.count, 'finding')}`;
                this.count.textContent = '';
            } else if (s.verdict === 'possible') {
                this.statusText.textContent = 'Possible PHI';
                this.count.textContent = `· ${plural(s.count, 'finding')}`;
            } else {
                this.statusText.textContent = 'No PHI found';
                this.count.textContent = '';
            }
            this.status.title = s.subjectVerdict === 'phi' ? 'The subject line contains PHI.' : '';
            this.policyTag.hidden = s.policy !== 'strictest-fallback';
            this.policyTag.textContent = '· strictest policy';
            this.policyTag.title = "Your organisation's policy could not be read, so Sealpost applies its strictest rules.";
            this.switch.setAttribute('aria-checked', String(s.secure !== 'off'));
            this.switch.setAttribute('data-secure', s.secure);
            this.switch.title = SECURE_TITLE[s.secure];
            this.switchText.textContent = SECURE_TEXT[s.secure];
            this.showKeys(s.secure === 'off' ? null : s.keys);
        }

        /** Whether the recipients have keys: data-keys{,-found,-total} and a few words. */
        showKeys(k) {
            const h = this.host;
            if (!k) {
                for (const a of ['data-keys', 'data-keys-found', 'data-keys-total']) h.removeAttribute(a);
                this.keys.hidden = true;
                return;
            }
            h.setAttribute('data-keys', k.state);
            h.setAttribute('data-keys-found', String(k.found));
            h.setAttribute('data-keys-total', String(k.total));
            this.keys.hidden = false;
            this.keys.setAttribute('data-keys', k.state);
            let text;
            let title = '';
            if (k.state === 'all') text = `Encrypted for ${k.found} of ${k.total} ${k.total === 1 ? 'recipient' : 'recipients'}`;
            else if (k.state === 'missing') {
                const more = k.missing.length > 1 ? ` and ${k.missing.length - 1} more` : '';
                text = `No key for ${k.missing[0]}${more}`;
                title = `Sealpost has no encryption key for: ${k.missing.join(', ')}. Encrypted for ${k.found} of ${k.total} recipients.`;
            } else if (k.state === 'none') text = 'Add recipients';
            else if (k.state === 'checking') text = 'Checking keys…';
            else text = 'Keys not checked';
            this.keys.textContent = text;
            this.keys.title = title;
        }

        /**
         * Offers to restore an unsent secure message ({at, chars}), calling
         * `onRestore()` on a click; `null` hides the offer.
         */
        showRestore(entry, onRestore) {
            const b = this.restore;
            // While it offers, the (empty) window's verdict makes room for it.
            this.box.toggleAttribute('data-restore', Boolean(entry));
            if (!entry) {
                b.hidden = true;
                b.onclick = null;
                this.host.removeAttribute('data-restore');
                return;
            }
            const minutes = Math.max(1, Math.round((Date.now() - entry.at) / 60000));
            b.textContent = 'Restore unsent message';
            b.title = `A secure message you were writing (${entry.chars} characters) was closed ${minutes} min ago without being sent. The mail site's draft does not hold it. Click to put it back here, with secure-send on.`;
            b.onclick = (e) => {
                e.preventDefault();
                e.stopPropagation();
                onRestore();
            };
            b.hidden = false;
            this.host.setAttribute('data-restore', 'offered');
        }

        /** Marks a completed scan and highlight update (hooks for tests and the bench). */
        scanned(scanMs) {
            this.seq += 1;
            this.host.setAttribute('data-scan-ms', scanMs.toFixed(3));
            this.host.setAttribute('data-highlighted-at', performance.now().toFixed(3));
            this.host.setAttribute('data-scan-seq', String(this.seq));
        }

        remove() {
            const cell = this.host.parentElement;
            this.host.remove();
            if (cell && cell.hasAttribute('data-sealpost-cell') && !cell.childElementCount) cell.remove();
        }
    }

    Sealpost.Indicator = Indicator;
})();
