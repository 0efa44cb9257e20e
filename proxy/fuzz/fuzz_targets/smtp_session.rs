//! Arbitrary client bytes (and upstream replies chosen by the input) fed
//! into the client-side SMTP session: it must never panic, never relay a
//! line without CRLF, and never hand out a message with no recipients.
//!
//! Input layout: byte 0 picks the listener and the upstream's capabilities;
//! then runs of `[len, reply selector, bytes...]` are fed as packets.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sealpost::smtp::{
    parse_reply, AuthMechanism, DataOutcome, Event, Listener, Reply, Session, SessionConfig,
    UpstreamCaps,
};

const REPLIES: [&[u8]; 8] = [
    b"250 2.0.0 Ok\r\n",
    b"334 VXNlcm5hbWU6\r\n",
    b"235 2.7.0 Authentication successful\r\n",
    b"550 5.1.1 rejected\r\n",
    b"250-multi\r\n250 line\r\n",
    b"421 4.4.2 bye\r\n",
    b"354 go ahead\r\n",
    b"535 5.7.8 bad credentials\r\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let caps = UpstreamCaps {
        pipelining: mode & 2 != 0,
        eight_bit_mime: mode & 4 != 0,
        smtputf8: mode & 8 != 0,
        size: (mode & 16 != 0).then_some(4096),
        starttls: true,
        auth: if mode & 32 != 0 {
            AuthMechanism::ALL.to_vec()
        } else {
            vec![]
        },
    };
    let listener = if mode & 1 != 0 {
        Listener::ImplicitTls
    } else {
        Listener::Starttls
    };
    let mut session = Session::new(SessionConfig {
        listener,
        max_message_bytes: 2048,
        upstream: caps,
    });
    let mut selector = 0usize;
    loop {
        match session.next() {
            Event::Output(out) => assert!(out.ends_with(b"\r\n")),
            Event::Relay(line) => {
                assert!(line.ends_with(b"\r\n"));
                let mut raw = REPLIES[selector % REPLIES.len()].to_vec();
                selector = selector.wrapping_add(1);
                if selector % 13 == 0 {
                    session.upstream_failed();
                } else {
                    let reply = parse_reply(&mut raw).unwrap().unwrap();
                    session.upstream_reply(reply);
                }
            }
            Event::StartTls => session.tls_started(),
            Event::Message(t) => {
                assert!(!t.recipients.is_empty());
                if let DataOutcome::Complete(d) = &t.data {
                    assert!(d.len() <= 2048);
                }
                session.message_done(Reply::new(250, "2.0.0", "queued"));
            }
            Event::Close => break,
            Event::NeedMoreInput => {
                let Some((&len, tail)) = rest.split_first() else {
                    break;
                };
                let Some((&sel, tail)) = tail.split_first() else {
                    break;
                };
                selector = selector.wrapping_add(sel as usize);
                let n = (len as usize).min(tail.len());
                session.enqueue_input(&tail[..n]);
                rest = &tail[n..];
            }
        }
    }
});
