use std::time::{Duration, SystemTime};

use sequoia_openpgp::armor;
use sequoia_openpgp::cert::prelude::*;
use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::policy::StandardPolicy;
use sequoia_openpgp::serialize::{Serialize, SerializeInto};
use sequoia_openpgp::types::{Features, PublicKeyAlgorithm};
use sequoia_openpgp::{Cert, Profile};

use super::*;

fn new_store() -> (tempfile::TempDir, KeyStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::open(dir.path().join("keys")).unwrap();
    (dir, store)
}

/// A v4 general-purpose certificate (with secret key material).
pub(crate) fn test_cert(uid: &str) -> Cert {
    CertBuilder::general_purpose(Some(uid))
        .set_cipher_suite(CipherSuite::Cv25519)
        .set_features(Features::empty().set_seipdv1())
        .unwrap()
        .generate()
        .unwrap()
        .0
}

fn public(cert: &Cert) -> Vec<u8> {
    cert.clone().strip_secret_key_material().to_vec().unwrap()
}

fn armored(certs: &[&Cert]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = armor::Writer::new(&mut out, armor::Kind::PublicKey).unwrap();
    for c in certs {
        c.serialize(&mut w).unwrap();
    }
    w.finalize().unwrap();
    out
}

fn expired_cert(uid: &str) -> Cert {
    let ten_days_ago = SystemTime::now() - Duration::from_secs(10 * 86_400);
    CertBuilder::general_purpose(Some(uid))
        .set_creation_time(ten_days_ago)
        .set_validity_period(Duration::from_secs(86_400))
        .generate()
        .unwrap()
        .0
}

#[test]
fn generated_key_is_v4_cv25519_with_only_seipdv1() {
    let (_d, store) = new_store();
    let fpr = store
        .generate("Alice@Example.org", Some("Alice Test"))
        .unwrap();
    let cert = store.cert(&fpr).unwrap();
    assert_eq!(cert.primary_key().key().version(), 4);
    assert!(!cert.is_tsk(), "the public file holds no secret");
    let p = StandardPolicy::new();
    let vc = cert.with_policy(&p, None).unwrap();
    assert_eq!(vc.features(), Some(Features::empty().set_seipdv1()));
    // Every self-signature that carries features says SEIPDv1 only.
    let mut seen = 0;
    for sig in cert
        .primary_key()
        .self_signatures()
        .chain(cert.userids().flat_map(|u| u.self_signatures()))
    {
        if let Some(f) = sig.features() {
            assert_eq!(f, Features::empty().set_seipdv1());
            assert!(!f.supports_seipdv2());
            seen += 1;
        }
    }
    assert!(seen > 0);
    assert_eq!(vc.primary_key().key().pk_algo(), PublicKeyAlgorithm::EdDSA);
    let enc: Vec<_> = vc.keys().subkeys().key_flags(encryption_flags()).collect();
    assert_eq!(enc.len(), 1);
    assert_eq!(enc[0].key().pk_algo(), PublicKeyAlgorithm::ECDH);
    assert!(vc.keys().subkeys().for_signing().next().is_some());
    assert_eq!(
        vc.userids().next().unwrap().userid().value(),
        b"Alice Test <Alice@Example.org>"
    );
    // The secret is there and usable for lookup by any case.
    let tsk = store.secret(&fpr).unwrap();
    assert!(tsk.is_tsk());
    assert_eq!(
        store
            .secret_for("alice@example.org")
            .unwrap()
            .unwrap()
            .fingerprint(),
        fpr
    );
    check_usable(&cert, &p).unwrap();
}

#[test]
fn generate_rejects_bad_address() {
    let (_d, store) = new_store();
    for bad in [
        "",
        "alice",
        "@example.org",
        "alice@",
        "a b@example.org",
        "a@b@c",
    ] {
        assert!(
            matches!(store.generate(bad, None), Err(KeyError::BadAddress)),
            "{bad:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn secret_files_are_0600_and_dirs_0700() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, store) = new_store();
    let fpr = store.generate("alice@example.org", None).unwrap();
    let mode = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let hex = fpr.to_hex();
    assert_eq!(
        mode(store.dir().join("secret").join(format!("{hex}.pgp"))),
        0o600
    );
    assert_eq!(
        mode(store.dir().join("revocations").join(format!("{hex}.rev"))),
        0o600
    );
    assert_eq!(mode(store.dir().to_path_buf()), 0o700);
    assert_eq!(mode(store.dir().join("secret")), 0o700);
    // An imported secret key too.
    let tsk = test_cert("bob@example.org");
    store.import(&tsk.as_tsk().to_vec().unwrap()).unwrap();
    assert_eq!(
        mode(
            store
                .dir()
                .join("secret")
                .join(format!("{}.pgp", tsk.fingerprint().to_hex()))
        ),
        0o600
    );
    // No temporary files left behind.
    for sub in ["certs", "secret", "revocations"] {
        for e in std::fs::read_dir(store.dir().join(sub)).unwrap() {
            let name = e.unwrap().file_name();
            assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?}");
        }
    }
}

#[test]
fn import_armored_binary_and_keyrings() {
    let a = test_cert("A <a@example.org>");
    let b = test_cert("B <b@example.org>");
    let c = test_cert("C <c@example.org>");

    // Armored single.
    let (_d, store) = new_store();
    let got = store.import(&armored(&[&a])).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].fingerprint, a.fingerprint());
    assert_eq!(got[0].status, ImportStatus::New);
    assert!(!got[0].has_secret && got[0].usable);
    assert_eq!(got[0].user_ids, vec!["A <a@example.org>".to_string()]);
    // Again: unchanged.
    assert_eq!(
        store.import(&armored(&[&a])).unwrap()[0].status,
        ImportStatus::Unchanged
    );
    // Binary single.
    let got = store.import(&public(&b)).unwrap();
    assert_eq!(got[0].fingerprint, b.fingerprint());
    // Binary keyring (as `gpg --export` writes it) and armored keyring.
    let (_d2, store2) = new_store();
    let ring = [public(&a), public(&b), public(&c)].concat();
    let got = store2.import(&ring).unwrap();
    assert_eq!(got.len(), 3);
    let (_d3, store3) = new_store();
    let got = store3.import(&armored(&[&a, &b, &c])).unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(store3.list().unwrap().len(), 3);
    // The same certificate twice (public, then with secret) in one input.
    let (_d4, store4) = new_store();
    let twice = [public(&a), a.as_tsk().to_vec().unwrap()].concat();
    let got = store4.import(&twice).unwrap();
    assert_eq!(got.len(), 1);
    assert!(store4.secret(&a.fingerprint()).unwrap().is_tsk());
}

#[test]
fn import_garbage_is_a_parse_error() {
    let (_d, store) = new_store();
    for input in [
        &b"this is not a key"[..],
        b"",
        b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 !!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
        &[0xff, 0x00, 0x13, 0x37, 0x42][..],
    ] {
        let err = store.import(input).unwrap_err();
        assert!(
            matches!(err, KeyError::Parse | KeyError::NoCertificate),
            "{input:?}: {err:?}"
        );
    }
    assert!(store.list().unwrap().is_empty());
}

#[test]
fn import_rejects_expired_cert() {
    let (_d, store) = new_store();
    let cert = expired_cert("old@example.org");
    match store.import(&public(&cert)) {
        Err(KeyError::Expired { fingerprint }) => assert_eq!(fingerprint, cert.fingerprint()),
        other => panic!("{other:?}"),
    }
    assert!(store.list().unwrap().is_empty());
}

#[test]
fn import_rejects_cert_without_encryption_subkey() {
    let (_d, store) = new_store();
    let (cert, _) = CertBuilder::new()
        .add_userid("signonly@example.org")
        .add_signing_subkey()
        .generate()
        .unwrap();
    assert!(matches!(
        store.import(&public(&cert)),
        Err(KeyError::NoEncryptionKey { .. })
    ));
    // All or nothing: a good cert in the same keyring is not imported either.
    let good = test_cert("good@example.org");
    let ring = [public(&good), public(&cert)].concat();
    assert!(store.import(&ring).is_err());
    assert!(store.list().unwrap().is_empty());
}

#[test]
fn import_rejects_revoked_cert_but_merges_a_revocation_update() {
    let (cert, rev) = CertBuilder::general_purpose(Some("rev@example.org"))
        .generate()
        .unwrap();
    let revoked = cert.clone().insert_packets(Some(rev)).unwrap().0;

    let (_d, store) = new_store();
    assert!(matches!(
        store.import(&public(&revoked)),
        Err(KeyError::Revoked { .. })
    ));
    // Known cert, then its revocation arrives.
    store.import(&public(&cert)).unwrap();
    assert!(store.lookup("rev@example.org").unwrap().is_some());
    let got = store.import(&public(&revoked)).unwrap();
    assert_eq!(got[0].status, ImportStatus::Updated);
    assert!(!got[0].usable);
    assert!(store.lookup("rev@example.org").unwrap().is_none());
    assert!(!store.list().unwrap()[0].can_encrypt);
}

#[test]
fn import_accepts_v6_certificates() {
    let (cert, _) = CertBuilder::general_purpose(Some("six@example.org"))
        .set_profile(Profile::RFC9580)
        .unwrap()
        .generate()
        .unwrap();
    assert_eq!(cert.primary_key().key().version(), 6);
    let (_d, store) = new_store();
    let got = store.import(&armored(&[&cert])).unwrap();
    assert_eq!(got[0].status, ImportStatus::New);
    assert_eq!(store.list().unwrap()[0].version, 6);
    assert_eq!(
        store
            .lookup("six@example.org")
            .unwrap()
            .unwrap()
            .fingerprint(),
        cert.fingerprint()
    );
}

#[test]
fn import_secret_key_keeps_it_secret() {
    let (_d, store) = new_store();
    let tsk = test_cert("me@example.org");
    let got = store
        .import(&tsk.as_tsk().armored().to_vec().unwrap())
        .unwrap();
    assert!(got[0].has_secret);
    assert!(store.list().unwrap()[0].has_secret);
    assert!(store.secret(&tsk.fingerprint()).unwrap().is_tsk());
    // Export never contains secret key material.
    let exported = store.export("me@example.org", false).unwrap();
    assert!(!Cert::from_bytes(&exported).unwrap().is_tsk());
    // Public update after the secret: the secret stays.
    store.import(&public(&tsk)).unwrap();
    assert!(store.secret(&tsk.fingerprint()).unwrap().is_tsk());
}

#[test]
fn lookup_matches_address_with_case_folding() {
    let (_d, store) = new_store();
    let alice = test_cert("Alice <Alice.Smith@Clinic.Example>");
    let other = test_cert("Other <other@clinic.example>");
    store.import(&armored(&[&alice, &other])).unwrap();
    let fpr = |e: &str| store.lookup(e).unwrap().map(|c| c.fingerprint());
    let want = Some(alice.fingerprint());
    assert_eq!(fpr("Alice.Smith@Clinic.Example"), want);
    assert_eq!(fpr("alice.smith@clinic.example"), want);
    assert_eq!(fpr("Alice.Smith@CLINIC.EXAMPLE"), want);
    assert_eq!(fpr("<alice.smith@clinic.example>"), want);
    assert_eq!(fpr(" ALICE.SMITH@clinic.example "), want);
    for miss in [
        "alice.smith@clinic.example.evil",
        "alice.smith+x@clinic.example",
        "smith@clinic.example",
        "alice.smith@example",
        "nobody@clinic.example",
    ] {
        assert_eq!(fpr(miss), None, "{miss}");
    }
    assert!(matches!(
        store.lookup("not an address"),
        Err(KeyError::BadAddress)
    ));
}

#[test]
fn lookup_skips_certs_that_expired_after_import() {
    let (_d, store) = new_store();
    // Put an expired cert in place as if it had expired while stored.
    let cert = expired_cert("late@example.org");
    std::fs::write(
        store
            .dir()
            .join("certs")
            .join(format!("{}.pgp", cert.fingerprint().to_hex())),
        public(&cert),
    )
    .unwrap();
    assert!(store.lookup("late@example.org").unwrap().is_none());
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].can_encrypt);
    assert!(listed[0].expires.unwrap() < SystemTime::now());
}

#[test]
fn lookup_prefers_the_newest_valid_cert() {
    let (_d, store) = new_store();
    let old = CertBuilder::general_purpose(Some("x@example.org"))
        .set_creation_time(SystemTime::now() - Duration::from_secs(86_400))
        .generate()
        .unwrap()
        .0;
    let new = test_cert("x@example.org");
    store.import(&armored(&[&old, &new])).unwrap();
    assert_eq!(
        store
            .lookup("x@example.org")
            .unwrap()
            .unwrap()
            .fingerprint(),
        new.fingerprint()
    );
}

#[test]
fn export_by_fingerprint_and_address() {
    let (_d, store) = new_store();
    let fpr = store.generate("me@example.org", None).unwrap();
    let arm = store.export(&fpr.to_hex(), true).unwrap();
    assert!(arm.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    let spaced = format!("{fpr}"); // sequoia's Display groups hex in fours
    let bin = store.export(&spaced, false).unwrap();
    assert_eq!(Cert::from_bytes(&bin).unwrap().fingerprint(), fpr);
    assert!(!Cert::from_bytes(&arm).unwrap().is_tsk());
    assert!(matches!(
        store.export("nobody@example.org", true),
        Err(KeyError::NotFound { .. })
    ));
}

#[test]
fn remove_requires_with_secret_for_own_keys() {
    let (_d, store) = new_store();
    let mine = store.generate("me@example.org", None).unwrap();
    let theirs = test_cert("them@example.org");
    store.import(&public(&theirs)).unwrap();
    store.remove(&theirs.fingerprint(), false).unwrap();
    assert!(matches!(
        store.remove(&mine, false),
        Err(KeyError::HasSecret { .. })
    ));
    store.remove(&mine, true).unwrap();
    assert!(store.list().unwrap().is_empty());
    assert!(matches!(
        store.remove(&mine, true),
        Err(KeyError::NotFound { .. })
    ));
}

#[test]
fn corrupt_store_file_is_an_error_not_a_skip() {
    let (_d, store) = new_store();
    let cert = test_cert("a@example.org");
    store.import(&public(&cert)).unwrap();
    let other = test_cert("b@example.org");
    // A file whose name does not match its content.
    std::fs::write(
        store
            .dir()
            .join("certs")
            .join(format!("{}.pgp", other.fingerprint().to_hex())),
        public(&cert),
    )
    .unwrap();
    assert!(matches!(store.list(), Err(KeyError::Corrupt { .. })));
}

#[test]
fn error_display_carries_no_user_ids() {
    let (_d, store) = new_store();
    let cert = expired_cert("Secret Person <secret.person@example.org>");
    let err = store.import(&public(&cert)).unwrap_err().to_string();
    assert!(!err.contains("secret.person"), "{err}");
    assert!(!err.contains("Secret Person"), "{err}");
    assert!(err.contains(&cert.fingerprint().to_hex()), "{err}");
}

#[test]
fn parse_fingerprint_forms() {
    let cert = test_cert("a@example.org");
    let hex = cert.fingerprint().to_hex();
    assert_eq!(parse_fingerprint(&hex), Some(cert.fingerprint()));
    assert_eq!(
        parse_fingerprint(&format!("0x{}", hex.to_lowercase())),
        Some(cert.fingerprint())
    );
    assert_eq!(parse_fingerprint(&hex[..16]), None, "key IDs are refused");
    assert_eq!(parse_fingerprint("a@example.org"), None);
}
