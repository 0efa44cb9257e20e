// One compose window (new message, reply, forward, pop-out): its scan
// session, highlights, indicator, subject warning and secure-send choice,
// which sticks to this window only. With secure-send on, the body is written
// in the secure editor frame (secure-editor.js) and its text is what the scan
// session scans; the site's own body stays empty.
'use strict';

(() => {
    const client = Sealpost.scanClient;
    // How long a held send waits for a scan of the current text before the
    // "could not check" dialog (room for one resend after a lost reply).
    const FRESH_WAIT_MS = 4000;

    class ComposeWindow {
        constructor(site, body, root, prefs) {
            this.site = site;
            this.body = body;
            this.root = root;
            this.secure = false; // see the end: secure-by-default opens the secure editor at once
            this.report = null;
            this.map = null;
            this.highlights = new Sealpost.highlights.WindowHighlights(body);
            this.indicator = new Sealpost.Indicator(() => this.toggleSecure());
            this.warning = new Sealpost.SubjectWarning();
            this.session = client.session(
                () => this.snapshot(),
                (r) => this.render(r),
            );
            this.onInput = () => this.session.request();
            this.onKeyDown = (e) => {
                const snap = this.predict(e);
                if (snap) this.session.speculate(snap);
            };
            this.secureEditor = null;
            this.handingOver = false; // the ciphertext is being written into the site's body
            this.recipientKeys = new Sealpost.RecipientKeys(site, root, body, () => this.refreshIndicator());
            // Counts structural changes (nodes added or removed) in the body:
            // highlight ranges kept across keystrokes are only trusted while
            // typing changes text inside existing nodes.
            this.structure = 0;
            // A predicted keystroke ({node, offset, data, ch, snap}, see predict())
            // and, once its mutation is seen, the body's snapshot without a DOM walk.
            this.expect = null;
            this.fast = null;
            this.observer = new MutationObserver((records) => {
                this.absorb(records);
                if (this.secureEditor && !this.handingOver) this.keepSiteBodyEmpty();
                this.session.request();
            });
            // With secure-send on, the site's body is under the frame; focus that reaches it goes to the frame.
            this.onBodyFocus = () => {
                if (this.secureEditor && !this.handingOver) this.secureEditor.focus();
            };
            body.addEventListener('focus', this.onBodyFocus);
            body.addEventListener('keydown', this.onKeyDown);
            // With the real subject in the frame, focus on the site's subject
            // field goes to the frame's. Chosen over making it read-only: a
            // read-only field still takes the caret and looks editable, and a
            // site that re-renders its input (React) may drop the attribute;
            // a focus listener works the same on both sites' plain <input>s.
            this.onSubjectFocus = () => {
                if (this.subjectInFrame()) this.secureEditor.focusSubject();
            };
            this.onSubjectInput = () => this.guardSiteSubject();
            this.placeholder = 'Secure message'; // what the site's subject shows while the real one is in the frame
            // Every change to the body (typing, paste, the site's own edits)
            // mutates its DOM; the subject is an <input>, watched by events.
            this.observer.observe(body, { childList: true, characterData: true, subtree: true });
            this.subjectEl = null;
            this.attach();
            this.refreshIndicator();
            this.session.request();
            // Secure-send on by default: the secure editor takes over before
            // anything is typed, so the site's autosave never sees the text.
            // Focus stays where the site put it (usually To).
            if (prefs.secureByDefault) void this.setSecure(true, { focus: false });
            void this.offerRestore();
        }

        /**
         * A secure message whose window went away unsent (the site's draft
         * does not hold it) can be restored into this new, still empty
         * window: the indicator offers the newest one.
         */
        async offerRestore() {
            const r = await client.ask('recoverable', { site: this.site.name });
            const list = (r && Array.isArray(r.list) && r.list) || [];
            if (!list.length || !this.alive() || !this.isEmpty()) return;
            const newest = list[list.length - 1];
            this.indicator.showRestore(newest, () => void this.restore(newest.id));
        }

        /** The page is going away with this window's secure message unsent: the worker keeps it to restore. */
        keepUnsent() {
            const ed = this.secureEditor;
            if (!ed) return;
            this.secureEditor = null;
            ed.dispose(this.site.name);
        }

        /** Nothing typed in this window yet (body, subject, secure editor). */
        isEmpty() {
            const ed = this.secureEditor;
            const subject = this.subjectEl ? this.subjectEl.value.trim() : '';
            return !Sealpost.textMap.extract(this.body).text.trim() && (!subject || subject === this.placeholder) && !(ed && (ed.text.trim() || ed.subject.trim()));
        }

        /** Restores an unsent secure message: secure-send on, its text and subject in the secure editor. */
        async restore(id) {
            this.indicator.showRestore(null);
            const r = await client.ask('recover', { id });
            const draft = r && r.draft;
            if (!draft || !this.alive()) return;
            if (!this.secure) await this.setSecure(true);
            const ed = this.secureEditor;
            if (!ed) return;
            ed.setText(ed.text.trim() ? `${ed.text}\n${draft.text}` : draft.text);
            if (draft.subject && ed.hasSubject) ed.setSubject(draft.subject, true);
            this.session.request();
            ed.focus();
        }

        /** (Re)places the indicator and warning; the site may have re-rendered its toolbar. */
        attach() {
            const subject = this.site.subject(this.root);
            if (subject !== this.subjectEl) {
                if (this.subjectEl) this.unwatchSubject(this.subjectEl);
                this.subjectEl = subject;
                if (subject) {
                    subject.addEventListener('input', this.onInput);
                    subject.addEventListener('keydown', this.onKeyDown);
                    subject.addEventListener('input', this.onSubjectInput);
                    subject.addEventListener('focus', this.onSubjectFocus);
                    // A re-rendered subject field while the real subject is in the frame: placeholder only.
                    this.guardSiteSubject();
                }
                this.session.request();
            }
            const send = this.site.sendButton(this.root);
            if (send && (!this.indicator.host.isConnected || this.placedAt !== send)) {
                this.site.placeIndicator(this.root, send, this.indicator.host);
                this.placedAt = send;
            }
            this.warning.place(subject, this.body);
        }

        alive() {
            return this.body.isConnected;
        }

        unwatchSubject(el) {
            el.removeEventListener('input', this.onInput);
            el.removeEventListener('keydown', this.onKeyDown);
            el.removeEventListener('input', this.onSubjectInput);
            el.removeEventListener('focus', this.onSubjectFocus);
        }

        /** Whether the real subject is in the secure editor (the site's field shows the placeholder). */
        subjectInFrame() {
            return Boolean(this.secureEditor && this.secureEditor.hasSubject && !this.handingOver);
        }

        /** The real subject: the secure editor's while it holds it, else the site's field. */
        realSubject() {
            if (this.secureEditor && this.secureEditor.hasSubject) return this.secureEditor.subject;
            return this.subjectEl ? this.subjectEl.value : '';
        }

        /**
         * While the real subject is in the frame, the site's field holds only
         * the placeholder: text that reaches it anyway (a keystroke that beat
         * the focus move, the site restoring its field) joins the frame's
         * subject and the field goes back to the placeholder.
         */
        guardSiteSubject() {
            const el = this.subjectEl;
            if (!el || !this.subjectInFrame()) return;
            const v = el.value;
            if (v === this.placeholder) return;
            const ed = this.secureEditor;
            const stray = v.startsWith(this.placeholder) ? v.slice(this.placeholder.length) : v;
            if (stray.trim() && stray !== ed.subject) ed.setSubject(ed.subject + stray, true);
            Sealpost.secureSend.setSubject(el, this.placeholder);
        }

        sendButton() {
            return this.site.sendButton(this.root);
        }

        snapshot() {
            // Being sent: nothing rescans the ciphertext (150 KB of base64) in the site's body.
            if (!this.body.isConnected || this.handingOver) return null;
            const subject = this.realSubject();
            if (this.secureEditor) return { subject, text: this.secureEditor.text, map: { segs: [] }, v: this.secureEditor.v };
            // Mutations whose records are not delivered yet (a change made in
            // this task) are part of this read.
            const missed = this.observer.takeRecords();
            if (missed.length) this.absorb(missed);
            if (this.fast) return { subject, text: this.fast.text, map: this.fast.map };
            const { text, segs } = Sealpost.textMap.extract(this.body);
            return { subject, text, map: { segs } };
        }

        /**
         * Takes in the body's mutation records: counts structural changes, and
         * keeps the shifted map when they are exactly a predicted key's.
         */
        absorb(records) {
            const expect = this.expect;
            this.expect = null;
            this.fast = expect ? landed(expect, records) : null;
            if (records.some((r) => r.type === 'childList')) this.structure += 1;
        }

        /**
         * The snapshot a printable key will make when it lands at the caret
         * (one character typed over a collapsed selection in the body, or over
         * the selection in the subject field), for the scan session to scan
         * ahead; null when it cannot be predicted (modifiers, IME, Enter, a
         * caret outside a text node, the secure editor). A wrong guess costs
         * only a rescan: the session checks it against the DOM.
         */
        predict(e) {
            const ch = e.key;
            if (e.defaultPrevented || e.isComposing || e.keyCode === 229 || e.ctrlKey || e.metaKey || e.altKey) return null;
            // One character (a code point, so a surrogate pair too), not a named key ("Enter", "Dead").
            if (typeof ch !== 'string' || [...ch].length !== 1 || ch < ' ') return null;
            const base = this.session.base();
            if (!base || !base.map || this.secureEditor || this.handingOver) return null;
            if (e.target === this.subjectEl) {
                const el = this.subjectEl;
                if (el.value !== base.subject || el.selectionStart === null) return null;
                const subject = el.value.slice(0, el.selectionStart) + ch + el.value.slice(el.selectionEnd);
                return { subject, text: base.text, map: null };
            }
            const sel = getSelection();
            if (!sel || sel.rangeCount !== 1 || !sel.isCollapsed) return null;
            const node = sel.anchorNode;
            if (!node || node.nodeType !== 3 || !this.body.contains(node)) return null;
            const at = Sealpost.textMap.offsetOf(base.map, node, sel.anchorOffset);
            if (at < 0 || at > base.text.length) return null;
            const typed = ch === '\u00a0' ? ' ' : ch;
            const snap = { subject: base.subject, text: base.text.slice(0, at) + typed + base.text.slice(at), map: null, edit: { of: base, start: at, end: at, text: typed } };
            this.expect = { node, offset: sel.anchorOffset, data: node.data, ch: typed, at, base, snap };
            return snap;
        }

        render(result) {
            const report = result.report;
            this.report = report;
            this.map = result.snap.map;
            // Once something is typed here, the restore offer is not for this window.
            if (!this.indicator.restore.hidden && !this.isEmpty()) this.indicator.showRestore(null);
            if (this.secureEditor) {
                this.highlights.clear();
                if (result.snap.v !== undefined) this.secureEditor.findings(result.body, result.snap.v);
            } else {
                this.highlights.update(result, this.map, this.structure);
            }
            this.showSubjectState(report);
            this.refreshIndicator();
            this.indicator.scanned(result.scanMs);
        }

        /** The subject warning under the site's field, or (the real subject in the frame) the note there. */
        showSubjectState(report) {
            if (!report) return;
            const subjectFindings = report.findings.filter((f) => f.part === 'subject');
            if (this.secureEditor && this.secureEditor.hasSubject) {
                // The subject travels encrypted: no warning under the site's
                // field (it shows the placeholder), a calm note in the frame.
                this.warning.update([], report.subject_verdict);
                this.secureEditor.subjectNote(
                    subjectFindings.length ? (report.subject_verdict === 'phi' ? 'phi' : 'possible') : null,
                    `Protected: this subject travels encrypted. Inboxes show “${this.placeholder}”.`,
                );
            } else {
                this.warning.update(subjectFindings, report.subject_verdict);
            }
        }

        secureState() {
            if (!this.secure) return 'off';
            return client.agent === 'unavailable' ? 'unavailable' : 'on';
        }

        policySource() {
            return client.policy ? client.policy.source : 'default';
        }

        refreshIndicator() {
            const r = this.report;
            this.indicator.update({
                verdict: r ? r.verdict : 'clean',
                subjectVerdict: r ? r.subject_verdict : 'clean',
                count: r ? r.findings.length : 0,
                secure: this.secureState(),
                policy: this.policySource(),
                keys: this.secure ? this.keysSummary() : null,
            });
        }

        keysSummary() {
            const k = this.recipientKeys.summary();
            // Without the agent nothing can be looked up.
            if (client.agent === 'unavailable' && k.state !== 'none') return { ...k, state: 'unknown', found: 0, missing: [] };
            return k;
        }

        /**
         * Secure-send on: the secure editor goes over the site's body and the
         * text moves into it (the site's body is emptied). Off: the text goes
         * back into the site's body (the user's choice).
         */
        async setSecure(on, { focus = true } = {}) {
            if (on === this.secure) return;
            this.secure = on;
            if (on) {
                this.openSecureEditor({ focus });
                this.recipientKeys.start();
                client.probeAgent(true);
            } else {
                this.recipientKeys.stop();
                await this.closeSecureEditor(true);
            }
            this.refreshIndicator();
        }

        /**
         * The indicator's switch. Off with attachments in the secure editor
         * asks first: they live only in the secure message and cannot move
         * back into the site's upload, so switching off would drop them.
         */
        toggleSecure() {
            const n = this.secure && this.secureEditor ? this.secureEditor.attachments.count : 0;
            if (n > 0) {
                Sealpost.gateDialog.open({
                    kind: 'secure-off',
                    report: { findings: [], subject_verdict: 'clean', attachments: n },
                    policy: null,
                    onSecureOff: () => void this.setSecure(false),
                    onEdit: () => this.focusBody(),
                });
                return;
            }
            void this.setSecure(!this.secure);
        }

        openSecureEditor({ focus = true } = {}) {
            if (this.secureEditor || !this.body.isConnected) return;
            const text = Sealpost.textMap.extract(this.body).text;
            this.secureEditor = new Sealpost.SecureEditor(this.body, this.root, {
                onText: () => this.session.request(),
                onSendShortcut: () => {
                    if (!this.passNow()) void this.attemptSend();
                },
            });
            this.secureEditor.setText(text);
            Sealpost.secureSend.clearSiteBody(this.body);
            this.moveSubjectIn();
            this.highlights.clear();
            this.session.request();
            if (focus) this.secureEditor.focus();
        }

        /**
         * The real subject moves into the frame and the site's field gets the
         * placeholder (with the events the site listens to), so the site's
         * autosave sees only the placeholder. A hidden or missing subject
         * field (inline replies) stays as it is and the frame hides its own.
         */
        moveSubjectIn() {
            const ed = this.secureEditor;
            const el = this.subjectEl;
            const visible = Boolean(el && (el.checkVisibility ? el.checkVisibility() : el.offsetParent));
            ed.setSubject(visible ? el.value : '', visible);
            if (!visible) return;
            this.placeholder = Sealpost.secureSend.placeholderNow();
            Sealpost.secureSend.setSubject(el, this.placeholder);
            // Now, not at the next scan (the same subject and text may not be scanned again).
            this.showSubjectState(this.report);
            // The policy's placeholder, once the agent has said it.
            void Sealpost.secureSend.placeholderSubject().then((p) => {
                if (this.secureEditor !== ed || !this.subjectInFrame() || p === this.placeholder) return;
                const shown = this.subjectEl && this.subjectEl.value === this.placeholder;
                this.placeholder = p;
                if (shown) Sealpost.secureSend.setSubject(this.subjectEl, p);
                this.session.request();
            });
        }

        /** Removes the secure editor; `restore`: its text (and the real subject) go back into the site first. */
        async closeSecureEditor(restore) {
            const ed = this.secureEditor;
            if (!ed) return null;
            const taken = restore ? await ed.take() : null;
            if (this.secureEditor !== ed) return null;
            this.secureEditor = null;
            ed.dispose();
            if (restore && this.body.isConnected) {
                Sealpost.secureSend.writeSiteBody(this.body, taken.text);
                this.structure += 1;
                if (ed.hasSubject && this.subjectEl) Sealpost.secureSend.setSubject(this.subjectEl, taken.subject);
            }
            this.showSubjectState(this.report);
            this.session.request();
            return taken ? taken.text : null;
        }

        /** Text that reached the site's body while secure-send is on (say, typed after Tab) joins the secure editor. */
        keepSiteBodyEmpty() {
            const stray = Sealpost.textMap.extract(this.body).text;
            if (!stray.trim()) return;
            const ed = this.secureEditor;
            ed.setText(ed.text ? `${ed.text}\n${stray}` : stray);
            Sealpost.secureSend.clearSiteBody(this.body);
            ed.focus();
        }

        /**
         * After the agent encrypted: ciphertext and placeholder into the site,
         * then the site's own send. False if the ciphertext could not be
         * written: nothing was sent, the site's body is empty again and the
         * text is still in the secure editor.
         */
        handOver(armored, placeholder) {
            this.handingOver = true;
            // The window is being sent: first stop everything that would react
            // to the ciphertext (our observer, the key look-ups, the frame
            // following the body's size), and read the Send control's place
            // while the layout is clean, so nothing of ours forces a layout of
            // the new body before the site's own send.
            this.observer.disconnect();
            this.recipientKeys.stop();
            const ed = this.secureEditor;
            if (ed) ed.stopFollowing();
            const send = this.sendButton();
            const sendRect = send ? send.getBoundingClientRect() : null;
            try {
                Sealpost.secureSend.writeSiteBody(this.body, armored);
                Sealpost.secureSend.setSubject(this.subjectEl, placeholder);
            } catch {
                Sealpost.secureSend.clearSiteBody(this.body);
                this.handingOver = false;
                this.observer.observe(this.body, { childList: true, characterData: true, subtree: true });
                if (this.secure) this.recipientKeys.start();
                if (ed) {
                    ed.follow();
                    ed.send({ type: 'unlock' });
                }
                this.session.request();
                return false;
            }
            if (send) Sealpost.sendGate.replay(send, sendRect);
            // The plaintext is not needed any more (the frame drops it); the window closes as the site sends.
            this.secureEditor = null;
            if (ed) ed.dispose();
            return true;
        }

        /** A secure send that could not go: the dialog of `kind`; the text stays in the secure editor. */
        secureFailed(kind, report, d, extra = {}) {
            if (!this.alive()) return;
            this.refreshIndicator();
            const policy = client.policy ? client.policy.config : null;
            const actions = (policy && policy.actions) || { encrypt_unavailable: 'block' };
            Sealpost.gateDialog.open({
                kind,
                report,
                policy,
                agentUp: kind !== 'unavailable' && client.agent === 'available',
                missing: extra.missing,
                message: extra.message,
                onEdit: () => this.focusBody(),
                onRetry: async () => {
                    await client.agentNow(true);
                    void this.recipientKeys.check(true);
                    this.refreshIndicator();
                    void this.attemptSend();
                },
                onSendPlain: kind === 'missing-keys' && this.mayGoPlain(report) ? () => void this.sendPlain(report, d, 'missing-keys') : null,
                subjectBlock: report.subject_verdict === 'phi' && actions.subject_phi === 'block',
            });
        }

        /**
         * Whether the user may choose to send this message unencrypted when
         * it cannot be encrypted for every recipient: the policy must allow
         * that (`encrypt_unavailable: warn`), and the message must not be one
         * the policy blocks in clear. A PHI subject under `subject_phi: block`
         * may go encrypted (it travels inside), never out in clear.
         */
        mayGoPlain(report) {
            const policy = client.policy ? client.policy.config : null;
            const actions = (policy && policy.actions) || { encrypt_unavailable: 'block' };
            return actions.encrypt_unavailable === 'warn' && report.action !== 'block';
        }

        /** Sends without encryption after the user chose it: the text goes back into the site's body first. */
        async sendPlain(report, d, gate) {
            // Checked again here, before the text leaves the secure editor: the
            // dialogs offer this only when it is allowed (fail closed).
            if (!this.mayGoPlain(report)) return;
            this.recipientKeys.stop();
            this.secure = false;
            await this.closeSecureEditor(true);
            if (!this.alive()) return;
            this.refreshIndicator();
            Sealpost.secureSend.recordPlain(this, report, d, gate);
            this.replay();
        }

        /** Synchronous: may this send go through right now, untouched? */
        passNow() {
            if (Sealpost.gateDialog.isOpen() || Sealpost.warnTip.isOpen()) return false;
            const fresh = this.session.freshResult();
            if (!fresh) return false;
            return this.decision(fresh.report).kind === 'pass';
        }

        decision(report) {
            return Sealpost.decide(report, {
                secure: this.secure,
                subjectProtected: Boolean(this.secureEditor && this.secureEditor.hasSubject),
                agent: client.agent,
                policy: client.policy ? client.policy.config : null,
            });
        }

        /** A held send: decide on a fresh scan, then replay, or ask the user. */
        async attemptSend(gestureDone = Promise.resolve()) {
            const [fresh] = await Promise.all([this.session.whenFresh(FRESH_WAIT_MS), gestureDone]);
            if (!this.alive()) return;
            if (!fresh) {
                Sealpost.gateDialog.open({
                    kind: 'unchecked',
                    report: { findings: [], subject_verdict: 'clean' },
                    policy: null,
                    onEdit: () => this.focusBody(),
                    onRetry: () => void this.attemptSend(),
                });
                return;
            }
            const report = fresh.report;
            if (this.secure || report.toggle === 'secure') await client.agentNow(false);
            const d = this.decision(report);
            this.refreshIndicator();
            const policy = client.policy ? client.policy.config : null;
            if (d.kind === 'pass') {
                this.replay();
            } else if (d.kind === 'secure') {
                if (this.sending) return;
                this.sending = true;
                try {
                    await Sealpost.secureSend.run(this, report, d);
                } finally {
                    this.sending = false;
                }
            } else if (d.kind === 'tip') {
                Sealpost.warnTip.open(this.sendButton() || this.indicator.host, {
                    report,
                    unavailable: Boolean(d.unavailable),
                    agentUp: client.agent === 'available',
                    onSend: () => (this.secureEditor ? void this.sendPlain(report, d, 'unavailable') : this.replay()),
                    onDismiss: () => this.focusBody(),
                });
            } else {
                Sealpost.gateDialog.open({
                    kind: d.kind,
                    report,
                    policy,
                    subjectBlock: d.subjectBlock,
                    agentUp: client.agent === 'available',
                    onSecure: async () => {
                        this.setSecure(true);
                        await client.agentNow(true);
                        this.refreshIndicator();
                        void this.attemptSend();
                    },
                    onEdit: () => this.focusBody(),
                    onRetry: async () => {
                        await client.agentNow(true);
                        this.refreshIndicator();
                        void this.attemptSend();
                    },
                    onSendAnyway: (justification) => {
                        client.recordOverride({
                            site: this.site.name,
                            verdict: report.verdict,
                            subject_verdict: report.subject_verdict,
                            action: d.action,
                            gate: d.kind,
                            categories: Sealpost.dom.categoryCounts(report.findings),
                            justification,
                            recipient_domains: Sealpost.secureSend.recipientDomains(this),
                        });
                        this.replay();
                    },
                });
            }
        }

        replay() {
            const send = this.sendButton();
            if (send) Sealpost.sendGate.replay(send);
        }

        focusBody() {
            if (this.secureEditor) this.secureEditor.focus();
            else this.body.focus();
        }

        dispose() {
            this.observer.disconnect();
            this.body.removeEventListener('focus', this.onBodyFocus);
            this.body.removeEventListener('keydown', this.onKeyDown);
            this.recipientKeys.stop();
            // Gone unsent (a sent window has no secure editor left): the
            // worker keeps the text for a new window to restore.
            this.keepUnsent();
            if (this.subjectEl) this.unwatchSubject(this.subjectEl);
            this.highlights.clear();
            this.indicator.remove();
            this.warning.remove();
            this.session.close();
        }
    }

    const nbsp = /\u00a0/g;

    /**
     * The body's snapshot after a predicted keystroke, if `records` are
     * exactly its mutation (text changed in the caret's node only, to the
     * predicted data, spaces and no-break spaces alike: the editor may swap
     * them around the caret): the base map with later nodes shifted, instead
     * of a DOM walk. Else null.
     */
    function landed(x, records) {
        if (!records.length || records.some((r) => r.type !== 'characterData' || r.target !== x.node)) return null;
        const want = x.data.slice(0, x.offset) + x.ch + x.data.slice(x.offset);
        if (x.node.data.replace(nbsp, ' ') !== want.replace(nbsp, ' ')) return null;
        return { text: x.snap.text, map: Sealpost.textMap.shifted(x.base.map, x.at - x.offset, x.ch.length) };
    }

    Sealpost.ComposeWindow = ComposeWindow;
})();
