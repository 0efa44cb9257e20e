//! What the upstream offers, and what the proxy advertises to its clients.

use smtp_proto::{
    EhloResponse, AUTH_LOGIN, AUTH_PLAIN, AUTH_XOAUTH2, EXT_8BIT_MIME, EXT_PIPELINING, EXT_SIZE,
    EXT_SMTP_UTF8, EXT_START_TLS,
};

/// The AUTH mechanisms the proxy relays (RFC 4954): the ones desktop clients
/// use with Gmail and Microsoft 365.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMechanism {
    /// `PLAIN` (RFC 4616).
    Plain,
    /// `LOGIN` (draft-murchison-sasl-login).
    Login,
    /// `XOAUTH2` (Google, Microsoft).
    XOauth2,
}

impl AuthMechanism {
    /// Every mechanism, in the order advertised.
    pub const ALL: [AuthMechanism; 3] = [
        AuthMechanism::Plain,
        AuthMechanism::Login,
        AuthMechanism::XOauth2,
    ];

    /// The SASL name.
    pub fn name(self) -> &'static str {
        match self {
            AuthMechanism::Plain => "PLAIN",
            AuthMechanism::Login => "LOGIN",
            AuthMechanism::XOauth2 => "XOAUTH2",
        }
    }

    /// smtp-proto's bit for it.
    pub fn bit(self) -> u64 {
        match self {
            AuthMechanism::Plain => AUTH_PLAIN,
            AuthMechanism::Login => AUTH_LOGIN,
            AuthMechanism::XOauth2 => AUTH_XOAUTH2,
        }
    }
}

/// The upstream's EHLO answer, as far as the proxy cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpstreamCaps {
    /// `PIPELINING` (RFC 2920).
    pub pipelining: bool,
    /// `8BITMIME` (RFC 6152).
    pub eight_bit_mime: bool,
    /// `SMTPUTF8` (RFC 6531).
    pub smtputf8: bool,
    /// `SIZE n` (RFC 1870); `Some(0)` means "no fixed limit".
    pub size: Option<u64>,
    /// `STARTTLS` (RFC 3207).
    pub starttls: bool,
    /// The relayed mechanisms among those offered.
    pub auth: Vec<AuthMechanism>,
}

impl UpstreamCaps {
    /// Reads an EHLO reply (all its lines). A reply smtp-proto cannot parse
    /// yields no capabilities at all: nothing is advertised that the
    /// upstream may not support.
    pub fn from_ehlo(reply: &[u8]) -> UpstreamCaps {
        let Ok(ehlo) = EhloResponse::parse(&mut reply.iter()) else {
            return UpstreamCaps::default();
        };
        let has = |ext| ehlo.capabilities & ext != 0;
        UpstreamCaps {
            pipelining: has(EXT_PIPELINING),
            eight_bit_mime: has(EXT_8BIT_MIME),
            smtputf8: has(EXT_SMTP_UTF8),
            size: has(EXT_SIZE).then_some(ehlo.size as u64),
            starttls: has(EXT_START_TLS),
            auth: AuthMechanism::ALL
                .into_iter()
                .filter(|m| ehlo.auth_mechanisms & m.bit() != 0)
                .collect(),
        }
    }

    /// The SIZE the proxy advertises: the smaller of its own limit and the
    /// upstream's (when it has one).
    pub fn advertised_size(&self, max_message_bytes: u64) -> u64 {
        match self.size {
            Some(n) if n > 0 => n.min(max_message_bytes),
            _ => max_message_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_postfix_ehlo() {
        let reply = b"250-mail.clinic.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n\
250-ETRN\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n\
250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n";
        let caps = UpstreamCaps::from_ehlo(reply);
        assert!(caps.pipelining && caps.eight_bit_mime && caps.smtputf8 && !caps.starttls);
        assert_eq!(caps.size, Some(10_240_000));
        assert_eq!(caps.auth, vec![AuthMechanism::Plain, AuthMechanism::Login]);
        assert_eq!(caps.advertised_size(36_700_160), 10_240_000);
        let bare = UpstreamCaps::from_ehlo(b"250 smtp.example\r\n");
        assert_eq!(bare, UpstreamCaps::default());
        assert_eq!(bare.advertised_size(1000), 1000);
        assert_eq!(UpstreamCaps::from_ehlo(b"garbage"), UpstreamCaps::default());
    }
}
