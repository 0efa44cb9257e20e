//! Transcript tests: `C:` lines are what the client sends (consecutive ones
//! in one packet, as a pipelining client does), `S:` lines what it must get
//! back. The upstream is a scripted function of the relayed line.

use super::*;
use crate::smtp::caps::AuthMechanism;
use crate::smtp::reply::parse_reply;

struct Harness {
    session: Session,
    relayed: Vec<String>,
    messages: Vec<Transaction>,
    closed: bool,
    upstream: fn(&str) -> String,
}

fn postfix(line: &str) -> String {
    let l = line.trim_end();
    let upper = l.to_ascii_uppercase();
    if upper.starts_with("MAIL") {
        "250 2.1.0 Ok".into()
    } else if upper.starts_with("RCPT") && l.contains("nobody@") {
        "550 5.1.1 <nobody@clinic.test>: Recipient address rejected".into()
    } else if upper.starts_with("RCPT") {
        "250 2.1.5 Ok".into()
    } else if upper.starts_with("AUTH PLAIN") {
        "235 2.7.0 Authentication successful".into()
    } else if upper == "AUTH LOGIN" {
        "334 VXNlcm5hbWU6".into()
    } else if l == "dXNlcg==" {
        "334 UGFzc3dvcmQ6".into()
    } else if l == "cGFzcw==" {
        "235 2.7.0 Authentication successful".into()
    } else if l == "*" {
        "501 5.7.0 Authentication aborted".into()
    } else if upper == "QUIT" {
        "221 2.0.0 Bye".into()
    } else {
        "250 2.0.0 Ok".into()
    }
}

fn caps() -> UpstreamCaps {
    UpstreamCaps {
        pipelining: true,
        eight_bit_mime: true,
        smtputf8: true,
        size: Some(10_240_000),
        starttls: true,
        auth: vec![AuthMechanism::Plain, AuthMechanism::Login],
    }
}

fn harness(listener: Listener, max: u64, upstream: UpstreamCaps) -> Harness {
    Harness {
        session: Session::new(SessionConfig {
            listener,
            max_message_bytes: max,
            upstream,
        }),
        relayed: Vec::new(),
        messages: Vec::new(),
        closed: false,
        upstream: postfix,
    }
}

impl Harness {
    fn pump(&mut self) -> String {
        let mut out = Vec::new();
        loop {
            match self.session.next() {
                Event::Output(b) => out.extend_from_slice(&b),
                Event::Relay(line) => {
                    assert!(line.ends_with(b"\r\n"), "{line:?}");
                    let text = String::from_utf8_lossy(&line).trim_end().to_string();
                    let mut reply = format!("{}\r\n", (self.upstream)(&text)).into_bytes();
                    self.relayed.push(text);
                    let reply = parse_reply(&mut reply).unwrap().unwrap();
                    self.session.upstream_reply(reply);
                }
                Event::StartTls => self.session.tls_started(),
                Event::Message(t) => {
                    self.messages.push(t);
                    self.session
                        .message_done(Reply::new(250, "2.0.0", "Ok: queued as ABC"));
                }
                Event::NeedMoreInput => break,
                Event::Close => {
                    self.closed = true;
                    break;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// Plays a transcript; raw `C:` payloads may use `\r\n` escapes via
    /// `R:` lines, which are sent without an added CRLF.
    fn play(&mut self, script: &str) {
        let mut expected = String::new();
        let mut sent = Vec::new();
        let check = |h: &mut Harness, sent: &mut Vec<u8>, expected: &mut String| {
            h.session.enqueue_input(sent);
            sent.clear();
            let got = h.pump();
            assert_eq!(got, *expected, "\ntranscript:\n{script}");
            expected.clear();
        };
        for line in script
            .lines()
            .map(str::trim_start)
            .filter(|l| !l.is_empty())
        {
            if let Some(c) = line.strip_prefix("C: ") {
                if !expected.is_empty() {
                    check(self, &mut sent, &mut expected);
                }
                sent.extend_from_slice(c.as_bytes());
                sent.extend_from_slice(b"\r\n");
            } else if let Some(r) = line.strip_prefix("R: ") {
                if !expected.is_empty() {
                    check(self, &mut sent, &mut expected);
                }
                sent.extend_from_slice(&unescape(r));
            } else if let Some(s) = line.strip_prefix("S: ") {
                expected.push_str(s);
                expected.push_str("\r\n");
            } else if line == "C:" {
                sent.extend_from_slice(b"\r\n");
            } else {
                panic!("bad transcript line {line:?}");
            }
        }
        check(self, &mut sent, &mut expected);
    }
}

/// `\r`, `\n` and `\xNN` escapes.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b'x' => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                other => panic!("bad escape {other}"),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

const EHLO_TLS: &str = "
    S: 250-localhost Sealpost
    S: 250-PIPELINING
    S: 250-8BITMIME
    S: 250-SMTPUTF8
    S: 250-SIZE 10240000
    S: 250-ENHANCEDSTATUSCODES
    S: 250 AUTH PLAIN LOGIN";

fn tls_session() -> Harness {
    let mut h = harness(Listener::ImplicitTls, 36_700_160, caps());
    h.play(&format!(
        "S: 220 localhost Sealpost ESMTP ready\nC: EHLO client.example\n{EHLO_TLS}"
    ));
    h
}

#[test]
fn starttls_listener_gates_auth_and_mail() {
    let mut h = harness(Listener::Starttls, 36_700_160, caps());
    h.play(
        "S: 220 localhost Sealpost ESMTP ready
         C: EHLO client.example
         S: 250-localhost Sealpost
         S: 250-PIPELINING
         S: 250-8BITMIME
         S: 250-SMTPUTF8
         S: 250-SIZE 10240000
         S: 250-ENHANCEDSTATUSCODES
         S: 250 STARTTLS
         C: AUTH PLAIN AGFsaWNlAHNlY3JldA==
         S: 530 5.7.0 Must issue a STARTTLS command first
         C: MAIL FROM:<alice@clinic.test>
         S: 530 5.7.0 Must issue a STARTTLS command first
         C: STARTTLS
         S: 220 2.0.0 Ready to start TLS",
    );
    assert!(h.relayed.is_empty());
    assert!(h.session.is_tls());
    h.play(&format!(
        "C: MAIL FROM:<alice@clinic.test>
         S: 503 5.5.1 Send EHLO first
         C: EHLO client.example
         {EHLO_TLS}
         C: STARTTLS
         S: 503 5.5.1 TLS is already active"
    ));
}

#[test]
fn starttls_reply_is_written_before_the_handshake() {
    let mut s = Session::new(SessionConfig {
        listener: Listener::Starttls,
        max_message_bytes: 1 << 20,
        upstream: caps(),
    });
    assert!(matches!(s.next(), Event::Output(_)));
    s.enqueue_input(b"EHLO x\r\nSTARTTLS\r\n");
    assert!(matches!(s.next(), Event::Output(_)));
    match s.next() {
        Event::Output(o) => assert_eq!(o, b"220 2.0.0 Ready to start TLS\r\n"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.next(), Event::StartTls));
    s.tls_started();
    assert!(matches!(s.next(), Event::NeedMoreInput));
}

#[test]
fn starttls_discards_pipelined_plaintext() {
    let mut h = harness(Listener::Starttls, 36_700_160, caps());
    h.play(
        "S: 220 localhost Sealpost ESMTP ready
         C: EHLO x
         S: 250-localhost Sealpost
         S: 250-PIPELINING
         S: 250-8BITMIME
         S: 250-SMTPUTF8
         S: 250-SIZE 10240000
         S: 250-ENHANCEDSTATUSCODES
         S: 250 STARTTLS
         C: STARTTLS
         C: MAIL FROM:<injected@evil.example>
         S: 220 2.0.0 Ready to start TLS",
    );
    assert!(h.relayed.is_empty());
}

#[test]
fn ehlo_advertises_only_what_the_upstream_supports() {
    let mut h = harness(Listener::ImplicitTls, 5000, UpstreamCaps::default());
    h.play(
        "S: 220 localhost Sealpost ESMTP ready
         C: EHLO x
         S: 250-localhost Sealpost
         S: 250-SIZE 5000
         S: 250 ENHANCEDSTATUSCODES
         C: HELO x
         S: 250 2.0.0 localhost Sealpost
         C: MAIL FROM:<a@clinic.test> BODY=8BITMIME
         S: 555 5.5.4 Unsupported MAIL FROM parameter
         C: MAIL FROM:<a@clinic.test> SMTPUTF8
         S: 555 5.5.4 Unsupported MAIL FROM parameter
         C: MAIL FROM:<a@clinic.test> SIZE=6000
         S: 552 5.3.4 Message size exceeds the limit of 5000 bytes
         C: AUTH PLAIN AGFsaWNlAHNlY3JldA==
         S: 504 5.5.4 Unrecognized authentication type",
    );
    assert!(h.relayed.is_empty());
}

#[test]
fn auth_plain_and_login_are_relayed_verbatim() {
    let mut h = tls_session();
    h.play(
        "C: AUTH LOGIN
         S: 334 VXNlcm5hbWU6
         C: dXNlcg==
         S: 334 UGFzc3dvcmQ6
         C: cGFzcw==
         S: 235 2.7.0 Authentication successful
         C: AUTH PLAIN AGFsaWNlAHNlY3JldA==
         S: 503 5.5.1 Already authenticated",
    );
    assert_eq!(h.relayed, ["AUTH LOGIN", "dXNlcg==", "cGFzcw=="]);

    let mut h = tls_session();
    h.play(
        "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==
         S: 235 2.7.0 Authentication successful",
    );
    assert_eq!(h.relayed, ["AUTH PLAIN AGFsaWNlAHNlY3JldA=="]);

    let mut h = tls_session();
    h.play(
        "C: AUTH LOGIN
         S: 334 VXNlcm5hbWU6
         C: *
         S: 501 5.7.0 Authentication aborted
         C: AUTH XOAUTH2 dG9rZW4=
         S: 504 5.5.4 Unrecognized authentication type",
    );
}

#[test]
fn pipelined_transaction_replies_in_order() {
    let mut h = tls_session();
    h.play(
        "C: MAIL FROM:<alice@clinic.test> SIZE=1000 BODY=8BITMIME AUTH=<>
         C: RCPT TO:<bob@clinic.test>
         C: RCPT TO:<nobody@clinic.test>
         C: RCPT TO:<carol@example.org>
         C: DATA
         S: 250 2.1.0 Ok
         S: 250 2.1.5 Ok
         S: 550 5.1.1 <nobody@clinic.test>: Recipient address rejected
         S: 250 2.1.5 Ok
         S: 354 End data with <CR><LF>.<CR><LF>
         C: Subject: hi
         C:
         C: ..leading dot
         C: .
         C: QUIT
         S: 250 2.0.0 Ok: queued as ABC
         S: 221 2.0.0 Bye",
    );
    assert!(h.closed);
    assert_eq!(
        h.relayed,
        [
            "MAIL FROM:<alice@clinic.test> SIZE=1000 BODY=8BITMIME",
            "RCPT TO:<bob@clinic.test>",
            "RCPT TO:<nobody@clinic.test>",
            "RCPT TO:<carol@example.org>",
            "QUIT"
        ]
    );
    let t = &h.messages[0];
    assert_eq!(t.sender, "alice@clinic.test");
    assert_eq!(t.recipients, ["bob@clinic.test", "carol@example.org"]);
    match &t.data {
        DataOutcome::Complete(d) => assert_eq!(d, b"Subject: hi\r\n\r\n.leading dot\r\n"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        format!("{t:?}"),
        "Transaction { recipients: 2, bytes: 29, .. }"
    );
}

#[test]
fn data_without_recipients_and_sequence_errors() {
    let mut h = tls_session();
    h.play(
        "C: RCPT TO:<bob@clinic.test>
         S: 503 5.5.1 Need MAIL command first
         C: DATA
         S: 503 5.5.1 Need MAIL command first
         C: MAIL FROM:<alice@clinic.test>
         S: 250 2.1.0 Ok
         C: MAIL FROM:<alice@clinic.test>
         S: 503 5.5.1 Sender already specified
         C: RCPT TO:<nobody@clinic.test>
         S: 550 5.1.1 <nobody@clinic.test>: Recipient address rejected
         C: DATA
         S: 554 5.5.1 No valid recipients
         C: RCPT TO:<bob@clinic.test> NOTIFY=SUCCESS
         S: 555 5.5.4 Unsupported RCPT TO parameter
         C: MAIL FROM:<a@clinic.test> RET=FULL
         S: 503 5.5.1 Sender already specified
         C: RSET
         S: 250 2.0.0 Ok
         C: MAIL FROM:<a@clinic.test> RET=FULL
         S: 555 5.5.4 Unsupported MAIL FROM parameter
         C: VRFY bob
         S: 252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery
         C: EXPN staff
         S: 502 5.5.1 EXPN is not supported
         C: NOOP
         S: 250 2.0.0 Ok",
    );
}

#[test]
fn ehlo_mid_transaction_resets_upstream() {
    let mut h = tls_session();
    h.play(&format!(
        "C: MAIL FROM:<alice@clinic.test>
         S: 250 2.1.0 Ok
         C: EHLO again
         {EHLO_TLS}
         C: RCPT TO:<bob@clinic.test>
         S: 503 5.5.1 Need MAIL command first"
    ));
    assert_eq!(h.relayed, ["MAIL FROM:<alice@clinic.test>", "RSET"]);
}

#[test]
fn size_limit_reads_to_the_end_and_reports_the_size() {
    let mut h = harness(Listener::ImplicitTls, 1024, caps());
    h.play(
        "S: 220 localhost Sealpost ESMTP ready
         C: EHLO x
         S: 250-localhost Sealpost
         S: 250-PIPELINING
         S: 250-8BITMIME
         S: 250-SMTPUTF8
         S: 250-SIZE 1024
         S: 250-ENHANCEDSTATUSCODES
         S: 250 AUTH PLAIN LOGIN
         C: MAIL FROM:<alice@clinic.test>
         C: RCPT TO:<bob@clinic.test>
         C: DATA
         S: 250 2.1.0 Ok
         S: 250 2.1.5 Ok
         S: 354 End data with <CR><LF>.<CR><LF>",
    );
    let mut big = "x".repeat(100);
    big.push_str("\r\n");
    let body = big.repeat(20);
    h.session.enqueue_input(body.as_bytes());
    assert_eq!(h.pump(), "");
    h.play(
        "C: .
         S: 250 2.0.0 Ok: queued as ABC",
    );
    match &h.messages[0].data {
        DataOutcome::TooBig { bytes } => assert_eq!(*bytes, 2040),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bdat_is_refused_and_its_payload_skipped() {
    let mut h = tls_session();
    h.play(
        "C: MAIL FROM:<alice@clinic.test>
         S: 250 2.1.0 Ok
         R: BDAT 23 LAST\\r\\nRCPT TO:<x@evil.test>\\r\\n
         S: 504 5.5.1 BDAT (CHUNKING) is not supported; use DATA
         C: NOOP
         S: 250 2.0.0 Ok",
    );
    assert_eq!(h.relayed, ["MAIL FROM:<alice@clinic.test>", "NOOP"]);
}

#[test]
fn garbage_and_long_lines_get_errors_then_the_session_closes() {
    let mut h = tls_session();
    let long = format!("NOOP {}", "a".repeat(5000));
    h.play(&format!(
        "C: \u{1}\u{2}garbage
         S: 500 5.5.1 Command unrecognized
         C: MAIL FROM:alice
         S: 501 5.5.4 Syntax: MAIL FROM:<reverse-path> [parameters]
         C: {long}
         S: 500 5.5.2 Line too long
         R: \\xff\\xfe\\r\\n
         S: 500 5.5.1 Command unrecognized"
    ));
    let huge = "A".repeat(20_000);
    h.session.enqueue_input(huge.as_bytes());
    assert_eq!(h.pump(), "500 5.5.2 Line too long\r\n");
    h.session.enqueue_input(b"still the same line\r\nNOOP\r\n");
    assert_eq!(h.pump(), "250 2.0.0 Ok\r\n");
    for _ in 0..20 {
        h.session.enqueue_input(b"BOGUS\r\n");
    }
    let out = h.pump();
    assert!(
        out.ends_with("421 4.7.0 Too many errors; closing the connection\r\n"),
        "{out}"
    );
    assert!(h.closed);
}

#[test]
fn upstream_failure_mid_data_is_a_451_and_a_close() {
    let mut h = tls_session();
    h.play(
        "C: MAIL FROM:<alice@clinic.test>
         C: RCPT TO:<bob@clinic.test>
         C: DATA
         S: 250 2.1.0 Ok
         S: 250 2.1.5 Ok
         S: 354 End data with <CR><LF>.<CR><LF>",
    );
    h.session.enqueue_input(b"Subject: x\r\n\r\nbody\r\n.\r\n");
    assert!(matches!(h.session.next(), Event::Message(_)));
    assert!(matches!(h.session.next(), Event::NeedMoreInput));
    h.session.upstream_failed();
    assert_eq!(
        h.pump(),
        "451 4.4.2 Connection to your mail provider was lost; the message was not sent\r\n"
    );
    assert!(h.closed);
}

#[test]
fn quit_answers_even_if_the_upstream_is_gone() {
    let mut h = tls_session();
    h.session.enqueue_input(b"QUIT\r\n");
    assert!(matches!(h.session.next(), Event::Relay(_)));
    h.session.upstream_failed();
    assert_eq!(h.pump(), "221 2.0.0 Bye\r\n");
    assert!(h.closed);
}
