// The options page: the effective policy and where each value came from
// (managed by IT / built-in default / strictest fallback because the managed
// policy is invalid), the user's own preferences (only ones that add
// protection), the agent's status and the overrides recorded locally.

import init from './wasm/sealpost_extension.js';
import { loadPolicy, watchPolicy } from './background/policy.js';
import { agentStatus } from './background/agent.js';

const SOURCE_TEXT = {
    managed: 'Set by your organisation',
    default: 'Built-in default',
    'strictest-fallback': 'Strictest built-in rules',
};

function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
        if (k === 'text') e.textContent = v;
        else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
}

/** Flattens a config into [["actions.phi", "encrypt"], ...]; arrays stay leaves. */
function leaves(obj, prefix = '') {
    const out = [];
    for (const [k, v] of Object.entries(obj)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...leaves(v, key));
        else out.push([key, v]);
    }
    return out;
}

function has(obj, path) {
    let o = obj;
    for (const part of path.split('.')) {
        if (!o || typeof o !== 'object' || !(part in o)) return false;
        o = o[part];
    }
    return true;
}

function show(v) {
    if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
    return String(v);
}

async function renderPolicy(trigger = 'start') {
    const { compiled, info } = await loadPolicy(trigger);
    compiled.free();
    const src = document.getElementById('policy-source');
    src.dataset.policy = info.source;
    if (info.source === 'managed') src.textContent = 'Your organisation manages this policy.';
    else if (info.source === 'default') src.textContent = 'No policy is set by your organisation: Sealpost uses its built-in defaults.';
    else {
        src.replaceChildren(
            el('strong', { text: "Your organisation's policy could not be used, so Sealpost applies its strictest built-in rules. " }),
            'Please tell your IT team: ',
            el('code', { text: info.error || 'unknown error' }),
        );
    }
    const tbody = document.querySelector('#policy-table tbody');
    tbody.replaceChildren();
    for (const [key, value] of leaves(info.config)) {
        const from = info.source === 'managed' ? (has(info.managed, key) ? 'managed' : 'default') : info.source;
        tbody.append(
            el(
                'tr',
                { 'data-key': key, 'data-source': from },
                el('td', { class: 'key', text: key }),
                el('td', { class: 'value', text: show(value) }),
                el('td', {}, el('span', { class: `tag ${from}`, text: SOURCE_TEXT[from] })),
            ),
        );
    }
}

async function renderPrefs() {
    const box = document.getElementById('pref-secure-default');
    const { prefs = {} } = await chrome.storage.local.get('prefs');
    box.checked = Boolean(prefs.secureByDefault);
    box.addEventListener('change', async () => {
        const { prefs: now = {} } = await chrome.storage.local.get('prefs');
        await chrome.storage.local.set({ prefs: { ...now, secureByDefault: box.checked } });
    });
}

async function renderAgent() {
    const status = await agentStatus(true);
    document.getElementById('agent-status').textContent =
        status === 'available'
            ? 'The Sealpost app on this computer is answering: secure-send is available.'
            : 'The Sealpost app on this computer is not answering, so secure-send is unavailable. Messages that must be encrypted follow your organisation’s rule for this case.';
}

async function renderOverrides() {
    const { overrides = [] } = await chrome.storage.local.get('overrides');
    const list = document.getElementById('overrides');
    list.replaceChildren();
    if (!overrides.length) {
        list.append(el('li', { text: 'None.' }));
        return;
    }
    for (const r of overrides.slice(-10).reverse()) {
        const kinds = Object.entries(r.categories).map(([c, n]) => `${c.replace(/_/g, ' ')} ×${n}`).join(', ');
        list.append(el('li', { text: `${new Date(r.at).toLocaleString()}: ${r.verdict === 'phi' ? 'PHI' : r.verdict} (${kinds || 'no findings'}); reason: ${r.justification || 'none given'}` }));
    }
}

watchPolicy(() => void renderPolicy('change'));
chrome.storage.onChanged.addListener((_c, area) => {
    if (area === 'local') void renderOverrides();
});
await init({ module_or_path: new URL('./wasm/sealpost_extension_bg.wasm', import.meta.url) });
await Promise.all([renderPolicy(), renderPrefs(), renderAgent(), renderOverrides()]);
