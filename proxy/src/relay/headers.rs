//! Reading and minimally rewriting the header section of a raw message:
//! fields are removed or replaced whole, every other byte stays as it was.

use std::ops::Range;

/// One header field, continuation lines and line end included.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    name: Range<usize>,
    value: Range<usize>,
    whole: Range<usize>,
}

/// The fields of the header section (up to the first empty line).
fn fields(raw: &[u8]) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut pos = 0;
    while pos < raw.len() {
        let end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| pos + i + 1);
        let line = &raw[pos..end];
        let content = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(line);
        if content.is_empty() {
            break;
        }
        if matches!(line[0], b' ' | b'\t') {
            if let Some(last) = out.last_mut() {
                last.whole.end = end;
                last.value.end = pos + content.len();
            }
        } else if let Some(colon) = content.iter().position(|&b| b == b':') {
            out.push(Field {
                name: pos..pos + colon,
                value: pos + colon + 1..pos + content.len(),
                whole: pos..end,
            });
        }
        pos = end;
    }
    out
}

/// The unfolded value of the first field called `name` (case-insensitive),
/// trimmed; bytes that are not UTF-8 are replaced.
pub fn header_value(raw: &[u8], name: &str) -> Option<String> {
    fields(raw)
        .into_iter()
        .find(|f| {
            raw[f.name.clone()]
                .trim_ascii()
                .eq_ignore_ascii_case(name.as_bytes())
        })
        .map(|f| unfold(&raw[f.value]))
}

fn unfold(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    text.replace("\r\n", "")
        .replace('\n', "")
        .trim()
        .to_string()
}

/// Removes every field named in `remove` (case-insensitive) and, if
/// `subject` is given, replaces the first Subject field with
/// `Subject: <subject>`. Everything else keeps its bytes.
pub fn rewrite(raw: &mut Vec<u8>, remove: &[&str], subject: Option<&str>) {
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    let mut subject_done = false;
    for f in fields(raw) {
        let name = raw[f.name.clone()].trim_ascii();
        if remove
            .iter()
            .any(|r| name.eq_ignore_ascii_case(r.as_bytes()))
        {
            edits.push((f.whole, Vec::new()));
        } else if let (Some(s), false) = (subject, subject_done) {
            if name.eq_ignore_ascii_case(b"Subject") {
                subject_done = true;
                let crlf = if raw[..f.whole.end].ends_with(b"\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                edits.push((f.whole, format!("Subject: {s}{crlf}").into_bytes()));
            }
        }
    }
    // From the back, so earlier ranges stay valid.
    for (range, with) in edits.into_iter().rev() {
        raw.splice(range, with);
    }
}

/// A header value from text: as it is if ASCII, else RFC 2047 encoded
/// words (UTF-8, base64), folded.
pub fn encode_value(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?utf-8?b?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?utf-8?b?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"From: a@clinic.test\r\nSubject: [secure] Lab\r\n  results\r\nX-Sealpost-Secure: on\r\nx-sealpost-justification: not-phi\r\nTo: b@clinic.test\r\n\r\nSubject: in body\r\n";

    #[test]
    fn reads_unfolded_values() {
        assert_eq!(
            header_value(MSG, "subject").as_deref(),
            Some("[secure] Lab  results")
        );
        assert_eq!(
            header_value(MSG, "X-Sealpost-Justification").as_deref(),
            Some("not-phi")
        );
        assert_eq!(header_value(MSG, "Cc"), None);
        assert_eq!(header_value(b"", "Subject"), None);
        assert_eq!(header_value(b"\r\nSubject: x", "Subject"), None);
    }

    #[test]
    fn rewrites_only_the_named_fields() {
        let mut m = MSG.to_vec();
        rewrite(
            &mut m,
            &["X-Sealpost-Secure", "X-Sealpost-Justification"],
            Some("Lab results"),
        );
        assert_eq!(
            m,
            b"From: a@clinic.test\r\nSubject: Lab results\r\nTo: b@clinic.test\r\n\r\nSubject: in body\r\n"
        );
        let mut m = b"From: a\nSubject: x\n\nbody".to_vec();
        rewrite(&mut m, &[], Some("y"));
        assert_eq!(m, b"From: a\nSubject: y\n\nbody");
    }

    #[test]
    fn encodes_non_ascii() {
        assert_eq!(encode_value("Lab"), "Lab");
        assert_eq!(encode_value("María"), "=?utf-8?b?TWFyw61h?=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
        let long = encode_value(&"é".repeat(40));
        assert_eq!(long.matches("=?utf-8?b?").count(), 2);
    }
}
