//! The on-disk key store.
//!
//! Layout of the store directory (created `0700` on Unix):
//!
//! ```text
//! certs/<FINGERPRINT>.pgp        public certificate, binary OpenPGP
//! secret/<FINGERPRINT>.pgp       transferable secret key, binary, 0600
//! revocations/<FINGERPRINT>.rev  revocation certificate of a generated key, 0600
//! ```
//!
//! Every write goes to a temporary file in the same directory, created with
//! its final mode at `open(2)` time, and is then renamed into place, so a
//! crash never leaves a half-written certificate and a secret file is never
//! world-readable, not even for an instant.
//!
//! # Secret keys at rest
//! Generated secret keys are stored unencrypted, protected by the file mode
//! (and the user's account). Imported password-protected secret keys are kept
//! as they are; signing or decrypting with them fails with a typed error
//! until unlocking is implemented.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sequoia_openpgp::cert::prelude::*;
use sequoia_openpgp::cert::CertParser;
use sequoia_openpgp::packet::UserID;
use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::policy::StandardPolicy;
use sequoia_openpgp::serialize::{Serialize, SerializeInto};
use sequoia_openpgp::types::{Features, KeyFlags, RevocationStatus};
use sequoia_openpgp::{armor, Cert, Fingerprint, Profile};

use super::address::{normalize_address, user_id_address};
use super::fs::{create_private_dir, read_cert, remove_if_exists, write_file, Mode};
use super::KeyError;

const CERTS: &str = "certs";
const SECRET: &str = "secret";
const REVOCATIONS: &str = "revocations";
const EXT: &str = "pgp";

/// A directory of certificates and the user's secret keys.
pub struct KeyStore {
    dir: PathBuf,
    policy: StandardPolicy<'static>,
}

/// What [`KeyStore::import`] did with one certificate of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCert {
    /// The certificate's fingerprint.
    pub fingerprint: Fingerprint,
    /// Its user IDs (as UTF-8, lossily).
    pub user_ids: Vec<String>,
    /// New, updated or unchanged.
    pub status: ImportStatus,
    /// Whether the input carried secret key material for it.
    pub has_secret: bool,
    /// Whether the stored certificate can be encrypted to now. Always true
    /// for a new certificate (unusable new ones are rejected); an update to a
    /// stored certificate, such as a revocation, may make it false.
    pub usable: bool,
}

/// Whether an imported certificate was already in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// It was not in the store.
    New,
    /// It was, and the input added something (user IDs, subkeys,
    /// signatures, secret material).
    Updated,
    /// It was, and the input added nothing.
    Unchanged,
}

/// One stored certificate, as [`KeyStore::list`] shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// The certificate's fingerprint.
    pub fingerprint: Fingerprint,
    /// OpenPGP key version (4 or 6).
    pub version: u8,
    /// Its user IDs (as UTF-8, lossily).
    pub user_ids: Vec<String>,
    /// When the primary key expires, if it does.
    pub expires: Option<SystemTime>,
    /// Whether [`KeyStore::lookup`] would return it now (valid, alive, not
    /// revoked, with an encryption-capable subkey).
    pub can_encrypt: bool,
    /// Whether the store holds a secret key for it.
    pub has_secret: bool,
}

impl KeyStore {
    /// Opens the store in `dir`, creating the directory (mode `0700`) if it
    /// does not exist. The caller resolves the data directory.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, KeyError> {
        let dir = dir.into();
        for sub in [CERTS, SECRET, REVOCATIONS] {
            create_private_dir(&dir.join(sub))?;
        }
        Ok(KeyStore {
            dir,
            policy: StandardPolicy::new(),
        })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Generates a v4 key for `email` (Ed25519 primary for certification,
    /// an Ed25519 signing subkey and a Cv25519 encryption subkey), stores it
    /// and returns its fingerprint.
    ///
    /// The key advertises only the SEIPDv1 feature: GnuPG 2.2, sq 0.27 and
    /// RNP cannot read SEIPDv2, and peers encrypting to us pick the format
    /// from this feature set. It does not expire.
    pub fn generate(&self, email: &str, name: Option<&str>) -> Result<Fingerprint, KeyError> {
        // Validate, but keep the address as the user typed it in the user
        // ID; matching is case-insensitive anyway.
        normalize_address(email).ok_or(KeyError::BadAddress)?;
        let email = email.trim().trim_start_matches('<').trim_end_matches('>');
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let uid = UserID::from_address(name, None, email).map_err(|_| KeyError::BadAddress)?;
        let (cert, revocation) = new_key(uid)?;
        let fingerprint = cert.fingerprint();
        let rev = cert
            .clone()
            .insert_packets(Some(revocation))
            .map_err(KeyError::openpgp)?
            .0
            .armored()
            .to_vec()
            .map_err(KeyError::openpgp)?;
        self.save(&cert)?;
        write_file(
            &self.path(REVOCATIONS, &fingerprint, "rev"),
            &rev,
            Mode::Private,
        )?;
        Ok(fingerprint)
    }

    /// Imports certificates from `bytes`: ASCII-armored or binary, one
    /// certificate or a keyring (`gpg --export [--armor]`), v4 or v6, with
    /// or without secret key material.
    ///
    /// All or nothing: if any new certificate in the input is unusable
    /// (invalid, expired, revoked, no encryption subkey) nothing is written
    /// and the error names that certificate. An update to a certificate
    /// already in the store is always merged, even when it makes the
    /// certificate unusable: that is how revocations arrive.
    pub fn import(&self, bytes: &[u8]) -> Result<Vec<ImportedCert>, KeyError> {
        let parser = CertParser::from_bytes(bytes).map_err(|_| KeyError::Parse)?;
        let mut incoming: Vec<Cert> = Vec::new();
        for cert in parser {
            let cert = cert.map_err(|_| KeyError::Parse)?;
            // The same certificate twice in one input: merge the copies.
            match incoming
                .iter_mut()
                .find(|c| c.fingerprint() == cert.fingerprint())
            {
                Some(slot) => {
                    *slot = slot
                        .clone()
                        .merge_public_and_secret(cert)
                        .map_err(KeyError::openpgp)?;
                }
                None => incoming.push(cert),
            }
        }
        if incoming.is_empty() {
            return Err(KeyError::NoCertificate);
        }

        // Validate everything before writing anything.
        let mut plan = Vec::with_capacity(incoming.len());
        for cert in incoming {
            let has_secret = cert.is_tsk();
            let existing = self.load_full(&cert.fingerprint())?;
            let (merged, status) = match existing {
                None => {
                    self.check_usable(&cert)?;
                    (cert, ImportStatus::New)
                }
                Some(old) => {
                    let merged = old
                        .clone()
                        .merge_public_and_secret(cert)
                        .map_err(KeyError::openpgp)?;
                    let status = if merged == old {
                        ImportStatus::Unchanged
                    } else {
                        ImportStatus::Updated
                    };
                    (merged, status)
                }
            };
            plan.push((merged, status, has_secret));
        }

        let mut out = Vec::with_capacity(plan.len());
        for (cert, status, has_secret) in plan {
            if status != ImportStatus::Unchanged {
                self.save(&cert)?;
            }
            out.push(ImportedCert {
                fingerprint: cert.fingerprint(),
                user_ids: user_id_strings(&cert),
                status,
                has_secret,
                usable: self.check_usable(&cert).is_ok(),
            });
        }
        Ok(out)
    }

    /// Exports the public certificate(s) matching `query` (a fingerprint, or
    /// an email address matched as in [`KeyStore::lookup`] but regardless of
    /// validity), binary or ASCII-armored. Secret keys are never exported.
    pub fn export(&self, query: &str, armored: bool) -> Result<Vec<u8>, KeyError> {
        let certs = self.find(query)?;
        let mut out = Vec::new();
        if armored {
            let mut w = armor::Writer::new(&mut out, armor::Kind::PublicKey)
                .map_err(|e| KeyError::io("<memory>", e))?;
            for cert in &certs {
                cert.serialize(&mut w).map_err(KeyError::openpgp)?;
            }
            w.finalize().map_err(|e| KeyError::io("<memory>", e))?;
        } else {
            for cert in &certs {
                cert.serialize(&mut out).map_err(KeyError::openpgp)?;
            }
        }
        Ok(out)
    }

    /// Every stored certificate, sorted by fingerprint.
    pub fn list(&self) -> Result<Vec<CertSummary>, KeyError> {
        let mut out = Vec::new();
        for (fingerprint, cert) in self.all_certs()? {
            let expires = cert
                .with_policy(&self.policy, None)
                .ok()
                .and_then(|vc| vc.primary_key().key_expiration_time());
            out.push(CertSummary {
                version: cert.primary_key().key().version(),
                user_ids: user_id_strings(&cert),
                expires,
                can_encrypt: self.check_usable(&cert).is_ok(),
                has_secret: self.path(SECRET, &fingerprint, EXT).exists(),
                fingerprint,
            });
        }
        Ok(out)
    }

    /// Removes a certificate. If the store holds its secret key, that is
    /// removed too when `with_secret` is true, and the call fails with
    /// [`KeyError::HasSecret`] otherwise.
    pub fn remove(&self, fingerprint: &Fingerprint, with_secret: bool) -> Result<(), KeyError> {
        let public = self.path(CERTS, fingerprint, EXT);
        let secret = self.path(SECRET, fingerprint, EXT);
        if !public.exists() && !secret.exists() {
            return Err(KeyError::NotFound {
                query: fingerprint.to_hex(),
            });
        }
        if secret.exists() {
            if !with_secret {
                return Err(KeyError::HasSecret {
                    fingerprint: fingerprint.clone(),
                });
            }
            remove_if_exists(&secret)?;
            remove_if_exists(&self.path(REVOCATIONS, fingerprint, "rev"))?;
        }
        remove_if_exists(&public)
    }

    /// The certificate to encrypt to for `email`: among stored certificates
    /// with a valid, non-revoked user ID whose address matches (see
    /// [`normalize_address`] for how), those that are valid, alive, not
    /// revoked and have an encryption-capable subkey under the standard
    /// policy; the most recently created if several match.
    pub fn lookup(&self, email: &str) -> Result<Option<Cert>, KeyError> {
        let want = normalize_address(email).ok_or(KeyError::BadAddress)?;
        let mut best: Option<Cert> = None;
        for (_, cert) in self.all_certs()? {
            if self.check_usable(&cert).is_err() || !self.has_valid_address(&cert, &want) {
                continue;
            }
            let newer = best.as_ref().is_none_or(|b| {
                cert.primary_key().key().creation_time() > b.primary_key().key().creation_time()
            });
            if newer {
                best = Some(cert);
            }
        }
        Ok(best)
    }

    /// The public certificate with this fingerprint.
    pub fn cert(&self, fingerprint: &Fingerprint) -> Result<Cert, KeyError> {
        let path = self.path(CERTS, fingerprint, EXT);
        read_cert(&path)?.ok_or_else(|| KeyError::NotFound {
            query: fingerprint.to_hex(),
        })
    }

    /// The transferable secret key with this fingerprint (for signing and
    /// decrypting).
    pub fn secret(&self, fingerprint: &Fingerprint) -> Result<Cert, KeyError> {
        let path = self.path(SECRET, fingerprint, EXT);
        read_cert(&path)?.ok_or_else(|| KeyError::NoSecretKey {
            fingerprint: fingerprint.clone(),
        })
    }

    /// The user's own secret key for `email`: like [`KeyStore::lookup`], but
    /// only among certificates whose secret key the store holds.
    pub fn secret_for(&self, email: &str) -> Result<Option<Cert>, KeyError> {
        let want = normalize_address(email).ok_or(KeyError::BadAddress)?;
        let mut best: Option<Cert> = None;
        for (fingerprint, cert) in self.all_certs()? {
            if !self.path(SECRET, &fingerprint, EXT).exists()
                || self.check_usable(&cert).is_err()
                || !self.has_valid_address(&cert, &want)
            {
                continue;
            }
            let newer = best.as_ref().is_none_or(|b| {
                cert.primary_key().key().creation_time() > b.primary_key().key().creation_time()
            });
            if newer {
                best = Some(self.secret(&fingerprint)?);
            }
        }
        Ok(best)
    }

    /// Checks that `cert` can be encrypted to now under the standard policy.
    pub fn check_usable(&self, cert: &Cert) -> Result<(), KeyError> {
        super::check_usable(cert, &self.policy)
    }

    fn has_valid_address(&self, cert: &Cert, want: &str) -> bool {
        let Ok(vc) = cert.with_policy(&self.policy, None) else {
            return false;
        };
        vc.userids().any(|ua| {
            !matches!(ua.revocation_status(), RevocationStatus::Revoked(_))
                && user_id_address(ua.userid()).as_deref() == Some(want)
        })
    }

    /// Certificates matching a fingerprint or an address (any validity).
    fn find(&self, query: &str) -> Result<Vec<Cert>, KeyError> {
        let not_found = || KeyError::NotFound {
            query: query.to_string(),
        };
        if let Some(fingerprint) = parse_fingerprint(query) {
            return self.cert(&fingerprint).map(|c| vec![c]);
        }
        let want = normalize_address(query).ok_or_else(not_found)?;
        let found: Vec<Cert> = self
            .all_certs()?
            .into_iter()
            .map(|(_, c)| c)
            .filter(|c| {
                c.userids()
                    .any(|u| user_id_address(u.userid()).as_deref() == Some(want.as_str()))
            })
            .collect();
        if found.is_empty() {
            return Err(not_found());
        }
        Ok(found)
    }

    /// The stored certificate including secret material if the store has it.
    fn load_full(&self, fingerprint: &Fingerprint) -> Result<Option<Cert>, KeyError> {
        if let Some(tsk) = read_cert(&self.path(SECRET, fingerprint, EXT))? {
            // The public file may carry newer public updates than the secret
            // file only if a write was interrupted between the two; merge.
            return match read_cert(&self.path(CERTS, fingerprint, EXT))? {
                Some(public) => tsk
                    .merge_public(public)
                    .map(Some)
                    .map_err(KeyError::openpgp),
                None => Ok(Some(tsk)),
            };
        }
        read_cert(&self.path(CERTS, fingerprint, EXT))
    }

    /// Writes the public part, and the secret part if `cert` has one.
    fn save(&self, cert: &Cert) -> Result<(), KeyError> {
        let fingerprint = cert.fingerprint();
        if cert.is_tsk() {
            let tsk = cert.as_tsk().to_vec().map_err(KeyError::openpgp)?;
            write_file(&self.path(SECRET, &fingerprint, EXT), &tsk, Mode::Private)?;
        }
        let public = cert.clone().strip_secret_key_material();
        let bytes = public.to_vec().map_err(KeyError::openpgp)?;
        write_file(&self.path(CERTS, &fingerprint, EXT), &bytes, Mode::Public)
    }

    fn all_certs(&self) -> Result<Vec<(Fingerprint, Cert)>, KeyError> {
        let dir = self.dir.join(CERTS);
        let entries = fs::read_dir(&dir).map_err(|e| KeyError::io(&dir, e))?;
        let mut out = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| KeyError::io(&dir, e))?.path();
            if path.extension().and_then(|e| e.to_str()) != Some(EXT) {
                continue;
            }
            let Some(cert) = read_cert(&path)? else {
                continue;
            };
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if stem != cert.fingerprint().to_hex() {
                return Err(KeyError::Corrupt { path });
            }
            out.push((cert.fingerprint(), cert));
        }
        out.sort_by_key(|(fpr, _)| fpr.to_hex());
        Ok(out)
    }

    fn path(&self, sub: &str, fingerprint: &Fingerprint, ext: &str) -> PathBuf {
        self.dir
            .join(sub)
            .join(format!("{}.{ext}", fingerprint.to_hex()))
    }
}

/// A new v4 key for `uid`, not stored, with its revocation certificate:
/// Ed25519 primary for certification, an Ed25519 signing subkey and a
/// Cv25519 encryption subkey; only the SEIPDv1 feature (GnuPG 2.2, sq 0.27
/// and RNP cannot read SEIPDv2); no expiry. [`KeyStore::generate`] stores one.
pub fn new_key(uid: UserID) -> Result<(Cert, sequoia_openpgp::packet::Signature), KeyError> {
    CertBuilder::new()
        .set_profile(Profile::RFC4880)
        .map_err(KeyError::openpgp)?
        .set_cipher_suite(CipherSuite::Cv25519)
        .set_features(Features::empty().set_seipdv1())
        .map_err(KeyError::openpgp)?
        .set_primary_key_flags(KeyFlags::empty().set_certification())
        .add_userid(uid)
        .add_signing_subkey()
        .add_subkey(
            KeyFlags::empty()
                .set_transport_encryption()
                .set_storage_encryption(),
            None,
            None,
        )
        .generate()
        .map_err(KeyError::openpgp)
}

/// Parses a fingerprint as users type it: hex, optionally with spaces and a
/// `0x` prefix. Key IDs are not accepted (too short to be unambiguous).
pub fn parse_fingerprint(s: &str) -> Option<Fingerprint> {
    let hex: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let hex = hex
        .strip_prefix("0x")
        .or_else(|| hex.strip_prefix("0X"))
        .unwrap_or(&hex);
    if !(hex.len() == 40 || hex.len() == 64) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Fingerprint::from_hex(hex).ok()
}

fn user_id_strings(cert: &Cert) -> Vec<String> {
    cert.userids()
        .map(|u| String::from_utf8_lossy(u.userid().value()).into_owned())
        .collect()
}
