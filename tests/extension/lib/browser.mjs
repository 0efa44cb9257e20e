// Launching Debian's Chromium with the extension under test, through
// playwright-core (never a downloaded browser), and delivering a managed
// policy through a real Chromium policy file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../../..');
export const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target');
/** The test build (`bash extension/build.sh --test target/extension/test`). */
export const TEST_EXT = process.env.SEALPOST_TEST_EXT || path.join(TARGET, 'extension/test');
/** The release build (`bash extension/build.sh target/extension/release`). */
export const RELEASE_EXT = process.env.SEALPOST_RELEASE_EXT || path.join(TARGET, 'extension/release');
export const ARTIFACTS = path.join(TARGET, 'extension-artifacts');
export const CHROMIUM = process.env.SEALPOST_CHROMIUM || '/usr/bin/chromium';
export const POLICY_DIR = '/etc/chromium/policies/managed';
export const POLICY_FILE = path.join(POLICY_DIR, 'sealpost-test.json');

/** Bounded waits everywhere: the default for one wait on the page. */
export const WAIT_MS = Number(process.env.SEALPOST_WAIT_MS || 10000);

/** The id build.sh wrote to OUTDIR/EXTENSION_ID. */
export function extensionId(dir = TEST_EXT) {
    const file = path.join(dir, 'EXTENSION_ID');
    if (!fs.existsSync(file)) {
        throw new Error(`${file} is missing: build the extension first (bash extension/build.sh --test ${path.relative(REPO, dir)})`);
    }
    const id = fs.readFileSync(file, 'utf8').trim();
    if (!/^[a-p]{32}$/.test(id)) throw new Error(`${file}: not an extension id: ${JSON.stringify(id)}`);
    return id;
}

/**
 * Launches Chromium (new headless mode, persistent profile in a fresh temp
 * dir) with the extension in `extDir` loaded. Returns
 * {context, id, logs, newPage(), extensionPage(file), close()}. `logs`
 * collects page console errors, page errors and service-worker console
 * output, for failure reports.
 */
export async function launch({ extDir = TEST_EXT, viewport = { width: 1440, height: 900 } } = {}) {
    // extDir null: no extension at all (checks of the test pages themselves).
    const id = extDir ? extensionId(extDir) : null;
    const extArgs = extDir ? [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`] : ['--disable-extensions'];
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-chromium-'));
    const logs = [];
    let context;
    try {
        context = await chromium.launchPersistentContext(userDataDir, {
            executablePath: CHROMIUM,
            // Chromium 156: playwright's headless:true is the new headless
            // mode, which runs extensions (checked: content scripts and the
            // service worker run, chrome.storage.managed is read).
            headless: true,
            viewport,
            timeout: 30000,
            args: [
                '--no-sandbox',
                ...extArgs,
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync',
                '--no-first-run',
                '--no-default-browser-check',
                '--disable-dev-shm-usage',
            ],
        });
    } catch (e) {
        fs.rmSync(userDataDir, { recursive: true, force: true });
        throw e;
    }
    const watchWorker = (w) => {
        if (!id || !w.url().startsWith(`chrome-extension://${id}/`)) return;
        w.on('console', (m) => logs.push(`[service worker ${m.type()}] ${m.text()}`));
    };
    context.serviceWorkers().forEach(watchWorker);
    context.on('serviceworker', watchWorker);
    const watchPage = (p) => {
        p.on('console', (m) => {
            if (m.type() === 'error' || m.type() === 'warning' || /sealpost/i.test(m.text())) logs.push(`[page ${m.type()}] ${p.url()}: ${m.text()}`);
        });
        p.on('pageerror', (e) => logs.push(`[page error] ${p.url()}: ${e.message}`));
    };
    context.pages().forEach(watchPage);
    context.on('page', watchPage);
    let closed = false;
    return {
        context,
        id,
        logs,
        userDataDir,
        async newPage() {
            const page = await context.newPage();
            page.setDefaultTimeout(WAIT_MS);
            return page;
        },
        /** Opens chrome-extension://<id>/<file>. */
        async extensionPage(file) {
            const page = await this.newPage();
            await page.goto(`chrome-extension://${id}/${file}`);
            return page;
        },
        /** The extension's service worker, if it runs one (bounded wait). */
        async serviceWorker(timeout = 5000) {
            const found = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${id}/`));
            if (found) return found;
            return context
                .waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(`chrome-extension://${id}/`), timeout })
                .catch(() => null);
        },
        async close() {
            if (closed) return;
            closed = true;
            let timer;
            const limit = new Promise((r) => {
                timer = setTimeout(r, 15000);
            });
            await Promise.race([context.close().catch(() => {}), limit]);
            clearTimeout(timer);
            fs.rmSync(userDataDir, { recursive: true, force: true });
        },
    };
}

/**
 * Runs `fn(browser)` with a launched browser and always closes it. When `fn`
 * throws, the collected console and service-worker messages are appended to
 * the error so the failure says what the extension logged.
 */
export async function withBrowser(opts, fn) {
    const browser = await launch(opts);
    try {
        return await fn(browser);
    } catch (e) {
        if (browser.logs.length && e && typeof e === 'object') {
            const tail = browser.logs.slice(-30).join('\n  ');
            try {
                e.message += `\n-- browser console (last ${Math.min(30, browser.logs.length)}):\n  ${tail}`;
            } catch {}
        }
        throw e;
    } finally {
        await browser.close();
    }
}

/**
 * Writes `policy` as the extension's managed policy in a real Chromium policy
 * file ({"3rdparty": {"extensions": {id: policy}}}), runs `fn`, and always
 * removes the file. Chromium reads it at start: launch inside `fn`.
 */
export async function withManagedPolicy(id, policy, fn) {
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    fs.writeFileSync(POLICY_FILE, JSON.stringify({ '3rdparty': { extensions: { [id]: policy } } }, null, 2));
    try {
        return await fn();
    } finally {
        fs.rmSync(POLICY_FILE, { force: true });
    }
}

/** Removes a policy file a crashed earlier run may have left. */
export function removeStalePolicy() {
    fs.rmSync(POLICY_FILE, { force: true });
}

/** Saves a screenshot under target/extension-artifacts/ and prints its path. */
export async function saveArtifact(target, name, options = {}) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, name);
    await target.screenshot({ path: file, timeout: WAIT_MS, ...options });
    console.log(`artifact: ${file}`);
    return file;
}
