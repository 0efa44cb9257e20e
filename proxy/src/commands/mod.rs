//! One module per subcommand, and what the daemon-like ones share.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use tracing::warn;
use tracing_subscriber::EnvFilter;

use sealpost::config::{self, LoadedConfig, PathOverrides, Paths};

pub mod audit;
pub mod ca;
pub mod keys;
pub mod native_host;
pub mod run;
pub mod scan;
mod scan_report;

/// Where the configuration, the data and the managed policy are, as `sealpost
/// run` and `sealpost native-host` take them. Each option wins over its
/// environment variable, which wins over the platform default.
#[derive(Args, Debug)]
pub struct PathArgs {
    /// The configuration file (default: the platform's; or $SEALPOST_CONFIG).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory: local CA, keys, audit log (default: the platform's;
    /// or $SEALPOST_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The IT-managed policy file (default: the platform's; or
    /// $SEALPOST_MANAGED_POLICY).
    #[arg(long, value_name = "FILE")]
    managed_policy: Option<PathBuf>,
}

impl PathArgs {
    /// Resolves the paths and loads the configuration and the policy; a
    /// managed policy that fell back to the strictest one is logged.
    pub fn load(&self) -> Result<LoadedConfig> {
        let paths = Paths::resolve(&PathOverrides {
            config: self.config.clone(),
            managed_policy: self.managed_policy.clone(),
            data_dir: self.data_dir.clone(),
        })?;
        let loaded = config::load(&paths)
            .with_context(|| format!("configuration {}", paths.config_file.display()))?;
        if let Some(w) = &loaded.policy.warning {
            warn!("{w}");
        }
        Ok(loaded)
    }
}

/// Logs to standard error only (`RUST_LOG`, default `info`).
pub fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
