//! The Sealpost local agent as a library: what the `sealpost` binary's
//! subcommands, the fuzz targets and the benchmarks share.
//!
//! - [`config`]: the proxy's TOML configuration, file locations per OS and
//!   the IT-managed policy that overrides the user's.
//! - [`keys`]: the OpenPGP key store (v4 keys that advertise SEIPDv1 only).
//! - [`pgp`]: PGP/MIME encryption with protected headers, and decryption.
//! - [`tls`]: the per-install, name-constrained local CA and the rustls
//!   configurations for the listeners and the upstream.
//! - [`audit`]: the hash-chained, append-only audit log.
//! - [`smtp`]: the SMTP session as a sans-I/O state machine; [`net`] runs it
//!   on sockets, [`relay`] decides what happens to each message and
//!   [`daemon`] is `sealpost run`.
//! - [`native`]: `sealpost native-host`, the browser extension's agent.
//!
//! Nothing here logs message content, local parts or matched text.

pub mod audit;
pub mod config;
pub mod daemon;
pub mod keys;
pub mod native;
pub mod net;
pub mod pgp;
pub mod relay;
pub mod smtp;
pub mod tls;
