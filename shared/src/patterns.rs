//! The structured-identifier lexer: one multi-pattern regex (regex-automata's
//! meta engine, a lazy DFA over all patterns at once) that splits the text into
//! typed tokens in a single left-to-right pass. Patterns are listed in priority
//! order: where two start at the same byte, the earlier one wins, like the
//! rules of a lexer. Everything here is about shape; validity (checksums,
//! dictionaries) and meaning (labels, context) are decided by `detect`.

use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};

/// What a token looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Email,
    Url,
    Ipv4,
    DateIso,
    Ssn,
    Phone,
    CardGrouped,
    DateNumeric,
    DateMonthFirst,
    DateDayFirst,
    /// Month and day without a year ("5/24"); a date only after a cue word.
    DateShort,
    /// A number in a unit only a lab result or a vital sign is given in
    /// ("152 mg/dL", "5.4 mmol/L", "118 mmHg").
    Measure,
    Age,
    AgeLabelled,
    Street,
    PoBox,
    CityState,
    Mbi,
    Dea,
    Vin,
    Icd10,
    /// A labelled vital sign with its reading ("BP 190/110", "temp 101.4").
    Vital,
    /// An imaging study of a body part ("CT L-spine", "MRI of the knee").
    Imaging,
    AlnumId,
    Number,
    /// A run of capitalised words that may hold a name.
    Names,
    /// `HOLLOWAY, BRENT`: a name in capitals, surname first, as EHR exports
    /// and tables print them.
    CapsName,
}

const MONTH: &str = r"(?:[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|[Mm]ay|[Jj]une?|[Jj]uly?|[Aa]ug(?:ust)?|[Ss]ep(?:t(?:ember)?)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)";

/// Spanish month names, for day-first dates ("3 de octubre de 1943").
const MES: &str = r"(?:[Ee]nero|[Ff]ebrero|[Mm]arzo|[Aa]bril|[Mm]ayo|[Jj]unio|[Jj]ulio|[Aa]gosto|[Ss]e?ptiembre|[Oo]ctubre|[Nn]oviembre|[Dd]iciembre)";

const STATES: &str = "(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming)";

const STREET_SUFFIX: &str = r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Plaza|Loop|Pike|Row|Alley|Crescent|Cres)";

/// The patterns, in priority order, with their shapes.
fn patterns() -> Vec<(Shape, String)> {
    let b = r"(?-u:\b)";
    let ext = r"(?:\s*(?:x|ext\.?|extension)\s*[0-9]{1,5})?";
    // Capitalised words: ASCII, Latin-1, Latin Extended-A (Polish, Czech,
    // Turkish) and the Vietnamese letters. Full Unicode classes make the
    // lazy DFA an order of magnitude slower for little gain here.
    let lower = r"a-zß-öø-ÿ\x{100}-\x{17f}ơư\x{1ea0}-\x{1ef9}";
    let upper = r"A-ZÀ-ÖØ-Þ\x{100}-\x{17f}ƠƯ\x{1ea0}-\x{1ef9}";
    let cap = format!(r"[{upper}][{lower}]+");
    // Hyphenated given names: "Mary-Kate", "Ji-yeon".
    let word =
        format!(r"(?:Ma?c[A-Z][a-z]+|[A-Z]['’][A-Z][{lower}]+|{cap})(?:-[{upper}]?[{lower}]+)?");
    vec![
        (
            Shape::Email,
            format!(
                r"{b}[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{{2,}}{b}"
            ),
        ),
        (
            Shape::Url,
            r"(?:[Hh][Tt][Tt][Pp][Ss]?://|www\.)[^\s<>\x22'\[\]{}|\\^`]+".to_string(),
        ),
        (
            Shape::Ipv4,
            format!(r"{b}[0-9]{{1,3}}\.[0-9]{{1,3}}\.[0-9]{{1,3}}\.[0-9]{{1,3}}{b}"),
        ),
        (
            Shape::DateIso,
            format!(r"{b}(?:19|20)[0-9]{{2}}-[0-9]{{1,2}}-[0-9]{{1,2}}{b}"),
        ),
        (
            Shape::Ssn,
            format!(r"{b}[0-9]{{3}}(?:-[0-9]{{2}}-|\x20[0-9]{{2}}\x20)[0-9]{{4}}{b}"),
        ),
        (
            Shape::Phone,
            format!(
                r"(?:\+?1[\s.\-]?)?(?:\([0-9]{{3}}\)\s?|{b}[0-9]{{3}}[\s.\-])[0-9]{{3}}[\s.\-][0-9]{{4}}{b}{ext}"
            ),
        ),
        (
            Shape::CardGrouped,
            format!(
                r"{b}[0-9]{{4}}[\x20\-][0-9]{{4,6}}[\x20\-][0-9]{{4,5}}(?:[\x20\-][0-9]{{1,4}})?{b}"
            ),
        ),
        (
            Shape::DateNumeric,
            format!(
                r"{b}[0-9]{{1,2}}(?:/[0-9]{{1,2}}/|-[0-9]{{1,2}}-|\.[0-9]{{1,2}}\.)(?:[0-9]{{4}}|[0-9]{{2}}){b}"
            ),
        ),
        (
            Shape::DateMonthFirst,
            format!(
                r"{b}{MONTH}\.?\s+[0-9]{{1,2}}(?:st|nd|rd|th)?{b}(?:,?\s+(?:[0-9]{{4}}|'[0-9]{{2}}){b})?"
            ),
        ),
        (
            Shape::DateDayFirst,
            format!(
                r"{b}(?:[0-9]{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{MONTH}{b}\.?(?:,?\s+[0-9]{{4}}{b})?|[0-9]{{1,2}}\s+de\s+{MES}{b}(?:\s+del?\s+[0-9]{{4}}{b})?)"
            ),
        ),
        (
            Shape::DateShort,
            format!(r"{b}(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01]){b}"),
        ),
        (
            Shape::Measure,
            format!(
                r"{b}[0-9]{{1,4}}(?:\.[0-9]{{1,2}})?\x20?(?:mg/d[Ll]|mmol/[Ll]|mEq/[Ll]|ng/m[Ll]|ng/d[Ll]|pg/m[Ll]|g/d[Ll]|[mµu]?IU/m?[Ll]|U/[Ll]|mm\x20?Hg|mL/min){b}"
            ),
        ),
        (
            Shape::Age,
            format!(
                r"{b}[0-9]{{2,3}}(?:\s*-?\s*(?:years?|yrs?)(?:\s*-?\s*old)?|\s*(?:y/o|yo|y\.o\.)){b}"
            ),
        ),
        (
            Shape::AgeLabelled,
            format!(r"{b}(?:[Aa]ged?|AGE)\s*:?\s*[0-9]{{2,3}}{b}"),
        ),
        (
            Shape::Street,
            format!(
                r"{b}[0-9]{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+)?(?:(?:[0-9]{{1,3}}(?:st|nd|rd|th)|{cap})\s+){{1,3}}{STREET_SUFFIX}{b}\.?(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*#?[A-Za-z0-9\-]+)?"
            ),
        ),
        (
            Shape::PoBox,
            format!(r"{b}(?:[Pp]\.?\s?[Oo]\.?\s*[Bb]ox|POB)\s+[0-9]+{b}"),
        ),
        (
            Shape::CityState,
            format!(
                r"{cap}(?:[\x20\-]{cap}){{0,2}},\s*{STATES}{b}(?:\s+[0-9]{{5}}(?:-[0-9]{{4}})?{b})?"
            ),
        ),
        (
            Shape::Mbi,
            format!(
                r"{b}[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y]{{2}}[0-9]{{2}}{b}"
            ),
        ),
        (Shape::Dea, format!(r"{b}[A-Z][A-Z9][0-9]{{7}}{b}")),
        (Shape::Vin, format!(r"{b}[A-HJ-NPR-Z0-9]{{17}}{b}")),
        (
            Shape::Icd10,
            // The April 2026 update added codes with a letter second (QA0..).
            format!(r"{b}(?:[A-TV-Za-tv-z][0-9]|QA)[0-9A-Za-z](?:\.?[0-9A-Za-z]{{1,4}})?{b}"),
        ),
        (
            Shape::Vital,
            format!(
                r"{b}(?:(?:BP|bp|B/P|[Bb]lood [Pp]ressure)[\x20\t]*(?:of|was|is|at|:|=)?[\x20\t]*[0-9]{{2,3}}/[0-9]{{2,3}}{b}|(?:[Tt]emp(?:erature)?|TEMP)[\x20\t]*(?:of|was|is|at|:|=)?[\x20\t]*(?:9[4-9]|10[0-7]|3[4-9]|4[0-2])(?:\.[0-9])?[\x20\t]*°?[\x20\t]*[FC]?{b}|(?:HR|[Pp]ulse|[Hh]eart rate|SpO2|O2 sats?|[Pp]ulse ox|RR|[Rr]esp(?:iratory)? rate)[\x20\t]*(?:of|was|is|at|:|=)?[\x20\t]*[0-9]{{2,3}}(?:[\x20\t]*%|{b})|[Ss]ats[\x20\t]*(?:of|was|is|at|:|=)?[\x20\t]*[0-9]{{2,3}}[\x20\t]*%)"
            ),
        ),
        (
            Shape::Imaging,
            format!(
                r"{b}(?:CT|CTA|MRI|MRA|PET(?:/CT)?|[Xx]-?[Rr]ays?|XR)[\x20\t]+(?:(?:scan|of|the|w/o|w/|with|without|contrast|[LR]|left|right|bilateral|lumbar|thoracic|cervical)[\x20\t]+){{0,3}}(?:[Hh]ead|[Bb]rain|[Cc]hest|[Aa]bd(?:omen)?|[Pp]elvis|[CTL]-?[Ss]pine|[Ss]pine|[Nn]eck|[Kk]nees?|[Hh]ips?|[Ss]houlders?|[Ww]rists?|[Aa]nkles?|[Ff]oot|[Ff]eet|[Hh]ands?|[Ee]lbows?|[Ss]inus(?:es)?|[Rr]enal|[Kk]idneys?|[Ll]iver|[Cc]ardiac|[Cc]oronary|[Ll]ungs?|[Bb]reasts?|[Ff]emur|[Ss]kull){b}"
            ),
        ),
        (
            Shape::AlnumId,
            format!(
                r"{b}(?:[A-Za-z]{{1,6}}-?[0-9][A-Za-z0-9]*|[0-9]+[A-Za-z][A-Za-z0-9]*)(?:-[A-Za-z0-9]+)*{b}"
            ),
        ),
        // Short numbers are not identifiers on their own and are too common
        // to tokenise: four digits or more, or digit groups with hyphens.
        (
            Shape::Number,
            format!(r"{b}(?:[0-9]{{4,}}(?:-[0-9]+)*|[0-9]+(?:-[0-9]+)+){b}"),
        ),
        (
            Shape::CapsName,
            format!(
                r"{b}(?:[A-Z]['’])?[A-Z]{{2,}}(?:-[A-Z]{{2,}})?,\x20?[A-Z]{{2,}}(?:-[A-Z]{{2,}})?(?:\x20[A-Z](?:\.|[A-Z]+)?)?{b}\.?"
            ),
        ),
        // Names: a title and capitalised words, or a run of two to four
        // capitalised words joined by spaces, commas or middle initials.
        // Single capitalised words (every sentence start) are not tokens.
        (
            Shape::Names,
            format!(r"{b}(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\.?(?:\x20{word}){{1,3}}"),
        ),
        (
            Shape::Names,
            format!(r"{word}(?:(?:\x20|,\x20|\.\x20|\x20[A-Z]\.?\x20){word}){{1,3}}"),
        ),
    ]
}

pub(crate) struct Lexer {
    regex: Regex,
    shapes: Vec<Shape>,
    /// The month-name date pattern alone, for dates a run of capitalised
    /// words swallowed the month of (see [`Lexer::tokens`]).
    month_date: Regex,
}

/// One token: its shape and byte range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub shape: Shape,
    pub start: usize,
    pub end: usize,
}

impl Lexer {
    fn build() -> Lexer {
        let pats = patterns();
        let shapes = pats.iter().map(|(s, _)| *s).collect();
        let srcs: Vec<&str> = pats.iter().map(|(_, p)| p.as_str()).collect();
        // The patterns are fixed at compile time and covered by tests, so a
        // build failure is a programming error, not an input error.
        // A larger lazy-DFA cache than the default: with this many patterns
        // the default thrashes and the search falls back to slower engines.
        let regex = Regex::builder()
            .configure(Regex::config().hybrid_cache_capacity(16 << 20))
            .build_many(&srcs)
            .expect("built-in lexer patterns compile");
        let month_src = pats
            .iter()
            .find(|(s, _)| *s == Shape::DateMonthFirst)
            .map(|(_, p)| p.as_str())
            .expect("the month-name date pattern is listed");
        let month_date = Regex::new(month_src).expect("built-in lexer patterns compile");
        Lexer {
            regex,
            shapes,
            month_date,
        }
    }

    /// Calls `f` for every token in `text`, left to right, non-overlapping.
    ///
    /// One correction to leftmost-first: a run of capitalised words that
    /// ends in a month name followed by a day ("Effective July 1, 2024",
    /// "Saturday, March 9") is cut before the month, and the date is the
    /// token from there. The words before it stay a `Names` token only if
    /// two or more are left.
    pub(crate) fn tokens(&self, text: &str, mut f: impl FnMut(Token)) {
        let mut at = 0;
        while let Some(m) = self.regex.search(&Input::new(text).range(at..)) {
            let shape = self.shapes[m.pattern().as_usize()];
            at = m.end();
            if shape == Shape::Names {
                if let Some((words_end, date)) = self.month_in_run(text, m.start(), m.end()) {
                    let words = &text[m.start()..words_end];
                    if words.contains(' ') {
                        f(Token {
                            shape,
                            start: m.start(),
                            end: words_end,
                        });
                    }
                    f(Token {
                        shape: Shape::DateMonthFirst,
                        start: date.start(),
                        end: date.end(),
                    });
                    at = date.end();
                    continue;
                }
            }
            f(Token {
                shape,
                start: m.start(),
                end: m.end(),
            });
        }
    }

    /// For a `Names` run `text[start..end]` whose last word is a month name
    /// with a day after it: where the words before the month end (trailing
    /// separators dropped) and the date's match.
    fn month_in_run(
        &self,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<(usize, regex_automata::Match)> {
        let month_at = start + text[start..end].rfind(' ')? + 1;
        if !MONTH_WORDS.contains(&&text[month_at..end]) {
            return None;
        }
        let after = text[end..].strip_prefix('.').unwrap_or(&text[end..]);
        let digits = after.trim_start();
        if digits.len() == after.len() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let date = self
            .month_date
            .search(&Input::new(text).range(month_at..).anchored(Anchored::Yes))?;
        let words_end = start
            + text[start..month_at]
                .trim_end_matches([' ', ',', '.'])
                .len();
        Some((words_end, date))
    }
}

/// Month names as a run of capitalised words holds them.
const MONTH_WORDS: &[&str] = &[
    "Jan",
    "January",
    "Feb",
    "February",
    "Mar",
    "March",
    "Apr",
    "April",
    "May",
    "Jun",
    "June",
    "Jul",
    "July",
    "Aug",
    "August",
    "Sep",
    "Sept",
    "September",
    "Oct",
    "October",
    "Nov",
    "November",
    "Dec",
    "December",
];

/// The shared lexer, compiled once.
pub(crate) fn lexer() -> &'static Lexer {
    static LEXER: OnceLock<Lexer> = OnceLock::new();
    LEXER.get_or_init(Lexer::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(text: &str) -> Vec<(Shape, &str)> {
        let mut v = Vec::new();
        lexer().tokens(text, |t| v.push((t.shape, &text[t.start..t.end])));
        v
    }

    #[test]
    fn table() {
        let cases: &[(&str, Shape, &str)] = &[
            (
                "mail jo.doe@clinic.org now",
                Shape::Email,
                "jo.doe@clinic.org",
            ),
            (
                "see https://portal.example.com/p?id=4 ok",
                Shape::Url,
                "https://portal.example.com/p?id=4",
            ),
            ("host 10.2.3.4 up", Shape::Ipv4, "10.2.3.4"),
            ("on 1961-03-04.", Shape::DateIso, "1961-03-04"),
            ("ssn 123-45-6789 x", Shape::Ssn, "123-45-6789"),
            (
                "call (617) 555-0123 x12",
                Shape::Phone,
                "(617) 555-0123 x12",
            ),
            ("call 617.555.0123", Shape::Phone, "617.555.0123"),
            ("call 1-800-555-0199", Shape::Phone, "1-800-555-0199"),
            (
                "card 4111 1111 1111 1111",
                Shape::CardGrouped,
                "4111 1111 1111 1111",
            ),
            ("dob 03/04/1961", Shape::DateNumeric, "03/04/1961"),
            ("dob 3-4-61", Shape::DateNumeric, "3-4-61"),
            (
                "born March 4th 1961",
                Shape::DateMonthFirst,
                "March 4th 1961",
            ),
            ("born Mar. 4, 1961", Shape::DateMonthFirst, "Mar. 4, 1961"),
            ("born 4 Mar 1961", Shape::DateDayFirst, "4 Mar 1961"),
            (
                "Effective July 1, 2024: new",
                Shape::DateMonthFirst,
                "July 1, 2024",
            ),
            ("on Saturday, March 9, at", Shape::DateMonthFirst, "March 9"),
            ("Mary Ann Lopez June 3", Shape::Names, "Mary Ann Lopez"),
            ("Mary Ann Lopez June 3", Shape::DateMonthFirst, "June 3"),
            ("Friday 5/24 at", Shape::DateShort, "5/24"),
            ("a 93-year-old woman", Shape::Age, "93-year-old"),
            ("pt 92 y/o", Shape::Age, "92 y/o"),
            ("aged 91", Shape::AgeLabelled, "aged 91"),
            (
                "at 1200 West Elm Street, Apt 4B today",
                Shape::Street,
                "1200 West Elm Street, Apt 4B",
            ),
            ("PO Box 112 x", Shape::PoBox, "PO Box 112"),
            (
                "in Boston, MA 02139 now",
                Shape::CityState,
                "Boston, MA 02139",
            ),
            ("mbi 2AF7-JK3-PW58", Shape::Mbi, "2AF7-JK3-PW58"),
            ("dea AB1234563", Shape::Dea, "AB1234563"),
            ("vin 1M8GDM9AXKP042788", Shape::Vin, "1M8GDM9AXKP042788"),
            ("dx E11.9", Shape::Icd10, "E11.9"),
            ("dx QA0.01", Shape::Icd10, "QA0.01"),
            ("BP 190/110 and", Shape::Vital, "BP 190/110"),
            ("temp 101.4, possible", Shape::Vital, "temp 101.4"),
            ("SpO2 88% on RA", Shape::Vital, "SpO2 88%"),
            ("CT L-spine w/o contrast", Shape::Imaging, "CT L-spine"),
            (
                "MRI of the left knee",
                Shape::Imaging,
                "MRI of the left knee",
            ),
            ("member W123456789", Shape::AlnumId, "W123456789"),
            ("npi 1234567893", Shape::Number, "1234567893"),
            ("Dr Sean O'Brien", Shape::Names, "Dr Sean O'Brien"),
            ("met Mary McDonald today", Shape::Names, "Mary McDonald"),
            ("Thanks, John Smith", Shape::Names, "Thanks, John Smith"),
            ("to Dr. Lopez.", Shape::Names, "Dr. Lopez"),
            ("Pt José Garcia", Shape::Names, "Pt José Garcia"),
            (
                "0212 HOLLOWAY, BRENT 0073",
                Shape::CapsName,
                "HOLLOWAY, BRENT",
            ),
            ("pt O'NEIL,MARY K. seen", Shape::CapsName, "O'NEIL,MARY K."),
        ];
        for (text, shape, want) in cases {
            let got = shapes(text);
            assert!(got.contains(&(*shape, *want)), "{text}: {got:?}");
        }
    }

    #[test]
    fn near_misses() {
        assert!(!shapes("version 1.2.3")
            .iter()
            .any(|(s, _)| *s == Shape::Ipv4));
        assert!(!shapes("ABC123-45-6789")
            .iter()
            .any(|(s, _)| *s == Shape::Ssn));
        assert!(!shapes("ratio 1/2")
            .iter()
            .any(|(s, _)| *s == Shape::DateNumeric));
    }
}
