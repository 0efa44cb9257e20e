// Base64 for file contents, shared by the content scripts and the extension
// frames (secure editor, reader): files go to the agent as `data_base64` and
// come back from it the same way. Needs content/namespace.js first.
'use strict';

(() => {
    /** The bytes of a Blob (or File) as standard base64 with padding. */
    function fromBlob(blob) {
        return new Promise((resolve, reject) => {
            const r = new FileReader();
            r.onload = () => {
                const s = String(r.result);
                resolve(s.slice(s.indexOf(',') + 1));
            };
            r.onerror = () => reject(r.error);
            r.readAsDataURL(blob);
        });
    }

    /** Standard base64 to bytes. */
    function toBytes(s) {
        const bin = atob(s);
        const out = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
        return out;
    }

    Sealpost.base64 = { fromBlob, toBytes };
})();
