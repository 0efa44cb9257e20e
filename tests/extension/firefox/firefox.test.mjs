// The Firefox build (extension/build.sh --test --firefox) in Debian's
// firefox-esr, headless, driven over WebDriver BiDi by puppeteer-core (which
// never downloads a browser); the extension is installed as a temporary
// add-on. The same stand-in pages as the Chromium tests. Covers: the
// background module script compiles the wasm core and scans; typing PHI
// turns the indicator `phi` and registers highlight ranges exactly on the
// findings; with no managed policy the default applies (Firefox reports "no
// managed storage" as an error, which must not read as a broken policy); the
// send gate stops PHI with secure-send off; a managed policy delivered by a
// real Firefox enterprise policy file (/etc/firefox/policies/policies.json,
// "3rdparty" → "Extensions") changes what Send does (Firefox reads one such
// file: a machine's own is never overwritten, that test is then skipped);
// secure-send through the real agent (`sealpost native-host`, registered in
// /usr/lib/mozilla/native-messaging-hosts/ with allowed_extensions, as
// packaging/native-messaging/firefox/ does): the site gets only an OpenPGP
// message, which the recipients (GnuPG) decrypt.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { startServer } from '../server.mjs';
import { REPO } from '../lib/browser.mjs';
import { SITES, SITE_NAMES, TEXT, waitUntil } from '../lib/compose.mjs';
import { createAgent, hostState, registerHost, unregisterHost, FIREFOX_HOST_FILE } from '../lib/agent-host.mjs';
import { ARMOR_BEGIN } from '../lib/secure.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const EXT = path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target'), 'extension/firefox-test');
const EXT_ID = 'sealpost@sealpost.org'; // proxy/src/native/origin.rs FIREFOX_EXTENSION_ID, packaging/native-messaging/firefox
const POLICY_FILE = '/etc/firefox/policies/policies.json';
const ARTIFACTS = path.join(path.dirname(EXT), '..', 'extension-artifacts');
const FINDINGS = ['Maria Lopez', '03/14/1962', '00448291', 'type 2 diabetes', 'uncontrolled type 2 diabetes'];

/**
 * Whether POLICY_FILE is one this test wrote (left by an interrupted run):
 * nothing in it but a policy for this extension. Any other policies.json is
 * the machine's own and is never touched.
 */
function ours() {
    try {
        const p = JSON.parse(fs.readFileSync(POLICY_FILE, 'utf8')).policies;
        return Object.keys(p).join() === '3rdparty' && Object.keys(p['3rdparty']).join() === 'Extensions' && Object.keys(p['3rdparty'].Extensions).join() === EXT_ID;
    } catch {
        return false;
    }
}

function removeOurs() {
    if (ours()) fs.rmSync(POLICY_FILE, { force: true });
}

let server;
before(async () => {
    removeOurs();
    assert.ok(fs.existsSync(path.join(EXT, 'manifest.json')), `build the Firefox test extension first: bash extension/build.sh --test --firefox (${EXT})`);
    server = await startServer();
});
after(async () => {
    removeOurs();
    await server?.close();
});

async function withFirefox(fn) {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
    try {
        assert.equal(await browser.installExtension(EXT), EXT_ID);
        return await fn(browser);
    } finally {
        await browser.close();
    }
}

/**
 * Opens the stand-in site and a new compose window (`opts`: {to, subject},
 * the page's test handle); returns helpers for that window.
 */
async function compose(browser, siteName, opts = {}) {
    const site = SITES[siteName];
    const page = await browser.newPage();
    await page.goto(server.url(`${site.path}?autosave=0`));
    await page.waitForSelector(`html[data-test-ready="${siteName}"]`);
    const root = await page.evaluate((o) => window.testPage.openCompose(o), opts);
    const sel = (s) => `[data-test-window="${root}"] ${s}`;
    const state = () =>
        page.evaluate((q) => {
            const el = document.querySelector(q);
            if (!el) return {};
            const out = {};
            for (const a of el.attributes) if (a.name.startsWith('data-')) out[a.name.slice(5)] = a.value;
            return out;
        }, sel('[data-sealpost="indicator"]'));
    const waitFor = (want) =>
        waitUntil(state, (s) => Object.entries(want).every(([k, v]) => s[k] === v), { what: `${siteName} indicator to show ${JSON.stringify(want)}` });
    await waitFor({ verdict: 'clean' });
    return {
        page,
        state,
        waitFor,
        async type(subject, body) {
            await page.click(sel(site.subject));
            await page.keyboard.type(subject);
            await page.click(sel(site.body));
            await page.keyboard.type(body);
        },
        async send() {
            // Gmail's Send acts on mousedown + mouseup, Outlook's on click: a real press does both.
            await page.click(sel(site.send));
        },
        highlights: () => page.evaluate(() => Object.fromEntries([...CSS.highlights].map(([k, h]) => [k, [...h].map((r) => r.toString())]))),
    };
}

describe('Firefox build in firefox-esr', () => {
    test('scans as you type, highlights the findings, gates Send; default policy', () =>
        withFirefox(async (browser) => {
            for (const siteName of SITE_NAMES) {
                server.reset();
                const c = await compose(browser, siteName);
                await c.type(TEXT.cleanSubject, TEXT.phiBody);
                const s = await c.waitFor({ verdict: 'phi' });
                assert.equal(s.policy, 'default', `${siteName}: no managed policy is the default policy, not the strictest fallback`);
                assert.equal(s.secure, 'off');
                const hl = await waitUntil(c.highlights, (h) => (h['sealpost-phi'] || []).includes('00448291'), { what: `${siteName}: the MRN highlighted` });
                const all = [...(hl['sealpost-phi'] || []), ...(hl['sealpost-health'] || [])];
                for (const t of all) assert.ok(FINDINGS.includes(t), `${siteName}: a range off its finding: ${JSON.stringify(all)}`);
                for (const t of ['Maria Lopez', '03/14/1962', '00448291']) assert.ok((hl['sealpost-phi'] || []).includes(t), `${siteName}: ${t} highlighted: ${JSON.stringify(hl)}`);

                await c.send();
                // The dialog is in the extension's shadow root: `>>>` pierces it.
                await c.page.waitForSelector('>>> [data-sealpost="gate"]', { visible: true });
                fs.mkdirSync(ARTIFACTS, { recursive: true });
                await c.page.screenshot({ path: path.join(ARTIFACTS, `firefox-${siteName}-gate.png`) });
                await new Promise((r) => setTimeout(r, 500));
                assert.deepEqual(server.sent(), [], `${siteName}: PHI with secure-send off is not sent`);
                await c.page.close();
            }
        }));

    test('a managed policy from /etc/firefox/policies/policies.json changes what Send does', async (t) => {
        if (fs.existsSync(POLICY_FILE)) {
            t.skip(`${POLICY_FILE} exists and is not this test's: not overwritten`);
            return;
        }
        // PHI is allowed by this policy: Send goes straight through.
        const policy = { version: 1, actions: { clean: 'allow', possible: 'allow', phi: 'allow', subject_phi: 'allow', encrypt_unavailable: 'warn' } };
        fs.mkdirSync(path.dirname(POLICY_FILE), { recursive: true });
        fs.writeFileSync(POLICY_FILE, JSON.stringify({ policies: { '3rdparty': { Extensions: { [EXT_ID]: policy } } } }, null, 2));
        try {
            await withFirefox(async (browser) => {
                for (const siteName of SITE_NAMES) {
                    server.reset();
                    const c = await compose(browser, siteName);
                    await c.type(TEXT.cleanSubject, TEXT.phiBody);
                    const s = await c.waitFor({ verdict: 'phi' });
                    assert.equal(s.policy, 'managed', `${siteName}: data-policy says the policy is managed`);
                    await c.send();
                    const sent = await waitUntil(() => server.sent(), (l) => l.length === 1, { what: `${siteName}: the message sent under the managed policy` });
                    assert.ok(sent[0].body.includes('00448291'), `${siteName}: sent as written`);
                    const g = await c.page.$('>>> [data-sealpost="gate"]');
                    assert.ok(!g || !(await g.isVisible()), `${siteName}: no dialog`);
                    await c.page.close();
                }
            });
        } finally {
            removeOurs();
        }
    });
    test('secure-send through the real agent: Send gives the site only ciphertext the recipients can read', async (t) => {
        if (hostState('firefox') === 'foreign') {
            t.skip(`${FIREFOX_HOST_FILE} belongs to an installed agent: not replaced`);
            return;
        }
        const recipients = ['dr.ames@clinic.test', 'nurse.bell@clinic.test'];
        const agent = await createAgent({ extId: EXT_ID, recipients });
        // Registered as an installer does it for Firefox: allowed_extensions names the extension.
        registerHost(agent.launcher, EXT_ID, 'Firefox', 'firefox');
        try {
            await withFirefox(async (browser) => {
                server.reset();
                const c = await compose(browser, 'gmail', { to: recipients, subject: 'Follow-up' });
                const page = c.page;
                await page.click('>>> button[role="switch"]');
                // Keys for both recipients: the agent answers Firefox.
                await c.waitFor({ secure: 'on', keys: 'all' });
                // The secure editor is an extension frame, which WebDriver
                // BiDi does not list; turning secure-send on focuses it, so
                // the keys go there.
                await page.waitForSelector('iframe[data-sealpost="secure-editor"]', { visible: true });
                await page.waitForFunction(() => document.activeElement?.matches('iframe[data-sealpost="secure-editor"]'), { timeout: 10000 });
                await page.keyboard.type(TEXT.phiBody);
                await c.waitFor({ verdict: 'phi' });
                await c.send();
                const sent = await waitUntil(() => server.sent(), (l) => l.length === 1, { what: 'the encrypted message sent' });
                const m = sent[0];
                assert.ok(m.body.includes(ARMOR_BEGIN), 'the site got an OpenPGP message');
                assert.equal(m.body.includes('00448291') || m.body.includes('Maria'), false, 'no plaintext PHI in what the site sent');
                const { raw, status } = agent.decrypt(m.body);
                assert.match(status, /DECRYPTION_OKAY/);
                assert.ok(raw.toString().includes('00448291'), 'a recipient recovers the text');
            });
        } finally {
            unregisterHost('firefox');
            await agent.close();
        }
    });
});
