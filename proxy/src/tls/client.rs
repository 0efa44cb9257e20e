//! The upstream's `rustls::ClientConfig`.
//!
//! # Why the platform's roots
//! Roots come from the operating system's trust store (`rustls-native-certs`:
//! the Keychain on macOS, the Windows certificate store, `/etc/ssl/certs` and
//! friends on Linux), not from a copy of Mozilla's list compiled in
//! (`webpki-roots`). Practices' IT deploys its own roots to that store, for
//! example for a TLS-inspecting gateway, and expects every program to honour
//! them; and the OS updates and distrusts roots without a new Sealpost build.
//! Extra roots for one upstream (a test Postfix) come from `extra_ca_file`.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::{provider, TlsError};

/// Builds the client configuration for the upstream: the platform's roots
/// plus every certificate in `extra_ca_file` (PEM). A missing extra file, or
/// one with no certificates, is an error naming the file.
pub fn upstream_client_config(extra_ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
    if let Some(path) = extra_ca_file {
        for cert in extra_certs(path)? {
            roots.add(cert).map_err(|e| TlsError::Invalid {
                path: path.to_path_buf(),
                message: format!("unusable CA certificate: {e}"),
            })?;
        }
    }
    if roots.is_empty() {
        let why = native
            .errors
            .first()
            .map_or_else(|| "no certificates found".to_string(), ToString::to_string);
        return Err(TlsError::NoRoots(why));
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Reads every certificate in a PEM file.
pub(super) fn extra_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = std::fs::read(path).map_err(super::io_error(path))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Invalid {
            path: path.to_path_buf(),
            message: format!("not a PEM file: {e}"),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificates {
            path: path.to_path_buf(),
        });
    }
    Ok(certs)
}
