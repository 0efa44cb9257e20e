// The built extensions: the release manifest has no localhost anywhere and a
// CSP that adds only 'wasm-unsafe-eval' to the MV3 default; the test build adds
// the localhost matches; both carry the pinned key (stable id), the managed
// schema, the wasm glue; nothing in the shipped code talks to the network.
// The release build is also loaded in Chromium: it starts, and leaves a
// localhost page alone.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RELEASE_EXT, TEST_EXT, extensionId, withBrowser } from '../lib/browser.mjs';
import { startServer } from '../server.mjs';
import { openSite } from '../lib/compose.mjs';

const MAIL_HOSTS = ['mail.google.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.live.com'];

function manifest(dir) {
    const file = path.join(dir, 'manifest.json');
    assert.ok(fs.existsSync(file), `${file} exists (build it with extension/build.sh)`);
    return { text: fs.readFileSync(file, 'utf8'), json: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

function files(dir) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...files(p));
        else out.push(p);
    }
    return out;
}

/** Parses a CSP into {directive: [sources]}. */
function parseCsp(csp) {
    const out = {};
    for (const part of csp.split(';')) {
        const [name, ...srcs] = part.trim().split(/\s+/).filter(Boolean);
        if (name) out[name.toLowerCase()] = srcs;
    }
    return out;
}

const hostsOf = (m) => [...(m.content_scripts || []).flatMap((c) => c.matches || []), ...(m.host_permissions || [])];

describe('built extension', () => {
    test('release manifest: MV3, mail sites only, no localhost, CSP adds only wasm-unsafe-eval', () => {
        const { text, json } = manifest(RELEASE_EXT);
        assert.equal(json.manifest_version, 3);
        assert.ok(!/127\.0\.0\.1|localhost|\[::1\]/i.test(text), 'no loopback origin anywhere in the release manifest');
        for (const pattern of hostsOf(json)) {
            const host = pattern.replace(/^[a-z*]+:\/\//, '').split('/')[0];
            assert.ok(MAIL_HOSTS.includes(host), `release matches only the mail sites: ${pattern}`);
        }
        for (const h of MAIL_HOSTS) assert.ok(hostsOf(json).some((p) => p.includes(h)), `content scripts run on ${h}`);

        const csp = json.content_security_policy?.extension_pages;
        assert.ok(csp, 'content_security_policy.extension_pages is set (wasm needs wasm-unsafe-eval)');
        const d = parseCsp(csp);
        assert.deepEqual([...d['script-src']].sort(), ["'self'", "'wasm-unsafe-eval'"], `script-src: ${csp}`);
        for (const [name, srcs] of Object.entries(d)) {
            if (name === 'script-src') continue;
            assert.ok(name === 'object-src' && srcs.every((s) => s === "'self'" || s === "'none'"), `only the default directives beyond script-src: ${name} ${srcs.join(' ')}`);
        }
        assert.ok(!json.content_security_policy.sandbox, 'no sandbox CSP');
        assert.ok(json.key, 'a fixed key pins the extension id');
        assert.equal(json.storage?.managed_schema && fs.existsSync(path.join(RELEASE_EXT, json.storage.managed_schema)), true, 'storage.managed_schema ships');
        assert.equal(extensionId(RELEASE_EXT), extensionId(TEST_EXT), 'release and test builds have the same id');
    });

    test('test manifest adds the localhost origins and nothing else differs in permissions', () => {
        const rel = manifest(RELEASE_EXT).json;
        const tst = manifest(TEST_EXT).json;
        const extra = hostsOf(tst).filter((p) => !hostsOf(rel).includes(p));
        assert.ok(extra.some((p) => p.startsWith('http://127.0.0.1/')), `test build matches http://127.0.0.1/*: ${JSON.stringify(extra)}`);
        for (const p of extra) assert.match(p, /^http:\/\/(127\.0\.0\.1|localhost)\//, `test-only match is loopback: ${p}`);
        assert.deepEqual(tst.permissions, rel.permissions, 'same permissions');
        assert.deepEqual(tst.content_security_policy, rel.content_security_policy, 'same CSP');
    });

    test('wasm glue present; no remote code or network calls in the shipped scripts', () => {
        assert.ok(fs.existsSync(path.join(RELEASE_EXT, 'wasm/sealpost_extension.js')), 'wasm/sealpost_extension.js');
        assert.ok(fs.existsSync(path.join(RELEASE_EXT, 'wasm/sealpost_extension_bg.wasm')), 'wasm/sealpost_extension_bg.wasm');
        for (const f of files(RELEASE_EXT).filter((f) => /\.(m?js|html)$/.test(f))) {
            const src = fs.readFileSync(f, 'utf8');
            const rel = path.relative(RELEASE_EXT, f);
            assert.ok(!/\b(XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b/.test(src), `${rel}: no network API`);
            const urls = (src.match(/https?:\/\/[^\s'"`)<>]+/g) || []).filter((u) => !/^https?:\/\/www\.w3\.org\//.test(u));
            // URLs in comments are documentation; in code they would be remote resources.
            const inCode = urls.filter((u) => {
                const line = src.split('\n').find((l) => l.includes(u)) || '';
                return !/^\s*(\/\/|\*|\/\*|<!--)/.test(line);
            });
            assert.deepEqual(inCode, [], `${rel}: no remote URLs in code`);
            if (/\.html$/.test(f)) assert.ok(!/<script[^>]+src=["']https?:/i.test(src), `${rel}: no remote script`);
        }
    });

    test('release build loads in Chromium and stays off localhost pages', async () => {
        const server = await startServer();
        try {
            await withBrowser({ extDir: RELEASE_EXT }, async (browser) => {
                const sw = await browser.serviceWorker(5000);
                assert.ok(sw, 'the release build has a running service worker');
                const { page } = await openSite(browser, server, 'gmail');
                await page.locator('[data-test-action="compose"]').click();
                await new Promise((r) => setTimeout(r, 1500));
                assert.equal(await page.locator('[data-sealpost]').count(), 0, 'no extension UI on a localhost page in the release build');
                const errors = browser.logs.filter((l) => /service worker error|page error/.test(l));
                assert.deepEqual(errors, [], 'no errors while loading');
            });
        } finally {
            await server.close();
        }
    });
});
