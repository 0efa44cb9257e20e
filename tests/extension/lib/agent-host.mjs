// The real Sealpost agent (`sealpost native-host`, proxy/src/native/) for the
// secure-send tests and bench, registered with Chromium the way an installer
// does it (packaging/native-messaging/README.md): a launcher script that
// exports the agent's paths and execs the binary, named by a host manifest
// in /etc/chromium/native-messaging-hosts/com.sealpost.agent.json.
//
// createAgent() makes everything in one temp dir: the agent's data dir with
// the user's own key (`sealpost keys generate`), recipient keys made with
// GnuPG in a temp GNUPGHOME and imported with `sealpost keys import`, an empty
// sealpost.toml (the default policy), a managed-policy path that does not
// exist, and the launcher. GnuPG keeps the recipients' secret keys, so the
// tests decrypt what the extension sent as a recipient would.
//
// The host manifest is machine-wide: its description always contains
// "Sealpost agent (e2e)" so cleanups (here, run.sh) remove only ours, and a
// manifest of a really installed agent is never replaced.

import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGET } from './browser.mjs';

export const HOST_NAME = 'com.sealpost.agent';
export const HOST_DIR = '/etc/chromium/native-messaging-hosts';
export const HOST_FILE = path.join(HOST_DIR, `${HOST_NAME}.json`);
/** Firefox's system-wide host manifest (packaging/native-messaging/README.md). */
export const FIREFOX_HOST_FILE = `/usr/lib/mozilla/native-messaging-hosts/${HOST_NAME}.json`;
/** In the description of every manifest these tests write. */
export const E2E_HOST = 'Sealpost agent (e2e)';
/** The older stand-in's marker (e2e/agent.test.mjs). */
const STAND_IN = 'Sealpost agent (test stand-in)';
export const SEALPOST = process.env.SEALPOST_BIN || path.join(TARGET, 'debug/sealpost');
export const FAKE_AGENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fake-agent/agent.mjs');
const PYTHON = 'python3';

/** The host manifest's path for `browser` ('chromium' or 'firefox'). */
export function hostFile(browser = 'chromium') {
    return browser === 'firefox' ? FIREFOX_HOST_FILE : HOST_FILE;
}

/** 'none', 'ours' (a test's, possibly left by a killed run) or 'foreign' (a real install). */
export function hostState(browser = 'chromium') {
    const file = hostFile(browser);
    if (!fs.existsSync(file)) return 'none';
    const text = fs.readFileSync(file, 'utf8');
    return text.includes(E2E_HOST) || text.includes(STAND_IN) ? 'ours' : 'foreign';
}

/** Removes a test manifest a killed run may have left; never a real agent's. */
export function removeStaleHost(browser = 'chromium') {
    if (hostState(browser) === 'ours') fs.rmSync(hostFile(browser), { force: true });
}

/**
 * Points com.sealpost.agent at `launcher` for the extension `extId` (only
 * it: Chromium's allowed_origins, Firefox's allowed_extensions). `what` is
 * added to the description. Refuses to replace a real agent's manifest.
 */
export function registerHost(launcher, extId, what = '', browser = 'chromium') {
    const file = hostFile(browser);
    if (hostState(browser) === 'foreign') throw new Error(`${file} belongs to an installed agent; not replacing it`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const manifest = {
        name: HOST_NAME,
        description: what ? `${E2E_HOST}: ${what}` : E2E_HOST,
        path: launcher,
        type: 'stdio',
        ...(browser === 'firefox' ? { allowed_extensions: [extId] } : { allowed_origins: [`chrome-extension://${extId}/`] }),
    };
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
}

/** Removes our manifest (only ours). */
export function unregisterHost(browser = 'chromium') {
    removeStaleHost(browser);
}

function writeScript(file, lines) {
    fs.writeFileSync(file, ['#!/bin/sh', ...lines, ''].join('\n'), { mode: 0o755 });
    return file;
}

const sh = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * Creates the agent's files (see the top of this file). Returns the agent:
 * {dir, dataDir, own, recipients, launcher, hostLog, env, downLauncher(),
 * fakeLauncher(mode), request(), decrypt(), encryptedTo(), subkeyOf(),
 * parseMime(), auditRecords(), verifyAudit(), close()}. Always call close().
 */
export async function createAgent({ extId, own = 'me@clinic.test', recipients = ['dr.ames@clinic.test', 'nurse.bell@clinic.test'] } = {}) {
    if (!fs.existsSync(SEALPOST)) throw new Error(`${SEALPOST} is missing: build it with \`cargo build -p sealpost --bin sealpost\` (run.sh does)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-agent-'));
    const agent = {
        dir,
        dataDir: path.join(dir, 'data'),
        gnupgHome: path.join(dir, 'gnupg'),
        config: path.join(dir, 'sealpost.toml'),
        managedPolicy: path.join(dir, 'managed-policy.toml'), // absent: the user's (default) policy
        hostLog: path.join(dir, 'native-host.log'),
        // Every host process Chromium starts through our launchers writes its pid here.
        hostPids: path.join(dir, 'host.pids'),
        own,
        recipients,
        extId,
    };
    agent.env = { ...process.env, SEALPOST_DATA_DIR: agent.dataDir, SEALPOST_CONFIG: agent.config, SEALPOST_MANAGED_POLICY: agent.managedPolicy, GNUPGHOME: agent.gnupgHome };
    const run = (cmd, args, input) => execFileSync(cmd, args, { env: agent.env, input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60000 });
    try {
        fs.mkdirSync(agent.dataDir, { mode: 0o700 });
        fs.mkdirSync(agent.gnupgHome, { mode: 0o700 });
        fs.writeFileSync(agent.config, '# the default configuration and policy\n');
        run(SEALPOST, ['keys', 'generate', '--email', own, '--name', 'Sealpost e2e sender']);
        for (const address of recipients) {
            run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', address, 'default', 'default', 'never']);
        }
        const pub = path.join(dir, 'recipients.asc');
        fs.writeFileSync(pub, run('gpg', ['--batch', '--armor', '--export', ...recipients]));
        run(SEALPOST, ['keys', 'import', pub]);
        // The sender's public key in GnuPG too, so decryption also checks the signature.
        run('gpg', ['--batch', '--import'], run(SEALPOST, ['keys', 'export', own]));
        // The launcher, as packaging/native-messaging/sealpost-native-host with
        // the test paths; the host's log (stderr) goes to a file.
        const exports = ['SEALPOST_DATA_DIR', 'SEALPOST_CONFIG', 'SEALPOST_MANAGED_POLICY'].map((k) => `export ${k}=${sh(agent.env[k])}`);
        agent.launcher = writeScript(path.join(dir, 'sealpost-native-host'), [
            '# The e2e launcher of `sealpost native-host` (tests/extension/lib/agent-host.mjs).',
            ...exports,
            `echo $$ >>${sh(agent.hostPids)}`,
            `exec ${sh(SEALPOST)} native-host --allow-origin ${sh(`chrome-extension://${extId}/`)} "$@" 2>>${sh(agent.hostLog)}`,
        ]);
    } catch (e) {
        await closeAgent(agent);
        throw e;
    }
    Object.assign(agent, {
        /** A launcher for an agent that is installed but dies at once (agent down). */
        downLauncher: () => writeScript(path.join(dir, 'agent-down'), ['# An agent that exits before answering (each start noted in agent-down.log).', `echo started >>${sh(path.join(dir, 'agent-down.log'))}`, 'exit 1']),
        /** A launcher for the stand-in fake agent in `mode` (fake-agent/agent.mjs). */
        fakeLauncher: (mode) =>
            writeScript(path.join(dir, `fake-agent-${mode}`), [
                `export SEALPOST_FAKE_AGENT_MODE=${sh(mode)}`,
                `export SEALPOST_FAKE_AGENT_LOG=${sh(path.join(dir, `fake-agent-${mode}.jsonl`))}`,
                `echo $$ >>${sh(agent.hostPids)}`,
                `exec ${sh(process.execPath)} ${sh(FAKE_AGENT)} "$@"`,
            ]),
        stopHosts: () => stopHosts(agent),
        request: (msg, opts) => nativeRequest(agent.launcher, [`chrome-extension://${extId}/`], msg, opts),
        decrypt: (armored) => decrypt(agent, armored),
        encryptedTo: (armored) => encryptedTo(agent, armored),
        subkeyOf: (address) => subkeyOf(agent, address),
        parseMime,
        auditFile: path.join(agent.dataDir, 'audit.jsonl'),
        auditRecords() {
            if (!fs.existsSync(this.auditFile)) return [];
            return fs.readFileSync(this.auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
        },
        /** `sealpost audit verify` on the data dir: {status, output}. */
        verifyAudit() {
            try {
                return { status: 0, output: run(SEALPOST, ['audit', 'verify', '--data-dir', agent.dataDir]).toString() };
            } catch (e) {
                return { status: e.status ?? -1, output: `${e.stdout || ''}${e.stderr || ''}` };
            }
        },
        close: () => closeAgent(agent),
    });
    return agent;
}

/**
 * Ends the host processes Chromium started through this agent's launchers
 * (by the pids they wrote; only those still running a native host). The
 * extension keeps a port, and so a host, open while requests keep coming:
 * after the manifest is switched, this makes its next request start the
 * newly registered host, as after an agent restart.
 */
async function stopHosts(agent) {
    if (!fs.existsSync(agent.hostPids)) return 0;
    const pids = [...new Set(fs.readFileSync(agent.hostPids, 'utf8').split('\n').filter(Boolean).map(Number))];
    const cmdline = (pid) => {
        try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        } catch {
            return null;
        }
    };
    const isHost = (pid) => {
        const cmd = cmdline(pid);
        return !!cmd && (cmd.includes(' native-host ') || cmd.includes(FAKE_AGENT));
    };
    const live = pids.filter(isHost);
    for (const pid of live) {
        try {
            process.kill(pid, 'SIGTERM');
        } catch {}
    }
    // Gone, or a zombie until Chromium reaps it (its cmdline is then empty).
    const deadline = Date.now() + 5000;
    while (live.some(isHost) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(agent.hostPids, '');
    return live.length;
}

async function closeAgent(agent) {
    await stopHosts(agent).catch(() => {});
    try {
        // The gpg-agent GnuPG started for this GNUPGHOME.
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: agent.gnupgHome }, stdio: 'ignore', timeout: 10000 });
    } catch {}
    fs.rmSync(agent.dir, { recursive: true, force: true });
}

/**
 * Decrypts an armored message with the recipients' GnuPG keys. Returns
 * {raw: Buffer (the inner MIME), status: gpg's --status-fd lines}.
 */
function decrypt(agent, armored) {
    const statusFile = path.join(agent.dir, `gpg-status-${crypto.randomUUID()}`);
    try {
        const raw = execFileSync('gpg', ['--batch', '--status-file', statusFile, '--decrypt'], { env: agent.env, input: armored, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30000, maxBuffer: 64 * 1024 * 1024 });
        return { raw, status: fs.readFileSync(statusFile, 'utf8') };
    } catch (e) {
        const status = fs.existsSync(statusFile) ? fs.readFileSync(statusFile, 'utf8') : '';
        throw new Error(`gpg --decrypt failed (${e.status}): ${String(e.stderr || e.message).trim()}\n${status}`);
    } finally {
        fs.rmSync(statusFile, { force: true });
    }
}

/** The key ids the message is encrypted to (gpg --list-packets: pubkey enc packets). */
function encryptedTo(agent, armored) {
    const out = execFileSync('gpg', ['--batch', '--list-packets', '--list-only'], { env: agent.env, input: armored, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30000 }).toString();
    return [...out.matchAll(/:pubkey enc packet:.*keyid ([0-9A-F]{16})/g)].map((m) => m[1]);
}

/** The encryption subkey id of a recipient GnuPG made. */
function subkeyOf(agent, address) {
    const out = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys', `<${address}>`], { env: agent.env, timeout: 10000 }).toString();
    const sub = out.split('\n').find((l) => l.startsWith('sub:'));
    return sub ? sub.split(':')[4] : null;
}

// The inner message, parsed with Python's email package (a MIME parser that
// is not ours): headers, the text and HTML bodies and each attachment's name,
// type, size and SHA-256 (plus its text when it is short text).
const MIME_PY = String.raw`
import sys, json, hashlib, email
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
out = {"headers": {k.lower(): str(v) for k, v in msg.items()}, "content_type": msg.get_content_type(),
       "parts": [], "text": [], "html": [], "attachments": []}
for part in msg.walk():
    ct = part.get_content_type()
    out["parts"].append(ct)
    if part.is_multipart():
        continue
    disp = part.get_content_disposition()
    data = part.get_payload(decode=True) or b""
    if disp == "attachment" or part.get_filename():
        a = {"name": part.get_filename(), "type": ct, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if ct.startswith("text/") and len(data) < 65536:
            a["text"] = data.decode("utf-8", "replace")
        out["attachments"].append(a)
    elif ct == "text/plain":
        out["text"].append(part.get_content())
    elif ct == "text/html":
        out["html"].append(part.get_content())
    else:
        out.setdefault("other", []).append({"type": ct, "text": data.decode("utf-8", "replace")[:2000]})
print(json.dumps(out))
`;

/** Parses an RFC 5322 message (Buffer) with python3's email module. */
export function parseMime(raw) {
    return JSON.parse(execFileSync(PYTHON, ['-c', MIME_PY], { input: raw, timeout: 30000, maxBuffer: 64 * 1024 * 1024 }).toString());
}

/**
 * One native-messaging exchange with a host program, as Chromium does it:
 * starts `program` with `args` (the caller's origin), writes the request as
 * a length-prefixed JSON frame, reads replies until one is not a `chunk`
 * (chunks are joined), then closes stdin. Returns {reply, ms (start to the
 * reply), firstByteMs}.
 */
export function nativeRequest(program, args, msg, { timeoutMs = 15000, env = process.env } = {}) {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(program, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let buf = Buffer.alloc(0);
        let chunks = '';
        let stderr = '';
        let done = false;
        let firstByteMs = null;
        const finish = (err, value) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            child.stdin.end();
            if (err) {
                child.kill('SIGKILL');
                reject(err);
            } else resolve(value);
        };
        const timer = setTimeout(() => finish(new Error(`no reply from ${program} within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`)), timeoutMs);
        child.stderr.on('data', (d) => {
            stderr += d;
        });
        child.on('error', (e) => finish(e));
        child.on('exit', (code) => finish(new Error(`${program} exited (${code}) before replying; stderr: ${stderr.slice(-500)}`)));
        child.stdout.on('data', (d) => {
            if (firstByteMs === null) firstByteMs = Number(process.hrtime.bigint() - started) / 1e6;
            buf = Buffer.concat([buf, d]);
            while (buf.length >= 4) {
                const n = buf.readUInt32LE(0);
                if (buf.length < 4 + n) break;
                const reply = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
                buf = buf.subarray(4 + n);
                if (reply && reply.type === 'chunk') {
                    chunks += reply.data;
                    if (!reply.last) continue;
                    return finish(null, { reply: JSON.parse(chunks), ms: Number(process.hrtime.bigint() - started) / 1e6, firstByteMs });
                }
                return finish(null, { reply, ms: Number(process.hrtime.bigint() - started) / 1e6, firstByteMs });
            }
        });
        const body = Buffer.from(JSON.stringify(msg), 'utf8');
        const head = Buffer.alloc(4);
        head.writeUInt32LE(body.length, 0);
        child.stdin.on('error', () => {});
        child.stdin.write(Buffer.concat([head, body]));
    });
}

/** The repo's sealpost binary exists (run.sh builds it). */
export function haveSealpost() {
    return fs.existsSync(SEALPOST);
}
