//! Property tests: whatever the input, findings land on char boundaries inside
//! the text, incremental scanning equals a full scan, and nothing panics.

use proptest::prelude::*;
use sealpost_policy::{assess, evaluate, scan_text, IncrementalScan, Part, Policy};

/// Text drawn from the alphabet PHI is written in, plus multi-byte characters
/// and line breaks, so tokens, labels and chunk boundaries all occur.
fn phi_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "MRN ",
        "DOB ",
        "03/04/1961",
        "Maria",
        "Lopez",
        " ",
        ", ",
        "\n",
        "\n\n",
        "\r\n",
        "é",
        "—",
        "🙂",
        "123-45-6789",
        "(617) 555-0123",
        "E11.9",
        "CPT 99213",
        "diabetes",
        "metformin 500 mg",
        "Dr. ",
        "x",
        "2AF7-JK3-PW58",
        "4111 1111 1111 1111",
        "Boston, MA 02139",
        "@",
        ".",
        "http://",
        "9",
        "A1C ",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn findings_are_inside_the_text_on_char_boundaries(text in phi_text()) {
        let s = scan_text(&text, Part::Body);
        for f in &s.findings {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert!((0.0..=1.0).contains(&f.confidence));
        }
    }

    #[test]
    fn arbitrary_strings_do_not_panic(text in any::<String>()) {
        let a = assess(Some(&text), &text, &Policy::default());
        for f in &a.findings {
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        }
    }

    #[test]
    fn arbitrary_bytes_as_mime_do_not_panic(raw in prop::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok((m, a)) = evaluate(&raw, &Policy::default()) {
            for f in &a.findings {
                let t = match f.part { Part::Subject => m.subject.as_deref().unwrap_or(""), Part::Body => &m.body };
                prop_assert!(f.end <= t.len() && t.is_char_boundary(f.start) && t.is_char_boundary(f.end));
            }
        }
    }

    #[test]
    fn incremental_equals_full(text in phi_text(), at in 0usize..4000, del in 0usize..20, ins in phi_text()) {
        let mut inc = IncrementalScan::new(&text, Part::Body);
        let mut s = at.min(text.len());
        while !text.is_char_boundary(s) { s -= 1; }
        let mut e = (s + del).min(text.len());
        while !text.is_char_boundary(e) { e -= 1; }
        prop_assert!(inc.edit(s..e, &ins));
        prop_assert_eq!(inc.scan(), scan_text(inc.text(), Part::Body));
    }
}
