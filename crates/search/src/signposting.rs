//! Signposting over the catalogue: the matching engine of the core
//! ([`preventory_core::matching`]) run on every record a search keeps, from the slim views
//! the catalogue holds, so no record is read from the store.

use crate::{SearchError, SearchIndex, SearchRequest};
use preventory_core::matching::{self, Profile, SignpostOptions, Signposting};

impl SearchIndex {
    /// Every record matching `request`'s words and filters (its sort and page are ignored;
    /// the default request keeps every record), judged against `profile`: see
    /// [`matching::signpost_with`] for the answer and its order. The profile is used for this
    /// call only and kept nowhere.
    pub fn signpost(
        &self,
        request: &SearchRequest,
        profile: &Profile,
        options: &SignpostOptions,
    ) -> Result<Signposting, SearchError> {
        let snap = self.current();
        let kept = self.filtered_matches(&snap, request)?;
        let records = kept
            .iter()
            .filter_map(|o| snap.catalogue.docs.get(o as usize)?.as_ref())
            .map(|d| &d.matching);
        Ok(matching::signpost_with(profile, records, options))
    }
}
