//! `sealpost run`: the listeners, the per-connection tasks and shutdown.
//!
//! [`Daemon::bind`] prepares everything that can fail at start-up (local
//! TLS, key store, audit log, both listeners) so that a configuration
//! problem stops the process before it prints its "listening" line;
//! [`Daemon::run`] then accepts clients until the shutdown future resolves.
//!
//! # Shutdown
//! When the shutdown future resolves the listeners close at once. Sessions
//! waiting for a command get `421 4.3.2` and are closed; sessions in the
//! middle of a message may finish it, for up to [`GRACE`]; what is still
//! running then is dropped (an upstream transaction without its final `.`
//! is discarded by the upstream, so nothing is half-sent).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;
use tracing::{info, warn};

use crate::audit::{Audit, AuditError, AuditKey};
use crate::config::LoadedConfig;
use crate::keys::{KeyError, KeyStore};
use crate::net::client::{serve, Shared};
use crate::net::upstream::{self, connector};
use crate::net::Conn;
use crate::relay::Relay;
use crate::smtp::Listener;
use crate::tls::{server_config, upstream_client_config, TlsError};

/// How long sessions may take to finish after shutdown was requested.
pub const GRACE: Duration = Duration::from_secs(10);

/// Why the daemon cannot start.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The local CA, the listener certificate or the upstream roots.
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    /// The key store.
    #[error("key store: {0}")]
    Keys(#[from] KeyError),
    /// The audit log or its key.
    #[error("{0}")]
    Audit(#[from] AuditError),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A daemon ready to accept clients.
#[derive(Debug)]
pub struct Daemon {
    shared: Arc<Shared>,
    starttls: TcpListener,
    tls: TcpListener,
}

impl Daemon {
    /// Loads TLS material, the key store (`<data>/keys`) and the audit log,
    /// and binds both listeners (port 0 picks a free port).
    pub async fn bind(loaded: &LoadedConfig) -> Result<Daemon, DaemonError> {
        let paths = &loaded.paths;
        let smtp = &loaded.proxy.smtp;
        let server = server_config(&paths.tls_dir())?;
        let client = upstream_client_config(smtp.upstream.extra_ca_file.as_deref())?;
        let keys = KeyStore::open(keys_dir(&paths.data_dir))?;
        let key = AuditKey::load_or_create(&paths.audit_key())?;
        let audit = Audit::open(&paths.audit_log(), key)?;
        let relay = Relay::new(loaded.policy.policy.clone(), keys, audit, smtp);
        // Builds the detectors' automata now rather than on the first message.
        let _ = sealpost_policy::evaluate(
            b"Subject: warm-up\r\n\r\nwarm-up\r\n",
            &loaded.policy.policy,
        );
        let shared = Arc::new(Shared {
            relay,
            acceptor: TlsAcceptor::from(server),
            connector: connector(client),
            upstream: smtp.upstream.clone(),
            max_message_bytes: smtp.max_message_bytes,
        });
        let bind = |addr: SocketAddr| async move {
            TcpListener::bind(addr)
                .await
                .map_err(|source| DaemonError::Bind { addr, source })
        };
        let starttls = bind(smtp.listen_starttls).await?;
        let tls = bind(smtp.listen_tls).await?;
        Ok(Daemon {
            shared,
            starttls,
            tls,
        })
    }

    /// The bound addresses: (STARTTLS, implicit TLS).
    pub fn local_addrs(&self) -> std::io::Result<(SocketAddr, SocketAddr)> {
        Ok((self.starttls.local_addr()?, self.tls.local_addr()?))
    }

    /// Accepts clients until `shutdown` resolves, then drains (see the
    /// module docs).
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let mut next_id = 0u64;
        tokio::pin!(shutdown);
        loop {
            let (accepted, listener) = tokio::select! {
                _ = &mut shutdown => break,
                r = self.starttls.accept() => (r, Listener::Starttls),
                r = self.tls.accept() => (r, Listener::ImplicitTls),
                Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            };
            match accepted {
                Ok((tcp, _peer)) => {
                    next_id += 1;
                    let shared = Arc::clone(&self.shared);
                    tasks.spawn(connection(next_id, tcp, listener, shared, stop_rx.clone()));
                }
                Err(e) => {
                    warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        drop(self.starttls);
        drop(self.tls);
        let _ = stop_tx.send(true);
        info!(sessions = tasks.len(), "shutting down");
        let drained = timeout(GRACE, async { while tasks.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            warn!(
                sessions = tasks.len(),
                "sessions still running after the grace period; dropping them"
            );
            tasks.shutdown().await;
        }
        info!("stopped");
    }
}

/// `<data>/keys`: the store `sealpost keys` manages.
pub fn keys_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("keys")
}

async fn connection(
    id: u64,
    tcp: TcpStream,
    listener: Listener,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    let client = match listener {
        Listener::Starttls => Conn::Plain(tcp),
        Listener::ImplicitTls => {
            match timeout(Duration::from_secs(30), shared.acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => Conn::Server(Box::new(tls)),
                _ => {
                    info!(session = id, "client TLS handshake failed");
                    return;
                }
            }
        }
    };
    let up = upstream::connect(&shared.upstream, &shared.connector).await;
    serve(id, client, listener, up, shared, stop).await;
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use tokio::io::AsyncReadExt;

    use super::*;
    use crate::config::{Paths, PolicySource, ProxyConfig, ResolvedPolicy, UpstreamTls};

    fn loaded(dir: &std::path::Path) -> LoadedConfig {
        let ca = crate::tls::LocalCa::load_or_create(&dir.join("tls")).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.cert_pem()).unwrap();
        let mut proxy = ProxyConfig::default();
        proxy.smtp.listen_starttls = "127.0.0.1:0".parse().unwrap();
        proxy.smtp.listen_tls = "127.0.0.1:0".parse().unwrap();
        proxy.smtp.upstream.host = "127.0.0.1".into();
        // Nothing listens on port 1: the upstream is down.
        proxy.smtp.upstream.port = Some(1);
        proxy.smtp.upstream.tls = UpstreamTls::NoneLoopbackOnly;
        proxy.smtp.upstream.extra_ca_file = Some(dir.join("ca.pem"));
        proxy.validate().unwrap();
        LoadedConfig {
            paths: Paths {
                config_file: dir.join("sealpost.toml"),
                config_explicit: false,
                managed_policy: dir.join("none.toml"),
                data_dir: dir.to_path_buf(),
            },
            proxy,
            policy: ResolvedPolicy {
                policy: sealpost_policy::Policy::default(),
                source: PolicySource::User,
                warning: None,
            },
        }
    }

    #[tokio::test]
    async fn binds_port_zero_refuses_without_upstream_and_shuts_down() {
        let dir = tempfile::tempdir().unwrap();
        let daemon = Daemon::bind(&loaded(dir.path())).await.unwrap();
        let (starttls, tls) = daemon.local_addrs().unwrap();
        assert!(starttls.port() != 0 && tls.port() != 0 && starttls != tls);
        assert!(dir.path().join("audit.key").exists() && dir.path().join("keys").is_dir());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let run = tokio::spawn(daemon.run(async {
            let _ = stopped.await;
        }));

        let mut c = TcpStream::connect(starttls).await.unwrap();
        let mut reply = String::new();
        c.read_to_string(&mut reply).await.unwrap();
        assert!(reply.starts_with("421 4.4.1 "), "{reply}");

        stop.send(()).unwrap();
        let t = Instant::now();
        timeout(GRACE + Duration::from_secs(2), run)
            .await
            .unwrap()
            .unwrap();
        assert!(t.elapsed() < GRACE);
        assert!(TcpStream::connect(starttls).await.is_err());
    }
}
