// node:test fixture: one test server and one Chromium (with the test build of
// the extension) per test file, always closed; a fresh page per test.

import { before, after, afterEach } from 'node:test';
import { startServer } from '../server.mjs';
import { launch, removeStalePolicy } from './browser.mjs';
import { openSite } from './compose.mjs';

/**
 * Registers before/after hooks and returns `env` whose fields are set once
 * the hooks ran: env.server, env.browser, and env.open(site) for a fresh page.
 */
export function useBrowser(opts = {}) {
    const env = { server: null, browser: null, pages: [] };
    before(async () => {
        removeStalePolicy();
        env.server = await startServer();
        env.browser = await launch(opts);
    });
    afterEach(async () => {
        for (const p of env.pages.splice(0)) await p.close().catch(() => {});
        env.server?.reset();
    });
    after(async () => {
        if (env.browser) await env.browser.close();
        if (env.server) await env.server.close();
    });
    env.open = async (site, query) => {
        const { page } = await openSite(env.browser, env.server, site, query);
        env.pages.push(page);
        return page;
    };
    /** Appends the browser's console log to a failure message. */
    env.logs = () => (env.browser ? env.browser.logs.slice(-30).join('\n  ') : '');
    return env;
}

/** Runs `fn`, and on failure adds the browser's recent console output to the error. */
export async function withLogs(env, fn) {
    try {
        return await fn();
    } catch (e) {
        const logs = env.logs();
        if (logs && e && typeof e === 'object') {
            try {
                e.message += `\n-- browser console (recent):\n  ${logs}`;
            } catch {}
        }
        throw e;
    }
}
