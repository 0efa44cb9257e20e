//! `sealpost run`: the SMTP proxy daemon.
//!
//! ```text
//! sealpost run [--config FILE] [--data-dir DIR] [--managed-policy FILE]
//! ```
//!
//! Each option wins over its environment variable (`SEALPOST_CONFIG`,
//! `SEALPOST_DATA_DIR`, `SEALPOST_MANAGED_POLICY`), which wins over the
//! platform default. Once both listeners are bound it prints exactly one
//! line to standard output,
//! `sealpost: listening starttls=127.0.0.1:PORT tls=127.0.0.1:PORT`; logs
//! go to standard error (`RUST_LOG`, default `info`). SIGTERM or SIGINT
//! stops it (exit status 0); a configuration error exits with status 2.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use sealpost::daemon::Daemon;

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    paths: super::PathArgs,
}

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    super::init_logging();
    let loaded = args.paths.load()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("sealpost")
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let result = runtime.block_on(async {
        let daemon = Daemon::bind(&loaded).await?;
        let (starttls, tls) = daemon.local_addrs()?;
        tracing::info!(%starttls, %tls, upstream_tls = %loaded.proxy.smtp.upstream.tls, "listening");
        let mut out = std::io::stdout().lock();
        writeln!(out, "sealpost: listening starttls={starttls} tls={tls}")?;
        out.flush()?;
        drop(out);
        daemon.run(shutdown_signal()).await;
        anyhow::Ok(())
    });
    // Idle blocking threads must not hold up the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
