// The send gate under the default policy (phi -> encrypt, possible -> warn,
// clean -> allow, encrypt_unavailable -> block, overrides allowed with a
// justification), for Send clicks (Gmail: mousedown+mouseup on a div;
// Outlook: click on a button) and Ctrl+Enter. The test server's record of
// /api/send and the page's own window.sentMessages are both checked.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, withLogs } from '../lib/fixture.mjs';
import { SITES, SITE_NAMES, TEXT, newCompose, gate, tip, assertNothingSent, waitSent, waitUntil, textOf } from '../lib/compose.mjs';

const env = useBrowser();

async function phiWindow(siteName) {
    const page = await env.open(siteName);
    const c = await (await newCompose(page, SITES[siteName])).attached();
    await c.typeSubject(TEXT.cleanSubject);
    await c.typeBody(TEXT.phiBody);
    await c.waitFor({ verdict: 'phi', secure: 'off' });
    await c.settled();
    return { page, c };
}

async function gateOf(page, kind) {
    const g = gate(page).first();
    await g.waitFor({ state: 'visible' }).catch((e) => {
        throw new Error(`no visible [data-sealpost="gate"] after the send (expected data-kind=${kind}): ${e.message.split('\n')[0]}`);
    });
    assert.equal(await g.getAttribute('data-kind'), kind, 'gate data-kind');
    return g;
}

const closed = (page, what) => waitUntil(() => page.locator(`[data-sealpost="${what}"]:visible`).count(), (n) => n === 0, { what: `the ${what} to close` });

for (const siteName of SITE_NAMES) {
    describe(`${siteName}: send gate`, () => {
        test('PHI with secure-send off: the encrypt dialog stops the send; Edit goes back', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                await c.clickSend();
                const g = await gateOf(page, 'encrypt');
                assert.equal(await g.locator('[data-action="secure"]').count(), 1, 'offers to turn on secure-send');
                assert.equal(await g.locator('[data-action="edit"]').count(), 1, 'offers to go back to editing');
                assert.equal(await g.locator('[data-action="override"]').count(), 1, 'the default policy allows an override');
                const words = (await textOf(g)).trim();
                assert.ok(words.length > 20, `the dialog explains itself: ${JSON.stringify(words)}`);
                await assertNothingSent(page, env.server, 'encrypt gate shown');
                await g.locator('[data-action="edit"]').click();
                await closed(page, 'gate');
                assert.ok(await c.isOpen(), 'the compose window is still open');
                assert.equal((await c.bodyText()).trim(), TEXT.phiBody, 'the draft is unchanged');
                await assertNothingSent(page, env.server, 'after Edit');
            }));

        test('PHI: "turn on secure-send" in the dialog switches this window on, and nothing leaves', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                await c.clickSend();
                const g = await gateOf(page, 'encrypt');
                await g.locator('[data-action="secure"]').click();
                // No agent on this machine: secure-send is on but unavailable.
                const s = await c.waitFor({ 'aria-checked': 'true' });
                assert.ok(['on', 'unavailable'].includes(s.secure), `data-secure after turning on: ${s.secure}`);
                assert.equal(s.secure, 'unavailable', 'no agent answers here, so secure-send is unavailable');
                await assertNothingSent(page, env.server, 'after turning on secure-send without an agent');
            }));

        test('PHI with secure-send on but no agent: the unavailable dialog (policy: block)', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                await c.toggle.click();
                await c.waitFor({ 'aria-checked': 'true', secure: 'unavailable' });
                await c.clickSend();
                const g = await gateOf(page, 'unavailable');
                assert.equal(await g.locator('[data-action="edit"]').count(), 1, 'offers to go back to editing');
                await assertNothingSent(page, env.server, 'unavailable gate shown');
                await g.locator('[data-action="edit"]').click();
                await closed(page, 'gate');
            }));

        test('override with a justification sends the message unchanged', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                await c.clickSend();
                const g = await gateOf(page, 'encrypt');
                await g.locator('[data-action="override"]').click();
                const why = g.locator('select[data-field="justification"]');
                await why.waitFor({ state: 'visible' });
                const values = await why.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
                assert.ok(values.includes('patient-requested'), `the policy's justifications are offered: ${JSON.stringify(values)}`);
                // The policy requires a justification: no send without one.
                const anyway = g.locator('[data-action="send-anyway"]');
                if (!(await anyway.isDisabled())) {
                    await anyway.click();
                    await assertNothingSent(page, env.server, 'send-anyway without a justification');
                }
                await why.selectOption('patient-requested');
                await g.locator('[data-action="send-anyway"]').click();
                const [m] = await waitSent(env.server, 1);
                assert.equal(m.subject, TEXT.cleanSubject);
                assert.equal(m.body.trim(), TEXT.phiBody);
                await closed(page, 'gate');
                await new Promise((r) => setTimeout(r, 500));
                assert.equal(env.server.sent().length, 1, 'sent exactly once');

                // The override is recorded (metadata only, for the audit log), without message text.
                const ext = await env.browser.extensionPage('options.html');
                try {
                    const records = await waitUntil(
                        () => ext.evaluate(async () => (await chrome.storage.local.get('overrides')).overrides || []),
                        (l) => l.some((r) => r.site === siteName),
                        { what: `an override record for ${siteName} in chrome.storage.local` },
                    );
                    const rec = records.filter((r) => r.site === siteName).at(-1);
                    assert.equal(rec.justification, 'patient-requested');
                    assert.equal(rec.gate, 'encrypt');
                    const raw = JSON.stringify(records);
                    for (const secret of ['Maria', 'Lopez', '00448291', '1962', 'diabetes', 'offsite']) assert.ok(!raw.includes(secret), `override records hold no message text (${secret})`);
                } finally {
                    await ext.close();
                }
            }));

        test('Send right after typing PHI (before any scan settles) is still gated', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, SITES[siteName])).attached();
                await c.typeSubject(TEXT.cleanSubject);
                await c.insertBody(TEXT.phiBody);
                await c.clickSend();
                await gateOf(page, 'encrypt');
                await assertNothingSent(page, env.server, 'send straight after pasting PHI');
            }));

        test('keyboard activation of the focused Send control (Enter, Space) is gated', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                for (const key of ['Enter', 'Space']) {
                    await c.send.focus();
                    await page.keyboard.press(key);
                    const g = await gateOf(page, 'encrypt');
                    await assertNothingSent(page, env.server, `${key} on the focused Send control with PHI`);
                    await g.locator('[data-action="edit"]').click();
                    await closed(page, 'gate');
                }
            }));

        test('Cmd+Enter (Meta+Enter) is gated too', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                await c.body.focus();
                await page.keyboard.press('Meta+Enter');
                await gateOf(page, 'encrypt');
                await assertNothingSent(page, env.server, 'Meta+Enter with PHI');
            }));

        test('possible PHI: the warn tip holds the send; dismiss, then send as is', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, SITES[siteName])).attached();
                await c.typeSubject(TEXT.cleanSubject);
                await c.typeBody(TEXT.possibleBody);
                await c.waitFor({ verdict: 'possible' });
                await c.settled();
                await c.clickSend();
                const t = tip(page).first();
                await t.waitFor({ state: 'visible' });
                assert.equal(await gate(page).count(), 0, 'warn shows a tip, not the gate dialog');
                await assertNothingSent(page, env.server, 'warn tip shown');
                await t.locator('[data-action="dismiss"]').click();
                await closed(page, 'tip');
                await assertNothingSent(page, env.server, 'tip dismissed');
                await c.clickSend();
                await tip(page).first().waitFor({ state: 'visible' });
                await tip(page).first().locator('[data-action="send"]').click();
                const [m] = await waitSent(env.server, 1);
                assert.equal(m.body.trim(), TEXT.possibleBody);
                assert.equal(m.subject, TEXT.cleanSubject);
            }));

        test('clean text is sent straight away, untouched, with nothing shown', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, SITES[siteName])).attached();
                await c.typeSubject(TEXT.cleanSubject);
                await c.typeBody(TEXT.cleanBody);
                await c.settled();
                await c.waitFor({ verdict: 'clean' });
                await c.clickSend();
                const [m] = await waitSent(env.server, 1, 3000);
                assert.equal(m.subject, TEXT.cleanSubject);
                assert.equal(m.body.trim(), TEXT.cleanBody);
                assert.equal(await gate(page).count(), 0, 'no gate');
                assert.equal(await tip(page).count(), 0, 'no tip');
                await new Promise((r) => setTimeout(r, 400));
                assert.equal(env.server.sent().length, 1, 'sent exactly once (no replayed duplicate)');
            }));

        test('Ctrl+Enter is gated like a click; clean text sends with Ctrl+Enter', () =>
            withLogs(env, async () => {
                const { page, c } = await phiWindow(siteName);
                await c.ctrlEnter();
                const g = await gateOf(page, 'encrypt');
                await assertNothingSent(page, env.server, 'Ctrl+Enter with PHI');
                await g.locator('[data-action="edit"]').click();
                await closed(page, 'gate');

                const clean = await (await newCompose(page, SITES[siteName])).attached();
                await clean.typeSubject(TEXT.cleanSubject);
                await clean.typeBody(TEXT.cleanBody);
                await clean.settled();
                await clean.ctrlEnter();
                const [m] = await waitSent(env.server, 1, 3000);
                assert.equal(m.body.trim(), TEXT.cleanBody);
                assert.equal(m.window, clean.id, 'the clean window sent, not the PHI one');
            }));
    });
}
