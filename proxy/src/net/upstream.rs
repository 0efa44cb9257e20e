//! The connection to the upstream submission server: connect, TLS
//! (implicit or STARTTLS), greeting, EHLO; then one command and one reply
//! at a time, each with a timeout.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::TlsConnector;

use super::Conn;
use crate::config::{UpstreamConfig, UpstreamTls};
use crate::smtp::{parse_reply, Reply, UpstreamCaps};

/// How long any one upstream read or write may take (RFC 5321 §4.5.3.2
/// allows more; a desktop client gives up sooner).
pub const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// How long connecting (TCP and TLS) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the upstream is unusable. Carries no message data.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Connecting, reading or writing failed.
    #[error("upstream I/O: {0}")]
    Io(#[from] io::Error),
    /// No answer in time.
    #[error("upstream timed out")]
    Timeout,
    /// The TLS handshake failed.
    #[error("upstream TLS: {0}")]
    Tls(io::Error),
    /// The host is not a valid TLS server name.
    #[error("upstream host is not a valid TLS server name")]
    BadName,
    /// The upstream sent something that is not an SMTP reply.
    #[error("upstream protocol error: {0}")]
    Protocol(String),
    /// The upstream refused the session (greeting, EHLO or STARTTLS).
    #[error("upstream refused the session with {0}")]
    Refused(u16),
    /// STARTTLS is required but the upstream does not offer it.
    #[error("upstream does not offer STARTTLS")]
    NoStartTls,
}

/// An open upstream session after EHLO.
#[derive(Debug)]
pub struct Upstream<S> {
    conn: Conn<S>,
    buf: Vec<u8>,
}

/// Connects to the configured upstream over TCP.
pub async fn connect(
    cfg: &UpstreamConfig,
    tls: &TlsConnector,
) -> Result<(Upstream<TcpStream>, UpstreamCaps), UpstreamError> {
    let host = cfg.host.trim_start_matches('[').trim_end_matches(']');
    let tcp = timeout(CONNECT_TIMEOUT, TcpStream::connect((host, cfg.port())))
        .await
        .map_err(|_| UpstreamError::Timeout)??;
    tcp.set_nodelay(true)?;
    handshake(tcp, cfg, tls).await
}

/// Runs the opening of the session over an established stream: TLS as
/// configured, greeting, EHLO (and STARTTLS + EHLO).
pub async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    cfg: &UpstreamConfig,
    tls: &TlsConnector,
) -> Result<(Upstream<S>, UpstreamCaps), UpstreamError> {
    let host = cfg.host.trim_start_matches('[').trim_end_matches(']');
    let name = ServerName::try_from(host.to_string()).map_err(|_| UpstreamError::BadName)?;
    let conn = match cfg.tls {
        UpstreamTls::Implicit => {
            let s = timeout(CONNECT_TIMEOUT, tls.connect(name.clone(), stream))
                .await
                .map_err(|_| UpstreamError::Timeout)?
                .map_err(UpstreamError::Tls)?;
            Conn::Client(Box::new(s))
        }
        UpstreamTls::Starttls | UpstreamTls::NoneLoopbackOnly => Conn::Plain(stream),
    };
    let mut up = Upstream {
        conn,
        buf: Vec::new(),
    };
    let greeting = up.read_reply().await?;
    if greeting.code() != 220 {
        return Err(UpstreamError::Refused(greeting.code()));
    }
    let mut caps = up.ehlo().await?;
    if cfg.tls == UpstreamTls::Starttls {
        if !caps.starttls {
            return Err(UpstreamError::NoStartTls);
        }
        let r = up.command(b"STARTTLS\r\n").await?;
        if r.code() != 220 {
            return Err(UpstreamError::Refused(r.code()));
        }
        let Conn::Plain(plain) = std::mem::replace(&mut up.conn, Conn::Gone) else {
            return Err(UpstreamError::Protocol(
                "STARTTLS on a TLS connection".into(),
            ));
        };
        // Bytes buffered before the handshake are not trusted (RFC 3207 §6).
        up.buf.clear();
        let s = timeout(CONNECT_TIMEOUT, tls.connect(name, plain))
            .await
            .map_err(|_| UpstreamError::Timeout)?
            .map_err(UpstreamError::Tls)?;
        up.conn = Conn::Client(Box::new(s));
        caps = up.ehlo().await?;
    }
    Ok((up, caps))
}

impl<S: AsyncRead + AsyncWrite + Unpin> Upstream<S> {
    async fn ehlo(&mut self) -> Result<UpstreamCaps, UpstreamError> {
        let r = self.command(b"EHLO localhost\r\n").await?;
        if r.code() != 250 {
            return Err(UpstreamError::Refused(r.code()));
        }
        Ok(UpstreamCaps::from_ehlo(r.as_bytes()))
    }

    /// Sends one command line (CRLF included) and reads its reply.
    pub async fn command(&mut self, line: &[u8]) -> Result<Reply, UpstreamError> {
        self.send(line).await?;
        self.read_reply().await
    }

    /// Writes bytes and flushes them.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), UpstreamError> {
        timeout(IO_TIMEOUT, async {
            self.conn.write_all(bytes).await?;
            self.conn.flush().await
        })
        .await
        .map_err(|_| UpstreamError::Timeout)??;
        Ok(())
    }

    /// Reads one complete reply.
    pub async fn read_reply(&mut self) -> Result<Reply, UpstreamError> {
        loop {
            match parse_reply(&mut self.buf) {
                Ok(Some(r)) => return Ok(r),
                Ok(None) => {}
                Err(e) => return Err(UpstreamError::Protocol(e.to_string())),
            }
            let mut chunk = [0u8; 4096];
            let n = timeout(IO_TIMEOUT, self.conn.read(&mut chunk))
                .await
                .map_err(|_| UpstreamError::Timeout)??;
            if n == 0 {
                return Err(UpstreamError::Io(io::ErrorKind::UnexpectedEof.into()));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Closes the connection without another command: used to abort a DATA
    /// transaction before its final `.` (nothing is delivered).
    pub async fn abort(mut self) {
        let _ = timeout(Duration::from_secs(2), self.conn.shutdown()).await;
    }
}

/// The connector for the upstream, from the rustls client configuration.
pub fn connector(config: Arc<rustls::ClientConfig>) -> TlsConnector {
    TlsConnector::from(config)
}
