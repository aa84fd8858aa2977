//! A bounded cache of search answers, so that the searches many people make (the home page,
//! common words, the first pages of popular filters) are answered without searching again.
//!
//! An answer is only ever reused for the same index contents: the key holds the generation
//! of the snapshot it was computed on, and every change to the index publishes a new
//! generation. Old entries are never served again and are evicted as new ones arrive. The
//! cache lives in the process: instances behind a load balancer each keep their own, so no
//! state is shared between them. It holds search words in memory for as long as an entry
//! lives, never on disk; a capacity of 0 turns it off.

use crate::{SearchError, SearchRequest, SearchResponse, MAX_PER_PAGE};
use std::sync::atomic::{AtomicU64, Ordering};

/// How a cache has served so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Most answers kept.
    pub capacity: usize,
    /// Answers kept now.
    pub entries: usize,
    /// Searches answered from the cache.
    pub hits: u64,
    /// Searches computed (and then kept).
    pub misses: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    generation: u64,
    request: SearchRequest,
}

/// The cache itself.
pub(crate) struct ResultCache {
    answers: quick_cache::sync::Cache<Key, SearchResponse>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResultCache {
    /// A cache keeping at most `capacity` answers.
    pub(crate) fn new(capacity: usize) -> ResultCache {
        ResultCache {
            answers: quick_cache::sync::Cache::new(capacity.max(1)),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The answer to `request` on index generation `generation`: kept, or computed by
    /// `compute` and kept. Errors are not kept.
    pub(crate) fn get_or_compute(
        &self,
        generation: u64,
        request: &SearchRequest,
        compute: impl FnOnce() -> Result<SearchResponse, SearchError>,
    ) -> Result<SearchResponse, SearchError> {
        let key = Key {
            generation,
            request: canonical(request),
        };
        if let Some(found) = self.answers.get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(found);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let answer = compute()?;
        self.answers.insert(key, answer.clone());
        Ok(answer)
    }

    /// How the cache has served so far.
    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            capacity: self.capacity,
            entries: self.answers.len(),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

/// The request in one spelling for requests that have the same answer: filter values sorted
/// and deduplicated, empty filters dropped, the page size capped as the search caps it.
fn canonical(request: &SearchRequest) -> SearchRequest {
    let mut filters = request.filters.clone();
    filters.retain(|_, ids| {
        ids.sort_unstable();
        ids.dedup();
        !ids.is_empty()
    });
    SearchRequest {
        query: request.query.clone(),
        filters,
        sort: request.sort,
        page: request.page,
        per_page: request.per_page.min(MAX_PER_PAGE),
        include_discontinued: request.include_discontinued,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Facet;

    #[test]
    fn equivalent_requests_share_a_key() {
        let a = SearchRequest::new("x")
            .filter(Facet::Gender, "male")
            .filter(Facet::Gender, "female")
            .filter(Facet::Gender, "male")
            .page(1, 500);
        let mut b = SearchRequest::new("x")
            .filter(Facet::Gender, "female")
            .filter(Facet::Gender, "male")
            .page(1, MAX_PER_PAGE);
        b.filters.insert(Facet::Language, Vec::new());
        assert_eq!(canonical(&a), canonical(&b));
        assert_ne!(canonical(&a), canonical(&SearchRequest::new("y")));
        // Including discontinued records is another answer, so another key.
        assert_ne!(canonical(&a), canonical(&a.clone().with_discontinued(true)));
    }
}
