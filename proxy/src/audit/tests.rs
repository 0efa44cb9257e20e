use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use sealpost_policy::{Category, Toggle, Verdict};

use super::line::{decode, encode, sha256_hex, GENESIS};
use super::record::Entry;
use super::*;

fn key() -> AuditKey {
    AuditKey::from_bytes([7; 32])
}

fn record(i: u32) -> Record {
    let mut r = Record::new(
        if i.is_multiple_of(3) {
            Verdict::Phi
        } else {
            Verdict::Clean
        },
        if i.is_multiple_of(3) {
            Action::SentEncrypted
        } else {
            Action::SentPlain
        },
    );
    r.message_id_hash = Some(key().message_id_hash(&format!("<{i}@clinic.example>")));
    r.sender_domain = Some(Domain::parse("clinic.example").unwrap());
    r.add_recipient(Domain::of_address("a@Example.org").unwrap());
    r.add_recipient(Domain::of_address("Bob <b@example.org>").unwrap());
    r.add_recipient(Domain::of_address("c@b.example").unwrap());
    if i.is_multiple_of(3) {
        r.categories.insert(Category::Mrn, 1);
        r.categories.insert(Category::Name, 2);
        r.toggle = Some(ToggleUsed::SubjectTag(Toggle::Secure));
    }
    if i.is_multiple_of(7) {
        r.action = Action::Refused;
        r.reason = Some(Reason::NoKey);
    }
    if i.is_multiple_of(11) {
        r.override_ = Some(Override {
            justification_code: Some(JustificationCode::parse("patient-requested").unwrap()),
        });
        r.toggle = Some(ToggleUsed::Header(Toggle::NoSecure));
    }
    r
}

fn write_log(path: &Path, n: u32) {
    let audit = Audit::open(path, key()).unwrap();
    for i in 1..=n {
        audit.append(&record(i)).unwrap();
    }
}

fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

fn broken(path: &Path) -> ChainBreak {
    match verify_file(path) {
        Err(VerifyError::Chain(b)) => b,
        other => panic!("expected a chain break, got {other:?}"),
    }
}

#[test]
fn record_line_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 33);
    let all = lines(&path);
    let first: serde_json::Value = serde_json::from_str(&all[0]).unwrap();
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "v",
        "seq",
        "time",
        "message_id_hash",
        "sender_domain",
        "recipient_count",
        "recipient_domains",
        "verdict",
        "categories",
        "action",
        "toggle",
        "override",
        "reason",
        "prev",
        "hash",
    ];
    expected.sort();
    assert_eq!(keys, expected); // serde_json::Value sorts; order is checked below
    assert!(
        all[0].starts_with("{\"v\":1,\"seq\":1,\"time\":\""),
        "{}",
        all[0]
    );
    assert_eq!(first["prev"], GENESIS);
    assert_eq!(first["recipient_count"], 3);
    assert_eq!(
        first["recipient_domains"],
        serde_json::json!(["b.example", "example.org"])
    );
    assert_eq!(first["sender_domain"], "clinic.example");
    assert_eq!(first["verdict"], "clean");
    assert_eq!(first["action"], "sent-plain");
    assert!(first["toggle"].is_null() && first["override"].is_null() && first["reason"].is_null());
    assert_eq!(first["message_id_hash"].as_str().unwrap().len(), 64);
    let time = first["time"].as_str().unwrap();
    assert!(time.ends_with('Z') && time.len() == 24, "{time}");

    let third: serde_json::Value = serde_json::from_str(&all[2]).unwrap();
    assert_eq!(
        third["categories"],
        serde_json::json!({"mrn": 1, "name": 2})
    );
    assert_eq!(third["toggle"], "subject-tag:secure");
    let r21: serde_json::Value = serde_json::from_str(&all[20]).unwrap();
    assert_eq!(
        (r21["action"].as_str(), r21["reason"].as_str()),
        (Some("refused"), Some("no-key"))
    );
    let r33: serde_json::Value = serde_json::from_str(&all[32]).unwrap();
    assert_eq!(
        r33["override"],
        serde_json::json!({"justification_code": "patient-requested"})
    );
    assert_eq!(r33["toggle"], "header:off");

    // The documented hash rule, by hand: drop the last 75 bytes, add `}`.
    for (i, line) in all.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let body = format!("{}}}", &line[..line.len() - 75]);
        assert_eq!(v["hash"], sha256_hex(body.as_bytes()));
        if i > 0 {
            assert_eq!(v["prev"], sha256_hex(all[i - 1].as_bytes()));
        }
        assert!(decode(line.as_bytes()).is_ok());
    }
}

#[test]
fn message_id_hash_is_keyed_and_normalized() {
    let a = key().message_id_hash("<abc@example.org>");
    assert_eq!(a, key().message_id_hash(" abc@example.org "));
    assert_ne!(
        a,
        AuditKey::from_bytes([8; 32]).message_id_hash("<abc@example.org>")
    );
    assert!(!a.as_str().contains("abc"));
    assert_eq!(format!("{:?}", key()), "AuditKey(<redacted>)");
}

#[test]
fn key_file_is_created_0600_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/audit.key");
    let k1 = AuditKey::load_or_create(&path).unwrap();
    let k2 = AuditKey::load_or_create(&path).unwrap();
    assert_eq!(k1.message_id_hash("x@y"), k2.message_id_hash("x@y"));
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    fs::write(&path, "short").unwrap();
    assert!(matches!(
        AuditKey::load_or_create(&path),
        Err(AuditError::KeyFile { .. })
    ));
}

#[test]
fn domains_never_hold_local_parts_or_text() {
    assert_eq!(
        Domain::of_address("Jane.Doe@Clinic.EXAMPLE.")
            .unwrap()
            .as_str(),
        "clinic.example"
    );
    assert_eq!(
        Domain::of_address("<x@[192.0.2.1]>").unwrap().as_str(),
        "[192.0.2.1]"
    );
    assert_eq!(
        Domain::parse("bücher.example").unwrap().as_str(),
        "bücher.example"
    );
    for bad in [
        "jane@clinic.example",
        "Jane Doe",
        "janedoe",
        "diabetes type 2.example",
        "",
        "a..b",
        "-a.example",
        "[not an ip]",
        "x\n.example",
    ] {
        assert!(Domain::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Domain::of_address("no at sign").is_err());
    assert!(JustificationCode::parse("patient has HIV").is_err());
    assert!(JustificationCode::parse("").is_err());
    // Deserializing a record refuses smuggled text too.
    let mut e = Entry::new(
        &record(1),
        1,
        "2026-01-01T00:00:00.000Z".into(),
        GENESIS.into(),
    );
    e.recipient_domains = vec![Domain("jane@x.example".into())];
    assert!(decode(&encode(&e)).is_err());
}

#[test]
fn clean_log_of_1000_records_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let t = Instant::now();
    write_log(&path, 1000);
    let written = t.elapsed();
    let t = Instant::now();
    let ok = verify_file(&path).unwrap();
    eprintln!(
        "1000 appends (each fsynced): {written:?}; verify: {:?}",
        t.elapsed()
    );
    assert_eq!(ok.records, 1000);
    assert_eq!(ok.head.unwrap(), sha256_hex(lines(&path)[999].as_bytes()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn empty_and_missing_logs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    assert!(matches!(verify_file(&path), Err(VerifyError::Io(_))));
    fs::write(&path, "").unwrap();
    assert_eq!(
        verify_file(&path).unwrap(),
        Verified {
            records: 0,
            head: None
        }
    );
}

#[test]
fn appends_after_reopen_continue_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/audit.jsonl");
    write_log(&path, 5);
    write_log(&path, 5);
    let audit = Audit::open(&path, key()).unwrap();
    audit.append(&record(99)).unwrap();
    drop(audit);
    assert_eq!(verify_file(&path).unwrap().records, 11);
    let last: serde_json::Value = serde_json::from_str(&lines(&path)[10]).unwrap();
    assert_eq!(last["seq"], 11);
}

#[test]
fn reopen_scans_back_over_long_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let audit = Audit::open(&path, key()).unwrap();
    let mut r = record(1);
    for i in 0..2000 {
        r.add_recipient(Domain::parse(&format!("d{i}.example")).unwrap());
    }
    audit.append(&r).unwrap();
    audit.append(&r).unwrap();
    drop(audit);
    assert!(fs::metadata(&path).unwrap().len() > 40_000);
    write_log(&path, 1);
    assert_eq!(verify_file(&path).unwrap().records, 3);
}

#[test]
fn concurrent_appends_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let audit = Arc::new(Audit::open(&path, key()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let audit = Arc::clone(&audit);
            std::thread::spawn(move || {
                for i in 0..25 {
                    audit.append(&record(t * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(verify_file(&path).unwrap().records, 200);
}

/// `sealpost run` and `sealpost native-host` each open the log: their
/// appends interleave and must still form one chain.
#[test]
fn two_writers_of_one_file_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let audit = Audit::open(&path, key()).unwrap();
            std::thread::spawn(move || {
                for i in 0..40 {
                    audit.append(&record(w * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(verify_file(&path).unwrap().records, 80);
}

#[test]
fn an_edited_field_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 10);
    let mut all = lines(&path);
    all[3] = all[3].replace("\"recipient_count\":3", "\"recipient_count\":2");
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (4, Tamper::Edited), "{b}");
}

#[test]
fn an_edit_with_a_recomputed_hash_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 10);
    let mut all = lines(&path);
    let mut e: Entry = {
        let line = all[5].as_bytes();
        let body = format!(
            "{}}}",
            std::str::from_utf8(&line[..line.len() - 75]).unwrap()
        );
        serde_json::from_str(&body).unwrap()
    };
    e.verdict = Verdict::Clean;
    e.action = Action::SentPlain;
    all[5] = String::from_utf8(encode(&e)).unwrap();
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (6, Tamper::Edited), "{b}");
}

#[test]
fn a_deleted_line_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 10);
    let mut all = lines(&path);
    all.remove(4);
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (5, Tamper::Deleted), "{b}");
    assert!(b.detail.contains("record 5"), "{b}");

    // The first line too.
    let mut all = lines(&path);
    all.remove(0);
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (1, Tamper::Deleted), "{b}");
}

#[test]
fn swapped_lines_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 10);
    let mut all = lines(&path);
    all.swap(5, 6);
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (6, Tamper::Reordered), "{b}");
}

#[test]
fn an_inserted_line_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 10);
    let original = lines(&path);

    // A copy of an earlier line.
    let mut all = original.clone();
    all.insert(6, original[2].clone());
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (7, Tamper::Inserted), "{b}");

    // A forged line that fits the chain before it.
    let mut e = Entry::new(
        &record(1),
        7,
        "2026-01-01T00:00:00.000Z".into(),
        sha256_hex(original[5].as_bytes()),
    );
    e.verdict = Verdict::Clean;
    let mut all = original.clone();
    all.insert(6, String::from_utf8(encode(&e)).unwrap());
    write_lines(&path, &all);
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (7, Tamper::Inserted), "{b}");
}

#[test]
fn a_truncated_final_line_is_detected_and_blocks_appends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    write_log(&path, 10);
    let bytes = fs::read(&path).unwrap();
    let last_start = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    let cut = last_start + (bytes.len() - last_start) / 2;
    fs::write(&path, &bytes[..cut]).unwrap();
    let b = broken(&path);
    assert_eq!((b.line, b.kind), (10, Tamper::Truncated), "{b}");
    let err = Audit::open(&path, key()).unwrap_err();
    assert!(matches!(err, AuditError::CorruptTail { .. }), "{err}");
    assert!(err.to_string().contains("refusing to append"), "{err}");

    // Only the newline missing: still torn.
    fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    assert_eq!(broken(&path).kind, Tamper::Truncated);
    assert!(Audit::open(&path, key()).is_err());

    // An edited last line also stops appends.
    let mut all = lines(&path);
    all[9] = all[9].replace("\"verdict\":\"clean\"", "\"verdict\":\"phi\"");
    write_lines(&path, &all);
    assert!(matches!(
        Audit::open(&path, key()),
        Err(AuditError::CorruptTail { .. })
    ));
    assert_eq!(broken(&path).kind, Tamper::Edited);
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    for garbage in ["\n", "{}\n", "not json\n", "{\"v\":1,\"hash\":\"zz\"}\n"] {
        fs::write(&path, garbage).unwrap();
        assert_eq!(broken(&path).kind, Tamper::Malformed, "{garbage:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error_and_stops_appends() {
    // /dev/full accepts the open and fails every write with ENOSPC.
    let audit = Audit::open(Path::new("/dev/full"), key()).unwrap();
    assert!(matches!(
        audit.append(&record(1)),
        Err(AuditError::Io { .. })
    ));
    assert!(matches!(
        audit.append(&record(2)),
        Err(AuditError::Failed { .. })
    ));
}
