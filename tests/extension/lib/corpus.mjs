// Realistic clinical text for the benches: the plain-text bodies of the
// labelled sample messages (shared/testdata/labelled/*.eml).

import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './browser.mjs';

/** A clinical body of about `size` bytes from the labelled .eml files' plain-text bodies. */
export function clinicalBody(size) {
    const dir = path.join(REPO, 'shared/testdata/labelled');
    const parts = [];
    let total = 0;
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.eml')).sort()) {
        const raw = fs.readFileSync(path.join(dir, name), 'utf8').replace(/\r\n/g, '\n');
        const split = raw.indexOf('\n\n');
        if (split < 0) continue;
        const head = raw.slice(0, split);
        if (/^content-type:\s*multipart|^content-transfer-encoding:\s*(base64|quoted-printable)/im.test(head)) continue;
        if (/^content-type:/im.test(head) && !/^content-type:\s*text\/plain/im.test(head)) continue;
        const body = raw.slice(split + 2).trim();
        if (!body) continue;
        parts.push(body);
        total += Buffer.byteLength(body) + 2;
        if (total >= size) break;
    }
    let text = parts.join('\n\n');
    while (Buffer.byteLength(text) < size) text += '\n\n' + parts[0];
    // Cut at a paragraph boundary near the size.
    const cut = text.lastIndexOf('\n\n', size);
    return cut > size * 0.9 ? text.slice(0, cut) : text.slice(0, size);
}
