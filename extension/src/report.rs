//! The JSON the extension's scripts receive: the assessment with each finding
//! explained, labelled in plain words and located in UTF-16 offsets as well.

use serde::Serialize;

use sealpost_policy::{Action, Assessment, Category, Finding, Part, Toggle, Verdict};

use crate::utf16::utf16_offsets;

/// An assessment, explained.
#[derive(Serialize)]
pub struct Report<'a> {
    verdict: Verdict,
    score: f32,
    subject_verdict: Verdict,
    action: Action,
    findings: Vec<Explained>,
    toggle: Option<Toggle>,
    policy_error: Option<&'a str>,
}

/// One finding: the core's fields (UTF-8 byte offsets `start`/`end`) plus
/// UTF-16 offsets, the category in words and the explanation. The core's
/// fields are repeated rather than `#[serde(flatten)]`ed: flattening writes
/// through serde's map interface, which cost a tenth of a scan in wasm.
#[derive(Serialize)]
pub(crate) struct Explained {
    part: Part,
    category: Category,
    start: usize,
    end: usize,
    confidence: f32,
    start16: usize,
    end16: usize,
    label: &'static str,
    health: bool,
    explanation: &'static str,
}

impl<'a> Report<'a> {
    /// `subject` and `body` are the texts the assessment was made of.
    pub fn new(
        a: &'a Assessment,
        subject: &str,
        body: &str,
        policy_error: Option<&'a str>,
    ) -> Self {
        // No `..`: a new Assessment field must be added here too.
        let Assessment {
            verdict,
            score,
            subject_verdict,
            action,
            findings,
            toggle,
        } = a;
        let mut out = Vec::with_capacity(findings.len());
        let (subj, body_f): (Vec<&Finding>, Vec<&Finding>) =
            findings.iter().partition(|f| f.part == Part::Subject);
        out.extend(explain(&subj, subject));
        out.extend(explain(&body_f, body));
        Report {
            verdict: *verdict,
            score: *score,
            subject_verdict: *subject_verdict,
            action: *action,
            findings: out,
            toggle: *toggle,
            policy_error,
        }
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        // Plain data (strings, numbers, options): serializing it cannot fail.
        serde_json::to_string(self).expect("report serializes to JSON")
    }
}

/// Explains findings of one part (all with offsets into `text`), in order.
pub(crate) fn explain(findings: &[&Finding], text: &str) -> Vec<Explained> {
    let bytes: Vec<usize> = findings.iter().flat_map(|f| [f.start, f.end]).collect();
    let units = utf16_offsets(text, &bytes);
    findings
        .iter()
        .enumerate()
        .map(|(k, f)| {
            // No `..`: a new Finding field must be considered here too.
            let Finding {
                part,
                category,
                start,
                end,
                confidence,
                reason: _,
            } = **f;
            Explained {
                part,
                category,
                start,
                end,
                confidence,
                start16: units[2 * k],
                end16: units[2 * k + 1],
                label: category.label(),
                health: category.is_health(),
                explanation: f.explanation(),
            }
        })
        .collect()
}
