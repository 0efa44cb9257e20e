// Highlights findings in the editor with the CSS Custom Highlight API: the
// editor's DOM is never modified (no wrapping spans, no innerHTML). Two
// registry entries, styled in highlights.css: `sealpost-phi` (identifiers)
// and `sealpost-health` (health context). Each compose window owns its ranges.
'use strict';

(() => {
    const supported = typeof CSS !== 'undefined' && CSS.highlights && typeof Highlight === 'function';
    const registry = {};

    function highlight(name) {
        if (!registry[name]) {
            registry[name] = new Highlight();
            // Identifiers paint over health context where they overlap.
            registry[name].priority = name === 'sealpost-phi' ? 2 : 1;
            CSS.highlights.set(name, registry[name]);
        }
        return registry[name];
    }

    function registryFor(finding) {
        return highlight(finding.health ? 'sealpost-health' : 'sealpost-phi');
    }

    // Only findings near the visible part of the editor are registered:
    // Chromium rebuilds the markers of every registered range after any DOM
    // change and paints well beyond the view, so each range costs every
    // keystroke's frame. In traces of typing into a 20 KB body (Gmail page):
    // all 328 findings registered made that frame 10.9 ms; the 24 within
    // 1,000 characters of the view, 6.2 ms; none, 5.0 ms. In the denser middle
    // of the body, 40 ranges (1,000) took 7.9 ms and 17 (300) 6.7 ms. MARGIN,
    // in characters on either side of the view, is about six lines: one wheel
    // step stays inside it, and the scroll handler recentres it each frame.
    const MARGIN = 500;

    class WindowHighlights {
        constructor(editor) {
            this.editor = editor;
            this.ranges = []; // [{range, finding, on}], in the order of the body findings
            this.version = 0;
            this.structure = -1;
            this.span = null; // [start, end) text offsets registered; null: all
            this.map = null;
        }

        /**
         * Shows the body findings of a scan result. A delta from the previous
         * version only touches the findings that changed: the others keep
         * their Range objects, which the DOM keeps current as text is typed
         * (ranges are live). After structural DOM changes (new lines, pasted
         * blocks) or a skipped version, everything is rebuilt from the map.
         */
        update(result, map, structure) {
            if (!supported) return;
            this.map = map;
            const d = result.delta;
            const structural = structure !== this.structure;
            this.structure = structure;
            if (d.full || structural || this.version !== result.version - 1 || d.head + d.tail > this.ranges.length) {
                this.clear();
                this.span = this.visibleSpan(map);
                this.ranges = result.body.map((f) => this.entry(f, map));
            } else {
                const fresh = d.middle.map((f) => this.entry(f, map));
                const removed = this.ranges.splice(d.head, this.ranges.length - d.head - d.tail, ...fresh);
                for (const h of removed) hide(h);
            }
            this.version = result.version;
        }

        entry(finding, map) {
            const h = { range: Sealpost.textMap.rangeFor(map, finding.start16, finding.end16), finding, on: false };
            if (this.inSpan(finding)) show(h);
            return h;
        }

        inSpan(f) {
            return !this.span || (f.end16 > this.span[0] && f.start16 < this.span[1]);
        }

        /** The text offsets near the visible part of the editor, or null (all). */
        visibleSpan(map) {
            if (!map || !this.editor.isConnected) return null;
            const r = this.editor.getBoundingClientRect();
            const top = Math.max(r.top, 0) + 2;
            const bottom = Math.min(r.bottom, window.innerHeight) - 2;
            if (bottom <= top) return [0, 0];
            const a = caretAt(r.left + 4, top);
            const b = caretAt(Math.max(r.left + 4, r.right - 4), bottom);
            const start = a ? Sealpost.textMap.offsetNear(map, a.node, a.offset) : -1;
            const end = b ? Sealpost.textMap.offsetNear(map, b.node, b.offset) : -1;
            if (start < 0 || end < 0) return null;
            return [Math.max(0, start - MARGIN), end + MARGIN];
        }

        /** After scrolling: registers the findings that came near the view, drops the others. */
        refreshView() {
            if (!supported || !this.ranges.length) return;
            const span = this.visibleSpan(this.map);
            const same = span && this.span && Math.abs(span[0] - this.span[0]) < MARGIN / 3 && Math.abs(span[1] - this.span[1]) < MARGIN / 3;
            if (same || (!span && !this.span)) return;
            this.span = span;
            for (const h of this.ranges) {
                if (this.inSpan(h.finding)) show(h);
                else hide(h);
            }
        }

        /** The finding under the viewport point (x, y), with its range, or null. */
        at(x, y, map) {
            if (!this.ranges.length || !map) return null;
            const pos = caretAt(x, y);
            if (!pos) return null;
            const off = Sealpost.textMap.offsetOf(map, pos.node, pos.offset);
            if (off < 0) return null;
            for (const h of this.ranges) {
                const f = h.finding;
                if (!h.on) continue;
                if (off < f.start16 - 1 || off > f.end16) continue;
                for (const r of h.range.getClientRects()) {
                    if (x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1) return h;
                }
            }
            return null;
        }

        clear() {
            if (!supported) return;
            for (const h of this.ranges) hide(h);
            this.ranges = [];
        }
    }

    function show(h) {
        if (h.range && !h.on) {
            registryFor(h.finding).add(h.range);
            h.on = true;
        }
    }

    function hide(h) {
        if (h.on) {
            registryFor(h.finding).delete(h.range);
            h.on = false;
        }
    }

    function caretAt(x, y) {
        if (document.caretPositionFromPoint) {
            const p = document.caretPositionFromPoint(x, y);
            return p && p.offsetNode ? { node: p.offsetNode, offset: p.offset } : null;
        }
        const r = document.caretRangeFromPoint && document.caretRangeFromPoint(x, y);
        return r ? { node: r.startContainer, offset: r.startOffset } : null;
    }

    Sealpost.highlights = { supported, WindowHighlights };
})();
