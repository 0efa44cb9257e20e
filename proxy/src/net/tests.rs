//! The shells end to end, in process: a client over real TLS (to the local
//! CA) on one `tokio::io::duplex` pipe, [`client::serve`] in the middle, and
//! an in-test upstream that speaks SMTP on another pipe. The real-server
//! tests (Postfix, Dovecot) are in `tests/e2e/`.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::watch;
use tokio_rustls::client::TlsStream;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::client::{serve, Shared};
use super::upstream::{handshake, UpstreamError};
use super::Conn;
use crate::audit::{Audit, AuditKey};
use crate::config::{SmtpConfig, UpstreamConfig, UpstreamTls};
use crate::keys::KeyStore;
use crate::relay::Relay;
use crate::smtp::{parse_reply, Listener};
use crate::tls::{server_config, LocalCa};

#[derive(Clone, Copy, PartialEq)]
enum Upstream {
    Accepts,
    RejectsMessage,
    DropsAfterData,
}

/// A minimal submission server: what it received after DATA, and the AUTH
/// lines it saw.
async fn upstream(mut s: DuplexStream, mode: Upstream) -> (Vec<u8>, Vec<String>) {
    let (data, auth, _) = upstream_seen(&mut s, mode).await;
    (data, auth)
}

/// Also says whether the connection ended in the middle of DATA, and then
/// `data` holds what was received without an end marker.
async fn upstream_seen(s: &mut DuplexStream, mode: Upstream) -> (Vec<u8>, Vec<String>, bool) {
    let mut buf = Vec::new();
    let mut data = Vec::new();
    let mut auth = Vec::new();
    s.write_all(b"220 up.test ESMTP\r\n").await.unwrap();
    let mut in_data = false;
    loop {
        let mut chunk = [0u8; 8192];
        let n = match s.read(&mut chunk).await {
            Ok(0) | Err(_) => {
                if in_data {
                    data.extend_from_slice(&buf);
                }
                return (data, auth, in_data);
            }
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        loop {
            if in_data {
                let Some(end) = find(&buf, b"\r\n.\r\n") else {
                    break;
                };
                data.extend(buf.drain(..end + 5));
                in_data = false;
                let reply: &[u8] = match mode {
                    Upstream::Accepts => b"250 2.0.0 Ok: queued as UP1\r\n",
                    Upstream::RejectsMessage => {
                        b"554 5.7.1 Rejected by upstream content filter\r\n"
                    }
                    Upstream::DropsAfterData => return (data, auth, false),
                };
                s.write_all(reply).await.unwrap();
                continue;
            }
            let Some(lf) = buf.iter().position(|&b| b == b'\n') else {
                break;
            };
            let line: Vec<u8> = buf.drain(..=lf).collect();
            let line = String::from_utf8_lossy(&line).trim_end().to_string();
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-up.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 1000000\r\n250 AUTH PLAIN LOGIN\r\n"
            } else if upper.starts_with("AUTH") {
                auth.push(line.clone());
                b"235 2.7.0 Authentication successful\r\n"
            } else if upper.starts_with("MAIL") || upper.starts_with("RCPT") || upper == "RSET" {
                b"250 2.1.0 Ok\r\n"
            } else if upper == "DATA" {
                in_data = true;
                b"354 End data with <CR><LF>.<CR><LF>\r\n"
            } else if upper == "QUIT" {
                s.write_all(b"221 2.0.0 Bye\r\n").await.unwrap();
                return (data, auth, false);
            } else {
                b"502 5.5.2 Error: command not recognized\r\n"
            };
            s.write_all(reply).await.unwrap();
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct Setup {
    dir: tempfile::TempDir,
    shared: Arc<Shared>,
    client_tls: TlsConnector,
}

fn setup() -> Setup {
    setup_with_audit(None)
}

/// `audit`: the log's path, by default `<tmp>/audit.jsonl`.
fn setup_with_audit(audit: Option<&std::path::Path>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let tls_dir = dir.path().join("tls");
    let server = server_config(&tls_dir).unwrap();
    let ca = LocalCa::load_or_create(&tls_dir).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca.cert_pem().as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client_cfg = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let upstream_cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let keys = KeyStore::open(dir.path().join("keys")).unwrap();
    let audit_path = audit.map_or_else(|| dir.path().join("audit.jsonl"), |p| p.to_path_buf());
    let audit = Audit::open(&audit_path, AuditKey::from_bytes([1; 32])).unwrap();
    let policy = sealpost_policy::Policy::default();
    let smtp = SmtpConfig::default();
    let shared = Arc::new(Shared {
        relay: Relay::new(policy, keys, audit, &smtp),
        acceptor: TlsAcceptor::from(server),
        connector: TlsConnector::from(Arc::new(upstream_cfg)),
        upstream: UpstreamConfig {
            host: "127.0.0.1".into(),
            port: Some(2525),
            tls: UpstreamTls::NoneLoopbackOnly,
            extra_ca_file: None,
        },
        max_message_bytes: smtp.max_message_bytes,
    });
    Setup {
        dir,
        shared,
        client_tls: TlsConnector::from(Arc::new(client_cfg)),
    }
}

struct Client {
    tls: TlsStream<DuplexStream>,
    buf: Vec<u8>,
}

impl Client {
    async fn reply(&mut self) -> String {
        loop {
            if let Some(r) = parse_reply(&mut self.buf).unwrap() {
                return String::from_utf8(r.into_bytes()).unwrap();
            }
            let mut chunk = [0u8; 4096];
            let n = self.tls.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn send(&mut self, bytes: &str) {
        self.tls.write_all(bytes.as_bytes()).await.unwrap();
        self.tls.flush().await.unwrap();
    }

    async fn closed(&mut self) -> bool {
        let mut chunk = [0u8; 64];
        matches!(self.tls.read(&mut chunk).await, Ok(0) | Err(_))
    }
}

/// Starts serve() on the implicit-TLS listener with the given upstream and
/// returns the connected client and the upstream's task.
async fn start(
    s: &Setup,
    mode: Upstream,
) -> (Client, tokio::task::JoinHandle<(Vec<u8>, Vec<String>)>) {
    let (up_end, proxy_up_end) = duplex(1 << 16);
    let up_task = tokio::spawn(upstream(up_end, mode));
    (connect(s, 7, proxy_up_end).await, up_task)
}

/// Runs serve() as session `id` on the implicit-TLS listener, with its
/// upstream at the other end of `proxy_up_end`, and connects a client.
async fn connect(s: &Setup, id: u64, proxy_up_end: DuplexStream) -> Client {
    let (client_end, proxy_end) = duplex(1 << 16);
    let shared = Arc::clone(&s.shared);
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let tls = shared.acceptor.accept(proxy_end).await.unwrap();
        let up = handshake(proxy_up_end, &shared.upstream, &shared.connector).await;
        serve(
            id,
            Conn::Server(Box::new(tls)),
            Listener::ImplicitTls,
            up,
            shared,
            rx,
        )
        .await;
        // The shutdown sender lives as long as the session.
        drop(tx);
    });
    let name = ServerName::try_from("localhost").unwrap();
    let tls = s.client_tls.connect(name, client_end).await.unwrap();
    Client {
        tls,
        buf: Vec::new(),
    }
}

const MESSAGE: &str = "From: alice@clinic.test\r\nTo: bob@clinic.test\r\nSubject: Lunch\r\n\
Message-ID: <m1@clinic.test>\r\n\r\n.starts with a dot\r\nSee you at noon.\r\n";

async fn submit(c: &mut Client) -> String {
    assert_eq!(c.reply().await, "220 localhost Sealpost ESMTP ready\r\n");
    c.send("EHLO me\r\n").await;
    let ehlo = c.reply().await;
    assert!(
        ehlo.contains("250-PIPELINING\r\n") && ehlo.contains("250 AUTH PLAIN LOGIN\r\n"),
        "{ehlo}"
    );
    assert!(
        ehlo.contains("SIZE 1000000") && !ehlo.contains("SMTPUTF8") && !ehlo.contains("STARTTLS")
    );
    c.send("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").await;
    assert_eq!(c.reply().await, "235 2.7.0 Authentication successful\r\n");
    // Pipelined, as RFC 2920 clients do.
    c.send("MAIL FROM:<alice@clinic.test>\r\nRCPT TO:<bob@clinic.test>\r\nDATA\r\n")
        .await;
    assert_eq!(c.reply().await, "250 2.1.0 Ok\r\n");
    assert_eq!(c.reply().await, "250 2.1.0 Ok\r\n");
    assert_eq!(c.reply().await, "354 End data with <CR><LF>.<CR><LF>\r\n");
    let stuffed = MESSAGE.replace("\r\n.starts", "\r\n..starts");
    c.send(&format!("{stuffed}.\r\n")).await;
    c.reply().await
}

fn audit(s: &Setup) -> Vec<serde_json::Value> {
    std::fs::read_to_string(s.dir.path().join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn relays_a_plain_message_and_the_upstream_reply() {
    let s = setup();
    let (mut c, up) = start(&s, Upstream::Accepts).await;
    assert_eq!(submit(&mut c).await, "250 2.0.0 Ok: queued as UP1\r\n");
    c.send("QUIT\r\n").await;
    assert_eq!(c.reply().await, "221 2.0.0 Bye\r\n");
    let (data, auth) = up.await.unwrap();
    assert_eq!(auth, ["AUTH PLAIN AGFsaWNlAHNlY3JldA=="]);
    let stuffed = MESSAGE.replace("\r\n.starts", "\r\n..starts");
    assert_eq!(String::from_utf8(data).unwrap(), format!("{stuffed}.\r\n"));
    let records = audit(&s);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["action"], "sent-plain");
}

#[tokio::test]
async fn upstream_rejection_reaches_the_client_verbatim_and_is_audited() {
    let s = setup();
    let (mut c, _up) = start(&s, Upstream::RejectsMessage).await;
    assert_eq!(
        submit(&mut c).await,
        "554 5.7.1 Rejected by upstream content filter\r\n"
    );
    let records = audit(&s);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["action"], "sent-plain");
    assert_eq!(records[1]["action"], "refused");
    assert_eq!(records[1]["reason"], "upstream-rejected");
}

#[tokio::test]
async fn upstream_lost_mid_data_is_a_451_and_never_a_250() {
    let s = setup();
    let (mut c, _up) = start(&s, Upstream::DropsAfterData).await;
    assert_eq!(
        submit(&mut c).await,
        "451 4.4.2 Connection to your mail provider was lost; the message was not sent\r\n"
    );
    assert!(c.closed().await);
    let records = audit(&s);
    assert_eq!(records.last().unwrap()["reason"], "upstream-unavailable");
}

#[tokio::test]
async fn audit_failure_aborts_before_the_final_dot() {
    // /dev/full accepts the open and fails every write.
    let s = setup_with_audit(Some(std::path::Path::new("/dev/full")));
    let (mut up_end, proxy_up_end) = duplex(1 << 16);
    let up = tokio::spawn(async move { upstream_seen(&mut up_end, Upstream::Accepts).await });
    let mut c = connect(&s, 9, proxy_up_end).await;
    let r = submit(&mut c).await;
    assert!(
        r.starts_with("451 4.3.0 Sealpost: the audit log cannot be written"),
        "{r}"
    );
    assert!(c.closed().await);
    let (data, _, aborted_in_data) = up.await.unwrap();
    assert!(
        aborted_in_data,
        "the upstream must see the connection end inside DATA"
    );
    let text = String::from_utf8(data).unwrap();
    assert!(
        text.ends_with("See you at noon.\r\n") && !text.contains("\r\n.\r\n"),
        "{text:?}"
    );
}

#[tokio::test]
async fn refusal_resets_the_upstream_and_the_session_goes_on() {
    let s = setup();
    let (mut c, up) = start(&s, Upstream::Accepts).await;
    assert_eq!(c.reply().await, "220 localhost Sealpost ESMTP ready\r\n");
    c.send("EHLO me\r\n").await;
    c.reply().await;
    c.send("MAIL FROM:<alice@clinic.test>\r\nRCPT TO:<carol@partner.test>\r\nDATA\r\n")
        .await;
    for _ in 0..3 {
        c.reply().await;
    }
    c.send("From: alice@clinic.test\r\nSubject: [secure] hi\r\n\r\nbody\r\n.\r\n")
        .await;
    let r = c.reply().await;
    assert!(
        r.starts_with("550-5.7.1 Sealpost: this message must be sent encrypted, but 1 of 1"),
        "{r}"
    );
    assert!(r.contains("carol@partner.test"));
    c.send("QUIT\r\n").await;
    assert_eq!(c.reply().await, "221 2.0.0 Bye\r\n");
    let (data, _) = up.await.unwrap();
    assert!(data.is_empty(), "nothing may reach the upstream");
    assert_eq!(audit(&s)[0]["reason"], "no-key");
}

#[tokio::test]
async fn unreachable_upstream_gets_421() {
    let s = setup();
    let (client_end, proxy_end) = duplex(1 << 16);
    let shared = Arc::clone(&s.shared);
    let (_tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let tls = shared.acceptor.accept(proxy_end).await.unwrap();
        let up: Result<(super::upstream::Upstream<DuplexStream>, _), _> =
            Err(UpstreamError::Timeout);
        serve(
            8,
            Conn::Server(Box::new(tls)),
            Listener::ImplicitTls,
            up,
            shared,
            rx,
        )
        .await;
    });
    let name = ServerName::try_from("localhost").unwrap();
    let tls = s.client_tls.connect(name, client_end).await.unwrap();
    let mut c = Client {
        tls,
        buf: Vec::new(),
    };
    let r = c.reply().await;
    assert!(r.starts_with("421 4.4.1 "), "{r}");
    assert!(c.closed().await);
}
