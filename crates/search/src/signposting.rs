//! Signposting over the catalogue: the matching engine of the core
//! ([`preventory_core::matching`]) run on every record a search keeps, from the slim views
//! and precompiled match keys the catalogue holds, so no record is read from the store and
//! the cheap pass is a few bit operations per record.

use crate::{SearchError, SearchIndex, SearchRequest};
use preventory_core::matching::{self, KeyedRecord, Profile, SignpostOptions, Signposting};

impl SearchIndex {
    /// Every published record matching `request`'s words and filters (its sort and page are
    /// ignored; the default request keeps every published record), judged against `profile`:
    /// see [`matching::signpost_with`] for the answer and its order, which this gives exactly.
    /// Discontinued services are never offered, whatever
    /// [`SearchRequest::include_discontinued`] says: nobody should be sent to a service that
    /// no longer runs. The profile is used for this call only and kept nowhere.
    pub fn signpost(
        &self,
        request: &SearchRequest,
        profile: &Profile,
        options: &SignpostOptions,
    ) -> Result<Signposting, SearchError> {
        let snap = self.current();
        let kept = self.filtered_matches(&snap, request, &snap.catalogue.listed)?;
        let cat = &snap.catalogue;
        // Ordinals come in increasing order, which the title order breaks its ties by, as
        // `KeyedRecord::title_order` asks.
        // Only the dense arrays are read per record; `&d.matching` is an address, read only
        // for the records written out.
        let records = kept.iter().filter_map(|o| {
            let o = o as usize;
            let d = cat.docs.get(o)?.as_ref()?;
            Some(KeyedRecord {
                key: cat.match_keys.get(o)?,
                record: &d.matching,
                title_order: cat.signpost_title_order.get(o).copied()?,
            })
        });
        Ok(matching::signpost_keyed(profile, records, options))
    }
}
