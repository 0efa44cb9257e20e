// Reading encrypted mail in Gmail and Outlook on the web. An OpenPGP message
// shown as armored text in a message body gets a bar above it: "Decrypt
// with Sealpost". On click the armored text goes to the service worker with
// a one-time token, and an extension-origin frame (secure/reader.html) is
// placed under the bar; the frame claims the token and shows the decrypted
// message read-only. The plaintext exists only inside that frame: neither
// the page nor this content script ever holds it.
//
// Reading views, as of 2025–2026: Gmail renders each message body in
// div.a3s (classes "a3s aiL"); Outlook on the web in a div whose aria-label
// is "Message body" (the compose editor's label starts the same but goes on,
// and is contenteditable). Found by a debounced MutationObserver, no polling.
'use strict';

(() => {
    if (!Sealpost.site || Sealpost.readerStarted) return;
    Sealpost.readerStarted = true;

    const BODIES = {
        gmail: 'div.a3s',
        outlook: 'div[aria-label="Message body"]',
    };
    const BEGIN = '-----BEGIN PGP MESSAGE-----';
    const END = '-----END PGP MESSAGE-----';
    const DEBOUNCE_MS = 250;
    const MAX_FRAME_PX = 4000;
    const { el, lockIcon } = Sealpost.dom;

    const handled = new WeakMap(); // message body → the armored text its bar is for
    const frames = new Map(); // frame window → iframe (to size them)

    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
.bar { display: flex; align-items: center; gap: 10px; margin: 6px 0; padding: 8px 12px; border-radius: 8px; background: #e8f0fe; color: #0b3d91; border: 1px solid #c2d7fa; }
.bar .what { flex: 1; }
.bar strong { font-weight: 600; }
.bar.open { background: #e6f4ea; color: #0d652d; border-color: #b7e1c1; }
`);

    /** The armored block in `text` (the first one), or null. */
    function armoredIn(text) {
        const start = text.indexOf(BEGIN);
        if (start < 0) return null;
        const end = text.indexOf(END, start);
        if (end < 0) return null;
        return text
            .slice(start, end + END.length)
            .replace(/\u00a0/g, ' ')
            .split('\n')
            .map((line) => line.trim())
            .join('\n');
    }

    function scan() {
        const sel = BODIES[Sealpost.site.name];
        if (!sel) return;
        for (const body of document.querySelectorAll(sel)) {
            if (body.isContentEditable || body.closest('[contenteditable="true"]')) continue;
            // textContent first: cheap, and no layout for bodies without a message.
            if (!body.textContent.includes(BEGIN)) continue;
            const armored = armoredIn(body.innerText);
            if (!armored || handled.get(body) === armored) continue;
            handled.set(body, armored);
            attach(body, armored);
        }
    }

    function attach(body, armored) {
        // A new message in the same body: drop the bar (and frame) of the old one.
        for (let prev = body.previousElementSibling; prev && /^reader(-bar)?$/.test(prev.getAttribute('data-sealpost') || ''); ) {
            const gone = prev;
            prev = prev.previousElementSibling;
            if (gone.tagName === 'IFRAME') frames.delete(gone.contentWindow);
            gone.remove();
        }
        const { host, root } = Sealpost.dom.shadowHost('div', 'reader-bar', Sealpost.styles);
        root.adoptedStyleSheets = [Sealpost.styles, sheet];
        const what = el('span', { class: 'what' }, el('strong', {}, 'Encrypted message.'), ' Sealpost can open it on this computer if it was sent to you.');
        const button = el('button', { type: 'button', class: 'btn primary', 'data-action': 'decrypt' }, 'Decrypt with Sealpost');
        const bar = el('div', { class: 'bar', role: 'group', 'aria-label': 'Sealpost' }, lockIcon(16), what, button);
        root.append(bar);
        let frame = null;
        button.addEventListener('click', () => {
            if (frame) {
                frames.delete(frame.contentWindow);
                frame.remove();
                frame = null;
                bar.classList.remove('open');
                what.replaceChildren(el('strong', {}, 'Encrypted message.'), ' Sealpost can open it on this computer if it was sent to you.');
                button.textContent = 'Decrypt with Sealpost';
                return;
            }
            frame = open(host, armored);
            bar.classList.add('open');
            what.replaceChildren(el('strong', {}, 'Decrypted below.'), ' Only you can see it; the mail site cannot.');
            button.textContent = 'Hide';
        });
        body.before(host);
    }

    function open(after, armored) {
        const token = crypto.randomUUID();
        const frame = document.createElement('iframe');
        frame.setAttribute('data-sealpost', 'reader');
        frame.setAttribute('title', 'Decrypted message (Sealpost)');
        frame.style.cssText = 'display:block;width:100%;height:160px;border:0;margin:0 0 8px;color-scheme:light;';
        // Register first, then load: the frame claims the token as it starts.
        chrome.runtime
            .sendMessage({ type: 'reader-register', token, armored })
            .catch(() => {})
            .finally(() => {
                frame.src = `${chrome.runtime.getURL('secure/reader.html')}#${encodeURIComponent(token)}`;
            });
        after.after(frame);
        // The same WindowProxy before and after the frame navigates.
        frames.set(frame.contentWindow, frame);
        return frame;
    }

    // The frame reports its height (a number only) so it needs no scrollbar.
    window.addEventListener('message', (e) => {
        const frame = frames.get(e.source);
        if (!frame || !e.data || typeof e.data.sealpostReaderHeight !== 'number') return;
        frame.style.height = `${Math.min(MAX_FRAME_PX, Math.max(60, e.data.sealpostReaderHeight))}px`;
    });

    let timer = 0;
    const observer = new MutationObserver(() => {
        if (timer) return;
        timer = setTimeout(() => {
            timer = 0;
            scan();
        }, DEBOUNCE_MS);
    });
    // Bodies arrive as new nodes; typing (character data) is not watched, so
    // this costs nothing on the keystroke path.
    observer.observe(document.body, { childList: true, subtree: true });
    scan();
})();
