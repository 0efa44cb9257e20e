// Which site adapter applies: by hostname; on 127.0.0.1/localhost (test
// builds only — the release manifest does not match those origins) by the
// first path segment (/gmail… or /outlook…).
'use strict';

(() => {
    const HOSTS = {
        'mail.google.com': 'gmail',
        'outlook.office.com': 'outlook',
        'outlook.office365.com': 'outlook',
        'outlook.live.com': 'outlook',
    };

    function pick(loc) {
        const byHost = HOSTS[loc.hostname];
        if (byHost) return Sealpost.sites[byHost];
        if (loc.hostname === '127.0.0.1' || loc.hostname === 'localhost') {
            const seg = loc.pathname.split('/')[1] || '';
            if (seg.startsWith('gmail')) return Sealpost.sites.gmail;
            if (seg.startsWith('outlook')) return Sealpost.sites.outlook;
        }
        return null;
    }

    Sealpost.site = pick(location);
})();
