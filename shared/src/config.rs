//! The policy schema: one serde structure that IT writes as TOML for the proxy
//! (nested under `[policy]` in its config) and as JSON for the browser
//! extension's managed storage. `PolicyConfig` is plain data; `Policy`
//! validates and compiles it. Unknown keys and bad values are errors that name
//! the key: nothing silently falls back.

use serde::{Deserialize, Serialize};

use crate::category::{Category, ALL_CATEGORIES};
use crate::verdict::Verdict;

/// What to do with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Send as it is.
    Allow,
    /// Send, after telling the user what was found.
    Warn,
    /// Send only encrypted.
    Encrypt,
    /// Do not send.
    Block,
}

impl Action {
    /// The schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Encrypt => "encrypt",
            Action::Block => "block",
        }
    }
}

/// The organisation's policy, as written in TOML or JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// Schema version. Default is `1`.
    pub version: u32,
    /// Categories that count toward the verdict; findings of the others are
    /// still reported but ignored. Default is every category.
    pub categories: Vec<Category>,
    /// Score thresholds.
    pub thresholds: Thresholds,
    /// The action per verdict.
    pub actions: Actions,
    /// Whether and how users may override the action.
    #[serde(rename = "override")]
    pub override_: Override,
    /// Per-message toggles.
    pub toggles: Toggles,
    /// Terms and domains that are never flagged.
    pub allow: AllowLists,
    /// How messages are encrypted.
    pub encryption: Encryption,
}

/// How messages are encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Encryption {
    /// Also sign encrypted messages with the sender's own key, when the
    /// sender has a secret key in the key store. Default is `false`.
    pub sign: bool,
}

/// Score thresholds, 0.0–1.0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Score at or above which a message is `possible`. Default is `0.3`.
    pub possible: f32,
    /// Score at or above which a message is `phi`. Default is `0.5`.
    pub phi: f32,
    /// Findings below this confidence are ignored. Default is `0.5`.
    pub min_confidence: f32,
}

/// The action for each verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Actions {
    /// For `clean` messages. Default is `allow`.
    pub clean: Action,
    /// For `possible` messages. Default is `warn`.
    pub possible: Action,
    /// For `phi` messages. Default is `encrypt`.
    pub phi: Action,
    /// When the subject line on its own is `phi`: subjects travel in the clear
    /// unless they are protected inside the encrypted part. Default is `encrypt`.
    pub subject_phi: Action,
    /// When the action is `encrypt` but encryption is not available (no agent,
    /// no key): `block` or `warn`. Default is `block`.
    pub encrypt_unavailable: Action,
}

/// User overrides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Override {
    /// Whether users may send a message without the required protection.
    /// Default is `true`.
    pub allowed: bool,
    /// Whether an override needs a justification. Default is `true`.
    pub require_justification: bool,
    /// The justification codes users pick from.
    /// Default is `["patient-requested", "not-phi", "recipient-cannot-decrypt", "other"]`.
    pub justifications: Vec<String>,
}

/// Per-message toggles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Toggles {
    /// Subject tags that force encryption. Default is `["[secure]", "[encrypt]"]`.
    pub secure_tags: Vec<String>,
    /// Subject tags that ask to skip encryption (an override). Default is `["[nosecure]"]`.
    pub nosecure_tags: Vec<String>,
    /// A header with `on`/`off` that works like the tags. Default is `X-Sealpost-Secure`.
    pub header: String,
}

/// Allow-lists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AllowLists {
    /// Text never flagged (matched case-insensitively against a finding's
    /// text): the practice's own name, phone and address. Default is empty.
    pub terms: Vec<String>,
    /// Internal email domains. Default is empty.
    pub internal_domains: Vec<String>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            version: 1,
            categories: ALL_CATEGORIES.to_vec(),
            thresholds: Thresholds::default(),
            actions: Actions::default(),
            override_: Override::default(),
            toggles: Toggles::default(),
            allow: AllowLists::default(),
            encryption: Encryption::default(),
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            possible: 0.3,
            phi: 0.5,
            min_confidence: 0.5,
        }
    }
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            clean: Action::Allow,
            possible: Action::Warn,
            phi: Action::Encrypt,
            subject_phi: Action::Encrypt,
            encrypt_unavailable: Action::Block,
        }
    }
}

impl Default for Override {
    fn default() -> Self {
        Override {
            allowed: true,
            require_justification: true,
            justifications: [
                "patient-requested",
                "not-phi",
                "recipient-cannot-decrypt",
                "other",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for Toggles {
    fn default() -> Self {
        Toggles {
            secure_tags: vec!["[secure]".into(), "[encrypt]".into()],
            nosecure_tags: vec!["[nosecure]".into()],
            header: "X-Sealpost-Secure".into(),
        }
    }
}

/// A policy that cannot be used, naming the key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The document does not parse or does not match the schema.
    #[error("policy key `{key}`: {message}")]
    Schema {
        /// Dotted path of the key (`thresholds.phi`), or `.` for the whole document.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("policy key `{key}`: {message}")]
    Invalid {
        /// Dotted path of the key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// A validated policy, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    config: PolicyConfig,
    counted: [bool; ALL_CATEGORIES.len()],
    allow_terms: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        // The default configuration is valid by construction (tested).
        Policy::try_from(PolicyConfig::default()).expect("default policy is valid")
    }
}

impl Policy {
    /// Parses a TOML policy document.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let de = toml::Deserializer::new(text);
        let cfg: PolicyConfig = serde_path_to_error::deserialize(de)
            .map_err(|e| schema_error(e.path().to_string(), e.inner().message().to_string()))?;
        Policy::try_from(cfg)
    }

    /// Parses a JSON policy document (the extension's managed storage).
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let cfg: PolicyConfig = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| schema_error(e.path().to_string(), e.inner().to_string()))?;
        de.end()
            .map_err(|e| schema_error(".".into(), e.to_string()))?;
        Policy::try_from(cfg)
    }

    /// The strictest built-in policy: used when a managed policy is invalid,
    /// so a broken policy never weakens protection. Everything that may be
    /// PHI is encrypted, PHI in a subject is blocked, nothing can be overridden.
    pub fn strictest() -> Policy {
        let cfg = PolicyConfig {
            thresholds: Thresholds {
                possible: 0.25,
                phi: 0.45,
                min_confidence: 0.4,
            },
            actions: Actions {
                clean: Action::Allow,
                possible: Action::Encrypt,
                phi: Action::Encrypt,
                subject_phi: Action::Block,
                encrypt_unavailable: Action::Block,
            },
            override_: Override {
                allowed: false,
                require_justification: true,
                justifications: vec![],
            },
            ..PolicyConfig::default()
        };
        Policy::try_from(cfg).expect("strictest policy is valid")
    }

    /// The configuration this policy was compiled from.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// Whether findings of `cat` count toward the verdict.
    pub fn counts(&self, cat: Category) -> bool {
        self.counted[cat as usize]
    }

    /// Whether `text` (a finding's matched text) is allow-listed.
    pub fn allowed_term(&self, text: &str) -> bool {
        !self.allow_terms.is_empty() && {
            let t = text.trim().to_lowercase();
            self.allow_terms.contains(&t)
        }
    }

    /// Whether an email address belongs to an internal domain.
    pub fn is_internal(&self, address: &str) -> bool {
        let Some((_, domain)) = address.rsplit_once('@') else {
            return false;
        };
        let domain = domain.trim_end_matches('>').to_ascii_lowercase();
        self.config.allow.internal_domains.iter().any(|d| {
            let d = d.to_ascii_lowercase();
            domain == d || domain.ends_with(&format!(".{d}"))
        })
    }

    /// The action for a message-level verdict and subject verdict.
    pub fn action(&self, verdict: Verdict, subject: Verdict) -> Action {
        let a = &self.config.actions;
        let base = match verdict {
            Verdict::Clean => a.clean,
            Verdict::Possible => a.possible,
            Verdict::Phi => a.phi,
        };
        if subject == Verdict::Phi {
            base.max(a.subject_phi)
        } else {
            base
        }
    }
}

fn schema_error(path: String, message: String) -> PolicyError {
    let message = message.lines().next().unwrap_or("").trim().to_string();
    PolicyError::Schema {
        key: if path.is_empty() { ".".into() } else { path },
        message,
    }
}

fn invalid(key: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

impl TryFrom<PolicyConfig> for Policy {
    type Error = PolicyError;

    fn try_from(cfg: PolicyConfig) -> Result<Policy, PolicyError> {
        if cfg.version != 1 {
            return Err(invalid(
                "version",
                format!(
                    "unsupported version {} (this build reads version 1)",
                    cfg.version
                ),
            ));
        }
        let t = cfg.thresholds;
        for (key, v) in [
            ("thresholds.possible", t.possible),
            ("thresholds.phi", t.phi),
            ("thresholds.min_confidence", t.min_confidence),
        ] {
            if !(0.0..=1.0).contains(&v) || v.is_nan() {
                return Err(invalid(key, format!("must be between 0 and 1, got {v}")));
            }
        }
        if t.possible > t.phi {
            return Err(invalid(
                "thresholds.possible",
                "must not be greater than thresholds.phi",
            ));
        }
        if !matches!(
            cfg.actions.encrypt_unavailable,
            Action::Block | Action::Warn
        ) {
            return Err(invalid(
                "actions.encrypt_unavailable",
                "must be \"block\" or \"warn\"",
            ));
        }
        if cfg.override_.allowed
            && cfg.override_.require_justification
            && cfg.override_.justifications.is_empty()
        {
            return Err(invalid(
                "override.justifications",
                "must list at least one code when justifications are required",
            ));
        }
        for (key, tags) in [
            ("toggles.secure_tags", &cfg.toggles.secure_tags),
            ("toggles.nosecure_tags", &cfg.toggles.nosecure_tags),
        ] {
            if let Some(bad) = tags.iter().find(|t| t.trim().is_empty()) {
                return Err(invalid(key, format!("empty tag {bad:?}")));
            }
        }
        if let Some(t) = cfg.toggles.secure_tags.iter().find(|t| {
            cfg.toggles
                .nosecure_tags
                .iter()
                .any(|n| n.eq_ignore_ascii_case(t))
        }) {
            return Err(invalid(
                "toggles.nosecure_tags",
                format!("{t:?} is also a secure tag"),
            ));
        }
        let h = &cfg.toggles.header;
        if h.is_empty() || !h.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(invalid("toggles.header", "must be a header field name"));
        }
        if let Some(d) = cfg
            .allow
            .internal_domains
            .iter()
            .find(|d| d.is_empty() || d.contains('@') || d.contains(char::is_whitespace))
        {
            return Err(invalid(
                "allow.internal_domains",
                format!("{d:?} is not a domain name"),
            ));
        }
        let mut counted = [false; ALL_CATEGORIES.len()];
        for c in &cfg.categories {
            counted[*c as usize] = true;
        }
        let allow_terms = cfg
            .allow
            .terms
            .iter()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(Policy {
            config: cfg,
            counted,
            allow_terms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
version = 1
categories = ["name", "date", "ssn", "mrn", "condition", "medication"]

[thresholds]
possible = 0.3
phi = 0.7

[actions]
possible = "warn"
phi = "encrypt"
subject_phi = "block"

[override]
allowed = true
require_justification = true
justifications = ["patient-requested"]

[toggles]
secure_tags = ["[secure]"]
nosecure_tags = ["[nosecure]"]

[allow]
terms = ["Riverside Family Clinic"]
internal_domains = ["riverside-clinic.org"]
"#;

    const JSON: &str = r#"{
  "version": 1,
  "categories": ["name", "date", "ssn", "mrn", "condition", "medication"],
  "thresholds": {"possible": 0.3, "phi": 0.7},
  "actions": {"possible": "warn", "phi": "encrypt", "subject_phi": "block"},
  "override": {"allowed": true, "require_justification": true, "justifications": ["patient-requested"]},
  "toggles": {"secure_tags": ["[secure]"], "nosecure_tags": ["[nosecure]"]},
  "allow": {"terms": ["Riverside Family Clinic"], "internal_domains": ["riverside-clinic.org"]}
}"#;

    #[test]
    fn toml_and_json_are_the_same_schema() {
        let a = Policy::from_toml(TOML).unwrap();
        let b = Policy::from_json(JSON).unwrap();
        assert_eq!(a, b);
        assert!(a.counts(Category::Ssn) && !a.counts(Category::Phone));
        assert!(a.allowed_term("riverside family clinic "));
        assert!(
            a.is_internal("x@riverside-clinic.org") && a.is_internal("x@mail.riverside-clinic.org")
        );
        assert!(!a.is_internal("x@evil-riverside-clinic.org"));
    }

    #[test]
    fn empty_document_is_the_default() {
        assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
        assert_eq!(Policy::from_json("{}").unwrap(), Policy::default());
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("[thresholds]\nphi = 0.7\nphii = 1", "thresholds"),
            ("[actions]\nphi = \"encrypted\"", "actions.phi"),
            ("categories = [\"nme\"]", "categories"),
            ("[thresholds]\nphi = 1.5", "thresholds.phi"),
            (
                "[thresholds]\npossible = 0.9\nphi = 0.5",
                "thresholds.possible",
            ),
            ("[toggles]\nsecure_tags = [\"\"]", "toggles.secure_tags"),
            (
                "[actions]\nencrypt_unavailable = \"allow\"",
                "actions.encrypt_unavailable",
            ),
            ("colour = 1", "colour"),
            ("version = 2", "version"),
        ];
        for (doc, key) in cases {
            let err = Policy::from_toml(doc).unwrap_err();
            let (PolicyError::Schema { key: k, .. } | PolicyError::Invalid { key: k, .. }) = &err;
            assert!(k.starts_with(key), "{doc:?}: {err}");
        }
        let err = Policy::from_json(r#"{"thresholds": {"phi": "high"}}"#).unwrap_err();
        assert!(err.to_string().contains("thresholds.phi"), "{err}");
        let err = Policy::from_json(r#"{"allow": {"domains": []}}"#).unwrap_err();
        assert!(
            err.to_string().contains("allow") && err.to_string().contains("domains"),
            "{err}"
        );
    }

    #[test]
    fn actions_take_the_stricter_of_body_and_subject() {
        let p = Policy::strictest();
        assert_eq!(p.action(Verdict::Clean, Verdict::Phi), Action::Block);
        assert_eq!(p.action(Verdict::Possible, Verdict::Clean), Action::Encrypt);
        let d = Policy::default();
        assert_eq!(d.action(Verdict::Clean, Verdict::Clean), Action::Allow);
        assert_eq!(d.action(Verdict::Phi, Verdict::Clean), Action::Encrypt);
    }
}
