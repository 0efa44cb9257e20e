//! The per-install CA: created on first use, name-constrained to this machine.

use std::fs;
use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints, PublicKeyData, SerialNumber,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::GeneralName;

use super::{hex, io_error, random, TlsError};
use crate::config::{ensure_private_dir, write_private, write_public};

const CERT_FILE: &str = "ca.pem";
const KEY_FILE: &str = "ca.key";
/// About ten years.
const CA_VALIDITY_DAYS: i64 = 3652;

/// The local CA: its certificate and private key.
pub struct LocalCa {
    dir: PathBuf,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    key: KeyPair,
}

/// What `sealpost ca show` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaInfo {
    /// The subject, e.g. `CN=Sealpost local CA (1a2b3c4d), O=Sealpost`.
    pub subject: String,
    /// SHA-256 of the DER certificate, upper-case hex with colons.
    pub sha256_fingerprint: String,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
    /// Whether the name-constraints extension is marked critical.
    pub name_constraints_critical: bool,
    /// Permitted subtrees, e.g. `DNS:localhost`, `IP:127.0.0.0/8`.
    pub permitted: Vec<String>,
    /// Excluded subtrees.
    pub excluded: Vec<String>,
}

impl LocalCa {
    /// Loads the CA from `dir`, creating it (and `dir`, mode 0700) if there
    /// is no key yet. A key without a certificate gets a new certificate.
    pub fn load_or_create(dir: &Path) -> Result<LocalCa, TlsError> {
        if let Some(ca) = LocalCa::load(dir)? {
            return Ok(ca);
        }
        ensure_private_dir(dir).map_err(io_error(dir))?;
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let key_path = dir.join(KEY_FILE);
        write_private(&key_path, key.serialize_pem().as_bytes()).map_err(io_error(&key_path))?;
        LocalCa::certify(dir, key)
    }

    /// Loads the CA from `dir`; `None` if it has not been created yet.
    pub fn load(dir: &Path) -> Result<Option<LocalCa>, TlsError> {
        let key_path = dir.join(KEY_FILE);
        let key_pem = match fs::read_to_string(&key_path) {
            Ok(pem) => pem,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&key_path)(e)),
        };
        let key = KeyPair::from_pem(&key_pem).map_err(|e| TlsError::Invalid {
            path: key_path.clone(),
            message: format!("not a private key: {e}"),
        })?;
        let cert_path = dir.join(CERT_FILE);
        let cert_pem = match fs::read_to_string(&cert_path) {
            Ok(pem) => pem,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return LocalCa::certify(dir, key).map(Some)
            }
            Err(e) => return Err(io_error(&cert_path)(e)),
        };
        let cert_der =
            CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| TlsError::Invalid {
                path: cert_path.clone(),
                message: format!("not a PEM certificate: {e}"),
            })?;
        let (_, parsed) =
            x509_parser::parse_x509_certificate(&cert_der).map_err(|e| TlsError::Invalid {
                path: cert_path.clone(),
                message: format!("not an X.509 certificate: {e}"),
            })?;
        if parsed.public_key().raw != key.subject_public_key_info().as_slice() {
            return Err(TlsError::Invalid {
                path: cert_path,
                message: format!(
                    "this certificate does not belong to the key in {KEY_FILE}; restore the \
                     matching pair, or remove both files to create a new CA (which IT must \
                     then deploy again)"
                ),
            });
        }
        Ok(Some(LocalCa {
            dir: dir.to_path_buf(),
            cert_der,
            cert_pem,
            key,
        }))
    }

    /// Issues and stores the self-signed CA certificate for `key`.
    fn certify(dir: &Path, key: KeyPair) -> Result<LocalCa, TlsError> {
        let params = ca_params(&key, OffsetDateTime::now_utc());
        let cert = params.self_signed(&key)?;
        let cert_path = dir.join(CERT_FILE);
        let cert_pem = cert.pem();
        write_public(&cert_path, cert_pem.as_bytes()).map_err(io_error(&cert_path))?;
        Ok(LocalCa {
            dir: dir.to_path_buf(),
            cert_der: cert.der().clone(),
            cert_pem,
            key,
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// Where the certificate is stored.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join(CERT_FILE)
    }

    /// The issuer for leaves signed by this CA.
    pub(super) fn issuer(&self) -> Result<Issuer<'static, &KeyPair>, TlsError> {
        Ok(Issuer::from_ca_cert_der(&self.cert_der, &self.key)?)
    }

    /// Subject, fingerprint, validity and name constraints.
    pub fn info(&self) -> Result<CaInfo, TlsError> {
        let invalid = |message: String| TlsError::Invalid {
            path: self.cert_path(),
            message,
        };
        let (_, cert) = x509_parser::parse_x509_certificate(&self.cert_der)
            .map_err(|e| invalid(e.to_string()))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.cert_der);
        let sha256_fingerprint = digest
            .as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        let nc = cert
            .name_constraints()
            .map_err(|e| invalid(e.to_string()))?;
        let subtrees = |list: Option<&Vec<x509_parser::extensions::GeneralSubtree>>| {
            list.map(|l| l.iter().map(|s| general_name(&s.base)).collect())
                .unwrap_or_default()
        };
        Ok(CaInfo {
            subject: cert.subject().to_string(),
            sha256_fingerprint,
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            name_constraints_critical: nc.as_ref().is_some_and(|e| e.critical),
            permitted: subtrees(
                nc.as_ref()
                    .and_then(|e| e.value.permitted_subtrees.as_ref()),
            ),
            excluded: subtrees(nc.as_ref().and_then(|e| e.value.excluded_subtrees.as_ref())),
        })
    }
}

/// The CA's certificate parameters. The subject's id is derived from the
/// public key, so re-certifying the same key gives the same name.
pub(super) fn ca_params(key: &impl PublicKeyData, now: OffsetDateTime) -> CertificateParams {
    let id = ring::digest::digest(&ring::digest::SHA256, &key.subject_public_key_info());
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        format!("Sealpost local CA ({})", hex(&id.as_ref()[..4])),
    );
    dn.push(DnType::OrganizationName, "Sealpost");
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.serial_number = Some(serial());
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(CA_VALIDITY_DAYS);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    // Defence in depth: verifiers that honour EKU in CA certificates (Windows,
    // macOS, OpenSSL with a purpose) will not accept it for S/MIME or code.
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.name_constraints = Some(local_name_constraints());
    params
}

/// localhost, 127.0.0.0/8 and ::1/128. rcgen writes the extension with
/// `critical = TRUE` (tested by parsing the certificate).
pub(super) fn local_name_constraints() -> NameConstraints {
    NameConstraints {
        permitted_subtrees: vec![
            GeneralSubtree::DnsName("localhost".into()),
            GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix([127, 0, 0, 0], 8)),
            GeneralSubtree::IpAddress(CidrSubnet::from_v6_prefix(
                Ipv6Addr::LOCALHOST.octets(),
                128,
            )),
        ],
        excluded_subtrees: vec![],
    }
}

/// A random positive 127-bit serial number.
pub(super) fn serial() -> SerialNumber {
    let mut bytes: [u8; 16] = random();
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(d) => format!("DNS:{d}"),
        GeneralName::IPAddress(b) if b.len() == 8 => {
            let addr = std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]);
            let prefix: u32 = b[4..].iter().map(|m| m.count_ones()).sum();
            format!("IP:{addr}/{prefix}")
        }
        GeneralName::IPAddress(b) if b.len() == 32 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[..16]);
            let prefix: u32 = b[16..].iter().map(|m| m.count_ones()).sum();
            format!("IP:{}/{prefix}", Ipv6Addr::from(a))
        }
        other => format!("{other:?}"),
    }
}
