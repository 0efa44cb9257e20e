//! SMTP, sans I/O: the client-facing session state machine and the pieces
//! the shells in [`crate::net`] use to talk to the upstream.
//!
//! - [`Session`]: one client connection (see its module docs for the event
//!   loop the shell runs).
//! - [`LineFramer`], [`DataReader`], [`DotStuffer`]: framing of command
//!   lines and of the DATA phase, with the size caps.
//! - [`parse_reply`], [`Reply`]: upstream replies, relayed byte for byte,
//!   and the proxy's own.
//! - [`UpstreamCaps`]: what the upstream's EHLO offered, which decides what
//!   the proxy advertises.
//!
//! Nothing here does I/O or logs more than verbs and counts.

mod caps;
mod data;
mod line;
mod reply;
mod session;

pub use caps::{AuthMechanism, UpstreamCaps};
pub use data::{dot_stuff, DataOutcome, DataReader, DotStuffer};
pub use line::{Line, LineFramer, MAX_AUTH_LINE, MAX_COMMAND_LINE};
pub use reply::{parse_reply, Reply, ReplyError, MAX_REPLY};
pub use session::{Event, Listener, Session, SessionConfig, Transaction, GREETING, MAX_RECIPIENTS};
