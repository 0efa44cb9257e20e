//! What each request does, against the same key store, policy and audit log
//! as `sealpost run`. Logs carry request types, counts, codes and timings;
//! never addresses (not even local parts), subjects, text or file names.

use std::path::PathBuf;
use std::time::Instant;

use sequoia_openpgp::cert::CertParser;
use sequoia_openpgp::packet::UserID;
use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::Cert;
use serde_json::{json, Value};
use tracing::{info, warn};

use super::audit_record::record;
use super::compose::{compose, Mailbox};
use super::decrypted::open;
use super::reply::{self, ErrorCode, ReplyError};
use super::request::{AuditRequest, EncryptRequest, Request};
use crate::audit::{Audit, AuditKey};
use crate::config::{LoadedConfig, PolicySource, ResolvedPolicy};
use crate::keys::{signing_key, user_id_address, KeyError, KeyStore};
use crate::pgp::{decrypt_armored, encrypt_armored, DecryptError, EncryptError};

/// The per-process state: opened once when the host starts.
pub struct Handler {
    keys: KeyStore,
    policy: ResolvedPolicy,
    placeholder: String,
    audit_log: PathBuf,
    audit_key: PathBuf,
    /// Why the audit key could not be loaded at start-up, if it could not.
    audit_problem: Option<String>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler")
            .field("keys", &self.keys.dir())
            .field("audit_log", &self.audit_log)
            .finish_non_exhaustive()
    }
}

impl Handler {
    /// Opens the key store (`<data>/keys`) and the audit key as the daemon
    /// does. An unusable audit key does not stop the host (status, lookups
    /// and encryption still work); `audit` requests then fail.
    pub fn open(loaded: &LoadedConfig) -> Result<Handler, KeyError> {
        let paths = &loaded.paths;
        let keys = KeyStore::open(crate::daemon::keys_dir(&paths.data_dir))?;
        let audit_problem = AuditKey::load_or_create(&paths.audit_key())
            .err()
            .map(|e| e.to_string());
        if let Some(p) = &audit_problem {
            warn!("{p}");
        }
        Ok(Handler {
            keys,
            policy: loaded.policy.clone(),
            placeholder: loaded.proxy.smtp.placeholder_subject.clone(),
            audit_log: paths.audit_log(),
            audit_key: paths.audit_key(),
            audit_problem,
        })
    }

    /// Answers one request with the JSON text of its reply.
    pub fn handle(&self, id: &Value, request: Request) -> String {
        let started = Instant::now();
        let kind = match &request {
            Request::Status => "status",
            Request::Recipients(_) => "recipients",
            Request::Encrypt(_) => "encrypt",
            Request::Decrypt(_) => "decrypt",
            Request::Audit(_) => "audit",
        };
        let result = match request {
            Request::Status => self.status(),
            Request::Recipients(r) => self.recipients(&r.addresses),
            Request::Encrypt(r) => self.encrypt(&r),
            Request::Decrypt(r) => self.decrypt(r.armored.as_bytes()),
            Request::Audit(r) => self.audit(&r),
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(body) => {
                info!(request = kind, elapsed_ms, "ok");
                reply::ok(id, kind, body)
            }
            Err(e) => {
                info!(
                    request = kind,
                    elapsed_ms,
                    error = e.code.as_str(),
                    "refused"
                );
                reply::error(id, &e)
            }
        }
    }

    fn status(&self) -> Result<Value, ReplyError> {
        let list = self.keys.list().map_err(key_store)?;
        let own: Vec<Value> = list
            .iter()
            .filter(|c| c.has_secret && c.can_encrypt)
            .flat_map(|c| {
                c.user_ids.iter().filter_map(move |u| {
                    let address = user_id_address(&UserID::from(u.as_str()))?;
                    Some(json!({"address": address, "fingerprint": c.fingerprint.to_hex()}))
                })
            })
            .collect();
        let recipients = list.iter().filter(|c| !c.has_secret).count();
        let (source, managed_path) = match &self.policy.source {
            PolicySource::User => ("user", None),
            PolicySource::Managed(p) => ("managed", Some(p)),
            PolicySource::StrictestFallback(p) => ("strictest_fallback", Some(p)),
        };
        Ok(json!({
            "version": env!("CARGO_PKG_VERSION"),
            "has_secret_key": !own.is_empty(),
            "own_keys": own,
            "recipient_certificates": recipients,
            "policy": {
                "digest": policy_digest(&self.policy),
                "source": source,
                "managed_path": managed_path.map(|p| p.display().to_string()),
                "warning": self.policy.warning.as_ref().map(|w| w.to_string()),
            },
            "placeholder_subject": self.placeholder,
            "audit_available": self.audit_problem.is_none(),
        }))
    }

    fn recipients(&self, addresses: &[String]) -> Result<Value, ReplyError> {
        let mut results = Vec::with_capacity(addresses.len());
        for a in addresses {
            let (status, fingerprint) = match Mailbox::parse(a) {
                Err(_) => ("invalid_address", None),
                Ok(m) => self.key_status(&m.address)?,
            };
            results.push(json!({"address": a, "status": status, "fingerprint": fingerprint}));
        }
        Ok(json!({ "results": results }))
    }

    /// `found` (with its fingerprint), or why not: `revoked`, `expired`,
    /// `unusable` (invalid, no encryption subkey) or `none`.
    fn key_status(&self, address: &str) -> Result<(&'static str, Option<String>), ReplyError> {
        if let Some(cert) = self.keys.lookup(address).map_err(key_store)? {
            return Ok(("found", Some(cert.fingerprint().to_hex())));
        }
        // Every stored certificate for the address, whatever its state.
        let bytes = match self.keys.export(address, false) {
            Ok(b) => b,
            Err(KeyError::NotFound { .. }) => return Ok(("none", None)),
            Err(e) => return Err(key_store(e)),
        };
        let certs: Vec<Cert> = CertParser::from_bytes(&bytes)
            .map(|p| p.flatten().collect())
            .unwrap_or_default();
        let mut status = "none";
        for cert in &certs {
            let s = match self.keys.check_usable(cert) {
                Ok(()) => "found",
                Err(KeyError::Revoked { .. }) => "revoked",
                Err(KeyError::Expired { .. }) => "expired",
                Err(_) => "unusable",
            };
            let rank = |s: &str| {
                ["none", "unusable", "expired", "revoked"]
                    .iter()
                    .position(|x| *x == s)
            };
            if rank(s) > rank(status) {
                status = s;
            }
        }
        Ok((status, None))
    }

    fn encrypt(&self, req: &EncryptRequest) -> Result<Value, ReplyError> {
        let placeholder = req.placeholder.as_deref().unwrap_or(&self.placeholder);
        if placeholder.trim().is_empty()
            || placeholder.len() > 200
            || placeholder.chars().any(char::is_control)
        {
            return Err(ReplyError::new(
                ErrorCode::BadPlaceholder,
                "the placeholder subject must be one non-empty line of at most 200 bytes",
            ));
        }
        let composed = compose(req)?;
        let mut certs: Vec<Cert> = Vec::new();
        let mut missing: Vec<&str> = Vec::new();
        for r in &composed.recipients {
            match self.keys.lookup(&r.address).map_err(key_store)? {
                Some(cert) => {
                    if !certs.iter().any(|c| c.fingerprint() == cert.fingerprint()) {
                        certs.push(cert);
                    }
                }
                None => {
                    if !missing.contains(&r.address.as_str()) {
                        missing.push(&r.address);
                    }
                }
            }
        }
        if !missing.is_empty() {
            return Err(ReplyError::new(
                ErrorCode::MissingKeys,
                format!(
                    "{} of {} recipients have no usable key; nothing was encrypted. \
                     Import their keys with `sealpost keys import`",
                    missing.len(),
                    composed.recipients.len()
                ),
            )
            .with("addresses", &missing));
        }
        let sender = self
            .keys
            .lookup(&composed.from.address)
            .map_err(key_store)?;
        let signer = signing_key(
            &self.keys,
            &composed.from.address,
            self.policy.policy.config().encryption.sign,
        );
        let armored = encrypt_armored(
            &composed.raw,
            &certs,
            sender.as_ref(),
            signer.as_ref(),
            placeholder,
        )
        .map_err(|e| match e {
            EncryptError::BadPlaceholder => {
                ReplyError::new(ErrorCode::BadPlaceholder, e.to_string())
            }
            e => ReplyError::new(ErrorCode::EncryptFailed, format!("encryption failed: {e}")),
        })?;
        info!(
            recipients = certs.len(),
            bytes = composed.raw.len(),
            armored_bytes = armored.len(),
            to_sender = sender.is_some(),
            signed = signer.is_some(),
            "encrypted"
        );
        Ok(json!({
            "armored": String::from_utf8_lossy(&armored),
            "placeholder_subject": placeholder,
            "message_id": composed.message_id,
            "recipients": certs.len(),
            "encrypted_to_sender": sender.is_some(),
            "signed": signer.is_some(),
        }))
    }

    fn decrypt(&self, armored: &[u8]) -> Result<Value, ReplyError> {
        let list = self.keys.list().map_err(key_store)?;
        let mut secret = Vec::new();
        let mut verifiers = Vec::new();
        for c in &list {
            if c.has_secret {
                secret.push(self.keys.secret(&c.fingerprint).map_err(key_store)?);
            }
            verifiers.push(self.keys.cert(&c.fingerprint).map_err(key_store)?);
        }
        let not_for_me = || {
            ReplyError::new(
                ErrorCode::NotForMe,
                "the message is not encrypted to any of your keys",
            )
        };
        if secret.is_empty() {
            return Err(not_for_me());
        }
        let d = decrypt_armored(armored, &secret, &verifiers).map_err(|e| match e {
            DecryptError::NoMatchingKey => not_for_me(),
            e => ReplyError::new(ErrorCode::Malformed, format!("cannot decrypt: {e}")),
        })?;
        let opened = open(&d).ok_or_else(|| {
            ReplyError::new(
                ErrorCode::Malformed,
                "the decrypted message could not be parsed",
            )
        })?;
        info!(attachments = opened.attachments.len(), "decrypted");
        Ok(serde_json::to_value(opened).unwrap_or(Value::Null))
    }

    fn audit(&self, req: &AuditRequest) -> Result<Value, ReplyError> {
        let record = record(self.policy.policy.config(), req)?;
        let failed = |e: crate::audit::AuditError| {
            warn!(error = %e, "audit log");
            ReplyError::new(
                ErrorCode::AuditFailed,
                format!("the audit log cannot be written: {e}"),
            )
        };
        // Opened for each record, so the chain continues from whatever was
        // appended since (another host process, or the proxy).
        let key = AuditKey::load_or_create(&self.audit_key).map_err(failed)?;
        let log = Audit::open(&self.audit_log, key).map_err(failed)?;
        log.append(&record).map_err(failed)?;
        Ok(json!({ "recorded": true }))
    }
}

/// SHA-256 (hex) of the effective policy's canonical JSON: the
/// `PolicyConfig` serialized compactly by serde_json, members in schema
/// order.
pub fn policy_digest(policy: &ResolvedPolicy) -> String {
    let json = serde_json::to_vec(policy.policy.config()).unwrap_or_default();
    crate::tls::hex(ring::digest::digest(&ring::digest::SHA256, &json).as_ref())
}

fn key_store(e: KeyError) -> ReplyError {
    warn!(error = %e, "key store");
    ReplyError::new(
        ErrorCode::KeyStore,
        format!("the key store cannot be read: {e}"),
    )
}
