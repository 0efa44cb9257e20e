//! Interoperability with independent OpenPGP implementations: GnuPG 2.2,
//! sq 0.27 (sequoia 1.x), sqop and RNP (Thunderbird's engine).
//!
//! These tests fail — they never skip — when a peer is missing: CI installs
//! gnupg, sq, sqop and rnp. Every peer runs in its own temporary home.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use mail_parser::MessageParser;
use tempfile::TempDir;

use super::tests::{part2, random_bytes, sample, SUBJECT};
use super::*;
use crate::keys::KeyStore;

/// Runs a peer tool and returns its output; panics (test failure) if the tool
/// is missing or exits non-zero.
fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    let name = format!("{:?}", cmd.get_program());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("cannot run {name}: {e}; CI must install gnupg, sq, sqop and rnp")
    });
    if let Some(input) = stdin {
        // Write from a thread so a peer that writes before reading all of
        // its input can't deadlock us.
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A throwaway GnuPG home; its agent is stopped on drop.
struct Gpg {
    home: TempDir,
}

impl Gpg {
    fn new() -> Self {
        let home = tempfile::Builder::new().prefix("gpg").tempdir().unwrap();
        Gpg { home }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("gpg");
        c.arg("--homedir")
            .arg(self.home.path())
            .args(["--batch", "--no-tty", "--pinentry-mode", "loopback"])
            .args(["--passphrase", "", "--trust-model", "always"]);
        c
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// An Ed25519 primary key with a Cv25519 encryption subkey.
    fn gen_ecc(&self, uid: &str) {
        run(
            self.cmd()
                .args(["--quick-gen-key", uid, "ed25519", "sign", "never"]),
            None,
        );
        let colons = run(self.cmd().args(["--with-colons", "--list-keys", uid]), None).stdout;
        let fpr = String::from_utf8_lossy(&colons)
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string();
        run(
            self.cmd()
                .args(["--quick-add-key", &fpr, "cv25519", "encr", "never"]),
            None,
        );
    }

    /// GnuPG's default algorithms (RSA 3072 in 2.2).
    fn gen_default(&self, uid: &str) {
        run(
            self.cmd()
                .args(["--quick-gen-key", uid, "default", "default", "never"]),
            None,
        );
    }

    /// Decrypts part 2 with `--status-file`; returns (plaintext, status).
    fn decrypt(&self, armored: &[u8]) -> (Vec<u8>, String) {
        let input = self.path("part2.asc");
        let status = self.path("status");
        fs::write(&input, armored).unwrap();
        let out = run(
            self.cmd()
                .arg("--status-file")
                .arg(&status)
                .arg("--decrypt")
                .arg(&input),
            None,
        );
        // Lossy: sequoia's salt notation shows up as raw bytes in
        // NOTATION_DATA.
        let status = String::from_utf8_lossy(&fs::read(&status).unwrap()).into_owned();
        (out.stdout, status)
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        // Stop the agent this home started (and only that one).
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(self.home.path())
            .args(["--kill", "gpg-agent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn temp_store() -> (TempDir, KeyStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = KeyStore::open(dir.path().join("keys")).unwrap();
    (dir, store)
}

/// Encrypts the sample message (with a random binary attachment) to the
/// certificate stored for `to`, with our own generated key as sender.
fn encrypt_sample_to(store: &KeyStore, to: &str, sign: bool) -> Vec<u8> {
    let me = store
        .generate("sender@clinic.example", Some("Sender"))
        .unwrap();
    let my_secret = store.secret(&me).unwrap();
    let rcpt = store
        .lookup(to)
        .unwrap()
        .unwrap_or_else(|| panic!("no usable cert for {to}"));
    encrypt_message(
        &sample(&random_bytes(2048)),
        &[rcpt],
        Some(&my_secret),
        sign.then_some(&my_secret),
        DEFAULT_PLACEHOLDER_SUBJECT,
    )
    .unwrap()
}

/// What every peer's plaintext must show: the protected Subject on an
/// `hp="cipher"` + `protected-headers="v1"` entity.
fn assert_protected_payload(plain: &[u8]) {
    let inner = MessageParser::default().parse(plain).unwrap();
    assert_eq!(inner.subject(), Some(SUBJECT));
    assert!(contains(plain, "hp=\"cipher\""));
    assert!(contains(plain, "protected-headers=\"v1\""));
}

/// GnuPG's status for a SEIPDv1 (MDC) AES-256 message: `DECRYPTION_INFO 2 9`
/// (mdc method 2, cipher 9), a good MDC, no AEAD.
fn assert_gpg_seipdv1(status: &str) {
    assert!(status.contains("[GNUPG:] DECRYPTION_OKAY"), "{status}");
    assert!(status.contains("[GNUPG:] GOODMDC"), "{status}");
    assert!(status.contains("[GNUPG:] DECRYPTION_INFO 2 9"), "{status}");
}

#[test]
fn gnupg_ecc_key_is_imported_and_reads_our_message() {
    let gpg = Gpg::new();
    gpg.gen_ecc("Gpg Ecc <ecc@example.net>");
    let armored = run(
        gpg.cmd().args(["--export", "--armor", "ecc@example.net"]),
        None,
    )
    .stdout;
    let (_d, store) = temp_store();
    let got = store.import(&armored).unwrap();
    assert_eq!(got.len(), 1);

    let out = encrypt_sample_to(&store, "ECC@example.NET", false);
    let (plain, status) = gpg.decrypt(&part2(&out));
    assert_gpg_seipdv1(&status);
    assert_protected_payload(&plain);
}

#[test]
fn gnupg_default_rsa_keyring_is_imported_and_reads_our_message() {
    let gpg = Gpg::new();
    gpg.gen_default("Gpg Rsa <rsa@example.net>");
    gpg.gen_ecc("Gpg Ecc <ecc@example.net>");
    // Binary keyring of both, as `gpg --export` writes it.
    let ring = run(gpg.cmd().arg("--export"), None).stdout;
    let (_d, store) = temp_store();
    assert_eq!(store.import(&ring).unwrap().len(), 2);

    let out = encrypt_sample_to(&store, "rsa@example.net", false);
    let (plain, status) = gpg.decrypt(&part2(&out));
    assert_gpg_seipdv1(&status);
    assert_protected_payload(&plain);
}

#[test]
fn gnupg_verifies_our_signature() {
    let gpg = Gpg::new();
    gpg.gen_ecc("Gpg Ecc <ecc@example.net>");
    let armored = run(gpg.cmd().args(["--export", "--armor"]), None).stdout;
    let (_d, store) = temp_store();
    store.import(&armored).unwrap();
    let out = encrypt_sample_to(&store, "ecc@example.net", true);
    let me = store.secret_for("sender@clinic.example").unwrap().unwrap();
    let my_cert = store.export(&me.fingerprint().to_hex(), true).unwrap();
    fs::write(gpg.path("me.asc"), &my_cert).unwrap();
    run(gpg.cmd().arg("--import").arg(gpg.path("me.asc")), None);

    let (plain, status) = gpg.decrypt(&part2(&out));
    assert_gpg_seipdv1(&status);
    assert!(status.contains("[GNUPG:] GOODSIG"), "{status}");
    let validsig = status
        .lines()
        .find(|l| l.starts_with("[GNUPG:] VALIDSIG"))
        .unwrap_or_else(|| panic!("no VALIDSIG: {status}"));
    assert!(validsig.ends_with(&me.fingerprint().to_hex()), "{validsig}");
    assert_protected_payload(&plain);
}

#[test]
fn sq_key_is_imported_and_reads_our_message() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("sq.key");
    run(
        Command::new("sq")
            .args([
                "key",
                "generate",
                "--userid",
                "Sq <sq@example.net>",
                "--export",
            ])
            .arg(&key),
        None,
    );
    let cert = run(
        Command::new("sq").args(["key", "extract-cert"]).arg(&key),
        None,
    )
    .stdout;
    let (_d, store) = temp_store();
    store.import(&cert).unwrap();

    let out = encrypt_sample_to(&store, "sq@example.net", false);
    let part = dir.path().join("part2.asc");
    fs::write(&part, part2(&out)).unwrap();
    let plain = run(
        Command::new("sq")
            .args(["decrypt", "--recipient-key"])
            .arg(&key)
            .arg(&part),
        None,
    )
    .stdout;
    assert_protected_payload(&plain);
}

#[test]
fn sqop_key_is_imported_and_reads_our_message() {
    let dir = tempfile::tempdir().unwrap();
    let key = run(
        Command::new("sqop").args(["generate-key", "Sop <sop@example.net>"]),
        None,
    )
    .stdout;
    let cert = run(Command::new("sqop").arg("extract-cert"), Some(&key)).stdout;
    let (_d, store) = temp_store();
    store.import(&cert).unwrap();

    let out = encrypt_sample_to(&store, "sop@example.net", false);
    let key_path = dir.path().join("sop.key");
    fs::write(&key_path, &key).unwrap();
    let plain = run(
        Command::new("sqop").arg("decrypt").arg(&key_path),
        Some(&part2(&out)),
    )
    .stdout;
    assert_protected_payload(&plain);
}

fn rnp_home() -> TempDir {
    tempfile::Builder::new().prefix("rnp").tempdir().unwrap()
}

fn rnpkeys(home: &Path) -> Command {
    let mut c = Command::new("rnpkeys");
    c.arg("--homedir").arg(home).args(["--password", ""]);
    c
}

fn rnp(home: &Path) -> Command {
    let mut c = Command::new("rnp");
    c.arg("--homedir")
        .arg(home)
        .args(["--password", "", "--notty"]);
    c
}

#[test]
fn rnp_key_is_imported_and_reads_our_message() {
    let home = rnp_home();
    run(
        rnpkeys(home.path()).args(["--generate-key", "--userid", "Rnp <rnp@example.net>"]),
        None,
    );
    let cert = run(
        rnpkeys(home.path()).args(["--export-key", "rnp@example.net"]),
        None,
    )
    .stdout;
    let (_d, store) = temp_store();
    store.import(&cert).unwrap();

    let out = encrypt_sample_to(&store, "rnp@example.net", false);
    let part = home.path().join("part2.asc");
    fs::write(&part, part2(&out)).unwrap();
    let plain = run(
        rnp(home.path())
            .arg("--decrypt")
            .arg(&part)
            .args(["--output", "-"]),
        None,
    )
    .stdout;
    assert_protected_payload(&plain);
}

/// Wraps an armored OpenPGP message from a peer into RFC 3156 form, as a
/// peer's mail client would.
fn wrap_pgp_mime(armored: &[u8]) -> Vec<u8> {
    let mut m = b"From: peer@example.net\r\nTo: me@clinic.example\r\nSubject: ...\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\
\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\
--b\r\nContent-Type: application/octet-stream\r\n\r\n"
        .to_vec();
    m.extend_from_slice(armored);
    m.extend_from_slice(b"\r\n--b--\r\n");
    m
}

const PEER_INNER: &[u8] = b"Content-Type: text/plain; charset=utf-8; protected-headers=\"v1\"\r\n\
Subject: Referral for John Doe\r\n\r\nReferral text.\r\n";

/// Our generated key, exported, is used by each peer to encrypt; we decrypt.
#[test]
fn peers_encrypt_to_our_generated_key_and_we_decrypt() {
    let (_d, store) = temp_store();
    let me = store.generate("me@clinic.example", Some("Me")).unwrap();
    let secret = store.secret(&me).unwrap();
    let cert = store.export("me@clinic.example", true).unwrap();
    let work = tempfile::tempdir().unwrap();
    let cert_path = work.path().join("me.asc");
    let plain_path = work.path().join("inner.eml");
    fs::write(&cert_path, &cert).unwrap();
    fs::write(&plain_path, PEER_INNER).unwrap();

    let check = |peer: &str, armored: Vec<u8>| {
        let dec = decrypt_message(&wrap_pgp_mime(&armored), std::slice::from_ref(&secret), &[])
            .unwrap_or_else(|e| panic!("{peer}: {e}"));
        assert_eq!(dec.inner, PEER_INNER, "{peer}");
        assert_eq!(
            dec.protected_subject.as_deref(),
            Some("Referral for John Doe"),
            "{peer}"
        );
        assert!(!dec.seipd_v2, "{peer} used SEIPDv2 for a SEIPDv1-only key");
    };

    // GnuPG: our cert advertises only SEIPDv1 ("features: 01").
    let gpg = Gpg::new();
    run(gpg.cmd().arg("--import").arg(&cert_path), None);
    let packets = run(gpg.cmd().arg("--list-packets").arg(&cert_path), None).stdout;
    let packets = String::from_utf8_lossy(&packets);
    assert!(packets.contains("(features: 01)"), "{packets}");
    assert!(!packets.contains("(features: 09)"), "{packets}");
    let armored = run(
        gpg.cmd()
            .args(["--armor", "--encrypt", "-r", "me@clinic.example", "-o", "-"])
            .arg(&plain_path),
        None,
    )
    .stdout;
    check("gpg", armored);

    // sq.
    let armored = run(
        Command::new("sq")
            .args(["encrypt", "--recipient-cert"])
            .arg(&cert_path)
            .arg(&plain_path),
        None,
    )
    .stdout;
    check("sq", armored);

    // sqop.
    let armored = run(
        Command::new("sqop").arg("encrypt").arg(&cert_path),
        Some(PEER_INNER),
    )
    .stdout;
    check("sqop", armored);

    // RNP, through its own keyring (rnpkeys --import).
    let home = rnp_home();
    run(rnpkeys(home.path()).arg("--import").arg(&cert_path), None);
    let armored = run(
        rnp(home.path())
            .args([
                "--encrypt",
                "-r",
                "me@clinic.example",
                "--armor",
                "--output",
                "-",
            ])
            .arg(&plain_path),
        None,
    )
    .stdout;
    check("rnp", armored);
}
