//! Encoding and checking one line (see the format in [`super`]).

use ring::digest;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::hex;
use super::record::{is_hex64, Entry, FORMAT_VERSION};

/// `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const HASH_KEY: &[u8] = b",\"hash\":\"";
/// `,"hash":"` + 64 hex digits + `"}`.
const HASH_SUFFIX_LEN: usize = HASH_KEY.len() + 64 + 2;

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

/// The time of a record: RFC 3339, UTC, milliseconds.
pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The line for `entry`, without the newline.
pub fn encode(entry: &Entry) -> Vec<u8> {
    // Serializing plain data (strings, numbers, maps with string keys) to
    // a Vec cannot fail.
    let mut line = serde_json::to_vec(entry).expect("audit entries serialize");
    let hash = sha256_hex(&line);
    line.pop(); // the closing brace
    line.extend_from_slice(HASH_KEY);
    line.extend_from_slice(hash.as_bytes());
    line.extend_from_slice(b"\"}");
    line
}

/// Why a line is not a valid record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// Well-formed, but the hash is not that of the content.
    HashMismatch,
    /// Valid JSON for a record, but not as this program writes it.
    NotCanonical,
    /// Not a record at all; says why (never quotes the line).
    Malformed(String),
}

/// Parses and checks a line (without its newline): the hash member at the
/// end, the schema, canonical form, the hash, the version and the time.
pub fn decode(line: &[u8]) -> Result<Entry, LineError> {
    let n = line.len();
    if n < HASH_SUFFIX_LEN + 2
        || &line[n - HASH_SUFFIX_LEN..n - HASH_SUFFIX_LEN + HASH_KEY.len()] != HASH_KEY
        || &line[n - 2..] != b"\"}"
    {
        return Err(LineError::Malformed(
            "not a record: it does not end with the \"hash\" member".into(),
        ));
    }
    let hash = std::str::from_utf8(&line[n - 66..n - 2]).unwrap_or("");
    if !is_hex64(hash) {
        return Err(LineError::Malformed("the hash is not 64 hex digits".into()));
    }
    let mut body = line[..n - HASH_SUFFIX_LEN].to_vec();
    body.push(b'}');
    let entry: Entry = serde_json::from_slice(&body).map_err(|e| {
        LineError::Malformed(format!(
            "not a valid record ({:?} error at column {})",
            e.classify(),
            e.column()
        ))
    })?;
    if entry.v != FORMAT_VERSION {
        return Err(LineError::Malformed(format!(
            "format version {} is not supported (this build reads {FORMAT_VERSION})",
            entry.v
        )));
    }
    if serde_json::to_vec(&entry).ok().as_deref() != Some(&body[..]) {
        return Err(LineError::NotCanonical);
    }
    if sha256_hex(&body) != hash {
        return Err(LineError::HashMismatch);
    }
    if OffsetDateTime::parse(&entry.time, &Rfc3339).is_err() {
        return Err(LineError::Malformed("time is not RFC 3339".into()));
    }
    if !is_hex64(&entry.prev) {
        return Err(LineError::Malformed("prev is not 64 hex digits".into()));
    }
    Ok(entry)
}

/// The `seq` of a line, if it has one (for diagnosis of a broken chain).
pub fn peek_seq(line: &[u8]) -> Option<u64> {
    serde_json::from_slice::<serde_json::Value>(line)
        .ok()?
        .get("seq")?
        .as_u64()
}
