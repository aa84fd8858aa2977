//! `preventory export`.

use super::open_store;
use crate::cli::{Cli, ExportArgs, ExportFormat};
use crate::error::CliError;
use preventory_core::Intervention;
use preventory_formats::exchange;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, args: &ExportArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    // Exports are public: confidential details never leave the store this way.
    let records: Vec<Intervention> = preventory_store::Store::all_records(&store)
        .await?
        .into_iter()
        .map(|s| s.record.public_view())
        .collect();
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
