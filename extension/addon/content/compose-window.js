// One compose window (new message, reply, forward, pop-out): its scan
// session, highlights, indicator, subject warning and secure-send choice,
// which sticks to this window only.
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
            this.secure = Boolean(prefs.secureByDefault);
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
            // Counts structural changes (nodes added or removed) in the body:
            // highlight ranges kept across keystrokes are only trusted while
            // typing changes text inside existing nodes.
            this.structure = 0;
            this.observer = new MutationObserver((records) => {
                if (records.some((r) => r.type === 'childList')) this.structure += 1;
                this.session.request();
            });
            // Every change to the body (typing, paste, the site's own edits)
            // mutates its DOM; the subject is an <input>, watched by events.
            this.observer.observe(body, { childList: true, characterData: true, subtree: true });
            this.subjectEl = null;
            this.attach();
            this.refreshIndicator();
            this.session.request();
        }

        /** (Re)places the indicator and warning; the site may have re-rendered its toolbar. */
        attach() {
            const subject = this.site.subject(this.root);
            if (subject !== this.subjectEl) {
                if (this.subjectEl) this.subjectEl.removeEventListener('input', this.onInput);
                this.subjectEl = subject;
                if (subject) subject.addEventListener('input', this.onInput);
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

        sendButton() {
            return this.site.sendButton(this.root);
        }

        snapshot() {
            if (!this.body.isConnected) return null;
            const { text, segs } = Sealpost.textMap.extract(this.body);
            return { subject: this.subjectEl ? this.subjectEl.value : '', text, map: { segs } };
        }

        render(result) {
            const report = result.report;
            this.report = report;
            this.map = result.snap.map;
            this.highlights.update(result, this.map, this.structure);
            this.warning.update(
                report.findings.filter((f) => f.part === 'subject'),
                report.subject_verdict,
            );
            this.refreshIndicator();
            this.indicator.scanned(result.scanMs);
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
            });
        }

        setSecure(on) {
            this.secure = on;
            this.refreshIndicator();
            if (on) client.probeAgent(true);
        }

        toggleSecure() {
            this.setSecure(!this.secure);
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
            } else if (d.kind === 'tip') {
                Sealpost.warnTip.open(this.sendButton() || this.indicator.host, {
                    report,
                    unavailable: Boolean(d.unavailable),
                    agentUp: client.agent === 'available',
                    onSend: () => this.replay(),
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
                            categories: Object.fromEntries(counts(report.findings)),
                            justification,
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
            this.body.focus();
        }

        dispose() {
            this.observer.disconnect();
            if (this.subjectEl) this.subjectEl.removeEventListener('input', this.onInput);
            this.highlights.clear();
            this.indicator.remove();
            this.warning.remove();
            this.session.close();
        }
    }

    function counts(findings) {
        const m = new Map();
        for (const f of findings) m.set(f.category, (m.get(f.category) || 0) + 1);
        return m;
    }

    Sealpost.ComposeWindow = ComposeWindow;
})();
