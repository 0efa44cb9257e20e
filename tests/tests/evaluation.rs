//! Detection quality, printed and held to the targets: message-level recall on
//! the labelled PHI messages, false positives on the labelled business mail
//! and on the real business mail in `../shared/data/enron-dev`, and
//! per-category precision and recall (is a category reported in a message
//! where it occurs). Run with `--nocapture` to see the tables.

use std::collections::BTreeMap;
use std::fs;

use sealpost_policy::{evaluate, Policy, Verdict};
use sealpost_tests::{holdout_dir, labelled_dir, labels, labels_in, shared_dir};

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 40);
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Message-level figures of one labelled set.
struct SetFigures {
    /// Share of the `phi` messages judged `phi`.
    recall: f64,
    /// Share of the `clean` messages judged `phi`.
    fp_rate: f64,
}

#[test]
fn labelled_set_meets_recall_and_false_positive_targets() {
    let labels = labels();
    assert!(
        labels.len() >= 100,
        "labelled set too small: {}",
        labels.len()
    );
    let f = evaluate_set(&labelled_dir(), &labels);
    assert!(
        f.recall >= 0.97,
        "message-level recall {:.3} below 0.97",
        f.recall
    );
    assert!(
        f.fp_rate <= 0.02,
        "phi on {:.3} of labelled business mail (target ≤ 0.02)",
        f.fp_rate
    );
}

/// The set written blind to the detector, in three parts. Much of its
/// business mail is the hardest kind (health-industry bulletins,
/// newsletters, agendas, press releases with people's names next to
/// diseases), so it is held near the figures it had when the last part was
/// added (recall 0.981, 1.8 %), as a guard against regressions; the 2 %
/// target for ordinary business mail is held above and on the real business
/// mail below.
#[test]
fn holdout_set_keeps_its_figures() {
    let labels = labels_in(&holdout_dir());
    assert!(
        labels.len() >= 900,
        "holdout set too small: {}",
        labels.len()
    );
    let f = evaluate_set(&holdout_dir(), &labels);
    assert!(
        f.recall >= 0.97,
        "holdout recall {:.3} below 0.97",
        f.recall
    );
    assert!(
        f.fp_rate <= 0.02,
        "phi on {:.3} of the holdout business mail (was ≤ 0.02)",
        f.fp_rate
    );
}

/// Runs the detector over a labelled set, prints per-category and
/// message-level figures and returns the latter.
fn evaluate_set(dir: &std::path::Path, labels: &[sealpost_tests::Label]) -> SetFigures {
    let policy = Policy::default();
    println!("\n{}:", dir.display());
    let mut per_cat: BTreeMap<String, Counts> = BTreeMap::new();
    let (mut phi_total, mut phi_hit, mut phi_hit_or_possible) = (0, 0, 0);
    let (mut clean_total, mut clean_phi, mut clean_possible) = (0, 0, 0);
    let mut misses = Vec::new();
    let mut false_alarms = Vec::new();
    for l in labels {
        let raw = fs::read(dir.join(&l.file)).unwrap();
        let (_, a) = evaluate(&raw, &policy).unwrap_or_else(|e| panic!("{}: {e}", l.file));
        // Line endings must not change the verdict.
        let (_, a2) = evaluate(&crlf(&raw), &policy).unwrap();
        assert_eq!(
            a.verdict, a2.verdict,
            "{}: verdict differs with CRLF",
            l.file
        );
        match l.verdict.as_str() {
            "phi" => {
                phi_total += 1;
                if a.verdict == Verdict::Phi {
                    phi_hit += 1;
                } else {
                    misses.push(format!("{} ({:?}, {:.2})", l.file, a.verdict, a.score));
                }
                if a.verdict != Verdict::Clean {
                    phi_hit_or_possible += 1;
                }
            }
            "clean" => {
                clean_total += 1;
                match a.verdict {
                    Verdict::Phi => {
                        clean_phi += 1;
                        false_alarms.push(format!("{} ({:.2})", l.file, a.score));
                    }
                    Verdict::Possible => clean_possible += 1,
                    Verdict::Clean => {}
                }
            }
            _ => {}
        }
        let found: Vec<&str> = {
            let mut v: Vec<&str> = a.findings.iter().map(|f| f.category.as_str()).collect();
            v.sort();
            v.dedup();
            v
        };
        for c in sealpost_policy::ALL_CATEGORIES.iter().map(|c| c.as_str()) {
            let expected = l.categories.iter().any(|e| e == c);
            let got = found.contains(&c);
            let e = per_cat.entry(c.to_string()).or_default();
            match (expected, got) {
                (true, true) => e.tp += 1,
                (false, true) => e.fp += 1,
                (true, false) => e.fn_ += 1,
                (false, false) => {}
            }
        }
    }
    println!("\nper-category (message level): category  precision  recall  (tp/fp/fn)");
    for (c, k) in &per_cat {
        let p = k.tp as f64 / (k.tp + k.fp).max(1) as f64;
        let r = k.tp as f64 / (k.tp + k.fn_).max(1) as f64;
        println!(
            "  {c:<15} {p:>6.2} {r:>8.2}   ({}/{}/{})",
            k.tp, k.fp, k.fn_
        );
    }
    let recall = phi_hit as f64 / phi_total.max(1) as f64;
    let fp_rate = clean_phi as f64 / clean_total.max(1) as f64;
    println!(
        "PHI messages: {phi_total}; recall (verdict phi) {recall:.3}; flagged phi or possible {:.3}",
        phi_hit_or_possible as f64 / phi_total.max(1) as f64
    );
    println!(
        "business messages: {clean_total}; phi {fp_rate:.3}; possible {:.3}",
        clean_possible as f64 / clean_total.max(1) as f64
    );
    if !misses.is_empty() {
        println!("missed: {}", misses.join(", "));
    }
    if !false_alarms.is_empty() {
        println!("false phi: {}", false_alarms.join(", "));
    }
    SetFigures { recall, fp_rate }
}

#[test]
fn real_business_mail_is_rarely_phi() {
    let dir = shared_dir().join("data/enron-dev");
    if !dir.exists() && std::env::var_os("SEALPOST_SKIP_SHARED_DATA").is_some() {
        eprintln!("skipping: {} not present", dir.display());
        return;
    }
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (set SEALPOST_SKIP_SHARED_DATA=1 to skip)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    let policy = Policy::default();
    let (mut phi, mut possible, mut errors) = (Vec::new(), 0, 0);
    for f in &files {
        match evaluate(&fs::read(f).unwrap(), &policy) {
            Ok((_, a)) => match a.verdict {
                Verdict::Phi => phi.push(f.file_name().unwrap().to_string_lossy().into_owned()),
                Verdict::Possible => possible += 1,
                Verdict::Clean => {}
            },
            Err(_) => errors += 1,
        }
    }
    let n = files.len();
    let rate = phi.len() as f64 / n.max(1) as f64;
    println!(
        "\nenron-dev business mail: {n} messages; phi {} ({rate:.4}); possible {possible} ({:.4}); unparsable {errors}",
        phi.len(),
        possible as f64 / n.max(1) as f64
    );
    if !phi.is_empty() {
        println!("flagged phi: {}", phi.join(", "));
    }
    assert!(n >= 1000, "expected the 2,000-message sample, found {n}");
    assert_eq!(errors, 0, "every sample message parses");
    assert!(
        rate <= 0.02,
        "phi on {rate:.4} of real business mail (target ≤ 0.02)"
    );
}
