//! Arbitrary bytes as a submitted RFC 5322 message through the PGP/MIME
//! rewrite: `encrypt_message` never panics and refuses only malformed input,
//! and whatever it returns decrypts again, with header protection declared
//! and the original body inside byte for byte (after LF -> CRLF).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sealpost::keys::new_key;
use sealpost::pgp::{decrypt_message, encrypt_message, to_crlf, EncryptError};
use sequoia_openpgp::packet::UserID;
use sequoia_openpgp::types::SymmetricAlgorithm;
use sequoia_openpgp::Cert;

const PLACEHOLDER: &str = "Secure message";

/// One recipient, generated once, as `sealpost keys generate` makes them.
fn recipient() -> &'static Cert {
    static CERT: OnceLock<Cert> = OnceLock::new();
    CERT.get_or_init(|| {
        new_key(UserID::from("Fuzz Recipient <rcpt@fuzz.example>"))
            .expect("key generation")
            .0
    })
}

fuzz_target!(|data: &[u8]| {
    let cert = recipient();
    let out = match encrypt_message(data, std::slice::from_ref(cert), None, None, PLACEHOLDER) {
        Ok(out) => out,
        // The recipient and placeholder are fine, so only the input may be
        // refused.
        Err(EncryptError::Malformed(_)) => return,
        Err(e) => panic!("well-formed input refused: {e}"),
    };

    let d = decrypt_message(&out, std::slice::from_ref(cert), &[])
        .unwrap_or_else(|e| panic!("encrypted message does not decrypt: {e}"));
    assert!(
        d.header_protection,
        "inner entity lacks hp/protected-headers"
    );
    assert!(!d.seipd_v2, "SEIPDv2 for a SEIPDv1-only recipient");
    assert_eq!(d.symmetric_algo, SymmetricAlgorithm::AES256);

    // The body (everything after the first empty line) is inside verbatim.
    let msg = to_crlf(data);
    let body = find(&msg, b"\r\n\r\n").map_or(&[][..], |i| &msg[i + 4..]);
    assert!(
        find(&d.inner, body).is_some(),
        "original body ({} bytes) not found in the decrypted payload",
        body.len()
    );
});

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}
