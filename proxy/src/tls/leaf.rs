//! The listeners' certificate: a leaf for `localhost`, `127.0.0.1` and `::1`
//! issued by the local CA, re-issued whenever it is missing, unreadable,
//! expiring within 30 days, or no longer valid under the CA.

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose, PublicKeyData, SanType,
};
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::RootCertStore;
use time::{Duration, OffsetDateTime};

use super::ca::{serial, LocalCa};
use super::{io_error, provider, TlsError};
use crate::config::{write_private, write_public};

const CERT_FILE: &str = "localhost.pem";
const KEY_FILE: &str = "localhost.key";
/// Apple and browsers refuse server certificates valid for longer than 398 days.
pub(super) const LEAF_VALIDITY_DAYS: i64 = 397;
/// Renew this long before expiry.
pub(super) const RENEW_BEFORE_DAYS: i64 = 30;

/// A certificate chain and its key, ready for rustls.
pub(super) struct Leaf {
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

/// The names the listeners answer to.
pub(super) fn local_names() -> Vec<SanType> {
    vec![
        // "localhost" is a valid IA5String by construction.
        SanType::DnsName("localhost".try_into().expect("valid DNS name")),
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]
}

/// Returns the stored leaf if it is still good at `now`, else issues,
/// stores and returns a new one.
pub(super) fn ensure_leaf(ca: &LocalCa, dir: &Path, now: OffsetDateTime) -> Result<Leaf, TlsError> {
    if let Some(leaf) = stored_leaf(ca, dir, now) {
        return Ok(leaf);
    }
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let cert = issue(ca, &key, local_names(), now)?;
    // Key first: a crash in between leaves a pair that does not match,
    // which the next start detects and replaces.
    let key_path = dir.join(KEY_FILE);
    write_private(&key_path, key.serialize_pem().as_bytes()).map_err(io_error(&key_path))?;
    let cert_path = dir.join(CERT_FILE);
    write_public(&cert_path, cert.pem().as_bytes()).map_err(io_error(&cert_path))?;
    Ok(Leaf {
        cert: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    })
}

/// Issues a server certificate for `names`, signed by `ca`.
pub(super) fn issue(
    ca: &LocalCa,
    key: &KeyPair,
    names: Vec<SanType>,
    now: OffsetDateTime,
) -> Result<rcgen::Certificate, TlsError> {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "Sealpost local proxy");
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.subject_alt_names = names;
    params.serial_number = Some(serial());
    params.not_before = now - Duration::hours(1);
    params.not_after = params.not_before + Duration::days(LEAF_VALIDITY_DAYS);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    Ok(params.signed_by(key, &ca.issuer()?)?)
}

/// The stored leaf, if it parses, matches its key, is valid under `ca` for
/// every local name at `now`, and does not expire within 30 days.
fn stored_leaf(ca: &LocalCa, dir: &Path, now: OffsetDateTime) -> Option<Leaf> {
    let cert_pem = fs::read(dir.join(CERT_FILE)).ok()?;
    let key_pem = fs::read_to_string(dir.join(KEY_FILE)).ok()?;
    let cert = CertificateDer::from_pem_slice(&cert_pem).ok()?;
    let key = KeyPair::from_pem(&key_pem).ok()?;
    let (_, parsed) = x509_parser::parse_x509_certificate(&cert).ok()?;
    if parsed.public_key().raw != key.subject_public_key_info().as_slice() {
        return None;
    }
    if parsed.validity().not_after.to_datetime() - now < Duration::days(RENEW_BEFORE_DAYS) {
        return None;
    }
    verify_local(ca, &cert, now).ok()?;
    Some(Leaf {
        cert,
        key: PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    })
}

/// Verifies `cert` as a server certificate for every local name, with the
/// CA as the only root (webpki: chain, validity, EKU, name constraints).
pub(super) fn verify_local(
    ca: &LocalCa,
    cert: &CertificateDer<'_>,
    now: OffsetDateTime,
) -> Result<(), rustls::Error> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.cert_der().clone())?;
    let verifier = WebPkiServerVerifier::builder_with_provider(roots.into(), provider())
        .build()
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(now.unix_timestamp()).unwrap_or(0),
    ));
    for name in ["localhost", "127.0.0.1", "::1"] {
        // These literals are valid server names by construction.
        let name = ServerName::try_from(name).expect("valid server name");
        verifier.verify_server_cert(cert, &[], &name, &[], now)?;
    }
    Ok(())
}
