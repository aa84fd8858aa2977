//! The `preventory` command: the CLI adapter that wires formats, storage and the web together.
//!
//! The binary (`main.rs`) only parses arguments and calls [`run`]; everything else lives here so
//! tests and benchmarks can drive the same code in-process.

pub mod cli;
pub mod commands;
pub mod error;
pub mod examples;
pub mod import;

pub use cli::Cli;
pub use error::CliError;

/// Runs one parsed command line and returns the process exit code.
pub async fn run(cli: Cli) -> Result<std::process::ExitCode, CliError> {
    commands::dispatch(cli).await
}
