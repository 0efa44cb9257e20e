// Overrides reach the agent's audit log. With the real agent
// (lib/agent-host.mjs) and secure-send off, PHI → the "needs secure-send"
// dialog → "Send without protection" with a justification → the site sends
// in plaintext (the user's choice, which the policy allows) and the agent's
// audit log gets a `sent-plain` record with the justification code and the
// recipient domain, no text. An override made while the agent is down is
// kept (`audit: "pending"`) and forwarded once the agent answers again.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { withBrowser, extensionId, TEST_EXT } from '../lib/browser.mjs';
import { TEXT, openSite, waitSent, waitUntil } from '../lib/compose.mjs';
import { createAgent, registerHost } from '../lib/agent-host.mjs';
import { agentSuite, agentSkip } from '../lib/agent-suite.mjs';
import { composeWith, gateOf } from '../lib/secure.mjs';

const env = agentSuite();

/** PHI, secure-send off, Send → override with a justification → sent. */
async function overrideSend(page, n) {
    const c = await composeWith(page, 'gmail', { to: ['dr.ames@clinic.test'], subject: TEXT.cleanSubject });
    await c.typeBody(TEXT.phiBody);
    await c.waitFor({ verdict: 'phi' });
    await c.clickSend();
    const g = await gateOf(page, 'encrypt');
    await g.locator('[data-action="override"]').click();
    await g.locator('select[data-field="justification"]').selectOption('patient-requested');
    await g.locator('[data-action="send-anyway"]').click();
    await waitSent(env.server, n);
}

const overridesIn = (ext) => ext.evaluate(async () => (await chrome.storage.local.get('overrides')).overrides || []);
const sentPlain = () => env.agent.auditRecords().filter((r) => r.action === 'sent-plain');

const skip = agentSkip();

describe('overrides in the agent audit log', { skip }, () => {
    test('recorded with the justification and domain; one made while the agent was down follows later', async () => {
        const extId = extensionId(TEST_EXT);
        const agent = (env.agent = await createAgent({ extId }));
        // The agent down first: the override is sent by the site and kept locally.
        registerHost(agent.downLauncher(), extId, 'override audit, agent down');
        await withBrowser({}, async (browser) => {
            const { page } = await openSite(browser, env.server, 'gmail');
            await overrideSend(page, 1);
            const ext = await browser.extensionPage('options.html');
            const pending = await waitUntil(() => overridesIn(ext), (l) => l.length === 1, { what: 'the local override record' });
            assert.equal(pending[0].audit, 'pending');
            assert.deepEqual(pending[0].recipient_domains, ['clinic.test']);
            assert.equal(sentPlain().length, 0, 'nothing reached an agent that is down');

            // The agent back: the next status probe forwards the pending record,
            // and a new override goes straight through.
            registerHost(agent.launcher, extId, 'override audit');
            await overrideSend(page, 2);
            const records = await waitUntil(sentPlain, (l) => l.length === 2, { what: 'two sent-plain records in the audit log', timeout: 30000 });
            for (const r of records) {
                assert.equal(r.override?.justification_code, 'patient-requested');
                assert.deepEqual(r.recipient_domains, ['clinic.test']);
                assert.equal(r.verdict, 'phi');
            }
            const local = await waitUntil(() => overridesIn(ext), (l) => l.length === 2 && l.every((r) => r.audit === 'recorded'), { what: 'both local records marked recorded' });
            assert.equal(local.length, 2);
            await ext.close();
        });
        const text = fs.readFileSync(agent.auditFile, 'utf8');
        for (const secret of ['Maria', 'Lopez', '00448291', 'dr.ames', TEXT.cleanSubject]) assert.ok(!text.includes(secret), `no ${secret} in the audit log`);
        const v = agent.verifyAudit();
        assert.equal(v.status, 0, `sealpost audit verify: ${v.output}`);
    });
});
