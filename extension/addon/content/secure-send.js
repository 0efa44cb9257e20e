// Sending with secure-send on: the held send is encrypted by the agent and
// only the ciphertext reaches the site. Fail closed: on any error the text
// stays in the secure editor, the site's body stays empty and a gate dialog
// says what happened (missing-keys, unavailable, encrypt-failed).
//
// The steps: recipients from the site (To/Cc/Bcc), our own address from the
// agent's status, the keys (looked up while composing, re-checked by the
// agent as it encrypts), then the frame adds the text and attachments and the
// worker asks the agent to `encrypt`. The armored message goes into the
// site's body (as text, a line per line), the subject becomes the policy's
// placeholder, the send is replayed on the site's Send control and the send
// is recorded in the agent's audit log (counts and domains, never text,
// subjects or local parts).
'use strict';

(() => {
    const client = Sealpost.scanClient;
    const STATUS_FRESH_MS = 60000;
    let status = null; // {reply, at}: the agent's last status reply

    /** The agent's status reply (own keys, placeholder), cached for a minute. */
    async function agentInfo() {
        if (status && Date.now() - status.at < STATUS_FRESH_MS) return { ok: true, reply: status.reply };
        const res = await client.agentCall('status');
        if (res.ok && res.reply && res.reply.ok) status = { reply: res.reply, at: Date.now() };
        return res;
    }

    /**
     * Replaces the site's body with `text`, one <div> per line (no HTML
     * parsing), built in a fragment and inserted at once, and tells the site.
     * (Not replaceChildren(...lines): spreading the lines as arguments
     * overflows the stack beyond ~100,000 lines, an armored message with
     * several MB of attachments.)
     */
    function writeSiteBody(body, text) {
        const lines = document.createDocumentFragment();
        for (const line of text.split(/\r?\n/)) {
            const d = document.createElement('div');
            d.appendChild(line ? document.createTextNode(line) : document.createElement('br'));
            lines.appendChild(d);
        }
        body.replaceChildren(lines);
        body.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
    }

    /** Empties the site's body (its autosave then sees an empty draft). */
    function clearSiteBody(body) {
        body.replaceChildren();
        body.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContent' }));
    }

    /** Sets the site's subject input and tells the site (input + change, as typing would). */
    function setSubject(input, value) {
        if (!input) return;
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        setter.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function domainOf(address) {
        const i = address.lastIndexOf('@');
        return i < 0 ? null : address.slice(i + 1).toLowerCase();
    }

    /** An agent error in words for the encrypt-failed dialog. */
    function inWords(error) {
        const code = error && error.code;
        if (code === 'too_large') return 'The message and its attachments are too large to encrypt (at most 25 MB). Remove an attachment and try again.';
        if (code === 'bad_address') return `An address is not valid. ${error.message || ''}`.trim();
        if (code === 'malformed') return error.message || 'The Sealpost app gave an answer Sealpost does not understand.';
        return (error && error.message) || 'The Sealpost app could not encrypt the message.';
    }

    /**
     * Encrypts and sends the message of `win` (a ComposeWindow) after the gate
     * decided 'secure'. `report` is the fresh scan, `d` the decision.
     */
    async function run(win, report, d) {
        const fail = (kind, extra = {}) => win.secureFailed(kind, report, d, extra);
        const r = win.recipientKeys.read();
        const all = [...r.to, ...r.cc, ...r.bcc];
        if (!all.length) return fail('encrypt-failed', { message: 'Add at least one recipient: an encrypted message is encrypted for its recipients.' });

        const info = await agentInfo();
        if (!win.alive()) return;
        if (!info.ok) return info.error.code === 'malformed' ? fail('encrypt-failed', { message: info.error.message }) : fail('unavailable');
        if (!info.reply.ok) return fail('encrypt-failed', { message: inWords(info.reply.error) });
        const own = Array.isArray(info.reply.own_keys) ? info.reply.own_keys.find((k) => k && typeof k.address === 'string') : null;
        if (!own) {
            return fail('encrypt-failed', {
                message: 'The Sealpost app on this computer has no key of your own, so it cannot send encrypted messages yet. Ask IT to set up your key.',
            });
        }

        const keys = await win.recipientKeys.check();
        if (!win.alive()) return;
        if (keys === 'missing') return fail('missing-keys', { missing: win.recipientKeys.missing() });

        // The real subject: the secure editor's while it holds it (the site's field shows the placeholder).
        const headers = { from: own.address, to: r.to, cc: r.cc, bcc: r.bcc, subject: win.realSubject() };
        let res;
        if (win.secureEditor) {
            const ed = win.secureEditor;
            res = await ed.encrypt(headers);
            const armored = res && res.ok && typeof res.armored === 'string' && res.armored.startsWith('-----BEGIN PGP MESSAGE-----');
            if (!armored) ed.send({ type: 'unlock' });
        } else {
            // A [secure] tag without the secure editor: the text is in the site's body.
            const text = Sealpost.textMap.extract(win.body).text;
            const call = await client.agentCall('encrypt', { ...headers, text, attachments: [] }, 60000);
            res = !call.ok ? { ok: false, error: call.error } : call.reply.ok ? { ok: true, ...call.reply } : { ok: false, error: call.reply.error };
        }
        if (!win.alive()) return;
        if (!res) return fail('encrypt-failed', { message: 'The secure editor closed before the message was encrypted. Nothing was sent.' });
        if (!res.ok) {
            const e = res.error || {};
            if (e.code === 'missing_keys') return fail('missing-keys', { missing: Array.isArray(e.addresses) && e.addresses.length ? e.addresses : win.recipientKeys.missing() });
            if (e.code === 'unavailable' || e.code === 'timeout') return fail('unavailable');
            return fail('encrypt-failed', { message: inWords(e) });
        }
        if (typeof res.armored !== 'string' || !res.armored.startsWith('-----BEGIN PGP MESSAGE-----')) {
            return fail('encrypt-failed', { message: 'The Sealpost app answered without an encrypted message.' });
        }

        // Hand over: ciphertext into the site, placeholder subject, send.
        if (!win.handOver(res.armored, res.placeholder_subject || 'Secure message')) {
            return fail('encrypt-failed', { message: 'The encrypted message could not be put into the message window. Nothing was sent.' });
        }
        const domains = all.map(domainOf).filter(Boolean);
        void client.agentCall('audit', {
            event: 'sent_encrypted',
            verdict: report.verdict,
            action: d.action,
            categories: Sealpost.dom.categoryCounts(report.findings),
            recipient_domains: domains,
            sender_domain: domainOf(own.address),
        });
    }

    /** The domains of this window's To, Cc and Bcc (for audit records: never local parts). */
    function recipientDomains(win) {
        const r = win.recipientKeys.read();
        return [...r.to, ...r.cc, ...r.bcc].map(domainOf).filter(Boolean);
    }

    /**
     * Records a send without the encryption the user or policy asked for
     * (metadata only). The worker keeps it locally and forwards it to the
     * agent's audit log (background/overrides.js), also when the agent is
     * down right now.
     */
    function recordPlain(win, report, d, gate) {
        client.recordOverride({
            site: win.site.name,
            verdict: report.verdict,
            subject_verdict: report.subject_verdict,
            action: d.action,
            gate,
            categories: Sealpost.dom.categoryCounts(report.findings),
            justification: null,
            recipient_domains: recipientDomains(win),
        });
    }

    /** The policy's placeholder subject as last heard from the agent (the default until then). */
    function placeholderNow() {
        const p = status && status.reply.placeholder_subject;
        return typeof p === 'string' && p.trim() ? p : 'Secure message';
    }

    /** The placeholder subject after asking the agent's status (cached a minute). */
    async function placeholderSubject() {
        await agentInfo().catch(() => null);
        return placeholderNow();
    }

    Sealpost.secureSend = { run, writeSiteBody, clearSiteBody, setSubject, recordPlain, recipientDomains, placeholderNow, placeholderSubject };
})();
