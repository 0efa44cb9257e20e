// Secure-send end to end, with the real agent (`target/debug/sealpost
// native-host`) registered as com.sealpost.agent through a host manifest in
// /etc/chromium/native-messaging-hosts/ (lib/agent-host.mjs: temp data dir,
// own key, two recipient keys made with GnuPG; always removed). Both sites:
//
// - text typed in the site's body moves into the secure editor when
//   secure-send is turned on and the site's body is emptied; more PHI typed
//   there, a file attached through the secure editor and one through the
//   site's own file input; Send → the site sends only the placeholder
//   subject and an armored body; GnuPG (the recipients' keys) decrypts it
//   and the inner message has the real subject, the text and both files,
//   byte for byte; no send, upload or autosave (after the switch) contains
//   the PHI; the agent's audit log gets `sent-encrypted` and verifies;
// - a subject with PHI typed in the site's subject field moves into the
//   secure editor's subject field (input[data-sealpost-subject]) when
//   secure-send is turned on; the site's field shows only the placeholder
//   (so its autosave never gets the real subject), focus on it goes to the
//   frame, the send is not blocked for the subject (it travels encrypted)
//   and the decrypted inner Subject is the real one; turning secure-send off
//   puts the (edited) subject back into the site's field;
// - a window the site closes with secure-send on (Save & close, Discard):
//   a new window offers its text and subject back ("Restore unsent
//   message"), restores them into its secure editor, and only once;
//   leaving the page with one unsent asks first (beforeunload), and the next
//   visit offers it back;
// - switching off with an attachment in the secure editor asks first
//   (it cannot move into the site's upload); keeping secure-send on keeps
//   text and file, turning it off removes the file and returns the text;
// - a recipient without a key → data-keys="missing", a `missing-keys`
//   dialog, nothing sent;
// - an attachment over 25 MiB → a `too-large` notice, nothing uploaded;
// - the agent down (the manifest names a launcher that exits) →
//   `unavailable`; a host that answers `encrypt` with something that is not
//   the protocol (fake-agent/agent.mjs, mode encrypt-malformed) →
//   `encrypt-failed`; nothing sent either time, the text stays in the
//   secure editor.
// One Chromium for the file; the manifest is switched between agents (the
// browser reads it each time it starts a host).

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../server.mjs';
import { launch, extensionId, removeStalePolicy, saveArtifact, TEST_EXT } from '../lib/browser.mjs';
import { SITE_NAMES, SITES, openSite, textOf, waitSent, waitUntil, assertNothingSent, gate, newReply } from '../lib/compose.mjs';
import { createAgent, registerHost, unregisterHost, removeStaleHost, hostState, haveSealpost, HOST_FILE } from '../lib/agent-host.mjs';
import {
    composeWith,
    turnOn,
    typeSecure,
    secureText,
    waitSecureText,
    secureFrame,
    secureSubject,
    waitSecureSubject,
    turnOff,
    secureAttachments,
    waitSecureAttachments,
    gateOf,
    pageNow,
    plaintextLeaks,
    ARMOR_BEGIN,
    ARMOR_END,
    SECURE_FRAME,
} from '../lib/secure.mjs';

const RECIPIENTS = ['dr.ames@clinic.test', 'nurse.bell@clinic.test'];
const KEYLESS = 'no.key@elsewhere.test';
// Typed in the site's body before secure-send is on, then in the secure editor.
const BEFORE = 'Patient Maria Lopez, DOB 03/14/1962, MRN 00448291,';
const AFTER = ' was seen today for uncontrolled type 2 diabetes; A1c 9.4. Start insulin glargine 10 units.';
const SUBJECT = 'Follow-up plan for Friday';
// A subject with PHI (a name and a lab test): typed in the site's subject before secure-send is on.
const SUBJECT_PHI = 'Maria Lopez A1c follow-up';
const PLACEHOLDER = 'Secure message';
const LAB_TEXT = 'Lab results for Maria Lopez (MRN 00448291): HbA1c 9.4 %, fasting glucose 212 mg/dL.\n';
/** What must never reach the mail site in plaintext. */
const NEEDLES = ['Maria Lopez', '00448291', '03/14/1962', 'diabetes', 'insulin glargine', 'fasting glucose 212'];

removeStaleHost();
const foreign = hostState() === 'foreign';
const skip = (foreign && `${HOST_FILE} belongs to an installed agent; not replacing it`) || (!haveSealpost() && 'target/debug/sealpost is missing (cargo build -p sealpost --bin sealpost)');

let server;
let browser;
let agent;
let id;
let files; // {dir, lab, scan, big}
const pages = [];

before(async () => {
    if (skip) return;
    removeStalePolicy();
    id = extensionId(TEST_EXT);
    agent = await createAgent({ extId: id, recipients: RECIPIENTS });
    // Interrupted (Ctrl-C, a timeout): still remove the manifest and the keys.
    for (const sig of ['SIGINT', 'SIGTERM']) {
        process.once(sig, () => {
            unregisterHost();
            fs.rmSync(agent.dir, { recursive: true, force: true });
            process.exit(130);
        });
    }
    files = { dir: path.join(agent.dir, 'files') };
    fs.mkdirSync(files.dir);
    files.lab = path.join(files.dir, 'lab-results.txt');
    fs.writeFileSync(files.lab, LAB_TEXT);
    files.scan = path.join(files.dir, 'scan-0448.bin');
    fs.writeFileSync(files.scan, crypto.randomBytes(48 * 1024));
    // Over the 25 MiB limit; sparse, so it costs no disk.
    files.big = path.join(files.dir, 'imaging-series.bin');
    fs.closeSync(fs.openSync(files.big, 'w'));
    fs.truncateSync(files.big, 25 * 1024 * 1024 + 4096);
    registerHost(agent.launcher, id);
    server = await startServer();
    browser = await launch();
    // The first scan in a fresh browser waits for the scanner to start (several
    // seconds on a loaded machine): warm it up once, outside the tests' waits.
    const { page } = await openSite(browser, server, 'gmail');
    const c = await composeWith(page, 'gmail');
    await c.typeBody('MRN 00448291');
    await c.waitFor({ verdict: 'phi' }, 60000).catch(() => {});
    await page.close();
});
afterEach(async () => {
    for (const p of pages.splice(0)) await p.close().catch(() => {});
    server?.reset();
});
after(async () => {
    unregisterHost();
    await browser?.close();
    await server?.close();
    await agent?.close();
});

/** Runs `fn`; on failure adds the browser's console and the host's log. */
async function withLogs(fn) {
    try {
        return await fn();
    } catch (e) {
        const extra = [];
        if (browser?.logs.length) extra.push(`-- browser console (recent):\n  ${browser.logs.slice(-30).join('\n  ')}`);
        if (agent && fs.existsSync(agent.hostLog)) extra.push(`-- native host log (tail):\n  ${fs.readFileSync(agent.hostLog, 'utf8').trim().split('\n').slice(-10).join('\n  ')}`);
        if (extra.length && e && typeof e === 'object') {
            try {
                e.message += '\n' + extra.join('\n');
            } catch {}
        }
        throw e;
    }
}

/**
 * Points com.sealpost.agent at another launcher and ends the hosts running,
 * so the extension's next request starts the new one (it keeps a port open
 * while requests keep coming).
 */
async function switchHost(launcher, what) {
    registerHost(launcher, id, what);
    await agent.stopHosts();
}

async function open(siteName, query = '?autosave=0') {
    const { page } = await openSite(browser, server, siteName, query);
    pages.push(page);
    return page;
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const norm = (s) => s.replace(/\r\n/g, '\n').replace(/\n+$/, '');

/** A compose window with secure-send on and PHI in the secure editor. */
async function secureWindow(siteName, to = RECIPIENTS) {
    const page = await open(siteName);
    const c = await composeWith(page, siteName, { to, subject: SUBJECT });
    await turnOn(c);
    await typeSecure(page, BEFORE + AFTER);
    await c.waitFor({ verdict: 'phi' });
    return { page, c };
}

/** After a refused send: nothing sent, the site's body empty, the text still in the secure editor. */
async function assertHeld(page, c, why) {
    await assertNothingSent(page, server, why);
    assert.equal((await c.bodyText()).trim(), '', `${why}: the site's body stays empty`);
    assert.equal(await secureText(page), BEFORE + AFTER, `${why}: the secure editor keeps the text`);
    assert.deepEqual(plaintextLeaks(server, NEEDLES), [], `${why}: no plaintext reached the site`);
}

describe('secure-send with the real agent', { skip }, () => {
    for (const siteName of SITE_NAMES) {
        test(`${siteName}: text moves into the secure editor; Send gives the site only ciphertext and the placeholder subject; GnuPG recovers subject, body and both attachments; no plaintext in any request`, () =>
            withLogs(async () => {
                const page = await open(siteName, '?autosave=250');
                // One recipient in To, one in Cc.
                const c = await composeWith(page, siteName, { to: [RECIPIENTS[0]], cc: [RECIPIENTS[1]] });
                await c.typeSubject(SUBJECT_PHI);
                await c.typeBody(BEFORE);
                await c.waitFor({ verdict: 'phi', 'subject-verdict': 'phi', secure: 'off' });
                await c.subjectWarning.first().waitFor({ state: 'visible' });

                await turnOn(c);
                await waitSecureText(page, BEFORE, 'the site body text to move into the secure editor');
                await waitUntil(() => c.bodyText(), (t) => t.trim() === '', { what: "the site's body to be emptied" });
                const since = await pageNow(page);
                // The subject moved into the frame; the site's field shows only the placeholder.
                await waitSecureSubject(page, SUBJECT_PHI, 'the site subject to move into the secure editor');
                assert.equal(await secureSubject(page).getAttribute('aria-label'), 'Secure subject');
                assert.equal(await c.subject.inputValue(), PLACEHOLDER, "the site's subject field shows the placeholder while secure-send is on");
                // The window's scan scans the frame's subject as the subject; no warning under the site's field (it holds the placeholder).
                await c.waitFor({ 'subject-verdict': 'phi', secure: 'on' });
                await waitUntil(() => c.subjectWarning.first().isVisible(), (v) => !v, { what: "the site's subject warning to hide" });
                await secureFrame(page).locator('[data-sealpost-subject-note]').waitFor({ state: 'visible' });
                assert.match(await secureFrame(page).locator('[data-sealpost-subject-note]').innerText(), /travels encrypted/);
                await saveArtifact(c.root, `${siteName}-secure-subject.png`);
                // Focus on the site's subject field goes to the frame's.
                await c.subject.click();
                await waitUntil(() => c.subject.evaluate((el) => document.activeElement === el), (f) => !f, { what: "focus to leave the site's subject field" });
                assert.equal(await c.subject.inputValue(), PLACEHOLDER, "the site's subject still shows the placeholder");
                const box = await page.locator(SECURE_FRAME).first().boundingBox();
                const under = await c.body.boundingBox();
                assert.ok(box && under && Math.abs(box.x - under.x) < 4 && Math.abs(box.y - under.y) < 4 && Math.abs(box.width - under.width) < 4, `the secure editor covers the site's body: frame ${JSON.stringify(box)}, body ${JSON.stringify(under)}`);
                assert.match(await secureFrame(page).locator('body').innerText(), /stays on this computer/i, 'the banner says the text stays on this computer');

                await typeSecure(page, AFTER);
                await waitSecureText(page, BEFORE + AFTER);
                // The window's scan follows the secure editor's text.
                await c.waitFor({ verdict: 'phi', secure: 'on', keys: 'all', 'keys-found': '2', 'keys-total': '2' });
                assert.match(await textOf(c.indicator), /Encrypted for 2 of 2 recipients/, 'indicator text');

                // A file through the secure editor, one through the site's own attach control.
                await secureFrame(page).locator('input[type=file][data-sealpost-file]').setInputFiles(files.lab);
                await c.root.locator('input[type=file]').first().setInputFiles(files.scan);
                const listed = await waitSecureAttachments(page, ['lab-results.txt', 'scan-0448.bin']);
                assert.deepEqual(listed.map((a) => a.size).sort((a, b) => a - b), [LAB_TEXT.length, 48 * 1024], 'attachment sizes');
                assert.equal(await c.root.locator('input[type=file]').first().inputValue(), '', "the site's file input is cleared");
                assert.deepEqual(await page.evaluate(() => window.uploadedFiles), [], 'the site never started an upload');
                // Let the site's autosave run while secure-send is on.
                await new Promise((r) => setTimeout(r, 600));

                assert.equal(await c.subject.inputValue(), PLACEHOLDER);

                await c.clickSend();
                const [m] = await waitSent(server, 1, 30000).catch(async (e) => {
                    const g = gate(page).first();
                    if (await g.isVisible().catch(() => false)) e.message += ` (gate dialog data-kind=${await g.getAttribute('data-kind')})`;
                    throw e;
                });
                assert.equal(m.subject, PLACEHOLDER, 'the site sends the placeholder subject');
                assert.ok(m.body.startsWith(ARMOR_BEGIN) && m.body.trim().endsWith(ARMOR_END), `the site's body is an armored message: ${m.body.slice(0, 80)}...`);
                assert.deepEqual(m.attachments, [], 'the site sends no attachment of its own');
                assert.deepEqual(server.uploads(), [], 'nothing was uploaded to the site');
                assert.deepEqual(plaintextLeaks(server, [...NEEDLES, SUBJECT_PHI, 'A1c follow-up'], since), [], 'no plaintext PHI (body or subject) in any send, upload or autosave');
                assert.equal(server.autosaves().filter((d) => d.at >= since).some((d) => d.body.includes('Maria')), false);
                // The site autosaved the switched draft (placeholder subject, empty body); it saves only on change, so maybe before `since`.
                assert.ok(server.autosaves().some((d) => d.subject === PLACEHOLDER && !d.body.trim()), "the site's autosave saw the placeholder subject and an empty body");
                for (const d of server.autosaves().filter((x) => x.at >= since)) assert.equal(d.subject, PLACEHOLDER, 'autosaves after the switch carry only the placeholder subject');
                await waitUntil(() => c.isOpen(), (o) => !o, { what: 'the compose window to close after the send' });
                assert.equal(await page.locator(SECURE_FRAME).count(), 0, 'the secure editor is gone');

                // The recipients can read it: encrypted to both, GnuPG recovers everything.
                const to = agent.encryptedTo(m.body);
                for (const r of RECIPIENTS) assert.ok(to.includes(agent.subkeyOf(r)), `encrypted to ${r} (${agent.subkeyOf(r)}; PKESKs: ${to.join(' ')})`);
                const { raw, status } = agent.decrypt(m.body);
                assert.match(status, /DECRYPTION_OKAY/);
                const inner = agent.parseMime(raw);
                assert.equal(inner.headers.subject, SUBJECT_PHI, 'the real subject travels inside');
                assert.match(inner.headers.to || '', /dr\.ames@clinic\.test/);
                assert.match(inner.headers.cc || '', /nurse\.bell@clinic\.test/);
                assert.match(inner.headers.from || '', /me@clinic\.test/);
                assert.equal(norm(inner.text.join('\n')), BEFORE + AFTER, 'the body text');
                const att = Object.fromEntries(inner.attachments.map((a) => [a.name, a]));
                assert.deepEqual(Object.keys(att).sort(), ['lab-results.txt', 'scan-0448.bin'], 'both attachments inside');
                assert.equal(att['lab-results.txt'].sha256, sha256(files.lab), 'lab-results.txt byte for byte');
                assert.equal(att['scan-0448.bin'].sha256, sha256(files.scan), 'scan-0448.bin byte for byte');

                // The agent recorded the send (no text, subject or local parts).
                const rec = await waitUntil(() => agent.auditRecords().filter((r) => r.action === 'sent-encrypted'), (l) => l.length >= 1, { what: 'a sent-encrypted audit record' });
                const last = rec[rec.length - 1];
                assert.equal(last.verdict, 'phi');
                assert.deepEqual([...last.recipient_domains].sort(), ['clinic.test']);
            }));

        test(`${siteName}: a secure message whose window the site closes unsent is offered in a new window and restored there (text and subject), once; nothing reaches the site`, () =>
            withLogs(async () => {
                const page = await open(siteName, '?autosave=250');
                const c = await composeWith(page, siteName, { to: RECIPIENTS });
                await c.typeSubject(SUBJECT_PHI);
                await turnOn(c);
                await waitSecureSubject(page, SUBJECT_PHI);
                const since = await pageNow(page);
                await typeSecure(page, BEFORE + AFTER);
                await c.waitFor({ verdict: 'phi', secure: 'on' });
                // The site closes the window: Gmail's "Save & close", Outlook's "Discard".
                await c.root.locator(siteName === 'gmail' ? '[aria-label="Save & close"]' : '[aria-label="Discard"]').first().click();
                await waitUntil(() => page.locator(SECURE_FRAME).count(), (n) => n === 0, { what: 'the window and its secure editor to go' });

                const c2 = await composeWith(page, siteName, { to: RECIPIENTS });
                await c2.waitFor({ restore: 'offered' });
                await saveArtifact(c2.root, `${siteName}-restore-offer.png`);
                await c2.indicator.locator('[data-action="restore"]').click();
                await c2.waitFor({ secure: 'on', verdict: 'phi' });
                await waitSecureText(page, BEFORE + AFTER, 'the restored text in the secure editor');
                await waitSecureSubject(page, SUBJECT_PHI, 'the restored subject in the secure editor');
                assert.equal(await c2.subject.inputValue(), PLACEHOLDER, "the site's field shows only the placeholder");
                assert.equal(await c2.indicator.getAttribute('data-restore'), null, 'the offer is gone');

                // Taken out when restored: another new window is not offered it.
                const c3 = await composeWith(page, siteName, { to: RECIPIENTS });
                await c3.settled();
                await new Promise((r) => setTimeout(r, 500));
                assert.equal(await c3.indicator.getAttribute('data-restore'), null, 'restored once only');
                await assertNothingSent(page, server, 'closed and restored');
                assert.deepEqual(plaintextLeaks(server, NEEDLES.concat(['A1c follow-up']), since), [], 'no plaintext reached the site');
            }));

        test(`${siteName}: leaving the page with an unsent secure message asks first; left anyway, the next visit offers it back`, () =>
            withLogs(async () => {
                const page = await open(siteName);
                const c = await composeWith(page, siteName, { to: RECIPIENTS });
                await c.typeSubject(SUBJECT_PHI);
                await turnOn(c);
                await waitSecureSubject(page, SUBJECT_PHI);
                await typeSecure(page, BEFORE + AFTER);
                await c.waitFor({ verdict: 'phi', secure: 'on' });
                const asked = new Promise((resolve) => {
                    const timer = setTimeout(() => resolve('no dialog within 5 s'), 5000);
                    page.once('dialog', async (d) => {
                        clearTimeout(timer);
                        resolve(d.type());
                        await d.accept();
                    });
                });
                await page.close({ runBeforeUnload: true });
                assert.equal(await asked, 'beforeunload', 'leaving asks first');
                await waitUntil(() => page.isClosed(), (closed) => closed, { what: 'the page to close once the user leaves' });

                const page2 = await open(siteName);
                const c2 = await composeWith(page2, siteName, { to: RECIPIENTS });
                await c2.waitFor({ restore: 'offered' });
                await c2.indicator.locator('[data-action="restore"]').click();
                await waitSecureText(page2, BEFORE + AFTER, 'the restored text');
                await waitSecureSubject(page2, SUBJECT_PHI, 'the restored subject');
                assert.deepEqual(plaintextLeaks(server, NEEDLES.concat(['A1c follow-up'])), [], 'no plaintext reached the site');
            }));

        test(`${siteName}: switching off with an attachment in the secure editor asks first; "keep" keeps text and file, "turn off" removes the file and returns the text`, () =>
            withLogs(async () => {
                const { page, c } = await secureWindow(siteName);
                await secureFrame(page).locator('input[type=file][data-sealpost-file]').setInputFiles(files.lab);
                await waitSecureAttachments(page, [path.basename(files.lab)]);
                await c.toggle.click();
                const g = await gateOf(page, 'secure-off');
                assert.match(await textOf(g), /the attachment added to the secure message/, 'the dialog says what switching off removes');
                await g.locator('[data-action="edit"]').click();
                await c.waitFor({ 'aria-checked': 'true', secure: 'on' });
                assert.deepEqual((await secureAttachments(page)).map((a) => a.name), [path.basename(files.lab)], 'kept: the attachment');
                assert.equal(await secureText(page), BEFORE + AFTER, 'kept: the text');
                assert.equal((await c.bodyText()).trim(), '', "kept: the site's body stays empty");

                await c.toggle.click();
                await (await gateOf(page, 'secure-off')).locator('[data-action="secure-off"]').click();
                await c.waitFor({ 'aria-checked': 'false', secure: 'off' });
                await waitUntil(() => page.locator(SECURE_FRAME).count(), (n) => n === 0, { what: 'the secure editor to close' });
                await waitUntil(() => c.bodyText(), (t) => t.trim() === BEFORE + AFTER, { what: "the text back in the site's body" });
                await assertNothingSent(page, server, 'switched off');
            }));

        test(`${siteName}: switching secure-send off puts the real (edited) subject and the text back into the site`, () =>
            withLogs(async () => {
                const page = await open(siteName);
                const c = await composeWith(page, siteName, { to: RECIPIENTS });
                await c.typeSubject(SUBJECT_PHI);
                await c.typeBody(BEFORE);
                await c.waitFor({ verdict: 'phi', 'subject-verdict': 'phi' });
                await turnOn(c);
                await waitSecureSubject(page, SUBJECT_PHI);
                assert.equal(await c.subject.inputValue(), PLACEHOLDER);
                await secureSubject(page).click();
                await page.keyboard.press('End');
                await page.keyboard.type(' today');
                await waitSecureSubject(page, `${SUBJECT_PHI} today`);
                await turnOff(c);
                await waitUntil(() => c.subject.inputValue(), (v) => v === `${SUBJECT_PHI} today`, { what: "the real subject back in the site's field" });
                await waitUntil(() => c.bodyText(), (t) => t.trim() === BEFORE, { what: "the text back in the site's body" });
                // Back in the site, the subject rule applies again: the warning shows under the site's field.
                await c.waitFor({ 'subject-verdict': 'phi', secure: 'off' });
                await c.subjectWarning.first().waitFor({ state: 'visible' });

                // An inline reply (no visible subject field): the frame hides its subject field; the site's is untouched.
                const replyPage = await open(siteName);
                const r = await newReply(replyPage, SITES[siteName]).then((x) => x.attached());
                const before = siteName === 'gmail' ? await r.subject.inputValue() : null;
                await r.toggle.click();
                await r.waitFor({ 'aria-checked': 'true' });
                const inReply = r.root.frameLocator(SECURE_FRAME);
                await inReply.locator('[data-sealpost-editor]').waitFor({ state: 'visible' });
                assert.equal(await r.root.locator(SECURE_FRAME).count(), 1, 'a secure editor in the reply');
                assert.equal(await inReply.locator('input[data-sealpost-subject]').isVisible(), false, "the reply's secure editor hides its subject field");
                if (before !== null) assert.equal(await r.subject.inputValue(), before, "the reply's hidden subject is left as it is");
            }));

        test(`${siteName}: a recipient without a key → data-keys="missing", a missing-keys dialog naming them, nothing sent`, () =>
            withLogs(async () => {
                const { page, c } = await secureWindow(siteName, [RECIPIENTS[0], KEYLESS]);
                await c.waitFor({ keys: 'missing', 'keys-found': '1', 'keys-total': '2' });
                assert.match(await textOf(c.indicator), new RegExp(`No key for ${KEYLESS.replace(/\./g, '\\.')}`), 'the indicator names the recipient without a key');
                await c.clickSend();
                const g = await gateOf(page, 'missing-keys');
                assert.match(await textOf(g), new RegExp(KEYLESS.replace(/\./g, '\\.')), 'the dialog lists the recipient without a key');
                await assertHeld(page, c, 'missing key');
            }));

        test(`${siteName}: an attachment over 25 MiB → a too-large notice, nothing attached, uploaded or sent`, () =>
            withLogs(async () => {
                const { page, c } = await secureWindow(siteName);
                await c.waitFor({ keys: 'all' });
                // Through the secure editor's own input, then through the site's.
                for (const input of [secureFrame(page).locator('input[type=file][data-sealpost-file]'), c.root.locator('input[type=file]').first()]) {
                    await input.setInputFiles(files.big);
                    const notice = secureFrame(page).locator('[data-sealpost-notice][data-kind="too-large"]');
                    await notice.waitFor({ state: 'visible' });
                    assert.match(await notice.innerText(), /25 M/, 'the notice gives the limit');
                    assert.deepEqual(await secureAttachments(page), [], 'not attached');
                }
                assert.deepEqual(await page.evaluate(() => window.uploadedFiles), [], 'the site never started an upload');
                await assertHeld(page, c, 'oversized attachment');
            }));
    }

    test('secure-send on by default (the user preference): a new window opens with the secure editor; nothing typed reaches the site, both sites', () =>
        withLogs(async () => {
            const ext = await browser.extensionPage('options.html');
            await ext.evaluate(() => chrome.storage.local.set({ prefs: { secureByDefault: true } }));
            try {
                for (const siteName of SITE_NAMES) {
                    const page = await open(siteName, '?autosave=250');
                    const since = await pageNow(page);
                    const c = await composeWith(page, siteName, { to: RECIPIENTS });
                    await c.waitFor({ 'aria-checked': 'true', secure: 'on' });
                    await page.locator(SECURE_FRAME).first().waitFor({ state: 'visible' });
                    await typeSecure(page, BEFORE + AFTER);
                    await c.waitFor({ verdict: 'phi', secure: 'on' });
                    assert.equal((await c.bodyText()).trim(), '', `${siteName}: the site's body stays empty`);
                    // Two autosave periods: whatever the site saved holds none of it.
                    await new Promise((r) => setTimeout(r, 600));
                    assert.deepEqual(plaintextLeaks(server, NEEDLES, since), [], `${siteName}: no plaintext reached the site`);
                }
            } finally {
                await ext.evaluate(() => chrome.storage.local.remove('prefs'));
                await ext.close();
            }
        }));

    test('agent down (the manifest names a launcher that exits) → unavailable, nothing sent, both sites', () =>
        withLogs(async () => {
            await switchHost(agent.downLauncher(), 'agent down');
            try {
                for (const siteName of SITE_NAMES) {
                    const page = await open(siteName);
                    const c = await composeWith(page, siteName, { to: RECIPIENTS, subject: SUBJECT });
                    await turnOn(c, {});
                    await typeSecure(page, BEFORE + AFTER);
                    await c.waitFor({ verdict: 'phi' });
                    await c.clickSend();
                    await gateOf(page, 'unavailable');
                    assert.ok(fs.existsSync(path.join(agent.dir, 'agent-down.log')), 'Chromium tried the (down) agent');
                    await assertHeld(page, c, `${siteName}, agent down`);
                    server.reset();
                }
            } finally {
                await switchHost(agent.launcher);
            }
        }));

    test('a host message that is not the protocol (answer to encrypt) → encrypt-failed with retry and edit, nothing sent, both sites', () =>
        withLogs(async () => {
            await switchHost(agent.fakeLauncher('encrypt-malformed'), 'malformed encrypt reply');
            try {
                for (const siteName of SITE_NAMES) {
                    const { page, c } = await secureWindow(siteName);
                    await c.waitFor({ keys: 'all' });
                    await c.clickSend();
                    const g = await gateOf(page, 'encrypt-failed');
                    const log = path.join(agent.dir, 'fake-agent-encrypt-malformed.jsonl');
                    const asked = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
                    assert.ok(asked.some((m) => m && m.type === 'encrypt'), `the stand-in was asked to encrypt: ${JSON.stringify(asked.map((m) => m && m.type))}`);
                    assert.equal(await g.locator('[data-action="retry"]').count(), 1, 'a retry button');
                    assert.equal(await g.locator('[data-action="edit"]').count(), 1, 'an edit button');
                    await assertHeld(page, c, `${siteName}, malformed host message`);
                    await g.locator('[data-action="edit"]').click();
                    await waitUntil(() => page.locator('[data-sealpost="gate"]:visible').count(), (n) => n === 0, { what: 'the dialog to close on Edit' });
                    assert.equal(await secureText(page), BEFORE + AFTER, 'Edit returns to the secure editor with the text');
                    server.reset();
                }
            } finally {
                await switchHost(agent.launcher);
            }
        }));

    test('the audit log has the sent-encrypted records, without message text or local parts, and its chain verifies', () => {
        const records = agent.auditRecords();
        const sent = records.filter((r) => r.action === 'sent-encrypted');
        assert.ok(sent.length >= SITE_NAMES.length, `a sent-encrypted record per site's send: ${JSON.stringify(records.map((r) => r.action))}`);
        const text = fs.readFileSync(agent.auditFile, 'utf8');
        for (const secret of [...NEEDLES, SUBJECT, SUBJECT_PHI, 'dr.ames', 'nurse.bell', 'lab-results']) assert.ok(!text.includes(secret), `the audit log does not contain ${JSON.stringify(secret)}`);
        const v = agent.verifyAudit();
        assert.equal(v.status, 0, `sealpost audit verify: ${v.output}`);
        assert.match(v.output, /OK/);
    });
});
