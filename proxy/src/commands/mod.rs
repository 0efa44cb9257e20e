//! One module per subcommand.

pub mod audit;
pub mod ca;
pub mod keys;
pub mod run;
pub mod scan;
mod scan_report;
