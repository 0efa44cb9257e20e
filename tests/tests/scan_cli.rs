//! The `sealpost scan` contract, exercised through the real binary.

use std::fs;
use std::path::PathBuf;

use sealpost_tests::sealpost;
use serde_json::Value;

const REFERRAL: &str = "From: Front Desk <desk@riverside-clinic.example>\r\n\
To: Dr. Ana Patel <apatel@heights-cardiology.example>\r\n\
Subject: Referral - Maria Lopez DOB 03/04/1961\r\n\
Date: Mon, 4 Nov 2024 09:12:00 -0500\r\n\
Message-ID: <ref-1@riverside-clinic.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Referring pt Maria Lopez (MRN 00482913) for eval of atrial fibrillation.\r\n\
Current meds: metoprolol 25 mg bid, apixaban 5 mg bid.\r\n";

const BUSINESS: &str = "From: Sales <sales@acme.example>\r\n\
To: Bob <bob@example.com>\r\n\
Subject: Q3 pricing\r\n\
Date: Mon, 4 Nov 2024 09:12:00 -0500\r\n\
Message-ID: <q3@acme.example>\r\n\
Content-Type: text/plain\r\n\
\r\n\
Hi Bob, attached is the Q3 price list. Call me at (617) 555-0142.\r\n\
John Smith, Acme Supply, 200 Main Street, Springfield, IL 62704\r\n";

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("sealpost-scan-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn file(&self, name: &str, data: &[u8]) -> String {
        let p = self.0.join(name);
        fs::write(&p, data).unwrap();
        p.to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn json_lines_follow_the_contract_in_input_order() {
    let d = Dir::new("order");
    let a = d.file("a.eml", REFERRAL.as_bytes());
    let b = d.file("b.eml", BUSINESS.as_bytes());
    let out = sealpost(&["scan", "--json", &a, &b], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = lines(&out.stdout);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["path"], a.as_str());
    assert_eq!(v[1]["path"], b.as_str());
    assert_eq!(v[0]["verdict"], "phi");
    assert_eq!(v[1]["verdict"], "clean");
    let obj = v[0].as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["findings", "path", "score", "verdict"]);
    let subject = "Referral - Maria Lopez DOB 03/04/1961";
    let mut seen_subject_date = false;
    for f in obj["findings"].as_array().unwrap() {
        let f = f.as_object().unwrap();
        let mut k: Vec<&str> = f.keys().map(String::as_str).collect();
        k.sort();
        assert_eq!(k, ["category", "confidence", "end", "part", "start"]);
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert!(s < e);
        if f["part"] == "subject" && f["category"] == "date" {
            assert_eq!(&subject[s..e], "03/04/1961");
            seen_subject_date = true;
        }
        assert!(sealpost_policy::Category::from_name(f["category"].as_str().unwrap()).is_some());
    }
    assert!(seen_subject_date);
    assert!(obj["score"].as_f64().unwrap() >= 0.5);
}

#[test]
fn text_mode_offsets_are_into_the_file_bytes() {
    let d = Dir::new("text");
    let body = "Zoë's note: pt José Garcia, SSN 215-53-8841, dx E11.9.\n";
    let p = d.file("note.txt", body.as_bytes());
    let out = sealpost(&["scan", "--json", "--text", &p], b"");
    assert!(out.status.success());
    let v = lines(&out.stdout);
    let fs = v[0]["findings"].as_array().unwrap();
    let got: Vec<(String, &str)> = fs
        .iter()
        .map(|f| {
            let (s, e) = (
                f["start"].as_u64().unwrap() as usize,
                f["end"].as_u64().unwrap() as usize,
            );
            (f["category"].as_str().unwrap().to_string(), &body[s..e])
        })
        .collect();
    assert!(got.contains(&("ssn".into(), "215-53-8841")), "{got:?}");
    assert!(got.contains(&("icd10".into(), "E11.9")), "{got:?}");
    assert!(fs.iter().all(|f| f["part"] == "body"));
}

#[test]
fn bad_inputs_get_an_error_line_and_the_rest_is_scanned() {
    let d = Dir::new("errors");
    let good = d.file("good.eml", REFERRAL.as_bytes());
    let empty = d.file("empty.eml", b"");
    let missing = d.0.join("missing.eml").to_string_lossy().into_owned();
    let latin = d.file("latin1.txt", b"caf\xe9 MRN 1234567\n");
    let out = sealpost(&["scan", "--json", &empty, &missing, &good], b"");
    assert_eq!(out.status.code(), Some(1));
    let v = lines(&out.stdout);
    assert_eq!(v.len(), 3);
    assert!(v[0]["error"].as_str().unwrap().contains("empty"));
    assert!(v[1]["error"].as_str().unwrap().contains("cannot read"));
    assert_eq!(v[2]["verdict"], "phi");
    let out = sealpost(&["scan", "--json", "--text", &latin], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(lines(&out.stdout)[0]["error"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
}

#[test]
fn files_from_a_list_and_from_stdin() {
    let d = Dir::new("list");
    let a = d.file("a.eml", REFERRAL.as_bytes());
    let b = d.file("b.eml", BUSINESS.as_bytes());
    let list = d.file("list.txt", format!("{b}\n{a}\n").as_bytes());
    let out = sealpost(&["scan", "--json", "--files-from", &list], b"");
    let v = lines(&out.stdout);
    assert_eq!(
        (v[0]["path"].as_str(), v[1]["path"].as_str()),
        (Some(b.as_str()), Some(a.as_str()))
    );
    let out = sealpost(
        &["scan", "--json", "--files-from", "-", &a],
        format!("{b}\r\n").as_bytes(),
    );
    let v = lines(&out.stdout);
    assert_eq!(
        (v[0]["path"].as_str(), v[1]["path"].as_str()),
        (Some(a.as_str()), Some(b.as_str()))
    );
}

#[test]
fn readable_report_explains_without_repeating_phi() {
    let d = Dir::new("report");
    let a = d.file("a.eml", REFERRAL.as_bytes());
    let out = sealpost(&["scan", &a], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("verdict: PHI"), "{text}");
    assert!(text.contains("policy action: encrypt"), "{text}");
    assert!(text.contains("medical record number"), "{text}");
    assert!(text.contains("Looks like a date of birth"), "{text}");
    for phi in ["00482913", "Maria", "Lopez", "03/04/1961"] {
        assert!(!text.contains(phi), "report repeats {phi}: {text}");
    }
}

#[test]
fn a_bad_policy_is_refused_naming_the_key() {
    let d = Dir::new("policy");
    let a = d.file("a.eml", REFERRAL.as_bytes());
    let bad = d.file("p.toml", b"[thresholds]\nphi = 7\n");
    let out = sealpost(&["scan", "--json", "--policy", &bad, &a], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("thresholds.phi"));
    let strict = d.file(
        "p.json",
        br#"{"actions": {"possible": "block"}, "categories": ["phone"]}"#,
    );
    let out = sealpost(&["scan", "--json", "--policy", &strict, &a], b"");
    let v = lines(&out.stdout);
    assert!(v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["category"] == "phone"));
}
