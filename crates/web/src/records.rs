//! Reading records for the public: only public records (published or discontinued), at their
//! last published revision, and always through `public_view`, so neither a draft nor
//! confidential details can reach a page or the API by way of a forgotten call.

use crate::error::WebError;
use preventory_core::lifecycle::Status;
use preventory_core::slug::is_valid_slug;
use preventory_core::Intervention;
use preventory_store::Store;

/// A public record with what the public page says about it.
pub(crate) struct PublicRecord {
    /// The record's public view.
    pub record: Intervention,
    /// Published or discontinued.
    pub status: Status,
    /// When its published revision was written, RFC 3339 UTC: "last changed".
    pub last_changed: String,
}

/// One record as the public may see it, or [`WebError::NotFound`].
pub(crate) async fn one(store: &dyn Store, slug: &str) -> Result<Intervention, WebError> {
    Ok(one_with_status(store, slug).await?.record)
}

/// [`one`] with its public status and when it last changed.
pub(crate) async fn one_with_status(
    store: &dyn Store,
    slug: &str,
) -> Result<PublicRecord, WebError> {
    // A string that cannot be a slug cannot name a record; no need to ask the store.
    if !is_valid_slug(slug) {
        return Err(WebError::NotFound);
    }
    store
        .get_public(slug)
        .await?
        .map(|stored| PublicRecord {
            record: stored.record.public_view(),
            status: stored.status,
            last_changed: stored.updated_at,
        })
        .ok_or(WebError::NotFound)
}
