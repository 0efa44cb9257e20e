// Building UI without HTML parsing: Gmail enforces Trusted Types, and the
// extension never uses innerHTML anywhere. Everything the extension shows
// lives in elements it adds, inside open shadow roots.
'use strict';

(() => {
    const SVG_NS = 'http://www.w3.org/2000/svg';

    /** createElement with attributes, properties (`on*` as listeners) and children. */
    function el(tag, attrs = {}, ...children) {
        const e = document.createElement(tag);
        setAttrs(e, attrs);
        append(e, children);
        return e;
    }

    /** An SVG element (icons are drawn with paths, never parsed from markup). */
    function svg(tag, attrs = {}, ...children) {
        const e = document.createElementNS(SVG_NS, tag);
        for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
        for (const c of children) e.append(c);
        return e;
    }

    function setAttrs(e, attrs) {
        for (const [k, v] of Object.entries(attrs)) {
            if (v === undefined || v === null || v === false) continue;
            if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
            else if (k === 'text') e.textContent = v;
            else e.setAttribute(k, v === true ? '' : String(v));
        }
    }

    function append(e, children) {
        for (const c of children.flat()) {
            if (c === null || c === undefined || c === false) continue;
            e.append(typeof c === 'string' ? document.createTextNode(c) : c);
        }
    }

    /** A host element for extension UI with an open shadow root and our styles. */
    function shadowHost(tag, role, sheet) {
        const host = document.createElement(tag);
        host.setAttribute('data-sealpost', role);
        const root = host.attachShadow({ mode: 'open' });
        if (sheet) root.adoptedStyleSheets = [sheet];
        return { host, root };
    }

    /** The shield icon used across the UI. */
    function shieldIcon(size = 16) {
        return svg(
            'svg',
            { width: size, height: size, viewBox: '0 0 24 24', 'aria-hidden': 'true', class: 'icon' },
            svg('path', { d: 'M12 2 4 5v6c0 5.1 3.4 9.7 8 11 4.6-1.3 8-5.9 8-11V5l-8-3z', fill: 'currentColor' }),
            svg('path', { d: 'm8.5 12 2.5 2.5 4.5-5', fill: 'none', stroke: '#fff', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }),
        );
    }

    /** A lock icon (secure-send). */
    function lockIcon(size = 14) {
        return svg(
            'svg',
            { width: size, height: size, viewBox: '0 0 24 24', 'aria-hidden': 'true', class: 'icon' },
            svg('path', { d: 'M7 10V7a5 5 0 0 1 10 0v3', fill: 'none', stroke: 'currentColor', 'stroke-width': '2.2' }),
            svg('rect', { x: 4.5, y: 10, width: 15, height: 11, rx: 2.5, fill: 'currentColor' }),
        );
    }

    /** A warning triangle. */
    function warnIcon(size = 16) {
        return svg(
            'svg',
            { width: size, height: size, viewBox: '0 0 24 24', 'aria-hidden': 'true', class: 'icon' },
            svg('path', { d: 'M12 3 1.8 20.5h20.4L12 3z', fill: 'currentColor' }),
            svg('path', { d: 'M12 9.5v5M12 17.2v.3', stroke: '#fff', 'stroke-width': '2.2', 'stroke-linecap': 'round' }),
        );
    }

    /** "3 findings", "1 finding". */
    function plural(n, one, many = `${one}s`) {
        return `${n} ${n === 1 ? one : many}`;
    }

    /** Category counts of findings, most frequent first: [[label, n], ...]. */
    /** {category: count} of findings, for audit and override records (names only, no text). */
    function categoryCounts(findings) {
        const m = {};
        for (const f of findings) if (f.category) m[f.category] = (m[f.category] || 0) + 1;
        return m;
    }

    function categorySummary(findings) {
        const m = new Map();
        for (const f of findings) m.set(f.label, (m.get(f.label) || 0) + 1);
        return [...m.entries()].sort((a, b) => b[1] - a[1]);
    }

    /** "name, date of birth and condition" from findings (at most `max` kinds). */
    function describeKinds(findings, max = 3) {
        const labels = categorySummary(findings).map(([l]) => l);
        const shown = labels.slice(0, max);
        if (labels.length > max) shown.push(`${labels.length - max} more`);
        if (shown.length <= 1) return shown.join('');
        return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
    }

    function capitalise(s) {
        return s ? s[0].toUpperCase() + s.slice(1) : s;
    }

    /** The e-mail addresses in a piece of text ("Ann <a@x.test>, b@y.test" → [a@x.test, b@y.test]). */
    Sealpost.addresses = (text) => (String(text || '').match(/[^\s<>,;:"'()[\]]+@[^\s<>,;:"'()[\]]+\.[^\s<>,;:"'()[\]]+/g) || []);

    Sealpost.dom = { el, svg, shadowHost, shieldIcon, lockIcon, warnIcon, plural, categoryCounts, categorySummary, describeKinds, capitalise };
})();
