// Finds compose windows as the site creates them (new message, reply,
// forward, pop-out, several at once) with one MutationObserver on the page,
// debounced: a burst of mutations costs one query. No polling.
'use strict';

(() => {
    const QUIET_MS = 80; // wait for the burst to settle…
    const MAX_WAIT_MS = 300; // …but never longer than this

    const tracked = new Map(); // body editor → ComposeWindow
    let timer = null;
    let firstAt = 0;
    let prefs = {};

    function sweep() {
        timer = null;
        firstAt = 0;
        const site = Sealpost.site;
        for (const [body, win] of tracked) {
            if (!win.alive()) {
                win.dispose();
                tracked.delete(body);
            } else {
                win.attach();
            }
        }
        for (const body of document.querySelectorAll(site.bodySelector)) {
            if (tracked.has(body)) continue;
            const root = site.composeRoot(body);
            if (!root) continue;
            tracked.set(body, new Sealpost.ComposeWindow(site, body, root, prefs));
        }
    }

    function schedule() {
        const now = performance.now();
        if (!firstAt) firstAt = now;
        clearTimeout(timer);
        const wait = Math.min(QUIET_MS, Math.max(0, firstAt + MAX_WAIT_MS - now));
        timer = setTimeout(sweep, wait);
    }

    function start(userPrefs) {
        prefs = userPrefs || {};
        new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
        sweep();
    }

    Sealpost.discovery = {
        start,
        windows: () => [...tracked.values()],
    };
})();
