// One overlay host per page for floating UI (hover card, tip, send-gate
// dialog): an element the extension adds to <body> with an open shadow root.
'use strict';

(() => {
    let overlay = null;

    /** The overlay's shadow root, created (or re-attached) on demand. */
    function overlayRoot() {
        if (!overlay) {
            const { host, root } = Sealpost.dom.shadowHost('div', 'overlay', Sealpost.styles);
            host.style.cssText = 'position:fixed;left:0;top:0;width:0;height:0;z-index:2147483647;';
            overlay = { host, root };
        }
        if (!overlay.host.isConnected) document.body.append(overlay.host);
        return overlay.root;
    }

    /** Puts a floating box near `rect` (below it, or above when there is no room). */
    function place(box, rect, { gap = 6, prefer = 'below' } = {}) {
        box.style.left = '0px';
        box.style.top = '0px';
        const w = box.offsetWidth;
        const h = box.offsetHeight;
        const vw = document.documentElement.clientWidth;
        const vh = document.documentElement.clientHeight;
        let top = prefer === 'below' ? rect.bottom + gap : rect.top - h - gap;
        if (prefer === 'below' && top + h > vh - 8) top = rect.top - h - gap;
        if (prefer === 'above' && top < 8) top = rect.bottom + gap;
        const left = Math.max(8, Math.min(rect.left, vw - w - 8));
        box.style.left = `${Math.round(left)}px`;
        box.style.top = `${Math.round(Math.max(8, top))}px`;
    }

    Sealpost.overlay = { root: overlayRoot, place };
})();
