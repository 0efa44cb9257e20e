//! The readable report of `sealpost scan` without `--json`: per message the
//! verdict, the action the policy takes, and each finding with where it is
//! (part, line, column) and why it was flagged. It never prints the matched
//! text itself, so the report can be pasted into a ticket.

use std::io::{self, Write};

use sealpost_policy::{Part, Verdict};

use super::scan::Scanned;

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub(super) fn write_report(
    out: &mut impl Write,
    path: &str,
    result: &Result<Scanned, String>,
) -> io::Result<()> {
    let s = match result {
        Ok(s) => s,
        Err(e) => return writeln!(out, "{path}\n  error: {e}\n"),
    };
    let a = &s.assessment;
    let verdict = match a.verdict {
        Verdict::Clean => "clean — no PHI found",
        Verdict::Possible => "possible PHI — worth a look",
        Verdict::Phi => "PHI",
    };
    writeln!(out, "{path}")?;
    writeln!(
        out,
        "  verdict: {verdict} (score {:.2}); policy action: {}",
        a.score,
        a.action.as_str()
    )?;
    if a.subject_verdict == Verdict::Phi {
        writeln!(out, "  subject: contains PHI on its own — subjects show in previews and are not encrypted by standard schemes")?;
    }
    if let Some(t) = a.toggle {
        writeln!(out, "  toggle: sender asked for {t:?}")?;
    }
    for f in &a.findings {
        let (text, part) = match f.part {
            Part::Subject => (s.subject.as_deref().unwrap_or(""), "subject"),
            Part::Body => (s.body.as_str(), "body"),
        };
        let (line, col) = line_col(text, f.start);
        writeln!(
            out,
            "  - {:<22} {part} line {line}, col {col} ({} bytes), confidence {:.2}: {}",
            f.category.label(),
            f.end - f.start,
            f.confidence,
            f.explanation()
        )?;
    }
    writeln!(out)
}
