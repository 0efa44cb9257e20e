// The look of everything the extension adds, as one constructed stylesheet
// shared by all its shadow roots (no <style> parsing in the page, nothing
// leaks into or out of the site's CSS). Colours meet WCAG AA contrast.
'use strict';

(() => {
    const CSS_TEXT = `
:host { all: initial; font-family: "Google Sans", Roboto, "Segoe UI", system-ui, -apple-system, Arial, sans-serif; font-size: 13px; line-height: 1.4; color: #202124; }
* { box-sizing: border-box; }
.icon { flex: none; display: block; }
button { font: inherit; cursor: pointer; }
button:focus-visible, select:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }

/* Indicator */
.indicator { display: inline-flex; align-items: center; gap: 2px; height: 32px; padding: 0 4px 0 10px; border-radius: 16px; border: 1px solid #dadce0; background: #fff; white-space: nowrap; vertical-align: middle; user-select: none; }
.status { display: inline-flex; align-items: center; gap: 6px; padding-right: 8px; font-weight: 500; }
.status[data-verdict="clean"] { color: #137333; }
.status[data-verdict="possible"] { color: #8a4b00; }
.status[data-verdict="phi"] { color: #a50e0e; }
.status .count { font-weight: 400; color: #3c4043; }
.indicator[data-verdict="possible"] { background: #fef7e0; border-color: #f6d28b; }
.indicator[data-verdict="phi"] { background: #fce8e6; border-color: #f4b4ae; }
.divider { width: 1px; height: 18px; background: rgba(60, 64, 67, 0.25); margin: 0 2px; }
.switch { display: inline-flex; align-items: center; gap: 8px; height: 26px; padding: 0 10px 0 6px; border: 0; border-radius: 13px; background: transparent; color: #3c4043; }
.switch:hover { background: rgba(60, 64, 67, 0.08); }
.track { position: relative; width: 28px; height: 16px; border-radius: 8px; background: #80868b; transition: background 120ms; flex: none; }
.knob { position: absolute; top: 2px; left: 2px; width: 12px; height: 12px; border-radius: 50%; background: #fff; transition: left 120ms; }
.switch[aria-checked="true"] .track { background: #0b57d0; }
.switch[aria-checked="true"] .knob { left: 14px; }
.switch[data-secure="on"] { color: #0b57d0; font-weight: 500; }
.switch[data-secure="unavailable"] { color: #8a4b00; font-weight: 500; }
.switch[data-secure="unavailable"] .track { background: #b06000; }
.keys { padding: 0 8px 0 4px; color: #0b57d0; font-size: 12px; }
.keys[data-keys="missing"] { color: #a50e0e; font-weight: 500; }
.keys[data-keys="unknown"], .keys[data-keys="checking"], .keys[data-keys="none"] { color: #5f6368; }
.keys[hidden] { display: none; }
.restore { height: 24px; margin-left: 4px; padding: 0 10px; border: 1px solid #0b57d0; border-radius: 12px; background: #e8f0fe; color: #0b57d0; font-size: 12px; font-weight: 500; }
.restore:hover { background: #d2e3fc; }
.restore[hidden] { display: none; }
.indicator[data-restore] .status, .indicator[data-restore] .divider { display: none; }

/* Subject warning */
.subject-warning { display: flex; align-items: flex-start; gap: 8px; margin: 4px 0; padding: 8px 12px; border-radius: 8px; background: #fce8e6; color: #a50e0e; border: 1px solid #f4b4ae; }
.subject-warning[data-level="possible"] { background: #fef7e0; color: #8a4b00; border-color: #f6d28b; }
.subject-warning strong { font-weight: 600; }
.subject-warning .why { color: #3c4043; }

/* Hover card */
.card { position: fixed; z-index: 2147483647; max-width: 320px; padding: 12px 14px; border-radius: 10px; background: #fff; color: #202124; box-shadow: 0 1px 3px rgba(60, 64, 67, 0.3), 0 4px 12px rgba(60, 64, 67, 0.18); pointer-events: none; }
.card-head { display: flex; align-items: center; gap: 8px; font-weight: 600; font-size: 14px; }
.dot { width: 10px; height: 10px; border-radius: 50%; flex: none; background: #c5221f; }
.card[data-health="true"] .dot { background: #b06000; }
.kind { display: inline-block; margin-top: 6px; padding: 1px 8px; border-radius: 10px; font-size: 11px; font-weight: 500; background: #fce8e6; color: #a50e0e; }
.card[data-health="true"] .kind { background: #fef7e0; color: #8a4b00; }
.explain { margin-top: 6px; color: #3c4043; }
.foot { margin-top: 8px; font-size: 11px; color: #5f6368; }

/* Gate dialog */
dialog { width: min(520px, calc(100vw - 32px)); padding: 0; border: 0; border-radius: 16px; background: #fff; color: #202124; box-shadow: 0 4px 8px rgba(60, 64, 67, 0.2), 0 12px 32px rgba(60, 64, 67, 0.28); }
dialog::backdrop { background: rgba(32, 33, 36, 0.45); }
.dlg { padding: 24px 24px 20px; }
.dlg-head { display: flex; align-items: center; gap: 12px; }
.badge { display: grid; place-items: center; width: 40px; height: 40px; border-radius: 50%; background: #fce8e6; color: #c5221f; flex: none; }
.dlg[data-kind="encrypt"] .badge { background: #d3e3fd; color: #0b57d0; }
.dlg[data-kind="warn"] .badge { background: #fef7e0; color: #b06000; }
h2 { margin: 0; font-size: 19px; font-weight: 500; line-height: 1.3; }
.dlg p { margin: 14px 0 0; font-size: 14px; color: #3c4043; }
.kinds { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 12px; padding: 0; list-style: none; }
.kinds li { padding: 2px 10px; border-radius: 12px; background: #f1f3f4; color: #3c4043; font-size: 12px; }
.override { margin-top: 16px; padding: 12px; border-radius: 10px; background: #f8f9fa; border: 1px solid #e8eaed; }
.override label { display: block; font-weight: 500; margin-bottom: 6px; }
.override select { width: 100%; height: 36px; padding: 0 8px; border: 1px solid #80868b; border-radius: 6px; background: #fff; font: inherit; color: #202124; }
.override .note { margin-top: 8px; font-size: 12px; color: #5f6368; }
.actions { display: flex; align-items: center; justify-content: flex-end; gap: 8px; margin-top: 22px; flex-wrap: wrap; }
.actions .spacer { flex: 1; }
.btn { height: 36px; padding: 0 16px; border-radius: 18px; border: 1px solid #747775; background: #fff; color: #0b57d0; font-weight: 500; }
.btn:hover { background: #f0f4fc; }
.btn.primary { border-color: #0b57d0; background: #0b57d0; color: #fff; }
.btn.primary:hover { background: #0a4ab5; }
.btn.danger { border-color: #a50e0e; background: #a50e0e; color: #fff; }
.btn:disabled { opacity: 0.45; cursor: default; }
.btn.text { border-color: transparent; padding: 0 8px; color: #5f6368; }
.btn.text:hover { background: rgba(60, 64, 67, 0.08); }

/* Gate dialog: recipients without keys, the agent's own words */
.who { margin: 10px 0 0; padding-left: 20px; color: #202124; }
.who li { margin: 2px 0; }
.agent-says { margin-top: 10px; padding: 8px 12px; border-radius: 8px; background: #f8f9fa; color: #3c4043; font-size: 13px; }

/* Warn tip */
.tip { position: fixed; z-index: 2147483646; width: 340px; padding: 14px 16px 12px; border-radius: 12px; background: #fff; color: #202124; border-left: 4px solid #f9ab00; box-shadow: 0 2px 6px rgba(60, 64, 67, 0.25), 0 8px 24px rgba(60, 64, 67, 0.2); pointer-events: auto; }
.tip-head { display: flex; align-items: center; gap: 8px; font-weight: 600; font-size: 14px; color: #8a4b00; }
.tip p { margin: 6px 0 0; color: #3c4043; }
.tip .actions { margin-top: 12px; }
`;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS_TEXT);
    Sealpost.styles = sheet;
})();
