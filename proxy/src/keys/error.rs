//! Errors of the key store.
//!
//! `Display` names fingerprints and file paths at most: never key material,
//! user IDs or message text.

use std::io;
use std::path::PathBuf;

use sequoia_openpgp::Fingerprint;

/// What went wrong in the key store.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The store directory or one of its files could not be read or written.
    #[error("key store I/O error on {path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The input is not OpenPGP data (neither armored nor binary).
    #[error("input is not an OpenPGP certificate or keyring")]
    Parse,
    /// The input parsed but contains no certificate.
    #[error("input contains no OpenPGP certificate")]
    NoCertificate,
    /// The certificate has no valid self-signature under the standard policy
    /// (for example it only uses algorithms that policy rejects).
    #[error("certificate {fingerprint} is not valid under the standard policy")]
    Invalid {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The certificate (its primary key) has expired.
    #[error("certificate {fingerprint} has expired")]
    Expired {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The certificate has been revoked.
    #[error("certificate {fingerprint} is revoked")]
    Revoked {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The certificate has no live, non-revoked encryption-capable subkey.
    #[error("certificate {fingerprint} has no usable encryption subkey")]
    NoEncryptionKey {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// No stored certificate matches the fingerprint or address asked for.
    /// (`Display` leaves the query out, as it may be an address; the CLI
    /// adds it as context.)
    #[error("no matching certificate in the key store")]
    NotFound {
        /// The fingerprint or address asked for.
        query: String,
    },
    /// The store holds no secret key for this certificate.
    #[error("no secret key is stored for certificate {fingerprint}")]
    NoSecretKey {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The certificate has a stored secret key and removing it was not
    /// asked for explicitly.
    #[error(
        "certificate {fingerprint} has a secret key in the store; removing it needs --with-secret"
    )]
    HasSecret {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The address given is not a plain `local@domain` address.
    #[error("not a valid email address")]
    BadAddress,
    /// A stored file is corrupt (not the certificate its name says).
    #[error("stored certificate file {path} is corrupt")]
    Corrupt {
        /// The file.
        path: PathBuf,
    },
    /// OpenPGP machinery failed (key generation, serialization). The message
    /// comes from sequoia and names no key material.
    #[error("OpenPGP operation failed: {0}")]
    OpenPgp(String),
}

impl KeyError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        KeyError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn openpgp(e: impl std::fmt::Display) -> Self {
        KeyError::OpenPgp(e.to_string())
    }
}
