// The send gate. Send clicks and Ctrl/Cmd+Enter are intercepted in the
// capture phase on window, before any of the site's handlers. Gmail acts on
// mousedown+mouseup on its Send div and Outlook on click, so the gate decides
// at the first event of a gesture (pointerdown, mousedown or click) and then
// holds or passes the rest of that gesture (pointerup, mouseup, click)
// consistently. A held send is decided on a fresh scan; when it may go, the
// gesture is replayed on the site's Send control.
'use strict';

(() => {
    const MOUSE_EVENTS = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'auxclick', 'dblclick'];
    const GESTURE_MS = 3000;
    const GESTURE_END_MS = 700;

    let replaying = false;
    const gestures = new WeakMap(); // Send control → {pass, until}
    let keyHold = false;
    let keyDone = null;

    function windows() {
        return Sealpost.discovery ? Sealpost.discovery.windows() : [];
    }

    function sendTarget(e) {
        const site = Sealpost.site;
        const t = e.composedPath ? e.composedPath()[0] : e.target;
        const elt = t && t.nodeType === 1 ? t : t && t.parentElement;
        const btn = elt && elt.closest ? elt.closest(site.sendSelector) : null;
        if (!btn) return null;
        const win = windows().find((w) => w.root.contains(btn));
        return win ? { btn, win } : null;
    }

    function hold(e) {
        e.preventDefault();
        e.stopImmediatePropagation();
    }

    function onMouse(e) {
        if (replaying) return;
        const hit = sendTarget(e);
        if (!hit) return;
        const now = performance.now();
        let g = gestures.get(hit.btn);
        const inGesture = g && now < g.until;
        const starts = e.type === 'pointerdown' || ((e.type === 'mousedown' || e.type === 'click') && !inGesture);
        if (starts) {
            if (e.type !== 'click' && e.button !== 0) return;
            const pass = hit.win.passNow();
            g = { pass, until: now + GESTURE_MS };
            gestures.set(hit.btn, g);
            if (!pass) {
                // Show UI (or replay) only once the user's own gesture is
                // over, so no half of it lands on our dialog or our replay.
                const done = e.type === 'click' ? Promise.resolve() : gestureEnd(g, GESTURE_END_MS);
                void hit.win.attemptSend(done);
            }
        } else if (!inGesture) {
            return; // a stray up event, not part of a gesture we saw start
        }
        if (!g.pass) hold(e);
        if (e.type === 'click') {
            g.until = 0;
            if (g.finish) g.finish();
        }
    }

    /** Resolves when the gesture's click arrives, or after `ms` (a press released elsewhere). */
    function gestureEnd(g, ms) {
        return new Promise((resolve) => {
            const timer = setTimeout(resolve, ms);
            g.finish = () => {
                clearTimeout(timer);
                g.finish = null;
                resolve();
            };
        });
    }

    function isSendShortcut(e) {
        return e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
    }

    /** Enter or Space on the focused Send control itself (keyboard activation). */
    function isActivation(e) {
        return (e.key === 'Enter' || e.key === ' ') && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey;
    }

    function onKey(e) {
        if (replaying) return;
        if (isActivation(e)) {
            const hit = sendTarget(e);
            if (hit) return onActivationKey(e, hit);
        }
        if (e.type === 'keydown' && isSendShortcut(e)) {
            if (e.repeat && keyHold) return hold(e);
            const t = e.composedPath ? e.composedPath()[0] : e.target;
            const win = windows().find((w) => t && t.nodeType && w.root.contains(t));
            if (!win) return;
            if (win.passNow()) return;
            keyHold = true;
            hold(e);
            void win.attemptSend(new Promise((resolve) => {
                keyDone = resolve;
                setTimeout(resolve, GESTURE_END_MS);
            }));
        } else if (keyHold && (e.key === 'Enter' || e.key === 'Control' || e.key === 'Meta')) {
            // The rest of a held shortcut (keypress, keyup) stays with us.
            hold(e);
            if (e.type === 'keyup') {
                keyHold = false;
                if (keyDone) keyDone();
                keyDone = null;
            }
        }
    }

    // Gmail's Send div acts on Enter keydown and Space keyup; a <button>
    // (Outlook) turns either into a click. Decided at keydown, like a press.
    const activation = { key: null, pass: false, done: null };

    function onActivationKey(e, hit) {
        if (e.type === 'keydown') {
            if (e.repeat && activation.key === e.key) {
                if (!activation.pass) hold(e);
                return;
            }
            activation.key = e.key;
            activation.pass = hit.win.passNow();
            if (activation.pass) return;
            hold(e);
            void hit.win.attemptSend(
                new Promise((resolve) => {
                    activation.done = resolve;
                    setTimeout(resolve, GESTURE_END_MS);
                }),
            );
        } else if (activation.key === e.key) {
            if (!activation.pass) hold(e);
            if (e.type === 'keyup') {
                activation.key = null;
                if (activation.done) activation.done();
                activation.done = null;
            }
        }
    }

    /**
     * Replays a send gesture on the site's Send control (Gmail: mousedown+mouseup;
     * Outlook: click). `rect`: the control's bounding box when the caller read
     * it earlier (secure-send reads it before writing the ciphertext, so no
     * layout of the new body is forced here).
     */
    function replay(btn, rect = null) {
        const r = rect || btn.getBoundingClientRect();
        const init = {
            bubbles: true,
            cancelable: true,
            composed: true,
            view: window,
            clientX: r.left + r.width / 2,
            clientY: r.top + r.height / 2,
            button: 0,
        };
        replaying = true;
        try {
            btn.dispatchEvent(new PointerEvent('pointerdown', { ...init, buttons: 1, pointerType: 'mouse', isPrimary: true }));
            btn.dispatchEvent(new MouseEvent('mousedown', { ...init, buttons: 1 }));
            btn.dispatchEvent(new PointerEvent('pointerup', { ...init, buttons: 0, pointerType: 'mouse', isPrimary: true }));
            btn.dispatchEvent(new MouseEvent('mouseup', { ...init, buttons: 0 }));
            btn.dispatchEvent(new MouseEvent('click', { ...init, buttons: 0, detail: 1 }));
        } finally {
            replaying = false;
        }
    }

    function install() {
        for (const t of MOUSE_EVENTS) window.addEventListener(t, onMouse, true);
        for (const t of ['keydown', 'keypress', 'keyup']) window.addEventListener(t, onKey, true);
    }

    Sealpost.sendGate = { install, replay };
})();
