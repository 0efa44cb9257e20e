//! Scanning whole texts and messages: chunk, detect, apply the policy, judge.

use std::borrow::Cow;

use serde::Serialize;

use crate::category::{Category, Part};
use crate::chunk::chunks;
use crate::config::{Action, Policy};
use crate::detect::{scan_chunk, Cues};
use crate::finding::Finding;
use crate::toggle::Toggle;
use crate::verdict::{identifies_person, score, Inputs, Verdict};

/// Findings and cue counts of one text (a subject or a body).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextScan {
    /// Findings, sorted by start, offsets into the text.
    pub findings: Vec<Finding>,
    /// Cue words seen.
    pub cues: Cues,
}

/// Scans a whole text, chunk by chunk.
pub fn scan_text(text: &str, part: Part) -> TextScan {
    let mut out = TextScan::default();
    for r in chunks(text) {
        let c = scan_chunk(&text[r.clone()], part);
        out.cues.add(c.cues);
        out.findings.extend(c.findings.into_iter().map(|mut f| {
            f.start += r.start;
            f.end += r.start;
            f
        }));
    }
    out
}

/// The judgement of a message under a policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The message-level verdict (subject and body together).
    pub verdict: Verdict,
    /// The score behind it, 0.0–1.0.
    pub score: f32,
    /// The subject judged on its own, more strictly.
    pub subject_verdict: Verdict,
    /// What the policy says to do.
    pub action: Action,
    /// The findings that count (policy categories, confidence, allow-lists):
    /// subject findings first, then body findings, each sorted by start.
    pub findings: Vec<Finding>,
    /// A toggle the sender set (subject tag or header), if any.
    pub toggle: Option<Toggle>,
}

impl Assessment {
    /// Finding counts per category, for audit records and logs.
    pub fn category_counts(&self) -> Vec<(Category, usize)> {
        let mut counts: Vec<(Category, usize)> = Vec::new();
        for f in &self.findings {
            match counts.iter_mut().find(|(c, _)| *c == f.category) {
                Some((_, n)) => *n += 1,
                None => counts.push((f.category, 1)),
            }
        }
        counts.sort();
        counts
    }
}

/// Keeps the findings the policy counts.
pub(crate) fn filter(findings: &mut Vec<Finding>, text: &str, policy: &Policy) {
    let min = policy.config().thresholds.min_confidence;
    findings.retain(|f| {
        let t = &text[f.start..f.end];
        f.confidence >= min
            && policy.counts(f.category)
            && !policy.allowed_term(t)
            && !(f.category == Category::Email && policy.is_internal(t))
    });
}

/// Judges scanned subject and body under a policy.
pub(crate) fn judge(
    subject: Option<(&str, TextScan)>,
    body: (&str, TextScan),
    policy: &Policy,
    toggle: Option<Toggle>,
) -> Assessment {
    let th = policy.config().thresholds;
    let (mut subject_findings, subject_cues, subject_verdict) = match subject {
        Some((text, mut s)) => {
            filter(&mut s.findings, text, policy);
            let v = subject_verdict(&s, th.possible, th.phi);
            (s.findings, s.cues, v)
        }
        None => (Vec::new(), Cues::default(), Verdict::Clean),
    };
    let (btext, mut b) = body;
    filter(&mut b.findings, btext, policy);
    let mut cues = b.cues;
    cues.add(subject_cues);
    subject_findings.extend(b.findings);
    let all = subject_findings;
    let scored = score(
        Inputs {
            findings: &without_crs(&all, btext),
            cues,
        },
        th.possible,
        th.phi,
        false,
    );
    let verdict = scored.verdict.max(subject_verdict);
    let action = policy.action(verdict, subject_verdict);
    Assessment {
        verdict,
        score: round3(scored.score),
        subject_verdict,
        action,
        findings: all,
        toggle,
    }
}

/// The findings with body offsets as the verdict measures distances:
/// without the CRs of CRLF line ends, so that a message's verdict does not
/// depend on its line endings (SMTP carries CRLF, a saved file often LF).
fn without_crs<'f>(all: &'f [Finding], body: &str) -> Cow<'f, [Finding]> {
    let b = body.as_bytes();
    let crs: Vec<usize> = memchr::memchr_iter(b'\r', b)
        .filter(|&i| b.get(i + 1) == Some(&b'\n'))
        .collect();
    if crs.is_empty() {
        return Cow::Borrowed(all);
    }
    let shift = |at: usize| at - crs.partition_point(|&c| c < at);
    all.iter()
        .map(|f| match f.part {
            Part::Body => Finding {
                start: shift(f.start),
                end: shift(f.end),
                ..*f
            },
            Part::Subject => *f,
        })
        .collect()
}

/// The subject on its own: any identifier together with health context is
/// PHI, because subjects are not protected by standard encryption and show in
/// notification previews.
fn subject_verdict(s: &TextScan, possible: f32, phi: f32) -> Verdict {
    let strict = score(
        Inputs {
            findings: &s.findings,
            cues: s.cues,
        },
        possible,
        phi,
        true,
    );
    // An event date or a clinician's name is not a patient identifier.
    let any_id = s.findings.iter().any(identifies_person);
    let any_health = s.findings.iter().any(|f| f.category.is_health());
    if strict.verdict == Verdict::Phi || (any_id && any_health) {
        Verdict::Phi
    } else if any_health && s.cues.patient > 0 {
        Verdict::Possible
    } else {
        strict.verdict
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Scans and judges a message given as subject and body text.
pub fn assess(subject: Option<&str>, body: &str, policy: &Policy) -> Assessment {
    let toggle = subject.and_then(|s| policy.toggle_in_subject(s).0);
    let s = subject.map(|s| (s, scan_text(s, Part::Subject)));
    judge(s, (body, scan_text(body, Part::Body)), policy, toggle)
}
