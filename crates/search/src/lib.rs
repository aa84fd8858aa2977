//! Preventory's search engine: a tantivy full-text index of the public records, with facet
//! filters and live facet counts, the terminology thesaurus, sorting, paging and highlighted
//! snippets.
//!
//! - Records: each arrives as a [`Listing`], its public view with its lifecycle status.
//!   Published records are searched by default; discontinued ones are kept and marked
//!   ([`Hit::discontinued`]) but found only when a search asks for them
//!   ([`SearchRequest::include_discontinued`]), and never offered by signposting. Drafts and
//!   records in review are never indexed.
//! - Text: BM25 over title (×3), summary (×2) and body (sections, references, contact
//!   organisation, and "self-referral"/"anonymous" when the eligibility says so; ×1), English
//!   stemming, `"quoted phrases"`, one typo tolerated in words of five letters or more (ranked
//!   below exact matches), and the thesaurus ([`preventory_core::terminology`]): a wording of a
//!   group finds records holding any wording of that group. Every word must match (in any
//!   field, in any of those ways), so more words give fewer results; words like "the" and
//!   "and" are left out when there are others.
//! - Speed: the index tokenizer also indexes word pairs and thesaurus concepts, so phrases and
//!   thesaurus wordings are term lookups (`derived`); a query is evaluated clause by clause
//!   into bitsets (`exec`), because facet counts need every match anyway.
//! - Facets: held in memory as sets over dense record ordinals, so filters and counts are bit
//!   operations. See [`SearchResponse::facets`] for the counting rule.
//! - Upkeep: [`SearchIndex::open_or_build`] keeps an index on disk and rebuilds it when it is
//!   missing, unreadable, of another [`SCHEMA_VERSION`] or built with another thesaurus;
//!   [`SearchIndex::upsert`] and [`SearchIndex::remove`] keep it in step with the store, visible
//!   at once.
//!
//! Everything is synchronous: call it from `spawn_blocking` in async code. A [`SearchIndex`] is
//! `Send + Sync`; searches run concurrently with each other and with writes.

mod bits;
mod cache;
mod catalogue;
mod derived;
mod exec;
mod gapmap;
mod query;
mod schema;
mod signposting;
mod snippet;

pub use cache::CacheStats;
pub use gapmap::MAX_CELL_SLUGS;
pub use preventory_core::lifecycle::Status;
pub use preventory_core::Facet;
pub use query::{FUZZY_MIN_CHARS, MAX_QUERY_CHARS, MAX_QUERY_TERMS};
pub use schema::SCHEMA_VERSION;
pub use snippet::SNIPPET_CHARS;

use bits::Bits;
use catalogue::{Catalogue, Order, Registry};
use preventory_core::terminology;
use preventory_core::vocab::Vocabulary;
use preventory_core::Intervention;
use schema::{DocInfo, Fields, StoredMeta};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

/// Most results a page may hold; larger `per_page` values are lowered to this.
pub const MAX_PER_PAGE: usize = 100;

/// Name of the file in the index folder that records the [`SCHEMA_VERSION`] and the
/// thesaurus the index was built with. It is written last, so an interrupted build is redone.
pub const META_FILE: &str = "preventory-search.meta";

const META_PREFIX: &str = "preventory-search schema ";
const THESAURUS_PREFIX: &str = "thesaurus ";

/// The meta file's content for this program: schema version and thesaurus fingerprint.
fn meta_text() -> String {
    format!(
        "{META_PREFIX}{SCHEMA_VERSION}\n{THESAURUS_PREFIX}{}\n",
        derived::thesaurus_fingerprint()
    )
}

/// Whether an index with this meta file can be used as it is; if not, why.
fn check_meta(text: &str) -> Result<(), String> {
    let mut lines = text.lines().map(str::trim);
    let version = lines
        .next()
        .and_then(|l| l.strip_prefix(META_PREFIX))
        .and_then(|v| v.trim().parse::<u32>().ok());
    match version {
        Some(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "the index has schema version {v}, this program uses {SCHEMA_VERSION}"
            ))
        }
        None => return Err("the meta file names no schema version".into()),
    }
    // Concepts are found when records are indexed (see `derived`), so another thesaurus
    // means another index.
    let thesaurus = lines.next().and_then(|l| l.strip_prefix(THESAURUS_PREFIX));
    if thesaurus != Some(derived::thesaurus_fingerprint().as_str()) {
        return Err("the thesaurus has changed since the index was built".into());
    }
    Ok(())
}

/// Errors of the search engine.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The request cannot be served as asked (too long, too many words). The message is meant
    /// for the person who searched.
    #[error("{0}")]
    BadQuery(String),
    /// The index could not be read or written.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A file of the index folder could not be read or written.
    #[error("search index folder {path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The index folder holds files that are not a search index; they are left alone.
    #[error("{0} is not empty and holds no search index; refusing to overwrite it")]
    NotAnIndex(PathBuf),
    /// The records to build the index from could not be had.
    #[error("could not read the records to index: {0}")]
    Records(Box<dyn std::error::Error + Send + Sync>),
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Index(tantivy::TantivyError::from(e))
    }
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (BM25); with no query, by title.
    #[default]
    Relevance,
    /// By title, case-insensitive.
    Title,
    /// Strongest evidence first (effective, promising, prudent, pioneering, not rated), then
    /// by title.
    Rating,
    /// Most recently confirmed information first ("information correct at"), unknown last,
    /// then by title.
    Recent,
}

impl Sort {
    /// Every sort, in the order a form would offer them.
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Title, Sort::Rating, Sort::Recent];

    /// The id used in URLs (`relevance`, `title`, `rating`, `recent`).
    pub fn param(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Title => "title",
            Sort::Rating => "rating",
            Sort::Recent => "recent",
        }
    }

    /// The sort with this URL id.
    pub fn from_param(param: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.param() == param)
    }
}

/// A record as the index takes it: the public view and where it is in its life.
///
/// The status decides where the record shows: [`Status::Published`] everywhere,
/// [`Status::Discontinued`] only in searches that ask for it (marked as such), never in
/// signposting. A listing with any other status is not public: [`SearchIndex::upsert`] takes
/// it out of the index, and a build leaves it out.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// The record's public view ([`Intervention::public_view`]): the index stores and shows
    /// what it is given, so confidential details must already be gone.
    pub record: Intervention,
    /// The record's lifecycle status.
    pub status: Status,
}

impl Listing {
    /// A record with a status.
    pub fn new(record: Intervention, status: Status) -> Listing {
        Listing { record, status }
    }

    /// A published record.
    pub fn published(record: Intervention) -> Listing {
        Listing::new(record, Status::Published)
    }

    /// A discontinued record.
    pub fn discontinued(record: Intervention) -> Listing {
        Listing::new(record, Status::Discontinued)
    }
}

/// A search: words, facet filters, order and page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    /// What the person typed; empty to browse everything. At most [`MAX_QUERY_CHARS`]
    /// characters and [`MAX_QUERY_TERMS`] words.
    pub query: String,
    /// Facet value ids to keep. Several values of one facet mean any of them (OR); several
    /// facets mean all of them (AND). A facet with an empty list is not filtered.
    pub filters: BTreeMap<Facet, Vec<String>>,
    /// Order of the results.
    pub sort: Sort,
    /// 1-based page number; a page past the end (or 0) gives no results, not an error.
    pub page: usize,
    /// Results per page, at most [`MAX_PER_PAGE`]; 0 gives only the total and the counts.
    pub per_page: usize,
    /// Whether discontinued records are searched too (marked [`Hit::discontinued`]). False
    /// by default: a search nobody widened finds only services that still run. It widens
    /// results, facet counts, gap maps and [`SearchIndex::count_dated_before`], but never
    /// [`SearchIndex::signpost`], which offers running services only.
    pub include_discontinued: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: BTreeMap::new(),
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
            include_discontinued: false,
        }
    }
}

impl SearchRequest {
    /// A request for these words, first page, default size.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }

    /// Adds a filter value (builder style).
    pub fn filter(mut self, facet: Facet, id: impl Into<String>) -> SearchRequest {
        self.filters.entry(facet).or_default().push(id.into());
        self
    }

    /// Sets the order (builder style).
    pub fn sorted(mut self, sort: Sort) -> SearchRequest {
        self.sort = sort;
        self
    }

    /// Sets the page and its size (builder style).
    pub fn page(mut self, page: usize, per_page: usize) -> SearchRequest {
        self.page = page;
        self.per_page = per_page;
        self
    }

    /// Searches discontinued records too, or not (builder style); see
    /// [`SearchRequest::include_discontinued`].
    pub fn with_discontinued(mut self, include: bool) -> SearchRequest {
        self.include_discontinued = include;
        self
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// The record's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: Option<String>,
    /// Its rating id, if rated.
    pub rating: Option<String>,
    /// "YYYY-MM" or "YYYY", if known.
    pub information_correct_at: Option<String>,
    /// A passage around the query's words, HTML-safe: the text is escaped and matches are
    /// wrapped in `<mark>…</mark>`. With no query, or no match in the text, the start of the
    /// summary (escaped).
    pub snippet: String,
    /// The service no longer runs: show it marked as such. Only ever true when the request
    /// asked for discontinued records.
    pub discontinued: bool,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResponse {
    /// How many records match the query and all filters.
    pub total: usize,
    /// The requested page of them.
    pub results: Vec<Hit>,
    /// Counts by facet (`Facet::plural()`) and value id.
    ///
    /// Counting is disjunctive: a facet's counts apply the query and every filter except that
    /// facet's own. So with `gender=male` selected, the gender counts say how many results
    /// `female` would add, while every other facet counts within the male results. With no
    /// filter on a facet, its counts partition (or, for multi-valued facets, cover) `total`.
    ///
    /// Every known value of every facet is listed, with 0 where no record has it; verbatim
    /// `other:` values are listed when their count is above 0 or they are filtered on. Records
    /// without a rating count as `unrated`.
    pub facets: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// What the thesaurus added, to show as "also searched: …" (preferred terms first).
    pub expanded_terms: Vec<String>,
    /// The query reads like someone seeking help for themselves: show the note on confidential
    /// help.
    pub help_seeking: bool,
}

/// Where an index came from when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexOrigin {
    /// Built in memory.
    Memory,
    /// Opened from disk as it was.
    Opened,
    /// (Re)built from the records, for the reason given.
    Built {
        /// Why: no index yet, another schema version, unreadable files…
        reason: String,
    },
}

/// The best `k` scored records seen so far (score, then title order for ties), kept in a
/// heap whose top is the worst of them, so most records are turned away by one comparison.
struct TopK<'a> {
    k: usize,
    title_rank: &'a [u32],
    heap: std::collections::BinaryHeap<Scored>,
}

/// A scored record, ordered worst first: lower score, then later title.
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: f32,
    rank: u32,
    ord: u32,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Greater means worse, so the heap's top is the first to drop.
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.rank.cmp(&other.rank))
    }
}

impl<'a> TopK<'a> {
    fn new(k: usize, title_rank: &'a [u32]) -> TopK<'a> {
        TopK {
            k,
            title_rank,
            heap: std::collections::BinaryHeap::with_capacity(k.min(1 << 16)),
        }
    }

    #[inline]
    fn offer(&mut self, ord: u32, score: f32) {
        if self.k == 0 {
            return;
        }
        let full = self.heap.len() >= self.k;
        // Most records score below the worst kept one: turn them away before looking up
        // their title rank.
        if full && self.heap.peek().is_some_and(|worst| score < worst.score) {
            return;
        }
        let rank = self
            .title_rank
            .get(ord as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let candidate = Scored { score, rank, ord };
        if !full {
            self.heap.push(candidate);
        } else if self.heap.peek().is_some_and(|worst| candidate < *worst) {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    /// The kept records, best first.
    fn into_sorted(self) -> Vec<u32> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|s| s.ord)
            .collect()
    }
}

/// One consistent view of the index: a tantivy searcher and the catalogue built with it.
struct Snapshot {
    /// Changes with every published change of the index (see `cache`).
    generation: u64,
    searcher: Searcher,
    catalogue: Catalogue,
    /// Ordinal of each document, per segment (in the searcher's segment order).
    segment_ords: Vec<Vec<u32>>,
    /// (segment, document) of each live ordinal, by ordinal.
    addresses: Vec<Option<DocAddress>>,
}

/// The search index: tantivy on disk or in memory, plus the in-memory catalogue.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    snapshot: RwLock<Arc<Snapshot>>,
    /// One write at a time: tantivy allows one writer, and ordinals must not be handed out
    /// twice.
    write_lock: Mutex<()>,
    origin: IndexOrigin,
    /// The last generation published.
    generation: AtomicU64,
    /// Answers of recent searches, when turned on.
    result_cache: OnceLock<cache::ResultCache>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("records", &self.len())
            .field("origin", &self.origin)
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, or builds it there from `records()` when the folder is
    /// missing or empty, its [`META_FILE`] is missing, unreadable, names another
    /// [`SCHEMA_VERSION`] or another thesaurus, or tantivy cannot open it. `records` is only
    /// called to build; pass every public record (published or discontinued) as a
    /// [`Listing`]. A folder that is not empty and holds no index is never overwritten
    /// ([`SearchError::NotAnIndex`]).
    pub fn open_or_build<E>(
        dir: &Path,
        records: impl FnOnce() -> Result<Vec<Listing>, E>,
    ) -> Result<SearchIndex, SearchError>
    where
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Self::open_or_build_in_batches(dir, || std::iter::once(records()))
    }

    /// As [`SearchIndex::open_or_build`], with the records given batch by batch, so that a
    /// large collection is never all in memory at once: each batch is indexed and dropped
    /// before the next is asked for. An error from a batch stops the build and is returned;
    /// nothing is kept of it.
    pub fn open_or_build_in_batches<B, E>(
        dir: &Path,
        batches: impl FnOnce() -> B,
    ) -> Result<SearchIndex, SearchError>
    where
        B: IntoIterator<Item = Result<Vec<Listing>, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let reason = match Self::try_open(dir) {
            Ok(index) => return Ok(index),
            Err(reason) => reason,
        };
        Self::build_in(dir, batches(), reason)
    }

    /// Builds an index in memory (for tests, benchmarks and small collections) of every
    /// public record given.
    pub fn in_memory(records: &[Listing]) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build_schema();
        let index = Index::builder()
            .schema(schema)
            .settings(schema::settings())
            .create_in_ram()?;
        Self::fill(
            index,
            fields,
            std::iter::once(Ok::<_, std::convert::Infallible>(records)),
            IndexOrigin::Memory,
        )
    }

    /// How this index came to be: useful for logs ("search index rebuilt: …").
    pub fn origin(&self) -> &IndexOrigin {
        &self.origin
    }

    /// How many records are indexed, discontinued ones included.
    pub fn len(&self) -> usize {
        self.current().catalogue.live_count
    }

    /// Whether no record is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a record with this slug is indexed.
    pub fn contains(&self, slug: &str) -> bool {
        self.current().catalogue.by_slug.contains_key(slug)
    }

    /// Adds records or replaces those with the same slug (content and status), and makes the
    /// change visible to searches before returning. Call it after every import, edit or
    /// status change with the changed public records (one call per batch: each call commits,
    /// and rebuilds the in-memory catalogue, about 0.1 s per 100,000 records). A listing whose
    /// status is not public (a draft, a record in review) is taken out of the index, as
    /// [`SearchIndex::remove`] would.
    pub fn upsert(&self, records: &[Listing]) -> Result<(), SearchError> {
        if records.is_empty() {
            return Ok(());
        }
        let _guard = self.write_lock.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.current();
        let mut docs = current.catalogue.docs.clone();
        let mut by_slug = current.catalogue.by_slug.clone();
        let mut registry = (*current.catalogue.registry).clone();
        let mut writer = self.writer(records.len())?;
        for Listing { record: r, status } in records {
            if !status.is_public() {
                // No longer public: leave a hole, as `remove` does.
                writer.delete_term(Term::from_field_text(self.fields.slug, &r.slug));
                if let Some(&o) = by_slug.get(r.slug.as_str()) {
                    if let Some(d) = docs.get_mut(o as usize) {
                        *d = None;
                    }
                }
                continue;
            }
            let ord = match by_slug.get(r.slug.as_str()) {
                Some(&o) => o,
                None => {
                    let o = u32::try_from(docs.len()).map_err(|_| {
                        tantivy::TantivyError::InvalidArgument("over 4 billion records".into())
                    })?;
                    docs.push(None);
                    by_slug.insert(Arc::from(r.slug.as_str()), o);
                    o
                }
            };
            writer.delete_term(Term::from_field_text(self.fields.slug, &r.slug));
            let (doc, info) = schema::document(&self.fields, r, *status, ord, &mut registry);
            writer.add_document(doc)?;
            docs[ord as usize] = Some(Arc::new(info));
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.publish(docs, registry)
    }

    /// Replaces everything indexed with `records` (every public record; listings that are
    /// not public are left out), visible at once when done; searches see the old contents
    /// until then. For a "reindex" command, or when the index is found out of step with the
    /// store.
    pub fn rebuild(&self, records: &[Listing]) -> Result<(), SearchError> {
        self.replace_all(std::iter::once(Ok::<_, std::convert::Infallible>(records)))
    }

    /// Replaces everything indexed with the records of `batches`, reading one batch at a
    /// time; on an error nothing changes. Then merges the segments.
    fn replace_all<R, E>(
        &self,
        batches: impl IntoIterator<Item = Result<R, E>>,
    ) -> Result<(), SearchError>
    where
        R: std::borrow::Borrow<[Listing]>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        {
            let _guard = self.write_lock.lock().unwrap_or_else(|e| e.into_inner());
            let mut batches = batches.into_iter().peekable();
            // The first batch's size tells a bulk build from a small one.
            let hint = match batches.peek() {
                Some(Ok(first)) => first.borrow().len(),
                _ => 0,
            };
            let mut writer = self.writer(hint)?;
            writer.delete_all_documents()?;
            let mut registry = Registry::default();
            let mut docs: Vec<Option<Arc<DocInfo>>> = Vec::with_capacity(hint);
            let mut by_slug: std::collections::HashMap<Arc<str>, u32> =
                std::collections::HashMap::with_capacity(hint);
            for batch in batches {
                // Dropping the writer without a commit leaves the index as it was.
                let batch = batch.map_err(|e| SearchError::Records(e.into()))?;
                for Listing { record: r, status } in batch.borrow() {
                    let ord = match by_slug.get(r.slug.as_str()) {
                        Some(&o) => {
                            // A slug given twice: the later record wins, as with `upsert`.
                            writer.delete_term(Term::from_field_text(self.fields.slug, &r.slug));
                            if !status.is_public() {
                                docs[o as usize] = None;
                                continue;
                            }
                            o
                        }
                        None if !status.is_public() => continue,
                        None => {
                            let o = u32::try_from(docs.len()).map_err(|_| {
                                tantivy::TantivyError::InvalidArgument(
                                    "over 4 billion records".into(),
                                )
                            })?;
                            docs.push(None);
                            by_slug.insert(Arc::from(r.slug.as_str()), o);
                            o
                        }
                    };
                    let (doc, info) =
                        schema::document(&self.fields, r, *status, ord, &mut registry);
                    writer.add_document(doc)?;
                    docs[ord as usize] = Some(Arc::new(info));
                }
            }
            writer.commit()?;
            writer.wait_merging_threads()?;
            self.publish(docs, registry)?;
        }
        self.merge_all()
    }

    /// Removes a record from the index (after deletion, or when it stops being public),
    /// visible at once. Returns whether it was indexed.
    pub fn remove(&self, slug: &str) -> Result<bool, SearchError> {
        Ok(self.remove_all(&[slug])? == 1)
    }

    /// Removes several records at once, in one commit (cheaper than [`SearchIndex::remove`]
    /// for each: every commit rebuilds the catalogue), visible at once. Slugs not indexed are
    /// skipped. Returns how many records were removed.
    pub fn remove_all<S: AsRef<str>>(&self, slugs: &[S]) -> Result<usize, SearchError> {
        let _guard = self.write_lock.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.current();
        let indexed: Vec<(&str, u32)> = slugs
            .iter()
            .filter_map(|slug| {
                let slug = slug.as_ref();
                current.catalogue.by_slug.get(slug).map(|&ord| (slug, ord))
            })
            .collect();
        if indexed.is_empty() {
            return Ok(0);
        }
        let mut docs = current.catalogue.docs.clone();
        let mut writer = self.writer(indexed.len())?;
        let mut removed = 0;
        for (slug, ord) in indexed {
            // A slug given twice is removed once.
            if let Some(doc) = docs.get_mut(ord as usize).filter(|d| d.is_some()) {
                *doc = None;
                removed += 1;
                writer.delete_term(Term::from_field_text(self.fields.slug, slug));
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.publish(docs, (*current.catalogue.registry).clone())?;
        Ok(removed)
    }

    /// Runs a search: see [`SearchRequest`] and [`SearchResponse`]. Fails only on
    /// [`SearchError::BadQuery`] (limits) or an unreadable index; any text is a valid query.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let snap = self.current();
        match self.result_cache.get() {
            Some(cache) => {
                cache.get_or_compute(snap.generation, request, || self.search_in(&snap, request))
            }
            None => self.search_in(&snap, request),
        }
    }

    /// Keeps the answers of up to `entries` recent searches and serves repeated searches from
    /// them until the index changes (see [`CacheStats`]). Can be turned on once; 0 leaves it
    /// off. Returns whether this call turned it on.
    pub fn enable_result_cache(&self, entries: usize) -> bool {
        entries > 0
            && self
                .result_cache
                .set(cache::ResultCache::new(entries))
                .is_ok()
    }

    /// How the result cache has served so far; `None` when it is off.
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.result_cache.get().map(cache::ResultCache::stats)
    }

    /// Runs a search on one snapshot, without the cache.
    fn search_in(
        &self,
        snap: &Snapshot,
        request: &SearchRequest,
    ) -> Result<SearchResponse, SearchError> {
        let cat = &snap.catalogue;
        let len = cat.len();
        query::check_length(&request.query)?;
        let expansion = terminology::expand(&request.query);
        query::check_words(&expansion, &self.analyzer)?;
        let plan = query::plan(&snap.searcher, &self.fields, &self.analyzer, &expansion)?;

        // One set per filtered facet: the records holding any of its selected values.
        let filters: Vec<(usize, Bits)> = Facet::ALL
            .iter()
            .enumerate()
            .filter_map(|(fi, f)| {
                let ids = request.filters.get(f).filter(|ids| !ids.is_empty())?;
                Some((
                    fi,
                    cat.facets.get(fi)?.union_of(&cat.registry, fi, ids, len),
                ))
            })
            .collect();
        // The records passing every filter, known before the text is searched so that only
        // they compete for the page.
        let passing: Option<Bits> = filters.split_first().map(|((_, first), rest)| {
            let mut all = first.clone();
            for (_, set) in rest {
                all.and_with(set);
            }
            all
        });

        let per_page = request.per_page.min(MAX_PER_PAGE);
        let offset = request.page.saturating_sub(1).saturating_mul(per_page);
        let wanted = if request.page == 0 || per_page == 0 {
            0
        } else {
            offset.saturating_add(per_page).min(len)
        };
        let ranked = request.sort == Sort::Relevance && !plan.clauses.is_empty();
        // Discontinued records are out of everything below unless asked for: results, the
        // page and every facet count.
        let scope = cat.scope(request.include_discontinued);
        let mut matches = Bits::new(len);
        let mut best = TopK::new(wanted, &cat.by_title.rank);
        if plan.matches_nothing {
            // Leave `matches` empty.
        } else if plan.clauses.is_empty() {
            matches = scope.clone();
        } else {
            let prepared = exec::prepare(&plan, &snap.searcher, ranked)?;
            for (seg, reader) in snap.searcher.segment_readers().iter().enumerate() {
                let ords = snap.segment_ords.get(seg).map_or(&[][..], Vec::as_slice);
                let found = prepared.run(reader)?;
                for doc in found.docs.iter() {
                    let Some(&o) = ords.get(doc as usize).filter(|&&o| scope.contains(o)) else {
                        continue;
                    };
                    matches.insert(o);
                    if ranked && passing.as_ref().is_none_or(|p| p.contains(o)) {
                        best.offer(o, found.scores.get(doc as usize).copied().unwrap_or(0.0));
                    }
                }
            }
        }

        let mut results = matches.clone();
        if let Some(p) = &passing {
            results.and_with(p);
        }
        let total = results.count();

        let facets = Self::count_facets(cat, &matches, &results, &filters, request);

        let page: Vec<u32> = if wanted == 0 || offset >= total {
            Vec::new()
        } else if ranked {
            best.into_sorted()
                .into_iter()
                .skip(offset)
                .take(per_page)
                .collect()
        } else {
            let order: &Order = match request.sort {
                Sort::Relevance | Sort::Title => &cat.by_title,
                Sort::Rating => &cat.by_rating,
                Sort::Recent => &cat.by_recent,
            };
            order.page(&results, total, offset, per_page)
        };

        let mut highlighter = (!plan.clauses.is_empty() && !page.is_empty())
            .then(|| snippet::Highlighter::new(plan.highlight, self.analyzer.clone()));
        let mut hits = Vec::with_capacity(page.len());
        for o in page {
            let Some(d) = cat.docs.get(o as usize).and_then(Option::as_ref) else {
                continue;
            };
            let snippet = match (
                &mut highlighter,
                snap.addresses.get(o as usize).copied().flatten(),
            ) {
                (Some(h), Some(addr)) => {
                    let doc: TantivyDocument = snap.searcher.doc(addr)?;
                    let text = doc
                        .get_first(self.fields.text)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    h.snippet(text, d.summary.as_deref())
                }
                _ => snippet::lead_of(d.summary.as_deref().unwrap_or_default()),
            };
            hits.push(Hit {
                slug: d.slug.to_string(),
                title: d.title.clone(),
                summary: d.summary.clone(),
                rating: d.rating.map(|r| r.id().to_string()),
                information_correct_at: d.information_correct_at.map(|p| p.to_string()),
                snippet,
                discontinued: cat.discontinued.contains(o),
            });
        }

        Ok(SearchResponse {
            total,
            results: hits,
            facets,
            expanded_terms: expansion.expanded_terms,
            help_seeking: expansion.help_seeking,
        })
    }

    /// Disjunctive counts: each facet counts within the matches filtered by every other facet.
    fn count_facets(
        cat: &Catalogue,
        matches: &Bits,
        results: &Bits,
        filters: &[(usize, Bits)],
        request: &SearchRequest,
    ) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
        let mut out = BTreeMap::new();
        for (fi, facet) in Facet::ALL.iter().enumerate() {
            let own_filter = filters.iter().any(|(f, _)| *f == fi);
            let base_owned;
            let base: &Bits = if own_filter {
                let mut b = matches.clone();
                for (f, set) in filters {
                    if *f != fi {
                        b.and_with(set);
                    }
                }
                base_owned = b;
                &base_owned
            } else {
                results
            };
            let mut counts: BTreeMap<String, usize> = facet
                .known_values()
                .into_iter()
                .map(|(id, _)| (id.to_string(), 0))
                .collect();
            let selected = request.filters.get(facet);
            let values = cat.facets.get(fi).map_or(&[][..], |f| f.values.as_slice());
            for (id, postings) in cat.registry.ids(fi).iter().zip(values) {
                let n = postings.count_in(base);
                let known = counts.contains_key(id);
                if known || n > 0 || selected.is_some_and(|s| s.contains(id)) {
                    counts.insert(id.clone(), n);
                }
            }
            if let Some(selected) = selected {
                for id in selected {
                    counts.entry(id.clone()).or_insert(0);
                }
            }
            out.insert(facet.plural(), counts);
        }
        out
    }

    fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn writer(&self, batch: usize) -> Result<IndexWriter, SearchError> {
        // Small edits need one thread and little memory; imports use the machine.
        let threads = if batch < 1_000 {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(4)
        };
        Ok(self
            .index
            .writer_with_num_threads(threads, threads * 64_000_000)?)
    }

    /// Reloads the reader after a commit and publishes the new snapshot.
    fn publish(
        &self,
        docs: Vec<Option<Arc<DocInfo>>>,
        registry: Registry,
    ) -> Result<(), SearchError> {
        self.reader.reload()?;
        let catalogue = Catalogue::build(docs, registry);
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let snap = Self::snapshot(self.reader.searcher(), &self.fields, catalogue, generation)?;
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snap);
        Ok(())
    }

    fn snapshot(
        searcher: Searcher,
        fields: &Fields,
        catalogue: Catalogue,
        generation: u64,
    ) -> Result<Snapshot, SearchError> {
        let ord_name = searcher.schema().get_field_name(fields.ord).to_string();
        let mut segment_ords = Vec::with_capacity(searcher.segment_readers().len());
        let mut addresses = vec![None; catalogue.len()];
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let column = reader.fast_fields().u64(&ord_name)?;
            let ords: Vec<u32> = (0..reader.max_doc())
                .map(|doc| {
                    column
                        .first(doc)
                        .and_then(|o| u32::try_from(o).ok())
                        .unwrap_or(u32::MAX)
                })
                .collect();
            for (doc, &o) in ords.iter().enumerate() {
                if reader.alive_bitset().is_none_or(|a| a.is_alive(doc as u32)) {
                    if let Some(a) = addresses.get_mut(o as usize) {
                        *a = Some(DocAddress::new(seg as u32, doc as u32));
                    }
                }
            }
            segment_ords.push(ords);
        }
        Ok(Snapshot {
            generation,
            searcher,
            catalogue,
            segment_ords,
            addresses,
        })
    }

    /// Indexes the records of `batches` into a new, empty `index` and opens it for searching.
    fn fill<R, E>(
        index: Index,
        fields: Fields,
        batches: impl IntoIterator<Item = Result<R, E>>,
        origin: IndexOrigin,
    ) -> Result<SearchIndex, SearchError>
    where
        R: std::borrow::Borrow<[Listing]>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        schema::register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SearchIndex {
            snapshot: RwLock::new(Arc::new(Self::snapshot(
                reader.searcher(),
                &fields,
                Catalogue::build(Vec::new(), Registry::default()),
                0,
            )?)),
            index,
            reader,
            fields,
            analyzer: schema::analyzer(),
            write_lock: Mutex::new(()),
            origin,
            generation: AtomicU64::new(0),
            result_cache: OnceLock::new(),
        };
        this.replace_all(batches)?;
        Ok(this)
    }

    /// Merges every segment into one: fewer segments make every query cheaper.
    fn merge_all(&self) -> Result<(), SearchError> {
        let _guard = self.write_lock.lock().unwrap_or_else(|e| e.into_inner());
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            let mut writer = self.writer(1)?;
            writer.merge(&ids).wait()?;
            writer.wait_merging_threads()?;
        }
        let current = self.current();
        self.publish(
            current.catalogue.docs.clone(),
            (*current.catalogue.registry).clone(),
        )
    }

    /// Opens the index in `dir` if it is usable as it is; otherwise says why not.
    fn try_open(dir: &Path) -> Result<SearchIndex, String> {
        let meta = dir.join(META_FILE);
        let text = match std::fs::read_to_string(&meta) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no index yet".into()),
            Err(e) => return Err(format!("{} is unreadable: {e}", meta.display())),
        };
        check_meta(&text).map_err(|e| format!("{e} ({})", meta.display()))?;
        let index = Index::open_in_dir(dir).map_err(|e| format!("the index is unreadable: {e}"))?;
        let fields = schema::fields_of(&index.schema()).ok_or("the index has another schema")?;
        Self::load(index, fields).map_err(|e| format!("the index is unreadable: {e}"))
    }

    /// Opens an existing index: the catalogue is read back from the stored fields.
    fn load(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        schema::register_tokenizers(&index);
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut docs: Vec<Option<Arc<DocInfo>>> = Vec::new();
        let mut registry = Registry::default();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(16)?;
            for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                let doc = doc?;
                let meta: StoredMeta = doc
                    .get_first(fields.meta)
                    .and_then(|v| v.as_str())
                    .and_then(|s| serde_json::from_str(s).ok())
                    .ok_or_else(|| {
                        tantivy::TantivyError::InternalError(
                            "a document has no readable meta".into(),
                        )
                    })?;
                let ord = meta.ord as usize;
                if docs.len() <= ord {
                    docs.resize(ord + 1, None);
                }
                docs[ord] = Some(Arc::new(DocInfo::from_meta(meta, &mut registry)));
            }
        }
        let snap = Self::snapshot(searcher, &fields, Catalogue::build(docs, registry), 0)?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            analyzer: schema::analyzer(),
            snapshot: RwLock::new(Arc::new(snap)),
            write_lock: Mutex::new(()),
            origin: IndexOrigin::Opened,
            generation: AtomicU64::new(0),
            result_cache: OnceLock::new(),
        })
    }

    /// Builds a new index in `dir` (emptied first) and writes the meta file last, so that an
    /// interrupted build is rebuilt next time.
    fn build_in<E>(
        dir: &Path,
        batches: impl IntoIterator<Item = Result<Vec<Listing>, E>>,
        reason: String,
    ) -> Result<SearchIndex, SearchError>
    where
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SearchError::Io { path, source }
        };
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
            let non_empty = entries.next().is_some();
            let ours = dir.join(META_FILE).exists() || dir.join("meta.json").exists();
            if non_empty && !ours {
                return Err(SearchError::NotAnIndex(dir.to_path_buf()));
            }
            std::fs::remove_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let (schema, fields) = schema::build_schema();
        let index = Index::builder()
            .schema(schema)
            .settings(schema::settings())
            .create_in_dir(dir)?;
        let this = Self::fill(index, fields, batches, IndexOrigin::Built { reason })?;
        let meta = dir.join(META_FILE);
        std::fs::write(&meta, meta_text()).map_err(io(&meta))?;
        Ok(this)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, Query};

    fn synthetic(n: usize) -> Vec<Listing> {
        preventory_formats::synthetic::generate(n, 99)
            .into_iter()
            .filter_map(|f| {
                preventory_formats::seed_text::parse(&f.file_name, f.text.as_bytes())
                    .ok()
                    .map(|p| Listing::published(p.record))
            })
            .collect()
    }

    /// The clause-at-a-time evaluation gives the records and scores tantivy's own
    /// `BooleanQuery` of the same plan gives, over several segments with deleted documents.
    #[test]
    fn evaluation_agrees_with_tantivy_boolean_queries() {
        let records = synthetic(300);
        let idx = SearchIndex::in_memory(&records).unwrap_or_else(|e| panic!("{e}"));
        // Re-indexing some records leaves deleted documents and a second segment.
        idx.upsert(&records[..40]).unwrap_or_else(|e| panic!("{e}"));
        let snap = idx.current();
        let searcher = &snap.searcher;
        assert!(searcher.segment_readers().len() > 1);
        for q in [
            "programme",
            "lantern programme",
            "exampletown group",
            "\"group work\"",
            "\"personal safety plan\"",
            "risk need responsivity",
            "child pornography online",
            "progamme",
            "I can't stop looking",
            "zzzz",
        ] {
            let expansion = terminology::expand(q);
            let plan = query::plan(searcher, &idx.fields, &idx.analyzer, &expansion)
                .unwrap_or_else(|e| panic!("{e}"));
            let clauses: Vec<(Occur, Box<dyn Query>)> = plan
                .clauses
                .iter()
                .map(|c| {
                    let any: Vec<(Occur, Box<dyn Query>)> = c
                        .leaves
                        .iter()
                        .map(|l| (Occur::Should, l.query.box_clone()))
                        .collect();
                    let occur = if c.required {
                        Occur::Must
                    } else {
                        Occur::Should
                    };
                    (occur, Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
                })
                .collect();
            let expected: HashMap<DocAddress, f32> = if plan.clauses.is_empty() {
                HashMap::new()
            } else {
                searcher
                    .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(10_000))
                    .unwrap_or_else(|e| panic!("{e}"))
                    .into_iter()
                    .map(|(score, addr)| (addr, score))
                    .collect()
            };
            let mut got: HashMap<DocAddress, f32> = HashMap::new();
            if !plan.clauses.is_empty() {
                let prepared =
                    exec::prepare(&plan, searcher, true).unwrap_or_else(|e| panic!("{e}"));
                for (seg, reader) in searcher.segment_readers().iter().enumerate() {
                    let found = prepared.run(reader).unwrap_or_else(|e| panic!("{e}"));
                    for doc in found.docs.iter() {
                        got.insert(DocAddress::new(seg as u32, doc), found.scores[doc as usize]);
                    }
                }
            }
            assert_eq!(got.len(), expected.len(), "{q}");
            for (addr, score) in &expected {
                let mine = got.get(addr).copied().unwrap_or(f32::NAN);
                assert!(
                    (mine - score).abs() <= 1e-3 * score.abs().max(1.0),
                    "{q}: {mine} vs {score}"
                );
            }
        }
    }
}
