//! One module per subcommand.

pub mod scan;
mod scan_report;
