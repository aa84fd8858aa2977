//! One module per subcommand; [`dispatch`] picks the one asked for.

mod backup;
mod eligibility;
mod export;
mod gen;
mod import;
mod list;
mod record_data;
mod restore;
mod serve;
mod show;

mod studies;
mod user;

use crate::cli::{Cli, Command, StudiesFormat};
use crate::error::CliError;
use preventory_store::sqlite::SqliteStore;
use std::path::Path;
use std::process::ExitCode;

/// Sets up diagnostics on stderr at the level asked for. The access log of `serve` goes
/// through here too; it holds no addresses or query strings (see preventory-web).
pub fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for people reading a terminal, not in log files.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Opens the store named by `--db`.
async fn open_store(cli: &Cli) -> Result<SqliteStore, CliError> {
    Ok(SqliteStore::open(&cli.db).await?)
}

/// The syntax of a data file to write: the one asked for, else YAML for an `--out` named
/// `.yaml` or `.yml`, else JSON.
fn syntax_of(format: Option<StudiesFormat>, out: Option<&Path>) -> StudiesFormat {
    if let Some(format) = format {
        return format;
    }
    let yaml = out
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if yaml {
        StudiesFormat::Yaml
    } else {
        StudiesFormat::Json
    }
}

/// Runs the subcommand.
pub async fn dispatch(cli: Cli) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Import(args) => import::run(&cli, args).await,
        Command::Export(args) => export::run(&cli, args).await,
        Command::List(args) => list::run(&cli, args).await,
        Command::Show(args) => show::run(&cli, args).await,
        Command::Serve(args) => serve::run(&cli, args).await,
        Command::Gen(args) => gen::run(args),
        Command::Studies(command) => studies::run(&cli, command).await,
        Command::Eligibility(command) => eligibility::run(&cli, command).await,
        Command::Backup(args) => backup::run(&cli, args).await,
        Command::Restore(args) => restore::run(&cli, args).await,
        Command::User(command) => user::run(&cli, command).await,
    }
}
