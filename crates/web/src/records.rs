//! Reading records for the public: always through `public_view`, so confidential details
//! can never reach a page or the API by way of a forgotten call.

use crate::error::WebError;
use preventory_core::slug::is_valid_slug;
use preventory_core::Intervention;
use preventory_store::Store;

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
