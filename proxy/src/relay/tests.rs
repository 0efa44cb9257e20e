//! Decision tests: policy → action, toggles, overrides, keys, refusals.

use sealpost_policy::{Action as PolicyAction, Category, PolicyConfig};

use super::*;
use crate::audit::AuditKey;

const PHI: &str = "Pt Maria Lopez, DOB 03/04/1961, has type 2 diabetes.";

struct Fixture {
    _dir: tempfile::TempDir,
    relay: Relay,
    audit_path: std::path::PathBuf,
}

fn fixture(cfg: PolicyConfig, with_bob_key: bool) -> Fixture {
    fixture_with(cfg, with_bob_key, &SmtpConfig::default())
}

fn fixture_with(cfg: PolicyConfig, with_bob_key: bool, smtp: &SmtpConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let keys = KeyStore::open(dir.path().join("keys")).unwrap();
    if with_bob_key {
        keys.generate("bob@clinic.test", Some("Bob")).unwrap();
        keys.generate("alice@clinic.test", Some("Alice")).unwrap();
    }
    let audit_path = dir.path().join("audit.jsonl");
    let audit = Audit::open(&audit_path, AuditKey::from_bytes([7; 32])).unwrap();
    let policy = Policy::try_from(cfg).unwrap();
    let relay = Relay::new(policy, keys, audit, smtp);
    Fixture {
        _dir: dir,
        relay,
        audit_path,
    }
}

fn message(subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Alice <alice@clinic.test>\r\nTo: bob@clinic.test\r\nSubject: {subject}\r\n\
         Message-ID: <1@clinic.test>\r\n{extra}MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn txn(recipients: &[&str], raw: Vec<u8>) -> Transaction {
    Transaction {
        sender: "alice@clinic.test".into(),
        recipients: recipients.iter().map(|r| r.to_string()).collect(),
        data: DataOutcome::Complete(raw),
    }
}

fn audit_lines(f: &Fixture) -> Vec<serde_json::Value> {
    std::fs::read_to_string(&f.audit_path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn refused(d: Decision) -> String {
    match d {
        Decision::Refuse { reply } => String::from_utf8(reply.into_bytes()).unwrap(),
        Decision::Send { record, .. } => panic!("sent: {record:?}"),
    }
}

fn sent(d: Decision) -> (String, Record) {
    match d {
        Decision::Send { message, record } => (String::from_utf8(message).unwrap(), record),
        Decision::Refuse { reply } => {
            panic!("refused: {}", String::from_utf8_lossy(reply.as_bytes()))
        }
    }
}

#[test]
fn plan_table() {
    let cfg = PolicyConfig::default();
    let cats = [Category::Ssn];
    use PolicyAction::*;
    let plain = Plan::Plain { override_: None };
    assert_eq!(plan(&cfg, Allow, &cats, None, None), plain);
    assert_eq!(plan(&cfg, Warn, &cats, None, None), plain);
    assert_eq!(plan(&cfg, Encrypt, &cats, None, None), Plan::Encrypt);
    assert_eq!(
        plan(&cfg, Allow, &cats, Some(Toggle::Secure), None),
        Plan::Encrypt
    );
    assert_eq!(
        plan(&cfg, Allow, &cats, Some(Toggle::NoSecure), None),
        plain
    );
    assert!(matches!(
        plan(&cfg, Block, &cats, Some(Toggle::Secure), None),
        Plan::Refuse {
            reason: Reason::BlockedByPolicy,
            ..
        }
    ));
    assert!(matches!(
        plan(&cfg, Encrypt, &cats, Some(Toggle::NoSecure), None),
        Plan::Refuse {
            reason: Reason::OverrideNotAllowed,
            ..
        }
    ));
    assert!(matches!(
        plan(
            &cfg,
            Encrypt,
            &cats,
            Some(Toggle::NoSecure),
            Some("because")
        ),
        Plan::Refuse {
            reason: Reason::OverrideNotAllowed,
            ..
        }
    ));
    match plan(
        &cfg,
        Encrypt,
        &cats,
        Some(Toggle::NoSecure),
        Some(" Not-PHI "),
    ) {
        Plan::Plain { override_: Some(o) } => {
            assert_eq!(
                o.justification_code,
                Some(JustificationCode::parse("not-phi").unwrap())
            )
        }
        other => panic!("{other:?}"),
    }
    let mut free = cfg.clone();
    free.override_.require_justification = false;
    assert_eq!(
        plan(&free, Encrypt, &cats, Some(Toggle::NoSecure), None),
        Plan::Plain {
            override_: Some(Override {
                justification_code: None
            })
        }
    );
    let mut strict = cfg.clone();
    strict.override_.allowed = false;
    assert!(matches!(
        plan(
            &strict,
            Encrypt,
            &cats,
            Some(Toggle::NoSecure),
            Some("not-phi")
        ),
        Plan::Refuse {
            reason: Reason::OverrideNotAllowed,
            ..
        }
    ));
}

use crate::audit::{JustificationCode, Override};

#[test]
fn refusal_texts() {
    let r = blocked_reply(&[Category::Ssn, Category::Condition]);
    assert_eq!(
        r.as_bytes(),
        format!(
            "550 5.7.1 Sealpost: blocked by policy (categories: {}, {})\r\n",
            Category::Ssn.as_str(),
            Category::Condition.as_str()
        )
        .as_bytes()
    );
    let r =
        String::from_utf8(keyless_reply(&["carol@example.org", "dan@example.org"], 3).into_bytes())
            .unwrap();
    assert_eq!(
        r,
        "550-5.7.1 Sealpost: this message must be sent encrypted, but 2 of 3 recipients have no OpenPGP key:\r\n\
         550-5.7.1 carol@example.org\r\n\
         550-5.7.1 dan@example.org\r\n\
         550 5.7.1 Nothing was sent. Import their public keys with `sealpost keys import FILE`, or remove these recipients, and send again.\r\n"
    );
    let cfg = PolicyConfig::default();
    let Plan::Refuse { reply, .. } = plan(
        &cfg,
        PolicyAction::Encrypt,
        &[],
        Some(Toggle::NoSecure),
        None,
    ) else {
        panic!()
    };
    let text = String::from_utf8(reply.into_bytes()).unwrap();
    assert!(
        text.starts_with(
            "550-5.7.1 Sealpost: sending this message without encryption needs a justification"
        ),
        "{text}"
    );
    assert!(text.contains("550 5.7.1 Add the header \"X-Sealpost-Justification: <code>\" with one of these codes: patient-requested, not-phi, recipient-cannot-decrypt, other\r\n"), "{text}");
}

#[test]
fn clean_mail_is_sent_plain_and_byte_identical() {
    let f = fixture(PolicyConfig::default(), false);
    let raw = message("Lunch", "", "See you at noon.");
    let (out, record) = sent(f.relay.decide(txn(&["bob@clinic.test"], raw.clone())));
    assert_eq!(out.as_bytes(), raw);
    assert_eq!(record.action, Action::SentPlain);
    assert_eq!(record.verdict, Verdict::Clean);
    assert!(record.message_id_hash.is_some());
    assert_eq!(record.recipient_count, 1);
    // The commit record is the shell's to write.
    assert!(audit_lines(&f).is_empty());
}

#[test]
fn phi_is_encrypted_to_recipients_with_keys() {
    let f = fixture(PolicyConfig::default(), true);
    let raw = message("Referral", "", PHI);
    let (out, record) = sent(f.relay.decide(txn(&["bob@clinic.test"], raw)));
    assert_eq!(record.action, Action::SentEncrypted);
    assert_eq!(record.verdict, Verdict::Phi);
    assert!(!record.categories.is_empty());
    assert!(out.contains("multipart/encrypted"), "{out}");
    assert!(out.contains("Subject: Secure message"));
    assert!(!out.contains("diabetes") && !out.contains("Referral"));
}

#[test]
fn signs_with_the_senders_key_when_the_policy_says_so() {
    let mut policy = PolicyConfig::default();
    policy.encryption.sign = true;
    let f = fixture(policy, true);
    let (out, _) = sent(
        f.relay
            .decide(txn(&["bob@clinic.test"], message("Referral", "", PHI))),
    );
    let store = KeyStore::open(f.relay.keys.dir().to_path_buf()).unwrap();
    let bob = store.secret_for("bob@clinic.test").unwrap().unwrap();
    let alice = store.lookup("alice@clinic.test").unwrap().unwrap();
    let clear =
        crate::pgp::decrypt_message(out.as_bytes(), &[bob], std::slice::from_ref(&alice)).unwrap();
    assert_eq!(clear.signed_by, [alice.fingerprint()]);
    // The sender's own key is a recipient too: the Sent copy is readable.
    let alice_secret = store.secret_for("alice@clinic.test").unwrap().unwrap();
    assert!(crate::pgp::decrypt_message(out.as_bytes(), &[alice_secret], &[]).is_ok());
}

#[test]
fn keyless_recipients_are_refused_and_audited() {
    let f = fixture(PolicyConfig::default(), true);
    let raw = message("Referral", "", PHI);
    let text = refused(
        f.relay
            .decide(txn(&["bob@clinic.test", "carol@example.org"], raw)),
    );
    assert!(
        text.starts_with(
            "550-5.7.1 Sealpost: this message must be sent encrypted, but 1 of 2 recipients"
        ),
        "{text}"
    );
    assert!(text.contains("550-5.7.1 carol@example.org\r\n"));
    assert!(!text.contains("bob@"));
    let lines = audit_lines(&f);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["action"], "refused");
    assert_eq!(lines[0]["reason"], "no-key");
    assert_eq!(lines[0]["recipient_count"], 2);
}

#[test]
fn keyless_with_warn_policy_sends_plain() {
    let mut cfg = PolicyConfig::default();
    cfg.actions.encrypt_unavailable = PolicyAction::Warn;
    let f = fixture(cfg, false);
    let (_, record) = sent(
        f.relay
            .decide(txn(&["carol@example.org"], message("Referral", "", PHI))),
    );
    assert_eq!(record.action, Action::SentPlain);
    assert_eq!(record.reason, Some(Reason::NoKey));
}

#[test]
fn block_reply_names_categories_not_content() {
    let mut cfg = PolicyConfig::default();
    cfg.actions.phi = PolicyAction::Block;
    let f = fixture(cfg, false);
    let text = refused(
        f.relay
            .decide(txn(&["bob@clinic.test"], message("Referral", "", PHI))),
    );
    assert!(
        text.starts_with("550 5.7.1 Sealpost: blocked by policy (categories: "),
        "{text}"
    );
    for secret in ["Maria", "Lopez", "1961", "diabetes", "Referral"] {
        assert!(!text.contains(secret), "{text}");
    }
    assert_eq!(audit_lines(&f)[0]["reason"], "blocked-by-policy");
}

#[test]
fn unparseable_and_oversized_mail_is_refused() {
    let f = fixture(PolicyConfig::default(), false);
    let text = refused(
        f.relay
            .decide(txn(&["bob@clinic.test"], b"\r\n\r\n".to_vec())),
    );
    assert!(
        text.starts_with("554 5.6.0 Sealpost: the message could not be parsed"),
        "{text}"
    );
    let t = Transaction {
        sender: "alice@clinic.test".into(),
        recipients: vec!["bob@clinic.test".into()],
        data: DataOutcome::TooBig { bytes: 99 },
    };
    let text = refused(f.relay.decide(t));
    assert!(text.starts_with("552 5.3.4 Message too big"), "{text}");
    let lines = audit_lines(&f);
    assert_eq!(lines[0]["reason"], "unparseable");
    assert_eq!(lines[1]["reason"], "too-large");
}

#[test]
fn broken_multipart_is_refused_even_when_it_looks_clean() {
    let f = fixture(PolicyConfig::default(), false);
    let raw = b"From: a@clinic.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed\r\n\r\nPt Maria Lopez, DOB 03/04/1961, has type 2 diabetes.\r\n"
        .to_vec();
    let text = refused(f.relay.decide(txn(&["bob@clinic.test"], raw)));
    assert_eq!(
        text,
        "554 5.6.0 Sealpost: the message is malformed (multipart message without a boundary \
         parameter), so it could not be checked for protected health information; nothing was sent\r\n"
    );
    let raw =
        b"From: a@clinic.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\nno parts\r\n"
            .to_vec();
    let text = refused(f.relay.decide(txn(&["bob@clinic.test"], raw)));
    assert!(text.contains("does not contain its boundary"), "{text}");
    assert_eq!(audit_lines(&f)[1]["reason"], "unparseable");
}

#[test]
fn secure_tag_forces_encryption_and_is_stripped() {
    let f = fixture(PolicyConfig::default(), true);
    let raw = message("[secure] Lunch", "", "See you at noon.");
    let (out, record) = sent(f.relay.decide(txn(&["bob@clinic.test"], raw)));
    assert_eq!(record.action, Action::SentEncrypted);
    assert_eq!(record.toggle, Some(ToggleUsed::SubjectTag(Toggle::Secure)));
    assert!(!out.contains("[secure]"));
    let dir = f.relay.keys.dir().to_path_buf();
    let store = KeyStore::open(dir).unwrap();
    let bob = store.secret_for("bob@clinic.test").unwrap().unwrap();
    let clear = crate::pgp::decrypt_message(out.as_bytes(), &[bob], &[]).unwrap();
    assert_eq!(clear.protected_subject.as_deref(), Some("Lunch"));
}

#[test]
fn header_toggle_and_justification_are_removed_before_sending() {
    let f = fixture(PolicyConfig::default(), false);
    let raw = message(
        "Referral [nosecure]",
        "X-Sealpost-Secure: off\r\nX-Sealpost-Justification: patient-requested\r\n",
        PHI,
    );
    let (out, record) = sent(f.relay.decide(txn(&["carol@example.org"], raw)));
    assert_eq!(record.action, Action::SentPlain);
    assert_eq!(
        record.override_,
        Some(Override {
            justification_code: Some(JustificationCode::parse("patient-requested").unwrap())
        })
    );
    assert!(out.contains("\r\nSubject: Referral\r\n"), "{out}");
    assert!(!out.contains("X-Sealpost"), "{out}");

    // Without a justification: refused with instructions.
    let raw = message("Referral", "X-Sealpost-Secure: off\r\n", PHI);
    let text = refused(f.relay.decide(txn(&["carol@example.org"], raw)));
    assert!(text.contains("X-Sealpost-Justification: <code>"), "{text}");
    assert_eq!(audit_lines(&f)[0]["reason"], "override-not-allowed");
    assert_eq!(audit_lines(&f)[0]["toggle"], "header:off");
}

#[test]
fn encoded_subject_tag_is_stripped_and_reencoded() {
    let f = fixture(PolicyConfig::default(), false);
    // "[nosecure] Café" as an encoded word.
    let raw = message(
        "=?utf-8?b?W25vc2VjdXJlXSBDYWbDqQ==?=",
        "",
        "See you at noon.",
    );
    let (out, record) = sent(f.relay.decide(txn(&["carol@example.org"], raw)));
    assert_eq!(
        record.toggle,
        Some(ToggleUsed::SubjectTag(Toggle::NoSecure))
    );
    assert!(
        out.contains("\r\nSubject: =?utf-8?b?Q2Fmw6k=?=\r\n"),
        "{out}"
    );
}
