// The localhost mail-site stand-in for the extension's end-to-end tests.
//
// Serves the Gmail-like and Outlook-like compose pages in pages/ on
// 127.0.0.1 (port 0: the OS picks a free one) and records what the pages send:
//   POST /api/send       a sent message {site, window, subject, body, to}
//   POST /api/autosave   a draft autosave (the real sites save drafts every few seconds)
//   POST /api/upload     an attachment upload (?site=&window=&name=, body = the
//                        file's bytes): recorded as name, size and SHA-256
//   GET  /api/sent       the list of sent messages, oldest first
//   GET  /api/autosaves  the list of autosaves, oldest first
//   GET  /api/uploads    the list of uploads (without the bytes), oldest first
//   POST /api/reset      forgets all three lists
// Nothing else is served; the server never listens beyond loopback.
//
// Run on its own to look at the pages by hand: `node server.mjs [PORT]`.

import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pages');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const MAX_BODY = 4 * 1024 * 1024;
// Uploads: a little over the sites' 25 MiB attachment limit.
const MAX_UPLOAD = 32 * 1024 * 1024;
// Like the real sites: scripts from the site only (no inline script, no
// wasm compilation in the page), and Gmail requires Trusted Types.
const CSP = {
    'gmail.html': "script-src 'self'; object-src 'none'; base-uri 'self'; require-trusted-types-for 'script'",
    'outlook.html': "script-src 'self'; object-src 'none'; base-uri 'self'",
};

function readBody(req, max) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > max) {
                reject(new Error('request body too large'));
                req.destroy();
            } else chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
    });
}

async function readJson(req) {
    return JSON.parse((await readBody(req, MAX_BODY)).toString('utf8') || 'null');
}

function send(res, status, body, type = 'application/json; charset=utf-8', extra = {}) {
    const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(data);
}

/**
 * Starts the server. Returns {origin, port, url(path), sent(), autosaves(),
 * uploads(), reset(), close()}. `sent()`, `autosaves()` and `uploads()` return
 * copies of the recorded lists; an upload is {site, window, name, size,
 * sha256, data (a Buffer: the bytes, for the tests' plaintext checks)}.
 */
export async function startServer({ port = 0 } = {}) {
    const sent = [];
    const autosaves = [];
    const uploads = [];
    const server = http.createServer(async (req, res) => {
        try {
            const url = new URL(req.url, 'http://127.0.0.1');
            if (req.method === 'POST' && url.pathname === '/api/send') {
                const msg = await readJson(req);
                sent.push({ ...msg, receivedAt: Date.now() });
                return send(res, 200, { ok: true, count: sent.length });
            }
            if (req.method === 'POST' && url.pathname === '/api/autosave') {
                const draft = await readJson(req);
                autosaves.push({ ...draft, receivedAt: Date.now() });
                return send(res, 200, { ok: true });
            }
            if (req.method === 'POST' && url.pathname === '/api/upload') {
                const data = await readBody(req, MAX_UPLOAD);
                const q = url.searchParams;
                const sha256 = crypto.createHash('sha256').update(data).digest('hex');
                uploads.push({ site: q.get('site'), window: q.get('window'), name: q.get('name'), size: data.length, sha256, data, receivedAt: Date.now() });
                return send(res, 200, { ok: true, sha256 });
            }
            if (req.method === 'POST' && url.pathname === '/api/reset') {
                sent.length = 0;
                autosaves.length = 0;
                uploads.length = 0;
                return send(res, 200, { ok: true });
            }
            if (req.method === 'GET' && url.pathname === '/api/sent') return send(res, 200, sent);
            if (req.method === 'GET' && url.pathname === '/api/autosaves') return send(res, 200, autosaves);
            if (req.method === 'GET' && url.pathname === '/api/uploads') return send(res, 200, uploads.map(({ data, ...u }) => u));
            if (url.pathname === '/favicon.ico') return send(res, 204, '');
            if (req.method === 'GET' || req.method === 'HEAD') {
                const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
                // Flat directory: no sub-paths, no dot-files, known types only.
                if (!/^[A-Za-z0-9_-]+\.(html|js|css)$/.test(name)) return send(res, 404, 'not found\n', 'text/plain');
                const file = path.join(PAGES, name);
                let data;
                try {
                    data = await fs.readFile(file);
                } catch {
                    return send(res, 404, 'not found\n', 'text/plain');
                }
                return send(res, 200, data, TYPES[path.extname(name)], CSP[name] ? { 'content-security-policy': CSP[name] } : {});
            }
            return send(res, 405, 'method not allowed\n', 'text/plain');
        } catch (e) {
            return send(res, 400, { error: String(e && e.message) });
        }
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
    const actual = server.address().port;
    const origin = `http://127.0.0.1:${actual}`;
    return {
        origin,
        port: actual,
        url: (p) => origin + (p.startsWith('/') ? p : '/' + p),
        sent: () => sent.map((m) => ({ ...m })),
        autosaves: () => autosaves.map((m) => ({ ...m })),
        uploads: () => uploads.map((u) => ({ ...u })),
        reset: () => {
            sent.length = 0;
            autosaves.length = 0;
            uploads.length = 0;
        },
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections?.();
                server.close(() => resolve());
            }),
    };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const s = await startServer({ port: Number(process.argv[2] || 0) });
    console.log(`serving ${s.url('/gmail.html')} and ${s.url('/outlook.html')} (Ctrl-C stops)`);
}
