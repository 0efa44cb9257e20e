//! Arbitrary bytes from the browser side fed to the native-messaging host's
//! loop (framing, UTF-8, JSON, request parsing; the handler is a stub): it
//! must never panic, every reply frame must be JSON within Chrome's limit,
//! and chunked replies must reassemble to the reply.
//!
//! Input layout: byte 0 picks a small request limit or the real one; the
//! rest is the stdin stream.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use sealpost::native::frame::{chunk_reply, MAX_REPLY_BYTES};
use sealpost::native::reply;
use sealpost::native::serve;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut out = Vec::new();
    let _ = serve(&mut Cursor::new(rest), &mut out, |id, _request| {
        reply::ok(id, "status", serde_json::json!({}))
    });
    let mut frames = &out[..];
    while !frames.is_empty() {
        let len = u32::from_ne_bytes(frames[..4].try_into().unwrap()) as usize;
        assert!(len <= MAX_REPLY_BYTES);
        let _: serde_json::Value = serde_json::from_slice(&frames[4..4 + len]).unwrap();
        frames = &frames[4 + len..];
    }

    // Chunking any text with a small limit reassembles exactly.
    if let Ok(text) = std::str::from_utf8(rest) {
        let max = 100 + usize::from(mode);
        let mut joined = String::new();
        for f in chunk_reply(&serde_json::json!(1), text.to_string(), max) {
            if text.len() <= max {
                assert_eq!(f, text.as_bytes());
                return;
            }
            assert!(f.len() <= max.max(64 + 96 + 1) + 96);
            let v: serde_json::Value = serde_json::from_slice(&f).unwrap();
            joined.push_str(v["data"].as_str().unwrap());
        }
        assert_eq!(joined, text);
    }
});
