// Driving the Gmail-like and Outlook-like compose windows, and reading the
// extension's hooks (see /tmp/ext-contract.md, "What the extension shows"):
// the per-window indicator's data-* attributes, the gate dialog, the warn tip,
// the subject warning and the hover card, all under open shadow roots, which
// playwright's CSS selectors pierce.

import assert from 'node:assert/strict';
import { WAIT_MS } from './browser.mjs';

export const SITES = {
    gmail: {
        name: 'gmail',
        path: '/gmail.html',
        subject: 'input[name="subjectbox"]',
        body: 'div[role="textbox"][aria-label="Message Body"][contenteditable="true"]',
        send: 'div[role="button"].T-I.J-J5-Ji.aoO.v7.T-I-atl.L3',
    },
    outlook: {
        name: 'outlook',
        path: '/outlook.html',
        subject: 'input[aria-label="Add a subject"]',
        body: 'div[role="textbox"][contenteditable="true"][aria-label^="Message body"]',
        send: 'button[aria-label="Send"]',
    },
};
export const SITE_NAMES = Object.keys(SITES);

/** Texts whose verdicts under the default policy were checked with `sealpost scan --text`. */
export const TEXT = {
    // phi: name, date of birth, MRN, condition.
    phiBody: 'Patient Maria Lopez, DOB 03/14/1962, MRN 00448291, was seen today for uncontrolled type 2 diabetes. Please schedule a follow-up.',
    phiSubject: 'Maria Lopez MRN 00448291 diabetes follow-up',
    // possible: health context without an identifier.
    possibleBody: 'Patient has type 2 diabetes, follow up next week.',
    cleanSubject: 'Team offsite agenda for Friday',
    cleanBody: 'Lunch on Thursday? The conference room is booked from noon to one.',
};

const INDICATOR = '[data-sealpost="indicator"]';

/** Polls `probe()` until `ok(value)`; throws with `describe(last)` after `timeout` ms. */
export async function waitUntil(probe, ok, { timeout = WAIT_MS, interval = 40, what = 'condition', describe = (v) => JSON.stringify(v) } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
        last = await probe();
        if (ok(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${describe(last)}`);
        await new Promise((r) => setTimeout(r, interval));
    }
}

/** Opens the site's page on the test server and waits until its script ran. */
export async function openSite(browser, server, siteName, query = '?autosave=0') {
    const site = SITES[siteName];
    const page = await browser.newPage();
    await page.goto(server.url(site.path + query));
    await page.waitForSelector(`html[data-test-ready="${siteName}"]`, { state: 'attached' });
    return { page, site };
}

/** One compose window on the page, found by its data-test-window handle. */
export class Compose {
    constructor(page, site, windowId) {
        this.page = page;
        this.site = site;
        this.id = windowId;
        this.root = page.locator(`[data-test-window="${windowId}"]`);
        this.subject = this.root.locator(site.subject);
        this.body = this.root.locator(site.body);
        this.send = this.root.locator(site.send);
    }

    /** The indicator host for this window (inside the compose root). */
    get indicator() {
        return this.root.locator(INDICATOR);
    }

    get toggle() {
        return this.indicator.locator('button[role="switch"]');
    }

    get subjectWarning() {
        return this.root.locator('[data-sealpost="subject-warning"]');
    }

    /** Waits for the extension to attach its indicator to this window. */
    async attached() {
        await this.indicator.first().waitFor({ state: 'attached', timeout: WAIT_MS }).catch((e) => {
            throw new Error(`no [data-sealpost="indicator"] inside compose window ${this.id} on ${this.site.name} after ${WAIT_MS} ms (did the content script run?): ${e.message.split('\n')[0]}`);
        });
        assert.equal(await this.indicator.count(), 1, `exactly one indicator in compose window ${this.id}`);
        return this;
    }

    /** The indicator's data-* attributes (without the data- prefix); {} when absent. */
    async state() {
        return this.indicator.evaluate((el) => {
            const out = {};
            for (const a of el.attributes) if (a.name.startsWith('data-')) out[a.name.slice(5)] = a.value;
            const sw = el.shadowRoot && el.shadowRoot.querySelector('button[role="switch"]');
            out['aria-checked'] = sw ? sw.getAttribute('aria-checked') : null;
            return out;
        });
    }

    /**
     * Waits until the indicator shows every given attribute value, e.g.
     * {verdict: 'phi', secure: 'off'}; returns the state.
     */
    async waitFor(expected, timeout = WAIT_MS) {
        return waitUntil(
            () => this.state().catch((e) => ({ error: e.message.split('\n')[0] })),
            (s) => Object.entries(expected).every(([k, v]) => s[k] === String(v)),
            { timeout, what: `indicator of ${this.site.name} window ${this.id} to show ${JSON.stringify(expected)}` },
        );
    }

    /** Waits until a scan newer than `afterSeq` finished and no other follows within `quietMs`. */
    async settled(afterSeq = -1, quietMs = 250) {
        let s = await waitUntil(() => this.state(), (st) => Number(st['scan-seq'] ?? -1) > afterSeq, {
            what: `a completed scan (data-scan-seq > ${afterSeq}) in ${this.site.name} window ${this.id}`,
        });
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
            await new Promise((r) => setTimeout(r, quietMs));
            const next = await this.state();
            if (next['scan-seq'] === s['scan-seq']) return next;
            if (Date.now() > deadline) throw new Error(`${this.site.name} window ${this.id}: scans kept coming for ${WAIT_MS} ms with no change to the text (data-scan-seq ${next['scan-seq']})`);
            s = next;
        }
    }

    async seq() {
        return Number((await this.state())['scan-seq'] ?? -1);
    }

    async typeSubject(text) {
        await this.subject.click();
        await this.page.keyboard.type(text);
    }

    /** Types into the body at its end (a real keystroke per character). */
    async typeBody(text) {
        await this.body.click();
        await this.page.keyboard.press('Control+End');
        await this.page.keyboard.type(text);
    }

    /** Pastes-like insertion of a long text into the body (one input event). */
    async insertBody(text) {
        await this.body.click();
        await this.page.keyboard.press('Control+End');
        await this.page.keyboard.insertText(text);
    }

    async bodyText() {
        return this.body.evaluate((el) => el.innerText);
    }

    /** The site's Send gesture: a real pointer press and release on the Send control (Gmail acts on mousedown+mouseup, Outlook on click). */
    //
    // Raw mouse down/up at the control's centre, as a user's hand does it:
    // playwright's click() would check the hit target between the events and
    // retry when the extension's gate (rightly) appears on pointerdown.
    async clickSend() {
        await this.send.scrollIntoViewIfNeeded({ timeout: WAIT_MS });
        const box = await this.send.boundingBox({ timeout: WAIT_MS });
        if (!box) throw new Error(`Send control of ${this.site.name} window ${this.id} is not visible`);
        await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
        await this.page.mouse.down();
        await this.page.mouse.up();
    }

    async ctrlEnter() {
        await this.body.focus();
        await this.page.keyboard.press('Control+Enter');
    }

    async isOpen() {
        return (await this.root.count()) > 0;
    }
}

/** Opens a new compose window with the page's own Compose / New mail button. */
export async function newCompose(page, site) {
    const before = await page.evaluate(() => [...document.querySelectorAll('[data-test-window^="new-"]')].map((e) => e.getAttribute('data-test-window')));
    await page.locator('[data-test-action="compose"]').click();
    const id = await waitUntil(
        () => page.evaluate((b) => [...document.querySelectorAll('[data-test-window^="new-"]')].map((e) => e.getAttribute('data-test-window')).find((x) => !b.includes(x)), before),
        (x) => !!x,
        { what: 'a new compose window' },
    );
    return new Compose(page, site, id);
}

/** Opens an inline reply in the thread. */
export async function newReply(page, site) {
    await page.locator('[data-test-action="reply"]').click();
    const id = await waitUntil(() => page.evaluate(() => document.querySelector('[data-test-window^="reply-"]')?.getAttribute('data-test-window')), (x) => !!x, { what: 'an inline reply' });
    return new Compose(page, site, id);
}

/** The visible gate dialog / warn tip / hover card, wherever the extension put them. */
export const gate = (page) => page.locator('[data-sealpost="gate"]:visible');
export const tip = (page) => page.locator('[data-sealpost="tip"]:visible');
export const card = (page) => page.locator('[data-sealpost="card"]:visible');

/** What the page sent: the server's record, checked against the page's own. */
export async function sentMessages(page, server) {
    const fromServer = server.sent();
    return { server: fromServer, page: await page.evaluate(() => window.sentMessages.slice()) };
}

/** Asserts nothing was sent, after giving a wrongly released send time to arrive. */
export async function assertNothingSent(page, server, why, graceMs = 800) {
    await new Promise((r) => setTimeout(r, graceMs));
    const s = await sentMessages(page, server);
    assert.deepEqual(s.page, [], `${why}: the page sent ${JSON.stringify(s.page)}`);
    assert.deepEqual(s.server, [], `${why}: the server received ${JSON.stringify(s.server)}`);
}

/** Waits until the server has `n` sent messages; returns them. */
export async function waitSent(server, n = 1, timeout = WAIT_MS) {
    return waitUntil(() => server.sent(), (s) => s.length >= n, { timeout, what: `${n} sent message(s) at the test server` });
}

/** Registered highlight ranges in the page (the registry is per document; the main world sees the content script's entries). */
export async function highlights(page) {
    return page.evaluate(() => {
        const out = {};
        if (!globalThis.CSS || !CSS.highlights) return out;
        for (const [name, hl] of CSS.highlights) {
            out[name] = [...hl].map((r) => r.toString());
        }
        return out;
    });
}

/** Rendered text of an element, including its open shadow root (the extension's hosts). */
export async function textOf(locator) {
    return locator.evaluate((el) => {
        const root = el.shadowRoot;
        if (!root) return el.innerText;
        return [...root.children]
            .filter((n) => n.tagName !== 'STYLE' && n.tagName !== 'LINK')
            .map((n) => n.innerText)
            .join('\n');
    });
}

/** Centre of the first occurrence of `needle` in the element's text, in viewport coordinates. */
export async function textPoint(locator, needle) {
    return locator.evaluate((el, needle) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const i = n.data.indexOf(needle);
            if (i >= 0) {
                const r = document.createRange();
                r.setStart(n, i);
                r.setEnd(n, i + needle.length);
                const b = r.getClientRects()[0];
                return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
            }
        }
        return null;
    }, needle);
}
