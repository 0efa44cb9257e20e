//! What one audit line says, and the types that keep PHI out of it.
//!
//! A [`Record`] can only hold domains ([`Domain`] rejects anything with an
//! `@`, whitespace or other characters a domain does not have), a keyed hash
//! of the Message-ID ([`MessageIdHash`]), counts, and closed sets of codes.
//! There is no field for a local part, a subject or any message text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use sealpost_policy::{Category, Toggle, Verdict};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A domain name, lower-cased, such as `example.org` or an address literal
/// such as `[192.0.2.1]`. Never a local part.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Domain(pub(super) String);

/// Why a string is not a domain. Carries no part of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a domain name")]
pub struct NotADomain;

impl Domain {
    /// Accepts a bare domain of two or more labels (or `localhost`): letters,
    /// digits, `-` and `_` (Unicode letters allowed for SMTPUTF8), or an
    /// address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). At most 255
    /// bytes; lower-cased, a trailing dot dropped.
    pub fn parse(s: &str) -> Result<Domain, NotADomain> {
        let s = s.trim_end_matches('.').to_lowercase();
        if s.is_empty() || s.len() > 255 {
            return Err(NotADomain);
        }
        let ok = if let Some(lit) = s.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            lit.parse::<std::net::Ipv4Addr>().is_ok()
                || lit
                    .strip_prefix("ipv6:")
                    .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok())
        } else {
            // At least two labels (or `localhost`): a lone word is more
            // likely a name than a mail domain.
            (s.contains('.') || s == "localhost")
                && s.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                })
        };
        if ok {
            Ok(Domain(s))
        } else {
            Err(NotADomain)
        }
    }
    /// The domain of an address (`Jane <jane@example.org>` → `example.org`);
    /// everything before the last `@` is dropped here and never stored.
    pub fn of_address(address: &str) -> Result<Domain, NotADomain> {
        let (_, domain) = address.trim().rsplit_once('@').ok_or(NotADomain)?;
        Domain::parse(domain.trim_end_matches('>').trim())
    }
    /// The domain.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Domain {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Domain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match Domain::parse(&s) {
            Ok(dom) if dom.0 == s => Ok(dom),
            _ => Err(serde::de::Error::custom("not a canonical domain name")),
        }
    }
}

/// HMAC-SHA256 of a Message-ID under the install's audit key, lower-case
/// hex. Made by [`super::AuditKey::message_id_hash`]; lets IT find the record
/// of a message it holds without the log naming any message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageIdHash(pub(super) String);

impl MessageIdHash {
    /// The hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for MessageIdHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MessageIdHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if is_hex64(&s) {
            Ok(MessageIdHash(s))
        } else {
            Err(serde::de::Error::custom("not 64 lower-case hex digits"))
        }
    }
}

pub(super) fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What happened to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Encrypted and accepted by the upstream.
    SentEncrypted,
    /// Sent as it was and accepted by the upstream.
    SentPlain,
    /// Not sent; [`Record::reason`] says why.
    Refused,
}

/// Why a message was refused: short machine codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Encryption required, but a recipient has no usable key.
    NoKey,
    /// The upstream rejected the message or a recipient.
    UpstreamRejected,
    /// The upstream could not be reached or failed mid-transaction.
    UpstreamUnavailable,
    /// The policy's action is `block`.
    BlockedByPolicy,
    /// The sender asked to skip encryption, which the policy forbids.
    OverrideNotAllowed,
    /// The message could not be parsed, so it could not be judged.
    Unparseable,
    /// Encrypting failed.
    EncryptionFailed,
    /// Larger than `max_message_bytes`.
    TooLarge,
}

/// Which toggle the sender used, shown as `subject-tag:secure`,
/// `subject-tag:nosecure`, `header:on` or `header:off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToggleUsed {
    /// A subject tag (`[secure]`, `[nosecure]`, …).
    SubjectTag(Toggle),
    /// The toggle header (`X-Sealpost-Secure: on|off`).
    Header(Toggle),
}

impl ToggleUsed {
    fn code(self) -> &'static str {
        match self {
            ToggleUsed::SubjectTag(Toggle::Secure) => "subject-tag:secure",
            ToggleUsed::SubjectTag(Toggle::NoSecure) => "subject-tag:nosecure",
            ToggleUsed::Header(Toggle::Secure) => "header:on",
            ToggleUsed::Header(Toggle::NoSecure) => "header:off",
        }
    }
}

impl Serialize for ToggleUsed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ToggleUsed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        [
            ToggleUsed::SubjectTag(Toggle::Secure),
            ToggleUsed::SubjectTag(Toggle::NoSecure),
            ToggleUsed::Header(Toggle::Secure),
            ToggleUsed::Header(Toggle::NoSecure),
        ]
        .into_iter()
        .find(|t| t.code() == s)
        .ok_or_else(|| serde::de::Error::custom("unknown toggle code"))
    }
}

/// A justification code from the policy's list (`patient-requested`): 1–64
/// characters of ASCII letters, digits, `-`, `_`, `.`, so free text (which
/// could carry PHI) cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JustificationCode(String);

impl JustificationCode {
    /// Checks the form of a code.
    pub fn parse(s: &str) -> Result<JustificationCode, NotACode> {
        if (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            Ok(JustificationCode(s.to_string()))
        } else {
            Err(NotACode)
        }
    }
}

/// Why a string is not a justification code. Carries no part of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a justification code (1-64 of A-Z a-z 0-9 - _ .)")]
pub struct NotACode;

impl<'de> Deserialize<'de> for JustificationCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        JustificationCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A user override of the policy's action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The justification picked; `None` when the policy requires none.
    pub justification_code: Option<JustificationCode>,
}

/// One message decision, as the daemon hands it to [`super::Audit::append`].
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The keyed hash of the Message-ID; `None` if the message had none.
    pub message_id_hash: Option<MessageIdHash>,
    /// The envelope sender's domain; `None` for the null sender `<>`.
    pub sender_domain: Option<Domain>,
    /// How many recipients (RCPT TO) the message had.
    pub recipient_count: u32,
    /// Their domains, sorted and unique by construction.
    pub recipient_domains: BTreeSet<Domain>,
    /// The verdict of the scan.
    pub verdict: Verdict,
    /// Findings that counted, per category.
    pub categories: BTreeMap<Category, u32>,
    /// What was done.
    pub action: Action,
    /// The toggle the sender used, if any.
    pub toggle: Option<ToggleUsed>,
    /// The override, if the sender overrode the policy.
    pub override_: Option<Override>,
    /// Why the message was refused (with [`Action::Refused`]).
    pub reason: Option<Reason>,
}
impl Record {
    /// A record with no recipients, categories, toggle, override or reason.
    pub fn new(verdict: Verdict, action: Action) -> Record {
        Record {
            message_id_hash: None,
            sender_domain: None,
            recipient_count: 0,
            recipient_domains: BTreeSet::new(),
            verdict,
            categories: BTreeMap::new(),
            action,
            toggle: None,
            override_: None,
            reason: None,
        }
    }

    /// Counts a recipient and records its domain.
    pub fn add_recipient(&mut self, domain: Domain) {
        self.recipient_count += 1;
        self.recipient_domains.insert(domain);
    }
}

/// The audit format version written in `v`.
pub const FORMAT_VERSION: u32 = 1;

/// One line of the log without its `hash` member: the canonical form whose
/// bytes are hashed (see [`super`] for the definition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Entry {
    pub v: u32,
    pub seq: u64,
    pub time: String,
    pub message_id_hash: Option<MessageIdHash>,
    pub sender_domain: Option<Domain>,
    pub recipient_count: u32,
    pub recipient_domains: Vec<Domain>,
    pub verdict: Verdict,
    pub categories: BTreeMap<String, u32>,
    pub action: Action,
    pub toggle: Option<ToggleUsed>,
    #[serde(rename = "override")]
    pub override_: Option<Override>,
    pub reason: Option<Reason>,
    pub prev: String,
}

impl Entry {
    pub fn new(record: &Record, seq: u64, time: String, prev: String) -> Entry {
        Entry {
            v: FORMAT_VERSION,
            seq,
            time,
            message_id_hash: record.message_id_hash.clone(),
            sender_domain: record.sender_domain.clone(),
            recipient_count: record.recipient_count,
            recipient_domains: record.recipient_domains.iter().cloned().collect(),
            verdict: record.verdict,
            categories: record
                .categories
                .iter()
                .map(|(c, n)| (c.as_str().to_string(), *n))
                .collect(),
            action: record.action,
            toggle: record.toggle,
            override_: record.override_.clone(),
            reason: record.reason,
            prev,
        }
    }
}
