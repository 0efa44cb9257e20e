//! # sealpost-policy
//!
//! The policy core of Sealpost: it finds protected health information (PHI)
//! in email subjects and bodies, explains every finding, and turns findings
//! plus the organisation's policy into a verdict (`clean`, `possible`, `phi`)
//! and an action (`allow`, `warn`, `encrypt`, `block`).
//!
//! It is a pure function of its inputs: no I/O, no clock, no threads, no
//! tokio. It builds natively for the `sealpost` proxy and for
//! `wasm32-unknown-unknown` for the browser extension.
//!
//! ## What it detects
//! The 18 HIPAA Safe Harbor identifiers (names, addresses, dates, phone and
//! fax numbers, SSNs with the SSA rules, MRNs, health-plan ids, Medicare MBIs,
//! account and card numbers, licences, DEA and NPI numbers, VINs and plates,
//! device serials, URLs, IP addresses, other labelled ids) and health context
//! (conditions, medications, procedures, labs, ICD-10-CM codes checked against
//! the code list, CPT codes next to a CPT label).
//!
//! ## How
//! Text is cut into paragraph chunks. Each chunk gets one pass of a phrase
//! index over all dictionary phrases, labels and cue words (one hash probe
//! per word, the matches a leftmost-longest Aho-Corasick automaton would
//! give), and one pass of a multi-pattern regex (a lazy DFA) that splits it
//! into typed tokens. A linear merge gives each token its meaning from the label
//! just before it; checksums and code lists decide validity. The incremental
//! scanner re-scans only the chunks an edit touched.
//!
//! ```
//! use sealpost_policy::{assess, Policy, Verdict};
//!
//! let policy = Policy::default();
//! let a = assess(Some("Referral"), "Pt Maria Lopez, DOB 03/04/1961, has type 2 diabetes.", &policy);
//! assert_eq!(a.verdict, Verdict::Phi);
//! for f in &a.findings {
//!     println!("{} at {}..{}: {}", f.category, f.start, f.end, f.explanation());
//! }
//! ```
#![warn(missing_docs)]

mod category;
mod checksum;
mod chunk;
mod config;
mod detect;
mod dict;
mod finding;
mod incremental;
mod lexicon;
mod mime;
mod patterns;
mod phrases;
mod scan;
mod toggle;
mod verdict;

pub use category::{Category, Part, ALL_CATEGORIES};
pub use chunk::MAX_CHUNK;
pub use config::{
    Action, Actions, AllowLists, Encryption, Override, Policy, PolicyConfig, PolicyError,
    Thresholds, Toggles,
};
pub use detect::Cues;
pub use finding::{Finding, Reason};
pub use incremental::IncrementalScan;
pub use mime::{evaluate, message_text, MessageText, MimeError};
pub use scan::{assess, scan_text, Assessment, TextScan};
pub use toggle::Toggle;
pub use verdict::Verdict;
