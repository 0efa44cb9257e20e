//! One client connection: runs the [`Session`] against the client socket and
//! the upstream, and carries each message through the [`Relay`].
//!
//! # The commit point
//! For a message that is sent, the upstream gets `DATA`, then the whole
//! message, and only after the audit record is on disk the final `.`. If the
//! record cannot be written the upstream connection is closed without the
//! `.` (so the upstream discards the message) and the client gets
//! `451 4.3.0`. The client's reply to its own `.` is the upstream's reply,
//! byte for byte; never a 250 the upstream did not send.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::timeout;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use tracing::{debug, info, instrument, warn};

use super::upstream::{Upstream, UpstreamError};
use super::Conn;
use crate::config::UpstreamConfig;
use crate::relay::{Decision, Relay};
use crate::smtp::{
    DotStuffer, Event, Listener, Reply, Session, SessionConfig, Transaction, UpstreamCaps,
};

/// How long a client may stay silent.
pub const CLIENT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// Messages are written upstream in pieces of this size.
const CHUNK: usize = 64 * 1024;

/// What every session shares.
pub struct Shared {
    /// The decisions and the audit log.
    pub relay: Relay,
    /// TLS for clients (STARTTLS and implicit).
    pub acceptor: TlsAcceptor,
    /// TLS for the upstream.
    pub connector: TlsConnector,
    /// Where the upstream is.
    pub upstream: UpstreamConfig,
    /// The largest message accepted.
    pub max_message_bytes: u64,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("relay", &self.relay)
            .field("max_message_bytes", &self.max_message_bytes)
            .finish_non_exhaustive()
    }
}

/// Why a message transaction ended without a reply from the upstream.
enum Lost {
    /// The upstream connection is gone; the client gets `451 4.4.2`.
    Upstream,
    /// The audit record could not be written; the client gets `451 4.3.0`.
    Audit,
}

/// Serves one client until it quits, fails, idles out or the daemon shuts
/// down. `client` is already TLS on the implicit-TLS listener; `upstream`
/// is the result of connecting to the upstream for this client.
#[instrument(skip_all, fields(session = id))]
pub async fn serve<C, U>(
    id: u64,
    mut client: Conn<C>,
    listener: Listener,
    upstream: Result<(Upstream<U>, UpstreamCaps), UpstreamError>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) where
    C: AsyncRead + AsyncWrite + Unpin,
    U: AsyncRead + AsyncWrite + Unpin,
{
    let started = Instant::now();
    let (up, caps) = match upstream {
        Ok(u) => u,
        Err(e) => {
            warn!(error = %e, "upstream unavailable");
            let _ = write(&mut client, Session::unavailable_reply().as_bytes()).await;
            let _ = client.shutdown().await;
            return;
        }
    };
    let mut upstream = Some(up);
    let mut session = Session::new(SessionConfig {
        listener,
        max_message_bytes: shared.max_message_bytes,
        upstream: caps,
    });
    let (mut bytes_in, mut messages) = (0u64, 0u32);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match session.next() {
            Event::Output(out) => {
                if write(&mut client, &out).await.is_err() {
                    break;
                }
            }
            Event::NeedMoreInput => {
                let read = tokio::select! {
                    r = timeout(CLIENT_IDLE_TIMEOUT, client.read(&mut buf)) => r,
                    _ = shutdown.changed(), if !session.in_data() => {
                        let bye = Reply::new(421, "4.3.2", "Sealpost is shutting down; try again shortly");
                        let _ = write(&mut client, bye.as_bytes()).await;
                        break;
                    }
                };
                match read {
                    Ok(Ok(0)) | Ok(Err(_)) => break,
                    Ok(Ok(n)) => {
                        bytes_in += n as u64;
                        session.enqueue_input(&buf[..n]);
                    }
                    Err(_) => {
                        let bye = Reply::new(421, "4.4.2", "Idle timeout; closing the connection");
                        let _ = write(&mut client, bye.as_bytes()).await;
                        break;
                    }
                }
            }
            Event::Relay(line) => {
                let result = match upstream.as_mut() {
                    Some(up) => up.command(&line).await,
                    None => Err(UpstreamError::Protocol("closed".into())),
                };
                match result {
                    Ok(reply) => session.upstream_reply(reply),
                    Err(e) => {
                        debug!(error = %e, "upstream lost");
                        upstream = None;
                        session.upstream_failed();
                    }
                }
            }
            Event::StartTls => {
                let Conn::Plain(plain) = std::mem::replace(&mut client, Conn::Gone) else {
                    break;
                };
                match timeout(Duration::from_secs(30), shared.acceptor.accept(plain)).await {
                    Ok(Ok(tls)) => {
                        client = Conn::Server(Box::new(tls));
                        session.tls_started();
                        debug!("client TLS started");
                    }
                    _ => {
                        info!("client TLS handshake failed");
                        break;
                    }
                }
            }
            Event::Message(t) => {
                messages += 1;
                let Some(up) = upstream.take() else {
                    session.upstream_failed();
                    continue;
                };
                match transact(&shared, up, t).await {
                    (Ok(reply), up) => {
                        upstream = up;
                        session.message_done(reply);
                    }
                    (Err(Lost::Upstream), _) => session.upstream_failed(),
                    (Err(Lost::Audit), _) => session.message_failed(Relay::audit_failed_reply()),
                }
            }
            Event::Close => break,
        }
    }
    let _ = client.shutdown().await;
    if let Some(up) = upstream {
        up.abort().await;
    }
    info!(
        bytes_in,
        messages,
        duration_ms = started.elapsed().as_millis() as u64,
        "session closed"
    );
}

async fn write<C: AsyncWrite + Unpin>(c: &mut C, bytes: &[u8]) -> std::io::Result<()> {
    timeout(CLIENT_IDLE_TIMEOUT, async {
        c.write_all(bytes).await?;
        c.flush().await
    })
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
}

/// Decides on a message and, if it is to be sent, sends it. Returns the
/// client's reply and the upstream connection if it is still usable.
async fn transact<U: AsyncRead + AsyncWrite + Unpin>(
    shared: &Arc<Shared>,
    mut up: Upstream<U>,
    t: Transaction,
) -> (Result<Reply, Lost>, Option<Upstream<U>>) {
    let s = Arc::clone(shared);
    let decision = match blocking(move || s.relay.decide(t)).await {
        Ok(d) => d,
        Err(_) => {
            warn!("the decision task failed");
            let reply = Reply::new(451, "4.3.0", "Sealpost: internal error; nothing was sent");
            return (Ok(reply), rset(up).await);
        }
    };
    let (message, record) = match decision {
        Decision::Refuse { reply } => return (Ok(reply), rset(up).await),
        Decision::Send { message, record } => (message, record),
    };
    let started = Instant::now();
    let go = match up.command(b"DATA\r\n").await {
        Ok(r) => r,
        Err(e) => {
            info!(error = %e, "upstream lost at DATA");
            audit_lost(shared, record).await;
            return (Err(Lost::Upstream), None);
        }
    };
    if go.code() != 354 {
        info!(code = go.code(), "upstream refused DATA");
        let rec = record.clone();
        let s = Arc::clone(shared);
        let _ = blocking(move || s.relay.upstream_rejected(&rec)).await;
        return (Ok(go), rset(up).await);
    }
    let mut stuffer = DotStuffer::default();
    let mut out = Vec::with_capacity(CHUNK + CHUNK / 8);
    for piece in message.chunks(CHUNK) {
        out.clear();
        stuffer.stuff(piece, &mut out);
        if let Err(e) = up.send(&out).await {
            info!(error = %e, "upstream lost during DATA");
            audit_lost(shared, record).await;
            return (Err(Lost::Upstream), None);
        }
    }
    out.clear();
    stuffer.end_line(&mut out);
    if !out.is_empty() {
        if let Err(e) = up.send(&out).await {
            info!(error = %e, "upstream lost during DATA");
            audit_lost(shared, record).await;
            return (Err(Lost::Upstream), None);
        }
    }
    drop(message);
    // The commit point: the record must be on disk before the final dot.
    let s = Arc::clone(shared);
    let rec = record.clone();
    let audited = blocking(move || s.relay.commit_record(&rec)).await;
    if !matches!(audited, Ok(Ok(()))) {
        warn!("audit record could not be written; aborting the upstream transaction");
        up.abort().await;
        return (Err(Lost::Audit), None);
    }
    let reply = match up.command(b".\r\n").await {
        Ok(r) => r,
        Err(e) => {
            info!(error = %e, "upstream lost after DATA");
            let s = Arc::clone(shared);
            let _ = blocking(move || s.relay.upstream_unavailable(&record)).await;
            return (Err(Lost::Upstream), None);
        }
    };
    info!(
        code = reply.code(),
        duration_ms = started.elapsed().as_millis() as u64,
        "upstream answered the message"
    );
    if !reply.is_positive() {
        let s = Arc::clone(shared);
        let _ = blocking(move || s.relay.upstream_rejected(&record)).await;
    }
    (Ok(reply), Some(up))
}

/// Audits a message lost with the upstream connection.
async fn audit_lost(shared: &Arc<Shared>, record: crate::audit::Record) {
    let s = Arc::clone(shared);
    let _ = blocking(move || s.relay.upstream_unavailable(&record)).await;
}

/// Runs blocking work (scanning, encryption, fsync) off the async workers,
/// inside the session's span so its logs carry the session id.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f)).await
}

/// Ends the upstream's open transaction after a refusal; drops the
/// connection if that fails.
async fn rset<U: AsyncRead + AsyncWrite + Unpin>(mut up: Upstream<U>) -> Option<Upstream<U>> {
    match up.command(b"RSET\r\n").await {
        Ok(_) => Some(up),
        Err(_) => None,
    }
}
