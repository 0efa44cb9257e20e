//! What happens to one message: scan → policy → toggles → keys → encrypt,
//! and the audit records around it. Synchronous; the shell calls it on a
//! blocking thread and does the upstream I/O.
//!
//! [`Relay::decide`] turns a [`Transaction`] into a [`Decision`]: either the
//! bytes to send with the audit record to append right before the final
//! `.`, or a refusal with the reply for the client (already audited).
//!
//! # Fail closed
//! A message that cannot be parsed is refused (it cannot be scanned). When
//! encryption is required, a missing key (unless the policy's
//! `encrypt_unavailable` is `warn`), an encryption error or an audit write
//! failure refuses it; nothing is ever sent in plaintext instead.
//!
//! # Replies
//! | case | reply |
//! | --- | --- |
//! | blocked by policy | `550 5.7.1 Sealpost: blocked by policy (categories: …)` |
//! | `[nosecure]` not allowed / no justification | `550 5.7.1 …` explaining what to do |
//! | recipients without keys | `550 5.7.1 …` naming them, then `sealpost keys import` |
//! | unparseable | `554 5.6.0 …` |
//! | encryption failed | `554 5.7.0 …` |
//! | too big | `552 5.3.4 …` |
//! | audit log not writable | `451 4.3.0 …` |

mod headers;
mod plan;

#[cfg(test)]
mod tests;

use std::time::Instant;

use sealpost_policy::{Category, Policy, Toggle, Verdict};
use sequoia_openpgp::Cert;
use tracing::{info, warn};

use crate::audit::{Action, Audit, AuditError, Domain, Reason, Record, ToggleUsed};
use crate::config::SmtpConfig;
use crate::keys::{signing_key, KeyStore};
use crate::pgp::{check_structure, encrypt_message, EncryptError, Malformed};
use crate::smtp::{DataOutcome, Reply, Transaction};

pub use headers::{encode_value, header_value, rewrite};
pub use plan::{blocked_reply, keyless_reply, plan, Plan, JUSTIFICATION_HEADER};

/// `554 5.6.0` for a message whose structure is broken; the reason names a
/// line number at most, never content.
fn malformed_reply(m: Malformed) -> Reply {
    Reply::new(
        554,
        "5.6.0",
        &format!(
            "Sealpost: the message is malformed ({m}), so it could not be checked for \
             protected health information; nothing was sent"
        ),
    )
}

/// The decision for one message.
#[derive(Debug)]
pub enum Decision {
    /// Send `message`; append `record` (its action says plain or encrypted)
    /// before the final `.`.
    Send {
        /// The message as it leaves (rewritten headers, maybe encrypted).
        message: Vec<u8>,
        /// The record to append before committing.
        record: Record,
    },
    /// Do not send; the refusal is already audited.
    Refuse {
        /// What the client sees.
        reply: Reply,
    },
}

/// The per-process state the decisions need.
pub struct Relay {
    policy: Policy,
    keys: KeyStore,
    audit: Audit,
    placeholder: String,
    max_message_bytes: u64,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("keys", &self.keys.dir())
            .field("audit", &self.audit.path())
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// Everything [`Relay::decide`] needs.
    pub fn new(policy: Policy, keys: KeyStore, audit: Audit, smtp: &SmtpConfig) -> Relay {
        Relay {
            policy,
            keys,
            audit,
            placeholder: smtp.placeholder_subject.clone(),
            max_message_bytes: smtp.max_message_bytes,
        }
    }

    /// Decides what happens to a message; refusals are audited here.
    pub fn decide(&self, t: Transaction) -> Decision {
        let started = Instant::now();
        let mut record = Record::new(Verdict::Possible, Action::Refused);
        record.sender_domain = Domain::of_address(&t.sender).ok();
        for r in &t.recipients {
            match Domain::of_address(r) {
                Ok(d) => record.add_recipient(d),
                Err(_) => record.recipient_count += 1,
            }
        }
        let raw = match t.data {
            DataOutcome::Complete(raw) => raw,
            DataOutcome::TooBig { bytes } => {
                info!(bytes, action = "refused", reason = "too-large", "message");
                let reply = Reply::new(
                    552,
                    "5.3.4",
                    &format!(
                        "Message too big: the limit is {} bytes; nothing was sent",
                        self.max_message_bytes
                    ),
                );
                return self.refuse(record, Reason::TooLarge, reply);
            }
        };
        record.message_id_hash = header_value(&raw, "Message-ID")
            .filter(|id| !id.is_empty())
            .map(|id| self.audit.message_id_hash(&id));
        let decision = self.decide_scanned(raw, &t.sender, &t.recipients, record);
        info!(elapsed_ms = started.elapsed().as_millis() as u64, "decided");
        decision
    }

    fn decide_scanned(
        &self,
        mut raw: Vec<u8>,
        sender: &str,
        recipients: &[String],
        mut record: Record,
    ) -> Decision {
        let bytes = raw.len();
        let (text, assessment) = match sealpost_policy::evaluate(&raw, &self.policy) {
            Ok(r) => r,
            Err(_) => {
                info!(bytes, action = "refused", reason = "unparseable", "message");
                let reply = Reply::new(
                    554,
                    "5.6.0",
                    "Sealpost: the message could not be parsed, so it could not be checked \
                     for protected health information; nothing was sent",
                );
                return self.refuse(record, Reason::Unparseable, reply);
            }
        };
        record.verdict = assessment.verdict;
        let counts = assessment.category_counts();
        record.categories = counts
            .iter()
            .map(|(c, n)| (*c, u32::try_from(*n).unwrap_or(u32::MAX)))
            .collect();
        // mail-parser is lenient: a multipart without a usable boundary
        // parses, but its parts were never scanned. Fail closed.
        if let Err(m) = check_structure(&raw) {
            info!(bytes, action = "refused", reason = "unparseable", "message");
            return self.refuse(record, Reason::Unparseable, malformed_reply(m));
        }
        let categories: Vec<Category> = counts.iter().map(|(c, _)| *c).collect();

        // Which toggle, and where it came from; Secure wins (fail closed).
        let toggles = &self.policy.config().toggles;
        let from_header = text
            .toggle_header
            .as_deref()
            .and_then(|v| self.policy.toggle_in_header(v))
            .map(ToggleUsed::Header);
        let raw_subject = header_value(&raw, "Subject");
        let (subject_tag, new_subject) = self.subject_rewrite(raw_subject, text.subject.as_deref());
        let from_subject = subject_tag.map(ToggleUsed::SubjectTag);
        let toggle_used = match (from_header, from_subject) {
            (Some(h @ ToggleUsed::Header(Toggle::Secure)), _) => Some(h),
            (_, Some(s @ ToggleUsed::SubjectTag(Toggle::Secure))) => Some(s),
            (h, s) => h.or(s),
        };
        record.toggle = toggle_used;
        let toggle = toggle_used.map(|t| match t {
            ToggleUsed::Header(t) | ToggleUsed::SubjectTag(t) => t,
        });
        let justification = header_value(&raw, JUSTIFICATION_HEADER);
        let plan = plan(
            self.policy.config(),
            assessment.action,
            &categories,
            toggle,
            justification.as_deref(),
        );
        let cats: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        info!(
            bytes,
            verdict = assessment.verdict.as_str(),
            policy_action = assessment.action.as_str(),
            categories = %cats.join(","),
            toggle = toggle.is_some(),
            "scanned"
        );

        rewrite(
            &mut raw,
            &[toggles.header.as_str(), JUSTIFICATION_HEADER],
            new_subject.as_deref(),
        );
        match plan {
            Plan::Refuse { reason, reply } => self.refuse(record, reason, reply),
            Plan::Plain { override_ } => {
                record.override_ = override_;
                record.action = Action::SentPlain;
                info!(action = "sent-plain", "decision");
                Decision::Send {
                    message: raw,
                    record,
                }
            }
            Plan::Encrypt => self.encrypt(raw, sender, recipients, record),
        }
    }

    /// The toggle in the Subject and, when there is one, the Subject to send
    /// with the tags removed: from the raw field when the tag is written
    /// there literally, else re-encoded from the decoded subject.
    fn subject_rewrite(
        &self,
        raw: Option<String>,
        decoded: Option<&str>,
    ) -> (Option<Toggle>, Option<String>) {
        if let Some(raw) = raw.as_deref() {
            if let (Some(t), stripped) = self.policy.toggle_in_subject(raw) {
                return (Some(t), Some(stripped));
            }
        }
        if let Some(decoded) = decoded {
            if let (Some(t), stripped) = self.policy.toggle_in_subject(decoded) {
                return (Some(t), Some(encode_value(&stripped)));
            }
        }
        (None, None)
    }

    fn encrypt(
        &self,
        raw: Vec<u8>,
        sender: &str,
        recipients: &[String],
        mut record: Record,
    ) -> Decision {
        let mut certs: Vec<Cert> = Vec::with_capacity(recipients.len());
        let mut missing: Vec<&str> = Vec::new();
        for r in recipients {
            match self.keys.lookup(r) {
                Ok(Some(cert)) => {
                    if !certs.iter().any(|c| c.fingerprint() == cert.fingerprint()) {
                        certs.push(cert);
                    }
                }
                Ok(None) | Err(_) => missing.push(r),
            }
        }
        if !missing.is_empty() {
            if self.policy.config().actions.encrypt_unavailable == sealpost_policy::Action::Warn {
                warn!(
                    missing = missing.len(),
                    action = "sent-plain",
                    "recipients without keys; the policy allows sending in plaintext"
                );
                record.action = Action::SentPlain;
                record.reason = Some(Reason::NoKey);
                return Decision::Send {
                    message: raw,
                    record,
                };
            }
            info!(
                missing = missing.len(),
                action = "refused",
                reason = "no-key",
                "message"
            );
            let reply = keyless_reply(&missing, recipients.len());
            return self.refuse(record, Reason::NoKey, reply);
        }
        let sender_cert = self.keys.lookup(sender).ok().flatten();
        if sender_cert.is_none() {
            info!("no key for the sender: the sent copy will not be readable by them");
        }
        let signer = signing_key(&self.keys, sender, self.policy.config().encryption.sign);
        match encrypt_message(
            &raw,
            &certs,
            sender_cert.as_ref(),
            signer.as_ref(),
            &self.placeholder,
        ) {
            Ok(message) => {
                drop(raw);
                record.action = Action::SentEncrypted;
                info!(
                    action = "sent-encrypted",
                    recipients = certs.len(),
                    "decision"
                );
                Decision::Send { message, record }
            }
            Err(EncryptError::Malformed(m)) => {
                info!(action = "refused", reason = "unparseable", "message");
                self.refuse(record, Reason::Unparseable, malformed_reply(m))
            }
            Err(e) => {
                warn!(error = %e, action = "refused", reason = "encryption-failed", "message");
                let reply = Reply::new(
                    554,
                    "5.7.0",
                    &format!("Sealpost: encryption failed ({e}); nothing was sent"),
                );
                self.refuse(record, Reason::EncryptionFailed, reply)
            }
        }
    }

    /// Audits a refusal and returns it. If the audit write fails the message
    /// is refused all the same (nothing was sent), and the failure logged.
    fn refuse(&self, mut record: Record, reason: Reason, reply: Reply) -> Decision {
        record.action = Action::Refused;
        record.reason = Some(reason);
        if let Err(e) = self.audit.append(&record) {
            warn!(error = %e, "cannot audit a refusal");
        }
        Decision::Refuse { reply }
    }

    /// Appends the record of a message about to be committed upstream.
    pub fn commit_record(&self, record: &Record) -> Result<(), AuditError> {
        self.audit.append(record)
    }

    /// Appends the second record after the upstream rejected a message whose
    /// record was already written.
    pub fn upstream_rejected(&self, record: &Record) {
        let mut r = record.clone();
        r.action = Action::Refused;
        r.reason = Some(Reason::UpstreamRejected);
        if let Err(e) = self.audit.append(&r) {
            warn!(error = %e, "cannot audit an upstream rejection");
        }
    }

    /// Appends a record for a message lost with the upstream connection.
    pub fn upstream_unavailable(&self, record: &Record) {
        let mut r = record.clone();
        r.action = Action::Refused;
        r.reason = Some(Reason::UpstreamUnavailable);
        if let Err(e) = self.audit.append(&r) {
            warn!(error = %e, "cannot audit an upstream failure");
        }
    }

    /// The reply when the commit record cannot be written.
    pub fn audit_failed_reply() -> Reply {
        Reply::new(
            451,
            "4.3.0",
            "Sealpost: the audit log cannot be written, so nothing was sent; try again \
             later or ask IT to check `sealpost audit verify`",
        )
    }
}
