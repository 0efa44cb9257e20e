//! The header section of the input, field by field, with the exact bytes of
//! each field, and which fields go where in the encrypted message.
//!
//! mail-parser decodes header values, but the encrypted message copies the
//! fields the client wrote byte for byte (their RFC 2047 encoding and folding
//! included), so the split into fields is done here on the raw bytes, with a
//! strict check that every line is a field or a folded continuation.
//!
//! # Which header fields go where
//! | field | outside (cleartext) | inside (encrypted) |
//! | --- | --- | --- |
//! | From, Sender, Reply-To, To, Cc, Date, Message-ID, In-Reply-To, References | kept, needed for delivery, replies and threading | yes |
//! | Subject | replaced by the placeholder | the real one |
//! | Received, Return-Path, Resent-* (trace) | kept | Resent-* only |
//! | Autocrypt (the sender's public key) | kept | yes |
//! | Bcc | dropped | dropped: inside it would show every Bcc recipient to all recipients, and no server can strip it any more |
//! | Content-*, MIME-Version | replaced by the PGP/MIME structure | on the wrapped original part |
//! | HP-Outer (from the input) | dropped | dropped (we write our own) |
//! | anything else (Keywords, Comments, Thread-Topic — Outlook copies the subject there —, User-Agent, X-*, List-*, …) | dropped: we cannot vouch it leaks nothing | yes |

use super::error::Malformed;

/// One header field as it appears in the input.
pub(crate) struct Field<'a> {
    /// The field name as written.
    pub name: &'a str,
    /// The whole field: name, colon, value, folding, final CRLF.
    pub raw: &'a [u8],
    /// The value as written (after the colon, folding kept), without the
    /// final CRLF.
    pub value: &'a [u8],
}

/// The input split at the blank line.
pub(crate) struct Split<'a> {
    pub fields: Vec<Field<'a>>,
    pub body: &'a [u8],
}

/// Rewrites bare LF line ends as CRLF (input from files is often LF-only;
/// MIME's canonical form and SMTP use CRLF). CRLF stays as it is.
pub fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    let mut prev = 0u8;
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Splits a CRLF message into header fields and body. The header section
/// must be non-empty and every line in it a field or a continuation line.
/// A message that ends without a blank line is all headers.
pub(crate) fn split_message(msg: &[u8]) -> Result<Split<'_>, Malformed> {
    if msg.is_empty() {
        return Err(Malformed::Empty);
    }
    let mut fields: Vec<Field<'_>> = Vec::new();
    // Start offset of the field being collected.
    let mut current: Option<(usize, usize)> = None; // (field start, value start)
    let mut pos = 0;
    let mut line_no = 0;
    let mut body_start = msg.len();
    while pos < msg.len() {
        line_no += 1;
        let end = find_crlf(&msg[pos..]).map_or(msg.len(), |i| pos + i + 2);
        let line = &msg[pos..end];
        if line == b"\r\n" {
            body_start = end;
            break;
        }
        match line[0] {
            b' ' | b'\t' => {
                if current.is_none() {
                    return Err(Malformed::BadHeaderLine { line: line_no });
                }
            }
            _ => {
                let colon = line
                    .iter()
                    .position(|&b| b == b':')
                    .ok_or(Malformed::BadHeaderLine { line: line_no })?;
                let name = &line[..colon];
                if name.is_empty() || !name.iter().all(|&b| (33..=126).contains(&b)) {
                    return Err(Malformed::BadHeaderLine { line: line_no });
                }
                finish(msg, &mut fields, current.take(), pos);
                current = Some((pos, pos + colon + 1));
            }
        }
        pos = end;
    }
    finish(msg, &mut fields, current, body_start.min(pos));
    if fields.is_empty() {
        return Err(Malformed::NoHeaders);
    }
    Ok(Split {
        fields,
        body: &msg[body_start.min(msg.len())..],
    })
}

/// Closes the field that started at `cur.0` (value at `cur.1`) and ends
/// before `end`.
fn finish<'a>(msg: &'a [u8], fields: &mut Vec<Field<'a>>, cur: Option<(usize, usize)>, end: usize) {
    if let Some((start, value_start)) = cur {
        let raw = &msg[start..end];
        let value_end = if raw.ends_with(b"\r\n") { end - 2 } else { end };
        // The name was checked to be printable ASCII when the field started,
        // so this can't fail.
        let name = std::str::from_utf8(&msg[start..value_start - 1]).unwrap_or("");
        fields.push(Field {
            name,
            raw,
            value: &msg[value_start..value_end],
        });
    }
}

fn find_crlf(s: &[u8]) -> Option<usize> {
    s.windows(2).position(|w| w == b"\r\n")
}

/// Structural MIME fields: they describe the original top-level part and
/// move with it into the encrypted wrapper.
pub(crate) fn is_structural(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("content-") || n == "mime-version"
}

/// Fields kept on the outer (cleartext) message, besides the placeholder
/// Subject and the PGP/MIME structure. See the module table.
pub(crate) fn keep_outside(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "from"
            | "sender"
            | "reply-to"
            | "to"
            | "cc"
            | "date"
            | "message-id"
            | "in-reply-to"
            | "references"
            | "received"
            | "return-path"
            | "autocrypt"
    ) || n.starts_with("resent-")
}

/// Fields copied into the encrypted part's header section. See the module
/// table.
pub(crate) fn keep_inside(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !(is_structural(&n) || matches!(n.as_str(), "bcc" | "received" | "return-path" | "hp-outer"))
}
