//! `sealpost audit verify`: walks the chain and finds the first bad line.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use super::line::{decode, peek_seq, sha256_hex, LineError, GENESIS};

/// What is wrong with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Its content changed (hash mismatch), or it was rewritten with a new
    /// hash that the next line's `prev` does not match.
    Edited,
    /// Records are missing before it.
    Deleted,
    /// It is out of order.
    Reordered,
    /// It does not belong: a duplicate or a forged line.
    Inserted,
    /// The final line is incomplete.
    Truncated,
    /// Not a record at all.
    Malformed,
}

impl fmt::Display for Tamper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tamper::Edited => "edited",
            Tamper::Deleted => "deleted",
            Tamper::Reordered => "reordered",
            Tamper::Inserted => "inserted",
            Tamper::Truncated => "truncated",
            Tamper::Malformed => "malformed",
        })
    }
}

/// The first bad line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub kind: Tamper,
    /// Details for the reader.
    pub detail: String,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.kind, self.detail)
    }
}

/// Why verification did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The log could not be read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The chain is broken.
    #[error("{0}")]
    Chain(ChainBreak),
}

/// An intact log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How many records.
    pub records: u64,
    /// SHA-256 of the last line (the chain head); `None` for an empty log.
    /// Compare it with a copy kept elsewhere to detect removal of records
    /// from the end, which the chain alone cannot show.
    pub head: Option<String>,
}

/// Verifies the log at `path`.
pub fn verify_file(path: &Path) -> Result<Verified, VerifyError> {
    verify_reader(BufReader::new(File::open(path)?))
}

struct RawLine {
    bytes: Vec<u8>,
    terminated: bool,
}

fn read_line(r: &mut impl BufRead) -> io::Result<Option<RawLine>> {
    let mut bytes = Vec::new();
    if r.read_until(b'\n', &mut bytes)? == 0 {
        return Ok(None);
    }
    let terminated = bytes.last() == Some(&b'\n');
    if terminated {
        bytes.pop();
    }
    Ok(Some(RawLine { bytes, terminated }))
}

/// Verifies a log read from `r`.
pub fn verify_reader(mut r: impl BufRead) -> Result<Verified, VerifyError> {
    let mut current = read_line(&mut r)?;
    let mut lineno = 0u64;
    let mut expected_seq = 1u64;
    let mut prev = GENESIS.to_string();
    let mut prev_prev: Option<String> = None;
    while let Some(line) = current {
        lineno += 1;
        let next = read_line(&mut r)?;
        let fail = |line: u64, kind: Tamper, detail: String| {
            Err(VerifyError::Chain(ChainBreak { line, kind, detail }))
        };
        if !line.terminated {
            return fail(
                lineno,
                Tamper::Truncated,
                "the final line is incomplete: the log was cut short, or a write was torn by a \
                 crash"
                    .into(),
            );
        }
        let entry = match decode(&line.bytes) {
            Ok(entry) => entry,
            Err(LineError::HashMismatch) => {
                return fail(
                    lineno,
                    Tamper::Edited,
                    "the record's hash does not match its content".into(),
                )
            }
            Err(LineError::NotCanonical) => {
                return fail(
                    lineno,
                    Tamper::Edited,
                    "the record is not in the form this program writes".into(),
                )
            }
            Err(LineError::Malformed(why)) => return fail(lineno, Tamper::Malformed, why),
        };
        if entry.seq > expected_seq {
            let next_seq = next.as_ref().and_then(|l| peek_seq(&l.bytes));
            return if next_seq == Some(expected_seq) {
                fail(
                    lineno,
                    Tamper::Reordered,
                    format!(
                        "holds record {} but record {expected_seq}, which belongs here, follows \
                         on line {}: lines were swapped or moved",
                        entry.seq,
                        lineno + 1
                    ),
                )
            } else {
                fail(
                    lineno,
                    Tamper::Deleted,
                    if entry.seq == expected_seq + 1 {
                        format!("record {expected_seq} is missing before this line")
                    } else {
                        format!(
                            "records {expected_seq} to {} are missing before this line",
                            entry.seq - 1
                        )
                    },
                )
            };
        }
        if entry.seq < expected_seq {
            // If this line continues the chain from the line before the
            // previous one, the previous line is the intruder.
            let (at, who) = if prev_prev.as_deref() == Some(entry.prev.as_str()) {
                (lineno - 1, "the previous line was inserted")
            } else {
                (lineno, "this line is a duplicate or was inserted")
            };
            return fail(
                at,
                Tamper::Inserted,
                format!(
                    "record {} appears where record {expected_seq} belongs: {who}",
                    entry.seq
                ),
            );
        }
        if entry.prev != prev {
            return if lineno == 1 {
                fail(
                    1,
                    Tamper::Edited,
                    "the first record does not start the chain (prev is not the genesis value)"
                        .into(),
                )
            } else {
                fail(
                    lineno - 1,
                    Tamper::Edited,
                    format!(
                        "its hash is consistent, but line {lineno} points at different content: \
                         the line was rewritten or replaced"
                    ),
                )
            };
        }
        prev_prev = Some(std::mem::replace(&mut prev, sha256_hex(&line.bytes)));
        expected_seq = entry.seq + 1;
        current = next;
    }
    Ok(Verified {
        records: lineno,
        head: (lineno > 0).then_some(prev),
    })
}
