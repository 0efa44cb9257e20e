// A managed policy delivered the way IT does it: a real Chromium policy file
// (/etc/chromium/policies/managed/sealpost-test.json, "3rdparty" section for
// the extension's id) read by Chromium at start and handed to the extension
// through chrome.storage.managed. Chromium is restarted for each policy; the
// file is always removed afterwards.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer } from '../server.mjs';
import { withBrowser, withManagedPolicy, extensionId, removeStalePolicy, POLICY_FILE, TEST_EXT } from '../lib/browser.mjs';
import { SITES, SITE_NAMES, TEXT, openSite, newCompose, gate, tip, assertNothingSent, waitSent, waitUntil } from '../lib/compose.mjs';

let server;
before(async () => {
    removeStalePolicy();
    server = await startServer();
});
after(async () => {
    removeStalePolicy();
    await server?.close();
});

async function composeWith(browser, siteName, subject, body, expected) {
    const { page } = await openSite(browser, server, siteName);
    const c = await (await newCompose(page, SITES[siteName])).attached();
    await c.typeSubject(subject);
    await c.typeBody(body);
    await c.waitFor(expected);
    await c.settled();
    return { page, c };
}

async function optionsText(browser) {
    const p = await browser.extensionPage('options.html');
    try {
        // The page fills itself in from chrome.storage.managed: wait until it says something about the policy.
        return await waitUntil(() => p.locator('body').innerText(), (t) => /polic/i.test(t) && t.length > 80 && !/Loading/i.test(t), { what: 'options.html to show the effective policy' });
    } finally {
        await p.close();
    }
}

describe('managed policy through a Chromium policy file', () => {
    test('phi -> block without override, possible -> allow', async () => {
        const id = extensionId(TEST_EXT);
        const policy = {
            version: 1,
            actions: { clean: 'allow', possible: 'allow', phi: 'block', subject_phi: 'block', encrypt_unavailable: 'block' },
            override: { allowed: false, require_justification: true, justifications: [] },
        };
        await withManagedPolicy(id, policy, () =>
            withBrowser({}, async (browser) => {
                assert.ok(fs.existsSync(POLICY_FILE));
                for (const siteName of SITE_NAMES) {
                    const { page, c } = await composeWith(browser, siteName, TEXT.cleanSubject, TEXT.phiBody, { verdict: 'phi' });
                    assert.equal((await c.state()).policy, 'managed', `${siteName}: data-policy says the policy is managed`);
                    await c.clickSend();
                    const g = gate(page).first();
                    await g.waitFor({ state: 'visible' });
                    assert.equal(await g.getAttribute('data-kind'), 'block', `${siteName}: block dialog`);
                    assert.equal(await g.locator('[data-action="override"]').count(), 0, `${siteName}: no override when the policy forbids it`);
                    await assertNothingSent(page, server, `${siteName}: blocked by managed policy`);
                    await g.locator('[data-action="edit"]').click();
                    await waitUntil(() => gate(page).count(), (n) => n === 0, { what: 'the gate to close' });

                    // possible -> allow: no tip, sent at once.
                    const w = await (await newCompose(page, SITES[siteName])).attached();
                    await w.typeSubject(TEXT.cleanSubject);
                    await w.typeBody(TEXT.possibleBody);
                    await w.waitFor({ verdict: 'possible' });
                    await w.settled();
                    await w.clickSend();
                    const [m] = await waitSent(server, 1, 3000);
                    assert.equal(m.body.trim(), TEXT.possibleBody);
                    assert.equal(await tip(page).count(), 0, `${siteName}: allow shows no tip`);
                    server.reset();
                    await page.close();
                }
                const text = await optionsText(browser);
                assert.match(text, /managed|organi[sz]ation/i, `options.html says the policy comes from the organisation: ${text.slice(0, 400)}`);
                const phiLine = text.split('\n').find((l) => /actions\.phi\b/.test(l)) || '';
                assert.match(phiLine, /block/, `options.html shows actions.phi = block: ${JSON.stringify(phiLine)}`);
                assert.match(phiLine, /managed|organi[sz]ation/i, `options.html names the source of actions.phi: ${JSON.stringify(phiLine)}`);
            }),
        );
        assert.ok(!fs.existsSync(POLICY_FILE), 'policy file removed');
    });

    test('an invalid managed policy falls back to the strictest policy, and says so', async () => {
        const id = extensionId(TEST_EXT);
        const policy = { version: 1, thresholds: { possible: 0.3, phi: 7, min_confidence: 0.5 } };
        await withManagedPolicy(id, policy, () =>
            withBrowser({}, async (browser) => {
                for (const siteName of SITE_NAMES) {
                    // Strictest: possible PHI is encrypted, and nothing can be overridden.
                    const { page, c } = await composeWith(browser, siteName, TEXT.cleanSubject, TEXT.possibleBody, { policy: 'strictest-fallback' });
                    await c.waitFor({ verdict: 'possible' });
                    await c.clickSend();
                    const g = gate(page).first();
                    await g.waitFor({ state: 'visible' });
                    assert.equal(await g.getAttribute('data-kind'), 'encrypt', `${siteName}: strictest policy encrypts possible PHI`);
                    assert.equal(await g.locator('[data-action="override"]').count(), 0, `${siteName}: strictest policy allows no override`);
                    await assertNothingSent(page, server, `${siteName}: strictest fallback`);
                    await page.close();
                }
                const text = await optionsText(browser);
                assert.match(text, /strictest|invalid|fall(s|ing)? ?back/i, `options.html says the managed policy was refused: ${text.slice(0, 400)}`);
                assert.match(text, /thresholds\.phi|thresholds/i, `options.html names the key at fault: ${text.slice(0, 400)}`);
            }),
        );
        assert.ok(!fs.existsSync(POLICY_FILE), 'policy file removed');
    });
});
