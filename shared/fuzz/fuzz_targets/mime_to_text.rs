//! Arbitrary bytes through the MIME-to-text path and the scanners: nothing
//! panics, every finding's byte range lies inside its part's text on char
//! boundaries, and an incremental edit gives the same findings as a full scan.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sealpost_policy::{
    assess, evaluate, message_text, scan_text, Assessment, IncrementalScan, Part, Policy,
};

fuzz_target!(|data: &[u8]| {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    let policy = POLICY.get_or_init(Policy::default);

    let _ = message_text(data, "X-Sealpost-Secure");
    if let Ok((m, a)) = evaluate(data, policy) {
        check(m.subject.as_deref().unwrap_or(""), &m.body, &a);
    }

    if let Ok(text) = std::str::from_utf8(data) {
        check("", text, &assess(None, text, policy));

        // An edit derived from the input: a range and a replacement cut from it.
        let (start, end, rep) = edit_for(text);
        let mut inc = IncrementalScan::new(text, Part::Body);
        assert!(inc.edit(start..end, rep));
        let edited = inc.text().to_string();
        assert_eq!(
            inc.scan(),
            scan_text(&edited, Part::Body),
            "incremental != full scan"
        );
        check(
            "Referral",
            &edited,
            &inc.assess(Some("Referral"), policy, None),
        );
        // Off-boundary or out-of-range edits are refused, not applied.
        assert!(!inc.edit(0..edited.len() + 1, ""));
    }
});

fn edit_for(text: &str) -> (usize, usize, &str) {
    let n = text.len();
    let b = text.as_bytes();
    let pick = |i: usize| {
        if n == 0 {
            0
        } else {
            floor(text, b[i % n] as usize * n / 256)
        }
    };
    let (x, y) = (pick(0), pick(1));
    let (start, end) = (x.min(y), x.max(y));
    let rep = &text[floor(text, n / 2)..];
    (start, end, &rep[..floor(rep, rep.len().min(40))])
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn check(subject: &str, body: &str, a: &Assessment) {
    for f in &a.findings {
        let text = match f.part {
            Part::Subject => subject,
            Part::Body => body,
        };
        assert!(
            f.start <= f.end && f.end <= text.len(),
            "{f:?} out of 0..{}",
            text.len()
        );
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?} not on char boundaries"
        );
    }
}
