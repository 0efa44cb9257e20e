//! UTF-8 byte offsets (what the policy core reports) to UTF-16 code-unit
//! offsets (what JavaScript strings, DOM text nodes and `Range` use), and back.

/// Converts a UTF-16 offset into `text` to a byte offset. `None` if the
/// offset is past the end or falls between the two halves of a surrogate pair.
pub fn byte_offset(text: &str, utf16: usize) -> Option<usize> {
    // Fast path: up to the first non-ASCII byte, both offsets are equal.
    let ascii = ascii_prefix(text);
    if utf16 <= ascii {
        return Some(utf16);
    }
    let mut units = ascii;
    for (i, c) in text[ascii..].char_indices() {
        if units == utf16 {
            return Some(ascii + i);
        }
        units += c.len_utf16();
        if units > utf16 {
            return None;
        }
    }
    (units == utf16).then_some(text.len())
}

/// Maps sorted-or-not byte offsets into `text` to UTF-16 offsets, in one pass
/// over the text. Each input offset must lie on a char boundary (finding
/// offsets always do); one that does not maps to the next boundary.
pub fn utf16_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_unstable_by_key(|&i| bytes[i]);
    let mut out = vec![0; bytes.len()];
    // Up to the first non-ASCII byte both offsets are equal: most mail is
    // ASCII, and decoding every char to count its units was a tenth of a scan.
    let ascii = ascii_prefix(text);
    let mut chars = text[ascii..].char_indices().peekable();
    let mut units = ascii;
    for i in order {
        let target = bytes[i];
        if target <= ascii {
            out[i] = target;
            continue;
        }
        while let Some(&(at, c)) = chars.peek() {
            if ascii + at >= target {
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        out[i] = units;
    }
    out
}

/// The length of the ASCII prefix of `text`, eight bytes at a time.
fn ascii_prefix(text: &str) -> usize {
    let b = text.as_bytes();
    let whole = b
        .chunks_exact(8)
        .position(|w| !w.is_ascii())
        .map_or(b.len() - b.len() % 8, |k| 8 * k);
    whole
        + b[whole..]
            .iter()
            .position(|c| !c.is_ascii())
            .unwrap_or(b.len() - whole)
}

/// The length of `text` in UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: JavaScript's view of the string.
    fn units_before(text: &str, byte: usize) -> usize {
        text[..byte].encode_utf16().count()
    }

    const TEXTS: &[&str] = &[
        "",
        "plain ascii",
        "Café Müller, DOB 03/04/1961",
        "Pt José Núñez 🙂 MRN 00448291 🏥🏥 asthma",
        "日本語のテキスト 12345",
        "👩‍⚕️ Dr. Ana",
        "🙂",
        // ASCII prefixes around the eight-byte steps of `ascii_prefix`.
        "1234567é",
        "12345678é",
        "123456789é",
        "1234567890123456🙂x",
        "A long ASCII prefix of more than eight bytes, then é, 🙂 and more text.",
        "only ascii, but longer than sixteen bytes",
    ];

    #[test]
    fn byte_to_utf16_matches_javascript() {
        for t in TEXTS {
            let bounds: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
            let got = utf16_offsets(t, &bounds);
            for (&b, &u) in bounds.iter().zip(&got) {
                assert_eq!(u, units_before(t, b), "{t:?} at byte {b}");
            }
            // Unsorted input keeps its order.
            let rev: Vec<usize> = bounds.iter().rev().copied().collect();
            let got_rev = utf16_offsets(t, &rev);
            assert_eq!(got_rev, got.iter().rev().copied().collect::<Vec<_>>());
            assert_eq!(utf16_len(t), t.encode_utf16().count());
        }
    }

    #[test]
    fn utf16_to_byte_round_trips_and_rejects_split_pairs() {
        for t in TEXTS {
            for b in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                assert_eq!(byte_offset(t, units_before(t, b)), Some(b), "{t:?} {b}");
            }
            assert_eq!(byte_offset(t, utf16_len(t) + 1), None);
        }
        // Offset 1 of "🙂" is between its surrogates.
        assert_eq!(byte_offset("🙂", 1), None);
        assert_eq!(byte_offset("a🙂b", 2), None);
        assert_eq!(byte_offset("a🙂b", 3), Some(5));
    }
}
