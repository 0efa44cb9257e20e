//! State kept across keystrokes: a compiled policy, and one incremental scan
//! per compose window.

use wasm_bindgen::prelude::*;

use std::ops::Range;

use sealpost_policy::{
    Action, Finding, IncrementalScan, Part, Policy, PolicyConfig, Toggle, Verdict,
};
use serde::Serialize;

use crate::report::{explain, Explained, Report};
use crate::utf16::{byte_offset, utf16_len};

/// Where the policy in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// No managed policy: the built-in default.
    Default,
    /// The managed policy, valid.
    Managed,
    /// The managed policy was invalid: the strictest built-in policy.
    StrictestFallback,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Default => "default",
            Source::Managed => "managed",
            Source::StrictestFallback => "strictest-fallback",
        }
    }
}

/// A policy parsed and validated once, for many scans.
#[wasm_bindgen]
pub struct CompiledPolicy {
    policy: Policy,
    source: Source,
    error: Option<String>,
}

/// Parses a policy (`None`: the default policy). An invalid one gives the
/// strictest built-in policy, with the reason kept for [`CompiledPolicy::describe`].
pub(crate) fn compile(json: Option<&str>) -> CompiledPolicy {
    match json.map(Policy::from_json) {
        None => CompiledPolicy {
            policy: Policy::default(),
            source: Source::Default,
            error: None,
        },
        Some(Ok(policy)) => CompiledPolicy {
            policy,
            source: Source::Managed,
            error: None,
        },
        Some(Err(e)) => CompiledPolicy {
            policy: Policy::strictest(),
            source: Source::StrictestFallback,
            error: Some(e.to_string()),
        },
    }
}

#[wasm_bindgen]
impl CompiledPolicy {
    /// Compiles a managed policy given as JSON; `undefined` means none.
    #[wasm_bindgen(constructor)]
    pub fn new(json: Option<String>) -> CompiledPolicy {
        compile(json.as_deref())
    }

    /// The effective policy as JSON: `{"source": "managed"|"default"|
    /// "strictest-fallback", "error": null|str, "config": {...},
    /// "defaults": {...}}` (`defaults` is the built-in default, so a page can
    /// tell which values the managed policy set).
    pub fn describe(&self) -> String {
        #[derive(serde::Serialize)]
        struct Described<'a> {
            source: &'static str,
            error: Option<&'a str>,
            config: &'a PolicyConfig,
            defaults: PolicyConfig,
        }
        serde_json::to_string(&Described {
            source: self.source.as_str(),
            error: self.error.as_deref(),
            config: self.policy.config(),
            defaults: PolicyConfig::default(),
        })
        // Plain data: serializing it cannot fail.
        .expect("policy serializes to JSON")
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    pub(crate) fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

/// The body of one compose window, scanned incrementally. Offsets are UTF-16
/// code units, as in JavaScript strings.
#[wasm_bindgen]
pub struct Session {
    body: IncrementalScan,
    /// Body findings of the last [`Session::assess_delta`], offsets into the text then.
    prev: Option<Vec<Finding>>,
    /// What changed since then.
    since: Changes,
}

/// The edits since the last delta.
#[derive(Debug, Clone, PartialEq)]
enum Changes {
    /// None.
    Nothing,
    /// One edit: old byte range replaced by `new_len` bytes.
    One { old: Range<usize>, new_len: usize },
    /// More, or the whole text: the next delta is a full list.
    Many,
}

#[wasm_bindgen]
impl Session {
    /// Starts a session on `body`, scanning it in full.
    #[wasm_bindgen(constructor)]
    pub fn new(body: &str) -> Session {
        Session {
            body: IncrementalScan::new(body, Part::Body),
            prev: None,
            since: Changes::Many,
        }
    }

    /// Replaces the whole body and scans it in full.
    pub fn set_text(&mut self, body: &str) {
        self.body.set_text(body);
        self.since = Changes::Many;
    }

    /// Replaces UTF-16 range `start..end` of the body with `replacement` and
    /// rescans only the chunks the edit touched. Returns `false` and changes
    /// nothing if the range is out of bounds or splits a surrogate pair; the
    /// caller then sends the whole text with [`Session::set_text`].
    pub fn edit(&mut self, start: usize, end: usize, replacement: &str) -> bool {
        let text = self.body.text();
        let (s, e) = match (byte_offset(text, start), byte_offset(text, end)) {
            (Some(s), Some(e)) if s <= e => (s, e),
            _ => return false,
        };
        if !self.body.edit(s..e, replacement) {
            return false;
        }
        self.since = match self.since {
            Changes::Nothing => Changes::One {
                old: s..e,
                new_len: replacement.len(),
            },
            _ => Changes::Many,
        };
        true
    }

    /// The body's length in UTF-16 code units (a cheap consistency check for
    /// the caller's copy of the text).
    pub fn len16(&self) -> usize {
        utf16_len(self.body.text())
    }

    /// Bytes scanned by the last update.
    pub fn last_scanned(&self) -> usize {
        self.body.last_scanned()
    }

    /// Judges the body with `subject` under `policy`; the same JSON as
    /// [`crate::scan`].
    pub fn assess(&self, subject: Option<String>, policy: &CompiledPolicy) -> String {
        let p = policy.policy();
        let subject = subject.as_deref();
        let toggle = subject.and_then(|s| p.toggle_in_subject(s).0);
        let a = self.body.assess(subject, p, toggle);
        Report::new(&a, subject.unwrap_or(""), self.body.text(), policy.error()).to_json()
    }

    /// Like [`Session::assess`], but the body findings come as a change to
    /// the list the previous call returned, so a keystroke in a long body
    /// sends a few findings, not all of them. JSON: the assessment fields
    /// (`verdict`, `score`, `subject_verdict`, `action`, `toggle`,
    /// `policy_error`), `count` (all findings), `subject_findings` (all of
    /// them), and for the body `full` (`true`: `body` is the whole list) or
    /// `head`/`tail`: keep that many findings from the start and the end of
    /// the previous list (the tail shifted by the edit), with `body` between.
    pub fn assess_delta(&mut self, subject: Option<String>, policy: &CompiledPolicy) -> String {
        let p = policy.policy();
        let subject = subject.as_deref();
        let toggle = subject.and_then(|s| p.toggle_in_subject(s).0);
        let a = self.body.assess(subject, p, toggle);
        let split = a.findings.partition_point(|f| f.part == Part::Subject);
        let (subj, body) = a.findings.split_at(split);
        let (head, tail) = match &self.prev {
            Some(prev) => common_ends(prev, body, &self.since),
            None => (0, 0),
        };
        let full = self.prev.is_none() || self.since == Changes::Many;
        let (head, tail) = if full { (0, 0) } else { (head, tail) };
        let middle: Vec<&Finding> = body[head..body.len() - tail].iter().collect();
        let subj: Vec<&Finding> = subj.iter().collect();
        let delta = Delta {
            verdict: a.verdict,
            score: a.score,
            subject_verdict: a.subject_verdict,
            action: a.action,
            toggle: a.toggle,
            policy_error: policy.error(),
            count: a.findings.len(),
            subject_findings: explain(&subj, subject.unwrap_or("")),
            full,
            head,
            tail,
            body: explain(&middle, self.body.text()),
        };
        // Plain data: serializing it cannot fail.
        let json = serde_json::to_string(&delta).expect("delta serializes to JSON");
        self.prev = Some(body.to_vec());
        self.since = Changes::Nothing;
        json
    }
}

/// [`Session::assess_delta`]'s JSON.
#[derive(Serialize)]
struct Delta<'a> {
    verdict: Verdict,
    score: f32,
    subject_verdict: Verdict,
    action: Action,
    toggle: Option<Toggle>,
    policy_error: Option<&'a str>,
    count: usize,
    subject_findings: Vec<Explained>,
    full: bool,
    head: usize,
    tail: usize,
    body: Vec<Explained>,
}

/// How many findings at the start of `old` are unchanged in `new`, and how
/// many at the end are unchanged but for the shift of the edit. A finding is
/// kept only if it lies wholly before (or after) the edited bytes.
fn common_ends(old: &[Finding], new: &[Finding], since: &Changes) -> (usize, usize) {
    let (edit, delta) = match since {
        Changes::Nothing => (usize::MAX..usize::MAX, 0isize),
        Changes::One { old, new_len } => (old.clone(), *new_len as isize - old.len() as isize),
        Changes::Many => return (0, 0),
    };
    let max = old.len().min(new.len());
    let mut head = 0;
    while head < max && old[head].end <= edit.start && old[head] == new[head] {
        head += 1;
    }
    let mut tail = 0;
    while tail < max - head {
        let o = &old[old.len() - 1 - tail];
        let n = &new[new.len() - 1 - tail];
        if o.start < edit.end {
            break;
        }
        let mut shifted = *o;
        shifted.start = (o.start as isize + delta) as usize;
        shifted.end = (o.end as isize + delta) as usize;
        if shifted != *n {
            break;
        }
        tail += 1;
    }
    (head, tail)
}
