// Sealpost content scripts: classic scripts (content scripts cannot be ES
// modules), loaded in the manifest's order, sharing this one namespace object
// in the extension's isolated world. Nothing here is visible to the page.
'use strict';

// eslint-disable-next-line no-var
var Sealpost = globalThis.Sealpost || {};
globalThis.Sealpost = Sealpost;
