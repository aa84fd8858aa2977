//! Reading records for the public: always through `public_view`, so confidential details
//! can never reach a page or the API by way of a forgotten call.

use crate::error::WebError;
use preventory_core::slug::is_valid_slug;
use preventory_core::Intervention;
use preventory_store::Store;

/// Every record as the public may see it, ordered by title (case-insensitively, then slug so
/// the order is stable).
pub(crate) async fn all_by_title(store: &dyn Store) -> Result<Vec<Intervention>, WebError> {
    let mut records: Vec<Intervention> = store
        .all_records()
        .await?
        .into_iter()
        .map(|stored| stored.record.public_view())
        .collect();
    records.sort_by_cached_key(|r| (r.title.to_lowercase(), r.slug.clone()));
    Ok(records)
}

/// One record as the public may see it, or [`WebError::NotFound`].
pub(crate) async fn one(store: &dyn Store, slug: &str) -> Result<Intervention, WebError> {
    // A string that cannot be a slug cannot name a record; no need to ask the store.
    if !is_valid_slug(slug) {
        return Err(WebError::NotFound);
    }
    store
        .get(slug)
        .await?
        .map(|stored| stored.record.public_view())
        .ok_or(WebError::NotFound)
}
