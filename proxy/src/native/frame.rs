//! Native-messaging framing: a 32-bit length in native byte order, then
//! that many bytes of UTF-8 JSON, in both directions.
//!
//! # Limits
//! - From the browser: at most [`MAX_REQUEST_BYTES`] (48 MiB; Chrome itself
//!   allows 64 MiB). A longer frame is read and thrown away in bounded
//!   pieces ([`DISCARD_CHUNK`]), never buffered, and reported as
//!   [`Frame::Oversized`] so the host can answer it and keep serving.
//! - To the browser: Chrome drops a host that sends a message over 1 MB, so
//!   a reply whose JSON is longer than [`MAX_REPLY_BYTES`] is sent as
//!   several *chunk* messages (see [`chunk_reply`]).
//!
//! # Chunks
//! A long reply `R` (the complete JSON text of the reply) is cut into
//! pieces `d0, d1, …` at character boundaries, and each piece is sent as
//!
//! ```json
//! {"id": <the request's id>, "type": "chunk", "seq": 0, "last": false, "data": "<d0>"}
//! ```
//!
//! with `seq` counting from 0 and `last: true` on the final piece. The
//! receiver concatenates `data` in `seq` order and parses the result as the
//! reply it would otherwise have received. Chunks of one reply are sent
//! back to back, before anything else.
//!
//! # End of input
//! End of input between frames is [`Frame::End`]: the browser closed the
//! port. End of input inside a frame (its length or its body) is
//! [`Frame::Truncated`]; nothing more can follow, so the host exits too.

use std::io::{self, Read, Write};

use serde_json::Value;

/// The largest request accepted from the browser: 48 MiB (attachments of up
/// to 25 MiB, base64-encoded, plus the rest).
pub const MAX_REQUEST_BYTES: u32 = 48 * 1024 * 1024;

/// The largest message sent to the browser in one frame. Chrome's limit is
/// 1 MB (1 048 576 bytes); a little below, to be safe.
pub const MAX_REPLY_BYTES: usize = 1_000_000;

/// How much of an oversized frame is read at a time while discarding it.
pub const DISCARD_CHUNK: usize = 64 * 1024;

/// One frame from the browser.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A complete frame body (not yet checked to be UTF-8 or JSON).
    Message(Vec<u8>),
    /// A frame longer than the limit; its body has been read and discarded.
    Oversized {
        /// The length the frame declared.
        len: u32,
    },
    /// The input ended between frames.
    End,
    /// The input ended inside a frame.
    Truncated,
}

/// Reads the next frame from `r`, accepting bodies up to `max` bytes.
pub fn read_frame(r: &mut impl Read, max: u32) -> io::Result<Frame> {
    let mut len_bytes = [0u8; 4];
    match read_full(r, &mut len_bytes)? {
        0 => return Ok(Frame::End),
        4 => {}
        _ => return Ok(Frame::Truncated),
    }
    let len = u32::from_ne_bytes(len_bytes);
    if len > max {
        let mut left = u64::from(len);
        let mut sink = vec![0u8; DISCARD_CHUNK];
        while left > 0 {
            let want = usize::try_from(left.min(DISCARD_CHUNK as u64)).unwrap_or(DISCARD_CHUNK);
            let got = read_full(r, &mut sink[..want])?;
            if got < want {
                return Ok(Frame::Truncated);
            }
            left -= got as u64;
        }
        return Ok(Frame::Oversized { len });
    }
    // Read through `take` rather than allocating `len` up front: a frame
    // that claims 48 MiB and then stops costs no more than it sent.
    let mut body = Vec::new();
    r.by_ref().take(u64::from(len)).read_to_end(&mut body)?;
    if body.len() < len as usize {
        return Ok(Frame::Truncated);
    }
    Ok(Frame::Message(body))
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Writes one frame (length, then `json`) and flushes.
pub fn write_frame(w: &mut impl Write, json: &[u8]) -> io::Result<()> {
    let len = u32::try_from(json.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame over 4 GiB"))?;
    w.write_all(&len.to_ne_bytes())?;
    w.write_all(json)?;
    w.flush()
}

/// The frames that carry `reply` (compact JSON text) to the browser: the
/// reply itself when it fits in [`MAX_REPLY_BYTES`], else chunk messages
/// (module docs) of at most `max` bytes each.
pub fn chunk_reply(id: &Value, reply: String, max: usize) -> Vec<Vec<u8>> {
    if reply.len() <= max {
        return vec![reply.into_bytes()];
    }
    let id_json = serde_json::to_string(id).unwrap_or_else(|_| "null".into());
    // `{"id":…,"type":"chunk","seq":N,"last":false,"data":"…"}` without the
    // data: ~60 bytes plus the id and up to 20 digits of seq.
    let overhead = id_json.len() + 96;
    let budget = max.saturating_sub(overhead).max(64);
    let mut frames = Vec::new();
    let mut start = 0;
    let mut seq = 0u64;
    while start < reply.len() {
        let mut cost = 0;
        let mut end = start;
        for c in reply[start..].chars() {
            let c_cost = escaped_len(c);
            if cost + c_cost > budget {
                break;
            }
            cost += c_cost;
            end += c.len_utf8();
        }
        let last = end >= reply.len();
        let data = serde_json::to_string(&reply[start..end]).unwrap_or_default();
        frames.push(
            format!(r#"{{"id":{id_json},"type":"chunk","seq":{seq},"last":{last},"data":{data}}}"#)
                .into_bytes(),
        );
        start = end;
        seq += 1;
    }
    frames
}

/// The bytes `c` takes inside a JSON string as serde_json writes it.
fn escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{08}' | '\u{0c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}
