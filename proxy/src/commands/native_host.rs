//! `sealpost native-host`: the native-messaging host for the browser
//! extension.
//!
//! ```text
//! sealpost native-host [--config FILE] [--data-dir DIR] [--managed-policy FILE]
//!                      [--allow-origin ORIGIN]... [CALLER...]
//! ```
//!
//! The browser starts it (through the launcher named in the host manifest,
//! see `packaging/native-messaging/`) with the caller as arguments:
//! `chrome-extension://<id>/` from Chrome and Edge, the manifest path and
//! the extension id from Firefox. Configuration is found as by `sealpost
//! run` (options, then `SEALPOST_CONFIG`, `SEALPOST_DATA_DIR`,
//! `SEALPOST_MANAGED_POLICY`, then the platform defaults). Standard output
//! is the channel to the browser: logs go to standard error only (`RUST_LOG`,
//! default `info`) and never hold addresses, subjects or text. Exit status:
//! 0 when the browser closes the port, 1 for a refused caller, 2 for a
//! configuration error (after answering every request with
//! `agent_unavailable` and the reason until the port closes).

use std::io::{BufReader, BufWriter};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use tracing::{info, warn};

use sealpost::native::reply::{self, ErrorCode, ReplyError};
use sealpost::native::{origin, refuse, serve, Ended, Handler};

#[derive(Args, Debug)]
pub struct NativeHostArgs {
    #[command(flatten)]
    paths: super::PathArgs,
    /// Also accept this caller (`chrome-extension://<id>/` or a Firefox
    /// extension id), besides the Sealpost extension.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// What the browser passes: the caller's origin (Chrome, Edge), or the
    /// manifest path and the extension id (Firefox).
    #[arg(
        value_name = "CALLER",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    caller: Vec<String>,
}

pub fn run(args: &NativeHostArgs) -> Result<ExitCode> {
    let started = Instant::now();
    super::init_logging();

    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = BufReader::with_capacity(64 * 1024, stdin.lock());
    let mut output = BufWriter::with_capacity(64 * 1024, stdout.lock());

    let mut allowed = origin::built_in();
    allowed.extend(args.allow_origin.iter().cloned());
    if let Err(e) = origin::check(&args.caller, &allowed) {
        warn!("{e}");
        refuse(&mut input, &mut output, &e.to_string())?;
        return Ok(ExitCode::from(1));
    }

    let handler = match open(args) {
        Ok(h) => h,
        Err(e) => {
            // Answer every request with the reason, so the extension can say
            // what is wrong instead of "agent not responding".
            warn!("{e:#}");
            let why = ReplyError::new(
                ErrorCode::AgentUnavailable,
                format!("the Sealpost agent cannot start: {e:#}"),
            );
            serve(&mut input, &mut output, |id, _| reply::error(id, &why))
                .context("native-messaging channel")?;
            return Ok(ExitCode::from(2));
        }
    };
    info!(
        startup_ms = started.elapsed().as_millis() as u64,
        "native host ready"
    );
    let ended = serve(&mut input, &mut output, |id, request| {
        handler.handle(id, request)
    })
    .context("native-messaging channel")?;
    match ended {
        Ended::Closed | Ended::Truncated => Ok(ExitCode::SUCCESS),
        Ended::Refused => Ok(ExitCode::from(1)),
    }
}

/// Loads the configuration and policy as `sealpost run` does and opens the
/// key store.
fn open(args: &NativeHostArgs) -> Result<Handler> {
    let loaded = args.paths.load()?;
    Handler::open(&loaded).context("key store")
}
