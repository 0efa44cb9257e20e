// Talking to the service worker that runs the wasm policy core. One port per
// tab; one scan session per compose window.
//
// Latency design: keystrokes are coalesced, not debounced. A change is sent
// at once when no scan is in flight; changes made while one is in flight
// mark the session dirty, and exactly one rescan of the latest text follows
// when the reply arrives (latest wins). A warm session is sent only the edit
// (common prefix/suffix diff, in UTF-16 offsets), not the whole body. When the
// service worker was stopped (ports close) or does not know the session, the
// full text is sent again.
//
// Speculation: at a printable keydown the compose window predicts the text
// after the key (the character inserted at the caret) and sends that at once,
// so the worker scans while the browser is still inserting the character. The
// reply is used only if the text read after the key lands is exactly the
// predicted one; otherwise the real text is scanned as usual. A reply that
// comes before the key has landed is held until it does (or briefly).
'use strict';

(() => {
    const REPLY_TIMEOUT_MS = 1500;
    const STALE_RENDER_MS = 100;
    // How long a speculative reply waits for its key to land (the site may
    // have taken the key); then the real text is scanned.
    const HOLD_MS = 200;
    // Chromium stops a service worker after 30 s without events; restarting
    // it (and the wasm core) costs a noticeable pause on the next keystroke.
    // While a compose window is open, one tiny message every 20 s keeps it up.
    const KEEPALIVE_MS = 20000;

    /** The edit that turns `a` into `b`: {start, end, text} in UTF-16 offsets of `a`. */
    function diff(a, b) {
        const max = Math.min(a.length, b.length);
        let p = 0;
        while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
        // Never split a surrogate pair.
        if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--;
        let s = 0;
        const maxS = max - p;
        while (s < maxS && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
        if (s > 0 && isLow(a.charCodeAt(a.length - s))) s--;
        return { start: p, end: a.length - s, text: b.slice(p, b.length - s) };
    }
    const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
    const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

    class ScanClient {
        constructor() {
            this.port = null;
            this.sessions = new Map();
            this.policy = null;
            this.agent = 'unknown';
            this.listeners = { policy: new Set(), agent: new Set() };
            this.nextId = 1;
            this.editors = new Map(); // token → onMessage, for secure editor frames (secure-editor.js)
            this.calls = new Map(); // rid → resolve, for agent requests
            this.nextRid = 1;
        }

        /** False once the extension was reloaded or removed under this page. */
        alive() {
            try {
                return Boolean(chrome.runtime && chrome.runtime.id);
            } catch {
                return false;
            }
        }

        connect() {
            if (this.port) return this.port;
            if (!this.alive()) return null;
            const port = chrome.runtime.connect({ name: 'sealpost-scan' });
            port.onMessage.addListener((m) => this.receive(m));
            port.onDisconnect.addListener(() => {
                void chrome.runtime.lastError;
                if (this.port === port) this.port = null;
                for (const s of this.sessions.values()) s.lost();
                for (const [rid, resolve] of this.calls) {
                    this.calls.delete(rid);
                    resolve({ ok: false, error: { code: 'unavailable', message: 'Sealpost restarted while asking the app on this computer. Try again.' } });
                }
                // Secure editors wait for their pairing: reconnect at once (this
                // restarts a stopped worker) so their frames find us again.
                for (const f of this.editors.values()) f({ type: 'port-lost' });
                if (this.editors.size && this.alive()) setTimeout(() => this.connect(), 50);
            });
            this.port = port;
            for (const token of this.editors.keys()) port.postMessage({ type: 'editor-open', token });
            return port;
        }

        send(msg) {
            for (let attempt = 0; attempt < 2; attempt++) {
                const port = this.connect();
                if (!port) return false;
                try {
                    port.postMessage(msg);
                    return true;
                } catch {
                    this.port = null;
                }
            }
            return false;
        }

        receive(m) {
            if (m.type === 'policy') {
                this.policy = m.policy;
                for (const f of this.listeners.policy) f(m.policy);
                for (const s of this.sessions.values()) s.invalidate();
            } else if (m.type === 'agent') {
                this.agent = m.status;
                for (const f of [...this.listeners.agent]) f(m.status);
            } else if (m.type === 'agent-reply' || m.type === 'reply') {
                const resolve = this.calls.get(m.rid);
                this.calls.delete(m.rid);
                if (resolve) resolve(m);
            } else if (m.type === 'editor') {
                const f = this.editors.get(m.token);
                if (f) f(m.msg);
            } else {
                const s = this.sessions.get(m.id);
                if (s) s.receive(m);
            }
        }

        on(kind, f) {
            this.listeners[kind].add(f);
        }

        /** Asks for the agent's status (answered through on('agent')). */
        probeAgent(force = false) {
            this.send({ type: 'agent', force });
        }

        /** The agent's status, asked now: resolves 'available' or 'unavailable'. */
        agentNow(force = true, timeoutMs = 3000) {
            return new Promise((resolve) => {
                const f = (status) => {
                    clearTimeout(timer);
                    this.listeners.agent.delete(f);
                    resolve(status);
                };
                const timer = setTimeout(() => f('unavailable'), timeoutMs);
                this.listeners.agent.add(f);
                if (!this.send({ type: 'agent', force })) f('unavailable');
            });
        }

        /**
         * A request for the agent (status, recipients, encrypt, audit), through
         * the worker. Resolves {ok: true, reply} (the host's reply, which may
         * itself be an error) or {ok: false, error: {code, message}}; never rejects.
         */
        agentCall(req, members = {}, timeoutMs = 12000) {
            return this.call(
                { type: 'agent-request', req, members },
                timeoutMs,
                { ok: false, error: { code: 'timeout', message: 'The Sealpost app on this computer took too long to answer.' } },
                { ok: false, error: { code: 'unavailable', message: 'Sealpost could not reach its background service. Reload the page and try again.' } },
            );
        }

        /**
         * A request for the worker itself (`recoverable`, `recover`): resolves
         * its reply, or null when it does not answer in time.
         */
        ask(type, members = {}, timeoutMs = 3000) {
            return this.call({ type, ...members }, timeoutMs, null, null);
        }

        /**
         * Sends `msg` with a new request id; resolves the reply that carries
         * it, `timedOut` after `timeoutMs`, or `unsent` if it could not go.
         */
        call(msg, timeoutMs, timedOut, unsent) {
            return new Promise((resolve) => {
                const rid = this.nextRid++;
                const timer = setTimeout(() => {
                    this.calls.delete(rid);
                    resolve(timedOut);
                }, timeoutMs);
                this.calls.set(rid, (m) => {
                    clearTimeout(timer);
                    resolve(m);
                });
                if (!this.send({ ...msg, rid })) {
                    this.calls.delete(rid);
                    clearTimeout(timer);
                    resolve(unsent);
                }
            });
        }

        /** Pairs a secure editor frame (by its token) with `onMessage(msg)`. */
        editorOpen(token, onMessage) {
            this.editors.set(token, onMessage);
            return this.send({ type: 'editor-open', token });
        }

        /** A message for the secure editor frame of `token`. */
        editorSend(token, msg) {
            return this.send({ type: 'editor', token, msg });
        }

        /** `keep`: {site, text, subject} of a window that went away unsent (see background/recoverable.js). */
        editorClose(token, keep = null) {
            if (!this.editors.delete(token)) return;
            this.send({ type: 'editor-close', token, keep });
        }

        recordOverride(record) {
            this.send({ type: 'override', record });
        }

        /**
         * A scan session. `read()` returns the current {subject, text, map};
         * `render(result)` gets {report, snap, scanMs} after each scan.
         */
        session(read, render) {
            const s = new ScanSession(this, `w${this.nextId++}`, read, render);
            this.sessions.set(s.id, s);
            this.keepAlive();
            return s;
        }

        keepAlive() {
            if (this.keepAliveTimer) return;
            this.keepAliveTimer = setInterval(() => {
                if (!this.sessions.size || !this.alive()) {
                    clearInterval(this.keepAliveTimer);
                    this.keepAliveTimer = null;
                    return;
                }
                this.send({ type: 'ping' });
            }, KEEPALIVE_MS);
        }
    }

    class ScanSession {
        constructor(client, id, read, render) {
            this.client = client;
            this.id = id;
            this.read = read;
            this.render = render;
            this.seq = 0;
            this.warm = false; // the worker holds our text (`sent`)
            this.sent = null; // the snapshot {subject, text, map} the worker has
            this.pending = null; // {seq, snap, timer}
            this.dirty = false;
            this.last = null; // last result {report, snap, scanMs}
            this.lastRender = 0;
            this.waiters = [];
            this.body = []; // body findings, as the worker last described them
            this.version = 0;
            this.held = null; // {result, p, timer}: a speculative reply waiting for its key
        }

        /** The snapshot the worker holds (text, subject and its DOM map), or null. */
        base() {
            return this.warm && !this.pending && !this.dirty && !this.held ? this.sent : null;
        }

        /**
         * Scans a predicted snapshot before the DOM has it (see the top). Only
         * when nothing is in flight; `snap` must carry `map: null`.
         */
        speculate(snap) {
            if (!this.base()) return;
            this.dispatch(false, snap);
            if (this.pending) this.pending.speculative = true;
        }

        /** Something may have changed: scan now, or once the scan in flight returns. */
        request() {
            if (this.held) {
                this.release();
                return;
            }
            if (this.pending) {
                this.dirty = true;
                return;
            }
            this.dispatch(false);
        }

        /** Forces a rescan even if the text is unchanged (the policy changed). */
        invalidate() {
            this.last = null;
            // A reply still in flight (or held) was computed under the old policy.
            if (this.pending) this.pending.stale = true;
            if (this.held) this.held.p.stale = true;
            this.request();
        }

        dispatch(force, snapshot) {
            const snap = snapshot || this.read();
            if (!snap) return;
            if (!force && this.last && this.sent && snap.text === this.sent.text && snap.subject === this.sent.subject) {
                this.resolveWaiters();
                return;
            }
            const seq = ++this.seq;
            let msg;
            if (this.warm && this.sent) {
                // A predicted keystroke carries its edit (see speculate()).
                const d = snap.edit && snap.edit.of === this.sent ? snap.edit : diff(this.sent.text, snap.text);
                msg = { type: 'edit', id: this.id, seq, start: d.start, end: d.end, text: d.text, len: snap.text.length, subject: snap.subject };
            } else {
                msg = { type: 'set', id: this.id, seq, body: snap.text, subject: snap.subject };
            }
            const timer = setTimeout(() => this.timedOut(seq), REPLY_TIMEOUT_MS);
            const shift16 = msg.type === 'edit' ? msg.text.length - (msg.end - msg.start) : 0;
            this.pending = { seq, snap, timer, shift16 };
            this.sent = snap;
            this.warm = true;
            if (!this.client.send(msg)) {
                clearTimeout(timer);
                this.pending = null;
                this.warm = false;
            }
        }

        receive(m) {
            const p = this.pending;
            if (!p || m.seq !== p.seq) return;
            clearTimeout(p.timer);
            this.pending = null;
            if (m.type === 'unknown-session') {
                this.warm = false;
                this.dispatch(true);
                return;
            }
            const result = this.apply(JSON.parse(m.report), p);
            result.scanMs = m.scanMs;
            if (p.speculative && !this.dirty && !p.stale) {
                // The predicted key has not reached the DOM yet (settle() must
                // always check a prediction against the DOM: it has no map).
                this.held = { result, p, timer: setTimeout(() => this.release(), HOLD_MS) };
                return;
            }
            this.settle(result, p);
        }

        /**
         * A held speculative reply meets the DOM: shown if the text is the
         * predicted one, else the real text is scanned.
         */
        release() {
            const h = this.held;
            if (!h) return;
            this.held = null;
            clearTimeout(h.timer);
            this.dirty = true;
            this.settle(h.result, h.p);
        }

        /** A reply for `p` is in: render it, or rescan what changed meanwhile. */
        settle(result, p) {
            this.last = result;
            const now = performance.now();
            const latest = this.dirty || p.stale ? this.read() : null;
            this.dirty = false;
            if (p.stale) {
                this.last = null;
                if (latest) this.dispatch(true, latest);
            } else if (latest && (latest.text !== p.snap.text || latest.subject !== p.snap.subject)) {
                // Changed while scanning: rescan the latest text once. Render
                // the stale result only if rescans keep overtaking renders.
                // (A wrong prediction has no DOM map to render with.)
                if (p.snap.map && now - this.lastRender > STALE_RENDER_MS) this.doRender(result, now);
                this.dispatch(false, latest);
            } else {
                // Same text: the newest extraction has the freshest DOM map.
                if (latest) {
                    result.snap = latest;
                    if (this.sent === p.snap) this.sent = latest;
                }
                this.doRender(result, now);
                this.resolveWaiters();
            }
        }

        /**
         * Applies a delta (see Session.assess_delta) to this session's list of
         * body findings. Returns {report, snap, delta, version}: `report` has
         * the usual shape (all findings, subject first).
         */
        apply(d, p) {
            if (d.full) {
                this.body = d.body;
            } else {
                const list = this.body;
                const tail = list.slice(list.length - d.tail);
                for (const f of tail) {
                    f.start16 += p.shift16;
                    f.end16 += p.shift16;
                }
                this.body = list.slice(0, d.head).concat(d.body, tail);
            }
            this.version += 1;
            const report = {
                verdict: d.verdict,
                score: d.score,
                subject_verdict: d.subject_verdict,
                action: d.action,
                toggle: d.toggle,
                policy_error: d.policy_error,
                findings: d.subject_findings.concat(this.body),
            };
            return { report, snap: p.snap, delta: { full: d.full, head: d.head, tail: d.tail, middle: d.body }, version: this.version, body: this.body };
        }

        doRender(result, now) {
            this.lastRender = now;
            this.render(result);
        }

        /** The worker went away: the next request sends the full text. */
        lost() {
            this.warm = false;
            if (this.pending) {
                clearTimeout(this.pending.timer);
                this.pending = null;
                this.dispatch(true);
            }
        }

        timedOut(seq) {
            if (!this.pending || this.pending.seq !== seq) return;
            this.pending = null;
            this.warm = false;
            this.dispatch(true);
        }

        /** The last result if it is for exactly the current text and subject, else null. */
        freshResult() {
            if (!this.last || this.pending || this.dirty) return null;
            const snap = this.read();
            if (!snap) return null;
            const s = this.last.snap;
            return snap.text === s.text && snap.subject === s.subject ? this.last : null;
        }

        /** Resolves with a fresh result (scanning if needed), or null after `timeoutMs`. */
        whenFresh(timeoutMs) {
            const now = this.freshResult();
            if (now) return Promise.resolve(now);
            return new Promise((resolve) => {
                const w = { resolve, timer: setTimeout(() => finish(null), timeoutMs) };
                const finish = (r) => {
                    clearTimeout(w.timer);
                    this.waiters = this.waiters.filter((x) => x !== w);
                    resolve(r);
                };
                w.resolve = finish;
                this.waiters.push(w);
                this.request();
            });
        }

        resolveWaiters() {
            if (!this.waiters.length) return;
            const r = this.freshResult();
            if (!r) {
                this.request();
                return;
            }
            for (const w of [...this.waiters]) w.resolve(r);
        }

        close() {
            this.client.sessions.delete(this.id);
            if (this.pending) clearTimeout(this.pending.timer);
            if (this.held) clearTimeout(this.held.timer);
            for (const w of [...this.waiters]) w.resolve(null);
            this.client.send({ type: 'close', id: this.id });
        }
    }

    Sealpost.diff = diff;
    Sealpost.scanClient = new ScanClient();
})();
