//! The re-review rule: when a record's information was last confirmed, and whether it is due
//! for checking again.
//!
//! A record is confirmed in one of two ways: the provider's "information correct at" date on
//! the record itself, or an editor's "reviewed, no change" (kept beside the record, without a
//! new revision). The later of the two counts. Information confirmed more than
//! [`REVIEW_DUE_MONTHS`] months ago is due; a record with neither date is due first of all,
//! since nobody can say how old it is.
//!
//! **Year-only dates.** "Information correct at 2022" could mean any month of 2022. The
//! conservative reading is the earliest, January: the record then falls due as early as it
//! possibly could, never later than it should. [`PartialDate::months_until`] and the public
//! "more than two years old" notice read them the same way, so a record turns "due" on the staff
//! queue in the same month the public notice appears.
//!
//! Pure: no clock. The caller passes today's month (the web layer's `AppState::today`, fixed in
//! tests).

use crate::date::PartialDate;
use std::cmp::Ordering;

/// How long a record may go unconfirmed before it is due for review: 24 months. A record is
/// due when its last confirmation is *more* than this many whole months before today (so
/// exactly 24 months is not yet due), like the public notice on old information.
pub const REVIEW_DUE_MONTHS: u32 = 24;

/// Which date confirmed the record last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmedBy {
    /// The record's own "information correct at" date.
    InformationDate,
    /// An editor's "reviewed, no change".
    Review,
}

/// Where a record stands in the re-review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewStanding {
    /// When it was last confirmed, by whichever date is later; `None` when it has neither.
    pub last_confirmed: Option<PartialDate>,
    /// Which date that was.
    pub confirmed_by: Option<ConfirmedBy>,
    /// Whole months from the last confirmation to today (negative for a date in the future,
    /// which a typing slip can give); `None` when never confirmed.
    pub months_since: Option<i32>,
    /// Whether it is due: never confirmed, or confirmed more than [`REVIEW_DUE_MONTHS`] ago.
    pub due: bool,
    /// How many months past the due point it is (1 the first month it is due); `None` when
    /// not due or never confirmed.
    pub months_overdue: Option<u32>,
}

/// A month as a count of months since January of year 0, reading an unknown month as January
/// (see the module's documentation).
fn month_index(date: PartialDate) -> i32 {
    i32::from(date.year) * 12 + i32::from(date.month.unwrap_or(1)) - 1
}

impl ReviewStanding {
    /// The standing of a record whose "information correct at" date is `information_correct_at`
    /// and whose last "reviewed, no change" fell in the month `reviewed` (see
    /// [`reviewed_month`]), in the month `today_year`-`today_month`.
    pub fn of(
        information_correct_at: Option<PartialDate>,
        reviewed: Option<PartialDate>,
        today_year: u16,
        today_month: u8,
    ) -> ReviewStanding {
        let (last_confirmed, confirmed_by) = match (information_correct_at, reviewed) {
            (None, None) => (None, None),
            (Some(info), None) => (Some(info), Some(ConfirmedBy::InformationDate)),
            (None, Some(review)) => (Some(review), Some(ConfirmedBy::Review)),
            // On a tie the review counts: it is the more recent act of checking, and it
            // always has a month.
            (Some(info), Some(review)) if month_index(info) > month_index(review) => {
                (Some(info), Some(ConfirmedBy::InformationDate))
            }
            (Some(_), Some(review)) => (Some(review), Some(ConfirmedBy::Review)),
        };
        let months_since = last_confirmed.map(|d| d.months_until(today_year, today_month));
        let limit = i32::try_from(REVIEW_DUE_MONTHS).unwrap_or(i32::MAX);
        let (due, months_overdue) = match months_since {
            None => (true, None),
            Some(months) if months > limit => (true, u32::try_from(months - limit).ok()),
            Some(_) => (false, None),
        };
        ReviewStanding {
            last_confirmed,
            confirmed_by,
            months_since,
            due,
            months_overdue,
        }
    }

    /// The queue's order: records never confirmed first, then the longest unconfirmed
    /// (the oldest last confirmation) first. Equal standings compare equal; the caller breaks
    /// ties (by title, say).
    pub fn queue_order(&self, other: &ReviewStanding) -> Ordering {
        match (self.last_confirmed, other.last_confirmed) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) => month_index(a).cmp(&month_index(b)),
        }
    }
}

/// The month of an RFC 3339 timestamp (`2024-05-31T23:59:59Z` → `2024-05`), as the store
/// writes "reviewed, no change" times (always in UTC); `None` for anything else.
pub fn reviewed_month(rfc3339: &str) -> Option<PartialDate> {
    let month = rfc3339.get(..7)?;
    if rfc3339.as_bytes().get(7).is_some_and(|b| *b != b'-') {
        return None;
    }
    PartialDate::parse_iso(month).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<PartialDate> {
        Some(PartialDate::parse_iso(text).unwrap_or_else(|e| panic!("{text}: {e}")))
    }

    fn standing(info: &str, reviewed: &str) -> ReviewStanding {
        let info = if info.is_empty() { None } else { date(info) };
        let reviewed = if reviewed.is_empty() {
            None
        } else {
            date(reviewed)
        };
        ReviewStanding::of(info, reviewed, 2024, 6)
    }

    #[test]
    fn exactly_24_months_is_not_yet_due_and_25_is() {
        let exactly = standing("2022-06", "");
        assert_eq!(exactly.months_since, Some(24));
        assert!(!exactly.due);
        assert_eq!(exactly.months_overdue, None);

        let one_more = standing("2022-05", "");
        assert_eq!(one_more.months_since, Some(25));
        assert!(one_more.due);
        assert_eq!(one_more.months_overdue, Some(1));

        let long_ago = standing("2021-03", "");
        assert_eq!(long_ago.months_since, Some(39));
        assert_eq!(long_ago.months_overdue, Some(15));
    }

    #[test]
    fn a_year_only_date_reads_as_january() {
        // "2022" is January 2022 at the earliest: 29 months before June 2024, so due.
        let year = standing("2022", "");
        assert_eq!(year.months_since, Some(29));
        assert!(year.due);
        assert_eq!(year.last_confirmed, date("2022"));
        // "2023" is 17 months: not due, even though December 2023 would be fresher still.
        assert!(!standing("2023", "").due);
        // The boundary for a year-only date: "2022" is due from February 2024 on.
        assert!(!ReviewStanding::of(date("2022"), None, 2024, 1).due);
        assert!(ReviewStanding::of(date("2022"), None, 2024, 2).due);
    }

    #[test]
    fn the_later_of_the_two_dates_counts() {
        let reviewed_later = standing("2020-01", "2023-09");
        assert_eq!(reviewed_later.last_confirmed, date("2023-09"));
        assert_eq!(reviewed_later.confirmed_by, Some(ConfirmedBy::Review));
        assert!(!reviewed_later.due);

        let info_later = standing("2024-02", "2021-01");
        assert_eq!(info_later.last_confirmed, date("2024-02"));
        assert_eq!(info_later.confirmed_by, Some(ConfirmedBy::InformationDate));

        // A year-only information date against a review in the same year: January loses.
        let same_year = standing("2023", "2023-01");
        assert_eq!(same_year.confirmed_by, Some(ConfirmedBy::Review));
        let review_only = standing("", "2022-05");
        assert!(review_only.due);
        assert_eq!(review_only.confirmed_by, Some(ConfirmedBy::Review));
    }

    #[test]
    fn no_date_at_all_is_due_and_first_in_the_queue() {
        let never = standing("", "");
        assert!(never.due);
        assert_eq!(never.last_confirmed, None);
        assert_eq!(never.months_since, None);
        assert_eq!(never.months_overdue, None);

        let mut queue = [
            standing("2023-03", ""),
            standing("", ""),
            standing("2021-03", ""),
            standing("2022", "2021-02"),
            standing("2021-02", ""),
        ];
        queue.sort_by(ReviewStanding::queue_order);
        let order: Vec<Option<String>> = queue
            .iter()
            .map(|s| s.last_confirmed.map(|d| d.to_string()))
            .collect();
        assert_eq!(
            order,
            vec![
                None,
                Some("2021-02".to_string()),
                Some("2021-03".to_string()),
                Some("2022".to_string()),
                Some("2023-03".to_string()),
            ]
        );
    }

    #[test]
    fn a_future_date_is_not_due() {
        let future = standing("2025-01", "");
        assert_eq!(future.months_since, Some(-7));
        assert!(!future.due);
        assert_eq!(future.months_overdue, None);
    }

    #[test]
    fn review_times_give_their_month() {
        assert_eq!(reviewed_month("2024-05-31T23:59:59Z"), date("2024-05"));
        assert_eq!(reviewed_month("2024-05"), date("2024-05"));
        assert_eq!(reviewed_month("2024"), None);
        assert_eq!(reviewed_month("2024-5-1T00:00:00Z"), None);
        assert_eq!(reviewed_month("yesterday"), None);
        assert_eq!(reviewed_month("2024-05x"), None);
        assert_eq!(reviewed_month(""), None);
    }
}
