// Reading encrypted mail, with the real agent (lib/agent-host.mjs) and GnuPG
// as the independent sender: a clinician at another practice (GnuPG, the
// recipients' keys) encrypts and signs a MIME message with protected headers
// to the user's own key; the armored text shows in the Gmail-like and
// Outlook-like reading views. The extension puts a "Decrypt with Sealpost"
// bar above it; clicking it shows the message in an extension-origin frame:
// the real subject, sender, signature, body and attachment, none of it
// readable by the page. A message not for the user's key, and the agent
// down, end in clear messages in the frame.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { withBrowser, extensionId, saveArtifact, TEST_EXT } from '../lib/browser.mjs';
import { SITE_NAMES, openSite, waitUntil } from '../lib/compose.mjs';
import { createAgent, registerHost } from '../lib/agent-host.mjs';
import { agentSuite, agentSkip } from '../lib/agent-suite.mjs';

const SUBJECT = 'Lab results for Maria Lopez, DOB 03/14/1962';
const BODY = 'Maria Lopez (MRN 00448291): HbA1c 9.1%, up from 8.2%. Please call her about metformin.';
const ATTACHMENT = 'Potassium 4.1 mmol/L\nCreatinine 1.3 mg/dL\n';
// Where each page shows a message body (the test pages' reading views).
const READING = { gmail: 'div.a3s', outlook: 'div.message[aria-label="Message body"] .text' };

/** The inner message: protected headers (RFC 9788 style) and an attachment. */
function innerMime(to) {
    return [
        'Content-Type: multipart/mixed; boundary="sealpost-reader-b1"; protected-headers="v1"',
        'MIME-Version: 1.0',
        `Subject: ${SUBJECT}`,
        'From: Dr. Ames <dr.ames@clinic.test>',
        `To: ${to}`,
        'Date: Tue, 24 Nov 2026 09:30:00 +0000',
        '',
        '--sealpost-reader-b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        BODY,
        '--sealpost-reader-b1',
        'Content-Type: text/plain; name="labs.txt"',
        'Content-Disposition: attachment; filename="labs.txt"',
        '',
        ATTACHMENT,
        '--sealpost-reader-b1--',
        '',
    ].join('\r\n');
}

/** GnuPG encrypts (and signs as dr.ames) to `recipients`. */
function encrypt(agent, recipients) {
    const args = ['--batch', '--armor', '--trust-model', 'always', '--local-user', 'dr.ames@clinic.test', '--sign', '--encrypt'];
    for (const r of recipients) args.push('--recipient', r);
    return execFileSync('gpg', args, { env: agent.env, input: innerMime(recipients.join(', ')), timeout: 30000 }).toString();
}

/** Shows `armored` as the page's message body, the way the site renders a text/plain message. */
async function showMessage(page, siteName, armored) {
    await page.evaluate(
        ([sel, text]) => {
            document.querySelector(sel).innerText = text;
        },
        [READING[siteName], armored],
    );
}

async function openReader(page) {
    const bar = page.locator('[data-sealpost="reader-bar"]');
    await bar.waitFor({ state: 'visible' });
    await bar.locator('[data-action="decrypt"]').click();
    const frame = page.frameLocator('iframe[data-sealpost="reader"]');
    const main = frame.locator('[data-sealpost-reader]');
    await waitUntil(() => main.getAttribute('data-state'), (s) => s === 'open' || s === 'error', { what: 'the reader frame to open' });
    return { frame, main };
}

const env = agentSuite();
const skip = agentSkip();

describe('reading an encrypted message', { skip }, () => {
    test('decrypts into an extension frame the page cannot read; not-for-me and agent-down are explained', async () => {
        const extId = extensionId(TEST_EXT);
        const agent = (env.agent = await createAgent({ extId }));
        const forMe = encrypt(agent, [agent.own]);
        const notForMe = encrypt(agent, ['nurse.bell@clinic.test']);
        await withBrowser({}, async (browser) => {
            for (const siteName of SITE_NAMES) {
                registerHost(agent.launcher, extId, 'reader');
                const { page } = await openSite(browser, env.server, siteName);
                await showMessage(page, siteName, forMe);
                const { frame, main } = await openReader(page);
                assert.equal(await main.getAttribute('data-state'), 'open', `${siteName}: ${await frame.locator('[data-sealpost-reader-status]').textContent()}`);
                assert.equal(await frame.locator('[data-field="subject"]').textContent(), SUBJECT, `${siteName}: the protected subject`);
                assert.match(await frame.locator('[data-field="from"]').textContent(), /dr\.ames@clinic\.test/);
                assert.match(await frame.locator('[data-field="signed"]').textContent(), /^Signed by /, `${siteName}: GnuPG's signature is reported`);
                assert.equal((await frame.locator('[data-field="body"]').textContent()).trim(), BODY);
                const att = frame.locator('[data-sealpost-reader-attachment]');
                assert.equal(await att.count(), 1);
                assert.equal(await att.getAttribute('data-name'), 'labs.txt');
                assert.equal(Number(await att.getAttribute('data-size')), Buffer.byteLength(ATTACHMENT));
                assert.equal(await main.getAttribute('data-header-protection'), 'true');
                await saveArtifact(page.locator('[data-sealpost="reader-bar"]').locator('xpath=..'), `reader-${siteName}.png`);
                // The page (main world) sees neither the text nor into the frame.
                const seen = await page.evaluate(() => {
                    const f = document.querySelector('iframe[data-sealpost="reader"]');
                    let inside = null;
                    try {
                        inside = f.contentDocument ? f.contentDocument.body.innerText : null;
                    } catch {
                        inside = null;
                    }
                    return { page: document.body.innerText, inside, src: f.getAttribute('src') };
                });
                assert.equal(seen.inside, null, `${siteName}: the page cannot read the reader frame`);
                assert.ok(!seen.page.includes('HbA1c') && !seen.page.includes(SUBJECT), `${siteName}: no plaintext in the page`);
                assert.match(seen.src, /^chrome-extension:\/\/[a-p]{32}\/secure\/reader\.html#/);
                // Hide, then a second message for somebody else.
                await page.locator('[data-sealpost="reader-bar"] [data-action="decrypt"]').click();
                assert.equal(await page.locator('iframe[data-sealpost="reader"]').count(), 0, 'Hide removes the frame');
                await page.evaluate(() => document.querySelector('[data-sealpost="reader-bar"]').setAttribute('data-test-old', ''));
                await showMessage(page, siteName, notForMe);
                await waitUntil(
                    () => page.evaluate(() => [...document.querySelectorAll('[data-sealpost="reader-bar"]')].map((b) => b.hasAttribute('data-test-old'))),
                    (bars) => bars.length === 1 && !bars[0],
                    { what: 'the old bar replaced by one for the new message' },
                );
                const other = await openReader(page);
                assert.equal(await other.main.getAttribute('data-code'), 'not_for_me');
                assert.match(await other.frame.locator('[data-sealpost-reader-status]').textContent(), /not encrypted for your key/);
                await page.close();
            }
        });
        // The agent down: the host exits before answering. A fresh browser, so
        // no port to the real agent from the cases above is still open.
        registerHost(agent.downLauncher(), extId, 'reader, agent down');
        await withBrowser({}, async (browser) => {
            const { page } = await openSite(browser, env.server, 'gmail');
            await showMessage(page, 'gmail', forMe);
            const down = await openReader(page);
            assert.equal(await down.main.getAttribute('data-code'), 'unavailable');
            assert.match(await down.frame.locator('[data-sealpost-reader-status]').textContent(), /agent is not running or not installed/);
        });
    });
});
