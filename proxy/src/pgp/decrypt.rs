//! Decrypting RFC 3156 PGP/MIME messages (for tests today, the IMAP side
//! later).

use std::io::Read;

use mail_parser::{MessageParser, MimeHeaders};
use sequoia_openpgp::crypto::SessionKey;
use sequoia_openpgp::packet::{PKESK, SKESK};
use sequoia_openpgp::parse::stream::{
    DecryptionHelper, DecryptorBuilder, MessageLayer, MessageStructure, VerificationHelper,
};
use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::policy::StandardPolicy;
use sequoia_openpgp::types::SymmetricAlgorithm;
use sequoia_openpgp::{Cert, Fingerprint, KeyHandle};

use super::error::DecryptError;
use crate::keys::encryption_flags;

/// A decrypted PGP/MIME message.
#[derive(Debug)]
pub struct Decrypted {
    /// The decrypted MIME entity (the cryptographic payload), CRLF.
    pub inner: Vec<u8>,
    /// The Subject of the inner entity, decoded, if it has one.
    pub protected_subject: Option<String>,
    /// Whether the inner entity declares header protection
    /// (`hp="cipher"` or `protected-headers="v1"` on its Content-Type).
    pub header_protection: bool,
    /// Certificates (among those given for verification) that made a good
    /// signature over the payload.
    pub signed_by: Vec<Fingerprint>,
    /// Whether the encryption container was SEIPDv2 (AEAD).
    pub seipd_v2: bool,
    /// The symmetric algorithm of the encryption container.
    pub symmetric_algo: SymmetricAlgorithm,
}

/// Decrypts the multipart/encrypted message `raw` with the secret keys in
/// `secret` (transferable secret keys with unencrypted secret material),
/// checking signatures against `verifiers`. An unverifiable or bad signature
/// does not fail decryption; it is simply not listed in
/// [`Decrypted::signed_by`].
pub fn decrypt_message(
    raw: &[u8],
    secret: &[Cert],
    verifiers: &[Cert],
) -> Result<Decrypted, DecryptError> {
    let armored = encrypted_part(raw)?;
    decrypt_armored(&armored, secret, verifiers)
}

/// Decrypts an OpenPGP message (ASCII-armored or binary) on its own, not
/// wrapped in PGP/MIME: what [`decrypt_message`] does with part 2 of a
/// multipart/encrypted message.
pub fn decrypt_armored(
    armored: &[u8],
    secret: &[Cert],
    verifiers: &[Cert],
) -> Result<Decrypted, DecryptError> {
    let policy = StandardPolicy::new();
    let helper = Helper {
        secret,
        verifiers,
        policy: &policy,
        signed_by: Vec::new(),
        encryption: None,
    };
    let mut decryptor = DecryptorBuilder::from_bytes(armored)
        .map_err(|e| DecryptError::OpenPgp(e.to_string()))?
        .with_policy(&policy, None, helper)
        .map_err(|e| {
            if e.downcast_ref::<NoKey>().is_some() {
                DecryptError::NoMatchingKey
            } else {
                DecryptError::OpenPgp(e.to_string())
            }
        })?;
    let mut inner = Vec::new();
    decryptor
        .read_to_end(&mut inner)
        .map_err(|e| DecryptError::OpenPgp(e.to_string()))?;
    let helper = decryptor.into_helper();
    let (symmetric_algo, seipd_v2) = helper.encryption.ok_or(DecryptError::NotPgpMime(
        "the OpenPGP message is not encrypted",
    ))?;

    let parsed = MessageParser::default().parse_headers(&inner[..]);
    let protected_subject = parsed
        .as_ref()
        .and_then(|m| m.subject())
        .map(str::to_string);
    let header_protection = parsed
        .as_ref()
        .and_then(|m| m.root_part().content_type().cloned())
        .is_some_and(|ct| {
            ct.attribute("hp").is_some() || ct.attribute("protected-headers").is_some()
        });
    Ok(Decrypted {
        inner,
        protected_subject,
        header_protection,
        signed_by: helper.signed_by,
        seipd_v2,
        symmetric_algo,
    })
}

/// The armored data of part 2 of a multipart/encrypted message.
fn encrypted_part(raw: &[u8]) -> Result<Vec<u8>, DecryptError> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(DecryptError::NotPgpMime("the message could not be parsed"))?;
    let root = msg.root_part();
    let ct = root
        .content_type()
        .ok_or(DecryptError::NotPgpMime("no Content-Type"))?;
    let is_encrypted = ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("encrypted"))
        && ct
            .attribute("protocol")
            .is_some_and(|p| p.eq_ignore_ascii_case("application/pgp-encrypted"));
    if !is_encrypted {
        return Err(DecryptError::NotPgpMime(
            "not multipart/encrypted with protocol application/pgp-encrypted",
        ));
    }
    let parts = root.sub_parts().ok_or(DecryptError::NotPgpMime(
        "multipart/encrypted without parts",
    ))?;
    let data = parts
        .get(1)
        .and_then(|&id| msg.part(id))
        .ok_or(DecryptError::NotPgpMime(
            "multipart/encrypted without part 2",
        ))?;
    Ok(data.contents().to_vec())
}

/// Marker error: no secret key could decrypt a session key.
#[derive(Debug, thiserror::Error)]
#[error("no matching secret key")]
struct NoKey;

struct Helper<'a> {
    secret: &'a [Cert],
    verifiers: &'a [Cert],
    policy: &'a StandardPolicy<'a>,
    signed_by: Vec<Fingerprint>,
    encryption: Option<(SymmetricAlgorithm, bool)>,
}

impl VerificationHelper for Helper<'_> {
    fn get_certs(&mut self, _ids: &[KeyHandle]) -> sequoia_openpgp::Result<Vec<Cert>> {
        Ok(self.verifiers.to_vec())
    }

    fn check(&mut self, structure: MessageStructure) -> sequoia_openpgp::Result<()> {
        for layer in structure {
            match layer {
                MessageLayer::Encryption {
                    sym_algo,
                    aead_algo,
                } => self.encryption = Some((sym_algo, aead_algo.is_some())),
                MessageLayer::SignatureGroup { results } => {
                    for good in results.into_iter().flatten() {
                        let fpr = good.ka.cert().fingerprint();
                        if !self.signed_by.contains(&fpr) {
                            self.signed_by.push(fpr);
                        }
                    }
                }
                MessageLayer::Compression { .. } => {}
            }
        }
        Ok(())
    }
}

impl DecryptionHelper for Helper<'_> {
    fn decrypt(
        &mut self,
        pkesks: &[PKESK],
        _skesks: &[SKESK],
        sym_algo: Option<SymmetricAlgorithm>,
        decrypt: &mut dyn FnMut(Option<SymmetricAlgorithm>, &SessionKey) -> bool,
    ) -> sequoia_openpgp::Result<Option<Cert>> {
        for cert in self.secret {
            // Old (expired) encryption subkeys still decrypt old mail, so
            // no liveness check here.
            for ka in cert
                .keys()
                .with_policy(self.policy, None)
                .supported()
                .unencrypted_secret()
                .key_flags(encryption_flags())
            {
                let Ok(mut pair) = ka.key().clone().into_keypair() else {
                    continue;
                };
                for pkesk in pkesks {
                    let for_us = pkesk
                        .recipient()
                        .is_none_or(|r| r.aliases(ka.key().key_handle()));
                    if !for_us {
                        continue;
                    }
                    if let Some((algo, sk)) = pkesk.decrypt(&mut pair, sym_algo) {
                        if decrypt(algo, &sk) {
                            return Ok(Some(cert.clone()));
                        }
                    }
                }
            }
        }
        Err(NoKey.into())
    }
}
