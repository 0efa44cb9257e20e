// The stand-in mail pages themselves, without the extension: they must behave
// like the real sites for the other tests to mean anything. Gmail's Send acts
// on mousedown+mouseup (a bare click event does nothing), Outlook's on click;
// Ctrl+Enter sends; several windows coexist; sends reach the test server;
// drafts autosave; the attach control uploads a chosen file at once (the
// server records its SHA-256) and the send lists it, with To and Cc.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { useBrowser } from '../lib/fixture.mjs';
import { SITES, SITE_NAMES, TEXT, Compose, newCompose, newReply, waitSent, waitUntil } from '../lib/compose.mjs';

const env = useBrowser({ extDir: null });
const ATTACH = { gmail: 'div[role="button"][aria-label^="Attach files"]', outlook: 'button[aria-label="Attach file"]' };

for (const siteName of SITE_NAMES) {
    const site = SITES[siteName];
    describe(`${siteName} test page without the extension`, () => {
        test('structure: the contract selectors find one subject, body and Send per window', async () => {
            const page = await env.open(siteName);
            const a = await newCompose(page, site);
            const b = await newCompose(page, site);
            const r = await newReply(page, site);
            for (const c of [a, b, r]) {
                assert.equal(await c.body.count(), 1, `${c.id}: body`);
                assert.equal(await c.send.count(), 1, `${c.id}: Send`);
                assert.equal(await c.subject.count(), siteName === 'outlook' && c.id.startsWith('reply') ? 0 : 1, `${c.id}: subject`);
            }
            assert.equal(await page.locator(site.body).count(), 3, 'three editors on the page');
            if (siteName === 'gmail') {
                assert.equal(await page.locator('div[role="dialog"]').count(), 2, 'new messages are dialogs');
                assert.equal(await r.root.locator('input[name="subjectbox"]:visible').count(), 0, 'inline reply subject is hidden');
                assert.match(await a.send.getAttribute('data-tooltip'), /^Send \u202a\(Ctrl-Enter\)\u202c$/);
            } else {
                assert.equal(await a.send.getAttribute('title'), 'Send (Ctrl+Enter)');
            }
        });

        test('Send gesture and Ctrl+Enter send; the server records them', async () => {
            const page = await env.open(siteName);
            const a = await newCompose(page, site);
            await a.typeSubject(TEXT.cleanSubject);
            await a.typeBody(TEXT.cleanBody);
            if (siteName === 'gmail') {
                // A synthetic click event alone must not send (Gmail listens to mousedown/mouseup).
                await a.send.dispatchEvent('click');
                await new Promise((r) => setTimeout(r, 300));
                assert.deepEqual(env.server.sent(), [], 'a bare click does not send on Gmail');
            }
            await a.clickSend();
            const [m] = await waitSent(env.server, 1, 3000);
            assert.deepEqual({ subject: m.subject, body: m.body, window: m.window, site: m.site }, { subject: TEXT.cleanSubject, body: TEXT.cleanBody, window: a.id, site: siteName });
            assert.equal(await a.isOpen(), false, 'the window closes after sending');

            const r = await newReply(page, site);
            await r.typeBody('Thanks, will do.');
            await r.ctrlEnter();
            const sent = await waitSent(env.server, 2, 3000);
            assert.equal(sent[1].body, 'Thanks, will do.');
            assert.equal(sent[1].window, r.id);
            assert.deepEqual(await page.evaluate(() => window.sentMessages.map((m) => m.window)), [a.id, r.id]);

            // Keyboard activation of the focused Send control.
            const k = await newCompose(page, site);
            await k.typeBody('Sent from the keyboard.');
            await k.send.focus();
            await page.keyboard.press('Enter');
            const third = await waitSent(env.server, 3, 3000);
            assert.equal(third[2].window, k.id);
        });

        test('attach control: the chosen file is uploaded at once and listed in the send; To and Cc', async () => {
            const page = await env.open(siteName);
            const id = await page.evaluate(() => window.testPage.openCompose({ to: ['dr.ames@clinic.test'], cc: ['nurse.bell@clinic.test'] }));
            const root = page.locator(`[data-test-window="${id}"]`);
            const bytes = crypto.randomBytes(3000);
            const [chooser] = await Promise.all([page.waitForEvent('filechooser'), root.locator(ATTACH[siteName]).click()]);
            assert.equal(await chooser.element().evaluate((el, id) => el.type === 'file' && !!el.closest(`[data-test-window="${id}"]`), id), true, 'the hidden file input is inside the compose window');
            await chooser.setFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: bytes });
            const [u] = await waitUntil(() => env.server.uploads(), (l) => l.length === 1, { timeout: 3000, what: 'the upload' });
            assert.deepEqual({ name: u.name, size: u.size, sha256: u.sha256, window: u.window }, { name: 'notes.bin', size: 3000, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), window: id });
            await root.locator('[data-test-upload="notes.bin"]').waitFor();
            const c = new Compose(page, site, id);
            await c.typeBody('See the attached notes.');
            await c.clickSend();
            const [m] = await waitSent(env.server, 1, 3000);
            assert.deepEqual(m.to, ['dr.ames@clinic.test']);
            assert.deepEqual(m.cc, ['nurse.bell@clinic.test']);
            assert.deepEqual(m.attachments, [{ name: 'notes.bin', size: 3000 }]);
        });

        test('drafts autosave while they change', async () => {
            const page = await env.open(siteName, '?autosave=300');
            const a = await newCompose(page, site);
            await a.typeBody('Draft text');
            // Typing may span an autosave; the finished draft is saved by the next one.
            const saves = await waitUntil(() => env.server.autosaves(), (s) => s.some((d) => d.body === 'Draft text'), { timeout: 3000, what: 'an autosave of the typed draft' });
            assert.ok(saves.every((d) => 'Draft text'.startsWith(d.body)), `autosaves hold the draft as typed so far: ${JSON.stringify(saves.map((d) => d.body))}`);
        });
    });
}
