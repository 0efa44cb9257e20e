//! `sealpost keys`: manage the key store.
//!
//! ```text
//! sealpost keys generate --email E [--name N]
//! sealpost keys import FILE...            (armored or binary, keyrings too; `-` = stdin)
//! sealpost keys export FPR|EMAIL [--armor] [-o FILE]
//! sealpost keys list [--json]
//! sealpost keys remove FPR [--with-secret]
//! ```
//!
//! `--dir DIR` overrides the store location (default: `<data dir>/keys`, e.g.
//! `~/.local/share/sealpost/keys` on Linux). Errors go to stderr and exit
//! with status 1. Secret keys are never printed or exported.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde::Serialize;

use sealpost::keys::{parse_fingerprint, CertSummary, ImportStatus, KeyStore};

#[derive(Args, Debug)]
pub struct KeysArgs {
    /// Key store directory. Default: `<data dir>/keys`.
    #[arg(long, value_name = "DIR", global = true)]
    dir: Option<PathBuf>,
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Generate your own key (v4, Ed25519/Cv25519, SEIPDv1 only) and store it.
    Generate {
        /// Your email address.
        #[arg(long)]
        email: String,
        /// Your name, for the user ID.
        #[arg(long)]
        name: Option<String>,
    },
    /// Import certificates (ASCII-armored or binary, single or keyrings).
    Import {
        /// Files to import; `-` reads standard input.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Export public certificates by fingerprint or email address.
    Export {
        /// Fingerprint or email address.
        #[arg(value_name = "FPR|EMAIL")]
        query: String,
        /// ASCII-armor the output (default: binary OpenPGP).
        #[arg(long)]
        armor: bool,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// List stored certificates.
    List {
        /// One JSON array of certificate objects.
        #[arg(long)]
        json: bool,
    },
    /// Remove a certificate.
    Remove {
        /// Full fingerprint.
        #[arg(value_name = "FPR")]
        fingerprint: String,
        /// Also delete the stored secret key, if any (irreversible).
        #[arg(long)]
        with_secret: bool,
    },
}

#[derive(Serialize)]
struct JsonCert<'a> {
    fingerprint: String,
    version: u8,
    user_ids: &'a [String],
    /// Unix seconds, or null for no expiry.
    expires: Option<u64>,
    can_encrypt: bool,
    has_secret: bool,
}

/// Runs `sealpost keys`. Errors are reported here (exit status 1), so the
/// caller's generic error path is not used.
pub fn run(args: &KeysArgs) -> Result<ExitCode> {
    match run_inner(args) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("sealpost keys: {e:#}");
            Ok(ExitCode::from(1))
        }
    }
}

fn run_inner(args: &KeysArgs) -> Result<()> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => default_dir()?,
    };
    let store =
        KeyStore::open(&dir).with_context(|| format!("opening key store {}", dir.display()))?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match &args.command {
        KeysCommand::Generate { email, name } => {
            let fpr = store.generate(email, name.as_deref())?;
            writeln!(out, "generated {fpr:X}")?;
        }
        KeysCommand::Import { files } => {
            for file in files {
                let bytes = read_input(file)?;
                let imported = store
                    .import(&bytes)
                    .with_context(|| format!("importing {}", file.display()))?;
                for c in imported {
                    let status = match c.status {
                        ImportStatus::New => "new",
                        ImportStatus::Updated => "updated",
                        ImportStatus::Unchanged => "unchanged",
                    };
                    let secret = if c.has_secret {
                        " (with secret key)"
                    } else {
                        ""
                    };
                    let unusable = if c.usable {
                        ""
                    } else {
                        " [cannot be encrypted to]"
                    };
                    writeln!(
                        out,
                        "{status} {:X}{secret}{unusable} {}",
                        c.fingerprint,
                        c.user_ids.join(", ")
                    )?;
                }
            }
        }
        KeysCommand::Export {
            query,
            armor,
            output,
        } => {
            let bytes = store
                .export(query, *armor)
                .with_context(|| format!("exporting {query}"))?;
            match output {
                Some(path) => fs::write(path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => out.write_all(&bytes)?,
            }
        }
        KeysCommand::List { json } => {
            let certs = store.list()?;
            if *json {
                let rows: Vec<JsonCert<'_>> = certs.iter().map(json_cert).collect();
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            } else {
                if certs.is_empty() {
                    eprintln!("no certificates in {}", dir.display());
                }
                for c in &certs {
                    write_summary(&mut out, c)?;
                }
            }
        }
        KeysCommand::Remove {
            fingerprint,
            with_secret,
        } => {
            let Some(fpr) = parse_fingerprint(fingerprint) else {
                bail!("not a full fingerprint (40 or 64 hex digits)");
            };
            store
                .remove(&fpr, *with_secret)
                .with_context(|| format!("removing {fpr:X}"))?;
            writeln!(out, "removed {fpr:X}")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `<data dir>/keys` (Linux: `$XDG_DATA_HOME/sealpost/keys`), honouring
/// `$SEALPOST_DATA_DIR` like `sealpost run`, which reads the same store.
pub fn default_dir() -> Result<PathBuf> {
    let paths = sealpost::config::Paths::with_data_dir(None)
        .context("cannot determine the data directory (no home directory?); pass --dir")?;
    Ok(paths.data_dir.join("keys"))
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf)?;
        return Ok(buf);
    }
    fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn json_cert(c: &CertSummary) -> JsonCert<'_> {
    JsonCert {
        fingerprint: format!("{:X}", c.fingerprint),
        version: c.version,
        user_ids: &c.user_ids,
        expires: c.expires.map(unix_seconds),
        can_encrypt: c.can_encrypt,
        has_secret: c.has_secret,
    }
}

fn write_summary(out: &mut impl Write, c: &CertSummary) -> io::Result<()> {
    let expires = c
        .expires
        .map_or_else(|| "never".to_string(), |t| ymd(unix_seconds(t)));
    let flags = format!(
        "{}{}",
        if c.can_encrypt { "encrypt" } else { "UNUSABLE" },
        if c.has_secret { ",secret" } else { "" }
    );
    writeln!(
        out,
        "{:X}  v{}  expires {expires}  [{flags}]",
        c.fingerprint, c.version
    )?;
    for uid in &c.user_ids {
        writeln!(out, "    {uid}")?;
    }
    Ok(())
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD` (UTC) for Unix seconds (Howard Hinnant's civil_from_days).
fn ymd(secs: u64) -> String {
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::ymd;

    #[test]
    fn ymd_known_dates() {
        assert_eq!(ymd(0), "1970-01-01");
        assert_eq!(ymd(951_782_400), "2000-02-29");
        assert_eq!(ymd(1_767_225_600), "2026-01-01");
    }
}
