// The text of a contenteditable editor, as the user reads it (like
// innerText: a line break for <br> and between blocks), with a map from
// offsets in that text back to DOM positions, so findings can be turned into
// Ranges for highlighting without touching the editor's DOM.
'use strict';

(() => {
    const BLOCK = new Set([
        'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGURE', 'FOOTER',
        'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE',
        'SECTION', 'TABLE', 'TR', 'UL',
    ]);
    const SKIP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT']);

    /**
     * Extracts the text of `root`. Returns {text, segs}: `segs` lists the text
     * nodes in order, each {node, start} (its offset in `text`); characters
     * between segments are synthetic line breaks.
     */
    function extract(root) {
        const parts = [];
        const segs = [];
        let len = 0;
        let lastNl = true; // at the start, no leading break is needed
        const push = (s) => {
            parts.push(s);
            len += s.length;
            lastNl = s.charCodeAt(s.length - 1) === 10;
        };
        const walk = (node) => {
            for (let c = node.firstChild; c; c = c.nextSibling) {
                if (c.nodeType === 3) {
                    const d = c.data;
                    if (d.length) {
                        segs.push({ node: c, start: len });
                        push(d);
                    }
                } else if (c.nodeType === 1) {
                    const tag = c.tagName;
                    if (tag === 'BR') push('\n');
                    else if (SKIP.has(tag)) continue;
                    else if (BLOCK.has(tag)) {
                        if (!lastNl) push('\n');
                        walk(c);
                        if (!lastNl) push('\n');
                    } else walk(c);
                }
            }
        };
        walk(root);
        let text = parts.join('');
        // Like innerText: non-breaking spaces read as spaces, no final break.
        if (text.endsWith('\n')) text = text.slice(0, -1);
        text = text.replace(/\u00a0/g, ' ');
        return { text, segs };
    }

    /** Index of the last segment starting at or before `offset` (-1 if none). */
    function segAt(segs, offset) {
        let lo = 0;
        let hi = segs.length - 1;
        let ans = -1;
        while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if (segs[mid].start <= offset) {
                ans = mid;
                lo = mid + 1;
            } else hi = mid - 1;
        }
        return ans;
    }

    /**
     * A Range for text offsets [start, end) of an extraction, or null. Ends in
     * synthetic line breaks move inward to the nearest text.
     */
    function rangeFor(map, start, end) {
        const { segs } = map;
        if (!segs.length || end <= start) return null;
        let i = segAt(segs, start);
        let sNode;
        let sOff;
        if (i >= 0 && start < segs[i].start + segs[i].node.data.length) {
            sNode = segs[i].node;
            sOff = start - segs[i].start;
        } else {
            i += 1;
            if (i >= segs.length) return null;
            sNode = segs[i].node;
            sOff = 0;
        }
        let j = segAt(segs, end - 1);
        if (j < 0) return null;
        let eNode;
        let eOff;
        const sj = segs[j];
        if (end <= sj.start + sj.node.data.length) {
            eNode = sj.node;
            eOff = end - sj.start;
        } else {
            eNode = sj.node;
            eOff = sj.node.data.length;
        }
        if (j < i) return null;
        const r = new Range();
        try {
            r.setStart(sNode, sOff);
            r.setEnd(eNode, eOff);
        } catch {
            return null; // the DOM changed under us; the next scan fixes it
        }
        return r.collapsed ? null : r;
    }

    /**
     * Text offset of a DOM position (a text node and offset), or -1. The
     * node → segment-position index is built once and stays valid for a map
     * whose segments only moved (see shifted()).
     */
    function offsetOf(map, node, offset) {
        if (!map.index) {
            map.index = new Map();
            map.segs.forEach((s, i) => map.index.set(s.node, i));
        }
        const i = map.index.get(node);
        return i === undefined ? -1 : map.segs[i].start + offset;
    }

    /** The map after `n` characters were inserted into the text node starting at `nodeStart`. */
    function shifted(map, nodeStart, n) {
        const segs = map.segs.map((g) => (g.start > nodeStart ? { node: g.node, start: g.start + n } : g));
        return { segs, index: map.index };
    }

    /**
     * Text offset of any DOM position, also one between elements (where
     * caretPositionFromPoint lands on an empty line or a block edge): the
     * start of the first text node at or after it, or the text's end; -1 if
     * the map is empty. A binary search by document order.
     */
    function offsetNear(map, node, offset) {
        const exact = node.nodeType === 3 ? offsetOf(map, node, offset) : -1;
        if (exact >= 0) return exact;
        const { segs } = map;
        if (!segs.length) return -1;
        const at = document.createRange();
        try {
            at.setStart(node, offset);
        } catch {
            return -1;
        }
        let lo = 0;
        let hi = segs.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            // -1: the text node starts before the position.
            if (at.comparePoint(segs[mid].node, 0) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo < segs.length) return segs[lo].start;
        const last = segs[segs.length - 1];
        return last.start + last.node.data.length;
    }

    Sealpost.textMap = { extract, rangeFor, offsetOf, offsetNear, shifted };
})();
