//! Where the proxy finds its files.
//!
//! | what | Linux | macOS | Windows |
//! | --- | --- | --- | --- |
//! | user config | `~/.config/sealpost/sealpost.toml` | `~/Library/Application Support/org.Sealpost.sealpost/sealpost.toml` | `%APPDATA%\Sealpost\sealpost\config\sealpost.toml` |
//! | data (CA, audit log) | `~/.local/share/sealpost/` | `~/Library/Application Support/org.Sealpost.sealpost/` | `%APPDATA%\Sealpost\sealpost\data\` |
//! | managed policy (IT) | `/etc/sealpost/policy.toml` | `/Library/Application Support/Sealpost/policy.toml` | `%ProgramData%\Sealpost\policy.toml` |
//!
//! The user locations come from `directories::ProjectDirs::from("org",
//! "Sealpost", "sealpost")` (`$XDG_CONFIG_HOME`/`$XDG_DATA_HOME` are honoured
//! on Linux). Each can be overridden, first by a command-line option, then by
//! an environment variable: `SEALPOST_CONFIG`, `SEALPOST_MANAGED_POLICY`,
//! `SEALPOST_DATA_DIR`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use super::ConfigError;

/// Overrides the user config file path.
pub const CONFIG_ENV: &str = "SEALPOST_CONFIG";
/// Overrides the managed (IT) policy path.
pub const MANAGED_POLICY_ENV: &str = "SEALPOST_MANAGED_POLICY";
/// Overrides the data directory.
pub const DATA_DIR_ENV: &str = "SEALPOST_DATA_DIR";

/// Paths given on the command line; each wins over its environment variable.
#[derive(Debug, Clone, Default)]
pub struct PathOverrides {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--managed-policy`.
    pub managed_policy: Option<PathBuf>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
}

/// The resolved locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The user's `sealpost.toml`.
    pub config_file: PathBuf,
    /// Whether `config_file` was named explicitly (then it must exist);
    /// the platform default may be absent, and the defaults apply.
    pub config_explicit: bool,
    /// The IT-managed policy file, which overrides the user's `[policy]`.
    pub managed_policy: PathBuf,
    /// The data directory: CA and listener keys, audit log and its key.
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolves the paths from `overrides`, the environment and the platform.
    pub fn resolve(overrides: &PathOverrides) -> Result<Paths, ConfigError> {
        Paths::resolve_with(overrides, |name| std::env::var_os(name))
    }

    /// [`Paths::resolve`] with the environment given as a function (tests).
    pub fn resolve_with(
        overrides: &PathOverrides,
        env: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Paths, ConfigError> {
        let pick = |cli: &Option<PathBuf>, var: &str| {
            cli.clone()
                .or_else(|| env(var).filter(|v| !v.is_empty()).map(PathBuf::from))
        };
        let config = pick(&overrides.config, CONFIG_ENV);
        let data = pick(&overrides.data_dir, DATA_DIR_ENV);
        let managed = pick(&overrides.managed_policy, MANAGED_POLICY_ENV)
            .unwrap_or_else(|| managed_policy_default(&env));
        let dirs = if config.is_none() || data.is_none() {
            Some(ProjectDirs::from("org", "Sealpost", "sealpost").ok_or(ConfigError::NoHomeDir)?)
        } else {
            None
        };
        let config_explicit = config.is_some();
        // `dirs` is Some whenever either path is still missing (above).
        let config_file = config.unwrap_or_else(|| {
            dirs.as_ref()
                .map(|d| d.config_dir().join("sealpost.toml"))
                .unwrap_or_default()
        });
        let data_dir = data.unwrap_or_else(|| {
            dirs.as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .unwrap_or_default()
        });
        Ok(Paths {
            config_file,
            config_explicit,
            managed_policy: managed,
            data_dir,
        })
    }

    /// Resolves the paths with only a data directory override (`--data-dir`).
    pub fn with_data_dir(data_dir: Option<&Path>) -> Result<Paths, ConfigError> {
        Paths::resolve(&PathOverrides {
            data_dir: data_dir.map(Path::to_path_buf),
            ..PathOverrides::default()
        })
    }

    /// `<data>/audit.jsonl`: the audit log.
    pub fn audit_log(&self) -> PathBuf {
        self.data_dir.join("audit.jsonl")
    }

    /// `<data>/audit.key`: the per-install HMAC key for Message-ID hashes.
    pub fn audit_key(&self) -> PathBuf {
        self.data_dir.join("audit.key")
    }

    /// `<data>/tls/`: the local CA and the listener certificate.
    pub fn tls_dir(&self) -> PathBuf {
        self.data_dir.join("tls")
    }
}

/// The platform's managed-policy location (see the module docs).
fn managed_policy_default(env: &impl Fn(&str) -> Option<OsString>) -> PathBuf {
    if cfg!(windows) {
        let base = env("ProgramData")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
        base.join("Sealpost").join("policy.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Sealpost/policy.toml")
    } else {
        PathBuf::from("/etc/sealpost/policy.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_beats_env_beats_platform() {
        let env = |name: &str| match name {
            CONFIG_ENV => Some(OsString::from("/env/sealpost.toml")),
            DATA_DIR_ENV => Some(OsString::from("/env/data")),
            MANAGED_POLICY_ENV => Some(OsString::from("/env/policy.toml")),
            _ => None,
        };
        let p = Paths::resolve_with(&PathOverrides::default(), env).unwrap();
        assert_eq!(p.config_file, Path::new("/env/sealpost.toml"));
        assert!(p.config_explicit);
        assert_eq!(p.data_dir, Path::new("/env/data"));
        assert_eq!(p.managed_policy, Path::new("/env/policy.toml"));
        assert_eq!(p.audit_log(), Path::new("/env/data/audit.jsonl"));

        let cli = PathOverrides {
            config: Some("/cli/c.toml".into()),
            managed_policy: Some("/cli/p.toml".into()),
            data_dir: Some("/cli/data".into()),
        };
        let p = Paths::resolve_with(&cli, env).unwrap();
        assert_eq!(p.config_file, Path::new("/cli/c.toml"));
        assert_eq!(p.managed_policy, Path::new("/cli/p.toml"));
        assert_eq!(p.tls_dir(), Path::new("/cli/data/tls"));
    }

    #[test]
    fn platform_defaults() {
        let p = Paths::resolve_with(&PathOverrides::default(), |_| None).unwrap();
        assert!(!p.config_explicit);
        assert!(p.config_file.ends_with("sealpost.toml"), "{p:?}");
        #[cfg(target_os = "linux")]
        {
            assert_eq!(p.managed_policy, Path::new("/etc/sealpost/policy.toml"));
            assert!(p.config_file.ends_with("sealpost/sealpost.toml"), "{p:?}");
            assert!(p.data_dir.ends_with("sealpost"), "{p:?}");
        }
    }
}
