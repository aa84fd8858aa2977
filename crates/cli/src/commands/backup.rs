//! `preventory backup`.

use super::open_store;
use crate::cli::{BackupArgs, Cli};
use crate::error::CliError;
use preventory_store::Store;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, args: &BackupArgs) -> Result<ExitCode, CliError> {
    let out = &args.out;
    if !cli.db.is_file() {
        return Err(CliError::Usage(format!(
            "there is no store at {}",
            cli.db.display()
        )));
    }
    if same_file(&cli.db, out) {
        return Err(CliError::Usage(format!(
            "{} is the store itself; back it up to another file",
            out.display()
        )));
    }
    let refuse = || {
        CliError::Usage(format!(
            "{} exists; use --force to replace it",
            out.display()
        ))
    };
    if out.exists() && !args.force {
        return Err(refuse());
    }
    // Written and checked under a temporary name, so --out is never a half-written file.
    let partial = {
        let mut name = out.as_os_str().to_os_string();
        name.push(format!(".partial-{}", std::process::id()));
        PathBuf::from(name)
    };
    let store = open_store(cli).await?;
    let summary = store.backup_to(&partial).await;
    store.close().await;
    let summary = summary?;
    if out.exists() && !args.force {
        let _ = std::fs::remove_file(&partial);
        return Err(refuse());
    }
    if let Err(e) = std::fs::rename(&partial, out) {
        let _ = std::fs::remove_file(&partial);
        return Err(CliError::io(out, e));
    }
    if let Some(dir) = out.parent().and_then(|p| std::fs::File::open(p).ok()) {
        let _ = dir.sync_all();
    }
    println!(
        "Backed up {} record(s) with {} revision(s) (schema version {}) to {}; the copy passed its integrity check.",
        summary.records,
        summary.revisions,
        summary.schema_version,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
