//! Timestamps of the accounts tables: RFC 3339 UTC with a fixed six-digit fraction, like the
//! records' (see `import.rs`), so that they compare correctly as text in SQL.

use crate::StoreError;
use std::time::Duration;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

const TIMESTAMP: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The current time.
pub(super) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `at` as stored.
pub(super) fn format(at: OffsetDateTime) -> Result<String, StoreError> {
    at.format(TIMESTAMP)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
}

/// A stored timestamp; `None` if it is not one.
pub(super) fn parse(text: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(text, TIMESTAMP)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// `at` moved by `by` into the future (saturating far beyond any session).
pub(super) fn after(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    time::Duration::try_from(by)
        .ok()
        .and_then(|d| at.checked_add(d))
        .unwrap_or(at + time::Duration::days(365 * 100))
}

/// `at` moved by `by` into the past.
pub(super) fn before(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    time::Duration::try_from(by)
        .ok()
        .and_then(|d| at.checked_sub(d))
        .unwrap_or(at - time::Duration::days(365 * 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_sort_as_text() {
        let at = now();
        let text = format(at).expect("format");
        assert_eq!(text.len(), "2025-01-02T03:04:05.123456Z".len());
        let back = parse(&text).expect("parse");
        assert!((back - at).abs() < time::Duration::milliseconds(1));
        let later = format(after(at, Duration::from_secs(90))).expect("format");
        let earlier = format(before(at, Duration::from_secs(90))).expect("format");
        assert!(earlier < text && text < later);
        assert_eq!(parse("yesterday"), None);
    }
}
