//! What the browser may ask, parsed strictly: a JSON object with an `id`, a
//! `type` and exactly the members that type defines (unknown members are
//! refused, as in the policy schema).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::reply::{ErrorCode, ReplyError};

/// The longest string `id` accepted.
pub const MAX_ID_LEN: usize = 128;

/// One parsed request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `status`: no members besides `id` and `type`.
    Status,
    /// `recipients`.
    Recipients(RecipientsRequest),
    /// `encrypt`.
    Encrypt(Box<EncryptRequest>),
    /// `decrypt`.
    Decrypt(DecryptRequest),
    /// `audit`.
    Audit(AuditRequest),
}

/// `{"type": "recipients", "addresses": [...]}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientsRequest {
    /// Addresses to look up (`local@domain`, or `Name <local@domain>`).
    pub addresses: Vec<String>,
}

/// `{"type": "encrypt", ...}`: the message to build and encrypt.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptRequest {
    /// The sender (`local@domain` or `Name <local@domain>`).
    pub from: String,
    /// To recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// Cc recipients.
    #[serde(default)]
    pub cc: Vec<String>,
    /// Bcc recipients: encrypted to, never written into the message.
    #[serde(default)]
    pub bcc: Vec<String>,
    /// The real subject (travels only inside the encryption).
    #[serde(default)]
    pub subject: String,
    /// The plain-text body.
    #[serde(default)]
    pub text: String,
    /// The HTML body, if the editor has one.
    #[serde(default)]
    pub html: Option<String>,
    /// Attachments.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The outer subject; default is the config's `placeholder_subject`.
    #[serde(default)]
    pub placeholder: Option<String>,
}

/// One attachment of an [`EncryptRequest`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The file name.
    pub name: String,
    /// The MIME type (`type/subtype`); default `application/octet-stream`.
    #[serde(rename = "type", default)]
    pub content_type: Option<String>,
    /// The content, standard base64 with padding.
    pub data_base64: String,
}

/// `{"type": "decrypt", "armored": "-----BEGIN PGP MESSAGE-----..."}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptRequest {
    /// The ASCII-armored OpenPGP message.
    pub armored: String,
}

/// `{"type": "audit", ...}`: a send decision made in the browser.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRequest {
    /// What happened.
    pub event: AuditEvent,
    /// The policy core's verdict: `clean`, `possible` or `phi`.
    pub verdict: String,
    /// The policy's action for the message: `allow`, `warn`, `encrypt` or
    /// `block`.
    pub action: String,
    /// Findings that counted, per category name.
    #[serde(default)]
    pub categories: BTreeMap<String, u32>,
    /// One domain per recipient (To, Cc and Bcc; repeats allowed): the
    /// record counts them and stores each domain once.
    pub recipient_domains: Vec<String>,
    /// The sender's domain, if known.
    #[serde(default)]
    pub sender_domain: Option<String>,
    /// The justification code (for `override` only).
    #[serde(default)]
    pub justification: Option<String>,
}

/// The audit events the browser reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    /// The message was encrypted by the agent and handed to the site.
    SentEncrypted,
    /// The user sent it without the required encryption, with the
    /// justification the policy asks for.
    Override,
}

/// Parses one request body. On failure the error comes with whatever `id`
/// could be read (JSON `null` if none), so the reply can still echo it.
pub fn parse(body: &[u8]) -> Result<(Value, Request), (Value, ReplyError)> {
    let text = std::str::from_utf8(body).map_err(|_| {
        (
            Value::Null,
            ReplyError::new(ErrorCode::BadUtf8, "the message is not valid UTF-8"),
        )
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        (
            Value::Null,
            ReplyError::new(
                ErrorCode::BadJson,
                format!(
                    "the message is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            ),
        )
    })?;
    let Value::Object(mut map) = value else {
        return Err((
            Value::Null,
            ReplyError::new(ErrorCode::BadRequest, "the message must be a JSON object"),
        ));
    };
    let id = map.remove("id");
    let id = match id {
        Some(id @ Value::String(_)) if id.as_str().is_some_and(|s| s.len() <= MAX_ID_LEN) => id,
        Some(id @ Value::Number(_)) if id.is_u64() || id.is_i64() => id,
        None => Value::Null,
        Some(_) => {
            return Err((
                Value::Null,
                ReplyError::new(
                    ErrorCode::BadRequest,
                    format!("`id` must be an integer or a string of at most {MAX_ID_LEN} bytes"),
                ),
            ))
        }
    };
    let bad = |message: String| (id.clone(), ReplyError::new(ErrorCode::BadRequest, message));
    let kind = match map.remove("type") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(bad("`type` must be a string".into())),
        None => return Err(bad("missing `type`".into())),
    };
    // The extension's availability probe sends a bare `{"type":"status"}`;
    // every other request must say which reply is its own.
    if id.is_null() && kind != "status" {
        return Err(bad("missing `id`".into()));
    }
    let request = match kind.as_str() {
        "status" => {
            if let Some(key) = map.keys().next() {
                return Err(bad(format!("unknown field `{key}` for `status`")));
            }
            Request::Status
        }
        "recipients" => Request::Recipients(members(map).map_err(bad)?),
        "encrypt" => Request::Encrypt(Box::new(members(map).map_err(bad)?)),
        "decrypt" => Request::Decrypt(members(map).map_err(bad)?),
        "audit" => Request::Audit(members(map).map_err(bad)?),
        _ => {
            return Err((
                id.clone(),
                ReplyError::new(
                    ErrorCode::UnknownType,
                    "unknown `type`; expected status, recipients, encrypt, decrypt or audit",
                ),
            ))
        }
    };
    Ok((id, request))
}

/// Deserializes the remaining members of a request object. The error names
/// the member at fault and what was expected; it may quote a value the
/// caller sent, so it goes back to the caller only, never into a log.
fn members<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, String> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." {
            inner
        } else {
            format!("`{path}`: {inner}")
        }
    })
}
