use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use rcgen::{CertificateParams, Issuer, KeyPair, SanType};
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConnection, RootCertStore, ServerConnection};
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::ParsedExtension;
use x509_parser::oid_registry::{
    OID_X509_EXT_BASIC_CONSTRAINTS, OID_X509_EXT_KEY_USAGE, OID_X509_EXT_NAME_CONSTRAINTS,
};

use super::ca::{ca_params, LocalCa};
use super::client::extra_certs;
use super::leaf::{ensure_leaf, issue, verify_local};
use super::server::server_config_at;
use super::*;

fn verify_as(
    root: &CertificateDer<'static>,
    leaf: &CertificateDer<'_>,
    name: &str,
) -> Result<(), rustls::Error> {
    let mut roots = RootCertStore::empty();
    roots.add(root.clone()).unwrap();
    let verifier = WebPkiServerVerifier::builder_with_provider(roots.into(), provider())
        .build()
        .unwrap();
    let name = ServerName::try_from(name.to_string()).unwrap();
    verifier
        .verify_server_cert(leaf, &[], &name, &[], UnixTime::now())
        .map(|_| ())
}

fn san(name: &str) -> SanType {
    match name.parse() {
        Ok(ip) => SanType::IpAddress(ip),
        Err(_) => SanType::DnsName(name.try_into().unwrap()),
    }
}

#[test]
fn ca_name_constraints_are_critical_and_local_only() {
    let dir = tempfile::tempdir().unwrap();
    let ca = LocalCa::load_or_create(dir.path()).unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(ca.cert_der()).unwrap();

    let nc = cert
        .extensions()
        .iter()
        .find(|e| e.oid == OID_X509_EXT_NAME_CONSTRAINTS)
        .expect("name constraints extension present");
    assert!(nc.critical, "name constraints must be marked critical");
    let ParsedExtension::NameConstraints(nc) = nc.parsed_extension() else {
        panic!("unparsed name constraints");
    };
    assert!(nc.excluded_subtrees.is_none());
    let info = ca.info().unwrap();
    assert!(info.name_constraints_critical);
    assert_eq!(
        info.permitted,
        ["DNS:localhost", "IP:127.0.0.0/8", "IP:::1/128"]
    );
    assert!(info.excluded.is_empty());

    let bc = cert.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && bc.value.ca);
    assert_eq!(bc.value.path_len_constraint, Some(0));
    let ku = cert.key_usage().unwrap().unwrap();
    assert!(ku.value.key_cert_sign() && ku.value.crl_sign());
    assert!(!ku.value.digital_signature());
    assert!(cert
        .extensions()
        .iter()
        .any(|e| e.oid == OID_X509_EXT_BASIC_CONSTRAINTS));
    assert!(cert
        .extensions()
        .iter()
        .any(|e| e.oid == OID_X509_EXT_KEY_USAGE));

    assert!(
        info.subject.starts_with("CN=Sealpost local CA ("),
        "{}",
        info.subject
    );
    let years = (info.not_after - info.not_before).whole_days() as f64 / 365.25;
    assert!((9.9..10.1).contains(&years), "{years}");
    assert_eq!(info.sha256_fingerprint.len(), 32 * 3 - 1);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// The property the name constraints exist for: a certificate for a real
/// site, signed with the CA's own key, is rejected by webpki (rustls).
#[test]
fn webpki_rejects_a_leaf_outside_the_constraints() {
    let dir = tempfile::tempdir().unwrap();
    let ca = LocalCa::load_or_create(dir.path()).unwrap();
    let now = OffsetDateTime::now_utc();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();

    let good = issue(
        &ca,
        &key,
        vec![san("localhost"), san("127.0.0.1"), san("::1")],
        now,
    )
    .unwrap();
    for name in ["localhost", "127.0.0.1", "::1"] {
        verify_as(ca.cert_der(), good.der(), name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    verify_local(&ca, good.der(), now).unwrap();

    for name in ["example.com", "10.0.0.1", "smtp.gmail.com"] {
        let bad = issue(&ca, &key, vec![san(name)], now).unwrap();
        let err = verify_as(ca.cert_der(), bad.der(), name).unwrap_err();
        assert!(
            format!("{err:?}").contains("NameConstraintViolation"),
            "{name}: {err:?}"
        );
    }
    // Also a leaf naming localhost *and* a real site.
    let mixed = issue(&ca, &key, vec![san("localhost"), san("example.com")], now).unwrap();
    assert!(verify_as(ca.cert_der(), mixed.der(), "localhost").is_err());

    // Control: the same leaf from a CA without the constraints is accepted,
    // so the rejection above is the constraints' doing.
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = ca_params(&ca_key, now);
    params.name_constraints = None;
    let plain_ca = params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(params, &ca_key);
    let mut leaf = CertificateParams::new(vec!["example.com".to_string()]).unwrap();
    leaf.not_before = now - Duration::hours(1);
    leaf.not_after = now + Duration::days(30);
    let leaf = leaf.signed_by(&key, &issuer).unwrap();
    verify_as(plain_ca.der(), leaf.der(), "example.com").unwrap();
}

/// A second opinion from OpenSSL, where it is installed.
#[test]
fn openssl_agrees() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("openssl not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ca = LocalCa::load_or_create(dir.path()).unwrap();
    let text = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(ca.cert_path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("X509v3 Name Constraints: critical"), "{text}");
    assert!(text.contains("DNS:localhost"), "{text}");
    assert!(text.contains("IP:127.0.0.0/255.0.0.0"), "{text}");
    assert!(text.contains("CA:TRUE, pathlen:0"), "{text}");

    let now = OffsetDateTime::now_utc();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let verify = |names: &[&str]| {
        let leaf = issue(&ca, &key, names.iter().map(|n| san(n)).collect(), now).unwrap();
        let path = dir.path().join("leaf.pem");
        fs::write(&path, leaf.pem()).unwrap();
        let out = Command::new("openssl")
            .args(["verify", "-purpose", "sslserver", "-CAfile"])
            .arg(ca.cert_path())
            .arg(&path)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, out) = verify(&["localhost", "127.0.0.1", "::1"]);
    assert!(ok, "{out}");
    let (ok, out) = verify(&["example.com"]);
    assert!(!ok && out.contains("subtree violation"), "{out}");
}

#[test]
fn ca_is_created_once_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    assert!(LocalCa::load(dir.path()).unwrap().is_none());
    let a = LocalCa::load_or_create(dir.path()).unwrap();
    let b = LocalCa::load_or_create(dir.path()).unwrap();
    assert_eq!(a.cert_der(), b.cert_der());
    assert_eq!(a.cert_pem(), fs::read_to_string(a.cert_path()).unwrap());

    // A lost certificate is re-issued for the same key, under the same name.
    fs::remove_file(a.cert_path()).unwrap();
    let c = LocalCa::load_or_create(dir.path()).unwrap();
    assert_ne!(a.cert_der(), c.cert_der());
    assert_eq!(a.info().unwrap().subject, c.info().unwrap().subject);

    // A certificate that is not the key's is refused, not silently replaced.
    let other = tempfile::tempdir().unwrap();
    let other = LocalCa::load_or_create(other.path()).unwrap();
    fs::write(dir.path().join("ca.pem"), other.cert_pem()).unwrap();
    let err = LocalCa::load(dir.path()).err().unwrap().to_string();
    assert!(err.contains("does not belong"), "{err}");
}

fn leaf_bytes(dir: &Path) -> Vec<u8> {
    fs::read(dir.join("localhost.pem")).unwrap()
}

#[test]
fn leaf_is_kept_then_renewed() {
    let dir = tempfile::tempdir().unwrap();
    let now = OffsetDateTime::now_utc();
    server_config_at(dir.path(), now).unwrap();
    let first = leaf_bytes(dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("localhost.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (_, cert) = x509_parser::pem::parse_x509_pem(&first).unwrap();
    let cert = cert.parse_x509().unwrap();
    let days = (cert.validity().not_after.to_datetime() - cert.validity().not_before.to_datetime())
        .whole_days();
    assert!(days <= 397, "{days}");
    let eku = cert.extended_key_usage().unwrap().unwrap();
    assert!(eku.value.server_auth);

    // Still good: kept.
    server_config_at(dir.path(), now + Duration::days(300)).unwrap();
    assert_eq!(leaf_bytes(dir.path()), first);
    // Expiring within 30 days: renewed.
    server_config_at(dir.path(), now + Duration::days(370)).unwrap();
    let renewed = leaf_bytes(dir.path());
    assert_ne!(renewed, first);
    // Missing: re-issued.
    fs::remove_file(dir.path().join("localhost.pem")).unwrap();
    server_config_at(dir.path(), now).unwrap();
    let reissued = leaf_bytes(dir.path());
    assert_ne!(reissued, renewed);
    // Key replaced (a crash between the two writes): re-issued.
    fs::write(
        dir.path().join("localhost.key"),
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .unwrap()
            .serialize_pem(),
    )
    .unwrap();
    server_config_at(dir.path(), now).unwrap();
    assert_ne!(leaf_bytes(dir.path()), reissued);
    // A new CA (the old one was removed): the old leaf no longer chains.
    let before = leaf_bytes(dir.path());
    fs::remove_file(dir.path().join("ca.key")).unwrap();
    fs::remove_file(dir.path().join("ca.pem")).unwrap();
    let ca = LocalCa::load_or_create(dir.path()).unwrap();
    let leaf = ensure_leaf(&ca, dir.path(), now).unwrap();
    assert_ne!(leaf_bytes(dir.path()), before);
    verify_local(&ca, &leaf.cert, now).unwrap();
}

/// Drives a handshake between two in-memory endpoints.
fn handshake(
    client: &mut ClientConnection,
    server: &mut ServerConnection,
) -> Result<(), rustls::Error> {
    for _ in 0..20 {
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(());
        }
        let mut buf = Vec::new();
        client.write_tls(&mut buf).unwrap();
        server.read_tls(&mut buf.as_slice()).unwrap();
        server.process_new_packets()?;
        let mut buf = Vec::new();
        server.write_tls(&mut buf).unwrap();
        client.read_tls(&mut buf.as_slice()).unwrap();
        client.process_new_packets()?;
    }
    panic!("handshake did not finish");
}

#[test]
fn client_with_the_ca_talks_to_the_listener_config() {
    let dir = tempfile::tempdir().unwrap();
    let server_cfg = server_config(dir.path()).unwrap();
    let ca_file = dir.path().join("ca.pem");
    let client_cfg = upstream_client_config(Some(&ca_file)).unwrap();
    for name in ["localhost", "127.0.0.1", "::1"] {
        let mut client =
            ClientConnection::new(client_cfg.clone(), ServerName::try_from(name).unwrap()).unwrap();
        let mut server = ServerConnection::new(server_cfg.clone()).unwrap();
        handshake(&mut client, &mut server).unwrap_or_else(|e| panic!("{name}: {e}"));
        client.writer().write_all(b"EHLO x\r\n").unwrap();
        let mut buf = Vec::new();
        client.write_tls(&mut buf).unwrap();
        server.read_tls(&mut buf.as_slice()).unwrap();
        server.process_new_packets().unwrap();
        let mut got = [0u8; 8];
        server.reader().read_exact(&mut got).unwrap();
        assert_eq!(&got, b"EHLO x\r\n");
    }
    // Without the extra CA the platform roots do not know it.
    if let Ok(plain) = upstream_client_config(None) {
        let mut client =
            ClientConnection::new(plain, ServerName::try_from("localhost").unwrap()).unwrap();
        let mut server = ServerConnection::new(server_cfg).unwrap();
        assert!(handshake(&mut client, &mut server).is_err());
    }
}

#[test]
fn extra_ca_file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let err = upstream_client_config(Some(&missing)).unwrap_err();
    assert!(matches!(err, TlsError::Io { .. }), "{err}");
    assert!(err.to_string().contains("missing.pem"), "{err}");

    let empty = dir.path().join("empty.pem");
    fs::write(&empty, "no certificates here\n").unwrap();
    let err = upstream_client_config(Some(&empty)).unwrap_err();
    assert!(matches!(err, TlsError::NoCertificates { .. }), "{err}");
    assert!(err.to_string().contains("empty.pem"), "{err}");

    // A key is not a certificate.
    let key_only = dir.path().join("key.pem");
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    fs::write(&key_only, key.serialize_pem()).unwrap();
    assert!(matches!(
        extra_certs(&key_only).unwrap_err(),
        TlsError::NoCertificates { .. }
    ));
}
