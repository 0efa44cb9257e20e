//! The decision for one scanned message, as a pure function of the policy,
//! the assessment and what the sender asked for.

use sealpost_policy::{Action, Category, PolicyConfig, Toggle};

use crate::audit::{JustificationCode, Override, Reason};
use crate::smtp::Reply;

/// The header a sender adds to justify sending without encryption.
pub const JUSTIFICATION_HEADER: &str = "X-Sealpost-Justification";

/// What to do with the message.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Send it as it is (allow, warn, or an honoured override).
    Plain {
        /// The override, when the sender skipped required encryption.
        override_: Option<Override>,
    },
    /// Send it only encrypted.
    Encrypt,
    /// Do not send it.
    Refuse {
        /// The audit code.
        reason: Reason,
        /// What the client sees.
        reply: Reply,
    },
}

/// Decides: `Block` always refuses; a `Secure` toggle forces encryption; a
/// `NoSecure` toggle skips required encryption only if the policy allows
/// overrides and, when it requires one, a listed justification code came
/// with it; otherwise the policy's action stands.
pub fn plan(
    cfg: &PolicyConfig,
    action: Action,
    categories: &[Category],
    toggle: Option<Toggle>,
    justification: Option<&str>,
) -> Plan {
    if action == Action::Block {
        return Plan::Refuse {
            reason: Reason::BlockedByPolicy,
            reply: blocked_reply(categories),
        };
    }
    match (toggle, action) {
        (Some(Toggle::Secure), _) | (None, Action::Encrypt) => Plan::Encrypt,
        (Some(Toggle::NoSecure), Action::Encrypt) => override_plan(cfg, justification),
        (_, Action::Allow | Action::Warn) => Plan::Plain { override_: None },
        // Handled above; kept exhaustive so a new action breaks the build.
        (_, Action::Block) => Plan::Refuse {
            reason: Reason::BlockedByPolicy,
            reply: blocked_reply(categories),
        },
    }
}

fn override_plan(cfg: &PolicyConfig, justification: Option<&str>) -> Plan {
    let o = &cfg.override_;
    if !o.allowed {
        return Plan::Refuse {
            reason: Reason::OverrideNotAllowed,
            reply: Reply::new(
                550,
                "5.7.1",
                "Sealpost: this message contains protected health information and must be \
                 sent encrypted;\nyour organisation's policy does not allow sending it \
                 without encryption. Nothing was sent.\nRemove the [nosecure] tag or \
                 the off toggle header and send again.",
            ),
        };
    }
    if !o.require_justification {
        return Plan::Plain {
            override_: Some(Override {
                justification_code: None,
            }),
        };
    }
    let code = justification
        .map(str::trim)
        .filter(|j| o.justifications.iter().any(|c| c.eq_ignore_ascii_case(j)))
        .and_then(|j| JustificationCode::parse(&j.to_ascii_lowercase()).ok());
    match code {
        Some(code) => Plan::Plain {
            override_: Some(Override {
                justification_code: Some(code),
            }),
        },
        None => Plan::Refuse {
            reason: Reason::OverrideNotAllowed,
            reply: Reply::new(
                550,
                "5.7.1",
                &format!(
                    "Sealpost: sending this message without encryption needs a \
                     justification. Nothing was sent.\nAdd the header \
                     \"{JUSTIFICATION_HEADER}: <code>\" with one of these codes: {}",
                    o.justifications.join(", ")
                ),
            ),
        },
    }
}

/// `550 5.7.1 Sealpost: blocked by policy (categories: …)`; never any text
/// from the message.
pub fn blocked_reply(categories: &[Category]) -> Reply {
    let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
    let list = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    Reply::new(
        550,
        "5.7.1",
        &format!("Sealpost: blocked by policy (categories: {list})"),
    )
}

/// The refusal when recipients have no key: how many, which, what to do.
pub fn keyless_reply(missing: &[&str], total: usize) -> Reply {
    let mut text = format!(
        "Sealpost: this message must be sent encrypted, but {} of {} recipients have no \
         OpenPGP key:",
        missing.len(),
        total
    );
    for addr in missing.iter().take(20) {
        text.push('\n');
        text.push_str(addr);
    }
    if missing.len() > 20 {
        text.push_str(&format!("\n(and {} more)", missing.len() - 20));
    }
    text.push_str(
        "\nNothing was sent. Import their public keys with `sealpost keys import FILE`, \
         or remove these recipients, and send again.",
    );
    Reply::new(550, "5.7.1", &text)
}
