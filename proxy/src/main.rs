//! `sealpost`: the Sealpost local agent. Parses arguments and dispatches; the
//! work lives in `commands/`.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "sealpost",
    version,
    about = "Keeps protected health information out of plaintext email"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan messages (.eml) or text files for PHI and print a verdict for each.
    Scan(commands::scan::ScanArgs),
    /// Manage the key store: generate, import, export, list, remove.
    Keys(commands::keys::KeysArgs),
    /// The local CA for the proxy's listeners: export it for IT, or show it.
    Ca(commands::ca::CaArgs),
    /// Check the audit log's hash chain.
    Audit(commands::audit::AuditArgs),
    /// Run the SMTP proxy: mail clients submit to 127.0.0.1, PHI leaves
    /// only encrypted.
    Run(commands::run::RunArgs),
    /// The native-messaging host the browser extension talks to (started by the browser).
    NativeHost(commands::native_host::NativeHostArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => commands::scan::run(&args),
        Command::Keys(args) => commands::keys::run(&args),
        Command::Ca(args) => commands::ca::run(&args),
        Command::Audit(args) => commands::audit::run(&args),
        Command::Run(args) => commands::run::run(&args),
        Command::NativeHost(args) => commands::native_host::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sealpost: {e:#}");
            ExitCode::from(2)
        }
    }
}
