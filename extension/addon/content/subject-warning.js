// The subject warning: stronger than body highlights, because subjects are
// never encrypted and show in inbox previews and notifications.
'use strict';

(() => {
    const { el, shadowHost, warnIcon, describeKinds } = Sealpost.dom;

    class SubjectWarning {
        constructor() {
            const { host, root } = shadowHost('div', 'subject-warning', Sealpost.styles);
            host.style.cssText = 'display:none;';
            this.host = host;
            this.what = el('strong', {});
            this.why = el('span', { class: 'why' });
            this.box = el('div', { class: 'subject-warning', role: 'alert' }, warnIcon(18), el('div', {}, this.what, ' ', this.why));
            root.append(this.box);
        }

        /**
         * Puts the warning under the subject line, or, when the subject is
         * hidden (inline replies), just above the message body (as its
         * sibling: the editor itself is never touched).
         */
        place(subject, body) {
            const visible = subject && (subject.checkVisibility ? subject.checkVisibility() : Boolean(subject.offsetParent));
            const anchor = visible ? subject.parentElement || subject : body;
            if (!anchor || (this.anchor === anchor && this.host.isConnected)) return;
            this.anchor = anchor;
            if (visible) anchor.after(this.host);
            else anchor.before(this.host);
        }

        /** Shows or hides the warning for the subject's findings. */
        update(subjectFindings, subjectVerdict) {
            const show = subjectFindings.length > 0;
            const kinds = show ? describeKinds(subjectFindings) : '';
            // Called after every scan: the DOM is written only when the warning changes.
            const key = `${subjectVerdict}|${kinds}`;
            if (key === this.shownKey) return;
            this.shownKey = key;
            this.host.style.display = show ? 'block' : 'none';
            this.host.setAttribute('data-subject-verdict', subjectVerdict);
            if (show) {
                const phi = subjectVerdict === 'phi';
                this.box.setAttribute('data-level', phi ? 'phi' : 'possible');
                this.what.textContent = phi
                    ? `PHI in the subject line (${kinds}).`
                    : `The subject line mentions ${kinds}.`;
                this.why.textContent = phi
                    ? 'Subject lines are never encrypted and appear in inbox previews and notifications. Move patient details into the message body.'
                    : 'Subject lines are never encrypted and appear in inbox previews: keep patient details out of them.';
            }
        }

        remove() {
            this.host.remove();
        }
    }

    Sealpost.SubjectWarning = SubjectWarning;
})();
