//! What every handler shares: the store, the search index kept in step with it, and where
//! "today" comes from.

use crate::error::WebError;
use preventory_core::gaps::GapMap;
use preventory_core::matching::{Profile, SignpostOptions, Signposting};
use preventory_core::Facet;
use preventory_search::{Listing, SearchError, SearchIndex, SearchRequest, SearchResponse};
use preventory_store::{Store, StoredRecord};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often, at most, a request asks the store whether records changed since the index was
/// last brought up to date (imports, edits and status changes may come from other
/// processes).
pub const INDEX_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Records read from the store at a time while building the search index.
const BUILD_PAGE: usize = 2_000;

/// A calendar month, enough to tell how old a record's "information correct at" date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearMonth {
    /// The year.
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
}

impl YearMonth {
    /// The current month in UTC.
    pub fn now() -> YearMonth {
        let now = time::OffsetDateTime::now_utc();
        YearMonth {
            // Years outside u16 cannot occur on a working clock; fall back to the largest
            // value so that every record reads as old rather than as fresh.
            year: u16::try_from(now.year()).unwrap_or(u16::MAX),
            month: u8::from(now.month()),
        }
    }

    /// The month as a count of months since January of year 0 (`year * 12 + month - 1`),
    /// the measure [`SearchIndex::count_dated_before`] takes.
    pub fn months(self) -> u32 {
        u32::from(self.year) * 12 + u32::from(self.month.clamp(1, 12)) - 1
    }
}

/// A public record as the search index takes it: its public view (confidential details
/// removed) with its public status, so discontinued services are kept but marked.
fn listing(stored: StoredRecord) -> Listing {
    Listing::new(stored.record.public_view(), stored.status)
}

/// The search index and how far it has caught up with the store.
struct SearchState {
    index: Arc<SearchIndex>,
    /// The store's [`Store::latest_change_id`] when the index was last brought up to date.
    seen_change: AtomicI64,
    /// When the store was last asked; `None` before the first check.
    last_check: Mutex<Option<Instant>>,
    /// One catch-up at a time; requests arriving meanwhile search the index as it is.
    refreshing: tokio::sync::Mutex<()>,
    /// Where the seen change id is kept between runs, if the index is on disk.
    change_file: Option<PathBuf>,
}

/// The state shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    search: Arc<SearchState>,
    /// A fixed "today" for deterministic tests; `None` reads the clock on every request, so a
    /// long-running server does not go stale.
    fixed_today: Option<YearMonth>,
    /// Whether cookies (the staff session's and the sign-in form's) are marked `Secure`.
    /// False by default, because a plain-HTTP server behind nothing (tests, a laptop) could
    /// not use them otherwise; set it with [`AppState::with_secure_cookies`] whenever the site
    /// is reached over TLS, even when TLS ends at a proxy in front of this server.
    secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` names the client (see [`crate::client`]).
    trusted_proxies: Arc<crate::client::TrustedProxies>,
}

impl AppState {
    /// State over `store` and `index`, reading today's date from the system clock.
    /// `seen_change` is the store's [`Store::latest_change_id`] the index already reflects
    /// (0 if unknown: every public record is then re-indexed on the first request).
    pub fn new(store: Arc<dyn Store>, index: Arc<SearchIndex>, seen_change: i64) -> AppState {
        AppState {
            store,
            search: Arc::new(SearchState {
                index,
                seen_change: AtomicI64::new(seen_change),
                last_check: Mutex::new(None),
                refreshing: tokio::sync::Mutex::new(()),
                change_file: None,
            }),
            fixed_today: None,
            secure_cookies: false,
            trusted_proxies: Arc::default(),
        }
    }

    /// Keeps the answers of up to `entries` recent searches in memory, reused until the index
    /// changes (0: off). See [`SearchIndex::enable_result_cache`].
    pub fn enable_search_cache(&self, entries: usize) -> bool {
        self.search.index.enable_result_cache(entries)
    }

    /// How the search result cache has served so far; `None` when it is off.
    pub fn search_cache_stats(&self) -> Option<preventory_search::CacheStats> {
        self.search.index.cache_stats()
    }

    /// State over `store` with a search index built in memory from its public records (for
    /// tests and small collections).
    pub async fn in_memory(store: Arc<dyn Store>) -> Result<AppState, WebError> {
        // Read first: a change made while the records are read is then seen again on the
        // first refresh, never missed.
        let seen = store.latest_change_id().await?;
        let records: Vec<Listing> = store
            .all_public_records()
            .await?
            .into_iter()
            .map(listing)
            .collect();
        let index = tokio::task::spawn_blocking(move || SearchIndex::in_memory(&records))
            .await
            .map_err(|e| WebError::Search(e.to_string()))?
            .map_err(|e| WebError::Search(e.to_string()))?;
        Ok(AppState::new(store, Arc::new(index), seen))
    }

    /// State over `store` with the search index kept on disk in `dir`: opened as it is, or
    /// built from the store's public records when missing or unusable, then brought up to
    /// date with the records changed since it was last saved. The change id it reflects
    /// ([`Store::latest_change_id`]) is kept in the file `<dir>.revision` beside the folder
    /// (the name is older than change ids; `preventory restore` removes it with the index).
    pub async fn on_disk(store: Arc<dyn Store>, dir: PathBuf) -> Result<AppState, WebError> {
        let latest = store.latest_change_id().await?;
        let change_file = {
            let mut name = dir.clone().into_os_string();
            name.push(".revision");
            PathBuf::from(name)
        };
        let handle = tokio::runtime::Handle::current();
        let reader = Arc::clone(&store);
        let index = tokio::task::spawn_blocking(move || {
            SearchIndex::open_or_build_in_batches(&dir, || {
                // A page at a time, so a large collection is never all in memory at once.
                let mut after: Option<String> = None;
                let mut done = false;
                std::iter::from_fn(move || {
                    if done {
                        return None;
                    }
                    let page =
                        handle.block_on(reader.public_records_after(after.as_deref(), BUILD_PAGE));
                    match page {
                        Ok(page) if page.is_empty() => None,
                        Ok(page) => {
                            after = page.last().map(|s| s.record.slug.clone());
                            Some(Ok(page.into_iter().map(listing).collect::<Vec<_>>()))
                        }
                        Err(e) => {
                            done = true;
                            Some(Err(e))
                        }
                    }
                })
            })
        })
        .await
        .map_err(|e| WebError::Search(e.to_string()))?
        .map_err(|e| WebError::Search(e.to_string()))?;
        let seen = match index.origin() {
            preventory_search::IndexOrigin::Built { reason } => {
                tracing::info!(%reason, records = index.len(), "search index built");
                latest
            }
            _ => std::fs::read_to_string(&change_file)
                .ok()
                .and_then(|t| t.trim().parse::<i64>().ok())
                .unwrap_or(0),
        };
        let mut state = AppState::new(store, Arc::new(index), seen);
        if let Some(search) = Arc::get_mut(&mut state.search) {
            search.change_file = Some(change_file);
        }
        state.save_change_id(seen);
        state.refresh_index().await?;
        Ok(state)
    }

    /// The same state with "today" fixed to `today`, so that notices about old information
    /// do not depend on when the code runs.
    pub fn with_today(mut self, today: YearMonth) -> AppState {
        self.fixed_today = Some(today);
        self
    }

    /// Marks the cookies of the staff pages `Secure` (`serve --secure-cookies`): the browser
    /// then sends them only over TLS.
    pub fn with_secure_cookies(mut self, secure: bool) -> AppState {
        self.secure_cookies = secure;
        self
    }

    /// Believes `X-Forwarded-For` from these proxies when telling clients apart for the
    /// per-client limits (`serve --trusted-proxy`).
    pub fn with_trusted_proxies(mut self, proxies: crate::client::TrustedProxies) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// The client of a request from `peer`, for the per-client limits (see [`crate::client`]).
    pub(crate) fn client_ip(
        &self,
        peer: Option<std::net::IpAddr>,
        headers: &axum::http::HeaderMap,
    ) -> Option<std::net::IpAddr> {
        self.trusted_proxies.client(peer, headers)
    }

    /// Whether cookies are marked `Secure` (see [`AppState::with_secure_cookies`]).
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// The store records are read from.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The search index.
    pub fn index(&self) -> &SearchIndex {
        &self.search.index
    }

    /// The current month, or the fixed one given to [`AppState::with_today`].
    pub fn today(&self) -> YearMonth {
        self.fixed_today.unwrap_or_else(YearMonth::now)
    }

    /// Brings the index up to date if the store was last asked more than
    /// [`INDEX_CHECK_INTERVAL`] ago: a cheap query, and an upsert only when records changed.
    pub(crate) async fn refresh_index_if_due(&self) -> Result<(), WebError> {
        {
            let mut last = self
                .search
                .last_check
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            if last.is_some_and(|t| now.duration_since(t) < INDEX_CHECK_INTERVAL) {
                return Ok(());
            }
            *last = Some(now);
        }
        self.refresh_index().await
    }

    /// Brings the index in step with every change (of content or status) since it was last
    /// brought up to date: public versions upserted with their status, records no longer
    /// public removed.
    async fn refresh_index(&self) -> Result<(), WebError> {
        let Ok(_guard) = self.search.refreshing.try_lock() else {
            return Ok(());
        };
        let seen = self.search.seen_change.load(Ordering::Acquire);
        let latest = self.store.latest_change_id().await?;
        if latest <= seen {
            return Ok(());
        }
        // Anything committed after `latest` was read is either in `changes` (and indexed
        // again next time, harmlessly) or newer than `latest` (and found next time).
        let changes = self.store.public_changes_since(seen).await?;
        let visible: Vec<Listing> = changes.visible.into_iter().map(listing).collect();
        let hidden = changes.hidden;
        let index = Arc::clone(&self.search.index);
        let (upserted, hidden_count) = (visible.len(), hidden.len());
        tokio::task::spawn_blocking(move || {
            index.upsert(&visible)?;
            index.remove_all(&hidden)
        })
        .await
        .map_err(|e| WebError::Search(e.to_string()))?
        .map_err(|e| WebError::Search(e.to_string()))?;
        self.search.seen_change.store(latest, Ordering::Release);
        self.save_change_id(latest);
        tracing::info!(
            records = upserted,
            hidden = hidden_count,
            "search index brought up to date"
        );
        Ok(())
    }

    /// Keeps the change id the on-disk index reflects, for the next start.
    fn save_change_id(&self, change: i64) {
        if let Some(path) = &self.search.change_file {
            if let Err(e) = std::fs::write(path, format!("{change}\n")) {
                tracing::warn!(error = %e, "cannot save the search index's change id");
            }
        }
    }

    /// Runs a search on a blocking thread after bringing the index up to date.
    pub(crate) async fn search(&self, request: SearchRequest) -> Result<SearchResponse, WebError> {
        self.on_index(move |index| index.search(&request)).await
    }

    /// The gap map of `rows` × `cols` over the records matching `request` (see
    /// [`SearchIndex::gap_map`]), on a blocking thread after bringing the index up to date.
    pub(crate) async fn gap_map(
        &self,
        request: SearchRequest,
        rows: Facet,
        cols: Facet,
        max_slugs: usize,
    ) -> Result<GapMap, WebError> {
        self.on_index(move |index| index.gap_map(&request, rows, cols, max_slugs))
            .await
    }

    /// How many records matching `request` have information dated before `before` (months
    /// since year 0), and how many have no date (see [`SearchIndex::count_dated_before`]).
    pub(crate) async fn count_dated_before(
        &self,
        request: SearchRequest,
        before: u32,
    ) -> Result<(usize, usize), WebError> {
        self.on_index(move |index| index.count_dated_before(&request, before))
            .await
    }

    /// Signposting: every published record judged against `profile` (see
    /// [`SearchIndex::signpost`]; discontinued services are never offered), the first `limit`
    /// of each list written out in full. The profile lives only as long as this call: it is
    /// never stored or logged.
    pub async fn signpost(&self, profile: Profile, limit: usize) -> Result<Signposting, WebError> {
        self.on_index(move |index| {
            index.signpost(
                &SearchRequest::default(),
                &profile,
                &SignpostOptions { limit: Some(limit) },
            )
        })
        .await
    }

    /// Runs `work` on the index on a blocking thread after bringing the index up to date. A
    /// request the engine cannot serve as asked is a client error; anything else a server one.
    async fn on_index<T, F>(&self, work: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&SearchIndex) -> Result<T, SearchError> + Send + 'static,
    {
        if let Err(e) = self.refresh_index_if_due().await {
            // Stale results are better than none; the failure is logged (without the query).
            tracing::error!(error = %e, "search index refresh failed");
        }
        let index = Arc::clone(&self.search.index);
        tokio::task::spawn_blocking(move || work(&index))
            .await
            .map_err(|e| WebError::Search(e.to_string()))?
            .map_err(|e| match e {
                SearchError::BadQuery(message) => WebError::BadRequest(message),
                other => WebError::Search(other.to_string()),
            })
    }
}
