#!/usr/bin/env node
// A stand-in for the Sealpost agent's native-messaging host
// (com.sealpost.agent), for the extension tests only. Records every message
// it receives (as JSON lines) in $SEALPOST_FAKE_AGENT_LOG or, when unset, in
// the temp dir (sealpost-fake-agent.jsonl). What it answers depends on
// $SEALPOST_FAKE_AGENT_MODE:
//   (unset)            the status probe {"type":"status"} with
//                      {"type":"status","ok":true,...}; anything else with an error;
//   encrypt-malformed  like the real agent (proxy/src/native/mod.rs) for
//                      status (own key me@clinic.test), recipients (every
//                      address has a key) and audit, but `encrypt` gets a
//                      reply that is not the protocol at all (a JSON array,
//                      no id, no ok): the malformed-host-message case.
// Native messaging framing: 32-bit native-endian length, then UTF-8 JSON.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LOG = process.env.SEALPOST_FAKE_AGENT_LOG || path.join(os.tmpdir(), 'sealpost-fake-agent.jsonl');
const MODE = process.env.SEALPOST_FAKE_AGENT_MODE || '';
let buf = Buffer.alloc(0);

function reply(obj) {
    const body = Buffer.from(JSON.stringify(obj), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    process.stdout.write(Buffer.concat([head, body]));
}

/** The stand-in's answer to `msg` in encrypt-malformed mode. */
function malformedEncryptMode(msg) {
    const id = msg.id;
    switch (msg.type) {
        case 'status':
            return {
                id,
                ok: true,
                type: 'status',
                version: 'fake-agent',
                has_secret_key: true,
                own_keys: [{ address: 'me@clinic.test', fingerprint: '0'.repeat(40) }],
                recipient_certificates: 2,
                policy: { digest: '0'.repeat(64), source: 'user', managed_path: null, warning: null },
                placeholder_subject: 'Secure message',
                audit_available: true,
            };
        case 'recipients':
            return { id, ok: true, type: 'recipients', results: (msg.addresses || []).map((address) => ({ address, status: 'found', fingerprint: '1'.repeat(40) })) };
        case 'audit':
            return { id, ok: true, type: 'audit', recorded: true };
        case 'encrypt':
            return ['not', 'a', 'native-messaging reply'];
        default:
            return { id, ok: false, error: { code: 'unknown_type', message: 'the fake agent does not know this request' } };
    }
}

process.stdin.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
        const n = buf.readUInt32LE(0);
        if (buf.length < 4 + n) break;
        let msg = null;
        try {
            msg = JSON.parse(buf.subarray(4, 4 + n).toString('utf8'));
        } catch {}
        buf = buf.subarray(4 + n);
        try {
            // In a mode, the encrypt request (which carries the message) is logged by its shape only.
            const logged = MODE && msg && msg.type === 'encrypt' ? { type: 'encrypt', id: msg.id, members: Object.keys(msg).sort() } : msg;
            fs.appendFileSync(LOG, JSON.stringify(logged) + '\n');
        } catch {}
        if (MODE === 'encrypt-malformed') reply(msg && typeof msg === 'object' ? malformedEncryptMode(msg) : { ok: false, error: { code: 'bad_request', message: 'not an object' } });
        else if (msg && msg.type === 'status') reply({ type: 'status', ok: true, version: 'fake-agent' });
        else reply({ type: msg && msg.type, ok: false, error: 'the fake agent only answers status' });
    }
});
process.stdin.on('end', () => process.exit(0));
