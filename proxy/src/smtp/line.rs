//! Framing of command lines: bytes in, complete lines (or "too long") out.

/// The longest command line accepted, CRLF included: RFC 4954 §4 allows
/// 12288 octets for an AUTH line (an XOAUTH2 token is long); other commands
/// are limited to [`MAX_COMMAND_LINE`] after framing.
pub const MAX_AUTH_LINE: usize = 12288 + 2;

/// The longest ordinary command line accepted, CRLF included (smtp-proto's
/// `MAX_LINE_LENGTH`; RFC 5321 requires only 512).
pub const MAX_COMMAND_LINE: usize = smtp_proto::request::receiver::MAX_LINE_LENGTH;

/// One framed line.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A complete line without its line end (CRLF or a bare LF).
    Complete(Vec<u8>),
    /// A line longer than the limit; its bytes up to and including the next
    /// LF are discarded.
    TooLong,
}

/// Splits buffered input into lines of at most `limit` bytes.
#[derive(Debug, Default)]
pub struct LineFramer {
    /// Discarding the rest of an over-long line until the next LF.
    skipping: bool,
}

impl LineFramer {
    /// Takes the next line from the front of `buf`, or `None` if no complete
    /// line is buffered yet. An over-long line is reported once, as soon as
    /// the limit is passed, and then skipped up to its LF.
    pub fn next_line(&mut self, buf: &mut Vec<u8>, limit: usize) -> Option<Line> {
        loop {
            let lf = memchr_lf(buf);
            if self.skipping {
                match lf {
                    Some(i) => {
                        buf.drain(..=i);
                        self.skipping = false;
                        continue;
                    }
                    None => {
                        buf.clear();
                        return None;
                    }
                }
            }
            return match lf {
                Some(i) if i < limit => {
                    let mut line: Vec<u8> = buf.drain(..=i).collect();
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    Some(Line::Complete(line))
                }
                Some(i) => {
                    buf.drain(..=i);
                    Some(Line::TooLong)
                }
                None if buf.len() >= limit => {
                    buf.clear();
                    self.skipping = true;
                    Some(Line::TooLong)
                }
                None => None,
            };
        }
    }
}

fn memchr_lf(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_lines_and_long_ones() {
        let mut f = LineFramer::default();
        let mut buf = b"NOOP\r\nQUIT\npartial".to_vec();
        assert_eq!(
            f.next_line(&mut buf, 10),
            Some(Line::Complete(b"NOOP".to_vec()))
        );
        assert_eq!(
            f.next_line(&mut buf, 10),
            Some(Line::Complete(b"QUIT".to_vec()))
        );
        assert_eq!(f.next_line(&mut buf, 10), None);
        assert_eq!(buf, b"partial");
        buf.extend_from_slice(b"xxxxxxx");
        assert_eq!(f.next_line(&mut buf, 10), Some(Line::TooLong));
        buf.extend_from_slice(b"more\r\nNOOP\r\n");
        assert_eq!(
            f.next_line(&mut buf, 10),
            Some(Line::Complete(b"NOOP".to_vec()))
        );
        let mut buf = b"0123456789012\r\nA\r\n".to_vec();
        assert_eq!(f.next_line(&mut buf, 10), Some(Line::TooLong));
        assert_eq!(
            f.next_line(&mut buf, 10),
            Some(Line::Complete(b"A".to_vec()))
        );
    }
}
