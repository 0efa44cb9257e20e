//! The detector: one pass of the phrase automaton and one pass of the lexer
//! over a chunk of text, then a linear merge that gives each token its meaning
//! from the labels and titles just before it. Validators (checksums, code
//! lists) decide; context raises confidence.

use crate::category::{Category, Part};
use crate::checksum;
use crate::dict::{dicts, NameKind};
use crate::finding::{Finding, Reason};
use crate::lexicon::{lexicon, Cue, Hit, Label, Title};
use crate::patterns::{lexer, Shape, Token};

/// How many cue words of each kind a chunk holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cues {
    /// Words that are unmistakably about a patient (pt, dx, DOB, diagnosed).
    pub patient: u32,
    /// Clinical workflow words (referral, refill, appointment).
    pub clinical: u32,
    /// Relatives (my daughter, her husband).
    pub relative: u32,
    /// Health information that belongs to one person ("my colonoscopy",
    /// "his A1c", "Mrs. Odom's dialysis"; not "your", which marketing uses).
    pub own: u32,
    /// Words of mail sent to many (unsubscribe, press release, CME credit).
    pub bulk: u32,
    /// The writer's own or their family's health ("my knee surgery", "my
    /// son", "his ADHD" after "my son"): whoever signs is the patient or
    /// speaks for them.
    pub mine: u32,
    /// Health information addressed to the reader ("your A1c", "your
    /// appointment"): a greeted first name is then the patient's.
    pub yours: u32,
    /// An animal's care: a veterinary clinic's mail ("canine", "your pet").
    pub animal: u32,
    /// A greeting to a group ("Hi everyone,", "Dear colleagues,").
    pub group: u32,
}

impl Cues {
    pub(crate) fn add(&mut self, o: Cues) {
        self.patient += o.patient;
        self.clinical += o.clinical;
        self.relative += o.relative;
        self.own += o.own;
        self.bulk += o.bulk;
        self.mine += o.mine;
        self.yours += o.yours;
        self.animal += o.animal;
        self.group += o.group;
    }
}

/// Findings and cues of one chunk, offsets relative to the chunk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChunkScan {
    /// Findings in the chunk, sorted by start.
    pub findings: Vec<Finding>,
    /// Cue words in the chunk.
    pub cues: Cues,
}

struct Ctx<'t> {
    text: &'t str,
    part: Part,
    labels: Vec<Hit>,
    titles: Vec<Hit>,
    out: Vec<Finding>,
    /// The text names health information or speaks of care.
    health_context: bool,
    /// Whether the text speaks of one person's own visit (`own_visit`),
    /// found when first asked.
    own_visit: Option<bool>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        category: Category,
        start: usize,
        end: usize,
        confidence: f32,
        reason: Reason,
    ) {
        // Published specimen numbers (the CMS sample MBI, test card numbers)
        // appear in training mail and documentation; they identify nobody.
        let specimen = || {
            matches!(
                category,
                Category::Mbi | Category::Ssn | Category::CreditCard
            ) && checksum::published_sample(&self.text[start..end])
        };
        if start < end && !specimen() {
            self.out.push(Finding {
                part: self.part,
                category,
                start,
                end,
                confidence,
                reason,
            });
        }
    }

    /// The label that ends just before `start`, if the text between them is
    /// only separators (`MRN: `, `DOB - `, `Member ID #`) or, for labels that
    /// introduce a phrase (`born on`, `CPT codes billed:`), a few short words.
    fn label_before(&self, start: usize) -> Option<Label> {
        let i = self.labels.partition_point(|h| h.end <= start);
        let h = self.labels[..i].last()?;
        let gap = &self.text[h.end..start];
        let label = h.term.label?;
        let loose = matches!(
            label,
            Label::Cpt
                | Label::Icd
                | Label::Dob
                | Label::Death
                | Label::Service
                | Label::Admission
                | Label::Discharge
        );
        // "DL CA D1234567", "License: NY 123456": the issuing state between.
        let state_between = || {
            let w = gap.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '#' | '-'));
            w.len() == 2 && w.bytes().all(|b| b.is_ascii_uppercase()) && gap.len() <= 8
        };
        if separators_only(gap, 12)
            || (loose && short_words(gap, 28))
            || (label == Label::License && state_between())
        {
            Some(label)
        } else {
            None
        }
    }

    /// The title ending right before `start` (`Dr. `, `Mrs `).
    fn title_before(&self, start: usize) -> Option<Title> {
        let i = self.titles.partition_point(|h| h.end <= start);
        let h = self.titles[..i].last()?;
        let gap = &self.text[h.end..start];
        (gap.len() <= 2 && gap.bytes().all(|b| b == b' ' || b == b'.')).then_some(h.term.title?)
    }
}

/// Only spaces, punctuation such as `: # . = - ( )` and the words "no",
/// "number", "id": at most `max` bytes, and no blank line.
fn separators_only(gap: &str, max: usize) -> bool {
    gap.len() <= max
        && gap.matches('\n').count() <= 1
        && gap
            .split(|c: char| {
                matches!(
                    c,
                    ' ' | '\t' | ':' | '#' | '.' | '=' | '-' | '(' | ')' | '\r' | '\n'
                )
            })
            .all(|w| {
                w.is_empty()
                    || matches!(
                        w.to_ascii_lowercase().as_str(),
                        "no" | "number" | "num" | "nbr" | "id"
                    )
            })
}

/// Separators plus a few short connecting words ("is", "on", "of", "no.").
fn short_words(gap: &str, max: usize) -> bool {
    gap.len() <= max
        && !gap.contains('\n')
        && gap
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .all(|w| {
                w.len() <= 8
                    && matches!(
                        w.to_ascii_lowercase().as_str(),
                        "is" | "on"
                            | "of"
                            | "was"
                            | "no"
                            | "number"
                            | "num"
                            | "id"
                            | "date"
                            | "the"
                            | "code"
                            | "codes"
                            | "billed"
                            | "for"
                            | "at"
                            | "as"
                            | "listed"
                            | "primary"
                            | "secondary"
                            | "and"
                            | "were"
                            | "are"
                            | "used"
                            | "submitted"
                            | "in"
                            | "her"
                            | "his"
                            | "dated"
                    )
            })
}

/// The digits of a token, without allocating. A token with more than 24
/// digits (more than any identifier has) yields none.
struct Digits {
    buf: [u8; 24],
    len: usize,
}

impl std::ops::Deref for Digits {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

fn digits_of(s: &str) -> Digits {
    let mut d = Digits {
        buf: [0; 24],
        len: 0,
    };
    for b in s.bytes().filter(u8::is_ascii_digit) {
        if d.len == d.buf.len() {
            // Longer than any identifier: nothing to judge.
            return Digits {
                buf: [0; 24],
                len: 0,
            };
        }
        d.buf[d.len] = b - b'0';
        d.len += 1;
    }
    d
}

/// Scans one chunk of text (a paragraph) and returns its findings and cues.
pub fn scan_chunk(text: &str, part: Part) -> ChunkScan {
    let mut cues = Cues::default();
    let mut health: Vec<Hit> = Vec::new();
    let mut labels = Vec::new();
    let mut titles = Vec::new();
    lexicon().hits(text, |h| {
        match h.term.cue {
            Some(Cue::Patient) => cues.patient += 1,
            Some(Cue::Clinical) => {
                cues.clinical += 1;
                match possessed(text, h.start) {
                    // "your fasting labs", "your appointment": care of the reader.
                    Possessed::Yours => cues.yours += 1,
                    // "my next appt", "my refill": the writer's own care.
                    Possessed::Mine => cues.mine += 1,
                    _ => {}
                }
            }
            Some(Cue::Relative) => {
                cues.relative += 1;
                let first = text[h.start..h.end].split(' ').next().unwrap_or("");
                if MINE.iter().any(|p| first.eq_ignore_ascii_case(p)) {
                    cues.mine += 1;
                } else if first.eq_ignore_ascii_case("your") {
                    // "your mother": the care of the reader's family.
                    cues.yours += 1;
                    cues.patient += 1;
                }
            }
            Some(Cue::Bulk) => cues.bulk += 1,
            Some(Cue::Body) => cues.mine += 1,
            Some(Cue::Animal) => cues.animal += 1,
            Some(Cue::Group) => cues.group += 1,
            None => {}
        }
        if h.term.health.is_some() {
            health.push(h);
        }
        if h.term.label.is_some() {
            labels.push(h);
        }
        if h.term.title.is_some() {
            titles.push(h);
        }
    });
    let mut ctx = Ctx {
        text,
        part,
        labels,
        titles,
        out: Vec::new(),
        health_context: !health.is_empty() || cues.clinical > 0 || cues.patient > 0,
        own_visit: None,
    };
    for h in &health {
        health_finding(&mut ctx, h);
        // "his lisinopril", "my RA": somebody's own health.
        match possessed(text, h.start) {
            Possessed::Not => {}
            Possessed::Anyone => cues.patient += 1,
            Possessed::Yours => {
                cues.patient += 1;
                cues.yours += 1;
            }
            Possessed::One => {
                cues.patient += 1;
                cues.own += 1;
            }
            Possessed::Mine => {
                cues.patient += 1;
                cues.own += 1;
                cues.mine += 1;
            }
        }
    }
    let mut words: Vec<Token> = Vec::new();
    lexer().tokens(text, |t| {
        if t.shape == Shape::Names {
            split_words(text, t, &mut words);
        } else {
            classify(&mut ctx, t);
        }
    });
    names(&mut ctx, &words);
    names_over_addresses(&mut ctx);
    cues.patient += names_with_age_and_sex(&mut ctx);
    greetings_by_line(&mut ctx);
    lowercase_titled(&mut ctx);
    lowercase_introduced(&mut ctx);
    labelled_caps_names(&mut ctx);
    credentials_and_eponyms(&mut ctx);
    dates_next_to_names(&mut ctx);
    signature::mark(text, &mut ctx.out);
    if let Some((s, e)) = signature::lowercase_sign_off(text) {
        ctx.push(Category::Name, s, e, 0.75, Reason::NameInSignature);
    }
    let mut findings = ctx.out;
    findings.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    findings.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.category == b.category);
    ChunkScan { findings, cues }
}

/// The capitalised words of a `Names` run (initials and titles' dots left out).
fn split_words(text: &str, run: Token, out: &mut Vec<Token>) {
    let s = &text.as_bytes()[run.start..run.end];
    let mut at = 0;
    for piece in s.split(|&b| matches!(b, b' ' | b',' | b'.')) {
        let start = run.start + at;
        at += piece.len() + 1;
        // Two characters or more: past the first byte (ASCII) is another char.
        if piece.len() >= 2 && piece[0].is_ascii_uppercase() {
            out.push(Token {
                shape: Shape::Names,
                start,
                end: start + piece.len(),
            });
        }
    }
}

fn health_finding(ctx: &mut Ctx, h: &Hit) {
    let Some((cat, conf)) = h.term.health else {
        return;
    };
    let after = &ctx.text[h.end..];
    let (conf, reason, end) = match cat {
        Category::Medication => match dose_after(after) {
            Some(n) => (0.95, Reason::MedicationDose, h.end + n),
            // "5 mg of morphine": the dose before the drug.
            None if dose_before(&ctx.text[..h.start]) => (0.95, Reason::MedicationDose, h.end),
            None if h.term.needs_dose => return,
            None => (conf, Reason::Medication, h.end),
        },
        Category::Lab => match value_after(after) {
            Some(n) => (0.9, Reason::LabValue, h.end + n),
            None => (conf, Reason::Lab, h.end),
        },
        Category::Procedure => (conf, Reason::Procedure, h.end),
        _ if h.term.specialty || names_an_institution(ctx.text, h) => {
            if !visit_near(ctx.text, h.start, h.end)
                && !*ctx.own_visit.get_or_insert_with(|| own_visit(ctx.text))
            {
                return;
            }
            (conf, Reason::Specialty, h.end)
        }
        _ => (
            conf,
            if h.term.case == crate::lexicon::Case::Exact {
                Reason::ConditionAbbrev
            } else {
                Reason::Condition
            },
            h.end,
        ),
    };
    let reason = if h.term.case == crate::lexicon::Case::Exact && cat != Category::Medication {
        Reason::ConditionAbbrev
    } else {
        reason
    };
    ctx.push(cat, h.start, end, conf, reason);
}

/// "Riverside Cancer Pavilion", "American Heart Association", "Diabetes
/// Prevention Program": a condition in capitals naming an institution,
/// which says what somebody is treated for only when they visit it, like a
/// specialty.
fn names_an_institution(text: &str, h: &Hit) -> bool {
    const INSTITUTIONS: &[&str] = &[
        "Alliance",
        "Association",
        "Awareness",
        "Center",
        "Centre",
        "Clinic",
        "Foundation",
        "Fund",
        "Institute",
        "Network",
        "Pavilion",
        "Program",
        "Research",
        "Society",
        "Walk",
    ];
    // The institution's word next, or after one more capitalised word
    // ("Diabetes Prevention Program").
    text[h.start..].starts_with(|c: char| c.is_uppercase())
        && text[h.end..].strip_prefix(' ').is_some_and(|rest| {
            let mut words = rest.split([' ', ',', '.', '\n', '\r']);
            let next = words.next().unwrap_or("");
            INSTITUTIONS.contains(&next)
                || (next.starts_with(|c: char| c.is_ascii_uppercase())
                    && words.next().is_some_and(|w| INSTITUTIONS.contains(&w)))
        })
}

/// Whole-word visit words in lower-cased text, by their offsets.
fn visits(lower: &str) -> impl Iterator<Item = usize> + '_ {
    let b = lower.as_bytes();
    let letter = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphabetic);
    // Whole words only: "visitors" is no visit.
    VISIT.iter().flat_map(move |w| {
        lower.match_indices(w).map(|(at, _)| at).filter(move |&at| {
            !letter(at.checked_sub(1).and_then(|i| b.get(i))) && !letter(b.get(at + w.len()))
        })
    })
}

/// Whether a visit is spoken of within a few lines of a specialty or
/// service: "your appointment ... at Evergreen Behavioral Health", "date of
/// service ... Emergency Department". A department named in a signature, a
/// rota or a credentialing list is nobody's care.
fn visit_near(text: &str, start: usize, end: usize) -> bool {
    const RADIUS: usize = 200;
    let mut lo = start.saturating_sub(RADIUS);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (end + RADIUS).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    visits(&text[lo..hi].to_ascii_lowercase()).next().is_some()
}

/// One person's own visit anywhere in the text ("your first appointment",
/// "my next visit", a therapist's "our Thursday session"): it ties a
/// practice named further off, in the signature, to them.
fn own_visit(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let own = visits(&lower).any(|at| {
        let ours = || {
            lower[..at]
                .split_whitespace()
                .rev()
                .take(2)
                .any(|w| w == "our")
        };
        matches!(possessed(&lower, at), Possessed::Yours | Possessed::Mine) || ours()
    });
    own
}

const VISIT: &[&str] = &[
    "appointment",
    "appointments",
    "appt",
    "appts",
    "visit",
    "visits",
    "seen",
    "missed",
    "reschedule",
    "rescheduled",
    "check-in",
    "admitted",
    "discharged",
    "date of service",
    "session",
    "sessions",
    "cita",
    "consulta",
    "visita",
];

/// A URL that carries a record or person number: a run of five digits or
/// more, or a query key that names one (`id=`, `pid=`, `mrn=`, `patient`).
fn url_with_id(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let long_number = url
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 5);
    long_number
        || ["id=", "mrn", "patient", "member", "chart"]
            .iter()
            .any(|k| lower.contains(k))
}

/// Length of a dose right after a drug name (` 500 mg`, ` 10mg`, ` 0.5 mL`).
fn dose_after(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && i < 3 && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    let num_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
        i += 1;
    }
    if i == num_start || !b[num_start].is_ascii_digit() {
        return None;
    }
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let unit_start = i;
    while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'%' || b[i] == b'/') {
        i += 1;
    }
    let unit = s[unit_start..i].to_ascii_lowercase();
    DOSE_UNITS.contains(&unit.as_str()).then_some(i)
}

const DOSE_UNITS: &[&str] = &[
    "mg", "mcg", "g", "ml", "unit", "units", "iu", "%", "mg/ml", "tab", "tabs", "tablet",
    "tablets", "cap", "caps", "capsule", "capsules", "mg/dl", "meq", "puffs", "puff", "drops", "u",
];

/// Whether the text before a drug name ends in its dose (`5 mg of `,
/// `10mg `, `2 tabs of `).
fn dose_before(s: &str) -> bool {
    let s = s.strip_suffix(' ').unwrap_or(s);
    let s = s.strip_suffix(" of").unwrap_or(s);
    let unit_at = s.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    let unit = &s[unit_at..];
    let num = s[..unit_at].trim_end_matches(' ');
    unit_at < s.len()
        && num.len() + 1 >= unit_at
        && num.ends_with(|c: char| c.is_ascii_digit())
        && DOSE_UNITS.iter().any(|u| unit.eq_ignore_ascii_case(u))
}

/// Length of a result right after a lab name (` 9.2`, `: 140`, ` was 7.1%`).
fn value_after(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let lim = b.len().min(16);
    while i < lim && !b[i].is_ascii_digit() {
        if b[i] == b'\n' || (b[i].is_ascii_alphabetic() && !in_small_word(s, i)) {
            return None;
        }
        i += 1;
    }
    if i >= lim || !b[i].is_ascii_digit() {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if b[i - 1] == b'.' {
        i -= 1;
    }
    if i < b.len() && b[i] == b'%' {
        i += 1;
    }
    Some(i)
}

/// Whether the letter at `i` belongs to one of the words allowed between a
/// lab name and its value ("was", "is", "of", "at", "level").
fn in_small_word(s: &str, i: usize) -> bool {
    // Byte search: a multi-byte neighbour (é) must not put `start` inside a char.
    let b = s.as_bytes();
    let start = b[..i]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(0, |p| p + 1);
    let end = b[i..]
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .map_or(b.len(), |p| i + p);
    matches!(
        s[start..end].to_ascii_lowercase().as_str(),
        "was" | "is" | "of" | "at" | "level" | "result" | "now" | "up" | "down" | "to"
    )
}

fn classify(ctx: &mut Ctx, t: Token) {
    let text = ctx.text;
    let s = &text[t.start..t.end];
    let label = ctx.label_before(t.start);
    let (start, end) = (t.start, t.end);
    match t.shape {
        Shape::Email => ctx.push(Category::Email, start, end, 0.95, Reason::Email),
        Shape::Url => {
            let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            let reason = if url_with_id(trimmed) {
                Reason::Url
            } else {
                Reason::UrlPlain
            };
            ctx.push(Category::Url, start, start + trimmed.len(), 0.8, reason);
        }
        Shape::Ipv4 => {
            let before = text[..start].trim_end().to_ascii_lowercase();
            let versiony =
                before.ends_with("version") || before.ends_with('v') || before.ends_with("ver");
            if checksum::ipv4(s) && !versiony {
                ctx.push(Category::Ip, start, end, 0.85, Reason::IpAddress);
            }
        }
        // "5/24" is a date only where a date is expected: after a weekday,
        // "on", "by", "week of", a date label. Otherwise it is a fraction,
        // a ratio, a score.
        Shape::DateShort => {
            if label.is_some_and(Label::is_date) || date_cue_before(text, start) {
                date(ctx, start, end, label);
            }
        }
        Shape::DateIso | Shape::DateNumeric | Shape::DateMonthFirst | Shape::DateDayFirst => {
            if valid_date(t.shape, s) {
                date(ctx, start, end, label);
            } else {
                value(ctx, t, label);
            }
        }
        Shape::Ssn => {
            if checksum::ssn(s) {
                let (c, r) = if label == Some(Label::Ssn) {
                    (0.98, Reason::SsnLabelled)
                } else {
                    (0.9, Reason::SsnValid)
                };
                ctx.push(Category::Ssn, start, end, c, r);
            }
        }
        Shape::Phone => {
            let all = digits_of(s.split(['x', 'e']).next().unwrap_or(s));
            let ds: &[u8] = if all.len() == 11 && all[0] == 1 {
                &all[1..]
            } else {
                &all
            };
            if checksum::nanp(ds) {
                // 800, 833, 844, 855, 866, 877, 888: nobody's own line.
                let toll_free = ds[0] == 8 && ds[1] == ds[2] && matches!(ds[1], 0 | 3..=8);
                match label {
                    _ if toll_free => {
                        let cat = if label == Some(Label::Fax) {
                            Category::Fax
                        } else {
                            Category::Phone
                        };
                        ctx.push(cat, start, end, 0.85, Reason::TollFree)
                    }
                    Some(Label::Fax) => ctx.push(Category::Fax, start, end, 0.9, Reason::Fax),
                    Some(Label::Phone) => ctx.push(Category::Phone, start, end, 0.9, Reason::Phone),
                    _ => ctx.push(Category::Phone, start, end, 0.85, Reason::Phone),
                }
            }
        }
        Shape::CardGrouped => {
            if checksum::credit_card(s) {
                ctx.push(Category::CreditCard, start, end, 0.95, Reason::CardLuhn);
            } else {
                value(ctx, t, label);
            }
        }
        Shape::Age | Shape::AgeLabelled => {
            let n: u32 = s
                .split(|c: char| !c.is_ascii_digit())
                .find(|p| !p.is_empty())
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            if (90..=125).contains(&n) {
                ctx.push(Category::Age, start, end, 0.9, Reason::AgeOver89);
            }
        }
        Shape::Vital => ctx.push(Category::Lab, start, end, 0.9, Reason::VitalSign),
        // "The result was 152 mg/dL": a result whose test is named apart,
        // unless the test's own finding holds its value ("eGFR 48"), or it
        // is a threshold ("hemoglobin of at least 12.5 g/dL").
        Shape::Measure
            if !threshold_before(&ctx.text[..start])
                && !ctx
                    .out
                    .iter()
                    .any(|f| f.category == Category::Lab && f.start < end && f.end > start) =>
        {
            ctx.push(Category::Lab, start, end, 0.85, Reason::LabValue)
        }
        Shape::Measure => {}
        Shape::Imaging => ctx.push(Category::Procedure, start, end, 0.85, Reason::Imaging),
        Shape::Street => ctx.push(Category::Address, start, end, 0.85, Reason::StreetAddress),
        Shape::PoBox => ctx.push(Category::Address, start, end, 0.8, Reason::PostBox),
        Shape::CityState => city_state(ctx, start, s),
        Shape::CapsName => caps_name(ctx, start, s),
        Shape::Mbi if checksum::mbi(s) => {
            let c = if matches!(label, Some(Label::Mbi | Label::HealthPlan | Label::Member)) {
                0.98
            } else {
                0.85
            };
            ctx.push(
                Category::Mbi,
                start,
                end,
                c,
                if c > 0.9 {
                    Reason::Labelled
                } else {
                    Reason::MbiFormat
                },
            );
        }
        Shape::Dea if checksum::dea(s) => {
            let c = if label == Some(Label::Dea) { 0.98 } else { 0.9 };
            ctx.push(Category::Dea, start, end, c, Reason::DeaChecksum);
        }
        Shape::Vin if checksum::vin(s) => {
            ctx.push(Category::Vehicle, start, end, 0.9, Reason::VinChecksum)
        }
        Shape::Icd10 if dicts().icd10(s) => {
            let listed = label == Some(Label::Icd) || follows(ctx, start, Category::Icd10);
            let dotted = s.contains('.');
            let upper = !s.bytes().any(|b| b.is_ascii_lowercase());
            if listed || (dotted && upper) {
                ctx.push(
                    Category::Icd10,
                    start,
                    end,
                    if listed { 0.97 } else { 0.9 },
                    Reason::Icd10Code,
                );
            } else {
                // An undotted code-shaped word (D4341) may still be another id.
                value(ctx, t, label);
            }
        }
        _ => value(ctx, t, label),
    }
}

/// Whether the text before a measurement ends in a comparison that makes it
/// a threshold ("at least", "above", "<", "goal of"), not somebody's result.
fn threshold_before(before: &str) -> bool {
    const WORDS: &[&str] = &[
        "at least",
        "at most",
        "minimum",
        "maximum",
        "above",
        "below",
        "over",
        "under",
        "less than",
        "more than",
        "greater than",
        "higher than",
        "lower than",
        "exceeds",
        "exceeding",
        "cutoff",
        "cut-off",
        "target",
        "goal",
        "goal of",
        "target of",
        "threshold",
        "<",
        ">",
        "≤",
        "≥",
        "<=",
        ">=",
    ];
    let tail = before.trim_end_matches([' ', ':']);
    let mut from = tail.len().saturating_sub(16);
    while !tail.is_char_boundary(from) {
        from -= 1;
    }
    let tail = &tail[from..];
    WORDS.iter().any(|w| {
        tail.len() >= w.len()
            && tail.is_char_boundary(tail.len() - w.len())
            && tail[tail.len() - w.len()..].eq_ignore_ascii_case(w)
            && !tail[..tail.len() - w.len()].ends_with(|c: char| c.is_alphanumeric())
    })
}

/// Whether a finding of `cat` ends just before `start`, separated by a list
/// separator (`E11.9, I10`, `99213 and 36415`).
fn follows(ctx: &Ctx, start: usize, cat: Category) -> bool {
    ctx.out.iter().rev().take(4).any(|f| {
        f.category == cat && f.end <= start && {
            let gap = ctx.text[f.end..start].trim();
            gap.len() <= 4 && matches!(gap, "" | "," | ";" | "/" | "and" | "&" | "+" | ", and")
        }
    })
}

/// Whether the word before `start` (past spaces and a comma) says a date
/// follows: a weekday or a word such as "on", "by", "of" ("week of"),
/// "until", "since".
fn date_cue_before(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', ',', '\t']);
    let word = &before[before
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .len()..];
    word.len() >= 2
        && word.len() <= 9
        && matches!(
            word.to_ascii_lowercase().as_str(),
            "mon"
                | "monday"
                | "tue"
                | "tues"
                | "tuesday"
                | "wed"
                | "weds"
                | "wednesday"
                | "thu"
                | "thur"
                | "thurs"
                | "thursday"
                | "fri"
                | "friday"
                | "sat"
                | "saturday"
                | "sun"
                | "sunday"
                | "on"
                | "by"
                | "of"
                | "held"
                | "today"
                | "since"
                | "until"
                | "till"
                | "thru"
                | "through"
                | "from"
                | "dated"
                | "due"
                | "starting"
                | "effective"
                | "before"
                | "after"
                | "wk"
                | "week"
        )
}

fn valid_date(shape: Shape, s: &str) -> bool {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match shape {
        Shape::DateIso => {
            nums.len() == 3 && checksum::calendar_date(Some(nums[0]), nums[1], nums[2])
        }
        Shape::DateNumeric => {
            if nums.len() != 3 {
                return false;
            }
            let year = if nums[2] < 100 { None } else { Some(nums[2]) };
            if year.is_some_and(|y| !(1880..=2100).contains(&y)) {
                return false;
            }
            checksum::calendar_date(year, nums[0], nums[1])
                || checksum::calendar_date(year, nums[1], nums[0])
        }
        _ => {
            // Month-name dates: the day is the first number below 32.
            let day = nums.iter().copied().find(|&n| n < 100);
            let year = nums.iter().copied().find(|&n| n >= 1000);
            day.is_some_and(|d| (1..=31).contains(&d))
                && year.is_none_or(|y| (1880..=2100).contains(&y))
        }
    }
}

fn date(ctx: &mut Ctx, start: usize, end: usize, label: Option<Label>) {
    let (c, r) = match label {
        Some(Label::Dob) => (0.95, Reason::DateOfBirth),
        Some(Label::Admission) => (0.9, Reason::DateOfAdmission),
        Some(Label::Discharge) => (0.9, Reason::DateOfDischarge),
        Some(Label::Death) => (0.9, Reason::DateOfDeath),
        Some(Label::Service) => (0.85, Reason::DateOfService),
        _ => (0.7, Reason::DatePlain),
    };
    ctx.push(Category::Date, start, end, c, r);
}

/// `HOLLOWAY, BRENT`: a name when the surname (or one half of a
/// double-barrelled one) and the first name are in the name lists.
fn caps_name(ctx: &mut Ctx, start: usize, s: &str) {
    let d = dicts();
    let Some((surname, rest)) = s.split_once(',') else {
        return;
    };
    let first = rest.split_whitespace().next().unwrap_or("");
    // O'NEIL is listed as "oneil"; NGUYEN-TRAN under either half.
    let letters: String = surname
        .chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == '-')
        .collect();
    let sk = std::iter::once(letters.replace('-', ""))
        .chain(letters.split('-').map(str::to_string))
        .map(|w| d.name(&w))
        .find(|k| k.surname);
    let fk = d.name(first);
    if let (Some(sk), true) = (sk, fk.first) {
        let conf = if sk.common_word || fk.common_word {
            0.65
        } else {
            0.8
        };
        let end = start + s.trim_end_matches('.').len();
        ctx.push(Category::Name, start, end, conf, Reason::NameSurnameFirst);
    }
}

/// `Springfield, IL 62704`: the city and state are an address, the ZIP a ZIP.
fn city_state(ctx: &mut Ctx, start: usize, s: &str) {
    let zip_at = s
        .rfind(|c: char| !(c.is_ascii_digit() || c == '-'))
        .map(|p| p + 1)
        .filter(|&p| p < s.len());
    let (place, zip) = match zip_at {
        Some(p) if s[p..].len() >= 5 => (s[..p].trim_end(), Some((p, &s[p..]))),
        _ => (s, None),
    };
    let state = place.rsplit([',', ' ']).next().unwrap_or("");
    // Two-letter states that are everyday words ("OK", "IN", "ME") or
    // degrees after a name ("Wei Zhang, MS", "Ana Ruiz, MA") count only
    // with a ZIP after them.
    if zip.is_none()
        && matches!(
            state,
            "OK" | "IN"
                | "ME"
                | "OR"
                | "HI"
                | "OH"
                | "AS"
                | "AL"
                | "DE"
                | "PA"
                | "MA"
                | "LA"
                | "CO"
                | "ID"
                | "MI"
                | "MD"
                | "MS"
                | "DC"
        )
    {
        return;
    }
    ctx.push(
        Category::Address,
        start,
        start + place.len(),
        0.75,
        Reason::CityState,
    );
    if let Some((p, z)) = zip {
        let valid = dicts().zip(&z[..5]);
        ctx.push(
            Category::Zip,
            start + p,
            start + s.len(),
            if valid { 0.9 } else { 0.6 },
            Reason::ZipNextToState,
        );
    }
}

/// A token whose meaning comes from its label, or from its digits alone.
fn value(ctx: &mut Ctx, t: Token, label: Option<Label>) {
    let s = &ctx.text[t.start..t.end];
    let (start, end) = (t.start, t.end);
    let ds = digits_of(s);
    let only_digits = s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-');
    let id_like = s.len() >= 4 && ds.len() >= 3;
    let labelled = |cat: Category, conf: f32| (cat, conf, Reason::Labelled);
    let pick = match label {
        Some(Label::Mrn) if id_like => Some(labelled(Category::Mrn, 0.92)),
        Some(Label::HealthPlan) if id_like => Some(if checksum::mbi(s) {
            labelled(Category::Mbi, 0.98)
        } else {
            labelled(Category::HealthPlanId, 0.9)
        }),
        // A member number is a health plan's where the text speaks of
        // health or care, a gym's or an airline's elsewhere.
        Some(Label::Member) if id_like => Some(if checksum::mbi(s) {
            labelled(Category::Mbi, 0.98)
        } else if ctx.health_context {
            labelled(Category::HealthPlanId, 0.9)
        } else {
            labelled(Category::OtherId, 0.8)
        }),
        Some(Label::Mbi) if id_like => Some(labelled(
            if checksum::mbi(s) {
                Category::Mbi
            } else {
                Category::HealthPlanId
            },
            0.9,
        )),
        Some(Label::Account) if id_like => Some(labelled(Category::Account, 0.85)),
        Some(Label::Ssn) if only_digits && checksum::ssn(s) => {
            Some((Category::Ssn, 0.97, Reason::SsnLabelled))
        }
        Some(Label::Npi) if only_digits && checksum::npi(s) => {
            Some((Category::Npi, 0.98, Reason::NpiChecksum))
        }
        Some(Label::Dea) if checksum::dea(s) => Some((Category::Dea, 0.98, Reason::DeaChecksum)),
        Some(Label::License) if id_like => Some(labelled(Category::License, 0.85)),
        Some(Label::Device) if id_like => Some((Category::Device, 0.85, Reason::DeviceSerial)),
        Some(Label::Plate) if s.len() >= 4 => Some((Category::Vehicle, 0.85, Reason::Plate)),
        Some(Label::Vin) if s.len() == 17 => Some((Category::Vehicle, 0.85, Reason::Labelled)),
        Some(Label::OtherId) if id_like => Some(labelled(Category::OtherId, 0.8)),
        Some(Label::Zip) if ds.len() == 5 || ds.len() == 9 => Some((
            Category::Zip,
            if dicts().zip(&s[..5]) { 0.9 } else { 0.6 },
            Reason::ZipLabelled,
        )),
        Some(Label::Fax) if only_digits && ds.len() == 10 && checksum::nanp(&ds) => {
            Some((Category::Fax, 0.85, Reason::Fax))
        }
        Some(Label::Phone) if only_digits && ds.len() == 10 && checksum::nanp(&ds) => {
            Some((Category::Phone, 0.85, Reason::Phone))
        }
        _ => None,
    };
    if let Some((cat, conf, reason)) = pick {
        ctx.push(cat, start, end, conf, reason);
        return;
    }
    if cpt_shape(s) && (label == Some(Label::Cpt) || follows(ctx, start, Category::Cpt)) {
        ctx.push(Category::Cpt, start, end, 0.9, Reason::CptCode);
        return;
    }
    if cdt_shape(s) && (label == Some(Label::Cpt) || dental_line(ctx.text, start)) {
        ctx.push(Category::Cpt, start, end, 0.85, Reason::CdtCode);
        return;
    }
    if !only_digits {
        return;
    }
    match ds.len() {
        13..=19 if checksum::credit_card(s) => {
            ctx.push(Category::CreditCard, start, end, 0.9, Reason::CardLuhn)
        }
        10 if ds[0] == 1 && checksum::npi(s) => {
            ctx.push(Category::Npi, start, end, 0.6, Reason::NpiChecksum)
        }
        9 if s.len() == 10 && s.as_bytes()[5] == b'-' && dicts().zip(&s[..5]) => {
            ctx.push(Category::Zip, start, end, 0.7, Reason::ZipPlusFour)
        }
        _ => {}
    }
}

/// A dental procedure code (CDT, the HIPAA code set for dentistry): D and
/// four digits.
fn cdt_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[0] == b'D' && b[1..].iter().all(u8::is_ascii_digit)
}

/// Whether the line holding `at` talks about teeth.
fn dental_line(text: &str, at: usize) -> bool {
    const DENTAL: &[&str] = &[
        "crown",
        "tooth",
        "teeth",
        "molar",
        "filling",
        "root canal",
        "scaling",
        "dental",
        "implant",
        "extraction",
        "periodontal",
        "prophy",
        "denture",
        "bitewing",
    ];
    let line = text[line_start(text, at)..line_end(text, at)].to_ascii_lowercase();
    DENTAL.iter().any(|w| line.contains(w))
}

/// Five digits (CPT category I) or four digits and F/T (categories II, III).
fn cpt_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T'))
}

/// Capitalised words that are never names in practice, whatever the name
/// lists say (months, days, greetings, sign-offs). Sorted: binary search.
const NOT_NAMES: &[&str] = &[
    "April",
    "August",
    "Avenue",
    "Bank",
    "Best",
    "Capital",
    "Cc",
    "Center",
    "Cheers",
    "Christmas",
    "Clinic",
    "Company",
    "Corp",
    "County",
    "Date",
    "Dear",
    "December",
    "Doctor",
    "Dr",
    "East",
    "Easter",
    "Energy",
    "Enron",
    "February",
    "Friday",
    "From",
    "Fw",
    "Fwd",
    "Gas",
    "God",
    "Group",
    "Health",
    "Hello",
    "Hi",
    "Hospital",
    "Inc",
    "January",
    "July",
    "June",
    "Lord",
    "March",
    "May",
    "Medical",
    "Monday",
    "Mr",
    "Mrs",
    "Ms",
    "New",
    "North",
    "Note",
    "November",
    "Nurse",
    "October",
    "Our",
    "Patient",
    "Please",
    "Power",
    "Re",
    "Regards",
    "Road",
    "Saturday",
    "Sent",
    "September",
    "Services",
    "Sincerely",
    "South",
    "Street",
    "Subject",
    "Sunday",
    "Team",
    "Thank",
    "Thanks",
    "Thanksgiving",
    "That",
    "The",
    "This",
    "Thursday",
    "To",
    "Trading",
    "Tuesday",
    "University",
    "Wednesday",
    "West",
    "Your",
];

/// Words of greetings to a group or a role ("Dear Valued Member", "Dear
/// Hiring Manager"), which no name list holds.
const GREETED_GROUPS: &[&str] = &[
    "Applicant",
    "Client",
    "Colleague",
    "Colleagues",
    "Customer",
    "Customers",
    "Donor",
    "Friend",
    "Friends",
    "Guest",
    "Hiring",
    "Madam",
    "Manager",
    "Member",
    "Members",
    "Neighbor",
    "Parent",
    "Parents",
    "Participant",
    "Partner",
    "Patient",
    "Provider",
    "Resident",
    "Sir",
    "Subscriber",
    "Supporter",
    "Team",
    "Valued",
];

fn names(ctx: &mut Ctx, words: &[Token]) {
    let text = ctx.text;
    let d = dicts();
    let word = |t: &Token| &text[t.start..t.end];
    // Each word is looked up once.
    let kinds: Vec<NameKind> = words
        .iter()
        .map(|t| {
            let w = word(t);
            let k = d.name(w);
            // Most words are in no list: look those up once, not twice.
            if k != NameKind::default() && NOT_NAMES.binary_search(&w).is_ok() {
                NameKind::default()
            } else {
                k
            }
        })
        .collect();
    let kind = |j: usize| kinds[j];
    // Words joined into one name: a single space, or a middle initial.
    let joined = |a: &Token, b: &Token| -> bool {
        let gap = &text[a.end..b.start];
        gap == " " || {
            let g = gap.as_bytes();
            (g.len() == 3 || g.len() == 4)
                && g[0] == b' '
                && g[1].is_ascii_uppercase()
                && (g[2..] == *b" " || g[2..] == *b". ")
        }
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let k = kind(i);
        let mut last = i;
        while last + 1 < words.len()
            && last - i < 2
            && joined(&words[last], &words[last + 1])
            && kind(last + 1).any()
        {
            last += 1;
        }
        let title = ctx.title_before(w.start);
        let label = ctx.label_before(w.start).filter(|l| *l == Label::Name);
        let any_known = (i..=last).any(|j| kind(j).any());
        let span_end = words[last].end;
        if let Some(t) = title {
            if NOT_NAMES.binary_search(&word(w)).is_err() {
                let r = if t == Title::Provider {
                    Reason::NameOfProvider
                } else {
                    Reason::NameAfterTitle
                };
                ctx.push(
                    Category::Name,
                    w.start,
                    span_end,
                    if any_known { 0.9 } else { 0.75 },
                    r,
                );
                i = last + 1;
                continue;
            }
        }
        // "Hi Arthur," / "Dear Maria Lopez": the person the message is to.
        // A full name in a greeting is one whatever the lists say ("Dear
        // Kateryna Bondarenko,"): letters to patients greet them so.
        let greeted = greeting_before(text, w.start);
        let mut run = i;
        while run + 1 < words.len() && run < i + 2 && joined(&words[run], &words[run + 1]) {
            run += 1;
        }
        // Unlisted words must look like names, not "Dear Valued Member,".
        let full = greeted
            && run > i
            && !k.common_word
            && text[words[run].end..].starts_with([',', ':'])
            && (i..=run).all(|j| {
                let w = word(&words[j]);
                !GREETED_GROUPS.contains(&w) && (kind(j).any() || unlisted_surname(w))
            });
        if greeted && (k.first || full) {
            let end = if full { words[run].end } else { span_end };
            let conf = if k.common_word && end == w.end {
                0.65
            } else {
                0.8
            };
            let reason = if end == w.end {
                Reason::NameInGreetingFirst
            } else {
                Reason::NameInGreeting
            };
            ctx.push(Category::Name, w.start, end, conf, reason);
            i = words.partition_point(|t| t.end <= end);
            continue;
        }
        // "Hi Agnieszka,": one greeted word in no list that looks like a
        // name; less sure (the verdict weighs it as a greeted first name).
        if greeted
            && run == i
            && k == NameKind::default()
            && text[w.end..].starts_with(',')
            && w.end - w.start >= 3
            && !GREETED_GROUPS.contains(&word(w))
            && NOT_NAMES.binary_search(&word(w)).is_err()
            && unlisted_surname(word(w))
        {
            ctx.push(
                Category::Name,
                w.start,
                w.end,
                0.6,
                Reason::NameInGreetingFirst,
            );
            i += 1;
            continue;
        }
        if label.is_some() && any_known {
            ctx.push(
                Category::Name,
                w.start,
                span_end,
                0.85,
                Reason::NameAfterLabel,
            );
            i = last + 1;
            continue;
        }
        if last > i {
            let kl = kind(last);
            if k.first && kl.surname {
                let common = (i..=last).filter(|&j| kind(j).common_word).count();
                // One everyday word in a three-word name ("Maria Elena
                // Hernández") says less than one in two words.
                let conf = match (common, last - i + 1) {
                    (0, _) => 0.8,
                    (1, n) if n >= 3 => 0.7,
                    (1, _) => 0.6,
                    _ => 0.35,
                };
                if conf >= 0.5 {
                    ctx.push(Category::Name, w.start, span_end, conf, Reason::NamePair);
                }
                i = last + 1;
                continue;
            }
        }
        // "Rosalind Achebe": a first name that is no everyday word, then a
        // capitalised word in no list that does not look like an
        // organisation's or an English noun: a surname the census list lacks.
        if last == i
            && k.first
            && !k.common_word
            && i + 1 < words.len()
            && joined(w, &words[i + 1])
            && kind(i + 1) == NameKind::default()
            && !PLACE_FIRST_NAMES.contains(&word(w))
            && unlisted_surname(word(&words[i + 1]))
        {
            ctx.push(
                Category::Name,
                w.start,
                words[i + 1].end,
                0.6,
                Reason::NamePair,
            );
            i += 2;
            continue;
        }
        // "Lopez, Maria"
        if k.surname && !k.common_word && i + 1 < words.len() {
            let n = &words[i + 1];
            let kn = kind(i + 1);
            if &text[w.end..n.start] == ", " && kn.first {
                // The surname-first order is itself evidence of a name, so a
                // first name that is also a word ("Maria") still counts.
                let conf = if kn.common_word { 0.6 } else { 0.7 };
                ctx.push(
                    Category::Name,
                    w.start,
                    n.end,
                    conf,
                    Reason::NameSurnameFirst,
                );
                i += 2;
                continue;
            }
        }
        i += 1;
    }
}

/// Names followed by a clinician's credentials ("Teresa Okafor, DO", "Dana
/// Whitcomb LCSW") are clinicians'; names followed by the word for a
/// building or an institution ("the Jean Whitcomb Cancer Center") are the
/// name of a place. Neither is a patient.
fn credentials_and_eponyms(ctx: &mut Ctx) {
    const CREDENTIALS: &[&str] = &[
        "MD", "DO", "RN", "NP", "PA", "PA-C", "APRN", "FNP", "FNP-C", "DNP", "CNM", "CRNA", "LPN",
        "LVN", "MSN", "BSN", "LCSW", "LICSW", "LMFT", "LPC", "PhD", "PsyD", "DDS", "DMD", "PharmD",
        "RPh", "DPT", "PT", "OT", "OTR", "OTR/L", "CCC-SLP", "SLP", "RD", "RDN", "CDE", "CDCES",
        "DPM", "OD", "DC", "MPH", "FACP", "FACC", "FAAP", "FACS",
    ];
    const PLACES: &[&str] = &[
        "Building",
        "Cancer",
        "Center",
        "Centre",
        "Children's",
        "Clinic",
        "Foundation",
        "Fund",
        "Hall",
        "Heart",
        "Hospital",
        "Institute",
        "Lecture",
        "Library",
        "Memorial",
        "Pavilion",
        "Scholarship",
        "School",
        "Tower",
        "Wing",
        "Award",
    ];
    let text = ctx.text;
    for f in ctx.out.iter_mut().filter(|f| f.category == Category::Name) {
        let after = &text[f.end..];
        // The word after ", " or " ", without dots ("M.D." is "MD").
        let next = |rest: &str| -> String {
            rest.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ')'))
                .next()
                .unwrap_or("")
                .replace('.', "")
        };
        let cred = [", ", " "]
            .iter()
            .find_map(|sep| after.strip_prefix(sep))
            .is_some_and(|rest| CREDENTIALS.contains(&next(rest).as_str()));
        let place = after
            .strip_prefix(' ')
            .is_some_and(|rest| PLACES.contains(&next(rest).as_str()));
        if cred {
            f.reason = Reason::NameOfProvider;
        } else if f.reason == Reason::NameOfProvider {
            // "Dr. Alan Greer, medical director" stays a clinician.
        } else if place {
            f.reason = Reason::NamePlace;
        } else if role_after(after) || role_before(&text[..f.start]) {
            f.reason = Reason::NameWithRole;
        }
    }
}

/// Words for a position in an organisation that, next to a name, make it a
/// member of staff, an executive or a speaker rather than a patient. Not
/// occupations a patient may be described by ("John Smith, retired
/// engineer"). Lower case; compared without regard to case.
const ROLES: &[&str] = &[
    "administrator",
    "ceo",
    "cfo",
    "chair",
    "chairman",
    "chairs",
    "chairwoman",
    "chief",
    "cmo",
    "cno",
    "coo",
    "coordinator",
    "counsel",
    "director",
    "executive",
    "liaison",
    "manager",
    "navigator",
    "officer",
    "president",
    "receptionist",
    "recruiter",
    "rep",
    "representative",
    "scheduler",
    "specialist",
    "speaker",
    "supervisor",
    "treasurer",
    "vp",
];

/// ", wellness coordinator", ", Media Relations Manager": a role within the
/// few words after a comma, before the end of the phrase.
fn role_after(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(", ") else {
        return false;
    };
    let phrase = rest
        .split(['.', ',', ';', '\n', '(', ')'])
        .next()
        .unwrap_or("");
    let words: Vec<&str> = phrase.split_whitespace().take(5).collect();
    // "Clinical Informatics lead", but not "lead level 8 mcg/dL".
    words.iter().any(|w| is_role(w)) || (words.len() > 1 && words.last() == Some(&"lead"))
}

fn is_role(w: &str) -> bool {
    ROLES.iter().any(|r| w.eq_ignore_ascii_case(r))
}

/// "CEO Gregory Ostendorf", "your sales rep, Colin Ashworth", "honorary
/// chairs Tom and Alicia Brennan": a role right before the name (or before
/// the first name of a couple).
fn role_before(before: &str) -> bool {
    if !before.ends_with(' ') {
        return false;
    }
    let mut words = before.split_whitespace().rev();
    let last = words.next().map(|w| w.strip_suffix(',').unwrap_or(w));
    if last.is_some_and(is_role) {
        return true;
    }
    let first = words.next();
    last == Some("and")
        && first.is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()))
        && words.next().is_some_and(is_role)
}

/// First names that are as often a city or a state ("Houston Methodist",
/// "Austin Energy"): not enough, with an unlisted word after them, for a name.
const PLACE_FIRST_NAMES: &[&str] = &[
    "Aston",
    "Aurora",
    "Austin",
    "Carolina",
    "Charlotte",
    "Chester",
    "Dakota",
    "Dallas",
    "Denver",
    "Florence",
    "Georgia",
    "Houston",
    "Indiana",
    "Jackson",
    "Lincoln",
    "Madison",
    "Montana",
    "Nevada",
    "Orlando",
    "Phoenix",
    "Raleigh",
    "Savannah",
    "Sydney",
    "Troy",
    "Tyler",
    "Virginia",
];

/// A capitalised word in no name list that may still be a surname: not a
/// word of organisations and places ("Valley", "Foundation"), not a word
/// with an English noun or adjective ending ("Pediatrics", "Community").
fn unlisted_surname(w: &str) -> bool {
    const ORG_WORDS: &[&str] = &[
        "Academy",
        "Alliance",
        "Associates",
        "Association",
        "Authority",
        "Bay",
        "Board",
        "Care",
        "Centre",
        "Church",
        "City",
        "Clinics",
        "College",
        "Committee",
        "Council",
        "Court",
        "Department",
        "District",
        "Drive",
        "Family",
        "Foundation",
        "Fund",
        "General",
        "Hall",
        "Heights",
        "Hill",
        "Hills",
        "Holdings",
        "Home",
        "House",
        "Institute",
        "Insurance",
        "Island",
        "Labs",
        "Lake",
        "Lane",
        "Law",
        "Life",
        "Manor",
        "Memorial",
        "Mutual",
        "Network",
        "Office",
        "Park",
        "Partners",
        "Place",
        "Plan",
        "Plaza",
        "Point",
        "Regional",
        "Rehab",
        "Research",
        "River",
        "Society",
        "Springs",
        "State",
        "Station",
        "Surgery",
        "Systems",
        "Tower",
        "Towers",
        "Trust",
        "Union",
        "Valley",
        "Village",
        "Way",
        "Wellness",
        "American",
        "Parkway",
        "Pkwy",
        "Blvd",
        "Boulevard",
        "Highway",
        "Freeway",
        "Airport",
    ];
    const ENDINGS: &[&str] = &[
        "ity", "tion", "sion", "ment", "ness", "ing", "ical", "ology", "ics", "ance", "ence",
        "ism", "ship", "ary", "ery", "ory", "acy", "ive", "ous", "ful", "less", "able", "ible",
        "ies", "ers", "ists",
    ];
    // "Ji-yeon": a hyphen may join two parts of a given name.
    w.len() >= 3
        && w.bytes()
            .skip(1)
            .all(|b| b.is_ascii_lowercase() || b >= 0x80 || b == b'-')
        && !w.ends_with('-')
        && NOT_NAMES.binary_search(&w).is_err()
        && !ORG_WORDS.contains(&w)
        && !ENDINGS.iter().any(|e| w.ends_with(e))
}

/// Whether one of the two words before `at` is a possessive that makes the
/// health term somebody's own ("her blood pressure", "his new metformin").
fn possessed(text: &str, at: usize) -> Possessed {
    // "their" addresses anyone as often as one person ("patients and their
    // caregivers"); "your" the reader, who is one ("your A1c") or anyone
    // ("lower your A1c").
    const ONE: &[&str] = &["his", "her", "pt's", "patient's"];
    const YOURS: &[&str] = &["your", "su", "sus"];
    const ANYONE: &[&str] = &["their"];
    let before = &text[..at];
    // Split lazily from the end: only the two words before `at` are read.
    let mut words = before.split_whitespace().rev();
    let last = words.next().unwrap_or("");
    // "Mrs. Odom's dialysis": a capitalised word with 's right before.
    if before.ends_with(' ')
        && last.len() > 3
        && last.starts_with(|c: char| c.is_uppercase())
        && (last.ends_with("'s") || last.ends_with("’s"))
    {
        return Possessed::One;
    }
    let near = [Some(last), words.next()];
    let any = |list: &[&str]| {
        near.iter()
            .flatten()
            .any(|w| list.iter().any(|p| w.eq_ignore_ascii_case(p)))
    };
    if any(MINE) {
        Possessed::Mine
    } else if any(ONE) {
        Possessed::One
    } else if any(YOURS) {
        Possessed::Yours
    } else if any(ANYONE) {
        Possessed::Anyone
    } else {
        Possessed::Not
    }
}

/// The writer's own: "my" (and Spanish "mi", "mis").
const MINE: &[&str] = &["my", "mi", "mis"];

/// Whose health a finding is, from the word before it.
enum Possessed {
    Not,
    /// "their".
    Anyone,
    /// "your".
    Yours,
    /// "his", "Mrs. Odom's".
    One,
    /// "my".
    Mine,
}

/// "mrs kowalski", "pt hernandez": quick notes drop capitals, but a person
/// title or a patient label followed by a listed surname is still a name.
fn lowercase_titled(ctx: &mut Ctx) {
    let text = ctx.text;
    let d = dicts();
    let mut found = Vec::new();
    let lower = |h: &&Hit| text[h.start..h.end].starts_with(|c: char| c.is_ascii_lowercase());
    // "pt hernandez rm 4": after a patient label, only a listed surname.
    let titles = ctx
        .titles
        .iter()
        .filter(|h| h.term.title == Some(Title::Person));
    let labels = ctx.labels.iter().filter(|h| {
        h.term.label == Some(Label::Name)
            && matches!(&text[h.start..h.end], "pt" | "pt:" | "patient" | "patient:")
    });
    for (h, labelled) in titles.map(|h| (h, false)).chain(labels.map(|h| (h, true))) {
        if !lower(&h) {
            continue;
        }
        let rest = &text[h.end..];
        let skip = rest.len() - rest.trim_start_matches(['.', ' ']).len();
        if skip == 0 || skip > 2 {
            continue;
        }
        let start = h.end + skip;
        let len = text[start..]
            .find(|c: char| !c.is_alphabetic() && c != '\'')
            .unwrap_or(text.len() - start);
        let word = &text[start..start + len];
        let k = d.name(word);
        if word.len() < 3 || !word.starts_with(|c: char| c.is_lowercase()) || k.common_word {
            continue;
        }
        let reason = if labelled {
            Reason::NameAfterLabel
        } else {
            Reason::NameAfterTitle
        };
        if k.surname {
            found.push((start, start + len, 0.7, reason));
        } else if !labelled
            && word.len() >= 5
            && !k.first
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && NOT_NAMES
                .binary_search(&(word[..1].to_ascii_uppercase() + &word[1..]).as_str())
                .is_err()
        {
            // "pt mrs delacroix": a surname the census list lacks, after a
            // title nothing else follows; less sure.
            found.push((start, start + len, 0.6, reason));
        }
    }
    for (s, e, conf, reason) in found {
        ctx.push(Category::Name, s, e, conf, reason);
    }
}

/// A word of a name in capitals ("NGUYEN", "SUNG-MIN", "O'NEIL").
fn in_capitals(w: &str) -> bool {
    w.len() >= 2
        && w.bytes()
            .all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'\'')
}

/// Whether a word of a name is also an everyday word. A hyphenated given
/// name is not one for its parts ("SUNG-MIN": sung).
fn everyday_word(w: &str) -> bool {
    !w.contains('-') && dicts().name(w).common_word
}

/// "SUNG-MIN PARK\n4217 Ravensworth Rd": a line above a street address that
/// holds only a name is the addressee's. Two to four words, capitalised or in
/// capitals, each a listed name, an initial or a word that may be a surname
/// (no organisation's word: "Harbor Family Medicine" is none), at least one
/// a listed name that is no everyday word, or the last a listed surname
/// after words that are none ("SUNG-MIN PARK").
fn names_over_addresses(ctx: &mut Ctx) {
    let text = ctx.text;
    let d = dicts();
    let mut found = Vec::new();
    for f in ctx.out.iter().filter(|f| f.reason == Reason::StreetAddress) {
        let ls = line_start(text, f.start);
        if ls == 0 || !text[ls..f.start].trim().is_empty() {
            continue;
        }
        let prev_end = ls - 1 - usize::from(text[..ls - 1].ends_with('\r'));
        let ps = line_start(text, prev_end);
        let line = &text[ps..prev_end];
        let name = line.trim();
        let start = ps + (line.len() - line.trim_start().len());
        let words: Vec<&str> = name.split(' ').collect();
        if !(2..=4).contains(&words.len()) {
            continue;
        }
        let mut listed = false;
        let all_names = words.iter().all(|w| {
            let letters = w.trim_end_matches('.');
            let mut chars = letters.chars();
            let Some(first) = chars.next() else {
                return false;
            };
            if letters.len() == 1 {
                return first.is_ascii_uppercase();
            }
            // Capitals read as the word capitalised ("SUNG-MIN": "Sung-min").
            let capitalised: String = std::iter::once(first)
                .chain(chars.flat_map(char::to_lowercase))
                .collect();
            let k = d.name(letters);
            listed |= k.any() && !k.common_word;
            first.is_uppercase() && (k.any() || unlisted_surname(&capitalised))
        });
        let surname_last = words.last().is_some_and(|w| d.name(w).surname)
            && !words[..words.len() - 1]
                .iter()
                .any(|w| everyday_word(w.trim_end_matches('.')));
        let known = ctx
            .out
            .iter()
            .any(|g| g.category == Category::Name && g.start == start);
        if all_names && (listed || surname_last) && !known {
            found.push((start, start + name.len()));
        }
    }
    for (s, e) in found {
        ctx.push(Category::Name, s, e, 0.85, Reason::NameOverAddress);
    }
}

/// "hi dr patel its marcus jefferson, my knee…": a patient's text drops
/// capitals, but after "this is", "it's", "i'm" or "my name is", a listed
/// first name and a listed surname, neither an everyday word, are a name.
fn lowercase_introduced(ctx: &mut Ctx) {
    const INTROS: &[&str] = &[
        "this is ",
        "its ",
        "it's ",
        "it’s ",
        "im ",
        "i'm ",
        "i’m ",
        "my name is ",
    ];
    // Searchers built once: building one per chunk cost more than the search.
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        INTROS
            .iter()
            .map(|i| memchr::memmem::Finder::new(i.as_bytes()).into_owned())
            .collect()
    });
    let text = ctx.text;
    let d = dicts();
    let mut found = Vec::new();
    for (intro, finder) in INTROS.iter().zip(finders) {
        for at in finder.find_iter(text.as_bytes()) {
            if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let start = at + intro.len();
            let mut words = text[start..].splitn(3, |c: char| !c.is_ascii_lowercase());
            let (Some(first), Some(last)) = (words.next(), words.next()) else {
                continue;
            };
            if text.as_bytes().get(start + first.len()) != Some(&b' ')
                || first.len() < 3
                || last.len() < 3
            {
                continue;
            }
            let (kf, kl) = (d.name(first), d.name(last));
            if kf.first && !kf.common_word && kl.surname && !kl.common_word {
                found.push((start, start + first.len() + 1 + last.len()));
            }
        }
    }
    for (s, e) in found {
        ctx.push(Category::Name, s, e, 0.7, Reason::NameAfterLabel);
    }
}

/// "Patient: ANH T NGUYEN": a name in capitals after a name label, as
/// pharmacy labels and EHR exports print it. Two to four words of capitals
/// (middle initials between), every full word a listed name, so "PATIENT
/// HAS HISTORY OF" is not one; less sure when each is also an everyday word
/// ("JOHN SMITH").
fn labelled_caps_names(ctx: &mut Ctx) {
    let text = ctx.text;
    let d = dicts();
    let mut found = Vec::new();
    for h in ctx
        .labels
        .iter()
        .filter(|h| h.term.label == Some(Label::Name))
    {
        let rest = &text[h.end..];
        let value = rest.trim_start_matches([' ', ':', '#', '-', '\t']);
        let start = h.end + (rest.len() - value.len());
        if start == h.end || start - h.end > 4 {
            continue;
        }
        let line = &value[..value
            .find(['\r', '\n', ',', ';', '('])
            .unwrap_or(value.len())];
        let (mut full, mut everyday, mut end, mut at) = (0, 0, start, start);
        for w in line.split(' ').take(4) {
            let (s, e) = (at, at + w.len());
            at = e + 1;
            let letters = w.trim_end_matches('.');
            if letters.len() == 1 && letters.bytes().all(|b| b.is_ascii_uppercase()) {
                continue;
            }
            let k = d.name(letters);
            // "MARIA LOPEZ DOB 03/04/1961": the next label ends the name.
            if !in_capitals(letters) || !k.any() || ctx.labels.iter().any(|l| l.start == s) {
                break;
            }
            full += 1;
            everyday += usize::from(k.common_word);
            end = s + letters.len();
        }
        if full >= 2 {
            found.push((start, end, if everyday == full { 0.7 } else { 0.85 }));
        }
    }
    for (s, e, conf) in found {
        ctx.push(Category::Name, s, e, conf, Reason::NameAfterLabel);
    }
}

/// "Sung-min Lee, 54M", "J. Okafor, 71 F": a name followed by an age and a
/// sex is how clinicians write a patient, whatever the name lists say.
/// Returns how many were found (each is a patient cue). Looks only at
/// commas, and back from them at one to three capitalised words.
fn names_with_age_and_sex(ctx: &mut Ctx) -> u32 {
    let text = ctx.text;
    let b = text.as_bytes();
    let mut found = Vec::new();
    for comma in memchr::memchr_iter(b',', b) {
        // ", 54M" / ", 54 M" / ", 7F" then no letter or digit.
        let mut i = comma + 1;
        if b.get(i) != Some(&b' ') {
            continue;
        }
        i += 1;
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=3).contains(&digits) {
            continue;
        }
        i += digits;
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
        let ends = matches!(
            b.get(i + 1),
            None | Some(b' ' | b',' | b'.' | b';' | b':' | b')' | b'\n' | b'\r' | b'\t')
        );
        if !matches!(b.get(i), Some(b'M' | b'F')) || !ends {
            continue;
        }
        // Back from the comma: one to three capitalised words (letters,
        // hyphens, apostrophes, initials) joined by single spaces, without
        // a leading verb ("Referring Sung-min Lee, 54M").
        let word_before = |end: usize| -> Option<usize> {
            let head = &text[..end];
            let s = head
                .trim_end_matches(|c: char| {
                    c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.')
                })
                .len();
            (s < end && text[s..end].starts_with(char::is_uppercase)).then_some(s)
        };
        // Word starts, right to left.
        let Some(first) = word_before(comma) else {
            continue;
        };
        let mut starts = vec![first];
        while starts.len() < 3 {
            let before = starts[starts.len() - 1]
                .checked_sub(1)
                .filter(|&sp| b[sp] == b' ')
                .and_then(word_before);
            match before {
                Some(s) => starts.push(s),
                None => break,
            }
        }
        let not_name = |s: usize| {
            let w = text[s..].split(' ').next().unwrap_or("");
            w.ends_with("ing") || w.ends_with("ed") || NOT_NAMES.binary_search(&w).is_ok()
        };
        // Drop leading words that are no name, keeping the word at the comma.
        while starts.len() > 1 && not_name(starts[starts.len() - 1]) {
            starts.pop();
        }
        let start = starts[starts.len() - 1];
        if !not_name(start) {
            found.push((start, comma));
        }
    }
    let n = found.len() as u32;
    for (s, e) in found {
        ctx.push(Category::Name, s, e, 0.85, Reason::NameWithAgeSex);
    }
    n
}

/// Greetings the lexer's capitalised words do not cover, at a line's start
/// (quoted or not): "Hello DARNELL," and "ROBERT ALLEN, your prescriptions
/// are ready" (reminder systems print the addressee's name from the record,
/// in capitals), and "hi jen," typed in lower case.
fn greetings_by_line(ctx: &mut Ctx) {
    let text = ctx.text;
    let d = dicts();
    let mut found = Vec::new();
    let mut at = 0;
    let mut first_line = true;
    let first_name = |w: &str| {
        let k = d.name(w);
        k.first && !k.common_word && NOT_NAMES.binary_search(&w).is_err()
    };
    while at < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |n| at + n);
        let line = &text[at..end];
        let body = unquoted(line);
        let lead = at + (line.len() - body.len());
        at = end + 1;
        let opening = first_line;
        first_line = first_line && body.trim().is_empty();
        // "Jerome," alone on the text's first line: the reader, greeted
        // without a greeting word.
        if opening {
            if let Some(w) = body.trim_end().strip_suffix(',') {
                if w.len() >= 3
                    && w.starts_with(|c: char| c.is_ascii_uppercase())
                    && w[1..].bytes().all(|b| b.is_ascii_lowercase())
                    && first_name(w)
                {
                    found.push((lead, lead + w.len(), Reason::NameInGreetingFirst));
                    continue;
                }
            }
        }
        // Most lines begin with no greeting's letter, nor a capital.
        let Some(c) = body.bytes().next() else {
            continue;
        };
        let greeting = if matches!(c | 0x20, b'h' | b'd' | b'g' | b'b' | b'e') {
            GREETINGS.iter().find(|g| {
                body.get(..g.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(g))
                    && body[g.len()..].starts_with(' ')
            })
        } else {
            None
        };
        let Some(g) = greeting else {
            // "ROBERT ALLEN, your prescriptions are ready." (Most lines
            // begin with no word in capitals.)
            if c.is_ascii_uppercase() && body.as_bytes().get(1).is_some_and(u8::is_ascii_uppercase)
            {
                let (head, tail) = body.split_once(',').unwrap_or((body, ""));
                let words: Vec<&str> = head.split(' ').collect();
                let tail = tail.trim_start();
                if (2..=3).contains(&words.len())
                    && words.iter().all(|w| in_capitals(w))
                    && first_name(words[0])
                    && (tail.starts_with("your ") || tail.starts_with("you "))
                {
                    found.push((lead, lead + head.len(), Reason::NameInGreeting));
                }
            }
            continue;
        };
        let rest = &body[g.len() + 1..];
        let head = rest.split([',', ':', '!']).next().unwrap_or("");
        let words: Vec<&str> = head.split(' ').take(4).collect();
        // "Hello SUNG-MIN PARK,": a full name in capitals whose given name
        // is in no list, before a comma, ending in a listed surname (which
        // may be a word too); the words before it no everyday words.
        let full_caps = words.len() >= 2
            && rest[head.len()..].starts_with(',')
            && words.iter().all(|w| in_capitals(w))
            && words.last().is_some_and(|w| d.name(w).surname)
            && words[..words.len() - 1].iter().all(|w| {
                !everyday_word(w) && !GREETED_GROUPS.iter().any(|g| g.eq_ignore_ascii_case(w))
            });
        // "hi jen," alone on its line or before a comma: a listed first
        // name, no everyday word.
        let lower = words.len() == 1
            && words[0].len() >= 2
            && words[0].bytes().all(|b| b.is_ascii_lowercase());
        if words.is_empty()
            || words.len() > 3
            || !(lower || words.iter().all(|w| in_capitals(w)))
            || !(first_name(words[0]) || full_caps)
        {
            continue;
        }
        let start = lead + g.len() + 1;
        let len = words.iter().map(|w| w.len()).sum::<usize>() + words.len() - 1;
        let reason = if words.len() == 1 {
            Reason::NameInGreetingFirst
        } else {
            Reason::NameInGreeting
        };
        found.push((start, start + len, reason));
    }
    for (s, e, r) in found {
        // A capitalised greeting ("Hi Arthur,") was found by the names.
        if !ctx
            .out
            .iter()
            .any(|f| f.category == Category::Name && f.start == s)
        {
            ctx.push(Category::Name, s, e, 0.8, r);
        }
    }
}

/// Words that open a message before the addressee's name.
const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "good morning",
    "good afternoon",
    "good evening",
    "hola",
    "buenos días",
    "buenas tardes",
    "estimado",
    "estimada",
];

/// A line without the marks of a quoted reply ("> > Thanks,") before it.
fn unquoted(line: &str) -> &str {
    line.trim_start_matches([' ', '\t', '>'])
}

/// Where the line holding byte `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |p| p + 1)
}

/// Where the line holding byte `at` ends (its newline, or the text's end).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |p| at + p)
}

/// Whether the line holding `at` starts with a greeting right before it.
fn greeting_before(text: &str, at: usize) -> bool {
    // Called for every capitalised word: a greeting with the spaces around
    // it fits in the 24 bytes after the line's start, so look no further.
    let from = at.saturating_sub(24);
    let line = match memchr::memrchr(b'\n', &text.as_bytes()[from..at]) {
        Some(n) => from + n + 1,
        None if from == 0 => 0,
        None => return false,
    };
    // A quoted greeting ("> Hi Thomas,") greets as well.
    let before = unquoted(&text[line..at]).trim_end().trim_end_matches(',');
    GREETINGS.iter().any(|g| before.eq_ignore_ascii_case(g))
}

/// A plain date right after a name ("Maria Lopez 03/04/1961") reads as a
/// date of birth.
fn dates_next_to_names(ctx: &mut Ctx) {
    let names: Vec<usize> = ctx
        .out
        .iter()
        .filter(|f| f.category == Category::Name)
        .map(|f| f.end)
        .collect();
    if names.is_empty() {
        return;
    }
    let text = ctx.text;
    for f in ctx
        .out
        .iter_mut()
        .filter(|f| f.category == Category::Date && f.reason == Reason::DatePlain)
    {
        // "Jeff Dasovich on 05/14/2001 10:32 AM" is a message header line.
        let timed = text[f.end..]
            .trim_start_matches([' ', ','])
            .bytes()
            .take(3)
            .any(|b| b == b':');
        let near = !timed
            && names.iter().any(|&e| {
                e <= f.start && f.start - e <= 24 && {
                    let gap = &text[e..f.start];
                    !gap.contains('\n')
                        && gap.split_whitespace().count() <= 3
                        && !gap
                            .split_whitespace()
                            .any(|w| matches!(w, "on" | "at" | "@" | "sent" | "wrote" | "by"))
                        && !gap.contains('@')
                }
            });
        if near {
            f.reason = Reason::DateNextToName;
            f.confidence = 0.85;
        }
    }
}

mod signature;

#[cfg(test)]
mod tests;
