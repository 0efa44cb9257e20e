//! `sealpost ca`: the local CA that the listeners' certificate chains to.
//!
//! `sealpost ca export [-o FILE]` writes the CA certificate (PEM) for IT to
//! deploy to the machine's trust store, creating the CA first if needed.
//! `sealpost ca show` prints its subject, SHA-256 fingerprint, validity and
//! name constraints.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use time::format_description::well_known::Rfc3339;

use sealpost::config::Paths;
use sealpost::tls::LocalCa;

#[derive(Args, Debug)]
pub struct CaArgs {
    #[command(subcommand)]
    command: CaCommand,
    /// Data directory (default: the platform's; or $SEALPOST_DATA_DIR).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum CaCommand {
    /// Write the CA certificate (PEM) to FILE or standard output, creating
    /// the CA if it does not exist yet.
    Export {
        /// Output file (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the CA's subject, fingerprint, validity and name constraints.
    Show,
}

pub fn run(args: &CaArgs) -> Result<ExitCode> {
    let paths = Paths::with_data_dir(args.data_dir.as_deref())?;
    let dir = paths.tls_dir();
    match &args.command {
        CaCommand::Export { output } => {
            let ca = LocalCa::load_or_create(&dir)
                .with_context(|| format!("local CA in {}", dir.display()))?;
            match output {
                Some(path) => {
                    fs::write(path, ca.cert_pem())
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("sealpost: CA certificate written to {}", path.display());
                }
                None => io::stdout().write_all(ca.cert_pem().as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        CaCommand::Show => {
            let Some(ca) =
                LocalCa::load(&dir).with_context(|| format!("local CA in {}", dir.display()))?
            else {
                eprintln!(
                    "sealpost: no local CA in {} yet; `sealpost ca export` creates it",
                    dir.display()
                );
                return Ok(ExitCode::from(1));
            };
            let info = ca.info()?;
            let mut out = io::stdout().lock();
            writeln!(out, "Certificate: {}", ca.cert_path().display())?;
            writeln!(out, "Subject:     {}", info.subject)?;
            writeln!(out, "SHA-256:     {}", info.sha256_fingerprint)?;
            writeln!(out, "Not before:  {}", info.not_before.format(&Rfc3339)?)?;
            writeln!(out, "Not after:   {}", info.not_after.format(&Rfc3339)?)?;
            writeln!(
                out,
                "Name constraints ({}):",
                if info.name_constraints_critical {
                    "critical"
                } else {
                    "NOT critical"
                }
            )?;
            for p in &info.permitted {
                writeln!(out, "  permitted: {p}")?;
            }
            for e in &info.excluded {
                writeln!(out, "  excluded:  {e}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
