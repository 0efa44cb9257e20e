//! Throughput and incremental-scan benchmarks.
//!
//! - `throughput/mixed_corpus`: decoded subjects and bodies of the labelled
//!   clinical and business set plus the real business mail in
//!   `../shared/data/enron-dev` (when present), scanned and judged message by
//!   message on one core. Criterion reports MB/s.
//! - `incremental/20KB_one_char_edit`: a 20 KB clinical body, one character
//!   inserted then removed in the middle (two edits per iteration; the figure
//!   per edit is half), plus the verdict, against `full/20KB` — the same body
//!   scanned from scratch — in the same run.
//! - `scaling/dense_*`: a body dense with PHI at 320 KB and 3.2 MB; the
//!   throughput of the two should be about the same (linear time).

use std::fs;
use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sealpost_policy::{assess, message_text, IncrementalScan, Part, Policy};

fn corpus() -> Vec<(Option<String>, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        root.join("testdata/labelled"),
        root.join("../../shared/data/enron-dev"),
    ] {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        let mut paths: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        paths.sort();
        for p in paths {
            if let Ok(m) = message_text(&fs::read(&p).unwrap(), "X-Sealpost-Secure") {
                out.push((m.subject, m.body));
            }
        }
    }
    assert!(!out.is_empty(), "no corpus found");
    out
}

fn clinical_body(size: usize) -> String {
    let paras = [
        "Pt Maria Lopez (MRN 00482913, DOB 03/04/1961) seen today for f/u of type 2 diabetes. A1C 9.2, up from 8.1.",
        "Plan: increase metformin 1000 mg bid, add lisinopril 10 mg daily for HTN. Recheck BMP in 2 weeks.",
        "Our team meeting moved to Thursday; the agenda covers the new scheduling template and the holiday rota.",
        "Please fax the signed order to (617) 555-0199 and call the front desk at (617) 555-0123 with questions.",
        "Referral to cardiology for atrial fibrillation; ICD-10 I48.91, E11.9. CPT 99214 billed for this visit.",
    ];
    let mut s = String::new();
    let mut i = 0;
    while s.len() < size {
        s.push_str(paras[i % paras.len()]);
        s.push_str("\r\n\r\n");
        i += 1;
    }
    s
}

fn throughput(c: &mut Criterion) {
    let policy = Policy::default();
    let corpus = corpus();
    let bytes: usize = corpus
        .iter()
        .map(|(s, b)| s.as_ref().map_or(0, String::len) + b.len())
        .sum();
    let mut g = c.benchmark_group("throughput");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("mixed_corpus", |b| {
        b.iter(|| {
            for (s, body) in &corpus {
                black_box(assess(s.as_deref(), body, &policy));
            }
        })
    });
    g.finish();
}

fn incremental(c: &mut Criterion) {
    let policy = Policy::default();
    let body = clinical_body(20 * 1024);
    let mut g = c.benchmark_group("incremental");
    let mut inc = IncrementalScan::new(&body, Part::Body);
    let mid = {
        let mut m = body.len() / 2;
        while !body.is_char_boundary(m) {
            m -= 1;
        }
        m
    };
    g.bench_function("20KB_one_char_edit_x2", |b| {
        b.iter(|| {
            inc.edit(mid..mid, "x");
            black_box(inc.assess(Some("Follow-up"), &policy, None));
            inc.edit(mid..mid + 1, "");
            black_box(inc.assess(Some("Follow-up"), &policy, None));
        })
    });
    g.bench_function("full_20KB", |b| {
        b.iter(|| black_box(assess(Some("Follow-up"), &body, &policy)))
    });
    g.finish();
}

/// A long message dense with findings, at two sizes: the time per byte
/// should not grow with the size (the verdict once compared every finding
/// with every other, and 3 MB took seconds).
fn scaling(c: &mut Criterion) {
    let policy = Policy::default();
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10);
    for kb in [320, 3200] {
        let body = clinical_body(kb * 1024);
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(format!("dense_{kb}KB"), |b| {
            b.iter(|| black_box(assess(None, &body, &policy)))
        });
    }
    g.finish();
}

criterion_group!(benches, throughput, incremental, scaling);
criterion_main!(benches);
