//! The DATA phase: reading a dot-stuffed message from the client, and
//! writing one to the upstream.
//!
//! # Where a message ends
//! Only `CRLF . CRLF` ends the data (RFC 5321 §4.1.1.4), and only after a
//! CRLF does a leading `.` count as stuffing. Whatever else the client sends
//! (a bare LF, `LF . LF`) is message content, and on the way out every line
//! end becomes CRLF and every line starting with `.` is stuffed again, so a
//! second message cannot be smuggled past the proxy to the upstream.

/// Reads the message after `354` up to `CRLF.CRLF`, removing dot-stuffing,
/// and keeps at most `limit` bytes.
#[derive(Debug)]
pub struct DataReader {
    state: State,
    limit: usize,
    data: Vec<u8>,
    /// Bytes seen after unstuffing, including those dropped over the limit.
    total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// After CRLF (or at the very start).
    LineStart,
    /// A `.` at the start of a line.
    Dot,
    /// `.` CR at the start of a line.
    DotCr,
    /// Inside a line; the flag says whether the last byte was CR.
    Mid { cr: bool },
    /// `CRLF.CRLF` seen.
    Done,
}

/// The message, once its end was seen.
#[derive(Debug)]
pub enum DataOutcome {
    /// The unstuffed message (its final CRLF included).
    Complete(Vec<u8>),
    /// Larger than the limit; only the size is kept.
    TooBig {
        /// How many bytes the client sent (after unstuffing).
        bytes: u64,
    },
}

impl DataReader {
    /// A reader that keeps at most `limit` bytes.
    pub fn new(limit: usize) -> DataReader {
        DataReader {
            state: State::LineStart,
            limit,
            data: Vec::new(),
            total: 0,
        }
    }

    /// Consumes bytes from the front of `input` up to the end of the data
    /// and returns the message once the end marker was seen; bytes after it
    /// (pipelined commands) stay in `input`.
    pub fn feed(&mut self, input: &mut Vec<u8>) -> Option<DataOutcome> {
        let mut i = 0;
        while i < input.len() && self.state != State::Done {
            match self.state {
                State::Mid { cr } => {
                    // Fast path: copy up to the next LF at once.
                    let rest = &input[i..];
                    match rest.iter().position(|&b| b == b'\n') {
                        Some(p) => {
                            let before_cr = if p == 0 { cr } else { rest[p - 1] == b'\r' };
                            self.push(&rest[..=p]);
                            i += p + 1;
                            self.state = if before_cr {
                                State::LineStart
                            } else {
                                State::Mid { cr: false }
                            };
                        }
                        None => {
                            let last_cr = rest.last() == Some(&b'\r');
                            self.push(rest);
                            i = input.len();
                            self.state = State::Mid { cr: last_cr };
                        }
                    }
                }
                State::LineStart => {
                    if input[i] == b'.' {
                        self.state = State::Dot;
                        i += 1;
                    } else {
                        self.state = State::Mid { cr: false };
                    }
                }
                State::Dot => {
                    if input[i] == b'\r' {
                        self.state = State::DotCr;
                        i += 1;
                    } else {
                        // A stuffed dot: drop it, keep the rest of the line.
                        self.state = State::Mid { cr: false };
                    }
                }
                State::DotCr => {
                    if input[i] == b'\n' {
                        self.state = State::Done;
                        i += 1;
                    } else {
                        // `.` CR x: the dot was stuffing, the CR is content.
                        self.push(b"\r");
                        self.state = State::Mid { cr: true };
                    }
                }
                State::Done => {}
            }
        }
        input.drain(..i);
        if self.state != State::Done {
            return None;
        }
        let data = std::mem::take(&mut self.data);
        Some(if self.total > self.limit as u64 {
            DataOutcome::TooBig { bytes: self.total }
        } else {
            DataOutcome::Complete(data)
        })
    }

    fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.total <= self.limit as u64 {
            self.data.extend_from_slice(bytes);
        } else if !self.data.is_empty() {
            self.data = Vec::new();
        }
    }
}

/// Dot-stuffs a message for the upstream in pieces: every line end becomes
/// CRLF and a line starting with `.` gets another one.
#[derive(Debug, Clone, Copy)]
pub struct DotStuffer {
    at_line_start: bool,
    prev_cr: bool,
}

impl Default for DotStuffer {
    fn default() -> Self {
        DotStuffer {
            at_line_start: true,
            prev_cr: false,
        }
    }
}

impl DotStuffer {
    /// Appends the stuffed form of `input` (the next piece of the message)
    /// to `out`.
    pub fn stuff(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() + input.len() / 64 + 4);
        for &b in input {
            if self.at_line_start && b == b'.' {
                out.push(b'.');
            }
            if b == b'\n' && !self.prev_cr {
                out.push(b'\r');
            }
            out.push(b);
            self.at_line_start = b == b'\n';
            self.prev_cr = b == b'\r';
        }
    }

    /// Appends a line end if the message did not end with one; after it
    /// only the final `.` CRLF is missing.
    pub fn end_line(&mut self, out: &mut Vec<u8>) {
        if !self.at_line_start {
            out.extend_from_slice(if self.prev_cr { b"\n" } else { b"\r\n" });
            self.at_line_start = true;
            self.prev_cr = false;
        }
    }

    /// Appends the end of the data: a CRLF if the message did not end with
    /// one, then `.` CRLF.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        self.end_line(out);
        out.extend_from_slice(b".\r\n");
    }
}

/// The whole message dot-stuffed, with its end marker (tests, small messages).
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 8);
    let mut s = DotStuffer::default();
    s.stuff(message, &mut out);
    s.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(chunks: &[&[u8]], limit: usize) -> (Option<DataOutcome>, Vec<u8>) {
        let mut r = DataReader::new(limit);
        let mut input = Vec::new();
        for c in chunks {
            input.extend_from_slice(c);
            if let Some(done) = r.feed(&mut input) {
                return (Some(done), input);
            }
        }
        (None, input)
    }

    #[test]
    fn unstuffs_and_stops_at_the_end_marker() {
        // (packets, message, bytes left after the end marker)
        type Case = (&'static [&'static [u8]], &'static [u8], &'static [u8]);
        let table: &[Case] = &[
            (&[b"a\r\n..b\r\n.\r\nNOOP\r\n"], b"a\r\n.b\r\n", b"NOOP\r\n"),
            (&[b".\r\n"], b"", b""),
            (&[b"a\r", b"\n.", b"\r", b"\nQ"], b"a\r\n", b"Q"),
            (&[b"x\n.\ny\r\n.\r\n"], b"x\n.\ny\r\n", b""),
            (&[b"..\r\n.\r\n"], b".\r\n", b""),
            (&[b".x\r\n.\r\n"], b"x\r\n", b""),
            (&[b"a\r\n.\rb\r\n.\r\n"], b"a\r\n\rb\r\n", b""),
        ];
        for (chunks, want, rest) in table {
            let (out, left) = read_all(chunks, 1000);
            match out {
                Some(DataOutcome::Complete(m)) => assert_eq!(m, *want, "{chunks:?}"),
                other => panic!("{chunks:?}: {other:?}"),
            }
            assert_eq!(left, *rest);
        }
        assert!(read_all(&[b"a\r\n.\r"], 1000).0.is_none());
    }

    #[test]
    fn over_the_limit_reads_to_the_end_and_keeps_nothing() {
        let (out, left) = read_all(&[b"0123456789\r\n", b"0123\r\n.\r\nQUIT\r\n"], 12);
        match out {
            Some(DataOutcome::TooBig { bytes }) => assert_eq!(bytes, 18),
            other => panic!("{other:?}"),
        }
        assert_eq!(left, b"QUIT\r\n");
    }

    #[test]
    fn stuffing_round_trips() {
        assert_eq!(dot_stuff(b".a\nb\r\n.\r\n"), b"..a\r\nb\r\n..\r\n.\r\n");
        assert_eq!(dot_stuff(b"no end"), b"no end\r\n.\r\n");
        assert_eq!(dot_stuff(b""), b".\r\n");
        for msg in [&b"x\r\n..y\r\n.\r\nz"[..], b"\r\n.\r\n\r\n"] {
            let stuffed = dot_stuff(msg);
            let (out, _) = read_all(&[&stuffed], 1000);
            let Some(DataOutcome::Complete(back)) = out else {
                panic!()
            };
            let mut want = msg.to_vec();
            if !want.ends_with(b"\r\n") {
                want.extend_from_slice(b"\r\n");
            }
            assert_eq!(back, want);
        }
    }
}
