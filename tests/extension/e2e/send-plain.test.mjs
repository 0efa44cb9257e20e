// "Send without encryption" when a recipient has no key, under a managed
// policy that allows it (encrypt_unavailable: warn) but blocks PHI in a
// subject sent in clear (subject_phi: block), with the real agent.
//
// - A PHI subject travels inside the encrypted message, so the secure send
//   itself may go; but a recipient without a key leaves only sending in
//   clear, and then the subject would show the PHI: the missing-keys dialog
//   offers no "Send without encryption", says why, and nothing is sent; the
//   text and subject stay in the secure editor.
// - The same message with a clean subject: the dialog offers it, and the
//   message goes out as the user chose (the override is recorded).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { withBrowser, withManagedPolicy, extensionId, TEST_EXT } from '../lib/browser.mjs';
import { openSite, textOf, waitSent, assertNothingSent, waitUntil } from '../lib/compose.mjs';
import { createAgent, registerHost } from '../lib/agent-host.mjs';
import { agentSuite, agentSkip } from '../lib/agent-suite.mjs';
import { composeWith, turnOn, typeSecure, secureText, secureSubject, gateOf, plaintextLeaks } from '../lib/secure.mjs';

const env = agentSuite();
const skip = agentSkip();

const KEYED = 'dr.ames@clinic.test';
const KEYLESS = 'no.key@elsewhere.test';
const BODY = 'Patient Maria Lopez, MRN 00448291, was seen today for uncontrolled type 2 diabetes.';
const SUBJECT_PHI = 'Maria Lopez A1c follow-up';
const SUBJECT_CLEAN = 'Follow-up plan for Friday';
const POLICY = {
    version: 1,
    actions: { clean: 'allow', possible: 'warn', phi: 'encrypt', subject_phi: 'block', encrypt_unavailable: 'warn' },
    override: { allowed: true, require_justification: false, justifications: [] },
};

/** The same policy for the agent (IT pushes one policy to both), as TOML. */
const AGENT_POLICY = `version = 1
[actions]
clean = "allow"
possible = "warn"
phi = "encrypt"
subject_phi = "block"
encrypt_unavailable = "warn"
[override]
allowed = true
require_justification = false
justifications = []
`;

/** A window with secure-send on, the body and `subject` in the secure editor, one recipient without a key; Send pressed. */
async function missingKeysDialog(page, subject) {
    const c = await composeWith(page, 'gmail', { to: [KEYED, KEYLESS] });
    await c.typeSubject(subject);
    await turnOn(c);
    await typeSecure(page, BODY);
    await c.waitFor({ verdict: 'phi', keys: 'missing' });
    await c.clickSend();
    return { c, g: await gateOf(page, 'missing-keys') };
}

describe('sending in clear after a missing key', { skip }, () => {
    test('offered only when the subject may go out in clear; a PHI subject under subject_phi: block is never sent in clear', async () => {
        const extId = extensionId(TEST_EXT);
        const agent = (env.agent = await createAgent({ extId, recipients: [KEYED] }));
        fs.writeFileSync(agent.managedPolicy, AGENT_POLICY);
        registerHost(agent.launcher, extId, 'send plain');
        await withManagedPolicy(extId, POLICY, () =>
            withBrowser({}, async (browser) => {
                const { page } = await openSite(browser, env.server, 'gmail');

                // A PHI subject: no way to send it in clear.
                const first = await missingKeysDialog(page, SUBJECT_PHI);
                assert.equal(await first.g.locator('[data-action="send-plain"]').count(), 0, 'no "Send without encryption" for a PHI subject');
                assert.match(await textOf(first.g), /subject line would show patient information/, 'the dialog says why');
                await assertNothingSent(page, env.server, 'PHI subject, a recipient without a key');
                assert.equal(await secureText(page), BODY, 'the text stays in the secure editor');
                assert.equal(await secureSubject(page).inputValue(), SUBJECT_PHI, 'the subject stays in the secure editor');
                assert.deepEqual(plaintextLeaks(env.server, ['Maria Lopez', '00448291']), [], 'nothing reached the site');
                await first.g.locator('[data-action="edit"]').click();
                await page.close();

                // A clean subject: the user may send it in clear, and it goes.
                const { page: page2 } = await openSite(browser, env.server, 'gmail');
                const second = await missingKeysDialog(page2, SUBJECT_CLEAN);
                await second.g.locator('[data-action="send-plain"]').click();
                const [m] = await waitSent(env.server, 1);
                assert.equal(m.subject, SUBJECT_CLEAN, 'sent with its subject');
                assert.match(m.body, /00448291/, 'sent in clear, as the user chose');
                const records = await waitUntil(
                    () => agent.auditRecords().filter((r) => r.action === 'sent-plain'),
                    (l) => l.length === 1,
                    { what: 'the override in the audit log', timeout: 30000 },
                );
                assert.deepEqual(records[0].recipient_domains.sort(), ['clinic.test', 'elsewhere.test']);
            }),
        );
    });
});
