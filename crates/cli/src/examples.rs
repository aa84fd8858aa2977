//! The example records shipped inside the binary, so a fresh install has something to show.
//! They are the four records of `data/examples/` (see its SOURCE.md).

use crate::error::CliError;
use preventory_formats::seed_text;
use preventory_store::{ImportItem, Store};

/// The example files: name and bytes.
pub use preventory_formats::examples::FILES;

/// Loads the examples when the store is empty. Returns the titles loaded (empty if the store
/// already held records).
pub async fn load_if_empty(store: &dyn Store) -> Result<Vec<String>, CliError> {
    if store.count().await? > 0 {
        return Ok(Vec::new());
    }
    let mut items = Vec::new();
    for (name, bytes) in FILES {
        let parsed = seed_text::parse(name, bytes).map_err(|e| {
            CliError::Usage(format!(
                "example {name}:{}: {}: {}",
                e.line, e.field, e.message
            ))
        })?;
        items.push(ImportItem {
            record: parsed.record,
            source: format!("examples/{name}"),
        });
    }
    let titles = items.iter().map(|i| i.record.title.clone()).collect();
    store.import(items, "examples").await?;
    Ok(titles)
}
