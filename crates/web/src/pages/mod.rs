//! Server-rendered pages. They work fully without JavaScript; every string from a record goes
//! through askama's HTML escaping. There are three `|safe`s: the search snippet, which the search
//! engine has already escaped (only its own `<mark>` tags are markup); a record's JSON-LD,
//! whose `<`, `>` and `&` are JSON escapes (see `record::script_safe_json`); and the staff
//! editor's preview, which is this crate's own rendering of the record page (every record text
//! escaped by askama on the way; see `record::preview_html`).

pub(crate) mod chart;
pub(crate) mod compare;
pub(crate) mod gap_map;
pub(crate) mod gaps;
pub(crate) mod health;
pub(crate) mod record;
pub(crate) mod search;
pub(crate) mod signpost;
pub(crate) mod strategy;
pub(crate) mod submit;

use crate::assets;
use crate::state::YearMonth;
use preventory_core::{PartialDate, Rating};

/// Where "Exit this page" leads: a neutral site that gives nothing away, as the GOV.UK
/// Design System recommends. Only ever a link target; nothing is loaded from it.
pub(crate) const EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// Records whose information was confirmed more than this many months ago carry a notice.
pub(crate) const STALE_AFTER_MONTHS: i32 = 24;

/// What the shared layout needs from every page.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    /// The page's own title, shown before the site name in the browser tab.
    pub page_title: String,
    /// The fingerprinted stylesheet address.
    pub css_href: &'static str,
    /// The fingerprinted icon address.
    pub icon_href: &'static str,
    /// The fingerprinted address of the "Exit this page" script.
    pub exit_js_href: &'static str,
    /// Where "Exit this page" leads.
    pub exit_href: &'static str,
    /// The address of the site navigation's link to this page, marked as the current page;
    /// empty for pages the navigation does not list.
    pub nav: &'static str,
}

impl Chrome {
    /// The layout's data for a page titled `page_title`.
    pub fn new(page_title: &str) -> Chrome {
        Chrome {
            page_title: page_title.to_string(),
            css_href: assets::url("site.css"),
            icon_href: assets::url("icon.svg"),
            exit_js_href: assets::url("exit.js"),
            exit_href: EXIT_URL,
            nav: "",
        }
    }

    /// The same layout, with the navigation's link to `path` marked as the current page.
    pub fn in_nav(mut self, path: &'static str) -> Chrome {
        self.nav = path;
        self
    }
}

/// A record's evidence rating as shown to people.
#[derive(Debug, Clone)]
pub(crate) struct RatingView {
    /// The rating id, used only as a CSS class (ids come from a closed vocabulary).
    pub id: &'static str,
    /// The rating's name.
    pub label: &'static str,
    /// What the rating means.
    pub criterion: &'static str,
}

impl RatingView {
    pub fn of(rating: Option<Rating>) -> Option<RatingView> {
        use preventory_core::Vocabulary;
        rating.map(|r| RatingView {
            id: r.id(),
            label: r.label(),
            criterion: r.criterion(),
        })
    }
}

/// When a record's information was last confirmed, and whether that is too long ago.
#[derive(Debug, Clone)]
pub(crate) struct Freshness {
    /// "March 2021", or `None` when unknown.
    pub correct_at: Option<String>,
    /// True when older than [`STALE_AFTER_MONTHS`] or unknown: either way the reader should
    /// check with the service.
    pub stale: bool,
}

impl Freshness {
    pub fn of(date: Option<PartialDate>, today: YearMonth) -> Freshness {
        Freshness {
            correct_at: date.map(|d| d.display_long()),
            stale: date
                .is_none_or(|d| d.months_until(today.year, today.month) > STALE_AFTER_MONTHS),
        }
    }
}

/// The title to show for a record; a record awaiting review may not have one yet.
pub(crate) fn display_title(title: &str) -> String {
    let title = title.trim();
    if title.is_empty() {
        "Untitled record".to_string()
    } else {
        title.to_string()
    }
}

/// The address of a record's page. Slugs are validated by the store to be lowercase letters,
/// digits and hyphens, so they need no encoding.
pub(crate) fn record_href(slug: &str) -> String {
    format!("/interventions/{slug}")
}

/// A line of a form's error summary: the problem, linking to its field (`#field-id`). The
/// summary itself is the `error_summary` macro of `templates/macros.html`.
pub(crate) struct ErrorLink {
    /// `#` and the field's id.
    pub(crate) href: String,
    /// The problem, in words.
    pub(crate) text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<PartialDate> {
        PartialDate::parse_iso(s).ok()
    }

    #[test]
    fn information_older_than_two_years_is_stale() {
        let today = YearMonth {
            year: 2024,
            month: 6,
        };
        assert!(!Freshness::of(date("2022-06"), today).stale);
        assert!(Freshness::of(date("2022-05"), today).stale);
        assert!(Freshness::of(date("2021"), today).stale);
        assert!(!Freshness::of(date("2023"), today).stale);
        assert!(Freshness::of(None, today).stale);
        assert_eq!(
            Freshness::of(date("2021-03"), today).correct_at.as_deref(),
            Some("March 2021")
        );
    }
}
