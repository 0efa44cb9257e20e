// Starts Sealpost on a mail site: the send gate first (so no send slips
// through while windows are being found), then compose-window discovery,
// the hover card and the policy/agent listeners.
'use strict';

(() => {
    if (!Sealpost.site || Sealpost.started) return;
    Sealpost.started = true;
    const client = Sealpost.scanClient;

    Sealpost.sendGate.install();
    Sealpost.siteFiles.install();

    const refreshAll = () => {
        for (const w of Sealpost.discovery.windows()) w.refreshIndicator();
    };
    client.on('policy', refreshAll);
    client.on('agent', (status) => {
        // Keys could not be looked up while the agent was away: look again.
        if (status === 'available') {
            for (const w of Sealpost.discovery.windows()) if (w.secure && w.recipientKeys.state === 'unknown') w.recipientKeys.schedule();
        }
        refreshAll();
    });
    client.connect();
    client.probeAgent(false);

    // Hover card: which finding is under the mouse (at most once a frame).
    let pending = null;
    document.addEventListener(
        'mousemove',
        (e) => {
            if (pending) {
                pending = { x: e.clientX, y: e.clientY, target: e.target };
                return;
            }
            pending = { x: e.clientX, y: e.clientY, target: e.target };
            requestAnimationFrame(() => {
                const p = pending;
                pending = null;
                const win = Sealpost.discovery.windows().find((w) => w.body.contains(p.target));
                const hit = win ? win.highlights.at(p.x, p.y, win.map) : null;
                if (hit) Sealpost.hoverCard.show(hit);
                else Sealpost.hoverCard.hide();
            });
        },
        { capture: true, passive: true },
    );
    // Scrolling hides the card and moves the highlighted window of text.
    let scrollFrame = 0;
    const onViewChange = () => {
        Sealpost.hoverCard.hide();
        if (scrollFrame) return;
        scrollFrame = requestAnimationFrame(() => {
            scrollFrame = 0;
            for (const w of Sealpost.discovery.windows()) w.highlights.refreshView();
        });
    };
    document.addEventListener('scroll', onViewChange, { capture: true, passive: true });
    window.addEventListener('resize', onViewChange, { passive: true });

    // A secure message lives only in its secure editor (the site's draft
    // holds an empty body): leaving the page asks first, and if the user
    // leaves anyway its text and subject are kept to restore in a new window
    // (background/recoverable.js), as when the site closes the window.
    const unsent = () => Sealpost.discovery.windows().filter((w) => w.secureEditor && !w.handingOver && (w.secureEditor.text.trim() || w.secureEditor.subject.trim()));
    window.addEventListener('beforeunload', (e) => {
        if (!unsent().length) return;
        e.preventDefault();
        e.returnValue = '';
    });
    window.addEventListener('pagehide', (e) => {
        if (e.persisted) return; // kept in the back-forward cache: the windows come back as they are
        for (const w of unsent()) w.keepUnsent();
    });

    const begin = (prefs) => Sealpost.discovery.start(prefs);
    try {
        chrome.storage.local.get('prefs').then(
            (v) => begin(v.prefs),
            () => begin({}),
        );
    } catch {
        begin({});
    }
})();
