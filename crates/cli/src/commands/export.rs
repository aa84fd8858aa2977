//! `preventory export`.

use super::open_store;
use crate::cli::{Cli, ExportArgs, ExportFormat};
use crate::error::CliError;
use preventory_core::Intervention;
use preventory_formats::exchange;
use preventory_store::Store;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, args: &ExportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    // Exports are public: confidential details never leave the store this way, and unless
    // asked otherwise only what the public sees does.
    let stored = if args.unpublished {
        store.all_records().await?
    } else {
        store.all_public_records().await?
    };
    let records: Vec<Intervention> = stored.into_iter().map(|s| s.record.public_view()).collect();
    store.close().await;
    let text = match args.format {
        ExportFormat::Json => exchange::to_json(&records)?,
        ExportFormat::Csv => exchange::to_csv(&records)?,
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| CliError::io(path, e))?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|e| CliError::io("stdout", e))?;
        }
    }
    eprintln!("Exported {} record(s).", records.len());
    Ok(ExitCode::SUCCESS)
}
