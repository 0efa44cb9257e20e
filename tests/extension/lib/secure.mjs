// Driving secure-send in a compose window (see /tmp/ss-contract.md,
// sections 2-4): the extension-origin secure editor frame
// (iframe[data-sealpost="secure-editor"], placed over the site's body), its
// hooks inside ([data-sealpost-editor], input[data-sealpost-file],
// [data-sealpost-attachment], [data-sealpost-notice]), the indicator's
// data-keys, and checks that no plaintext reached the mail site.

import assert from 'node:assert/strict';
import { WAIT_MS } from './browser.mjs';
import { Compose, SITES, gate, waitUntil } from './compose.mjs';

export const SECURE_FRAME = 'iframe[data-sealpost="secure-editor"]';
export const ARMOR_BEGIN = '-----BEGIN PGP MESSAGE-----';
export const ARMOR_END = '-----END PGP MESSAGE-----';

/** Opens a new compose window with recipients and a subject (the page's test handle). */
export async function composeWith(page, siteName, { to = [], cc = [], subject = '' } = {}) {
    const id = await page.evaluate((opts) => window.testPage.openCompose(opts), { to, cc, subject });
    return new Compose(page, SITES[siteName], id).attached();
}

/** The secure editor frame of the (only) compose window on the page. */
export function secureFrame(page) {
    return page.frameLocator(SECURE_FRAME).first();
}

export function secureEditor(page) {
    return secureFrame(page).locator('[data-sealpost-editor]');
}

/** Turns secure-send on with the indicator's switch; waits for the editor frame. */
export async function turnOn(c, expected = { secure: 'on' }) {
    await c.toggle.click();
    await c.waitFor({ 'aria-checked': 'true', ...expected });
    await c.page.locator(SECURE_FRAME).first().waitFor({ state: 'visible', timeout: WAIT_MS }).catch((e) => {
        throw new Error(`${c.site.name}: no visible ${SECURE_FRAME} after turning secure-send on: ${e.message.split('\n')[0]}`);
    });
    await secureEditor(c.page).waitFor({ state: 'visible', timeout: WAIT_MS });
}

/** The secure editor's subject field (input[data-sealpost-subject]; hidden where the site has none). */
export function secureSubject(page) {
    return secureFrame(page).locator('input[data-sealpost-subject]');
}

/** Waits until the secure editor's subject field is visible and holds exactly `text`. */
export async function waitSecureSubject(page, text, what = "the secure editor's subject") {
    return waitUntil(
        () => secureSubject(page).evaluate((el) => (el.checkVisibility() ? el.value : '(hidden)')).catch((e) => `(${e.message.split('\n')[0]})`),
        (v) => v === text,
        { what },
    );
}

/** Turns secure-send off with the indicator's switch; waits for the editor frame to go. */
export async function turnOff(c) {
    await c.toggle.click();
    await c.waitFor({ 'aria-checked': 'false', secure: 'off' });
    await waitUntil(() => c.page.locator(SECURE_FRAME).count(), (n) => n === 0, { what: 'the secure editor to close' });
}

/** The secure editor's text (innerText of [data-sealpost-editor]). */
export async function secureText(page) {
    return (await secureEditor(page).evaluate((el) => el.innerText)).replace(/\n$/, '');
}

/** Types into the secure editor at its end (real keystrokes). */
export async function typeSecure(page, text) {
    await secureEditor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(text);
}

/** Waits until the secure editor holds exactly `text`. */
export async function waitSecureText(page, text, what = 'the secure editor text') {
    return waitUntil(() => secureText(page).catch((e) => `(${e.message.split('\n')[0]})`), (t) => t === text, { what });
}

/** The attachments listed in the secure editor: [{name, size}]. */
export async function secureAttachments(page) {
    return secureFrame(page)
        .locator('[data-sealpost-attachment]')
        .evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-name'), size: Number(e.getAttribute('data-size')) })));
}

export async function waitSecureAttachments(page, names) {
    return waitUntil(
        () => secureAttachments(page).catch(() => []),
        (list) => names.every((n) => list.some((a) => a.name === n)),
        { what: `attachments ${names.join(', ')} in the secure editor` },
    );
}

/** Waits for the visible gate dialog and checks its data-kind. */
export async function gateOf(page, kind) {
    const g = gate(page).first();
    await g.waitFor({ state: 'visible', timeout: WAIT_MS }).catch((e) => {
        throw new Error(`no visible [data-sealpost="gate"] after the send (expected data-kind=${kind}): ${e.message.split('\n')[0]}`);
    });
    assert.equal(await g.getAttribute('data-kind'), kind, 'gate data-kind');
    return g;
}

/** The page's own time (Date.now()), to mark when secure-send took over. */
export const pageNow = (page) => page.evaluate(() => Date.now());

/**
 * Every request the page made to the test server that contains one of
 * `needles`: sends and uploads (all of them), autosaves of drafts read at or
 * after `since` (page time; before it the text was legitimately in the
 * site's editor). Returns descriptions; [] means no plaintext reached the site.
 */
export function plaintextLeaks(server, needles, since = 0) {
    const leaks = [];
    const check = (what, text) => {
        for (const n of needles) if (text.includes(n)) leaks.push(`${what} contains ${JSON.stringify(n)}`);
    };
    server.sent().forEach((m, i) => check(`send #${i + 1}`, JSON.stringify(m)));
    server.uploads().forEach((u, i) => check(`upload #${i + 1} (${u.name})`, u.data.toString('latin1') + u.name));
    server
        .autosaves()
        .filter((d) => (d.at ?? d.receivedAt) >= since)
        .forEach((d, i) => check(`autosave #${i + 1}`, JSON.stringify(d)));
    return leaks;
}
