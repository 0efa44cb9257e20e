#!/usr/bin/env node
// A stand-in for the Sealpost agent's native-messaging host
// (com.sealpost.agent), for the extension tests only: answers the status
// probe {"type":"status"} with {"type":"status","ok":true,...} and records
// every message it receives (as JSON lines) in $SEALPOST_FAKE_AGENT_LOG or, when
// unset, in the temp dir (sealpost-fake-agent.jsonl).
// Native messaging framing: 32-bit native-endian length, then UTF-8 JSON.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LOG = process.env.SEALPOST_FAKE_AGENT_LOG || path.join(os.tmpdir(), 'sealpost-fake-agent.jsonl');
let buf = Buffer.alloc(0);

function reply(obj) {
    const body = Buffer.from(JSON.stringify(obj), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    process.stdout.write(Buffer.concat([head, body]));
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
            fs.appendFileSync(LOG, JSON.stringify(msg) + '\n');
        } catch {}
        if (msg && msg.type === 'status') reply({ type: 'status', ok: true, version: 'fake-agent' });
        else reply({ type: msg && msg.type, ok: false, error: 'the fake agent only answers status' });
    }
});
process.stdin.on('end', () => process.exit(0));
