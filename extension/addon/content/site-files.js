// Attachments while secure-send is on go into the encrypted message, never to
// the mail site's upload. In the capture phase on window, before any of the
// site's handlers: a file chosen in any <input type=file> inside a compose
// window with secure-send on (its `input` and `change`), and files dropped or
// pasted on that compose window, are taken away from the site (the event
// stops here, the input is cleared) and handed to that window's secure editor.
// Drops and pastes inside the secure editor frame happen in the frame's own
// document and never reach the page.
'use strict';

(() => {
    function secureWindowOf(target) {
        if (!target || !target.nodeType || !Sealpost.discovery) return null;
        return Sealpost.discovery.windows().find((w) => w.secureEditor && !w.handingOver && w.root.contains(target)) || null;
    }

    function take(e, win, files) {
        e.preventDefault();
        e.stopImmediatePropagation();
        if (files.length) void win.secureEditor.addFiles(files);
    }

    function onFileInput(e) {
        const t = e.target;
        if (!(t instanceof HTMLInputElement) || t.type !== 'file') return;
        const win = secureWindowOf(t);
        if (!win) return;
        const files = t.files ? [...t.files] : [];
        // Clear the site's input so nothing it reads later finds the files.
        try {
            t.value = '';
        } catch {
            // Some inputs refuse; the event still stops here.
        }
        take(e, win, files);
    }

    function onDropOrPaste(e) {
        const data = e.type === 'drop' ? e.dataTransfer : e.clipboardData;
        if (!data || !data.files || !data.files.length) return;
        const win = secureWindowOf(e.composedPath ? e.composedPath()[0] : e.target);
        if (!win) return;
        take(e, win, [...data.files]);
    }

    function install() {
        window.addEventListener('input', onFileInput, true);
        window.addEventListener('change', onFileInput, true);
        window.addEventListener('drop', onDropOrPaste, true);
        window.addEventListener('paste', onDropOrPaste, true);
    }

    Sealpost.siteFiles = { install };
})();
