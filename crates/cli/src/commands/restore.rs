//! `preventory restore`.

use super::serve::{index_dir, index_revision_file};
use crate::cli::{Cli, RestoreArgs};
use crate::error::CliError;
use preventory_store::sqlite::{self, RestoreOptions};
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, args: &RestoreArgs) -> Result<ExitCode, CliError> {
    let options = RestoreOptions {
        keep_previous: !args.no_keep,
        // The search index reflects the replaced store: `serve` rebuilds it when it is gone.
        // The revision file goes first, so a half-removed index is never taken as current.
        derived: vec![index_revision_file(&cli.db), index_dir(&cli.db)],
    };
    let restored = sqlite::restore(&cli.db, &args.file, &options).await?;
    let s = restored.summary;
    println!(
        "Restored {} record(s) with {} revision(s) (schema version {}) from {} into {}.",
        s.records,
        s.revisions,
        s.schema_version,
        args.file.display(),
        cli.db.display()
    );
    if let Some(kept) = &restored.kept {
        println!("The previous store is kept as {}.", kept.display());
    }
    println!("The search index is rebuilt when `preventory serve` next starts.");
    Ok(ExitCode::SUCCESS)
}
