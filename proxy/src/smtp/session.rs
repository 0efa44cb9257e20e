//! The client side of one SMTP session (RFC 5321/6409), sans I/O.
//!
//! The shell feeds the client's bytes in with [`Session::enqueue_input`] and
//! calls [`Session::next`] until it returns [`Event::NeedMoreInput`],
//! performing what each event asks:
//!
//! - [`Event::Output`]: write these bytes to the client.
//! - [`Event::Relay`]: send this command line to the upstream, read one
//!   reply and hand it to [`Session::upstream_reply`] (or call
//!   [`Session::upstream_failed`] if the upstream is gone).
//! - [`Event::StartTls`]: upgrade the client connection, then call
//!   [`Session::tls_started`]. Bytes the client sent before the handshake
//!   are discarded (RFC 3207 §6, command injection).
//! - [`Event::Message`]: a complete message; decide, transact with the
//!   upstream and hand the reply for the client to [`Session::message_done`].
//! - [`Event::Close`]: close the connection.
//!
//! While a relay or message is outstanding, [`Session::next`] returns
//! [`Event::NeedMoreInput`] without consuming input, so pipelined commands
//! (RFC 2920) are answered strictly in order.
//!
//! # What is answered here and what is relayed
//! EHLO/HELO, STARTTLS, DATA's 354, VRFY/EXPN/HELP and every refusal of a
//! command the proxy does not support are answered here. MAIL, RCPT (with
//! parameters rebuilt from what the upstream supports), RSET, NOOP, QUIT and
//! the whole AUTH exchange are relayed, and the upstream's replies go back
//! verbatim. Credentials pass through and are neither stored nor logged.

use std::borrow::Cow;
use std::fmt;

use smtp_proto::{Error as ParseError, Request, MAIL_BODY_8BITMIME, MAIL_SMTPUTF8};
use tracing::debug;

use super::caps::UpstreamCaps;
use super::data::{DataOutcome, DataReader};
use super::line::{Line, LineFramer, MAX_AUTH_LINE, MAX_COMMAND_LINE};
use super::reply::Reply;

/// The greeting the proxy sends once the upstream is ready.
pub const GREETING: &[u8] = b"220 localhost Sealpost ESMTP ready\r\n";

/// At most this many recipients per message.
pub const MAX_RECIPIENTS: usize = 1000;

/// After this many rejected commands the session is closed.
const MAX_ERRORS: u32 = 20;

/// Which listener the client came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// Plain SMTP that must be upgraded with STARTTLS before AUTH and MAIL.
    Starttls,
    /// TLS from the first byte (RFC 8314).
    ImplicitTls,
}

/// What a session needs to know.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The listener.
    pub listener: Listener,
    /// The largest message accepted, in bytes.
    pub max_message_bytes: u64,
    /// What the upstream offered in its EHLO reply.
    pub upstream: UpstreamCaps,
}

/// A complete message and its envelope. Its `Debug` shows counts only.
pub struct Transaction {
    /// The envelope sender (`MAIL FROM`), empty for `<>`.
    pub sender: String,
    /// The recipients the upstream accepted, in order.
    pub recipients: Vec<String>,
    /// The message, or its size when it was too big.
    pub data: DataOutcome,
}

impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = match &self.data {
            DataOutcome::Complete(d) => d.len() as u64,
            DataOutcome::TooBig { bytes } => *bytes,
        };
        f.debug_struct("Transaction")
            .field("recipients", &self.recipients.len())
            .field("bytes", &size)
            .finish_non_exhaustive()
    }
}

/// What the shell must do next.
#[derive(Debug)]
pub enum Event {
    /// Write these bytes to the client.
    Output(Vec<u8>),
    /// Read more from the client (or wait for the outstanding relay).
    NeedMoreInput,
    /// Send this line (CRLF included) to the upstream and report its reply.
    Relay(Vec<u8>),
    /// Start TLS with the client, then call [`Session::tls_started`].
    StartTls,
    /// A message to decide on; report the client's reply with
    /// [`Session::message_done`].
    Message(Transaction),
    /// Close the connection.
    Close,
}

#[derive(Debug)]
enum State {
    Command,
    /// After a 334 from the upstream: the next line is an AUTH response.
    AuthResponse,
    Data(DataReader),
    /// Skipping the payload of a refused BDAT.
    SkipBytes(u64),
    Closed,
}

#[derive(Debug)]
enum Pending {
    Mail(String),
    Rcpt(String),
    Auth,
    Rset,
    Noop,
    Quit,
    /// An RSET before answering EHLO/HELO (which reset the transaction).
    RsetThenReply(Reply),
    Message,
}

/// One client session. See the module docs.
#[derive(Debug)]
pub struct Session {
    cfg: SessionConfig,
    state: State,
    input: Vec<u8>,
    output: Vec<u8>,
    framer: LineFramer,
    tls: bool,
    greeted: bool,
    authenticated: bool,
    sender: Option<String>,
    recipients: Vec<String>,
    pending: Option<Pending>,
    close_after_output: bool,
    /// STARTTLS was accepted: once its 220 is out, ask for the handshake.
    start_tls: bool,
    errors: u32,
}

impl Session {
    /// A new session; its first output is the greeting. On the implicit-TLS
    /// listener the connection is already TLS.
    pub fn new(cfg: SessionConfig) -> Session {
        let tls = cfg.listener == Listener::ImplicitTls;
        Session {
            cfg,
            state: State::Command,
            input: Vec::new(),
            output: GREETING.to_vec(),
            framer: LineFramer::default(),
            tls,
            greeted: false,
            authenticated: false,
            sender: None,
            recipients: Vec::new(),
            pending: None,
            close_after_output: false,
            start_tls: false,
            errors: 0,
        }
    }

    /// The reply for a client when the upstream cannot be reached: send it
    /// instead of the greeting and close.
    pub fn unavailable_reply() -> Reply {
        Reply::new(
            421,
            "4.4.1",
            "Sealpost cannot reach your mail provider's server right now; try again later",
        )
    }

    /// Appends bytes read from the client.
    pub fn enqueue_input(&mut self, bytes: &[u8]) {
        if !matches!(self.state, State::Closed) {
            self.input.extend_from_slice(bytes);
        }
    }

    /// Whether the client is sending a message (the shell lets it finish
    /// when shutting down).
    pub fn in_data(&self) -> bool {
        matches!(self.state, State::Data(_)) || self.pending.is_some()
    }

    /// The message could not be handled and the session cannot continue
    /// (the upstream connection was dropped on purpose): send `reply`, then
    /// close.
    pub fn message_failed(&mut self, reply: Reply) {
        self.pending = None;
        self.reset_transaction();
        self.output.extend_from_slice(reply.as_bytes());
        self.close_after_output = true;
    }

    /// Whether the connection to the client is TLS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The next thing to do. See the module docs.
    // Named like imap-next's `next`; a session is not an iterator (it never
    // ends with `None`, and must be fed between calls).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Event {
        loop {
            if !self.output.is_empty() {
                return Event::Output(std::mem::take(&mut self.output));
            }
            if self.start_tls {
                self.start_tls = false;
                return Event::StartTls;
            }
            if self.close_after_output {
                self.state = State::Closed;
            }
            if matches!(self.state, State::Closed) {
                return Event::Close;
            }
            if self.pending.is_some() {
                return Event::NeedMoreInput;
            }
            match &mut self.state {
                State::Data(reader) => {
                    let Some(outcome) = reader.feed(&mut self.input) else {
                        return Event::NeedMoreInput;
                    };
                    self.state = State::Command;
                    self.pending = Some(Pending::Message);
                    return Event::Message(Transaction {
                        sender: self.sender.clone().unwrap_or_default(),
                        recipients: std::mem::take(&mut self.recipients),
                        data: outcome,
                    });
                }
                State::SkipBytes(left) => {
                    let n = (*left).min(self.input.len() as u64);
                    self.input.drain(..n as usize);
                    *left -= n;
                    if *left > 0 {
                        return Event::NeedMoreInput;
                    }
                    self.state = State::Command;
                }
                State::AuthResponse => {
                    match self.framer.next_line(&mut self.input, MAX_AUTH_LINE) {
                        None => return Event::NeedMoreInput,
                        Some(Line::TooLong) => {
                            // The upstream is mid-exchange: cancel it there too.
                            self.state = State::Command;
                            self.pending = Some(Pending::Auth);
                            return Event::Relay(b"*\r\n".to_vec());
                        }
                        Some(Line::Complete(mut line)) => {
                            self.state = State::Command;
                            self.pending = Some(Pending::Auth);
                            line.extend_from_slice(b"\r\n");
                            return Event::Relay(line);
                        }
                    }
                }
                State::Command => match self.framer.next_line(&mut self.input, MAX_AUTH_LINE) {
                    None => return Event::NeedMoreInput,
                    Some(Line::TooLong) => self.error(500, "5.5.2", "Line too long"),
                    Some(Line::Complete(line)) => {
                        if let Some(event) = self.command(line) {
                            return event;
                        }
                    }
                },
                State::Closed => return Event::Close,
            }
        }
    }

    /// The upstream's reply to the last [`Event::Relay`].
    pub fn upstream_reply(&mut self, reply: Reply) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        match pending {
            Pending::Mail(sender) => {
                if reply.is_positive() {
                    self.sender = Some(sender);
                    self.recipients.clear();
                }
            }
            Pending::Rcpt(rcpt) => {
                if reply.is_positive() {
                    self.recipients.push(rcpt);
                }
            }
            Pending::Auth => match reply.code() {
                334 => self.state = State::AuthResponse,
                235 => self.authenticated = true,
                _ => {}
            },
            Pending::Rset => self.reset_transaction(),
            Pending::Noop | Pending::Message => {}
            Pending::Quit => {
                self.say(221, "2.0.0", "Bye");
                self.close_after_output = true;
                return;
            }
            Pending::RsetThenReply(ours) => {
                self.output.extend_from_slice(ours.as_bytes());
                return;
            }
        }
        self.output.extend_from_slice(reply.as_bytes());
    }

    /// The upstream connection failed while a relay or message was
    /// outstanding: tell the client and close.
    pub fn upstream_failed(&mut self) {
        let pending = self.pending.take();
        self.state = State::Command;
        match pending {
            Some(Pending::Quit) => self.say(221, "2.0.0", "Bye"),
            Some(Pending::Message) => self.say(
                451,
                "4.4.2",
                "Connection to your mail provider was lost; the message was not sent",
            ),
            _ => self.say(
                421,
                "4.4.2",
                "Connection to your mail provider was lost; closing",
            ),
        }
        self.close_after_output = true;
    }

    /// The client's reply to the last [`Event::Message`]. The transaction is
    /// over either way.
    pub fn message_done(&mut self, reply: Reply) {
        if matches!(self.pending, Some(Pending::Message)) {
            self.pending = None;
        }
        self.reset_transaction();
        self.output.extend_from_slice(reply.as_bytes());
    }

    /// TLS with the client is up: the client must say EHLO again.
    pub fn tls_started(&mut self) {
        self.tls = true;
        self.greeted = false;
        self.reset_transaction();
        self.input.clear();
        self.framer = LineFramer::default();
    }

    fn reset_transaction(&mut self) {
        self.sender = None;
        self.recipients.clear();
    }

    fn say(&mut self, code: u16, esc: &str, text: &str) {
        self.output
            .extend_from_slice(Reply::new(code, esc, text).as_bytes());
    }

    fn error(&mut self, code: u16, esc: &str, text: &str) {
        self.errors += 1;
        if self.errors >= MAX_ERRORS {
            self.say(421, "4.7.0", "Too many errors; closing the connection");
            self.close_after_output = true;
        } else {
            self.say(code, esc, text);
        }
    }

    fn relay(&mut self, pending: Pending, line: Vec<u8>) -> Option<Event> {
        self.pending = Some(pending);
        Some(Event::Relay(line))
    }

    /// Handles one command line; returns an event when the shell must act.
    fn command(&mut self, line: Vec<u8>) -> Option<Event> {
        let is_auth = line.len() >= 5 && line[..5].eq_ignore_ascii_case(b"AUTH ");
        if line.len() + 2 > MAX_COMMAND_LINE && !is_auth {
            self.error(500, "5.5.2", "Line too long");
            return None;
        }
        let mut framed = line.clone();
        framed.extend_from_slice(b"\r\n");
        let request = match Request::parse(&mut framed.iter()) {
            Ok(r) => r,
            Err(e) => {
                self.parse_error(e);
                return None;
            }
        };
        debug!(verb = request.name(), "command");
        let needs_tls = self.cfg.listener == Listener::Starttls && !self.tls;
        match request {
            Request::Ehlo { .. } | Request::Helo { .. } => {
                let ehlo = matches!(request, Request::Ehlo { .. });
                self.greeted = true;
                let reply = if ehlo {
                    self.ehlo_reply()
                } else {
                    Reply::new(250, "2.0.0", "localhost Sealpost")
                };
                if self.sender.is_some() {
                    self.reset_transaction();
                    return self.relay(Pending::RsetThenReply(reply), b"RSET\r\n".to_vec());
                }
                self.output.extend_from_slice(reply.as_bytes());
            }
            Request::StartTls => {
                if self.cfg.listener != Listener::Starttls || self.tls {
                    self.error(503, "5.5.1", "TLS is already active");
                } else {
                    self.say(220, "2.0.0", "Ready to start TLS");
                    // Anything pipelined after STARTTLS is plaintext the
                    // client must not have sent: drop it.
                    self.input.clear();
                    self.start_tls = true;
                }
            }
            Request::Auth { mechanism, .. } => {
                if needs_tls {
                    self.error(530, "5.7.0", "Must issue a STARTTLS command first");
                } else if !self.greeted {
                    self.error(503, "5.5.1", "Send EHLO first");
                } else if self.authenticated {
                    self.error(503, "5.5.1", "Already authenticated");
                } else if self.sender.is_some() {
                    self.error(
                        503,
                        "5.5.1",
                        "AUTH is not allowed during a mail transaction",
                    );
                } else if !self.cfg.upstream.auth.iter().any(|m| m.bit() == mechanism) {
                    self.error(504, "5.5.4", "Unrecognized authentication type");
                } else {
                    // Relayed as the client wrote it.
                    return self.relay(Pending::Auth, framed);
                }
            }
            Request::Mail { from } => {
                if needs_tls {
                    self.error(530, "5.7.0", "Must issue a STARTTLS command first");
                } else if !self.greeted {
                    self.error(503, "5.5.1", "Send EHLO first");
                } else if self.sender.is_some() {
                    self.error(503, "5.5.1", "Sender already specified");
                } else {
                    return self.mail(from);
                }
            }
            Request::Rcpt { to } => {
                if needs_tls {
                    self.error(530, "5.7.0", "Must issue a STARTTLS command first");
                } else if self.sender.is_none() {
                    self.error(503, "5.5.1", "Need MAIL command first");
                } else if to.flags != 0 || to.orcpt.is_some() || to.rrvs != 0 {
                    self.error(555, "5.5.4", "Unsupported RCPT TO parameter");
                } else if self.recipients.len() >= MAX_RECIPIENTS {
                    self.say(452, "4.5.3", "Too many recipients");
                } else {
                    let address = to.address.into_owned();
                    let line = format!("RCPT TO:<{address}>\r\n").into_bytes();
                    return self.relay(Pending::Rcpt(address), line);
                }
            }
            Request::Data => {
                if needs_tls {
                    self.error(530, "5.7.0", "Must issue a STARTTLS command first");
                } else if self.sender.is_none() {
                    self.error(503, "5.5.1", "Need MAIL command first");
                } else if self.recipients.is_empty() {
                    self.say(554, "5.5.1", "No valid recipients");
                } else {
                    self.output
                        .extend_from_slice(b"354 End data with <CR><LF>.<CR><LF>\r\n");
                    let limit = usize::try_from(self.cfg.max_message_bytes).unwrap_or(usize::MAX);
                    self.state = State::Data(DataReader::new(limit));
                }
            }
            Request::Bdat { chunk_size, .. } => {
                self.error(504, "5.5.1", "BDAT (CHUNKING) is not supported; use DATA");
                self.state = State::SkipBytes(chunk_size as u64);
            }
            Request::Rset => return self.relay(Pending::Rset, b"RSET\r\n".to_vec()),
            Request::Noop { .. } => return self.relay(Pending::Noop, b"NOOP\r\n".to_vec()),
            Request::Quit => return self.relay(Pending::Quit, b"QUIT\r\n".to_vec()),
            Request::Vrfy { .. } => self.say(
                252,
                "2.5.0",
                "Cannot VRFY user, but will accept message and attempt delivery",
            ),
            Request::Expn { .. } => self.error(502, "5.5.1", "EXPN is not supported"),
            Request::Help { .. } => self.say(
                214,
                "2.0.0",
                "Sealpost: point your mail client here; see `sealpost run --help`",
            ),
            Request::Lhlo { .. }
            | Request::Etrn { .. }
            | Request::Atrn { .. }
            | Request::Burl { .. } => self.error(502, "5.5.1", "Command not implemented"),
        }
        None
    }

    fn mail(&mut self, from: smtp_proto::MailFrom<Cow<'_, str>>) -> Option<Event> {
        let caps = &self.cfg.upstream;
        let allowed = MAIL_BODY_8BITMIME | MAIL_SMTPUTF8;
        let unsupported = from.flags & !allowed != 0
            || (from.flags & MAIL_BODY_8BITMIME != 0 && !caps.eight_bit_mime)
            || (from.flags & MAIL_SMTPUTF8 != 0 && !caps.smtputf8)
            || from.env_id.is_some()
            || from.trans_id.is_some()
            || from.solicit.is_some()
            || from.mtrk.is_some()
            || from.by != 0
            || from.hold_for != 0
            || from.hold_until != 0
            || from.mt_priority != 0;
        if unsupported {
            self.error(555, "5.5.4", "Unsupported MAIL FROM parameter");
            return None;
        }
        let limit = caps.advertised_size(self.cfg.max_message_bytes);
        if from.size as u64 > limit {
            self.say(
                552,
                "5.3.4",
                &format!("Message size exceeds the limit of {limit} bytes"),
            );
            return None;
        }
        let address = from.address.into_owned();
        let mut line = format!("MAIL FROM:<{address}>");
        if from.size > 0 && caps.size.is_some() {
            line.push_str(&format!(" SIZE={}", from.size));
        }
        if from.flags & MAIL_BODY_8BITMIME != 0 {
            line.push_str(" BODY=8BITMIME");
        }
        if from.flags & MAIL_SMTPUTF8 != 0 {
            line.push_str(" SMTPUTF8");
        }
        line.push_str("\r\n");
        self.relay(Pending::Mail(address), line.into_bytes())
    }

    fn parse_error(&mut self, e: ParseError) {
        match e {
            ParseError::UnknownCommand => self.error(500, "5.5.1", "Command unrecognized"),
            ParseError::InvalidSenderAddress => {
                self.error(501, "5.1.7", "Bad sender address syntax")
            }
            ParseError::InvalidRecipientAddress => {
                self.error(501, "5.1.3", "Bad recipient address syntax")
            }
            ParseError::SyntaxError { syntax } => {
                self.error(501, "5.5.4", &format!("Syntax: {syntax}"))
            }
            ParseError::InvalidParameter { param } => {
                self.error(501, "5.5.4", &format!("Invalid parameter {param}"))
            }
            ParseError::UnsupportedParameter { .. } => {
                self.error(555, "5.5.4", "Unsupported parameter")
            }
            ParseError::ResponseTooLong | ParseError::NeedsMoreData { .. } => {
                self.error(500, "5.5.2", "Line too long")
            }
            ParseError::InvalidResponse { .. } => self.error(500, "5.5.1", "Command unrecognized"),
        }
    }

    fn ehlo_reply(&self) -> Reply {
        let caps = &self.cfg.upstream;
        let mut lines = vec!["localhost Sealpost".to_string()];
        if caps.pipelining {
            lines.push("PIPELINING".into());
        }
        if caps.eight_bit_mime {
            lines.push("8BITMIME".into());
        }
        if caps.smtputf8 {
            lines.push("SMTPUTF8".into());
        }
        lines.push(format!(
            "SIZE {}",
            caps.advertised_size(self.cfg.max_message_bytes)
        ));
        lines.push("ENHANCEDSTATUSCODES".into());
        if self.tls && !caps.auth.is_empty() {
            let names: Vec<&str> = caps.auth.iter().map(|m| m.name()).collect();
            lines.push(format!("AUTH {}", names.join(" ")));
        }
        if self.cfg.listener == Listener::Starttls && !self.tls {
            lines.push("STARTTLS".into());
        }
        let mut raw = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            raw.extend_from_slice(format!("250{sep}{l}\r\n").as_bytes());
        }
        Reply::from_raw(250, raw)
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
