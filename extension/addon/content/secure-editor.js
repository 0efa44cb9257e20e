// The secure editor of one compose window, seen from the page: an
// extension-origin iframe (secure/editor.html) placed exactly over the site's
// body editor while secure-send is on, so the site (and its draft autosave)
// never gets the text. The frame owns the text and the attachments; we keep a
// copy of the text only to scan it (the window's scan session) and to put it
// back when secure-send is switched off.
//
// Frame ↔ content script messages go through the service worker over
// chrome.runtime ports (scan-client.js editorOpen/editorSend), paired by a
// random token: never window.postMessage, which the page's main world could
// read. The token is in the frame's URL, which the page can read; the worker
// pairs the first frame that says hello with it and ignores any other.
'use strict';

(() => {
    const client = Sealpost.scanClient;
    const MAX_TOTAL = 25 * 1024 * 1024;
    const PART = 3 * 1024 * 1024; // bytes per base64 part of a file sent to the frame
    const TAKE_TIMEOUT_MS = 1500;
    const ENCRYPT_TIMEOUT_MS = 90000;
    const PAIR_WAIT_MS = 3000;

    function randomToken() {
        const b = new Uint8Array(18);
        crypto.getRandomValues(b);
        return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_');
    }

    class SecureEditor {
        /** `hooks`: {onText(), onSendShortcut()}. */
        constructor(body, root, hooks) {
            this.body = body;
            this.root = root;
            this.hooks = hooks;
            this.token = randomToken();
            this.text = ''; // the frame's text, as it last told us
            this.v = 0; // its version of that text
            // The real subject, when the site has a subject field: it lives in
            // the frame (the site's field shows the placeholder); our copy is
            // for the scan and for putting it back.
            this.hasSubject = false;
            this.subject = '';
            this.note = '';
            this.paired = false;
            this.queue = []; // messages for the frame until it is paired
            this.attachments = { count: 0, total: 0 };
            this.waiting = new Map(); // rid → resolve (take, encrypt)
            this.nextRid = 1;
            this.nextFid = 1;
            this.pairedWaiters = [];

            const frame = document.createElement('iframe');
            frame.setAttribute('data-sealpost', 'secure-editor');
            frame.setAttribute('title', 'Secure message editor (Sealpost)');
            frame.setAttribute('allow', '');
            frame.src = `${chrome.runtime.getURL('secure/editor.html')}#t=${this.token}`;
            frame.style.cssText =
                'position:absolute;left:0;top:0;width:0;height:0;margin:0;padding:0;border:0;box-sizing:border-box;background:#fff;z-index:3;display:block;';
            this.frame = frame;
            body.after(frame);

            // Follow the body editor: its size, and layout changes around it.
            this.resize = new ResizeObserver(() => this.place());
            for (const n of [body, body.parentElement, root]) if (n) this.resize.observe(n);
            this.onWindowResize = () => this.place();
            window.addEventListener('resize', this.onWindowResize, { passive: true });
            this.place();

            client.editorOpen(this.token, (m) => this.receive(m));
        }

        /** Puts the frame exactly over the body editor (whatever its containing block). */
        place() {
            if (!this.body.isConnected) return;
            if (!this.frame.isConnected || this.frame.previousElementSibling !== this.body) this.body.after(this.frame);
            const b = this.body.getBoundingClientRect();
            const s = this.frame.style;
            s.width = `${b.width}px`;
            s.height = `${b.height}px`;
            const f = this.frame.getBoundingClientRect();
            const dx = b.left - f.left;
            const dy = b.top - f.top;
            if (Math.abs(dx) > 0.5) s.left = `${(parseFloat(s.left) || 0) + dx}px`;
            if (Math.abs(dy) > 0.5) s.top = `${(parseFloat(s.top) || 0) + dy}px`;
        }

        send(msg) {
            if (!this.paired) {
                this.queue.push(msg);
                return;
            }
            if (!client.editorSend(this.token, msg)) this.queue.push(msg);
        }

        receive(m) {
            if (!m || typeof m !== 'object') return;
            switch (m.type) {
                case 'paired': {
                    this.paired = true;
                    const q = this.queue.splice(0);
                    for (const msg of q) this.send(msg);
                    for (const f of this.pairedWaiters.splice(0)) f(true);
                    break;
                }
                case 'frame-gone':
                    this.paired = false; // it reconnects by itself
                    break;
                case 'port-lost':
                    // The worker went away: whatever it was doing for us is lost
                    // (an encryption in flight), so those requests fail now.
                    this.paired = false;
                    for (const [rid, w] of [...this.waiting]) {
                        this.waiting.delete(rid);
                        w(w.kind === 'encrypt' ? { ok: false, error: { code: 'restart', message: 'Sealpost restarted while encrypting. Nothing was sent; try again.' } } : null);
                    }
                    break;
                case 'text':
                    if (typeof m.text !== 'string') return;
                    this.text = m.text;
                    this.v = m.v;
                    this.hooks.onText();
                    break;
                case 'subject':
                    if (typeof m.subject !== 'string' || !this.hasSubject) return;
                    this.subject = m.subject;
                    this.hooks.onText();
                    break;
                case 'attachments':
                    this.attachments = { count: m.count | 0, total: m.total | 0 };
                    break;
                case 'send-shortcut':
                    this.hooks.onSendShortcut();
                    break;
                case 'taken':
                case 'encrypted': {
                    const resolve = this.waiting.get(m.rid);
                    this.waiting.delete(m.rid);
                    if (resolve) resolve(m);
                    break;
                }
                default:
                    break;
            }
        }

        /** Moves text into the frame (the site's body was emptied by the caller). */
        setText(text) {
            this.text = text;
            this.send({ type: 'set-text', text });
        }

        /** Moves the real subject into the frame (`present`), or hides the frame's subject field (no subject field on the site). */
        setSubject(subject, present) {
            this.hasSubject = Boolean(present);
            this.subject = present ? subject : '';
            this.send({ type: 'set-subject', subject: this.subject, present: this.hasSubject });
        }

        /** The note under the frame's subject: `kind` (phi, possible) or null; sent only when it changes. */
        subjectNote(kind, text) {
            const key = kind ? `${kind}\n${text}` : '';
            if (key === this.note) return;
            this.note = key;
            this.send({ type: 'subject-note', kind: kind || null, text: text || '' });
        }

        focusSubject() {
            this.frame.focus();
            this.send({ type: 'focus-subject' });
        }

        /** Findings of the scan of the frame's text version `v`, to highlight there. */
        findings(list, v) {
            if (!this.paired) return;
            const findings = list.map((f) => ({ start16: f.start16, end16: f.end16, health: Boolean(f.health), label: f.label }));
            client.editorSend(this.token, { type: 'findings', findings, v });
        }

        focus() {
            this.frame.focus();
            this.send({ type: 'focus' });
        }

        /** A request to the frame answered by `rid`; `fallback` after `ms`. */
        ask(msg, ms, fallback) {
            return new Promise((resolve) => {
                const rid = this.nextRid++;
                const timer = setTimeout(() => {
                    this.waiting.delete(rid);
                    resolve(fallback);
                }, ms);
                const w = (m) => {
                    clearTimeout(timer);
                    resolve(m);
                };
                w.kind = msg.type;
                this.waiting.set(rid, w);
                this.send({ ...msg, rid });
            });
        }

        /** The frame's current text and subject, {text, subject} (our copies if it does not answer). */
        async take() {
            const m = await this.ask({ type: 'take' }, TAKE_TIMEOUT_MS, null);
            return {
                text: m && typeof m.text === 'string' ? m.text : this.text,
                subject: m && typeof m.subject === 'string' ? m.subject : this.subject,
            };
        }

        /**
         * Asks the frame to have the agent encrypt its text and attachments
         * with these headers. Resolves {ok, armored, placeholder_subject} or
         * {ok: false, error: {code, message, addresses?}}.
         */
        async encrypt(headers) {
            if (!(await this.whenPaired(PAIR_WAIT_MS))) {
                return { ok: false, error: { code: 'editor', message: 'The secure editor is not ready (Sealpost may have just restarted). Try again in a moment.' } };
            }
            const timeout = { ok: false, error: { code: 'timeout', message: 'Encrypting took too long. Nothing was sent.' } };
            return this.ask({ type: 'encrypt', ...headers }, ENCRYPT_TIMEOUT_MS, timeout);
        }

        /** Resolves true once the frame is paired with us, false after `ms`. */
        whenPaired(ms) {
            if (this.paired) return Promise.resolve(true);
            return new Promise((resolve) => {
                const f = (ok) => {
                    clearTimeout(timer);
                    this.pairedWaiters = this.pairedWaiters.filter((x) => x !== f);
                    resolve(ok);
                };
                const timer = setTimeout(() => f(false), ms);
                this.pairedWaiters.push(f);
            });
        }

        /** Files from the site's own attach control, drop or paste: they go into the frame, never to the site. */
        async addFiles(files) {
            for (const file of files) {
                if (this.attachments.total + file.size > MAX_TOTAL) {
                    this.send({
                        type: 'notice',
                        kind: 'too-large',
                        text: `“${file.name}” was not attached: attachments to an encrypted message can total at most 25 MB.`,
                    });
                    continue;
                }
                this.attachments.total += file.size; // until the frame reports its own count
                const fid = this.nextFid++;
                let seq = 0;
                try {
                    for (let off = 0; off < file.size || seq === 0; off += PART) {
                        const data = await Sealpost.base64.fromBlob(file.slice(off, off + PART));
                        const last = off + PART >= file.size;
                        this.send({ type: 'file', fid, name: file.name, mime: file.type, seq, last, data });
                        seq += 1;
                    }
                } catch {
                    this.send({ type: 'notice', kind: 'unreadable', text: `“${file.name}” could not be read, so it was not attached.` });
                }
            }
        }

        /** Stops following the body editor (its size, window resizes): the window is being sent. */
        stopFollowing() {
            this.resize.disconnect();
            window.removeEventListener('resize', this.onWindowResize);
        }

        /** Follows the body editor again (after stopFollowing). */
        follow() {
            for (const n of [this.body, this.body.parentElement, this.root]) if (n) this.resize.observe(n);
            window.addEventListener('resize', this.onWindowResize, { passive: true });
            this.place();
        }

        /**
         * Removes the frame. `keepFor` (the site's name) when the compose
         * window went away unsent: the worker keeps our copy of the text and
         * subject for the user to restore (background/recoverable.js).
         */
        dispose(keepFor = null) {
            this.stopFollowing();
            for (const resolve of this.waiting.values()) resolve(null);
            this.waiting.clear();
            for (const f of this.pairedWaiters.splice(0)) f(false);
            const keep = keepFor && this.text.trim() ? { site: keepFor, text: this.text, subject: this.hasSubject ? this.subject : null } : null;
            client.editorClose(this.token, keep);
            this.frame.remove();
        }
    }

    Sealpost.SecureEditor = SecureEditor;
})();
