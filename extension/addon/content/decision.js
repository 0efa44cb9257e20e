// What the send gate does with an assessment. The policy core has already
// turned the verdict and subject verdict into an action; here the action
// meets this window's secure-send switch and the agent's availability.
'use strict';

(() => {
    const RANK = { allow: 0, warn: 1, encrypt: 2, block: 3 };

    // Whether a send with secure-send on can be handed to the agent to be
    // encrypted (secure-send.js). With it false, a message that must be
    // encrypted is treated as "encryption unavailable" even when the agent
    // answers (fail closed).
    Sealpost.encryptionReady = true;

    /**
     * Returns {kind, action, subjectBlock}: kind is 'pass' (let the send
     * through), 'secure' (hold it and send it encrypted through the agent),
     * 'tip' (warn; `unavailable` when it is about the agent), 'encrypt',
     * 'unavailable' or 'block' (the dialog to show).
     *
     * With secure-send on (switch or tag) every send that is not blocked goes
     * encrypted, whatever the verdict: the user chose it, and the text is in
     * the secure editor, not in the site's body. If the agent cannot encrypt,
     * the policy's `encrypt_unavailable` decides, as for required encryption.
     * `ctx`: {secure: bool, agent: 'available'|'unavailable'|'unknown',
     * policy: config or null, subjectProtected: bool (the real subject is in
     * the secure editor, so it travels encrypted too)}.
     */
    function decide(report, ctx) {
        let action = report.action;
        // A secure tag in the subject ([secure]) asks for encryption whatever the verdict.
        const tagged = report.toggle === 'secure';
        if (tagged && RANK[action] < RANK.encrypt) action = 'encrypt';
        const secureOn = ctx.secure || tagged;
        const agentOk = ctx.agent === 'available';
        const actions = (ctx.policy && ctx.policy.actions) || { encrypt_unavailable: 'block', subject_phi: 'block' };
        // The subject rule (actions.subject_phi) exists because subjects go
        // out in clear. With the real subject in the secure editor it is
        // encrypted too, so the message verdict's own action applies -- but
        // only when the message will go encrypted now: if the agent cannot
        // encrypt, the subject rule stands (fail closed).
        if (ctx.subjectProtected && ctx.secure && agentOk && Sealpost.encryptionReady && report.subject_verdict === 'phi' && RANK[actions[report.verdict]] !== undefined) {
            let base = actions[report.verdict];
            if (tagged && RANK[base] < RANK.encrypt) base = 'encrypt';
            if (base !== 'block') return { kind: 'secure', action: base };
        }
        if (secureOn && action !== 'block') {
            if (agentOk && Sealpost.encryptionReady) return { kind: 'secure', action };
            return actions.encrypt_unavailable === 'warn'
                ? { kind: 'tip', action, unavailable: true }
                : { kind: 'unavailable', action };
        }
        switch (action) {
            case 'allow':
                return { kind: 'pass', action };
            case 'warn':
                return { kind: 'tip', action };
            case 'encrypt':
                return { kind: 'encrypt', action };
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
