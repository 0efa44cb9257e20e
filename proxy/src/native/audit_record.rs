//! An `audit` request checked and turned into an audit [`Record`]: the
//! same record types as the proxy's, so nothing but domains, counts,
//! categories and codes can be stored.

use std::collections::BTreeMap;

use sealpost_policy::{Category, PolicyConfig, Verdict};

use super::reply::{ErrorCode, ReplyError};
use super::request::{AuditEvent, AuditRequest};
use crate::audit::{Action, Domain, JustificationCode, Override, Record};

/// Checks an audit request and turns it into a record.
pub fn record(policy: &PolicyConfig, req: &AuditRequest) -> Result<Record, ReplyError> {
    let bad = |m: String| ReplyError::new(ErrorCode::BadAuditRecord, m);
    let verdict = match req.verdict.as_str() {
        "clean" => Verdict::Clean,
        "possible" => Verdict::Possible,
        "phi" => Verdict::Phi,
        _ => return Err(bad("`verdict` must be clean, possible or phi".into())),
    };
    let policy_action = match req.action.as_str() {
        "allow" => sealpost_policy::Action::Allow,
        "warn" => sealpost_policy::Action::Warn,
        "encrypt" => sealpost_policy::Action::Encrypt,
        "block" => sealpost_policy::Action::Block,
        _ => return Err(bad("`action` must be allow, warn, encrypt or block".into())),
    };
    let mut categories = BTreeMap::new();
    for (name, n) in &req.categories {
        let c = Category::from_name(name)
            .ok_or_else(|| bad("`categories` has an unknown category".into()))?;
        categories.insert(c, *n);
    }
    if req.recipient_domains.is_empty() {
        return Err(bad("`recipient_domains` is empty".into()));
    }
    let mut record = Record::new(verdict, Action::SentEncrypted);
    record.categories = categories;
    for d in &req.recipient_domains {
        let d = Domain::parse(d)
            .map_err(|_| bad("`recipient_domains` has something that is not a domain".into()))?;
        record.add_recipient(d);
    }
    record.sender_domain = req
        .sender_domain
        .as_deref()
        .map(Domain::parse)
        .transpose()
        .map_err(|_| bad("`sender_domain` is not a domain".into()))?;
    match req.event {
        AuditEvent::SentEncrypted => {
            if req.justification.is_some() {
                return Err(bad(
                    "`justification` belongs to `override` events only".into()
                ));
            }
        }
        AuditEvent::Override => {
            record.action = Action::SentPlain;
            record.override_ = Some(Override {
                justification_code: justification(policy, policy_action, req)?,
            });
        }
    }
    Ok(record)
}

/// The justification of an override, checked against the policy as the
/// proxy checks `X-Sealpost-Justification`.
fn justification(
    policy: &PolicyConfig,
    action: sealpost_policy::Action,
    req: &AuditRequest,
) -> Result<Option<JustificationCode>, ReplyError> {
    let refuse = |m: &str| ReplyError::new(ErrorCode::OverrideNotAllowed, m);
    let o = &policy.override_;
    // As in the proxy: only required encryption can be skipped; `block`
    // cannot be overridden and `allow`/`warn` need no override.
    if action != sealpost_policy::Action::Encrypt {
        return Err(refuse(
            "only a message the policy says to encrypt can be sent with an override",
        ));
    }
    if !o.allowed {
        return Err(refuse(
            "the policy does not allow sending without encryption",
        ));
    }
    let given = req.justification.as_deref().map(str::trim);
    let code = match given {
        Some(j) => {
            let listed = o.justifications.iter().any(|c| c.eq_ignore_ascii_case(j));
            match JustificationCode::parse(&j.to_ascii_lowercase()) {
                Ok(code) if listed => Some(code),
                _ => {
                    return Err(refuse(&format!(
                        "the justification is not one of the policy's codes: {}",
                        o.justifications.join(", ")
                    ))
                    .with("justifications", &o.justifications))
                }
            }
        }
        None => None,
    };
    if code.is_none() && o.require_justification {
        return Err(refuse(&format!(
            "the policy requires a justification: one of {}",
            o.justifications.join(", ")
        ))
        .with("justifications", &o.justifications));
    }
    Ok(code)
}
