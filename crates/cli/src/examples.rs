//! The example records shipped inside the binary, so a fresh install has something to show.
//! They are the four records of `data/examples/` with their curated studies and eligibility
//! (see its SOURCE.md).

use crate::error::CliError;
use preventory_store::{ImportItem, Store};

/// The example files: name and bytes.
pub use preventory_formats::examples::FILES;

/// Loads the examples when the store is empty. Returns the titles loaded (empty if the store
/// already held records).
pub async fn load_if_empty(store: &dyn Store) -> Result<Vec<String>, CliError> {
    if store.count().await? > 0 {
        return Ok(Vec::new());
    }
    let records =
        preventory_formats::examples::records().map_err(|e| CliError::Usage(e.to_string()))?;
    let items: Vec<ImportItem> = records
        .into_iter()
        .map(|(name, record)| ImportItem {
            record,
            source: format!("examples/{name}"),
        })
        .collect();
    let titles = items.iter().map(|i| i.record.title.clone()).collect();
    store.import(items, "examples").await?;
    Ok(titles)
}
