//! The message the browser asks to encrypt, built as RFC 5322 + MIME with
//! mail-builder: From, To, Cc, Date, Message-ID, Subject; the text (and
//! HTML, as multipart/alternative) body; attachments (multipart/mixed).
//! Bcc is never written into it. [`crate::pgp::encrypt_armored`] then
//! wraps it with the protected headers.

use std::borrow::Cow;

use base64::Engine;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::message_id::MessageId;
use mail_builder::mime::BodyPart;
use mail_builder::MessageBuilder;

use super::reply::{ErrorCode, ReplyError};
use super::request::{Attachment, EncryptRequest};
use crate::keys::normalize_address;

/// The largest message accepted for encryption, counting the decoded text,
/// HTML and attachments: 25 MiB, Gmail's and Outlook's attachment limit.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// An address as the browser gave it, split into display name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name, if any.
    pub name: Option<String>,
    /// The address as written (`local@domain`).
    pub address: String,
}

impl Mailbox {
    /// Parses `local@domain` or `Name <local@domain>`; the address must be
    /// one the key store accepts.
    pub fn parse(s: &str) -> Result<Mailbox, ReplyError> {
        let bad = || {
            ReplyError::new(
                ErrorCode::BadAddress,
                "an address is not of the form local@domain or Name <local@domain>",
            )
        };
        let s = s.trim();
        if s.chars().any(char::is_control) {
            return Err(bad());
        }
        let (name, address) = match s.strip_suffix('>').and_then(|r| r.rsplit_once('<')) {
            Some((name, addr)) => {
                let name = name.trim().trim_matches('"').trim();
                ((!name.is_empty()).then(|| name.to_string()), addr.trim())
            }
            None => (None, s),
        };
        if address.contains(['<', '>', ',', ' ', '"']) || normalize_address(address).is_none() {
            return Err(bad());
        }
        Ok(Mailbox {
            name,
            address: address.to_string(),
        })
    }

    /// The domain part.
    pub fn domain(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or("localhost", |(_, d)| d)
    }

    fn to_address(&self) -> Address<'_> {
        Address::new_address(self.name.as_deref(), self.address.as_str())
    }
}

/// A request turned into the message to encrypt.
#[derive(Debug)]
pub struct Composed {
    /// The RFC 5322 message (CRLF).
    pub raw: Vec<u8>,
    /// Its Message-ID, without angle brackets.
    pub message_id: String,
    /// The sender.
    pub from: Mailbox,
    /// Every recipient: To, Cc, then Bcc.
    pub recipients: Vec<Mailbox>,
}

/// Validates `req` and builds the message. Sizes are checked before any
/// base64 is decoded.
pub fn compose(req: &EncryptRequest) -> Result<Composed, ReplyError> {
    let from = Mailbox::parse(&req.from)?;
    let parse_all = |list: &[String]| -> Result<Vec<Mailbox>, ReplyError> {
        list.iter().map(|a| Mailbox::parse(a)).collect()
    };
    let to = parse_all(&req.to)?;
    let cc = parse_all(&req.cc)?;
    let bcc = parse_all(&req.bcc)?;
    if to.is_empty() && cc.is_empty() && bcc.is_empty() {
        return Err(ReplyError::new(
            ErrorCode::NoRecipients,
            "the message has no recipients",
        ));
    }

    // Decoded base64 is 3/4 of its length: check before decoding.
    let estimate = req.text.len()
        + req.html.as_ref().map_or(0, String::len)
        + req
            .attachments
            .iter()
            .map(|a| a.data_base64.len() / 4 * 3)
            .sum::<usize>();
    let too_large = || {
        ReplyError::new(
            ErrorCode::TooLarge,
            format!(
                "the message is larger than {} MiB with its attachments",
                MAX_MESSAGE_BYTES / (1024 * 1024)
            ),
        )
        .with("limit", MAX_MESSAGE_BYTES)
    };
    if estimate > MAX_MESSAGE_BYTES + 3 * req.attachments.len() {
        return Err(too_large());
    }
    let mut attachments = Vec::with_capacity(req.attachments.len());
    let mut total = req.text.len() + req.html.as_ref().map_or(0, String::len);
    for a in &req.attachments {
        let (ct, data) = attachment(a)?;
        total += data.len();
        attachments.push((ct, a.name.as_str(), data));
    }
    if total > MAX_MESSAGE_BYTES {
        return Err(too_large());
    }

    let id: [u8; 16] = crate::tls::random();
    let message_id = format!("{}@{}", crate::tls::hex(&id), from.domain());
    let mut builder = MessageBuilder::new()
        .from(from.to_address())
        .date(mail_builder::headers::date::Date::now())
        .message_id(MessageId::new(message_id.as_str()));
    if !to.is_empty() {
        builder = builder.to(Address::new_list(
            to.iter().map(Mailbox::to_address).collect(),
        ));
    }
    if !cc.is_empty() {
        builder = builder.cc(Address::new_list(
            cc.iter().map(Mailbox::to_address).collect(),
        ));
    }
    builder = builder.subject(req.subject.as_str());
    builder = builder.text_body(req.text.as_str());
    if let Some(html) = &req.html {
        builder = builder.html_body(html.as_str());
    }
    for (ct, name, data) in attachments {
        builder = builder.attachment(ct, name, BodyPart::Binary(Cow::Owned(data)));
    }
    let raw = builder
        .write_to_vec()
        .map_err(|_| ReplyError::new(ErrorCode::EncryptFailed, "the message could not be built"))?;
    Ok(Composed {
        raw,
        message_id,
        from,
        recipients: to.into_iter().chain(cc).chain(bcc).collect(),
    })
}

/// Checks an attachment's name and type and decodes its content.
fn attachment(a: &Attachment) -> Result<(ContentType<'static>, Vec<u8>), ReplyError> {
    let bad =
        |what: &str| ReplyError::new(ErrorCode::BadAttachment, format!("an attachment {what}"));
    if a.name.trim().is_empty() || a.name.len() > 255 || a.name.chars().any(char::is_control) {
        return Err(bad(
            "name is empty, longer than 255 bytes or has control characters",
        ));
    }
    let ct = a
        .content_type
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("application/octet-stream")
        .to_ascii_lowercase();
    if !is_mime_type(&ct) {
        return Err(bad("type is not a MIME type (type/subtype)"));
    }
    let data = base64::engine::general_purpose::STANDARD
        .decode(a.data_base64.as_bytes())
        .map_err(|_| bad("is not valid base64"))?;
    Ok((ContentType::new(ct), data))
}

/// `type/subtype`, each an RFC 6838 restricted name.
fn is_mime_type(s: &str) -> bool {
    let token = |t: &str| {
        (1..=127).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    s.split_once('/')
        .is_some_and(|(t, st)| token(t) && token(st))
}
