//! A decrypted message as the `decrypt` reply shows it: the protected
//! headers, the bodies and the attachments of the inner MIME entity.

use base64::Engine;
use mail_parser::{Address, MessageParser, MimeHeaders};
use serde::Serialize;

use crate::pgp::Decrypted;

/// The members of a `decrypt` reply.
#[derive(Debug, Serialize)]
pub struct Opened {
    /// The real (protected) Subject.
    pub subject: Option<String>,
    /// The From field, `Name <addr>` or `addr`.
    pub from: Option<String>,
    /// The To addresses.
    pub to: Vec<String>,
    /// The Cc addresses.
    pub cc: Vec<String>,
    /// The Date, RFC 3339.
    pub date: Option<String>,
    /// The plain-text body (converted from HTML if there is only HTML).
    pub text: Option<String>,
    /// The HTML body, only if the message has one.
    pub html: Option<String>,
    /// The attachments.
    pub attachments: Vec<OpenedAttachment>,
    /// Whether the inner entity declares header protection.
    pub header_protection: bool,
    /// Fingerprints of stored certificates that signed it.
    pub signed_by: Vec<String>,
}

/// One attachment of a decrypted message.
#[derive(Debug, Serialize)]
pub struct OpenedAttachment {
    /// The file name, if it has one.
    pub name: Option<String>,
    /// `type/subtype`.
    #[serde(rename = "type")]
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// The decoded content, base64.
    pub data_base64: String,
}

/// Reads the inner entity of `d`; `None` if mail-parser cannot parse it.
pub fn open(d: &Decrypted) -> Option<Opened> {
    let msg = MessageParser::default().parse(&d.inner[..])?;
    let text = msg.body_text(0).map(|t| t.into_owned());
    let html = msg
        .html_part(0)
        .filter(|p| p.is_text_html())
        .and_then(|_| msg.body_html(0))
        .map(|h| h.into_owned());
    let attachments = msg
        .attachments()
        .map(|part| {
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(st) => format!("{}/{}", ct.ctype(), st),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase();
            let data = part.contents();
            OpenedAttachment {
                name: part.attachment_name().map(str::to_string),
                content_type,
                size: data.len(),
                data_base64: base64::engine::general_purpose::STANDARD.encode(data),
            }
        })
        .collect();
    Some(Opened {
        subject: d
            .protected_subject
            .clone()
            .or_else(|| msg.subject().map(str::to_string)),
        from: msg.from().and_then(|a| addresses(a).into_iter().next()),
        to: msg.to().map(addresses).unwrap_or_default(),
        cc: msg.cc().map(addresses).unwrap_or_default(),
        date: msg.date().map(|d| d.to_rfc3339()),
        text,
        html,
        attachments,
        header_protection: d.header_protection,
        signed_by: d.signed_by.iter().map(|f| f.to_hex()).collect(),
    })
}

fn addresses(a: &Address<'_>) -> Vec<String> {
    a.iter()
        .filter_map(|addr| {
            let address = addr.address.as_deref()?;
            Some(match addr.name.as_deref().filter(|n| !n.is_empty()) {
                Some(name) => format!("{name} <{address}>"),
                None => address.to_string(),
            })
        })
        .collect()
}
