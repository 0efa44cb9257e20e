use std::io::Cursor;
use std::path::Path;

use base64::Engine;
use serde_json::{json, Value};

use super::frame::{chunk_reply, read_frame, write_frame, Frame, DISCARD_CHUNK, MAX_REPLY_BYTES};
use super::handler::Handler;
use super::host::{refuse, serve, Ended};
use super::origin::{self, Caller};
use super::request::{parse, Request};
use crate::config::{LoadedConfig, Paths, PolicySource, ProxyConfig, ResolvedPolicy};
use crate::keys::{new_key, KeyStore};

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_ne_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// Splits host output into its frames, parsed as JSON.
fn replies(out: &[u8]) -> Vec<Value> {
    let mut frames = Vec::new();
    let mut rest = out;
    while !rest.is_empty() {
        let len = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
        assert!(len <= MAX_REPLY_BYTES, "a frame of {len} bytes");
        frames.push(serde_json::from_slice(&rest[4..4 + len]).unwrap());
        rest = &rest[4 + len..];
    }
    frames
}

fn code(reply: &Value) -> &str {
    reply["error"]["code"].as_str().unwrap_or("")
}

// ---- framing ----

#[test]
fn frames_good_truncated_oversized_and_end() {
    let mut input = framed(br#"{"type":"status"}"#);
    input.extend(framed(b"x"));
    let mut r = Cursor::new(input);
    assert_eq!(
        read_frame(&mut r, 1024).unwrap(),
        Frame::Message(br#"{"type":"status"}"#.to_vec())
    );
    assert_eq!(
        read_frame(&mut r, 1024).unwrap(),
        Frame::Message(b"x".to_vec())
    );
    assert_eq!(read_frame(&mut r, 1024).unwrap(), Frame::End);

    // Truncated in the length and in the body.
    assert_eq!(
        read_frame(&mut Cursor::new(vec![5u8, 0]), 1024).unwrap(),
        Frame::Truncated
    );
    let mut short = framed(b"abcdef");
    short.truncate(7);
    assert_eq!(
        read_frame(&mut Cursor::new(short), 1024).unwrap(),
        Frame::Truncated
    );

    // Oversized: discarded, and the next frame still reads.
    let big = vec![b'a'; 3 * DISCARD_CHUNK + 17];
    let mut input = framed(&big);
    input.extend(framed(b"{}"));
    let mut r = Cursor::new(input);
    assert_eq!(
        read_frame(&mut r, 1024).unwrap(),
        Frame::Oversized {
            len: big.len() as u32
        }
    );
    assert_eq!(
        read_frame(&mut r, 1024).unwrap(),
        Frame::Message(b"{}".to_vec())
    );

    // A length that promises more than ever comes: truncated, not an
    // allocation of that size.
    let mut r = Cursor::new(u32::MAX.to_ne_bytes().to_vec());
    assert_eq!(read_frame(&mut r, u32::MAX).unwrap(), Frame::Truncated);
}

#[test]
fn write_frame_is_native_length_then_body() {
    let mut out = Vec::new();
    write_frame(&mut out, b"{\"a\":1}").unwrap();
    assert_eq!(&out[..4], &7u32.to_ne_bytes());
    assert_eq!(&out[4..], b"{\"a\":1}");
}

#[test]
fn long_replies_are_chunked_and_reassemble() {
    // Over 1 MB, with characters that need escaping and multi-byte ones.
    let text: String = "abc\"\\é€\n".repeat(200_000);
    let reply = json!({"id": 7, "ok": true, "type": "encrypt", "armored": text}).to_string();
    assert!(reply.len() > MAX_REPLY_BYTES);
    let frames = chunk_reply(&json!(7), reply.clone(), MAX_REPLY_BYTES);
    assert!(frames.len() >= 2);
    let mut joined = String::new();
    for (i, f) in frames.iter().enumerate() {
        assert!(f.len() <= MAX_REPLY_BYTES, "chunk {i} is {} bytes", f.len());
        let v: Value = serde_json::from_slice(f).unwrap();
        assert_eq!(v["id"], 7);
        assert_eq!(v["type"], "chunk");
        assert_eq!(v["seq"], i as u64);
        assert_eq!(v["last"], i + 1 == frames.len());
        joined.push_str(v["data"].as_str().unwrap());
    }
    assert_eq!(joined, reply);
    // A short reply is sent as it is.
    assert_eq!(
        chunk_reply(&json!(1), "{}".into(), MAX_REPLY_BYTES),
        vec![b"{}".to_vec()]
    );
}

// ---- requests ----

#[test]
fn requests_parse_strictly() {
    let ok = |s: &str| parse(s.as_bytes()).map(|(_, r)| r);
    let err = |s: &[u8]| parse(s).err().map(|(id, e)| (id, e.code.as_str()));
    assert_eq!(ok(r#"{"type":"status"}"#).unwrap(), Request::Status);
    assert!(matches!(
        ok(r#"{"id":"a","type":"recipients","addresses":["a@b.example"]}"#).unwrap(),
        Request::Recipients(_)
    ));
    let table: &[(&[u8], Value, &str)] = &[
        (b"\xff", Value::Null, "bad_utf8"),
        (b"", Value::Null, "bad_json"),
        (b"{\"type\":", Value::Null, "bad_json"),
        (b"[1]", Value::Null, "bad_request"),
        (br#"{"id":1}"#, json!(1), "bad_request"),
        (br#"{"id":1,"type":"launch"}"#, json!(1), "unknown_type"),
        (br#"{"id":1,"type":"status","x":1}"#, json!(1), "bad_request"),
        (br#"{"id":1,"type":"recipients","addresses":[],"x":1}"#, json!(1), "bad_request"),
        (br#"{"id":1,"type":"recipients","addresses":"a@b.example"}"#, json!(1), "bad_request"),
        (br#"{"type":"recipients","addresses":[]}"#, Value::Null, "bad_request"),
        (br#"{"id":[1],"type":"status"}"#, Value::Null, "bad_request"),
        (br#"{"id":1.5,"type":"status"}"#, Value::Null, "bad_request"),
        (br#"{"id":2,"type":"encrypt","from":"a@b.example","to":[],"attachments":[{"name":"x","data_base64":"","size":1}]}"#, json!(2), "bad_request"),
        (br#"{"id":3,"type":"audit","event":"deleted","verdict":"phi","action":"encrypt","recipient_domains":[]}"#, json!(3), "bad_request"),
    ];
    for (input, id, want) in table {
        assert_eq!(
            err(input),
            Some((id.clone(), *want)),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn origins() {
    let allowed = origin::built_in();
    let chrome = format!("chrome-extension://{}/", origin::CHROME_EXTENSION_ID);
    assert_eq!(
        origin::check(std::slice::from_ref(&chrome), &allowed),
        Ok(Caller::Chrome(chrome.clone()))
    );
    // Windows adds --parent-window.
    assert!(origin::check(&[chrome, "--parent-window=0".into()], &allowed).is_ok());
    assert!(origin::check(
        &[
            "/x/com.sealpost.agent.json".into(),
            origin::FIREFOX_EXTENSION_ID.into()
        ],
        &allowed
    )
    .is_ok());
    for bad in [
        vec![],
        vec!["chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/".to_string()],
        vec!["whatever".to_string()],
        vec![
            "/x/manifest.json".to_string(),
            "evil@example.org".to_string(),
        ],
    ] {
        assert!(origin::check(&bad, &allowed).is_err(), "{bad:?}");
    }
}

// ---- the loop ----

#[test]
fn loop_answers_bad_frames_and_keeps_serving() {
    let mut input = framed(b"not json");
    input.extend(framed(br#"{"id":1,"type":"nope"}"#));
    input.extend(framed(br#"{"id":2,"type":"status"}"#));
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let ended = serve(&mut Cursor::new(input), &mut out, |id, r| {
        seen.push(r);
        super::reply::ok(id, "status", json!({}))
    })
    .unwrap();
    assert_eq!(ended, Ended::Closed);
    assert_eq!(seen, vec![Request::Status]);
    let r = replies(&out);
    assert_eq!(code(&r[0]), "bad_json");
    assert_eq!(code(&r[1]), "unknown_type");
    assert_eq!(r[1]["id"], 1);
    assert_eq!(r[2]["id"], 2);
    assert_eq!(r[2]["ok"], true);

    // Cut mid-frame: ends cleanly after answering what came before.
    let mut input = framed(br#"{"id":1,"type":"status"}"#);
    input.extend(&100u32.to_ne_bytes());
    input.extend(b"{\"id\"");
    let mut out = Vec::new();
    let ended = serve(&mut Cursor::new(input), &mut out, |id, _| {
        super::reply::ok(id, "status", json!({}))
    })
    .unwrap();
    assert_eq!(ended, Ended::Truncated);
    assert_eq!(replies(&out).len(), 1);
}

#[test]
fn refused_caller_gets_one_error() {
    let input = framed(br#"{"id":9,"type":"status"}"#);
    let mut out = Vec::new();
    assert_eq!(
        refuse(&mut Cursor::new(input), &mut out, "caller not allowed").unwrap(),
        Ended::Refused
    );
    let r = replies(&out);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["id"], 9);
    assert_eq!(code(&r[0]), "origin_not_allowed");
}

#[test]
fn random_input_never_panics() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 64) as usize;
        let mut bytes = Vec::with_capacity(len + 4);
        let mut s = seed;
        for _ in 0..len {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
            bytes.push((s >> 56) as u8);
        }
        let _ = parse(&bytes);
        let mut input = framed(&bytes);
        input.extend(&bytes);
        let _ = serve(&mut Cursor::new(input), &mut Vec::new(), |id, _| {
            super::reply::ok(id, "status", json!({}))
        });
    }
}

// ---- the handler ----

fn loaded(dir: &Path) -> LoadedConfig {
    LoadedConfig {
        paths: Paths {
            config_file: dir.join("sealpost.toml"),
            config_explicit: false,
            managed_policy: dir.join("none.toml"),
            data_dir: dir.to_path_buf(),
        },
        proxy: ProxyConfig::default(),
        policy: ResolvedPolicy {
            policy: sealpost_policy::Policy::default(),
            source: PolicySource::User,
            warning: None,
        },
    }
}

/// A data dir with the user's key (me@clinic.example) and one recipient
/// (bob@partner.example).
fn setup() -> (tempfile::TempDir, Handler) {
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::open(dir.path().join("keys")).unwrap();
    store.generate("me@clinic.example", Some("Me")).unwrap();
    let uid = sequoia_openpgp::packet::UserID::from("Bob <bob@partner.example>");
    let (bob, _) = new_key(uid).unwrap();
    let public = sequoia_openpgp::serialize::SerializeInto::to_vec(&bob).unwrap();
    store.import(&public).unwrap();
    let handler = Handler::open(&loaded(dir.path())).unwrap();
    (dir, handler)
}

fn ask(h: &Handler, request: Value) -> Value {
    let body = serde_json::to_vec(&request).unwrap();
    let (id, r) = parse(&body).unwrap();
    serde_json::from_str(&h.handle(&id, r)).unwrap()
}

#[test]
fn status_and_recipients() {
    let (_dir, h) = setup();
    let s = ask(&h, json!({"id": 1, "type": "status"}));
    assert_eq!(s["ok"], true);
    assert_eq!(s["has_secret_key"], true);
    assert_eq!(s["own_keys"][0]["address"], "me@clinic.example");
    assert_eq!(s["recipient_certificates"], 1);
    assert_eq!(s["policy"]["source"], "user");
    assert_eq!(s["policy"]["digest"].as_str().unwrap().len(), 64);

    let r = ask(
        &h,
        json!({"id": 2, "type": "recipients",
               "addresses": ["BOB@partner.example", "Bob <bob@partner.example>", "nobody@partner.example", "not an address"]}),
    );
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["found", "found", "none", "invalid_address"]);
}

#[test]
fn encrypt_round_trips_and_fails_closed() {
    let (_dir, h) = setup();
    let data = base64::engine::general_purpose::STANDARD.encode(b"A1C 9.1\n");
    let e = ask(
        &h,
        json!({"id": 1, "type": "encrypt", "from": "Me <me@clinic.example>",
               "to": ["bob@partner.example"], "subject": "Jane Roe, DOB 1960-02-01",
               "text": "Her A1C is up.\n", "html": "<p>Her A1C is up.</p>",
               "attachments": [{"name": "lab.txt", "type": "text/plain", "data_base64": data}]}),
    );
    assert_eq!(e["ok"], true, "{e}");
    assert_eq!(e["placeholder_subject"], "Secure message");
    assert_eq!(e["encrypted_to_sender"], true);
    let armored = e["armored"].as_str().unwrap();
    assert!(armored.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(!armored.contains("Jane"));

    // The user's own key reads it back (the Sent copy).
    let d = ask(&h, json!({"id": 2, "type": "decrypt", "armored": armored}));
    assert_eq!(d["ok"], true, "{d}");
    assert_eq!(d["subject"], "Jane Roe, DOB 1960-02-01");
    assert_eq!(d["header_protection"], true);
    assert!(d["text"].as_str().unwrap().contains("Her A1C is up."));
    assert!(d["html"]
        .as_str()
        .unwrap()
        .contains("<p>Her A1C is up.</p>"));
    assert_eq!(d["to"][0], "bob@partner.example");
    assert_eq!(d["attachments"][0]["name"], "lab.txt");
    assert_eq!(d["attachments"][0]["data_base64"], data);

    // One recipient without a key: nothing is encrypted.
    let m = ask(
        &h,
        json!({"id": 3, "type": "encrypt", "from": "me@clinic.example",
               "to": ["bob@partner.example"], "cc": ["Carol <carol@elsewhere.example>"],
               "subject": "s", "text": "t"}),
    );
    assert_eq!(code(&m), "missing_keys");
    assert_eq!(m["error"]["addresses"], json!(["carol@elsewhere.example"]));
    assert!(m.get("armored").is_none());

    for (req, want) in [
        (
            json!({"id": 4, "type": "encrypt", "from": "me@clinic.example", "subject": "s"}),
            "no_recipients",
        ),
        (
            json!({"id": 5, "type": "encrypt", "from": "me", "to": ["bob@partner.example"]}),
            "bad_address",
        ),
        (
            json!({"id": 6, "type": "encrypt", "from": "me@clinic.example", "to": ["bob@partner.example"],
                "attachments": [{"name": "a", "data_base64": "!!!"}]}),
            "bad_attachment",
        ),
        (
            json!({"id": 7, "type": "encrypt", "from": "me@clinic.example", "to": ["bob@partner.example"],
                "attachments": [{"name": "a", "type": "not a type", "data_base64": ""}]}),
            "bad_attachment",
        ),
        (
            json!({"id": 8, "type": "encrypt", "from": "me@clinic.example", "to": ["bob@partner.example"],
                "placeholder": "two\nlines"}),
            "bad_placeholder",
        ),
        (
            json!({"id": 9, "type": "encrypt", "from": "me@clinic.example", "to": ["bob@partner.example"],
                "attachments": [{"name": "big", "data_base64": "A".repeat(36 * 1024 * 1024)}]}),
            "too_large",
        ),
        (
            json!({"id": 10, "type": "decrypt", "armored": "not a message"}),
            "malformed",
        ),
    ] {
        let r = ask(&h, req.clone());
        assert_eq!(code(&r), want, "{req}: {r}");
    }
}

#[test]
fn decrypt_of_a_message_for_someone_else_is_not_for_me() {
    let (_dir, h) = setup();
    let uid = sequoia_openpgp::packet::UserID::from("<x@y.example>");
    let (other, _) = new_key(uid).unwrap();
    let armored = crate::pgp::encrypt_armored(
        b"From: x@y.example\r\nSubject: s\r\n\r\nbody\r\n",
        &[other],
        None,
        None,
        "Secure message",
    )
    .unwrap();
    let r = ask(
        &h,
        json!({"id": 1, "type": "decrypt", "armored": String::from_utf8(armored).unwrap()}),
    );
    assert_eq!(code(&r), "not_for_me");
}

#[test]
fn audit_records_validate_and_chain() {
    let (dir, h) = setup();
    let ok = ask(
        &h,
        json!({"id": 1, "type": "audit", "event": "sent_encrypted", "verdict": "phi",
               "action": "encrypt", "categories": {"name": 1, "condition": 2},
               "recipient_domains": ["partner.example", "partner.example"],
               "sender_domain": "clinic.example"}),
    );
    assert_eq!(ok["recorded"], true, "{ok}");
    let ov = ask(
        &h,
        json!({"id": 2, "type": "audit", "event": "override", "verdict": "phi",
               "action": "encrypt", "recipient_domains": ["partner.example"],
               "justification": "patient-requested"}),
    );
    assert_eq!(ov["recorded"], true, "{ov}");
    for (req, want) in [
        (
            json!({"id": 3, "type": "audit", "event": "override", "verdict": "phi", "action": "encrypt",
                "recipient_domains": ["partner.example"]}),
            "override_not_allowed",
        ),
        (
            json!({"id": 4, "type": "audit", "event": "override", "verdict": "phi", "action": "encrypt",
                "recipient_domains": ["partner.example"], "justification": "because"}),
            "override_not_allowed",
        ),
        (
            json!({"id": 5, "type": "audit", "event": "override", "verdict": "phi", "action": "block",
                "recipient_domains": ["partner.example"], "justification": "other"}),
            "override_not_allowed",
        ),
        (
            json!({"id": 10, "type": "audit", "event": "override", "verdict": "possible", "action": "warn",
                "recipient_domains": ["partner.example"], "justification": "other"}),
            "override_not_allowed",
        ),
        (
            json!({"id": 11, "type": "audit", "event": "sent_encrypted", "verdict": "phi", "action": "encrypt",
                "recipient_domains": ["partner.example"], "justification": "other"}),
            "bad_audit_record",
        ),
        (
            json!({"id": 6, "type": "audit", "event": "sent_encrypted", "verdict": "phi", "action": "encrypt",
                "recipient_domains": ["jane@partner.example"]}),
            "bad_audit_record",
        ),
        (
            json!({"id": 7, "type": "audit", "event": "sent_encrypted", "verdict": "phi", "action": "encrypt",
                "categories": {"gossip": 1}, "recipient_domains": ["partner.example"]}),
            "bad_audit_record",
        ),
        (
            json!({"id": 8, "type": "audit", "event": "sent_encrypted", "verdict": "bad", "action": "encrypt",
                "recipient_domains": ["partner.example"]}),
            "bad_audit_record",
        ),
        (
            json!({"id": 9, "type": "audit", "event": "sent_encrypted", "verdict": "phi", "action": "encrypt",
                "recipient_domains": []}),
            "bad_audit_record",
        ),
    ] {
        let r = ask(&h, req.clone());
        assert_eq!(code(&r), want, "{req}: {r}");
    }
    let verified = crate::audit::verify_file(&dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(verified.records, 2);
    let log = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(
        log.contains(r#""recipient_count":2,"recipient_domains":["partner.example"]"#),
        "{log}"
    );
    assert!(log.contains(r#""justification_code":"patient-requested""#));
    assert!(!log.contains('@'));
}

#[test]
fn host_manifests_allow_only_our_extension() {
    let chromium: Value = serde_json::from_str(include_str!(
        "../../../packaging/native-messaging/chromium/com.sealpost.agent.json"
    ))
    .unwrap();
    let firefox: Value = serde_json::from_str(include_str!(
        "../../../packaging/native-messaging/firefox/com.sealpost.agent.json"
    ))
    .unwrap();
    for m in [&chromium, &firefox] {
        assert_eq!(m["name"], "com.sealpost.agent");
        assert_eq!(m["type"], "stdio");
        assert!(m["path"]
            .as_str()
            .unwrap()
            .ends_with("sealpost-native-host"));
    }
    assert_eq!(
        chromium["allowed_origins"],
        json!([format!(
            "chrome-extension://{}/",
            origin::CHROME_EXTENSION_ID
        )])
    );
    assert_eq!(
        firefox["allowed_extensions"],
        json!([origin::FIREFOX_EXTENSION_ID])
    );
    let launcher = include_str!("../../../packaging/native-messaging/sealpost-native-host");
    assert!(launcher.contains("native-host \"$@\""));
}

#[test]
fn broken_managed_policy_is_reported_and_forbids_overrides() {
    let (dir, default_handler) = setup();
    let managed = dir.path().join("policy.toml");
    std::fs::write(&managed, "actions = 3\n").unwrap();
    let mut l = loaded(dir.path());
    l.policy = crate::config::resolve_policy(&Default::default(), &managed).unwrap();
    let h = Handler::open(&l).unwrap();
    let s = ask(&h, json!({"id": 1, "type": "status"}));
    assert_eq!(s["policy"]["source"], "strictest_fallback");
    assert!(s["policy"]["warning"]
        .as_str()
        .unwrap()
        .contains("strictest"));
    let default_status = ask(&default_handler, json!({"id": 1, "type": "status"}));
    assert_ne!(s["policy"]["digest"], default_status["policy"]["digest"]);
    let r = ask(
        &h,
        json!({"id": 2, "type": "audit", "event": "override", "verdict": "phi",
               "action": "encrypt", "recipient_domains": ["partner.example"],
               "justification": "patient-requested"}),
    );
    assert_eq!(code(&r), "override_not_allowed");

    std::fs::write(&managed, "[encryption]\nsign = true\n").unwrap();
    l.policy = crate::config::resolve_policy(&Default::default(), &managed).unwrap();
    let h = Handler::open(&l).unwrap();
    assert_eq!(
        ask(&h, json!({"id": 3, "type": "status"}))["policy"]["source"],
        "managed"
    );
    // Signing on: the user's own key signs.
    let e = ask(
        &h,
        json!({"id": 4, "type": "encrypt", "from": "me@clinic.example",
               "to": ["bob@partner.example"], "subject": "s", "text": "t"}),
    );
    assert_eq!(e["signed"], true, "{e}");
    let d = ask(
        &h,
        json!({"id": 5, "type": "decrypt", "armored": e["armored"]}),
    );
    assert_eq!(d["signed_by"].as_array().unwrap().len(), 1, "{d}");
}
