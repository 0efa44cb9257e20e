//! From an RFC 5322 message to the texts we scan, with mail-parser 0.11:
//! transfer encodings and charsets decoded, RFC 2047 subjects decoded and
//! unfolded, text/plain parts as they are and text/html parts turned into
//! text. For `multipart/alternative` the plain-text alternative is scanned.

use std::borrow::Cow;

use mail_parser::decoders::html::html_to_text;
use mail_parser::{MessageParser, PartType};

use crate::category::Part;
use crate::config::Policy;
use crate::scan::{judge, scan_text, Assessment};
use crate::toggle::Toggle;

/// The scannable text of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText {
    /// The decoded, unfolded Subject, if the message has one.
    pub subject: Option<String>,
    /// The decoded text body parts, joined by a blank line when there are
    /// several. Offsets of body findings are into this string.
    pub body: String,
    /// The value of the policy's toggle header (`X-Sealpost-Secure`), if present.
    pub toggle_header: Option<String>,
}

/// A message that cannot be scanned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MimeError {
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// No header fields: not an RFC 5322 message.
    #[error("not an RFC 5322 message: no header fields found")]
    NoHeaders,
}

/// Extracts subject and body text from a raw message.
pub fn message_text(raw: &[u8], toggle_header: &str) -> Result<MessageText, MimeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MimeError::Empty);
    }
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(MimeError::NoHeaders)?;
    if msg.headers().is_empty() {
        return Err(MimeError::NoHeaders);
    }
    let mut body = String::new();
    for i in 0..msg.text_body.len() {
        let t = match msg.text_part(i as u32).map(|p| &p.body) {
            Some(PartType::Html(html)) => Some(html_to_text(&blocks_on_lines(html)).into()),
            _ => msg.body_text(i),
        };
        if let Some(t) = t {
            if !body.is_empty() && !t.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(&t);
        }
    }
    let toggle_header = msg.header_raw(toggle_header).map(|v| v.trim().to_string());
    Ok(MessageText {
        subject: msg.subject().map(str::to_string),
        body,
        toggle_header,
    })
}

/// HTML with a line break before each block (`<p>`, `<div>`, `<tr>`, `<li>`,
/// headings…) and a space before each table cell. mail-parser's
/// `html_to_text` breaks lines only at `<br>` and `</p>`, so Gmail's
/// one-`<div>`-per-line bodies and tables came out as one glued line
/// ("Guillermo Saavedra02/11/1975Hemoglobin A1c8.7 %"), where no word
/// boundary is left to find the date or the result by. The space is the
/// entity `&#32;`: after a line break, `html_to_text` (0.11) drops plain
/// whitespace before the next word even when a tag and other words came
/// between (`<tr><td><b>Medication</b></td> <td>LEVOTHYROXINE` gave
/// "MedicationLEVOTHYROXINE"), but always writes an entity. Tags are only
/// recognised, never rewritten: the text is what the HTML says.
fn blocks_on_lines(html: &str) -> Cow<'_, str> {
    const BLOCKS: &[&[u8]] = &[
        b"p",
        b"div",
        b"tr",
        b"li",
        b"table",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"blockquote",
        b"ul",
        b"ol",
        b"hr",
        b"pre",
        b"dt",
        b"dd",
        b"section",
        b"article",
        b"header",
        b"footer",
    ];
    const CELLS: &[&[u8]] = &[b"td", b"th"];
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    for at in memchr::memchr_iter(b'<', b) {
        let name_start = at + 1;
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let name = &b[name_start..name_start + name_len];
        let is = |list: &[&[u8]]| list.iter().any(|t| t.eq_ignore_ascii_case(name));
        let insert = if is(BLOCKS) {
            "<br>"
        } else if is(CELLS) {
            "&#32;"
        } else {
            continue;
        };
        let o = out.get_or_insert_with(|| String::with_capacity(html.len() + html.len() / 8));
        o.push_str(&html[copied..at]);
        o.push_str(insert);
        copied = at;
    }
    match out {
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(html),
    }
}

/// Parses, scans and judges a raw message under a policy.
pub fn evaluate(raw: &[u8], policy: &Policy) -> Result<(MessageText, Assessment), MimeError> {
    let m = message_text(raw, &policy.config().toggles.header)?;
    let from_header = m
        .toggle_header
        .as_deref()
        .and_then(|v| policy.toggle_in_header(v));
    let from_subject = m
        .subject
        .as_deref()
        .and_then(|s| policy.toggle_in_subject(s).0);
    let toggle = match (from_header, from_subject) {
        (Some(Toggle::Secure), _) | (_, Some(Toggle::Secure)) => Some(Toggle::Secure),
        (a, b) => a.or(b),
    };
    let subject = m
        .subject
        .as_deref()
        .map(|s| (s, scan_text(s, Part::Subject)));
    let a = judge(
        subject,
        (&m.body, scan_text(&m.body, Part::Body)),
        policy,
        toggle,
    );
    Ok((m, a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encodings_and_subjects() {
        let raw = b"Subject: =?utf-8?b?TGFiIHJlc3VsdHM=?=\r\nX-Sealpost-Secure: on\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nA1C =3D 9.2 for Mar=C3=ADa\r\n";
        let m = message_text(raw, "X-Sealpost-Secure").unwrap();
        assert_eq!(m.subject.as_deref(), Some("Lab results"));
        assert_eq!(m.body, "A1C = 9.2 for María\r\n");
        assert_eq!(m.toggle_header.as_deref(), Some("on"));
    }

    #[test]
    fn html_blocks_and_cells_stay_apart() {
        let raw = b"Subject: x\r\nContent-Type: text/html\r\n\r\n<div>Hi Dr. Nasser,</div><div>See below.</div>\
<table><tr><th>Name</th><th>DOB</th></tr><TR><TD>Guillermo Saavedra</TD><td>02/11/1975</td></tr>\
<tr><td><b>Medication</b></td> <td>LEVOTHYROXINE 75 MCG</td></tr></table><ul><li>one</li><li>two</li></ul>";
        let m = message_text(raw, "X").unwrap();
        assert_eq!(
            m.body.split_whitespace().collect::<Vec<_>>(),
            [
                "Hi",
                "Dr.",
                "Nasser,",
                "See",
                "below.",
                "Name",
                "DOB",
                "Guillermo",
                "Saavedra",
                "02/11/1975",
                "Medication",
                "LEVOTHYROXINE",
                "75",
                "MCG",
                "one",
                "two"
            ]
        );
        assert!(
            m.body.contains("Guillermo Saavedra 02/11/1975"),
            "{:?}",
            m.body
        );
        assert!(m.body.contains("Nasser,\nSee below."), "{:?}", m.body);
        // Plain text that looks like tags is left alone.
        assert_eq!(blocks_on_lines("a < b, x<y"), "a < b, x<y");
    }

    #[test]
    fn html_only_is_turned_into_text() {
        let raw = b"Subject: x\r\nContent-Type: text/html\r\n\r\n<p>Pt has <b>asthma</b></p>";
        let m = message_text(raw, "X").unwrap();
        assert!(m.body.contains("Pt has asthma"), "{:?}", m.body);
    }

    #[test]
    fn rejects_non_messages() {
        assert_eq!(message_text(b"", "X"), Err(MimeError::Empty));
        assert_eq!(message_text(b"   \r\n", "X"), Err(MimeError::Empty));
    }
}
