//! RFC 3156 PGP/MIME encryption with RFC 9788 header protection.
//!
//! The message that leaves:
//!
//! ```text
//! From/To/Cc/Date/Message-ID/... (verbatim from the input, see headers.rs)
//! Subject: <placeholder>
//! MIME-Version: 1.0
//! Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=...
//!
//! --b
//! Content-Type: application/pgp-encrypted          Version: 1
//! --b
//! Content-Type: application/octet-stream           -----BEGIN PGP MESSAGE-----
//! --b--
//! ```
//!
//! and the OpenPGP message decrypts to the *cryptographic payload*:
//!
//! ```text
//! Subject/From/To/Cc/Date/Message-ID/... (verbatim from the input)
//! HP-Outer: From: ...                (one per non-structural outer field)
//! HP-Outer: Subject: <placeholder>
//! Content-Type: multipart/mixed; boundary=...; hp="cipher"; protected-headers="v1"
//!
//! --w
//! <the input's Content-* fields, verbatim>
//!
//! <the input's body, verbatim>
//! --w--
//! ```
//!
//! # Why a wrapper
//! Wrapping the original top-level part (instead of adding parameters to
//! its Content-Type) keeps every byte of the original MIME tree, its own
//! Content-Type included, which is how Thunderbird composes protected
//! headers too. `hp="cipher"` is RFC 9788; `protected-headers="v1"` is the
//! older draft that Thunderbird and K-9 read.
//!
//! # What is built by hand
//! Header fields copied from the input are written byte for byte rather than
//! re-encoded by mail-builder, so an address or a subject keeps the exact
//! RFC 2047 encoding and folding the client chose (mail-builder would
//! re-encode and re-fold them), and `HP-Outer` fields quote them
//! the same way. The two multipart containers, their Content-Type fields,
//! the placeholder Subject and the PGP/MIME parts are written by
//! mail-builder.
//!
//! # Which OpenPGP format
//! SEIPDv1 (AES-256 with MDC) unless every recipient certificate advertises
//! SEIPDv2; GnuPG 2.2, sq 0.27 and RNP can't read SEIPDv2. No compression.

use std::borrow::Cow;
use std::io::Write;

use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::text::Text;
use mail_builder::headers::Header;
use mail_builder::mime::{BodyPart, MimePart};
use mail_parser::{MessageParser, MimeHeaders};
use sequoia_openpgp::cert::Preferences;
use sequoia_openpgp::policy::StandardPolicy;
use sequoia_openpgp::serialize::stream::{
    Armorer, Encryptor, LiteralWriter, Message, Recipient, Signer,
};
use sequoia_openpgp::types::{Features, SymmetricAlgorithm};
use sequoia_openpgp::{Cert, Fingerprint};

use super::error::{EncryptError, Malformed};
use super::headers::{is_structural, keep_inside, keep_outside, split_message, to_crlf};
use crate::keys::encryption_flags;

/// The outer Subject when the caller has no better one.
pub const DEFAULT_PLACEHOLDER_SUBJECT: &str = "Secure message";

/// Encrypts an RFC 5322 message to `recipients` (and to `sender`, so the
/// Sent copy stays readable), optionally signing it with `signer` (a
/// certificate with unencrypted secret signing key material), and returns
/// the PGP/MIME message to send. The outer Subject is
/// `placeholder_subject`; the real one is only inside. See the module docs
/// for the layout.
///
/// Bare LF line ends in the input are turned into CRLF first. Malformed
/// input (no header section, a line that is not a header field, no From
/// field, a multipart body without its boundary) is an error.
pub fn encrypt_message(
    raw_rfc5322: &[u8],
    recipients: &[Cert],
    sender: Option<&Cert>,
    signer: Option<&Cert>,
    placeholder_subject: &str,
) -> Result<Vec<u8>, EncryptError> {
    let msg = to_crlf(raw_rfc5322);
    let (split, placeholder) = prepare(&msg, recipients, placeholder_subject)?;

    // Outer non-structural fields, as they will appear outside.
    let outer_fields: Vec<&[u8]> = split
        .fields
        .iter()
        .filter(|f| keep_outside(f.name))
        .map(|f| f.raw)
        .collect();

    let payload = build_payload(&split, &placeholder)?;
    // sequoia armors with LF; the message that leaves is CRLF throughout.
    let armored = to_crlf(&encrypt_payload(&payload, recipients, sender, signer)?);

    let mut out = Vec::with_capacity(armored.len() + 2048);
    for raw in outer_fields {
        push_field(&mut out, raw);
    }
    out.extend_from_slice(&placeholder);
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    let boundary = unique_boundary(&[&armored])?;
    pgp_mime_part(armored, boundary).write_part(&mut out);
    Ok(out)
}

/// Like [`encrypt_message`], but returns only the ASCII-armored OpenPGP
/// message (LF line ends, as sequoia writes it), not the PGP/MIME wrapper
/// around it: for callers that send the armored text themselves (the
/// browser extension through `sealpost native-host`). It decrypts to the
/// same cryptographic payload: protected header fields, `HP-Outer` fields
/// (with `placeholder_subject`) and the wrapper around the original part.
pub fn encrypt_armored(
    raw_rfc5322: &[u8],
    recipients: &[Cert],
    sender: Option<&Cert>,
    signer: Option<&Cert>,
    placeholder_subject: &str,
) -> Result<Vec<u8>, EncryptError> {
    let msg = to_crlf(raw_rfc5322);
    let (split, placeholder) = prepare(&msg, recipients, placeholder_subject)?;
    let payload = build_payload(&split, &placeholder)?;
    encrypt_payload(&payload, recipients, sender, signer)
}

/// What [`encrypt_message`] and [`encrypt_armored`] check first: the
/// placeholder, that there are recipients, and the message's structure.
/// Returns the split CRLF message `msg` and the placeholder Subject field,
/// encoded by mail-builder (RFC 2047 if needed).
fn prepare<'m>(
    msg: &'m [u8],
    recipients: &[Cert],
    placeholder_subject: &str,
) -> Result<(super::headers::Split<'m>, Vec<u8>), EncryptError> {
    if placeholder_subject.chars().any(char::is_control) {
        return Err(EncryptError::BadPlaceholder);
    }
    if recipients.is_empty() {
        return Err(EncryptError::NoRecipients);
    }
    let split = split_message(msg)?;
    check_mime(msg, split.body)?;
    let placeholder = header_line("Subject", &Text::new(placeholder_subject));
    Ok((split, placeholder))
}

/// Checks, without encrypting, that [`encrypt_message`] would accept the
/// message's structure: a header section of fields, a From field, and a
/// multipart top level that declares and uses its boundary. The SMTP relay
/// refuses mail that fails this whether or not it is to be encrypted: a
/// MIME tree that does not parse cannot be trusted to have been scanned.
pub fn check_structure(raw_rfc5322: &[u8]) -> Result<(), Malformed> {
    let msg = to_crlf(raw_rfc5322);
    let split = split_message(&msg)?;
    check_mime(&msg, split.body)
}

/// Checks what the raw split can't: mail-parser must parse the message, it
/// must have a From field, and a multipart top level must declare and use
/// a boundary.
fn check_mime(msg: &[u8], body: &[u8]) -> Result<(), Malformed> {
    let parsed = MessageParser::default()
        .parse(msg)
        .ok_or(Malformed::Unparseable)?;
    if parsed.from().is_none_or(|a| a.first().is_none()) {
        return Err(Malformed::MissingFrom);
    }
    let root = parsed.root_part();
    if let Some(ct) = root.content_type() {
        if ct.ctype().eq_ignore_ascii_case("multipart") {
            let boundary = ct.attribute("boundary").ok_or(Malformed::MissingBoundary)?;
            let delimiter = [b"--", boundary.as_bytes()].concat();
            let starts_line = body.starts_with(&delimiter)
                || body
                    .windows(delimiter.len() + 2)
                    .any(|w| w.starts_with(b"\r\n") && w[2..] == delimiter[..]);
            if !starts_line {
                return Err(Malformed::BoundaryNotFound);
            }
        }
    }
    Ok(())
}

/// The cryptographic payload: protected header fields, HP-Outer fields and
/// the multipart/mixed wrapper around the original top-level part.
fn build_payload(
    split: &super::headers::Split<'_>,
    placeholder: &[u8],
) -> Result<Vec<u8>, EncryptError> {
    // The original top-level part: its Content-* fields, a blank line, the
    // body, all verbatim.
    let mut original = Vec::with_capacity(split.body.len() + 512);
    for f in split
        .fields
        .iter()
        .filter(|f| is_structural(f.name) && !f.name.eq_ignore_ascii_case("mime-version"))
    {
        push_field(&mut original, f.raw);
    }
    original.extend_from_slice(b"\r\n");
    original.extend_from_slice(split.body);

    let mut payload = Vec::with_capacity(original.len() + 4096);
    for f in split.fields.iter().filter(|f| keep_inside(f.name)) {
        push_field(&mut payload, f.raw);
    }
    for f in split.fields.iter().filter(|f| keep_outside(f.name)) {
        payload.extend_from_slice(b"HP-Outer: ");
        payload.extend_from_slice(f.name.as_bytes());
        payload.extend_from_slice(b":");
        payload.extend_from_slice(f.value);
        payload.extend_from_slice(b"\r\n");
    }
    payload.extend_from_slice(b"HP-Outer: ");
    payload.extend_from_slice(placeholder);

    let boundary = unique_boundary(&[&original])?;
    let wrapper = MimePart {
        headers: vec![(
            Cow::Borrowed("Content-Type"),
            ContentType::new("multipart/mixed")
                .attribute("boundary", boundary)
                .attribute("hp", "cipher")
                .attribute("protected-headers", "v1")
                .into(),
        )],
        // A raw part (no headers of its own): mail-builder writes the bytes
        // as they are, which are the original part's own header fields and
        // body.
        contents: BodyPart::Multipart(vec![MimePart::raw(BodyPart::Binary(original.into()))]),
    };
    wrapper.write_part(&mut payload);
    Ok(payload)
}

/// The multipart/encrypted body (RFC 3156 section 4) with its Content-Type.
fn pgp_mime_part(armored: Vec<u8>, boundary: String) -> MimePart<'static> {
    // A Content-Transfer-Encoding makes mail-builder write the body as is:
    // both parts are 7-bit text already.
    let version = MimePart::new(
        ContentType::new("application/pgp-encrypted"),
        BodyPart::Binary(Cow::Borrowed(b"Version: 1\r\n")),
    )
    .header(
        "Content-Description",
        Text::new("PGP/MIME version identification"),
    )
    .transfer_encoding("7bit");
    let data = MimePart::new(
        ContentType::new("application/octet-stream").attribute("name", "encrypted.asc"),
        BodyPart::Binary(Cow::Owned(armored)),
    )
    .header(
        "Content-Description",
        Text::new("OpenPGP encrypted message"),
    )
    .header(
        "Content-Disposition",
        ContentType::new("inline").attribute("filename", "encrypted.asc"),
    )
    .transfer_encoding("7bit");
    MimePart {
        headers: vec![(
            Cow::Borrowed("Content-Type"),
            ContentType::new("multipart/encrypted")
                .attribute("protocol", "application/pgp-encrypted")
                .attribute("boundary", boundary)
                .into(),
        )],
        contents: BodyPart::Multipart(vec![version, data]),
    }
}

/// Signs (optionally) and encrypts `payload`, returning an ASCII-armored
/// OpenPGP message.
fn encrypt_payload(
    payload: &[u8],
    recipients: &[Cert],
    sender: Option<&Cert>,
    signer: Option<&Cert>,
) -> Result<Vec<u8>, EncryptError> {
    let policy = StandardPolicy::new();
    let ogp = |e: anyhow::Error| EncryptError::OpenPgp(e.to_string());

    // Every recipient and the sender, each once.
    let mut certs: Vec<&Cert> = Vec::new();
    for cert in recipients.iter().chain(sender) {
        if !certs.iter().any(|c| c.fingerprint() == cert.fingerprint()) {
            certs.push(cert);
        }
    }

    // Collect the encryption keys, and whether everyone reads SEIPDv2.
    let mut keys = Vec::new();
    let mut all_v2 = true;
    for cert in &certs {
        let no_key = || EncryptError::NoEncryptionKey {
            fingerprint: cert.fingerprint(),
        };
        crate::keys::check_usable(cert, &policy).map_err(|_| no_key())?;
        let vc = cert.with_policy(&policy, None).map_err(|_| no_key())?;
        all_v2 &= vc.features().is_some_and(|f| f.supports_seipdv2());
        let before = keys.len();
        for ka in vc
            .keys()
            .supported()
            .alive()
            .revoked(false)
            .key_flags(encryption_flags())
        {
            keys.push(ka.key().clone());
        }
        if keys.len() == before {
            return Err(no_key());
        }
    }
    // The Recipient carries the features the encryptor decides on; state
    // ours explicitly rather than rely on sequoia's default rule.
    let features = if all_v2 {
        Features::empty().set_seipdv1().set_seipdv2()
    } else {
        Features::empty().set_seipdv1()
    };
    let recipients: Vec<Recipient<'_>> = keys
        .iter()
        .map(|k| {
            let handle = if all_v2 {
                k.fingerprint().into()
            } else {
                k.keyid().into()
            };
            Recipient::new(features.clone(), Some(handle), k)
        })
        .collect();

    let signing_key = signer.map(|s| signing_keypair(s, &policy)).transpose()?;

    let mut sink = Vec::with_capacity(payload.len() * 4 / 3 + 1024);
    let message = Message::new(&mut sink);
    let message = Armorer::new(message).build().map_err(ogp)?;
    let message = Encryptor::for_recipients(message, recipients)
        .symmetric_algo(SymmetricAlgorithm::AES256)
        .build()
        .map_err(ogp)?;
    let message = match signing_key {
        Some(pair) => Signer::new(message, pair)
            .map_err(ogp)?
            .build()
            .map_err(ogp)?,
        None => message,
    };
    let mut message = LiteralWriter::new(message).build().map_err(ogp)?;
    message
        .write_all(payload)
        .map_err(|e| EncryptError::OpenPgp(e.to_string()))?;
    message.finalize().map_err(ogp)?;
    Ok(sink)
}

fn signing_keypair(
    signer: &Cert,
    policy: &StandardPolicy<'_>,
) -> Result<sequoia_openpgp::crypto::KeyPair, EncryptError> {
    let fingerprint: Fingerprint = signer.fingerprint();
    let vc = signer
        .with_policy(policy, None)
        .map_err(|_| EncryptError::NoSigningKey {
            fingerprint: fingerprint.clone(),
        })?;
    let mut locked = false;
    for ka in vc
        .keys()
        .secret()
        .supported()
        .alive()
        .revoked(false)
        .for_signing()
    {
        let key = ka.key().clone();
        if !key.has_unencrypted_secret() {
            locked = true;
            continue;
        }
        if let Ok(pair) = key.into_keypair() {
            return Ok(pair);
        }
    }
    Err(if locked {
        EncryptError::SecretKeyLocked { fingerprint }
    } else {
        EncryptError::NoSigningKey { fingerprint }
    })
}

/// A random MIME boundary that occurs in none of `contents`. `=_` cannot
/// occur in base64 or in valid quoted-printable.
fn unique_boundary(contents: &[&[u8]]) -> Result<String, EncryptError> {
    for _ in 0..8 {
        let mut bytes = [0u8; 16];
        sequoia_openpgp::crypto::random(&mut bytes)
            .map_err(|e| EncryptError::OpenPgp(e.to_string()))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let boundary = format!("=_sealpost_{hex}");
        if !contents
            .iter()
            .any(|c| c.windows(boundary.len()).any(|w| w == boundary.as_bytes()))
        {
            return Ok(boundary);
        }
    }
    // 8 random 128-bit boundaries all present in the content: not a real
    // message.
    Err(EncryptError::OpenPgp(
        "could not choose a MIME boundary".into(),
    ))
}

/// `Name: value\r\n` with the value encoded by mail-builder.
fn header_line(name: &str, value: &impl Header) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    value.write_header(&mut out, name.len() + 2);
    out
}

/// Appends a verbatim header field, adding the CRLF a field at the very end
/// of a body-less message may lack.
fn push_field(out: &mut Vec<u8>, raw: &[u8]) {
    out.extend_from_slice(raw);
    if !raw.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
}
