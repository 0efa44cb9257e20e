//! The audit log: one JSON line per message decision, hash-chained, so that
//! an edited, deleted, reordered, inserted or truncated line is detected by
//! `sealpost audit verify`.
//!
//! Records hold no PHI: no local parts, subjects or message text; the types
//! in [`record`] cannot hold them. The Message-ID appears only as an
//! HMAC-SHA256 under a per-install key ([`AuditKey`], `<data>/audit.key`), so
//! IT can find the record of a message it has without the log naming it.
//!
//! # Format (version 1)
//! The file `<data>/audit.jsonl` holds UTF-8 lines ending in `\n`. Each line
//! is a JSON object with exactly these members, in this order:
//!
//! | member | value |
//! | --- | --- |
//! | `v` | `1` |
//! | `seq` | 1 for the first record, then +1 per line |
//! | `time` | RFC 3339 UTC with milliseconds, `2026-01-02T03:04:05.678Z` |
//! | `message_id_hash` | 64 hex digits, or `null` if the message had no Message-ID |
//! | `sender_domain` | envelope sender's domain, or `null` for `<>` |
//! | `recipient_count` | number of recipients |
//! | `recipient_domains` | their domains, sorted, unique |
//! | `verdict` | `clean`, `possible` or `phi` |
//! | `categories` | `{category: count}` of findings that counted, keys sorted |
//! | `action` | `sent-encrypted`, `sent-plain` or `refused` |
//! | `toggle` | `subject-tag:secure`, `subject-tag:nosecure`, `header:on`, `header:off` or `null` |
//! | `override` | `null` or `{"justification_code": code-or-null}` |
//! | `reason` | refusal code (`no-key`, `upstream-rejected`, …) or `null` |
//! | `prev` | hex SHA-256 of the previous line's bytes (without its `\n`); 64 zeros for the first |
//! | `hash` | hex SHA-256 of this record's canonical form, defined below |
//!
//! **Canonical form and `hash`.** Let *B* be the record without its `hash`
//! member, serialized as compact JSON: the members above in the order
//! above, no whitespace between tokens, strings escaped as `serde_json`
//! does (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control
//! characters as `\u00XX`, everything else as literal UTF-8), numbers as
//! plain decimal integers, absent values as `null`. Then
//! `hash = lowercase_hex(SHA-256(B))`, and the line is *B* with its final
//! `}` replaced by `,"hash":"<hash>"}`. To check a line by hand: remove the
//! last 75 bytes (`,"hash":"` + 64 digits + `"}`), append `}`, hash.
//! The verifier also re-serializes each record and requires the same bytes.
//!
//! **What the chain cannot show.** Removing records from the *end* leaves a
//! valid, shorter chain. `verify` prints the head (the last line's SHA-256)
//! so it can be compared with a copy kept elsewhere (e.g. shipped to IT).
//!
//! # Durability and failure
//! [`Audit::append`] writes the whole line with one write on an `O_APPEND`
//! file and `fdatasync`s it before returning; creating the file also syncs
//! its directory. Any error is returned so the caller refuses the message
//! (fail closed); after a failed write no further appends are accepted until
//! the log is reopened, because the file may end in a torn line. Opening
//! checks the last line and refuses to append after a torn or invalid one,
//! rather than start a second chain; `sealpost audit verify` shows the
//! damage, and moving the file aside starts a new log.

mod key;
mod line;
mod log;
pub mod record;
mod verify;

pub use key::AuditKey;
pub use log::Audit;
pub use record::{
    Action, Domain, JustificationCode, MessageIdHash, Override, Reason, Record, ToggleUsed,
};
use std::io;
use std::path::PathBuf;
pub use verify::{verify_file, VerifyError};
pub use verify::{verify_reader, ChainBreak, Tamper, Verified};

/// Why the log cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Reading or writing failed.
    #[error("audit log {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The log ends in a torn or invalid line; appending would fork the chain.
    #[error(
        "audit log {}: {reason}; refusing to append, which would fork the hash chain. \
         Run `sealpost audit verify` on it, then move it aside to start a new log",
        path.display()
    )]
    CorruptTail {
        /// The file.
        path: PathBuf,
        /// What is wrong with the last line.
        reason: String,
    },
    /// An earlier append failed (or panicked); the log must be reopened.
    #[error(
        "audit log {}: an earlier write failed, so the log may end in a torn line; \
         no more records until the proxy restarts",
        path.display()
    )]
    Failed {
        /// The file.
        path: PathBuf,
    },
    /// The key file is not a key.
    #[error("audit key {}: {message}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    crate::tls::hex(bytes)
}

#[cfg(test)]
mod tests;
