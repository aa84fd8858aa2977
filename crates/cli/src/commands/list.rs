//! `preventory list`.

use super::open_store;
use crate::cli::{Cli, ListArgs};
use crate::error::CliError;
use preventory_store::Store;
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, args: &ListArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    let rows = store.list().await?;
    store.close().await;
    if args.json {
        let text = serde_json::to_string_pretty(&rows)
            .map_err(|e| CliError::Usage(format!("cannot write JSON: {e}")))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let width = rows.iter().map(|r| r.slug.len()).max().unwrap_or(4).max(4);
    println!("{:width$}  {:10}  {:7}  TITLE", "SLUG", "RATING", "CORRECT");
    for r in &rows {
        println!(
            "{:width$}  {:10}  {:7}  {}{}",
            r.slug,
            r.rating.as_deref().unwrap_or("not rated"),
            r.information_correct_at.as_deref().unwrap_or("-"),
            r.title,
            if r.needs_review {
                "  [needs review]"
            } else {
                ""
            }
        );
    }
    println!("{} record(s)", rows.len());
    Ok(ExitCode::SUCCESS)
}
