// Typing PHI into subject and body: the indicator goes clean -> phi with a
// findings count, the body gets CSS Custom Highlight ranges (the editor DOM is
// not touched), the subject gets its own warning, and hovering a highlighted
// finding shows a card that says what was found in words.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, withLogs } from '../lib/fixture.mjs';
import { SITES, SITE_NAMES, TEXT, newCompose, highlights, textPoint, card, waitUntil, textOf } from '../lib/compose.mjs';

const env = useBrowser();

for (const siteName of SITE_NAMES) {
    const site = SITES[siteName];
    describe(`${siteName}: highlights and indicator`, () => {
        test('indicator starts clean with secure-send off', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                const s = await c.waitFor({ verdict: 'clean', secure: 'off' });
                assert.equal(s['aria-checked'], 'false', 'the toggle is a switch, off');
                assert.ok(['0', undefined].includes(s.count), `no findings yet (data-count=${s.count})`);
                assert.ok(['default', 'managed', 'strictest-fallback'].includes(s.policy), `data-policy is one of the contract's values: ${s.policy}`);
                assert.equal(s.policy, 'default', 'no managed policy installed: the default policy applies');
            }));

        test('PHI typed into the body: verdict phi, findings counted, highlights registered, editor DOM untouched', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.waitFor({ verdict: 'clean' });
                await c.typeBody(TEXT.phiBody);
                const s = await c.waitFor({ verdict: 'phi' });
                const state = await c.settled(Number(s['scan-seq']) - 1);
                assert.equal(state.verdict, 'phi');
                assert.ok(Number(state.count) >= 3, `data-count counts the findings (name, DOB, MRN, condition): ${state.count}`);
                assert.ok(Number.isFinite(Number(state['scan-ms'])), `data-scan-ms is a number: ${state['scan-ms']}`);
                assert.ok(Number(state['highlighted-at']) > 0, `data-highlighted-at is set: ${state['highlighted-at']}`);

                const hl = await highlights(page);
                const phi = hl['sealpost-phi'] || [];
                const health = hl['sealpost-health'] || [];
                assert.ok(phi.length + health.length > 0, `CSS.highlights has sealpost entries: ${JSON.stringify(hl)}`);
                assert.ok(phi.some((t) => t.includes('00448291')), `the MRN is highlighted as an identifier: ${JSON.stringify(phi)}`);
                assert.ok(health.some((t) => /diabetes/i.test(t)), `the condition is highlighted as health context: ${JSON.stringify(health)}`);

                // The editor holds exactly what was typed: no marks or spans added.
                assert.equal((await c.bodyText()).trim(), TEXT.phiBody);
                const extra = await c.body.evaluate((el) => el.querySelectorAll('mark, span, [data-sealpost], [class*="sealpost"]').length);
                assert.equal(extra, 0, 'no elements inserted into the editor');
            }));

        test('multi-line body (Enter makes new blocks): ranges still cover exactly the findings', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.body.click();
                const lines = ['Patient: Maria Lopez', 'DOB 03/14/1962', 'MRN 00448291', 'Assessment: uncontrolled type 2 diabetes.'];
                for (const [i, line] of lines.entries()) {
                    if (i) await page.keyboard.press('Enter');
                    await page.keyboard.type(line);
                }
                await c.waitFor({ verdict: 'phi' });
                await c.settled();
                const hl = await highlights(page);
                const all = [...(hl['sealpost-phi'] || []), ...(hl['sealpost-health'] || [])];
                for (const want of ['00448291', '03/14/1962']) assert.ok(all.includes(want), `a range covers exactly ${want}: ${JSON.stringify(all)}`);
                assert.ok(all.every((t) => !t.includes('\n') || t.trim().length > 0), 'ranges are text');
            }));

        test('editing before a finding keeps its range on it; deleting everything clears verdict and highlights', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.typeBody(TEXT.phiBody);
                await c.waitFor({ verdict: 'phi' });
                const before = await c.settled();
                // Type at the very start of the body.
                await c.body.click();
                await page.keyboard.press('Control+Home');
                await page.keyboard.type('Note: ');
                const after = await c.settled(Number(before['scan-seq']));
                assert.equal(after.verdict, 'phi');
                const hl = await highlights(page);
                assert.ok((hl['sealpost-phi'] || []).includes('00448291'), `the MRN range moved with the text: ${JSON.stringify(hl)}`);
                const expected = ['Maria Lopez', '03/14/1962', '00448291', 'type 2 diabetes', 'uncontrolled type 2 diabetes'];
                for (const t of [...(hl['sealpost-phi'] || []), ...(hl['sealpost-health'] || [])]) {
                    assert.ok(expected.includes(t), `no stale or shifted range (${JSON.stringify(t)}): ${JSON.stringify(hl)}`);
                }
                // Select all in the editor and delete.
                await page.keyboard.press('Control+A');
                await page.keyboard.press('Delete');
                await c.waitFor({ verdict: 'clean' });
                const empty = await c.settled();
                assert.ok(['0', undefined].includes(empty.count), `no findings left: ${empty.count}`);
                const none = await highlights(page);
                assert.equal((none['sealpost-phi'] || []).length + (none['sealpost-health'] || []).length, 0, `highlights cleared: ${JSON.stringify(none)}`);
            }));

        test('PHI in the subject gets its own, visible warning', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.waitFor({ verdict: 'clean' });
                assert.equal(await c.subjectWarning.filter({ visible: true }).count(), 0, 'no subject warning while the subject is empty');
                await c.typeSubject(TEXT.phiSubject);
                await c.typeBody('Hi, see above.');
                const s = await c.waitFor({ 'subject-verdict': 'phi', verdict: 'phi' });
                const warning = page.locator(`[data-test-window="${c.id}"] [data-sealpost="subject-warning"]:visible`);
                await warning.first().waitFor({ state: 'visible' });
                const text = (await textOf(warning.first())).trim();
                assert.ok(text.length > 10, `the subject warning says something: ${JSON.stringify(text)}`);
                assert.match(text, /subject/i, 'the warning names the subject');
                assert.ok(!text.includes('00448291'), 'the warning does not repeat the identifier');
                assert.ok(Number(s.count) >= 2, `findings counted: ${s.count}`);
            }));

        test('a clean subject shows no subject warning', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.typeSubject(TEXT.cleanSubject);
                await c.typeBody(TEXT.cleanBody);
                const s = await c.settled();
                assert.equal(s.verdict, 'clean');
                assert.equal(s['subject-verdict'], 'clean');
                assert.equal(await page.locator(`[data-test-window="${c.id}"] [data-sealpost="subject-warning"]:visible`).count(), 0);
                const hl = await highlights(page);
                assert.equal((hl['sealpost-phi'] || []).length + (hl['sealpost-health'] || []).length, 0, `no highlights for clean text: ${JSON.stringify(hl)}`);
            }));

        test('hovering a highlighted finding shows a card in words', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.typeBody(TEXT.phiBody);
                await c.waitFor({ verdict: 'phi' });
                await c.settled();
                await page.mouse.move(5, 5);
                const at = await textPoint(c.body, '00448291');
                assert.ok(at, 'the MRN is in the editor');
                await page.mouse.move(at.x, at.y, { steps: 4 });
                const hover = card(page).first();
                await hover.waitFor({ state: 'visible' });
                const text = (await textOf(hover)).trim();
                assert.match(text, /medical record|record number|MRN/i, `the card names the category in words: ${JSON.stringify(text)}`);
                assert.ok(text.split(/\s+/).length >= 5, `the card explains why: ${JSON.stringify(text)}`);
                // Moving away hides it again.
                await page.mouse.move(5, 5, { steps: 2 });
                await waitUntil(() => card(page).count(), (n) => n === 0, { what: 'the hover card to close after the pointer left' });
            }));
    });
}
