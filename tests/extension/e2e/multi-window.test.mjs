// Several compose windows at once (two new messages and an inline reply):
// each has its own indicator, verdict and secure-send switch; toggling one
// leaves the others alone; each window's Send is gated by its own state.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, withLogs } from '../lib/fixture.mjs';
import { SITES, SITE_NAMES, TEXT, newCompose, newReply, gate, tip, waitSent, waitUntil } from '../lib/compose.mjs';

const env = useBrowser();

for (const siteName of SITE_NAMES) {
    const site = SITES[siteName];
    describe(`${siteName}: several compose windows`, () => {
        test('per-window verdicts, per-window secure-send, per-window gate', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const a = await (await newCompose(page, site)).attached();
                const b = await (await newCompose(page, site)).attached();
                const r = await (await newReply(page, site)).attached();
                assert.equal(await page.locator('[data-sealpost="indicator"]').count(), 3, 'one indicator per compose window');

                await a.typeSubject(TEXT.cleanSubject);
                await a.typeBody(TEXT.phiBody);
                await b.typeSubject(TEXT.cleanSubject);
                await b.typeBody(TEXT.cleanBody);
                await r.typeBody(TEXT.possibleBody);
                await a.waitFor({ verdict: 'phi' });
                await b.waitFor({ verdict: 'clean' });
                await r.waitFor({ verdict: 'possible' });
                const [sa, sb, sr] = [await a.settled(), await b.settled(), await r.settled()];
                assert.equal(sa.verdict, 'phi');
                assert.equal(sb.verdict, 'clean');
                assert.equal(sr.verdict, 'possible');
                assert.ok(Number(sa.count) > Number(sb.count || 0), `counts differ per window: ${sa.count} vs ${sb.count}`);

                // Secure-send in window A only.
                await a.toggle.click();
                await a.waitFor({ 'aria-checked': 'true' });
                await new Promise((res) => setTimeout(res, 300));
                for (const other of [b, r]) {
                    const s = await other.state();
                    assert.equal(s['aria-checked'], 'false', `window ${other.id} keeps secure-send off`);
                    assert.equal(s.secure, 'off', `window ${other.id} data-secure stays off`);
                }

                // B is clean: it sends straight away, and only B.
                await b.clickSend();
                const [m] = await waitSent(env.server, 1, 3000);
                assert.equal(m.window, b.id);
                assert.equal(m.body.trim(), TEXT.cleanBody);

                // A (PHI, secure-send on, no agent): unavailable dialog.
                await a.clickSend();
                const g = gate(page).first();
                await g.waitFor({ state: 'visible' });
                assert.equal(await g.getAttribute('data-kind'), 'unavailable');
                await g.locator('[data-action="edit"]').click();
                await waitUntil(() => gate(page).count(), (n) => n === 0, { what: 'the gate to close' });

                // The reply (possible PHI, secure-send off): the tip.
                await r.clickSend();
                const t = tip(page).first();
                await t.waitFor({ state: 'visible' });
                await t.locator('[data-action="send"]').click();
                const sent = await waitSent(env.server, 2, 3000);
                assert.equal(sent[1].window, r.id);
                assert.equal(sent[1].body.trim(), TEXT.possibleBody);
                await new Promise((res) => setTimeout(res, 400));
                assert.deepEqual(
                    env.server.sent().map((x) => x.window),
                    [b.id, r.id],
                    'the PHI window sent nothing',
                );
                assert.equal((await a.state())['aria-checked'], 'true', 'window A still has secure-send on');
            }));
    });
}
