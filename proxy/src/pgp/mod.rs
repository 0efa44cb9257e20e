//! PGP/MIME (RFC 3156) encryption with header protection (RFC 9788), and
//! decryption.
//!
//! [`encrypt_message`] turns a submitted RFC 5322 message into the
//! multipart/encrypted message that leaves the machine; [`decrypt_message`]
//! reverses it. See `encrypt.rs` for the layout and `headers.rs` for which
//! header fields stay outside.

// Until the SMTP proxy and the IMAP side call it, parts of this API are
// used only by `sealpost keys` and the tests.

mod decrypt;
mod encrypt;
mod error;
mod headers;

#[cfg(test)]
mod interop_tests;
#[cfg(test)]
mod tests;
pub use decrypt::{decrypt_armored, decrypt_message, Decrypted};
pub use encrypt::{check_structure, encrypt_armored, encrypt_message, DEFAULT_PLACEHOLDER_SUBJECT};
pub use error::{DecryptError, EncryptError, Malformed};
pub use headers::to_crlf;
