//! `sealpost audit verify [FILE]`: checks the audit log's hash chain.
//!
//! Prints `OK` with the record count and the chain head, or the first bad
//! line and what is wrong with it (edited, deleted, reordered, inserted,
//! truncated, malformed); exits 1 if the chain is broken, 2 if the log
//! cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use sealpost::audit::{verify_file, VerifyError};
use sealpost::config::Paths;

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk the hash chain and report the first bad line.
    Verify {
        /// The log (default: audit.jsonl in the data directory).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Data directory (default: the platform's; or $SEALPOST_DATA_DIR).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

pub fn run(args: &AuditArgs) -> Result<ExitCode> {
    match &args.command {
        AuditCommand::Verify { file, data_dir } => {
            let path = match file {
                Some(f) => f.clone(),
                None => Paths::with_data_dir(data_dir.as_deref())?.audit_log(),
            };
            match verify_file(&path) {
                Ok(ok) => {
                    println!(
                        "{}: OK, {} records, head {}",
                        path.display(),
                        ok.records,
                        ok.head.as_deref().unwrap_or("(empty)")
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(VerifyError::Chain(b)) => {
                    println!("{}: FAILED at {b}", path.display());
                    Ok(ExitCode::from(1))
                }
                Err(VerifyError::Io(e)) => {
                    Err(e).with_context(|| format!("reading {}", path.display()))
                }
            }
        }
    }
}
