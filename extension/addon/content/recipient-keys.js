// Which recipients of one compose window have a key, while secure-send is on:
// the site's To/Cc/Bcc (adapter `recipients(root)`) are watched and, when
// they change (debounced), looked up with the agent's `recipients` request.
// The state feeds the indicator (data-keys) and the send. Addresses go to the
// agent only; they are never logged.
'use strict';

(() => {
    const client = Sealpost.scanClient;
    const DEBOUNCE_MS = 300;
    const FRESH_MS = 60000;

    class RecipientKeys {
        constructor(site, root, body, onChange) {
            this.site = site;
            this.root = root;
            this.body = body;
            this.onChange = onChange;
            this.state = 'unknown'; // unknown | checking | all | missing | none
            this.addresses = [];
            this.results = new Map(); // lower-cased address → status
            this.lookedUp = null; // {key, at}
            this.timer = null;
            this.seq = 0;
            this.observer = new MutationObserver((records) => {
                if (records.every((r) => this.inBody(r.target))) return;
                this.schedule();
            });
            this.onInput = (e) => {
                if (!this.inBody(e.target)) this.schedule();
            };
        }

        inBody(n) {
            return this.body.contains(n);
        }

        start() {
            this.observer.observe(this.root, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['email', 'title'] });
            this.root.addEventListener('input', this.onInput, true);
            this.root.addEventListener('change', this.onInput, true);
            void this.check();
        }

        stop() {
            this.observer.disconnect();
            this.root.removeEventListener('input', this.onInput, true);
            this.root.removeEventListener('change', this.onInput, true);
            clearTimeout(this.timer);
            this.seq += 1;
        }

        schedule() {
            clearTimeout(this.timer);
            this.timer = setTimeout(() => void this.check(), DEBOUNCE_MS);
        }

        /** {to, cc, bcc} from the site, each address once (the first row it appears in). */
        read() {
            const r = this.site.recipients ? this.site.recipients(this.root) : { to: [], cc: [], bcc: [] };
            const seen = new Set();
            const out = { to: [], cc: [], bcc: [] };
            for (const kind of ['to', 'cc', 'bcc']) {
                for (const a of r[kind] || []) {
                    const k = a.toLowerCase();
                    if (seen.has(k)) continue;
                    seen.add(k);
                    out[kind].push(a);
                }
            }
            return out;
        }

        set(state) {
            if (this.state === state) return;
            this.state = state;
            this.onChange();
        }

        /** Looks the current recipients up (unless the same list was looked up recently). Resolves the state. */
        async check(force = false) {
            const r = this.read();
            const all = [...r.to, ...r.cc, ...r.bcc];
            this.addresses = all;
            if (!all.length) {
                this.set('none');
                return this.state;
            }
            const key = all.map((a) => a.toLowerCase()).join('\n');
            if (!force && this.lookedUp && this.lookedUp.key === key && Date.now() - this.lookedUp.at < FRESH_MS && this.state !== 'unknown') {
                this.onChange();
                return this.state;
            }
            if (client.agent === 'unavailable') {
                this.set('unknown');
                return this.state;
            }
            const seq = ++this.seq;
            this.set('checking');
            const res = await client.agentCall('recipients', { addresses: all });
            if (seq !== this.seq) return this.state;
            const list = res.ok && res.reply && res.reply.ok && Array.isArray(res.reply.results) ? res.reply.results : null;
            if (!list) {
                this.lookedUp = null;
                this.set('unknown');
                return this.state;
            }
            this.results = new Map();
            for (const x of list) if (x && typeof x.address === 'string') this.results.set(x.address.toLowerCase(), x.status);
            this.lookedUp = { key, at: Date.now() };
            this.state = this.missing().length ? 'missing' : 'all';
            this.onChange();
            return this.state;
        }

        /** Recipients without a usable key (as last looked up). */
        missing() {
            return this.addresses.filter((a) => this.results.get(a.toLowerCase()) !== 'found');
        }

        /** For the indicator: {state, found, total, missing}. */
        summary() {
            const missing = this.state === 'all' || this.state === 'missing' ? this.missing() : [];
            return { state: this.state, total: this.addresses.length, found: this.addresses.length - missing.length, missing };
        }
    }

    Sealpost.RecipientKeys = RecipientKeys;
})();
