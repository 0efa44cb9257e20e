use mail_builder::headers::text::Text;
use mail_builder::MessageBuilder;
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use sequoia_openpgp::cert::prelude::*;
use sequoia_openpgp::packet::Packet;
use sequoia_openpgp::parse::{PacketParser, PacketParserResult, Parse};
use sequoia_openpgp::types::{Features, SymmetricAlgorithm};
use sequoia_openpgp::{Cert, Profile};

use super::*;

pub(crate) const SUBJECT: &str = "Lab results for Jane Roe, MRN 48213377";
pub(crate) const BODY_TEXT: &str = "Patient Jane Roe, DOB 1961-04-03, HbA1c 9.1 percent.\r\n";
const BODY_HTML: &str = "<p>Patient <b>Jane Roe</b>, DOB 1961-04-03</p>";

pub(crate) fn cert(uid: &str) -> Cert {
    CertBuilder::general_purpose(Some(uid))
        .set_features(Features::empty().set_seipdv1())
        .unwrap()
        .generate()
        .unwrap()
        .0
}

/// Random bytes from the OpenPGP backend's CSPRNG (no extra dependency).
pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    sequoia_openpgp::crypto::random(&mut v).unwrap();
    v
}

/// Text + HTML alternative + a binary attachment, with headers that must not
/// leak (Thread-Topic, Keywords, X-Mailer) and a Bcc.
pub(crate) fn sample(attachment: &[u8]) -> Vec<u8> {
    MessageBuilder::new()
        .from(("Dr. Sender", "sender@clinic.example"))
        .to(vec![("Rec One", "rec@partner.example")])
        .cc("cc@partner.example")
        .bcc("hidden@bcc.example")
        .subject(SUBJECT)
        .message_id("msg-1@clinic.example")
        .in_reply_to("prev-1@clinic.example")
        .header("Thread-Topic", Text::new("Lab results for Jane Roe"))
        .header("Keywords", Text::new("oncology"))
        .header("X-Mailer", Text::new("TestMailer 1.0"))
        .text_body(BODY_TEXT)
        .html_body(BODY_HTML)
        .attachment("application/octet-stream", "scan.bin", attachment.to_vec())
        .write_to_vec()
        .unwrap()
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).unwrap()
}

/// (content type, decoded bytes) of every leaf part, in order.
fn leaves(msg: &Message<'_>) -> Vec<(String, Vec<u8>)> {
    msg.parts
        .iter()
        .filter(|p| !matches!(p.body, PartType::Multipart(_)))
        .map(|p| {
            let ct = p
                .content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
                .unwrap_or_default();
            (ct, p.contents().to_vec())
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// `out` without the armored ciphertext's lines: random base64 holds any
/// short word now and then ("Roe" in about one run in a hundred), and what
/// is inside the armor is ciphertext, checked by decrypting it.
fn outside_armor(out: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(out);
    let mut kept = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "-----BEGIN PGP MESSAGE-----" {
            inside = true;
        }
        if !inside {
            kept.push_str(line);
        }
        if t == "-----END PGP MESSAGE-----" {
            assert!(inside, "armor end without a start");
            inside = false;
        }
    }
    assert!(!inside, "armor not closed");
    kept.into_bytes()
}

/// The armored OpenPGP message in part 2.
pub(crate) fn part2(outer: &[u8]) -> Vec<u8> {
    let msg = parse(outer);
    let ids = msg.root_part().sub_parts().unwrap().to_vec();
    assert_eq!(ids.len(), 2);
    msg.part(ids[1]).unwrap().contents().to_vec()
}

/// Which encryption container the OpenPGP message uses: 1 or 2.
fn seipd_version(armored: &[u8]) -> u8 {
    let mut ppr = PacketParser::from_bytes(armored).unwrap();
    while let PacketParserResult::Some(pp) = ppr {
        if let Packet::SEIP(seip) = &pp.packet {
            return seip.version();
        }
        ppr = pp.recurse().unwrap().1;
    }
    panic!("no SEIPD packet");
}

#[test]
fn round_trip_preserves_every_part_and_protects_the_subject() {
    let attachment = random_bytes(4096);
    let raw = sample(&attachment);
    let rcpt = cert("Rec One <rec@partner.example>");
    let sender = cert("Dr. Sender <sender@clinic.example>");
    let out = encrypt_message(
        &raw,
        std::slice::from_ref(&rcpt),
        Some(&sender),
        None,
        DEFAULT_PLACEHOLDER_SUBJECT,
    )
    .unwrap();

    // Outer structure (RFC 3156).
    let outer = parse(&out);
    let ct = outer.root_part().content_type().unwrap();
    assert_eq!(ct.ctype(), "multipart");
    assert_eq!(ct.subtype(), Some("encrypted"));
    assert_eq!(ct.attribute("protocol"), Some("application/pgp-encrypted"));
    let ids = outer.root_part().sub_parts().unwrap().to_vec();
    let p1 = outer.part(ids[0]).unwrap();
    assert!(p1.is_content_type("application", "pgp-encrypted"));
    assert_eq!(p1.contents(), b"Version: 1\r\n");
    let p2 = outer.part(ids[1]).unwrap();
    assert!(p2.is_content_type("application", "octet-stream"));
    assert!(p2.contents().starts_with(b"-----BEGIN PGP MESSAGE-----"));

    // Outer headers: delivery fields kept, subject replaced.
    let orig = parse(&raw);
    assert_eq!(outer.subject(), Some(DEFAULT_PLACEHOLDER_SUBJECT));
    assert_eq!(outer.message_id(), orig.message_id());
    assert_eq!(outer.date(), orig.date());
    assert_eq!(outer.from(), orig.from());
    assert_eq!(outer.to(), orig.to());
    assert_eq!(outer.cc(), orig.cc());
    assert_eq!(outer.in_reply_to(), orig.in_reply_to());
    // No trace of the subject, body, leaky headers or the Bcc outside.
    let clear = outside_armor(&out);
    assert!(
        clear.len() < out.len() / 2,
        "the armor was found and left out"
    );
    for leak in [
        "Jane",
        "Roe",
        "48213377",
        "1961",
        "Lab results",
        "Thread-Topic",
        "Keywords",
        "oncology",
        "X-Mailer",
        "TestMailer",
        "hidden@bcc.example",
        "Bcc",
        "scan.bin",
    ] {
        assert!(!contains(&clear, leak), "outer message leaks {leak:?}");
    }

    // SEIPDv1, AES-256.
    assert_eq!(seipd_version(&part2(&out)), 1);

    // Decrypt as the recipient.
    let dec = decrypt_message(&out, std::slice::from_ref(&rcpt), &[]).unwrap();
    assert!(!dec.seipd_v2);
    assert_eq!(dec.symmetric_algo, SymmetricAlgorithm::AES256);
    assert_eq!(dec.protected_subject.as_deref(), Some(SUBJECT));
    assert!(dec.header_protection);
    assert!(dec.signed_by.is_empty());

    let inner = parse(&dec.inner);
    let ict = inner.root_part().content_type().unwrap();
    assert_eq!(ict.ctype(), "multipart");
    assert_eq!(ict.subtype(), Some("mixed"));
    assert_eq!(ict.attribute("hp"), Some("cipher"));
    assert_eq!(ict.attribute("protected-headers"), Some("v1"));
    assert_eq!(inner.from(), orig.from());
    assert_eq!(inner.to(), orig.to());
    assert_eq!(inner.cc(), orig.cc());
    assert_eq!(inner.date(), orig.date());
    assert_eq!(inner.message_id(), orig.message_id());
    assert!(
        inner.header("Thread-Topic").is_some(),
        "inside keeps the rest"
    );
    assert!(inner.header("Bcc").is_none(), "Bcc never goes inside");
    assert!(!contains(&dec.inner, "hidden@bcc.example"));
    let hp_outer: Vec<&str> = inner
        .header_values("HP-Outer")
        .filter_map(|v| v.as_text())
        .collect();
    assert!(
        hp_outer.contains(&"Subject: Secure message"),
        "{hp_outer:?}"
    );
    assert!(
        hp_outer.iter().any(|v| v.starts_with("From: ")),
        "{hp_outer:?}"
    );
    assert!(
        hp_outer.iter().any(|v| v.starts_with("Message-ID: ")),
        "{hp_outer:?}"
    );

    // Every leaf part identical after decoding, in the same order.
    let want = leaves(&orig);
    assert_eq!(want.len(), 3);
    assert_eq!(leaves(&inner), want);
    assert!(want.iter().any(|(_, b)| b == &attachment));
    // And the original body bytes are inside verbatim.
    let body_at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let body = &raw[body_at..];
    assert!(dec.inner.windows(body.len()).any(|w| w == body));

    // The Sent copy: the sender can read it too.
    let dec = decrypt_message(&out, std::slice::from_ref(&sender), &[]).unwrap();
    assert_eq!(dec.protected_subject.as_deref(), Some(SUBJECT));
}

#[test]
fn signed_message_verifies() {
    let raw = sample(b"x");
    let rcpt = cert("rec@partner.example");
    let me = cert("sender@clinic.example");
    let out = encrypt_message(
        &raw,
        std::slice::from_ref(&rcpt),
        Some(&me),
        Some(&me),
        "Secure message",
    )
    .unwrap();
    let public_me = me.clone().strip_secret_key_material();
    let dec = decrypt_message(&out, &[rcpt], &[public_me]).unwrap();
    assert_eq!(dec.signed_by, vec![me.fingerprint()]);
    assert!(!dec.seipd_v2);
}

#[test]
fn signer_without_secret_is_an_error() {
    let raw = sample(b"x");
    let rcpt = cert("rec@partner.example");
    let me = cert("sender@clinic.example").strip_secret_key_material();
    assert!(matches!(
        encrypt_message(&raw, std::slice::from_ref(&rcpt), None, Some(&me), "S"),
        Err(EncryptError::NoSigningKey { .. })
    ));
}

#[test]
fn lf_only_input_is_canonicalized() {
    let raw = b"From: a@example.org\nTo: b@example.org\nSubject: Jane Roe\n\nline one\nline two\n";
    let rcpt = cert("b@example.org");
    let out = encrypt_message(
        raw,
        std::slice::from_ref(&rcpt),
        None,
        None,
        "Secure message",
    )
    .unwrap();
    assert!(
        !out.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
        "bare LF in output"
    );
    let dec = decrypt_message(&out, &[rcpt], &[]).unwrap();
    assert_eq!(dec.protected_subject.as_deref(), Some("Jane Roe"));
    assert!(contains(&dec.inner, "\r\n\r\nline one\r\nline two\r\n"));
    // A message without Content-Type stays text/plain inside.
    let inner = parse(&dec.inner);
    assert_eq!(
        inner.body_text(0).as_deref(),
        Some("line one\r\nline two\r\n")
    );
}

#[test]
fn encoded_subject_and_placeholder() {
    let raw = "From: a@example.org\r\nTo: b@example.org\r\nSubject: =?utf-8?q?Befund_f=C3=BCr_J=C3=BCrgen?=\r\n\r\nbody\r\n";
    let rcpt = cert("b@example.org");
    let out = encrypt_message(
        raw.as_bytes(),
        std::slice::from_ref(&rcpt),
        None,
        None,
        "Gesicherte Nachricht ü",
    )
    .unwrap();
    assert_eq!(parse(&out).subject(), Some("Gesicherte Nachricht ü"));
    let dec = decrypt_message(&out, &[rcpt], &[]).unwrap();
    assert_eq!(dec.protected_subject.as_deref(), Some("Befund für Jürgen"));
    // The original encoding is kept byte for byte inside.
    assert!(contains(
        &dec.inner,
        "Subject: =?utf-8?q?Befund_f=C3=BCr_J=C3=BCrgen?=\r\n"
    ));
}

#[test]
fn malformed_input_is_an_error() {
    let rcpt = cert("b@example.org");
    let cases: &[(&[u8], Malformed)] = &[
        (b"", Malformed::Empty),
        (b"\r\nbody only\r\n", Malformed::NoHeaders),
        (b"From a@example.org Mon Jan 1\r\n\r\nmbox line\r\n", Malformed::BadHeaderLine { line: 1 }),
        (b" folded first\r\nFrom: a@example.org\r\n\r\nx", Malformed::BadHeaderLine { line: 1 }),
        (b"From: a@example.org\r\nno colon here\r\n\r\nx", Malformed::BadHeaderLine { line: 2 }),
        (b"To: b@example.org\r\nSubject: hi\r\n\r\nx", Malformed::MissingFrom),
        (
            b"From: a@example.org\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n\r\nx\r\n--x--\r\n",
            Malformed::MissingBoundary,
        ),
        (
            b"From: a@example.org\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\nno parts\r\n",
            Malformed::BoundaryNotFound,
        ),
        (b"\x00\x01\x02\xff\xfe binary", Malformed::BadHeaderLine { line: 1 }),
    ];
    for (input, want) in cases {
        match encrypt_message(input, std::slice::from_ref(&rcpt), None, None, "S") {
            Err(EncryptError::Malformed(got)) => assert_eq!(&got, want, "{input:?}"),
            other => panic!("{input:?}: {other:?}"),
        }
    }
}

#[test]
fn random_input_never_panics() {
    let rcpt = cert("b@example.org");
    for i in 0..300 {
        let mut input = random_bytes(1 + i % 200);
        // Half of them start like a message.
        if i % 2 == 0 {
            input.splice(0..0, b"From: a@example.org\r\n".iter().copied());
        }
        let _ = encrypt_message(&input, std::slice::from_ref(&rcpt), None, None, "S");
        let _ = decrypt_message(&input, std::slice::from_ref(&rcpt), &[]);
    }
}

#[test]
fn bad_placeholder_and_no_recipients() {
    let raw = sample(b"x");
    let rcpt = cert("b@example.org");
    assert!(matches!(
        encrypt_message(
            &raw,
            std::slice::from_ref(&rcpt),
            None,
            None,
            "a\r\nBcc: x@y"
        ),
        Err(EncryptError::BadPlaceholder)
    ));
    assert!(matches!(
        encrypt_message(&raw, &[], None, None, "S"),
        Err(EncryptError::NoRecipients)
    ));
}

#[test]
fn recipient_without_encryption_key_fails_closed() {
    let raw = sample(b"x");
    let (signonly, _) = CertBuilder::new()
        .add_userid("s@example.org")
        .add_signing_subkey()
        .generate()
        .unwrap();
    let ok = cert("b@example.org");
    match encrypt_message(&raw, &[ok, signonly.clone()], None, None, "S") {
        Err(EncryptError::NoEncryptionKey { fingerprint }) => {
            assert_eq!(fingerprint, signonly.fingerprint())
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn seipdv2_only_when_every_recipient_supports_it() {
    let raw = sample(b"x");
    let (v6, _) = CertBuilder::general_purpose(Some("six@example.org"))
        .set_profile(Profile::RFC9580)
        .unwrap()
        .generate()
        .unwrap();
    let v4 = cert("four@example.org");

    let only_v6 = encrypt_message(&raw, std::slice::from_ref(&v6), None, None, "S").unwrap();
    assert_eq!(seipd_version(&part2(&only_v6)), 2);
    let dec = decrypt_message(&only_v6, std::slice::from_ref(&v6), &[]).unwrap();
    assert!(dec.seipd_v2);

    let mixed = encrypt_message(&raw, &[v6.clone(), v4.clone()], None, None, "S").unwrap();
    assert_eq!(seipd_version(&part2(&mixed)), 1);
    for key in [v6, v4] {
        let dec = decrypt_message(&mixed, &[key], &[]).unwrap();
        assert!(!dec.seipd_v2);
        assert_eq!(dec.protected_subject.as_deref(), Some(SUBJECT));
    }
}

#[test]
fn decrypt_rejects_non_pgp_mime_and_wrong_key() {
    let raw = sample(b"x");
    let rcpt = cert("b@example.org");
    assert!(matches!(
        decrypt_message(&raw, std::slice::from_ref(&rcpt), &[]),
        Err(DecryptError::NotPgpMime(_))
    ));
    let out = encrypt_message(&raw, std::slice::from_ref(&rcpt), None, None, "S").unwrap();
    let other = cert("c@example.org");
    assert!(matches!(
        decrypt_message(&out, &[other], &[]),
        Err(DecryptError::NoMatchingKey)
    ));
}

#[test]
fn errors_do_not_display_content() {
    let rcpt = cert("b@example.org");
    let input = b"Subject: Jane Roe diagnosis\r\n\r\nJane Roe has condition X";
    let err = encrypt_message(input, &[rcpt], None, None, "S").unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("Jane"), "{text}");
}
