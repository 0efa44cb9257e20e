// The set-up the suites with the real agent share: before the tests a test
// server, and no policy file or host manifest a killed run left behind;
// after them the manifest, the agent's temp files and the server are gone,
// whatever happened. `skip` says why a suite cannot run here (no agent
// binary; a really installed agent whose manifest must not be replaced).

import { before, after } from 'node:test';
import { startServer } from '../server.mjs';
import { removeStalePolicy } from './browser.mjs';
import { haveSealpost, hostState, removeStaleHost, unregisterHost } from './agent-host.mjs';

/** Registers the hooks; returns {server, agent}: `server` is set in before(), put the agent in `agent`. */
export function agentSuite() {
    const env = { server: null, agent: null };
    before(async () => {
        removeStalePolicy();
        removeStaleHost();
        env.server = await startServer();
    });
    after(async () => {
        unregisterHost();
        await env.agent?.close();
        await env.server?.close();
    });
    return env;
}

/** Why a suite with the real agent cannot run here, or false. */
export function agentSkip() {
    if (!haveSealpost()) return 'the sealpost binary is not built (cargo build -p sealpost --bin sealpost)';
    if (hostState() === 'foreign') return 'a real agent is installed; not replacing its manifest';
    return false;
}
