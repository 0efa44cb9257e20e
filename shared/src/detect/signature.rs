//! Names in a sign-off ("Thanks,\nCurtis Bell\nFleet Supervisor") belong to
//! the sender, not to a patient. They stay findings (a name is still a name)
//! but carry their own reason, which the verdict weighs lightly.
//!
//! Only the chunk's own text is looked at, so incremental re-scans of a
//! paragraph give the same answer as a full scan.

use crate::category::Category;
use crate::finding::{Finding, Reason};

/// Phrases that close a message before the sender's name.
const CLOSINGS: &[&str] = &[
    "thanks",
    "thank you",
    "thanks again",
    "many thanks",
    "regards",
    "best regards",
    "kind regards",
    "warm regards",
    "best",
    "all the best",
    "sincerely",
    "respectfully",
    "cheers",
    "cordially",
    "take care",
    "talk soon",
    "thx",
    "tks",
    "ty",
    "tia",
    "gracias",
    "saludos",
    "atentamente",
    "--",
    "-",
];

/// Words that end a job-title line under a signature name.
const ROLES: &[&str] = &[
    "administrator",
    "billing",
    "company",
    "contact",
    "rep",
    "corp",
    "inc",
    "llc",
    "receptionist",
    "scheduler",
    "staffing",
    "analyst",
    "assistant",
    "associate",
    "ceo",
    "cfo",
    "coo",
    "coordinator",
    "counsel",
    "director",
    "engineer",
    "executive",
    "lead",
    "manager",
    "officer",
    "partner",
    "president",
    "recruiter",
    "representative",
    "sales",
    "specialist",
    "supervisor",
    "team",
    "trader",
    "vp",
];

/// Marks name findings that sit in a sign-off or on a forwarded message's
/// From, To or Cc line.
pub(super) fn mark(text: &str, findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| {
        f.category == Category::Name
            && matches!(f.reason, Reason::NamePair | Reason::NameSurnameFirst)
    }) {
        if in_header(text, f.start) {
            f.reason = Reason::NameInHeader;
        } else if in_sign_off(text, f.start, f.end) {
            f.reason = Reason::NameInSignature;
        }
    }
}

/// Header fields of a forwarded or quoted message that name correspondents.
const HEADERS: &[&str] = &["from:", "to:", "cc:", "bcc:", "sent by:", "de:", "para:"];

/// "From: Gary Lund <glund@…>", "> To: Beth Alvarado": a header line of a
/// forwarded or quoted message, the name right after the field's name.
fn in_header(text: &str, start: usize) -> bool {
    let line_start = super::line_start(text, start);
    let before = unquote(&text[line_start..start]);
    HEADERS.iter().any(|h| {
        before
            .get(..h.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(h))
            && before[h.len()..]
                .trim_start_matches([' ', '"', '\''])
                .is_empty()
    })
}

/// A line without the marks of a quoted reply ("> > Thanks,").
fn unquote(line: &str) -> &str {
    super::unquoted(line).trim_end()
}

/// A sign-off typed in lower case, as in texts and portal messages: "-jen
/// k." or "thanks\nbrittany" as the last line, a listed first name that is
/// no everyday word, with an initial at most. Returns its byte range.
pub(super) fn lowercase_sign_off(text: &str) -> Option<(usize, usize)> {
    let body = text.trim_end();
    let line_start = super::line_start(text, body.len());
    let line = &text[line_start..body.len()];
    let dashed = line.trim_start().trim_start_matches('-');
    let name = dashed.trim_start();
    let prev = line_before(text, line_start);
    if dashed.len() == line.trim_start().len() && !prev.is_some_and(is_closing) {
        return None;
    }
    let mut words = name.split(' ');
    let first = words.next()?;
    let initial = words.next();
    if words.next().is_some()
        || first.len() < 2
        || !first.bytes().all(|b| b.is_ascii_lowercase())
        || initial.is_some_and(|i| {
            let i = i.strip_suffix('.').unwrap_or(i);
            i.len() != 1 || !i.bytes().all(|b| b.is_ascii_lowercase())
        })
    {
        return None;
    }
    let k = crate::dict::dicts().name(first);
    if !k.first || k.common_word {
        return None;
    }
    let start = body.len() - name.len();
    Some((start, body.len()))
}

fn in_sign_off(text: &str, start: usize, end: usize) -> bool {
    let line_start = super::line_start(text, start);
    let line_end = super::line_end(text, end);
    let before = unquote(&text[line_start..start]);
    let after = text[end..line_end].trim();
    // "Thanks, John Smith" on one line.
    if is_closing(before) {
        return after.is_empty() || after.starts_with(',');
    }
    // "Regulatory Affairs Manager: Diane Osterman", "Contact: Tyler Monroe".
    if let Some(role) = before.strip_suffix(':') {
        return is_role_line(role);
    }
    // "Derek Hollis | ClaimSmith | (312) 555-0175" closing a paragraph.
    if before.is_empty()
        && after.starts_with('|')
        && text[line_end..]
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count()
            <= 2
    {
        return true;
    }
    // Otherwise the name must be the whole line (credentials may follow).
    if !before.is_empty() || !(after.is_empty() || after.starts_with(',')) {
        return false;
    }
    let prev = line_before(text, line_start);
    if prev.is_some_and(is_closing) {
        return true;
    }
    let next = text[line_end..]
        .lines()
        .map(unquote)
        .find(|l| !l.is_empty());
    next.is_some_and(is_role_line)
}

/// The last non-blank line before `line_start`, trimmed.
fn line_before(text: &str, line_start: usize) -> Option<&str> {
    text[..line_start]
        .lines()
        .rev()
        .map(unquote)
        .find(|l| !l.is_empty())
}

fn is_closing(s: &str) -> bool {
    let s = s.trim_end_matches([',', '!', '.', ' ']).trim();
    CLOSINGS.iter().any(|c| s.eq_ignore_ascii_case(c))
}

fn is_role_line(s: &str) -> bool {
    s.len() <= 80
        && s.split([' ', ',', '|']).any(|w| {
            let w = w.trim_end_matches('.');
            ROLES.iter().any(|r| w.eq_ignore_ascii_case(r))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_off(text: &str, name: &str) -> bool {
        let s = text.find(name).expect("name in text");
        in_sign_off(text, s, s + name.len())
    }

    #[test]
    fn sign_offs() {
        assert!(sign_off(
            "See you.\n\nThanks,\nCurtis Bell\n",
            "Curtis Bell"
        ));
        assert!(sign_off("Thanks, Curtis Bell", "Curtis Bell"));
        assert!(sign_off("Curtis Bell\nFleet Supervisor\n", "Curtis Bell"));
        assert!(sign_off(
            "Kyle Brennan\nSenior Recruiter, Apex Staffing",
            "Kyle Brennan"
        ));
        assert!(sign_off("Best regards,\n\nAnna Ruiz, RN\n", "Anna Ruiz"));
        assert!(sign_off(
            "Customer Service Rep: Tyler Monroe",
            "Tyler Monroe"
        ));
        assert!(sign_off(
            "Got 20 minutes?\n\nDerek Hollis | ClaimSmith | (312) 555-0175\n",
            "Derek Hollis"
        ));
        // Quoted in a reply.
        assert!(sign_off(
            "> Happy to set up a call.\n>\n> Gary Lund\n> Regional Service Sales, Magna Imaging\n",
            "Gary Lund"
        ));
    }

    #[test]
    fn forwarded_headers() {
        let header = |text: &str, name: &str| in_header(text, text.find(name).expect("name"));
        assert!(header(
            "---------- Forwarded message ---------\nFrom: Gary Lund <glund@example.com>\n",
            "Gary Lund"
        ));
        assert!(header(
            "> To: Beth Alvarado <b@example.com>",
            "Beth Alvarado"
        ));
        assert!(!header("Patient: Gary Lund", "Gary Lund"));
        assert!(!header(
            "From: the front desk, regarding your mother Gary Lund who is",
            "Gary Lund"
        ));
    }

    #[test]
    fn not_sign_offs() {
        assert!(!sign_off("Thanks,\nCurtis Bell has a fever", "Curtis Bell"));
        assert!(!sign_off("Pt Curtis Bell seen today\n", "Curtis Bell"));
        assert!(!sign_off("Curtis Bell\nDOB 3/4/1961\n", "Curtis Bell"));
        assert!(!sign_off("Patient: Curtis Bell", "Curtis Bell"));
        assert!(!sign_off(
            "Curtis Bell | 03/04/1961 | M\nAnna Ruiz | 05/06/1970 | F\nJo Lee | 01/01/1950 | F\nEnd",
            "Curtis Bell"
        ));
    }
}
