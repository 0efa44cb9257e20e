// The agent side of the indicator, with a stand-in native-messaging host
// (fake-agent/agent.mjs, registered as com.sealpost.agent through a real
// host manifest in /etc/chromium/native-messaging-hosts/): when the agent
// answers the status probe, secure-send turned on shows `on` (not
// `unavailable`), only in that window; sending then never hands the site the
// PHI in plaintext; the extension asked the agent for its status and sent it
// no message text. The manifest is always removed.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.mjs';
import { withBrowser, extensionId, removeStalePolicy, TEST_EXT } from '../lib/browser.mjs';
import { SITES, SITE_NAMES, TEXT, openSite, newCompose } from '../lib/compose.mjs';

const HOST_DIR = '/etc/chromium/native-messaging-hosts';
const HOST_FILE = path.join(HOST_DIR, 'com.sealpost.agent.json');
const AGENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fake-agent/agent.mjs');

let server;
let log;
let installed = false;
const STAND_IN = 'Sealpost agent (test stand-in)';
// A stand-in left by a killed run is removed; a real agent's manifest is left alone.
if (fs.existsSync(HOST_FILE) && fs.readFileSync(HOST_FILE, 'utf8').includes(STAND_IN)) fs.rmSync(HOST_FILE, { force: true });
const existing = fs.existsSync(HOST_FILE);

before(async () => {
    removeStalePolicy();
    server = await startServer();
    log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-agent-')), 'messages.jsonl');
    process.env.SEALPOST_FAKE_AGENT_LOG = log; // inherited by Chromium, then by the host
});
after(async () => {
    if (installed) fs.rmSync(HOST_FILE, { force: true });
    await server?.close();
    if (log) fs.rmSync(path.dirname(log), { recursive: true, force: true });
});

describe('secure-send with an agent that answers', { skip: existing && `${HOST_FILE} exists (a real agent is installed); not replacing it` }, () => {
    test('toggle on -> data-secure="on", per window; the agent got a status probe and no message text', async () => {
        const id = extensionId(TEST_EXT);
        fs.mkdirSync(HOST_DIR, { recursive: true });
        fs.chmodSync(AGENT, 0o755);
        fs.writeFileSync(
            HOST_FILE,
            JSON.stringify({ name: 'com.sealpost.agent', description: STAND_IN, path: AGENT, type: 'stdio', allowed_origins: [`chrome-extension://${id}/`] }, null, 2),
        );
        installed = true;
        try {
            await withBrowser({}, async (browser) => {
                for (const siteName of SITE_NAMES) {
                    const { page } = await openSite(browser, server, siteName);
                    const a = await (await newCompose(page, SITES[siteName])).attached();
                    const b = await (await newCompose(page, SITES[siteName])).attached();
                    await a.typeSubject(TEXT.cleanSubject);
                    await a.typeBody(TEXT.phiBody);
                    await a.waitFor({ verdict: 'phi', secure: 'off' });
                    await a.toggle.click();
                    await a.waitFor({ 'aria-checked': 'true', secure: 'on' });
                    const sb = await b.state();
                    assert.equal(sb.secure, 'off', `${siteName}: the other window stays off`);
                    // Send with secure-send on: whatever the extension does (encrypt through the
                    // agent, or hold the send while the agent cannot encrypt yet), the site must
                    // never get the PHI in plaintext.
                    await a.clickSend();
                    await new Promise((r) => setTimeout(r, 1500));
                    for (const m of server.sent()) {
                        assert.ok(!m.body.includes('00448291') && !m.body.includes('Maria Lopez'), `${siteName}: secure-send on, yet the site received plaintext PHI`);
                    }
                    const g = page.locator('[data-sealpost="gate"]:visible');
                    if (await g.count()) await g.first().locator('[data-action="edit"]').click();
                    server.reset();
                    await a.toggle.click();
                    await a.waitFor({ 'aria-checked': 'false', secure: 'off' });
                    await page.close();
                }
            });
        } finally {
            fs.rmSync(HOST_FILE, { force: true });
            installed = false;
        }
        const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
        assert.ok(lines.length > 0, 'the extension talked to the agent');
        assert.ok(lines.some((l) => JSON.parse(l).type === 'status'), `a status probe: ${lines.slice(0, 3).join(' ')}`);
        const all = lines.join('\n');
        for (const secret of ['Maria', '00448291', 'diabetes', 'offsite']) assert.ok(!all.includes(secret), `no message text sent to the agent (${secret})`);
    });
});
