//! The listeners' `rustls::ServerConfig`.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use time::OffsetDateTime;

use super::ca::LocalCa;
use super::leaf::ensure_leaf;
use super::{provider, TlsError};

/// Builds the listeners' TLS configuration from `tls_dir`, creating the CA
/// on first use and (re-)issuing the `localhost` certificate when needed.
///
/// Call it at start-up and, for a long-running daemon, once a day: the
/// certificate is renewed 30 days before it expires, so a daily rebuild
/// never serves an expired one. TLS 1.2 and 1.3, no client certificates.
pub fn server_config(tls_dir: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    server_config_at(tls_dir, OffsetDateTime::now_utc())
}

pub(super) fn server_config_at(
    tls_dir: &Path,
    now: OffsetDateTime,
) -> Result<Arc<ServerConfig>, TlsError> {
    let ca = LocalCa::load_or_create(tls_dir)?;
    let leaf = ensure_leaf(&ca, tls_dir, now)?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![leaf.cert], leaf.key)?;
    Ok(Arc::new(config))
}
