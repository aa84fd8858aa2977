//! What every handler shares: the store, and where "today" comes from.

use preventory_store::Store;
use std::sync::Arc;

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
}

/// The state shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    /// A fixed "today" for deterministic tests; `None` reads the clock on every request, so a
    /// long-running server does not go stale.
    fixed_today: Option<YearMonth>,
}

impl AppState {
    /// State over `store`, reading today's date from the system clock.
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState {
            store,
            fixed_today: None,
        }
    }

    /// The same state with "today" fixed to `today`, so that notices about old information
    /// do not depend on when the code runs.
    pub fn with_today(mut self, today: YearMonth) -> AppState {
        self.fixed_today = Some(today);
        self
    }

    /// The store records are read from.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The current month, or the fixed one given to [`AppState::with_today`].
    pub fn today(&self) -> YearMonth {
        self.fixed_today.unwrap_or_else(YearMonth::now)
    }
}
