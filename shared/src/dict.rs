//! The embedded dictionaries (see `dict/PROVENANCE.md` for sources and
//! licences): first names, surnames, names that are also common English
//! words, ICD-10-CM codes and ZIP codes. Built by `build.rs` from the text
//! lists in `dict/`.

use std::sync::OnceLock;

use fst::{Map, Set, Streamer};

static NAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.fst"));
static ICD10: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/icd10cm.fst"));
static ZIPS: &[u8; 12_500] = include_bytes!(concat!(env!("OUT_DIR"), "/zips.bits"));

pub(crate) struct Dicts {
    /// Name → bits: 1 first name, 2 surname, 4 common English word.
    names: NameTable,
    icd10: Set<&'static [u8]>,
}

/// The name map, expanded at load from its fst into an open-addressing table
/// of 64-bit hashes of the folded names, each with its three bits in the low
/// bits. Names are looked up for every capitalised word, the hottest lookup
/// of a scan: hashing the word and one or two probes cost a fraction of
/// walking the fst, which decodes a node per byte. The fst stays the shipped
/// form (compact in the wasm module); the table costs 1 MiB of memory.
/// Two different words share a hash with odds of about 2^-61 per word.
struct NameTable {
    slots: Vec<u64>,
    /// Slot index = hash >> shift.
    shift: u32,
}

impl NameTable {
    const BITS: u64 = 7;

    fn build(map: &Map<&[u8]>) -> NameTable {
        // A power of two at least twice the key count keeps probes short.
        let size = (map.len() * 2).next_power_of_two().max(2);
        let mut t = NameTable {
            slots: vec![0; size],
            shift: 64 - size.trailing_zeros(),
        };
        let mut keys = map.stream();
        while let Some((k, bits)) = keys.next() {
            let h = hash(k);
            let i = t.probe(h);
            t.slots[i] = h | (bits & Self::BITS);
        }
        t
    }

    /// The slot holding `h`, or the empty slot where it would go.
    fn probe(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let s = self.slots[i];
            if s == 0 || s & !Self::BITS == h {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn get(&self, key: &[u8]) -> u64 {
        self.slots[self.probe(hash(key))] & Self::BITS
    }
}

/// FNV-1a with a final mix, the low three bits cleared for the name bits and
/// never zero (zero marks an empty slot).
fn hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    (h & !NameTable::BITS).max(NameTable::BITS + 1)
}

/// How a capitalised word reads as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct NameKind {
    pub first: bool,
    pub surname: bool,
    /// Also a common English word ("Will", "Grant", "Brown").
    pub common_word: bool,
}

impl NameKind {
    pub fn any(self) -> bool {
        self.first || self.surname
    }
}

impl Dicts {
    fn load() -> Dicts {
        // The sets are produced by our build script from sorted lists; a
        // corrupt one is a build error, not an input error.
        Dicts {
            names: NameTable::build(&Map::new(NAMES).expect("embedded fst map is valid")),
            icd10: Set::new(ICD10).expect("embedded fst set is valid"),
        }
    }

    /// Looks up a word (any case) in the name lists. A double-barrelled
    /// name the lists lack ("Mendoza-Ruiz", "Mary-Kate") is read by its
    /// parts: a surname when every part is a name and one is a surname, a
    /// first name when every part is one.
    pub fn name(&self, word: &str) -> NameKind {
        let whole = self.name_as_listed(word);
        if whole.any() || !word.contains('-') {
            return whole;
        }
        let (mut first, mut surname, mut named, mut common) = (true, false, true, false);
        for part in word.split('-') {
            let k = self.name_as_listed(part);
            first &= k.first;
            surname |= k.surname;
            named &= k.any();
            common |= k.common_word;
        }
        NameKind {
            first,
            surname: named && surname,
            common_word: common,
        }
    }

    fn name_as_listed(&self, word: &str) -> NameKind {
        let mut buf = [0u8; 32];
        let Some(key) = ascii_lower(word, &mut buf) else {
            return NameKind::default();
        };
        let bits = self.names.get(key);
        NameKind {
            first: bits & 1 != 0,
            surname: bits & 2 != 0,
            common_word: bits & 4 != 0,
        }
    }

    /// Whether `code` (with or without the dot, any case) is an ICD-10-CM code.
    pub fn icd10(&self, code: &str) -> bool {
        let mut buf = [0u8; 8];
        let mut n = 0;
        for b in code.bytes() {
            if b == b'.' {
                continue;
            }
            if n == buf.len() {
                return false;
            }
            buf[n] = b.to_ascii_uppercase();
            n += 1;
        }
        self.icd10.contains(&buf[..n])
    }

    /// Whether a five-digit string is a US ZIP code in use.
    pub fn zip(&self, five: &str) -> bool {
        five.len() == 5
            && five
                .parse::<usize>()
                .is_ok_and(|n| ZIPS[n / 8] & (1 << (n % 8)) != 0)
    }
}

/// Lower-cases `word` into `buf`, folding Latin-1 accented letters to their
/// ASCII base (María → maria, Müller → muller), because the name lists are
/// ASCII. `None` if the word is too long or holds other non-ASCII letters.
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    if word.is_ascii() {
        let out = buf.get_mut(..word.len())?;
        for (o, b) in out.iter_mut().zip(word.bytes()) {
            *o = b.to_ascii_lowercase();
        }
        return Some(out);
    }
    let mut n = 0;
    for c in word.chars() {
        let folded = match c {
            'a'..='z' | 'A'..='Z' | '\x27' | '-' => c.to_ascii_lowercase(),
            'à'..='å' | 'À'..='Å' => 'a',
            'ç' | 'Ç' => 'c',
            'è'..='ë' | 'È'..='Ë' => 'e',
            'ì'..='ï' | 'Ì'..='Ï' => 'i',
            'ñ' | 'Ñ' => 'n',
            'ò'..='ö' | 'ø' | 'Ò'..='Ö' | 'Ø' => 'o',
            'ù'..='ü' | 'Ù'..='Ü' => 'u',
            'ý' | 'ÿ' | 'Ý' => 'y',
            // Latin Extended-A and the Vietnamese letters: Łukasz, Đặng,
            // Nguyễn, Dvořák.
            c if ('\u{100}'..='\u{17f}').contains(&c) => extended_a(c)?,
            'Ơ' | 'ơ' => 'o',
            'Ư' | 'ư' => 'u',
            c if ('\u{1ea0}'..='\u{1ef9}').contains(&c) => vietnamese(c),
            '’' => '\x27',
            _ if c.is_ascii() => c.to_ascii_lowercase(),
            _ => return None,
        };
        *buf.get_mut(n)? = folded as u8;
        n += 1;
    }
    Some(&buf[..n])
}

/// The ASCII base of a Latin Extended-A letter (U+0100..U+017F), which the
/// block orders by base letter; `None` for the ligatures (IJ, Œ) and ĸ.
fn extended_a(c: char) -> Option<char> {
    const BASES: &[(u32, char)] = &[
        (0x106, 'a'),
        (0x10e, 'c'),
        (0x112, 'd'),
        (0x11c, 'e'),
        (0x124, 'g'),
        (0x128, 'h'),
        (0x132, 'i'),
        (0x134, '-'),
        (0x136, 'j'),
        (0x138, 'k'),
        (0x139, '-'),
        (0x143, 'l'),
        (0x149, 'n'),
        (0x14a, '-'),
        (0x14c, 'n'),
        (0x152, 'o'),
        (0x154, '-'),
        (0x15a, 'r'),
        (0x162, 's'),
        (0x168, 't'),
        (0x174, 'u'),
        (0x176, 'w'),
        (0x179, 'y'),
        (0x17f, 'z'),
    ];
    let n = u32::from(c);
    let i = BASES.partition_point(|&(end, _)| end <= n);
    BASES.get(i).map(|&(_, b)| b).filter(|&b| b != '-')
}

/// The ASCII base of a Vietnamese letter (U+1EA0..U+1EF9), which the block
/// orders by base vowel.
fn vietnamese(c: char) -> char {
    match u32::from(c) {
        0x1ea0..=0x1eb7 => 'a',
        0x1eb8..=0x1ec7 => 'e',
        0x1ec8..=0x1ecb => 'i',
        0x1ecc..=0x1ee3 => 'o',
        0x1ee4..=0x1ef1 => 'u',
        _ => 'y',
    }
}

/// The dictionaries, loaded once.
pub(crate) fn dicts() -> &'static Dicts {
    static DICTS: OnceLock<Dicts> = OnceLock::new();
    DICTS.get_or_init(Dicts::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let d = dicts();
        assert!(d.name("John").first);
        assert!(d.name("SMITH").surname);
        assert!(d.name("Will").common_word);
        assert!(!d.name("Xqzv").any());
        assert!(d.name("María").first && d.name("Hernández").surname);
        assert!(d.name("Müller").surname && !d.name("Müllerß").any());
        // Latin Extended-A and Vietnamese letters fold to their base.
        assert!(d.name("Nguyễn").surname && d.name("Tomáš").first);
        assert!(d.name("Dvořák").surname && d.name("ĐẶNG").surname);
        // Double-barrelled names by their parts.
        assert!(d.name("Mendoza-Ruiz").surname && !d.name("Mendoza-Ruiz").first);
        assert!(d.name("Mary-Kate").first);
        assert!(!d.name("Mendoza-Xqzv").any() && !d.name("Follow-Up").surname);
        assert!(d.icd10("E11.9") && d.icd10("e119") && d.icd10("I10") && d.icd10("Z3A"));
        assert!(!d.icd10("E11.99999") && !d.icd10("A1C") && !d.icd10("E1"));
        assert!(d.zip("02139") && d.zip("90210"));
        assert!(!d.zip("00000") && !d.zip("1234"));
    }

    #[test]
    fn name_table_agrees_with_the_fst() {
        let map = Map::new(NAMES).unwrap();
        let table = NameTable::build(&map);
        let mut keys = map.stream();
        let mut n = 0;
        while let Some((k, bits)) = keys.next() {
            assert_eq!(table.get(k), bits, "{}", String::from_utf8_lossy(k));
            n += 1;
        }
        assert!(n > 50_000);
        for miss in ["xqzv", "enronx", "", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"] {
            assert_eq!(table.get(miss.as_bytes()), 0, "{miss}");
        }
    }
}
