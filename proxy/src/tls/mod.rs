//! Local TLS for the listeners, and the client side for the upstream.
//!
//! Mail clients connect to `127.0.0.1`, so the proxy needs a certificate
//! they trust for `localhost`, `127.0.0.1` and `::1`. On first use it creates
//! a per-install CA ([`LocalCa`]) whose **critical** name constraints permit
//! only the DNS name `localhost` (and its subdomains), the IP range
//! 127.0.0.0/8 and `::1/128`: even with its private key stolen, the CA cannot
//! vouch for any real site. IT can deploy its certificate (`sealpost ca
//! export`) to the machine's trust store by policy. The listener certificate
//! is a leaf issued by that CA and renewed on its own ([`server_config`]).
//!
//! Upstream connections verify the provider against the platform's trust
//! store ([`upstream_client_config`]).
//!
//! This module builds `rustls` configurations only: no sockets. Both are
//! usable with `tokio-rustls` 0.26 (`TlsAcceptor::from`, `TlsConnector::from`).
//! The crypto provider is `ring`, named explicitly.
//!
//! # Files
//! In the directory given (normally `<data dir>/tls/`): `ca.pem` and
//! `ca.key` (the CA; the key is mode 0600), `localhost.pem` and
//! `localhost.key` (the listener's leaf; mode 0600).

mod ca;
mod client;
mod leaf;
mod server;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;

pub use ca::LocalCa;
pub use client::upstream_client_config;
pub use server::server_config;

/// Why TLS material could not be created, loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A stored key or certificate does not parse.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A PEM file that should hold CA certificates holds none.
    #[error("{}: no certificates in this file (expected PEM \"BEGIN CERTIFICATE\" blocks)", path.display())]
    NoCertificates {
        /// The file.
        path: PathBuf,
    },
    /// Neither the platform nor an extra file provided a trusted root.
    #[error("no trusted root certificates: the platform store is empty or unreadable ({0})")]
    NoRoots(String),
    /// Certificate generation failed.
    #[error("generating a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> TlsError + '_ {
    move |source| TlsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The crypto provider for every configuration built here.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Random bytes from the operating system (also the audit key's).
pub(crate) fn random<const N: usize>() -> [u8; N] {
    use ring::rand::SecureRandom;
    let mut out = [0u8; N];
    // The OS random source failing is unrecoverable for key generation anyway.
    ring::rand::SystemRandom::new()
        .fill(&mut out)
        .expect("the operating system's random number generator failed");
    out
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests;
