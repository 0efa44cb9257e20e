//! Replies to the browser: `{"id", "ok": true, "type", ...}` on success,
//! `{"id", "ok": false, "error": {"code", "message", ...}}` on failure.
//! Error codes are stable (the extension branches on them); messages are
//! for people and may change.

use serde::Serialize;
use serde_json::{json, Map, Value};

/// Why a request failed. The `as_str` names are the protocol's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The frame was longer than the request limit; it was discarded.
    FrameTooLarge,
    /// The frame was not UTF-8.
    BadUtf8,
    /// The frame was not JSON.
    BadJson,
    /// Wrong shape: not an object, a missing or unknown member, a wrong
    /// type, a bad `id`.
    BadRequest,
    /// `type` names no request.
    UnknownType,
    /// The caller is not an allowed extension.
    OriginNotAllowed,
    /// An address is not `local@domain`.
    BadAddress,
    /// `encrypt` without any recipient.
    NoRecipients,
    /// Some recipients have no usable key; nothing was encrypted.
    MissingKeys,
    /// The message is over the size limit.
    TooLarge,
    /// An attachment's name, type or base64 is unusable.
    BadAttachment,
    /// The placeholder subject is not one short line.
    BadPlaceholder,
    /// Encryption failed for another reason.
    EncryptFailed,
    /// The message is not for any of the user's secret keys.
    NotForMe,
    /// The armored text is not an OpenPGP message that can be read.
    Malformed,
    /// An audit member is invalid (domain, category, verdict, action).
    BadAuditRecord,
    /// The policy forbids overriding, or the justification is missing or
    /// not one of the policy's codes.
    OverrideNotAllowed,
    /// The audit log cannot be written.
    AuditFailed,
    /// The key store cannot be read.
    KeyStore,
    /// The agent cannot work: its configuration or key store is unusable.
    /// Every request gets this until the port closes.
    AgentUnavailable,
}

impl ErrorCode {
    /// The code as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::FrameTooLarge => "frame_too_large",
            ErrorCode::BadUtf8 => "bad_utf8",
            ErrorCode::BadJson => "bad_json",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::BadAddress => "bad_address",
            ErrorCode::NoRecipients => "no_recipients",
            ErrorCode::MissingKeys => "missing_keys",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::BadAttachment => "bad_attachment",
            ErrorCode::BadPlaceholder => "bad_placeholder",
            ErrorCode::EncryptFailed => "encrypt_failed",
            ErrorCode::NotForMe => "not_for_me",
            ErrorCode::Malformed => "malformed",
            ErrorCode::BadAuditRecord => "bad_audit_record",
            ErrorCode::OverrideNotAllowed => "override_not_allowed",
            ErrorCode::AuditFailed => "audit_failed",
            ErrorCode::KeyStore => "key_store",
            ErrorCode::AgentUnavailable => "agent_unavailable",
        }
    }
}

/// A failed request: the code, a message for people, and extra members
/// (`addresses` for `missing_keys`, `limit` for size errors).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyError {
    /// The stable code.
    pub code: ErrorCode,
    /// What went wrong, for the user. Never message text.
    pub message: String,
    /// Extra members of the `error` object.
    pub extra: Map<String, Value>,
}

impl ReplyError {
    /// An error without extra members.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ReplyError {
        ReplyError {
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// Adds an extra member to the `error` object.
    pub fn with(mut self, key: &str, value: impl Serialize) -> ReplyError {
        self.extra.insert(
            key.into(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }
}

/// The JSON text of a successful reply: `body`'s members after `id`, `ok`
/// and `type`.
pub fn ok(id: &Value, kind: &str, body: impl Serialize) -> String {
    let mut out = Map::new();
    out.insert("id".into(), id.clone());
    out.insert("ok".into(), Value::Bool(true));
    out.insert("type".into(), Value::String(kind.into()));
    if let Ok(Value::Object(members)) = serde_json::to_value(body) {
        out.extend(members);
    }
    Value::Object(out).to_string()
}

/// The JSON text of an error reply.
pub fn error(id: &Value, e: &ReplyError) -> String {
    let mut err = Map::new();
    err.insert("code".into(), Value::String(e.code.as_str().into()));
    err.insert("message".into(), Value::String(e.message.clone()));
    err.extend(e.extra.clone());
    json!({"id": id, "ok": false, "error": err}).to_string()
}
