//! SMTP replies: the ones the proxy writes, and the framing of the
//! upstream's, which are relayed byte for byte.

use std::fmt;

/// The longest upstream reply accepted, all lines together.
pub const MAX_REPLY: usize = 64 * 1024;

/// One complete reply: its code and its raw lines (CRLF-terminated).
#[derive(Clone, PartialEq, Eq)]
pub struct Reply {
    code: u16,
    raw: Vec<u8>,
}

impl fmt::Debug for Reply {
    /// Only the code: reply texts can echo addresses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reply({})", self.code)
    }
}

impl Reply {
    /// A reply of ours: `code`, the enhanced status code `esc` (`"5.7.1"`)
    /// and a text, which may have several lines (split on `\n`). Control
    /// characters in the text are replaced by spaces.
    pub fn new(code: u16, esc: &str, text: &str) -> Reply {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut raw = Vec::with_capacity(text.len() + lines.len() * 12);
        for (i, line) in lines.iter().enumerate() {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            let clean: String = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            raw.extend_from_slice(format!("{code}{sep}{esc} {}\r\n", clean.trim_end()).as_bytes());
        }
        Reply { code, raw }
    }

    /// A reply built elsewhere (EHLO's lines): `raw` must be complete
    /// CRLF-terminated reply lines with this code.
    pub(crate) fn from_raw(code: u16, raw: Vec<u8>) -> Reply {
        Reply { code, raw }
    }

    /// The three-digit code.
    pub fn code(&self) -> u16 {
        self.code
    }

    /// 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// 3xx (354, 334).
    pub fn is_intermediate(&self) -> bool {
        (300..400).contains(&self.code)
    }

    /// The reply as sent on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The reply as sent on the wire.
    pub fn into_bytes(self) -> Vec<u8> {
        self.raw
    }
}

/// Why upstream bytes are not a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// A line does not start with three digits and a space or hyphen, or
    /// the lines of one reply carry different codes.
    #[error("malformed reply from the upstream")]
    Malformed,
    /// Longer than [`MAX_REPLY`].
    #[error("reply from the upstream is too long")]
    TooLong,
}

/// Takes one complete reply off the front of `buf`, or `None` when more
/// bytes are needed. Lines may end in CRLF or a bare LF; the reply keeps
/// its bytes as received, with a bare LF turned into CRLF.
pub fn parse_reply(buf: &mut Vec<u8>) -> Result<Option<Reply>, ReplyError> {
    let mut pos = 0;
    let mut code = None;
    loop {
        let Some(lf) = buf[pos..].iter().position(|&b| b == b'\n') else {
            return if buf.len() > MAX_REPLY {
                Err(ReplyError::TooLong)
            } else {
                Ok(None)
            };
        };
        let line = &buf[pos..pos + lf];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let this = line_code(line).ok_or(ReplyError::Malformed)?;
        if code.is_some_and(|c| c != this) {
            return Err(ReplyError::Malformed);
        }
        code = Some(this);
        let last = line.get(3) != Some(&b'-');
        pos += lf + 1;
        if pos > MAX_REPLY {
            return Err(ReplyError::TooLong);
        }
        if last {
            let taken: Vec<u8> = buf.drain(..pos).collect();
            let mut raw = Vec::with_capacity(taken.len() + 8);
            let mut prev = 0u8;
            for &b in &taken {
                if b == b'\n' && prev != b'\r' {
                    raw.push(b'\r');
                }
                raw.push(b);
                prev = b;
            }
            return Ok(Some(Reply { code: this, raw }));
        }
    }
}

fn line_code(line: &[u8]) -> Option<u16> {
    let digits = line.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !(b'2'..=b'5').contains(&digits[0]) {
        return None;
    }
    if !matches!(line.get(3), None | Some(b' ') | Some(b'-')) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_single_and_multi_line() {
        assert_eq!(
            Reply::new(250, "2.0.0", "OK").as_bytes(),
            b"250 2.0.0 OK\r\n"
        );
        assert_eq!(
            Reply::new(550, "5.7.1", "a\nb\r").as_bytes(),
            b"550-5.7.1 a\r\n550 5.7.1 b\r\n"
        );
    }

    #[test]
    fn parses_upstream_replies() {
        let mut buf = b"250-one\r\n250 two\r\n354 go\n2".to_vec();
        let r = parse_reply(&mut buf).unwrap().unwrap();
        assert_eq!(
            (r.code(), r.as_bytes()),
            (250, &b"250-one\r\n250 two\r\n"[..])
        );
        let r = parse_reply(&mut buf).unwrap().unwrap();
        assert_eq!((r.code(), r.as_bytes()), (354, &b"354 go\r\n"[..]));
        assert_eq!(parse_reply(&mut buf), Ok(None));
        for bad in [
            &b"hello\r\n"[..],
            b"250-a\r\n251 b\r\n",
            b"999 x\r\n",
            b"250x\r\n",
        ] {
            assert_eq!(parse_reply(&mut bad.to_vec()), Err(ReplyError::Malformed));
        }
        let mut long = vec![b'2'; MAX_REPLY + 1];
        assert_eq!(parse_reply(&mut long), Err(ReplyError::TooLong));
        let mut bare = b"220\r\n".to_vec();
        assert_eq!(parse_reply(&mut bare).unwrap().unwrap().code(), 220);
    }
}
