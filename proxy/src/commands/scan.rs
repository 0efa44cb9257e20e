//! `sealpost scan`: the scanning contract other tools depend on.
//!
//! `sealpost scan --json [--text] [--files-from LISTFILE] [PATH...]` prints one
//! JSON object per input, in input order:
//! `{"path", "verdict", "score", "findings": [{"part", "category", "start", "end", "confidence"}]}`
//! or `{"path", "error"}` for an input that cannot be read or parsed; the rest
//! are still scanned and the exit status is 1. Offsets are UTF-8 byte offsets,
//! end-exclusive, into the decoded part text (with `--text`, into the file).

use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use sealpost_policy::{assess, evaluate, Assessment, Finding, Policy};
use serde::Serialize;

use super::scan_report::write_report;

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Print one JSON object per input (the machine contract).
    #[arg(long)]
    json: bool,
    /// Inputs are plain-text bodies, not RFC 5322 messages.
    #[arg(long)]
    text: bool,
    /// Read more input paths from this file, one per line (`-` for stdin).
    #[arg(long, value_name = "LISTFILE")]
    files_from: Option<PathBuf>,
    /// Policy file (TOML, or JSON if it ends in .json). Default: built-in policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Messages or text files; a directory means every .eml (or .txt with
    /// --text) file under it, in name order.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

#[derive(Serialize)]
struct JsonFinding {
    part: &'static str,
    category: &'static str,
    start: usize,
    end: usize,
    confidence: f64,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    path: &'a str,
    verdict: &'static str,
    score: f64,
    findings: Vec<JsonFinding>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    error: String,
}

/// A scanned input: its texts (for the readable report) and the judgement.
pub(super) struct Scanned {
    pub subject: Option<String>,
    pub body: String,
    pub assessment: Assessment,
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

fn json_finding(f: &Finding) -> JsonFinding {
    JsonFinding {
        part: f.part.as_str(),
        category: f.category.as_str(),
        start: f.start,
        end: f.end,
        confidence: round3(f.confidence),
    }
}

fn load_policy(path: Option<&Path>) -> Result<Policy> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    let text =
        fs::read_to_string(path).with_context(|| format!("reading policy {}", path.display()))?;
    let policy = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        Policy::from_json(&text)
    } else {
        Policy::from_toml(&text)
    };
    policy.with_context(|| format!("policy {}", path.display()))
}

/// Expands directories into their files (sorted) and appends the list file.
fn inputs(args: &ScanArgs) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let ext = if args.text { "txt" } else { "eml" };
    for p in &args.paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, ext, &mut found).with_context(|| format!("listing {}", p.display()))?;
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    if let Some(list) = &args.files_from {
        let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            Box::new(io::BufReader::new(
                fs::File::open(list).with_context(|| format!("opening list {}", list.display()))?,
            ))
        };
        for line in reader.lines() {
            let line = line.with_context(|| format!("reading list {}", list.display()))?;
            let line = line.trim_end_matches('\r');
            if !line.is_empty() {
                out.push(PathBuf::from(line));
            }
        }
    }
    if out.is_empty() {
        bail!("no inputs: give PATH arguments or --files-from LISTFILE");
    }
    Ok(out)
}

fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, ext, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and judges one input.
pub(super) fn scan_one(path: &Path, text_mode: bool, policy: &Policy) -> Result<Scanned, String> {
    let raw = fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if text_mode {
        let body = String::from_utf8(raw).map_err(|e| {
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })?;
        let assessment = assess(None, &body, policy);
        Ok(Scanned {
            subject: None,
            body,
            assessment,
        })
    } else {
        let (m, assessment) = evaluate(&raw, policy).map_err(|e| e.to_string())?;
        Ok(Scanned {
            subject: m.subject,
            body: m.body,
            assessment,
        })
    }
}

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let policy = load_policy(args.policy.as_deref())?;
    let paths = inputs(args)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for path in &paths {
        let shown = path.to_string_lossy();
        let result = scan_one(path, args.text, &policy);
        if result.is_err() {
            failed += 1;
        }
        if args.json {
            let line = match &result {
                Ok(s) => serde_json::to_string(&JsonResult {
                    path: &shown,
                    verdict: s.assessment.verdict.as_str(),
                    score: round3(s.assessment.score),
                    findings: s.assessment.findings.iter().map(json_finding).collect(),
                }),
                Err(e) => serde_json::to_string(&JsonError {
                    path: &shown,
                    error: e.clone(),
                }),
            }?;
            writeln!(out, "{line}")?;
        } else {
            write_report(&mut out, &shown, &result)?;
        }
    }
    out.flush()?;
    if failed > 0 {
        eprintln!(
            "sealpost scan: {failed} of {} inputs could not be scanned",
            paths.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
