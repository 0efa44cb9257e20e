//! Which policy is in force: the IT-managed file, else the user's `[policy]`.
//!
//! The managed file is a `PolicyConfig` document on its own (the same schema
//! as `[policy]`, without the table header, and as the extension's managed
//! storage). When it exists it replaces the user's policy wholly. When it
//! exists but cannot be read or is invalid, the strictest built-in policy
//! applies ([`Policy::strictest`]) and a [`PolicyWarning`] says so: a broken
//! managed file must never weaken protection, nor silently hand control back
//! to the user. An invalid user policy is an error (the proxy does not start).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use sealpost_policy::Policy;
use sealpost_policy::PolicyConfig;

use super::ConfigError;

/// Where the policy in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    /// The managed file at this path.
    Managed(PathBuf),
    /// The user's `[policy]` (or the built-in default, when it is absent).
    User,
    /// The strictest built-in policy, because the managed file is unusable.
    StrictestFallback(PathBuf),
}

/// A managed policy file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWarning {
    /// The managed file.
    pub path: PathBuf,
    /// Why it could not be used (names the key at fault).
    pub reason: String,
}

impl fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "managed policy {} is unusable ({}); using the strictest built-in policy \
             until it is fixed",
            self.path.display(),
            self.reason
        )
    }
}

/// The policy in force.
#[derive(Debug, Clone)]
pub struct ResolvedPolicy {
    /// The compiled policy.
    pub policy: Policy,
    /// Where it came from.
    pub source: PolicySource,
    /// Set when the managed file was unusable; show it to the user and IT.
    pub warning: Option<PolicyWarning>,
}

/// Resolves the policy: see the module docs.
pub fn resolve_policy(user: &PolicyConfig, managed: &Path) -> Result<ResolvedPolicy, ConfigError> {
    let fallback = |reason: String| ResolvedPolicy {
        policy: Policy::strictest(),
        source: PolicySource::StrictestFallback(managed.to_path_buf()),
        warning: Some(PolicyWarning {
            path: managed.to_path_buf(),
            reason,
        }),
    };
    match std::fs::read_to_string(managed) {
        Ok(text) => Ok(match Policy::from_toml(&text) {
            Ok(policy) => ResolvedPolicy {
                policy,
                source: PolicySource::Managed(managed.to_path_buf()),
                warning: None,
            },
            Err(e) => fallback(e.to_string()),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let policy = Policy::try_from(user.clone()).map_err(|e| {
                let (sealpost_policy::PolicyError::Schema { key, message }
                | sealpost_policy::PolicyError::Invalid { key, message }) = e;
                ConfigError::Invalid {
                    key: format!("policy.{key}"),
                    message,
                }
            })?;
            Ok(ResolvedPolicy {
                policy,
                source: PolicySource::User,
                warning: None,
            })
        }
        Err(e) => Ok(fallback(format!("cannot read it: {e}"))),
    }
}
