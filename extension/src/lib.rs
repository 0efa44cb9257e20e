//! # sealpost-extension
//!
//! The WebAssembly core of the Sealpost browser extension: wasm-bindgen glue
//! over [`sealpost_policy`], nothing more. It scans a draft's subject and body
//! under the organisation's policy and returns the assessment as JSON. It does
//! no I/O: reading the draft, the managed policy and showing warnings are the
//! extension's JavaScript's job.
//!
//! Build with `cargo build -p sealpost-extension --target wasm32-unknown-unknown
//! --profile wasm`, then generate the JS glue with wasm-bindgen-cli of exactly
//! the pinned `wasm-bindgen` version (0.2.130).
//!
//! ## A broken policy never disables protection
//!
//! The managed policy arrives as JSON. If it is invalid, [`scan`] applies
//! [`Policy::strictest`] instead and reports why in `"policy_error"`, so the
//! extension can tell the user and IT. No policy at all (`None`) means
//! [`Policy::default`].
//!
//! ```
//! let json = sealpost_extension::scan(None, "Pt Maria Lopez, MRN 00448291, has asthma.", None);
//! let v: serde_json::Value = serde_json::from_str(&json).unwrap();
//! assert_eq!(v["verdict"], "phi");
//! assert!(v["findings"][0]["explanation"].is_string());
//! assert!(v["policy_error"].is_null());
//! ```

use serde::Serialize;
use wasm_bindgen::prelude::*;

use sealpost_policy::{assess, Action, Assessment, Finding, Policy, Toggle, Verdict};

/// Scans a subject and body under a policy given as JSON (`None`: the
/// default policy) and returns the assessment as JSON: `verdict`, `score`,
/// `subject_verdict`, `action`, `findings` (each with `part`, `category`,
/// `start`, `end` as UTF-8 byte offsets, `confidence` and a plain-language
/// `explanation`), `toggle` and `policy_error` (`null`, or why the given
/// policy was refused and the strictest policy applied instead).
#[wasm_bindgen]
pub fn scan(subject: Option<String>, body: &str, policy_json: Option<String>) -> String {
    let (policy, policy_error) = match policy_json.as_deref().map(Policy::from_json) {
        None => (Policy::default(), None),
        Some(Ok(p)) => (p, None),
        Some(Err(e)) => (Policy::strictest(), Some(e.to_string())),
    };
    let a = assess(subject.as_deref(), body, &policy);
    // Plain data (strings, numbers, options): serializing it cannot fail.
    serde_json::to_string(&Report::new(&a, policy_error)).expect("report serializes to JSON")
}

/// The JSON [`scan`] returns: the assessment, explained.
#[derive(Serialize)]
struct Report<'a> {
    verdict: Verdict,
    score: f32,
    subject_verdict: Verdict,
    action: Action,
    findings: Vec<Explained<'a>>,
    toggle: Option<Toggle>,
    policy_error: Option<String>,
}

#[derive(Serialize)]
struct Explained<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    explanation: &'static str,
}

impl<'a> Report<'a> {
    fn new(a: &'a Assessment, policy_error: Option<String>) -> Self {
        // No `..`: a new Assessment field must be added here too.
        let Assessment {
            verdict,
            score,
            subject_verdict,
            action,
            findings,
            toggle,
        } = a;
        Report {
            verdict: *verdict,
            score: *score,
            subject_verdict: *subject_verdict,
            action: *action,
            findings: findings
                .iter()
                .map(|f| Explained {
                    finding: f,
                    explanation: f.explanation(),
                })
                .collect(),
            toggle: *toggle,
            policy_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const BODY: &str = "Pt Maria Lopez, DOB 03/04/1961, MRN 00448291, seen for type 2 diabetes.";

    fn run(policy: Option<&str>) -> Value {
        serde_json::from_str(&scan(
            Some("Referral".into()),
            BODY,
            policy.map(str::to_string),
        ))
        .unwrap()
    }

    #[test]
    fn invalid_policy_falls_back_to_strictest_and_says_so() {
        // "Possible" PHI: the default policy warns, the strictest encrypts.
        let body = "Pt has type 2 diabetes, follow up next week.";
        assert_eq!(assess(None, body, &Policy::default()).action, Action::Warn);
        let strictest = assess(None, body, &Policy::strictest());
        assert_eq!(strictest.action, Action::Encrypt);
        for bad in [
            "{not json",
            r#"{"thresholds": {"phi": "high"}}"#,
            r#"{"no_such_key": 1}"#,
            "",
            "null",
        ] {
            let v: Value = serde_json::from_str(&scan(None, body, Some(bad.into()))).unwrap();
            let err = v["policy_error"]
                .as_str()
                .unwrap_or_else(|| panic!("no policy_error for {bad:?}"));
            assert!(!err.is_empty());
            assert_eq!(v["action"], "encrypt", "{bad:?}");
            assert_eq!(
                v["verdict"],
                serde_json::to_value(strictest.verdict).unwrap(),
                "{bad:?}"
            );
            assert_eq!(
                v["findings"].as_array().unwrap().len(),
                strictest.findings.len()
            );
        }
    }

    #[test]
    fn valid_policy_is_used() {
        let json = include_str!("../../packaging/policy/sealpost-policy.json");
        let v = run(Some(json));
        assert!(v["policy_error"].is_null(), "{}", v["policy_error"]);
        assert_eq!(v["verdict"], "phi");
    }

    #[test]
    fn no_policy_means_default_with_explanations() {
        let v = run(None);
        assert!(v["policy_error"].is_null());
        let expected = assess(Some("Referral"), BODY, &Policy::default());
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), expected.findings.len());
        assert!(!findings.is_empty());
        for (json, f) in findings.iter().zip(&expected.findings) {
            assert_eq!(json["start"], f.start);
            assert_eq!(json["end"], f.end);
            assert_eq!(json["explanation"], f.explanation());
        }
    }
}
