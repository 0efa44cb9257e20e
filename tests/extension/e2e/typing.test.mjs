// Typing fast paths, checked for what they must never do: show highlights
// that do not match the text.
//
//  - Each printable key is scanned ahead, at keydown, as the text it will make
//    (content/scan-client.js, "Speculation"); the reply is used only if the
//    key lands as predicted, and the body's map is then shifted instead of
//    walked (content/compose-window.js, landed()). Typed in the middle of a
//    multi-line body, and with a site that swallows or rewrites keys, the
//    ranges must still cover exactly the findings.
//  - Only findings near the visible part of a long body are registered as
//    highlight ranges (content/highlights.js); scrolling brings the others.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, withLogs } from '../lib/fixture.mjs';
import { SITES, SITE_NAMES, newCompose, highlights, waitUntil } from '../lib/compose.mjs';
import { clinicalBody } from '../lib/corpus.mjs';

const env = useBrowser();

const LINES = ['Patient: Maria Lopez', 'DOB 03/14/1962', 'MRN 00448291', 'Assessment: uncontrolled type 2 diabetes.'];
const FINDINGS = ['Maria Lopez', '03/14/1962', '00448291', 'type 2 diabetes', 'uncontrolled type 2 diabetes'];

const ranges = (hl) => [...(hl['sealpost-phi'] || []), ...(hl['sealpost-health'] || [])];

async function typeLines(page, c) {
    await c.body.click();
    for (const [i, line] of LINES.entries()) {
        if (i) await page.keyboard.press('Enter');
        await page.keyboard.type(line);
    }
    await c.waitFor({ verdict: 'phi' });
    return c.settled();
}

/** Every registered range is one of `expected`, and each of `must` is registered. */
function assertExact(hl, expected, must, what) {
    const all = ranges(hl);
    for (const t of all) assert.ok(expected.includes(t), `${what}: no shifted or stale range (${JSON.stringify(t)}): ${JSON.stringify(all)}`);
    for (const t of must) assert.ok(all.includes(t), `${what}: a range covers exactly ${JSON.stringify(t)}: ${JSON.stringify(all)}`);
}

/** Puts the caret right after `needle`, inside its text node. */
function caretAfter(c, needle) {
    return c.body.evaluate((el, needle) => {
        const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = w.nextNode(); n; n = w.nextNode()) {
            const i = n.data.indexOf(needle);
            if (i < 0) continue;
            el.focus();
            getSelection().collapse(n, i + needle.length);
            return;
        }
        throw new Error(`no ${needle} in the body`);
    }, needle);
}

for (const siteName of SITE_NAMES) {
    const site = SITES[siteName];
    describe(`${siteName}: typing fast paths`, () => {
        test('typing in the first line of a multi-line body keeps the later lines exactly highlighted', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                const before = await typeLines(page, c);
                await page.keyboard.press('Control+Home');
                // Each key moves every later text node by one: their ranges
                // come from the shifted map, not a fresh walk of the editor.
                await page.keyboard.type('Re: ');
                await page.keyboard.press('End');
                await page.keyboard.type(' (seen today) ');
                const after = await c.settled(Number(before['scan-seq']));
                assert.equal(after.verdict, 'phi');
                assert.equal((await c.bodyText()).split('\n')[0], 'Re: Patient: Maria Lopez (seen today) ');
                assertExact(await highlights(page), FINDINGS, ['Maria Lopez', '03/14/1962', '00448291'], 'after typing in line 1');
            }));

        test('keys the site swallows or rewrites: the highlights follow the real text', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                const before = await typeLines(page, c);
                // The site's own key handling, after the extension's: `q` is
                // taken (no text), `z` becomes "ZZ" (as an autocorrect would).
                await c.body.evaluate((el) => {
                    el.addEventListener('keydown', (e) => {
                        if (e.key === 'q') e.preventDefault();
                        if (e.key === 'z') {
                            e.preventDefault();
                            document.execCommand('insertText', false, 'ZZ');
                        }
                    });
                });
                await page.keyboard.press('Control+Home');
                await page.keyboard.type('z zqq');
                // Last, a swallowed key that would have broken the date
                // ("03/14/1962q" is no date): nothing after it brings a rescan.
                await c.settled(Number(before['scan-seq']));
                await caretAfter(c, '03/14/1962');
                await page.keyboard.type('q');
                const after = await c.settled(Number(before['scan-seq']));
                assert.equal((await c.bodyText()).split('\n')[0], 'ZZ ZZPatient: Maria Lopez');
                assert.equal(after.verdict, 'phi');
                assertExact(await highlights(page), FINDINGS, ['Maria Lopez', '03/14/1962', '00448291'], 'after swallowed and rewritten keys');
            }));

        test('a long body registers only the findings near the view; scrolling brings the others', () =>
            withLogs(env, async () => {
                const page = await env.open(siteName);
                const c = await (await newCompose(page, site)).attached();
                await c.subject.fill('Follow-up');
                await c.insertBody(clinicalBody(20 * 1024));
                await c.waitFor({ verdict: 'phi' }, 30000);
                const s = await c.settled(-1, 400);
                const total = Number(s.count);
                // The caret is at the end, so the view is at the bottom.
                const atEnd = ranges(await highlights(page));
                assert.ok(atEnd.length > 0, 'findings in view are highlighted');
                assert.ok(atEnd.length < total / 2, `only findings near the view are registered: ${atEnd.length} of ${total}`);
                const first = await c.body.evaluate((el) => el.innerText.split('\n')[0]);
                const shownAtEnd = atEnd.filter((t) => first.includes(t));
                assert.deepEqual(shownAtEnd, [], `the first line is far from the view: ${JSON.stringify(shownAtEnd)}`);

                await c.body.evaluate((el) => {
                    el.scrollTop = 0;
                    window.scrollTo(0, 0);
                });
                await waitUntil(
                    () => highlights(page),
                    (hl) => ranges(hl).some((t) => first.includes(t)),
                    { what: `a finding of the first line (${JSON.stringify(first)}) highlighted after scrolling up` },
                );
                const atTop = ranges(await highlights(page));
                assert.ok(atTop.length < total / 2, `still only those near the view: ${atTop.length} of ${total}`);
            }));
    });
}
