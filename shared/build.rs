//! Compiles the word lists in `dict/` into compact lookup structures that the
//! crate embeds: finite-state-transducer sets (`fst`) for names and ICD-10-CM
//! codes, and a 100,000-bit set for ZIP codes. The lists stay reviewable text
//! in the repository; the embedded forms are a build artefact.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn read_list(dir: &Path, name: &str) -> Vec<String> {
    let path = dir.join(name);
    println!("cargo:rerun-if-changed={}", path.display());
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut v: Vec<String> = text
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn write_fst(out: &Path, name: &str, words: &[String]) {
    let set = fst::Set::from_iter(words.iter()).expect("sorted, deduplicated input");
    fs::write(out.join(name), set.as_fst().as_bytes()).expect("writing fst");
}

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("dict");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    // One map for the three name lists, so a word costs one lookup: the
    // value's bits say first name (1), surname (2), common English word (4).
    let mut names: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for (list, bit) in [
        ("first_names.txt", 1),
        ("surnames.txt", 2),
        ("ambiguous_names.txt", 4),
    ] {
        for w in read_list(&dir, list) {
            *names.entry(w).or_default() |= bit;
        }
    }
    let map =
        fst::Map::from_iter(names.iter().map(|(k, v)| (k.as_bytes(), *v))).expect("sorted names");
    fs::write(out.join("names.fst"), map.as_fst().as_bytes()).expect("writing names fst");
    write_fst(&out, "icd10cm.fst", &read_list(&dir, "icd10cm.txt"));
    let mut bits = vec![0u8; 100_000 / 8];
    for zip in read_list(&dir, "zips.txt") {
        let n: usize = zip
            .parse()
            .unwrap_or_else(|_| panic!("bad ZIP {zip:?} in zips.txt"));
        assert!(n < 100_000, "bad ZIP {zip:?}");
        bits[n / 8] |= 1 << (n % 8);
    }
    fs::write(out.join("zips.bits"), bits).expect("writing zips");
    for f in [
        "conditions.txt",
        "procedures.txt",
        "labs.txt",
        "specialties.txt",
        "spanish.tsv",
        "drugs.txt",
        "drugs_ambiguous.txt",
        "clinical_abbrevs.tsv",
    ] {
        println!("cargo:rerun-if-changed={}", dir.join(f).display());
    }
}
