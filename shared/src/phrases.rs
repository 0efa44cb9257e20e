//! Leftmost-longest phrase matching over folded text (see `lexicon::fold_text`),
//! one hash probe per word instead of one automaton step per byte.
//!
//! Folded text marks the byte before every word start with `MARK`, and every
//! folded phrase begins with the mark, so a phrase can only match at a mark.
//! At each mark we hash the word that follows it (its run of ASCII letters and
//! digits, the "key") and look the key up among the keys phrases begin with;
//! only the phrases of that key are compared byte for byte, longest first.
//!
//! This gives exactly the matches a leftmost-longest Aho-Corasick automaton
//! over the same phrases gives, except matches that end inside a run of ASCII
//! letters and digits (a phrase that is a proper prefix of the word), which
//! are not whole words and which `Lexicon::hits` drops anyway: if a phrase
//! matches at a mark and has more bytes than its key, the byte after its key
//! is not an ASCII letter or digit, so the text's key there is the same.
//! A test checks this against aho-corasick on random and real text.
//!
//! Why not aho-corasick itself: its DFA over these 12,000 phrases takes about
//! 21 MB and a table lookup per byte; this index takes about 1.2 MB and does
//! its work per word.

/// Begins every word in folded text (see `lexicon::fold_text`).
pub(crate) const MARK: u8 = 0x01;

/// One slot of the open-addressing table: a key's identity word (see
/// `key_at`) and its phrases, a range of `order` (`n == 0`: empty slot).
#[derive(Clone, Copy, Default)]
struct Slot {
    id: u64,
    first: u32,
    n: u32,
}

/// Up to 8 bytes of `buf` from `at` as a little-endian word, zero-padded past
/// the end of `buf`.
fn load(buf: &[u8], at: usize) -> u64 {
    match buf.get(at..at + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().expect("8 bytes")),
        None => {
            let mut w = [0u8; 8];
            let rest = buf.get(at..).unwrap_or(&[]);
            w[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(w)
        }
    }
}

/// The low `n` bytes of a word set, the others clear (`n` ≤ 8).
fn low_bytes(n: usize) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 8i+7 set where byte i of `w` is an ASCII digit or lower-case letter
/// (folded text holds no upper case), eight bytes at a time.
fn key_bytes(w: u64) -> u64 {
    let t = w & !HIGH;
    // t + (0x80 - lo) has its high bit set when t >= lo; t + (0x7f - hi) when
    // t > hi. No byte carries into the next: t < 0x80.
    let range = |lo: u8, hi: u8| {
        ((t + ONES * u64::from(0x80 - lo)) ^ (t + ONES * u64::from(0x7f - hi))) & HIGH
    };
    (range(b'0', b'9') | range(b'a', b'z')) & !w
}

/// The key after the mark at `at` (the run of ASCII letters and digits that
/// follows it): its length, a 64-bit hash of its bytes (FxHash-style over
/// 8-byte words), and its identity word: for keys under 8 bytes the key's
/// bytes and length, which tells keys apart exactly; for longer keys the
/// hash with the top byte set, which the caller must confirm.
fn key_at(folded: &[u8], at: usize) -> (usize, u64, u64) {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h = 0;
    let mut len = 0;
    loop {
        let w = load(folded, at + 1 + len);
        let other = !key_bytes(w) & HIGH;
        if other != 0 {
            let n = (other.trailing_zeros() / 8) as usize;
            len += n;
            // n < 8, so the top byte of the masked word is free for the length.
            let last = (w & ((1u64 << (8 * n)) - 1)) | ((len as u64) << 56);
            h = mix(h, last);
            // The low bits of a product are weak: mix the high bits down.
            h ^= h >> 29;
            let id = if len < 8 { last } else { h | (0xff << 56) };
            return (len, h, id);
        }
        h = mix(h, w);
        len += 8;
    }
}

/// Bits in the filter: 16 KiB, about 8% of them set by the phrases' keys.
const FILTER_BITS: usize = 1 << 17;

fn filter_bit(h: u64) -> usize {
    (h >> 20) as usize % FILTER_BITS
}

/// The first probe position of a hash.
fn home(h: u64, mask: usize) -> usize {
    ((h >> 40) as usize ^ h as usize) & mask
}

/// Bit 8i+7 set where byte i of the 8 bytes at `at` is the mark.
fn marks_in(buf: &[u8], at: usize) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // Zero bytes of x are exactly the marks; the classic exact test for
    // zero bytes (no false positives from borrows).
    let x = load(buf, at) ^ (ONES * u64::from(MARK));
    let zero = !(((x & LOW7) + LOW7) | x | LOW7);
    // Zero padding past the end reads as 0x01 after the xor: no mark.
    zero
}

/// A phrase and, to turn most candidates away without a comparison call,
/// its 8 bytes after the key's end (or fewer, masked) — where phrases of
/// one key differ.
struct Phrase {
    bytes: Box<[u8]>,
    key_end: usize,
    after: u64,
    after_mask: u64,
}

pub(crate) struct PhraseIndex {
    /// One bit per hash value modulo its size: set when some key has it. It
    /// fits in the L1 cache and turns most words (not a key) away before the
    /// table, whose random accesses miss the cache.
    filter: Vec<u64>,
    slots: Vec<Slot>,
    mask: usize,
    /// Phrase ids per group, longest first, then in insertion order (as
    /// aho-corasick breaks ties).
    order: Vec<u32>,
    phrases: Vec<Phrase>,
}

impl PhraseIndex {
    /// Indexes folded phrases; each must begin with [`MARK`].
    pub(crate) fn new(phrases: Vec<Vec<u8>>) -> PhraseIndex {
        let mut by_key: std::collections::HashMap<&[u8], Vec<u32>> =
            std::collections::HashMap::new();
        let mut filter = vec![0u64; FILTER_BITS / 64];
        for (i, p) in phrases.iter().enumerate() {
            assert!(
                p.first() == Some(&MARK),
                "folded phrase {i} does not begin with the mark"
            );
            let (k, h, _) = key_at(p, 0);
            by_key.entry(&p[1..1 + k]).or_default().push(i as u32);
            let bit = filter_bit(h);
            filter[bit / 64] |= 1 << (bit % 64);
        }
        let cap = (by_key.len() * 2).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut slots = vec![Slot::default(); cap];
        let mut order = Vec::with_capacity(phrases.len());
        let mut keys: Vec<_> = by_key.into_iter().collect();
        keys.sort(); // deterministic layout
        for (key, mut ids) in keys {
            ids.sort_by_key(|&i| (std::cmp::Reverse(phrases[i as usize].len()), i));
            let (_, h, id) = key_at(&phrases[ids[0] as usize], 0);
            debug_assert_eq!(&phrases[ids[0] as usize][1..1 + key.len()], key);
            let mut at = home(h, mask);
            while slots[at].n != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = Slot {
                id,
                first: order.len() as u32,
                n: ids.len() as u32,
            };
            order.extend(ids);
        }
        let phrases = phrases
            .into_iter()
            .map(|p| {
                let key_end = 1 + key_at(&p, 0).0;
                let after_mask = low_bytes(p.len() - key_end);
                Phrase {
                    after: load(&p, key_end) & after_mask,
                    after_mask,
                    key_end,
                    bytes: p.into_boxed_slice(),
                }
            })
            .collect();
        PhraseIndex {
            filter,
            slots,
            mask,
            order,
            phrases,
        }
    }

    /// The folded phrases, by id.
    #[cfg(test)]
    pub(crate) fn phrases(&self) -> Vec<&[u8]> {
        self.phrases.iter().map(|p| &p.bytes[..]).collect()
    }

    /// The phrases whose key is `folded[at..at + len]` (hash `h`, identity
    /// word `id`), longest first (empty if none).
    fn candidates(&self, folded: &[u8], at: usize, len: usize, h: u64, id: u64) -> &[u32] {
        let bit = filter_bit(h);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return &[];
        }
        let mut i = home(h, self.mask);
        loop {
            let s = self.slots[i];
            if s.n == 0 {
                return &[];
            }
            if s.id == id {
                let ids = &self.order[s.first as usize..(s.first + s.n) as usize];
                // Long keys are told apart by their hash only: compare them.
                let p = &self.phrases[ids[0] as usize];
                if len < 8
                    || (p.key_end == len + 1 && p.bytes[1..p.key_end] == folded[at..at + len])
                {
                    return ids;
                }
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Calls `f(phrase, start, end)` for the leftmost-longest, non-overlapping
    /// phrase matches in `folded`, left to right.
    pub(crate) fn find_iter(&self, folded: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let mut next = 0;
        let mut base = 0;
        while base < folded.len() {
            let mut marks = marks_in(folded, base);
            while marks != 0 {
                let at = base + (marks.trailing_zeros() / 8) as usize;
                marks &= marks - 1;
                if at < next {
                    continue;
                }
                let (k, h, id) = key_at(folded, at);
                let ids = self.candidates(folded, at + 1, k, h, id);
                if ids.is_empty() {
                    continue;
                }
                let after = load(folded, at + 1 + k);
                for &id in ids {
                    let p = &self.phrases[id as usize];
                    if after & p.after_mask == p.after && folded[at..].starts_with(&p.bytes) {
                        f(id as usize, at, at + p.bytes.len());
                        next = at + p.bytes.len();
                        break;
                    }
                }
            }
            base += 8;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    fn key_byte(b: u8) -> bool {
        b.is_ascii_digit() || b.is_ascii_lowercase()
    }

    pub(crate) type Matches = Vec<(usize, usize, usize)>;

    /// Matches that end at a word's end: those ending inside a run of ASCII
    /// letters and digits are not words (see the module comment).
    pub(crate) fn whole(folded: &[u8], v: Matches) -> Matches {
        let inside = |e: usize| e < folded.len() && key_byte(folded[e - 1]) && key_byte(folded[e]);
        v.into_iter().filter(|&(_, _, e)| !inside(e)).collect()
    }

    pub(crate) fn reference(ac: &AhoCorasick, folded: &[u8]) -> Matches {
        let v = ac
            .find_iter(folded)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        whole(folded, v)
    }

    pub(crate) fn ours(idx: &PhraseIndex, folded: &[u8]) -> Matches {
        let mut v = Vec::new();
        idx.find_iter(folded, |p, s, e| v.push((p, s, e)));
        whole(folded, v)
    }

    fn phrases() -> Vec<Vec<u8>> {
        [
            "\x01d",
            "\x01d.",
            "\x01dx",
            "\x01type\x012\x01diabetes",
            "\x01type\x012",
            "\x01type",
            "\x01s\x01p",
            "\x01s\x01p",
            "\x01f)",
            "\x01cpt\u{ae}",
            "\x01a\x01b\x01c",
            "\x01b",
            "\x01hiv",
            "\x01hiv\x011",
            "\x01type \x01x",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect()
    }

    fn both(text: &[u8]) -> (Matches, Matches) {
        let ps = phrases();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&ps)
            .unwrap();
        let idx = PhraseIndex::new(ps);
        (reference(&ac, text), ours(&idx, text))
    }

    #[test]
    fn same_as_aho_corasick_on_examples() {
        for t in [
            &b""[..],
            b"\x01",
            b"\x01d",
            b"\x01dx\x01d.\x01d\x01type\x012\x01diabetes\x01type\x013",
            b"\x01s\x01p\x01a\x01b\x01c\x01a\x01b\x01x\x01hiv\x011\x01hivx",
            "\x01cpt\u{ae}\x01cpt\x01f)\x01type \x01x\x01type  \x01x".as_bytes(),
        ] {
            let (r, o) = both(t);
            assert_eq!(o, r, "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn same_as_aho_corasick(parts in proptest::collection::vec(
            prop_oneof![
                Just(&b"\x01"[..]), Just(&b"d"[..]), Just(&b"x"[..]), Just(&b"."[..]), Just(&b" "[..]),
                Just(&b"type"[..]), Just(&b"2"[..]), Just(&b"diabetes"[..]), Just(&b"s"[..]),
                Just(&b"p"[..]), Just(&b"a"[..]), Just(&b"b"[..]), Just(&b"c"[..]), Just(&b"hiv"[..]),
                Just(&b"1"[..]), Just(&b"f)"[..]), Just("\u{ae}".as_bytes()), Just(&b"cpt"[..]),
                Just(&b"\xc3"[..]),
            ],
            0..40,
        )) {
            let text: Vec<u8> = parts.concat();
            let (r, o) = both(&text);
            prop_assert_eq!(o, r);
        }
    }
}
