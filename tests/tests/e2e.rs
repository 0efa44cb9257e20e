//! Sealpost's end-to-end suite: one binary, a module per area.

mod evaluation;
mod scan_cli;
