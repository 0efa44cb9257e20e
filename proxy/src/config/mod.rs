//! The proxy's configuration: `sealpost.toml` (the user's), the IT-managed
//! policy file that overrides its `[policy]`, and where the data lives.
//!
//! ```toml
//! [smtp]
//! listen_starttls = "127.0.0.1:1587"
//! listen_tls = "127.0.0.1:1465"
//! placeholder_subject = "Secure message"
//! max_message_bytes = 36700160
//!
//! [smtp.upstream]
//! host = "smtp.gmail.com"
//! port = 465
//! tls = "implicit"          # or "starttls", or "none-loopback-only"
//! # extra_ca_file = "/path/to/ca.pem"
//!
//! [policy]                  # sealpost_policy::config::PolicyConfig
//! ```
//!
//! No file at all means the defaults above, which work for Gmail. Unknown
//! keys are errors that name the key. `ProxyConfig` is plain data; [`load`]
//! validates it and resolves the policy (raw, then resolved: style guide §7).
//!
//! # Listeners are loopback only
//! Both listen addresses must be in 127.0.0.0/8 or `::1`: the proxy speaks
//! to local mail clients only, and its certificate is only valid for those
//! names anyway. A non-loopback address is a configuration error.

mod files;
mod paths;
mod policy;

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use sealpost_policy::PolicyConfig;
use serde::{Deserialize, Serialize};

pub use files::{create_private_append, ensure_private_dir, sync_dir, write_private, write_public};
pub use paths::PathOverrides;
pub use paths::Paths;
pub use paths::{CONFIG_ENV, DATA_DIR_ENV, MANAGED_POLICY_ENV};
pub use policy::{resolve_policy, PolicySource, PolicyWarning, ResolvedPolicy};

/// A configuration that cannot be used, naming the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The document does not parse or does not match the schema.
    #[error("config key `{key}`: {message}")]
    Schema {
        /// Dotted path of the key, or `.` for the whole document.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range or not allowed.
    #[error("config key `{key}`: {message}")]
    Invalid {
        /// Dotted path of the key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// No home directory, so no default locations.
    #[error(
        "cannot find the home directory for the default config and data locations; \
         set SEALPOST_CONFIG and SEALPOST_DATA_DIR"
    )]
    NoHomeDir,
}

fn invalid(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

/// `sealpost.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProxyConfig {
    /// The SMTP proxy.
    pub smtp: SmtpConfig,
    /// The user's policy; replaced wholly by the managed policy file when
    /// that exists. Default is the built-in policy.
    pub policy: PolicyConfig,
}

/// `[smtp]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// Where mail clients connect with plain SMTP and upgrade with STARTTLS
    /// (RFC 3207). Loopback only. Default is `127.0.0.1:1587`.
    pub listen_starttls: SocketAddr,
    /// Where mail clients connect with implicit TLS (RFC 8314). Loopback
    /// only. Default is `127.0.0.1:1465`.
    pub listen_tls: SocketAddr,
    /// The provider's submission server.
    pub upstream: UpstreamConfig,
    /// The outer Subject of encrypted messages; the real one travels inside
    /// the encrypted part (RFC 9788). Default is `"Secure message"`.
    pub placeholder_subject: String,
    /// The largest message accepted, in bytes (advertised with SIZE).
    /// Default is `36700160` (35 MiB).
    pub max_message_bytes: u64,
}

/// `[smtp.upstream]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UpstreamConfig {
    /// Host name of the submission server. Default is `"smtp.gmail.com"`.
    pub host: String,
    /// Port. Default is `465` for `implicit`, `587` for `starttls` and `25`
    /// for `none-loopback-only`.
    pub port: Option<u16>,
    /// How to secure the connection. Default is `implicit`.
    pub tls: UpstreamTls,
    /// A PEM file of extra CA certificates trusted for the upstream, on top
    /// of the platform's roots (a test server, a TLS-inspecting gateway).
    /// A relative path is relative to the config file. Default is none.
    pub extra_ca_file: Option<PathBuf>,
}

/// How the proxy secures its connection to the upstream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpstreamTls {
    /// TLS from the first byte (port 465, RFC 8314). The default.
    #[default]
    Implicit,
    /// Plain connection upgraded with STARTTLS, which is required: a server
    /// that does not offer it is an error (port 587).
    Starttls,
    /// No TLS at all. Only for a server on this machine (tests, a local
    /// relay): a configuration error for any non-loopback host.
    NoneLoopbackOnly,
}

impl fmt::Display for UpstreamTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UpstreamTls::Implicit => "implicit",
            UpstreamTls::Starttls => "starttls",
            UpstreamTls::NoneLoopbackOnly => "none-loopback-only",
        })
    }
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            listen_starttls: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1587),
            listen_tls: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1465),
            upstream: UpstreamConfig::default(),
            placeholder_subject: "Secure message".into(),
            max_message_bytes: 35 * 1024 * 1024,
        }
    }
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        UpstreamConfig {
            host: "smtp.gmail.com".into(),
            port: None,
            tls: UpstreamTls::Implicit,
            extra_ca_file: None,
        }
    }
}

impl UpstreamConfig {
    /// The port to connect to: the configured one, or the mode's default.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            UpstreamTls::Implicit => 465,
            UpstreamTls::Starttls => 587,
            UpstreamTls::NoneLoopbackOnly => 25,
        })
    }

    /// Whether `host` names this machine: `localhost` or a loopback address.
    pub fn host_is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

impl ProxyConfig {
    /// Parses and validates a `sealpost.toml` document.
    pub fn from_toml(text: &str) -> Result<ProxyConfig, ConfigError> {
        let de = toml::Deserializer::new(text);
        let cfg: ProxyConfig = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let message = e
                .inner()
                .message()
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            ConfigError::Schema {
                key: if key.is_empty() { ".".into() } else { key },
                message,
            }
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reads `path`; relative `extra_ca_file` paths are resolved against
    /// the file's directory.
    pub fn load(path: &Path) -> Result<ProxyConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut cfg = ProxyConfig::from_toml(&text)?;
        if let Some(ca) = &cfg.smtp.upstream.extra_ca_file {
            if ca.is_relative() {
                let base = path.parent().unwrap_or(Path::new("."));
                cfg.smtp.upstream.extra_ca_file = Some(base.join(ca));
            }
        }
        Ok(cfg)
    }

    /// Checks what the schema cannot express.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let smtp = &self.smtp;
        for (key, addr) in [
            ("smtp.listen_starttls", smtp.listen_starttls),
            ("smtp.listen_tls", smtp.listen_tls),
        ] {
            if !addr.ip().is_loopback() {
                return Err(invalid(
                    key,
                    format!(
                        "{addr} is not a loopback address: the proxy listens only on this \
                         machine (127.0.0.0/8 or [::1])"
                    ),
                ));
            }
        }
        // Port 0 (pick a free port, as tests do) may appear in both.
        if smtp.listen_starttls == smtp.listen_tls && smtp.listen_tls.port() != 0 {
            return Err(invalid(
                "smtp.listen_tls",
                "must differ from smtp.listen_starttls",
            ));
        }
        let up = &smtp.upstream;
        if up.host.is_empty() || up.host.contains(|c: char| c.is_whitespace() || c == '/') {
            return Err(invalid(
                "smtp.upstream.host",
                format!("{:?} is not a host name", up.host),
            ));
        }
        if up.port == Some(0) {
            return Err(invalid("smtp.upstream.port", "must be 1–65535"));
        }
        if up.tls == UpstreamTls::NoneLoopbackOnly && !up.host_is_loopback() {
            return Err(invalid(
                "smtp.upstream.tls",
                format!(
                    "\"none-loopback-only\" sends mail and passwords unencrypted, so it is \
                     allowed only for a server on this machine, not {:?}; use \"implicit\" \
                     or \"starttls\"",
                    up.host
                ),
            ));
        }
        if up.host_is_loopback()
            && [smtp.listen_starttls.port(), smtp.listen_tls.port()].contains(&up.port())
        {
            return Err(invalid(
                "smtp.upstream.port",
                "the upstream is one of the proxy's own listeners (a loop)",
            ));
        }
        let subject = &smtp.placeholder_subject;
        if subject.trim().is_empty() || subject.contains(['\r', '\n']) || subject.len() > 200 {
            return Err(invalid(
                "smtp.placeholder_subject",
                "must be one non-empty line of at most 200 bytes",
            ));
        }
        if smtp.max_message_bytes < 1024 {
            return Err(invalid(
                "smtp.max_message_bytes",
                format!("{} is too small (at least 1024)", smtp.max_message_bytes),
            ));
        }
        Ok(())
    }
}

/// The configuration the daemon runs with.
#[derive(Debug)]
pub struct LoadedConfig {
    /// Where everything is.
    pub paths: Paths,
    /// `sealpost.toml`, or the defaults if there is none.
    pub proxy: ProxyConfig,
    /// The policy in force and where it came from.
    pub policy: ResolvedPolicy,
}

/// Loads the user config (the defaults if the platform default file does not
/// exist; an error if an explicitly named file does not) and resolves the
/// policy against the managed file.
pub fn load(paths: &Paths) -> Result<LoadedConfig, ConfigError> {
    let proxy = match ProxyConfig::load(&paths.config_file) {
        Err(ConfigError::Read { source, .. })
            if !paths.config_explicit && source.kind() == io::ErrorKind::NotFound =>
        {
            ProxyConfig::default()
        }
        other => other?,
    };
    let policy = resolve_policy(&proxy.policy, &paths.managed_policy)?;
    Ok(LoadedConfig {
        paths: paths.clone(),
        proxy,
        policy,
    })
}

#[cfg(test)]
mod tests;
