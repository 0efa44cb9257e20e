//! Appending to the log.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use time::OffsetDateTime;

use super::key::AuditKey;
use super::line::{decode, encode, sha256_hex, timestamp, LineError, GENESIS};
use super::record::{Entry, MessageIdHash, Record};
use super::AuditError;
use crate::config::{create_private_append, ensure_private_dir, sync_dir};

/// The open audit log. One per process; share it (`Arc<Audit>`): appends
/// are serialized by a mutex within the process and by an exclusive file
/// lock between processes (`sealpost run` and `sealpost native-host` write
/// the same log), and each append chains to the file's last line as it is
/// then, not as this process last wrote it.
#[derive(Debug)]
pub struct Audit {
    path: PathBuf,
    key: AuditKey,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    file: File,
    /// Set when a write failed: the file may end in a torn line, so nothing
    /// more is appended until the log is reopened (and its tail checked).
    failed: bool,
}
impl Audit {
    /// Opens (or creates, mode 0600) the log at `path` and resumes its chain
    /// from the last line. Refuses a log whose last line is torn or invalid:
    /// appending after it would fork the chain.
    pub fn open(path: &Path, key: AuditKey) -> Result<Audit, AuditError> {
        let io_err = |source: io::Error| AuditError::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let (mut file, created) = match create_private_append(path) {
            Ok(file) => (file, true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => (
                OpenOptions::new()
                    .read(true)
                    .append(true)
                    .open(path)
                    .map_err(io_err)?,
                false,
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                ensure_private_dir(dir).map_err(io_err)?;
                (create_private_append(path).map_err(io_err)?, true)
            }
            Err(e) => return Err(io_err(e)),
        };
        if created {
            // The new file's directory entry must survive a crash too.
            file.sync_all().map_err(io_err)?;
            sync_dir(dir).map_err(io_err)?;
        }
        chain_tail(path, &mut file)?;
        Ok(Audit {
            path: path.to_path_buf(),
            key,
            state: Mutex::new(State {
                file,
                failed: false,
            }),
        })
    }

    /// Appends one record and flushes it to disk before returning. Any
    /// error means the record may not be stored: refuse the message.
    pub fn append(&self, record: &Record) -> Result<(), AuditError> {
        let mut state = self.state.lock().map_err(|_| AuditError::Failed {
            path: self.path.clone(),
        })?;
        if state.failed {
            return Err(AuditError::Failed {
                path: self.path.clone(),
            });
        }
        let state = &mut *state;
        // Advisory, but every writer of the log takes it. Released when the
        // append is done (or by the OS if this process dies).
        state.file.lock().map_err(|source| AuditError::Io {
            path: self.path.clone(),
            source,
        })?;
        let result = self.append_locked(state, record);
        let _ = state.file.unlock();
        result
    }

    fn append_locked(&self, state: &mut State, record: &Record) -> Result<(), AuditError> {
        // Another process may have appended since our last write.
        let (next_seq, prev) = chain_tail(&self.path, &mut state.file)?;
        let entry = Entry::new(record, next_seq, timestamp(OffsetDateTime::now_utc()), prev);
        let line = encode(&entry);
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(&line);
        buf.push(b'\n');
        let written = state
            .file
            .write_all(&buf)
            .and_then(|()| state.file.sync_data());
        if let Err(source) = written {
            state.failed = true;
            return Err(AuditError::Io {
                path: self.path.clone(),
                source,
            });
        }
        Ok(())
    }

    /// The keyed hash of a Message-ID for [`Record::message_id_hash`].
    pub fn message_id_hash(&self, message_id: &str) -> MessageIdHash {
        self.key.message_id_hash(message_id)
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The sequence number and previous-line hash the next record chains to,
/// from the log's last line. A torn or invalid last line is an error:
/// appending after it would fork the chain.
fn chain_tail(path: &Path, file: &mut File) -> Result<(u64, String), AuditError> {
    let io_err = |source: io::Error| AuditError::Io {
        path: path.to_path_buf(),
        source,
    };
    let corrupt = |reason: String| AuditError::CorruptTail {
        path: path.to_path_buf(),
        reason,
    };
    match last_line(file).map_err(io_err)? {
        Tail::Empty => Ok((1, GENESIS.to_string())),
        Tail::Torn => Err(corrupt(
            "the last line is incomplete (a crash during a write?)".into(),
        )),
        Tail::Line(line) => match decode(&line) {
            Ok(entry) if entry.seq < u64::MAX => Ok((entry.seq + 1, sha256_hex(&line))),
            Ok(_) => Err(corrupt("the last record's seq is out of range".into())),
            Err(LineError::HashMismatch | LineError::NotCanonical) => {
                Err(corrupt("the last record was edited".into()))
            }
            Err(LineError::Malformed(why)) => Err(corrupt(format!("the last line: {why}"))),
        },
    }
}

enum Tail {
    Empty,
    Torn,
    Line(Vec<u8>),
}

/// Reads the last line (without its newline) by scanning back from the end.
fn last_line(file: &mut File) -> io::Result<Tail> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(Tail::Empty);
    }
    let mut last = [0u8];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut last)?;
    if last[0] != b'\n' {
        return Ok(Tail::Torn);
    }
    // Collect chunks backwards until the newline before the last line.
    let end = len - 1;
    let mut start = end;
    let mut line = Vec::new();
    const CHUNK: u64 = 8192;
    while start > 0 {
        let from = start.saturating_sub(CHUNK);
        let mut chunk = vec![0u8; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        if let Some(nl) = chunk.iter().rposition(|&b| b == b'\n') {
            chunk.drain(..=nl);
            chunk.extend_from_slice(&line);
            line = chunk;
            start = 0;
        } else {
            chunk.extend_from_slice(&line);
            line = chunk;
            start = from;
        }
    }
    file.seek(SeekFrom::End(0))?;
    Ok(Tail::Line(line))
}
