//! The key store: recipients' certificates and the user's own secret keys.
//!
//! The caller resolves the directory (the CLI uses `<data dir>/keys`); see
//! [`KeyStore`] for the layout and [`address`] for how addresses match user
//! IDs. Validity is always judged under sequoia's `StandardPolicy` at the
//! current time.

// Until the SMTP proxy and the IMAP side call it, parts of this API are
// used only by `sealpost keys` and the tests.

mod address;
mod error;
mod fs;
mod store;

#[cfg(test)]
mod tests;

pub use address::{normalize_address, user_id_address};
pub use error::KeyError;
use sequoia_openpgp::policy::Policy;
use sequoia_openpgp::types::{KeyFlags, RevocationStatus};
use sequoia_openpgp::Cert;
pub use store::{new_key, parse_fingerprint, CertSummary, ImportStatus, ImportedCert, KeyStore};

/// The key to sign a message from `sender` with, when the policy says to
/// sign (`[encryption] sign`): the user's own secret key for that address.
/// With signing on but no such key the message goes unsigned (still
/// encrypted), and a warning is logged without the address.
pub fn signing_key(store: &KeyStore, sender: &str, sign: bool) -> Option<Cert> {
    if !sign {
        return None;
    }
    let key = store.secret_for(sender).ok().flatten();
    if key.is_none() {
        tracing::warn!("signing is on but the store has no secret key for the sender; not signing");
    }
    key
}

/// Key flags that make a (sub)key usable to encrypt mail to. Some
/// implementations set only one of the two; either is enough.
pub fn encryption_flags() -> KeyFlags {
    KeyFlags::empty()
        .set_transport_encryption()
        .set_storage_encryption()
}

/// Checks that `cert` can be encrypted to now: valid under `policy`, not
/// revoked, alive, with at least one alive, non-revoked, supported
/// encryption-capable (sub)key.
pub fn check_usable(cert: &Cert, policy: &dyn Policy) -> Result<(), KeyError> {
    let fingerprint = cert.fingerprint();
    let vc = cert
        .with_policy(policy, None)
        .map_err(|_| KeyError::Invalid {
            fingerprint: fingerprint.clone(),
        })?;
    if let RevocationStatus::Revoked(_) = vc.revocation_status() {
        return Err(KeyError::Revoked { fingerprint });
    }
    if vc.alive().is_err() {
        return Err(KeyError::Expired { fingerprint });
    }
    let has_encryption_key = vc
        .keys()
        .supported()
        .alive()
        .revoked(false)
        .key_flags(encryption_flags())
        .next()
        .is_some();
    if !has_encryption_key {
        return Err(KeyError::NoEncryptionKey { fingerprint });
    }
    Ok(())
}
