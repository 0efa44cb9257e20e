// Screenshots for people to look at (the issue asks that they look like a
// product, not a debug overlay), saved to target/extension-artifacts/:
// per site, the indicator, a highlighted finding with its hover card, the
// subject warning, the send-gate dialog and the warn tip.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, withLogs } from '../lib/fixture.mjs';
import { saveArtifact } from '../lib/browser.mjs';
import { SITES, SITE_NAMES, TEXT, newCompose, newReply, gate, tip, card, textPoint } from '../lib/compose.mjs';

const env = useBrowser();

for (const siteName of SITE_NAMES) {
    const site = SITES[siteName];
    describe(`${siteName}: screenshots`, () => {
        test('indicator, hover card, subject warning, send gate', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                await newReply(page, site);
                const c = await (await newCompose(page, site)).attached();
                await c.typeSubject(TEXT.cleanSubject);
                await c.typeBody(TEXT.phiBody);
                await c.waitFor({ verdict: 'phi' });
                await c.settled();
                await page.mouse.move(5, 5);
                await saveArtifact(c.root, `${siteName}-indicator.png`);

                await c.subject.fill('');
                await c.typeSubject(TEXT.phiSubject);
                await c.waitFor({ 'subject-verdict': 'phi' });
                await c.settled();
                await page.mouse.move(5, 5);
                await saveArtifact(c.root, `${siteName}-subject-warning.png`);

                const at = await textPoint(c.body, '00448291');
                await page.mouse.move(at.x, at.y, { steps: 4 });
                await card(page).first().waitFor({ state: 'visible' });
                await saveArtifact(page, `${siteName}-hover-card.png`);
                await page.mouse.move(5, 5, { steps: 2 });

                await c.clickSend();
                await gate(page).first().waitFor({ state: 'visible' });
                await saveArtifact(page, `${siteName}-send-gate.png`);
                const override = gate(page).first().locator('[data-action="override"]');
                if (await override.count()) {
                    await override.click();
                    await gate(page).first().locator('select[data-field="justification"]').waitFor({ state: 'visible' });
                    await saveArtifact(page, `${siteName}-send-gate-override.png`);
                }
                await gate(page).first().locator('[data-action="edit"]').click();
                assert.deepEqual(env.server.sent(), []);
            }));

        test('warn tip and secure-send on (agent unavailable)', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.typeSubject(TEXT.cleanSubject);
                await c.typeBody(TEXT.possibleBody);
                await c.waitFor({ verdict: 'possible' });
                await c.settled();
                await c.clickSend();
                await tip(page).first().waitFor({ state: 'visible' });
                await saveArtifact(page, `${siteName}-warn-tip.png`);
                await tip(page).first().locator('[data-action="dismiss"]').click();

                await c.toggle.click();
                await c.waitFor({ 'aria-checked': 'true' });
                await page.mouse.move(5, 5);
                await saveArtifact(c.root, `${siteName}-indicator-secure-unavailable.png`);
                assert.deepEqual(env.server.sent(), []);
            }));
    });
}
