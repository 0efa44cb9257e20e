// What the send gate does with an assessment. The policy core has already
// turned the verdict and subject verdict into an action; here the action
// meets this window's secure-send switch and the agent's availability.
'use strict';

(() => {
    const RANK = { allow: 0, warn: 1, encrypt: 2, block: 3 };

    // Whether a send with secure-send on can be handed to the agent to be
    // encrypted. Not yet: that path comes with the web secure-send issue.
    // Until then a message that must be encrypted is never let through in
    // plaintext, even when the agent answers (fail closed, decision 1): the
    // gate treats it as "encryption unavailable" and applies the policy's
    // `actions.encrypt_unavailable`.
    Sealpost.encryptionReady = false;

    /**
     * Returns {kind, action, subjectBlock}: kind is 'pass' (let the send
     * through), 'tip' (warn; `unavailable` when it is about the agent),
     * 'encrypt', 'unavailable' or 'block' (the dialog to show).
     * `ctx`: {secure: bool, agent: 'available'|'unavailable'|'unknown', policy: config or null}.
     */
    function decide(report, ctx) {
        let action = report.action;
        // A secure tag in the subject ([secure]) asks for encryption whatever the verdict.
        const tagged = report.toggle === 'secure';
        if (tagged && RANK[action] < RANK.encrypt) action = 'encrypt';
        const secureOn = ctx.secure || tagged;
        const agentOk = ctx.agent === 'available';
        const actions = (ctx.policy && ctx.policy.actions) || { encrypt_unavailable: 'block', subject_phi: 'block' };
        switch (action) {
            case 'allow':
                return { kind: 'pass', action };
            case 'warn':
                return { kind: secureOn && agentOk && Sealpost.encryptionReady ? 'pass' : 'tip', action };
            case 'encrypt':
                if (!secureOn) return { kind: 'encrypt', action };
                if (agentOk && Sealpost.encryptionReady) return { kind: 'pass', action };
                return actions.encrypt_unavailable === 'warn'
                    ? { kind: 'tip', action, unavailable: true }
                    : { kind: 'unavailable', action };
            default:
                return {
                    kind: 'block',
                    action: 'block',
                    subjectBlock: report.subject_verdict === 'phi' && actions.subject_phi === 'block',
                };
        }
    }

    Sealpost.decide = decide;
})();
