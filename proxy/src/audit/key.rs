//! The per-install key for Message-ID hashes.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use ring::hmac;

use super::record::MessageIdHash;
use super::{hex, AuditError};
use crate::config::{create_private_append, ensure_private_dir, sync_dir};

/// A 32-byte HMAC-SHA256 key, stored as 64 hex digits in a mode-0600 file.
/// Its `Debug` does not show it.
pub struct AuditKey(hmac::Key);

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey(<redacted>)")
    }
}
impl AuditKey {
    /// Uses these bytes as the key.
    pub fn from_bytes(bytes: [u8; 32]) -> AuditKey {
        AuditKey(hmac::Key::new(hmac::HMAC_SHA256, &bytes))
    }

    /// Reads the key at `path`, or creates it (mode 0600 from the start;
    /// never replaced once it exists, so hashes stay comparable).
    pub fn load_or_create(path: &Path) -> Result<AuditKey, AuditError> {
        let io_err = |source: io::Error| AuditError::Io {
            path: path.to_path_buf(),
            source,
        };
        match fs::read_to_string(path) {
            Ok(text) => return AuditKey::parse(path, &text),
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err(e)),
            Err(_) => {}
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        ensure_private_dir(dir).map_err(io_err)?;
        let bytes: [u8; 32] = crate::tls::random();
        match create_private_append(path) {
            Ok(mut file) => {
                file.write_all(format!("{}\n", hex(&bytes)).as_bytes())
                    .and_then(|()| file.sync_all())
                    .and_then(|()| sync_dir(dir))
                    .map_err(io_err)?;
                Ok(AuditKey::from_bytes(bytes))
            }
            // Created by someone else in the meantime: use theirs.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                AuditKey::parse(path, &fs::read_to_string(path).map_err(io_err)?)
            }
            Err(e) => Err(io_err(e)),
        }
    }

    fn parse(path: &Path, text: &str) -> Result<AuditKey, AuditError> {
        let text = text.trim();
        let bytes: Option<Vec<u8>> = (text.len() == 64)
            .then(|| {
                (0..32)
                    .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
                    .collect()
            })
            .flatten();
        match bytes.and_then(|b| <[u8; 32]>::try_from(b).ok()) {
            Some(b) => Ok(AuditKey::from_bytes(b)),
            None => Err(AuditError::KeyFile {
                path: path.to_path_buf(),
                message: "expected 64 hex digits (32 bytes)".into(),
            }),
        }
    }

    /// HMAC-SHA256 of a Message-ID, lower-case hex. Surrounding whitespace
    /// and one pair of angle brackets are removed first, so `<a@b>` and
    /// `a@b` hash alike.
    pub fn message_id_hash(&self, message_id: &str) -> MessageIdHash {
        let id = message_id.trim();
        let id = id
            .strip_prefix('<')
            .and_then(|i| i.strip_suffix('>'))
            .unwrap_or(id);
        MessageIdHash(hex(hmac::sign(&self.0, id.as_bytes()).as_ref()))
    }
}
