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
//! For the editor there is also a [`Session`] per compose window, which keeps
//! an [`sealpost_policy::IncrementalScan`] of the body and takes edits in
//! UTF-16 offsets, and a [`CompiledPolicy`] parsed once for many scans.
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

mod report;
mod session;
mod utf16;

use wasm_bindgen::prelude::*;

use sealpost_policy::assess;

use crate::report::Report;
pub use crate::session::{CompiledPolicy, Session};

/// Scans a subject and body under a policy given as JSON (`None`: the
/// default policy) and returns the assessment as JSON: `verdict`, `score`,
/// `subject_verdict`, `action`, `findings` (each with `part`, `category`,
/// `start`, `end` as UTF-8 byte offsets, `start16`, `end16` as UTF-16
/// offsets for JavaScript, `confidence`, the category in words (`label`),
/// `health` (health context rather than an identifier) and a plain-language
/// `explanation`), `toggle` and `policy_error` (`null`, or why the given
/// policy was refused and the strictest policy applied instead).
#[wasm_bindgen]
pub fn scan(subject: Option<String>, body: &str, policy_json: Option<String>) -> String {
    let compiled = session::compile(policy_json.as_deref());
    let a = assess(subject.as_deref(), body, compiled.policy());
    Report::new(&a, subject.as_deref().unwrap_or(""), body, compiled.error()).to_json()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use sealpost_policy::{Action, Policy};

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

    #[test]
    fn findings_carry_utf16_offsets() {
        let subject = "Réf 🙂 Maria Lopez asthma";
        let body = "Ça va? 👩‍⚕️ Pt Maria Lopez, DOB 03/04/1961, MRN 00448291, has asthma.";
        let v: Value = serde_json::from_str(&scan(Some(subject.into()), body, None)).unwrap();
        let findings = v["findings"].as_array().unwrap();
        assert!(findings.len() >= 3);
        for f in findings {
            let text = if f["part"] == "subject" {
                subject
            } else {
                body
            };
            let (s, e) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            let units: Vec<u16> = text.encode_utf16().collect();
            let (s16, e16) = (
                f["start16"].as_u64().unwrap() as usize,
                f["end16"].as_u64().unwrap() as usize,
            );
            assert_eq!(String::from_utf16(&units[s16..e16]).unwrap(), &text[s..e]);
            assert!(f["label"].is_string());
            assert!(f["health"].is_boolean());
        }
    }

    /// Random-ish edits in UTF-16 offsets, as the content script sends them.
    #[test]
    fn session_edits_equal_a_full_scan() {
        let policy = CompiledPolicy::new(None);
        let mut text: Vec<u16> = BODY.repeat(40).encode_utf16().collect();
        let mut session = Session::new(&String::from_utf16(&text).unwrap());
        let inserts = [
            "x",
            "\n\n",
            "é",
            "🙂",
            "Jose Garcia DOB 4/3/1961 ",
            "",
            "MRN 77412093\n\n",
            "Ü🏥",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % (n as u64 + 1)) as usize
        };
        for round in 0..60 {
            let len = text.len();
            let start = next(len);
            let end = (start + next(40)).min(len);
            let rep = inserts[round % inserts.len()];
            let mut new = text[..start].to_vec();
            new.extend(rep.encode_utf16());
            new.extend_from_slice(&text[end..]);
            let valid = String::from_utf16(&new).is_ok();
            let applied = session.edit(start, end, rep);
            if !applied {
                // A split surrogate pair: the content script sends the whole text.
                let s = String::from_utf16_lossy(&new);
                new = s.encode_utf16().collect();
                session.set_text(&s);
            } else {
                assert!(valid, "edit {start}..{end} accepted but splits a pair");
            }
            text = new;
            let body = String::from_utf16(&text).unwrap();
            assert_eq!(session.len16(), text.len());
            let subject = Some("Follow-up 🙂".to_string());
            let inc = session.assess(subject.clone(), &policy);
            let full = scan(subject, &body, None);
            assert_eq!(inc, full, "round {round}");
        }
        assert!(session.last_scanned() < body_len_bytes(&text));
    }

    fn body_len_bytes(units: &[u16]) -> usize {
        String::from_utf16_lossy(units).len()
    }

    #[test]
    fn session_rejects_split_surrogates() {
        let mut s = Session::new("a🙂b");
        assert!(!s.edit(2, 2, "x"));
        assert!(!s.edit(0, 9, "x"));
        assert!(s.edit(3, 4, "c"));
        assert_eq!(s.len16(), 4);
    }

    #[test]
    fn compiled_policy_says_where_it_came_from() {
        let d: Value = serde_json::from_str(&CompiledPolicy::new(None).describe()).unwrap();
        assert_eq!(d["source"], "default");
        let json = include_str!("../../packaging/policy/sealpost-policy.json");
        let m: Value =
            serde_json::from_str(&CompiledPolicy::new(Some(json.into())).describe()).unwrap();
        assert_eq!(m["source"], "managed");
        assert_eq!(
            m["config"]["allow"]["internal_domains"][0],
            "riverside-fm.example"
        );
        let bad: Value = serde_json::from_str(
            &CompiledPolicy::new(Some(r#"{"actions": {"phi": "nope"}}"#.into())).describe(),
        )
        .unwrap();
        assert_eq!(bad["source"], "strictest-fallback");
        assert!(bad["error"].as_str().unwrap().contains("actions.phi"));
        assert_eq!(bad["config"]["override"]["allowed"], false);
        assert_eq!(bad["defaults"]["override"]["allowed"], true);
    }

    /// The content script rebuilds the body findings from deltas: keep the
    /// head, shift the tail by the edit (UTF-16), put the middle between.
    /// The result must equal a full scan after every edit.
    #[test]
    fn deltas_rebuild_the_full_list() {
        let policy = CompiledPolicy::new(None);
        let mut text: Vec<u16> = BODY.repeat(30).encode_utf16().collect();
        let mut session = Session::new(&String::from_utf16(&text).unwrap());
        let mut list: Vec<Value> = Vec::new();
        let inserts = [
            "x",
            "é🙂",
            "",
            "\n\n",
            " Maria Lopez MRN 00448291 ",
            "diabetes",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % (n as u64 + 1)) as usize
        };
        let mut kept = 0;
        for round in 0..80 {
            let (start, end, rep) = if round == 0 {
                (0, 0, "")
            } else {
                let start = next(text.len());
                (
                    start,
                    (start + next(12)).min(text.len()),
                    inserts[round % inserts.len()],
                )
            };
            let mut new = text[..start].to_vec();
            new.extend(rep.encode_utf16());
            new.extend_from_slice(&text[end..]);
            let shift = rep.encode_utf16().count() as i64 - (end - start) as i64;
            if round > 0 && !session.edit(start, end, rep) {
                continue; // split surrogate pair: not applied
            }
            text = new;
            let d: Value =
                serde_json::from_str(&session.assess_delta(Some("Re: visit".into()), &policy))
                    .unwrap();
            let middle = d["body"].as_array().unwrap().clone();
            if d["full"].as_bool().unwrap() {
                list = middle;
            } else {
                let (h, t) = (
                    d["head"].as_u64().unwrap() as usize,
                    d["tail"].as_u64().unwrap() as usize,
                );
                kept += h + t;
                let mut tail: Vec<Value> = list[list.len() - t..].to_vec();
                for f in &mut tail {
                    for k in ["start16", "end16"] {
                        f[k] = Value::from(f[k].as_i64().unwrap() + shift);
                    }
                }
                let mut rebuilt = list[..h].to_vec();
                rebuilt.extend(middle);
                rebuilt.extend(tail);
                list = rebuilt;
            }
            let body = String::from_utf16(&text).unwrap();
            let full: Value =
                serde_json::from_str(&scan(Some("Re: visit".into()), &body, None)).unwrap();
            let want: Vec<(Value, Value, Value)> = full["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["part"] == "body")
                .map(|f| {
                    (
                        f["category"].clone(),
                        f["start16"].clone(),
                        f["end16"].clone(),
                    )
                })
                .collect();
            let got: Vec<(Value, Value, Value)> = list
                .iter()
                .map(|f| {
                    (
                        f["category"].clone(),
                        f["start16"].clone(),
                        f["end16"].clone(),
                    )
                })
                .collect();
            assert_eq!(got, want, "round {round}");
            assert_eq!(d["verdict"], full["verdict"]);
            assert_eq!(
                d["count"].as_u64().unwrap() as usize,
                full["findings"].as_array().unwrap().len()
            );
        }
        assert!(kept > 1000, "deltas kept only {kept} findings");
    }
}
