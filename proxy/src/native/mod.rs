//! `sealpost native-host`: the agent the browser extension talks to over
//! Chrome/Edge/Firefox native messaging, with the same key store, policy and
//! audit log as `sealpost run`.
//!
//! - [`frame`]: length-prefixed JSON on stdin/stdout, limits, chunked replies.
//! - [`request`]: the requests, parsed strictly; [`reply`]: replies and
//!   error codes.
//! - [`handler`]: what each request does; [`compose`] builds the message to
//!   encrypt, [`decrypted`] reads a decrypted one, [`audit_record`] checks
//!   an audit event.
//! - [`origin`]: which extension may call; [`host`]: the read–answer loop.
//!
//! # Protocol
//! Every request is a JSON object with `id` (an integer or a string of at
//! most 128 bytes, echoed in the reply; only `status` may omit it, for the
//! extension's availability probe) and `type`. Members a type does not
//! define are refused. Every reply has `id` and `ok`; successes add `type`
//! and the members below, failures add
//! `error: {code, message, ...}`.
//!
//! | request | members | reply members |
//! | --- | --- | --- |
//! | `status` | — | `version`, `has_secret_key`, `own_keys: [{address, fingerprint}]`, `recipient_certificates`, `policy: {digest, source: user\|managed\|strictest_fallback, managed_path, warning}`, `placeholder_subject`, `audit_available` |
//! | `recipients` | `addresses: [str]` | `results: [{address, status: found\|expired\|revoked\|unusable\|none\|invalid_address, fingerprint}]` |
//! | `encrypt` | `from`, `to`, `cc`, `bcc` (addresses, `a@b` or `Name <a@b>`), `subject`, `text`, `html`?, `attachments: [{name, type?, data_base64}]`, `placeholder`? | `armored`, `placeholder_subject`, `message_id`, `recipients`, `encrypted_to_sender`, `signed` |
//! | `decrypt` | `armored` | `subject`, `from`, `to`, `cc`, `date`, `text`, `html`, `attachments: [{name, type, size, data_base64}]`, `header_protection`, `signed_by` |
//! | `audit` | `event: sent_encrypted\|override`, `verdict`, `action` (the policy's), `categories: {cat: n}`, `recipient_domains: [str]`, `sender_domain`?, `justification`? | `recorded: true` |
//!
//! Error codes (stable; see [`reply::ErrorCode`]): any request —
//! `frame_too_large` (with `limit`), `bad_utf8`, `bad_json`, `bad_request`,
//! `unknown_type`, `origin_not_allowed`, `agent_unavailable` (configuration
//! or key store unusable), `key_store`; `encrypt` — `bad_address`,
//! `no_recipients`, `missing_keys` (with `addresses`: nothing was
//! encrypted), `too_large` (with `limit`, 25 MiB decoded), `bad_attachment`,
//! `bad_placeholder`, `encrypt_failed`; `decrypt` — `not_for_me`,
//! `malformed`; `audit` — `bad_audit_record`, `override_not_allowed`
//! (with `justifications` when a code is missing or unknown), `audit_failed`.
//!
//! An `override` is accepted only for the policy action `encrypt`, when the
//! policy allows overrides, with one of its justification codes when it
//! requires one (as the proxy treats `X-Sealpost-Justification`); it is
//! recorded as `sent-plain` with the code. `sent_encrypted` is recorded as
//! `sent-encrypted`.
//!
//! A reply longer than 1 MB arrives as `chunk` messages: see [`frame`].

pub mod audit_record;
pub mod compose;
pub mod decrypted;
pub mod frame;
pub mod handler;
pub mod host;
pub mod origin;
pub mod reply;
pub mod request;

pub use handler::Handler;
pub use host::{refuse, serve, Ended};

#[cfg(test)]
mod tests;
