//! Errors of PGP/MIME encryption and decryption.
//!
//! `Display` never includes message text, header values or key material:
//! at most a fingerprint, a line number or a fixed description.

use sequoia_openpgp::Fingerprint;

/// Why an input message could not be parsed as RFC 5322 + MIME.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// The input is empty.
    #[error("the message is empty")]
    Empty,
    /// The input has no header fields before the body.
    #[error("the message has no header section")]
    NoHeaders,
    /// A line of the header section is neither a `Name: value` field nor a
    /// folded continuation of one.
    #[error("header section line {line} is not a header field")]
    BadHeaderLine {
        /// 1-based line number.
        line: usize,
    },
    /// There is no From field (RFC 5322 requires one).
    #[error("the message has no From field")]
    MissingFrom,
    /// The top-level Content-Type is multipart but names no boundary.
    #[error("multipart message without a boundary parameter")]
    MissingBoundary,
    /// The multipart body never uses the declared boundary.
    #[error("multipart body does not contain its boundary")]
    BoundaryNotFound,
    /// mail-parser could not parse the message at all.
    #[error("the message could not be parsed")]
    Unparseable,
}

/// Why a message could not be encrypted.
#[derive(Debug, thiserror::Error)]
pub enum EncryptError {
    /// The input message is malformed.
    #[error("malformed message: {0}")]
    Malformed(#[from] Malformed),
    /// No recipient certificate was given.
    #[error("no recipients to encrypt to")]
    NoRecipients,
    /// A recipient (or the sender) certificate cannot be encrypted to now.
    #[error("certificate {fingerprint} has no usable encryption key")]
    NoEncryptionKey {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The signer certificate holds no usable signing secret key.
    #[error("certificate {fingerprint} has no usable secret signing key")]
    NoSigningKey {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The signing secret key is password-protected (unlocking is not
    /// supported yet).
    #[error("the secret signing key of {fingerprint} is password-protected")]
    SecretKeyLocked {
        /// The certificate's fingerprint.
        fingerprint: Fingerprint,
    },
    /// The placeholder subject contains a line break or control character.
    #[error("the placeholder subject must be a single line of text")]
    BadPlaceholder,
    /// The OpenPGP layer failed. The text comes from sequoia and does not
    /// include message content.
    #[error("OpenPGP encryption failed: {0}")]
    OpenPgp(String),
}

/// Why a message could not be decrypted.
#[derive(Debug, thiserror::Error)]
pub enum DecryptError {
    /// The input is not a parseable RFC 3156 multipart/encrypted message.
    #[error("not a PGP/MIME encrypted message: {0}")]
    NotPgpMime(&'static str),
    /// None of the secret keys given can decrypt the message.
    #[error("no secret key matches the message's recipients")]
    NoMatchingKey,
    /// The OpenPGP layer failed (corrupt data, integrity check). The text
    /// comes from sequoia and does not include message content.
    #[error("OpenPGP decryption failed: {0}")]
    OpenPgp(String),
}
