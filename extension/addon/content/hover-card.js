// The hover card: what was found under the mouse and why, in words a
// clinician understands. Never repeats the matched text.
'use strict';

(() => {
    const { el, capitalise } = Sealpost.dom;
    let card = null;
    let shownFor = null;

    function ensure() {
        const root = Sealpost.overlay.root();
        if (!card || !root.contains(card)) {
            card = el('div', { class: 'card', 'data-sealpost': 'card', role: 'tooltip', hidden: true });
            root.append(card);
        }
        return card;
    }

    /** Shows the card for `hit` ({range, finding}) at the mouse. */
    function show(hit) {
        const c = ensure();
        const f = hit.finding;
        if (shownFor !== f) {
            shownFor = f;
            c.replaceChildren(
                el('div', { class: 'card-head' }, el('span', { class: 'dot' }), capitalise(f.label)),
                el('span', { class: 'kind', text: f.health ? 'Health information' : f.part === 'subject' ? 'Identifier in the subject' : 'Identifier' }),
                el('div', { class: 'explain', text: `${f.explanation}.`.replace(/\.\.$/, '.') }),
                el('div', { class: 'foot', text: f.health ? 'Health details next to a patient identifier make a message PHI.' : 'A patient identifier next to health details makes a message PHI.' }),
            );
            c.setAttribute('data-category', f.category);
            c.setAttribute('data-health', String(Boolean(f.health)));
        }
        c.hidden = false;
        const rects = hit.range.getClientRects();
        const r = rects.length ? rects[0] : hit.range.getBoundingClientRect();
        Sealpost.overlay.place(c, r, { gap: 8 });
    }

    function hide() {
        if (card) card.hidden = true;
        shownFor = null;
    }

    Sealpost.hoverCard = { show, hide };
})();
