//! The host's loop: read a frame, answer it, until the browser closes the
//! port.
//!
//! # Why synchronous
//! The browser starts one host process per port and the extension sends one
//! request at a time on it; requests are CPU work (OpenPGP) plus small file
//! reads. Blocking std I/O on stdin/stdout is therefore all that is needed,
//! starts faster than a runtime and keeps the loop easy to test with
//! in-memory readers and writers.

use std::io::{self, Read, Write};

use serde_json::Value;
use tracing::info;

use super::frame::{
    chunk_reply, read_frame, write_frame, Frame, MAX_REPLY_BYTES, MAX_REQUEST_BYTES,
};
use super::reply::{self, ErrorCode, ReplyError};
use super::request::{parse, Request};

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The browser closed the port between messages.
    Closed,
    /// The input stopped inside a frame.
    Truncated,
    /// The caller was refused after its first message was answered.
    Refused,
}

/// Serves requests from `input` until it ends, answering each with
/// `handle`. Malformed or oversized frames get an error reply and the loop
/// goes on. An error writing to `output` (the browser went away) ends it.
pub fn serve(
    input: &mut impl Read,
    output: &mut impl Write,
    mut handle: impl FnMut(&Value, Request) -> String,
) -> io::Result<Ended> {
    loop {
        let (id, json) = match read_frame(input, MAX_REQUEST_BYTES)? {
            Frame::End => return Ok(Ended::Closed),
            Frame::Truncated => {
                info!("input ended inside a frame");
                return Ok(Ended::Truncated);
            }
            Frame::Oversized { len } => {
                info!(bytes = len, error = "frame_too_large", "refused");
                let e = ReplyError::new(
                    ErrorCode::FrameTooLarge,
                    format!("the message is {len} bytes; the limit is {MAX_REQUEST_BYTES} bytes"),
                )
                .with("limit", MAX_REQUEST_BYTES);
                (Value::Null, reply::error(&Value::Null, &e))
            }
            Frame::Message(body) => match parse(&body) {
                Ok((id, request)) => {
                    let json = handle(&id, request);
                    (id, json)
                }
                Err((id, e)) => {
                    info!(bytes = body.len(), error = e.code.as_str(), "refused");
                    let json = reply::error(&id, &e);
                    (id, json)
                }
            },
        };
        send(output, &id, json)?;
    }
}

/// Answers the first request of a refused caller with `origin_not_allowed`
/// and ends.
pub fn refuse(input: &mut impl Read, output: &mut impl Write, why: &str) -> io::Result<Ended> {
    let id = match read_frame(input, MAX_REQUEST_BYTES)? {
        Frame::Message(body) => match parse(&body) {
            Ok((id, _)) | Err((id, _)) => id,
        },
        Frame::Oversized { .. } => Value::Null,
        Frame::End | Frame::Truncated => return Ok(Ended::Refused),
    };
    let e = ReplyError::new(
        ErrorCode::OriginNotAllowed,
        format!("this agent answers only the Sealpost extension ({why})"),
    );
    send(output, &id, reply::error(&id, &e))?;
    Ok(Ended::Refused)
}

/// Writes a reply, in chunks if it is too long for one message.
fn send(output: &mut impl Write, id: &Value, json: String) -> io::Result<()> {
    for frame in chunk_reply(id, json, MAX_REPLY_BYTES) {
        write_frame(output, &frame)?;
    }
    Ok(())
}
