//! Two to four records side by side, in one table with a row for each thing worth comparing.
//! A GET address (`/compare?slug=a&slug=b`), so a comparison can be shared and needs no
//! JavaScript.

use super::record::{contact, labels, non_empty, ContactView, NOT_STATED};
use super::{display_title, record_href, Chrome, Freshness, RatingView};
use crate::error::WebError;
use crate::records;
use crate::state::AppState;
use crate::text::{self, Block};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use preventory_core::eligibility::Eligibility;
use preventory_core::record::section;
use preventory_core::vocab::Vocabulary;
use preventory_core::Intervention;

/// The fewest records a comparison can show.
pub(crate) const MIN_RECORDS: usize = 2;
/// The most records a comparison can show (more would not fit side by side).
pub(crate) const MAX_RECORDS: usize = 4;

/// What one table cell shows.
enum Cell {
    /// A single line of text.
    Text(String),
    /// Narrative text, as paragraphs and lists.
    Blocks(Vec<Block>),
    /// Named facts, as a description list.
    Facts(Vec<(String, String)>),
    /// The public contact details, with the record page's safe links.
    Contact(ContactView),
}

/// One row: a heading and one cell per record.
struct Row {
    heading: &'static str,
    cells: Vec<Cell>,
}

/// One record's column heading.
struct Column {
    title: String,
    href: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    chrome: Chrome,
    columns: Vec<Column>,
    rows: Vec<Row>,
}

/// An age range in words: "18 to 65", "18 and over", "up to 17".
fn age_range(min: Option<u8>, max: Option<u8>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{min} to {max}"),
        (Some(min), None) => format!("{min} and over"),
        (None, Some(max)) => format!("Up to {max}"),
        (None, None) => NOT_STATED.to_string(),
    }
}

/// Labels of a known-or-unknown list: unknown is "Not stated", an empty known list "None".
fn known_labels<T: Vocabulary>(items: Option<&Vec<T>>) -> String {
    match items {
        None => NOT_STATED.to_string(),
        Some(items) if items.is_empty() => "None".to_string(),
        Some(items) => items
            .iter()
            .map(|i| i.label())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn eligibility(e: &Eligibility) -> Vec<(String, String)> {
    let mut facts = vec![("Ages".to_string(), age_range(e.age_min, e.age_max))];
    for format in &e.formats {
        facts.push((
            format!("Ages for {}", format.delivery.label()),
            age_range(format.age_min, format.age_max),
        ));
    }
    facts.push(("Genders".into(), known_labels(e.genders.as_ref())));
    facts.push((
        "Minimum IQ".into(),
        e.iq_min
            .map_or_else(|| NOT_STATED.to_string(), |iq| iq.to_string()),
    ));
    facts.push((
        "Referral routes".into(),
        known_labels(e.referral_routes.as_ref()),
    ));
    facts.push((
        "Anonymous help".into(),
        match e.anonymous {
            Some(true) => "Yes".into(),
            Some(false) => "No".into(),
            None => NOT_STATED.into(),
        },
    ));
    facts.push(("Cost".into(), known_labels(e.cost.as_ref())));
    facts
}

/// A narrative section as blocks, or "Not stated".
fn section_cell(record: &Intervention, key: &str) -> Cell {
    let blocks = record.section(key).map(text::blocks).unwrap_or_default();
    if blocks.is_empty() {
        Cell::Text(NOT_STATED.to_string())
    } else {
        Cell::Blocks(blocks)
    }
}

impl ComparePage {
    fn new(records: &[Intervention], today: crate::state::YearMonth) -> ComparePage {
        let columns = records
            .iter()
            .map(|r| Column {
                title: display_title(&r.title),
                href: record_href(&r.slug),
            })
            .collect();
        let row = |heading: &'static str, cell: &dyn Fn(&Intervention) -> Cell| Row {
            heading,
            cells: records.iter().map(cell).collect(),
        };
        let rows = vec![
            row("Summary", &|r| {
                Cell::Text(
                    non_empty(r.summary.as_deref()).unwrap_or_else(|| NOT_STATED.to_string()),
                )
            }),
            row("Target groups", &|r| Cell::Text(labels(&r.target_groups()))),
            row("Prevention levels", &|r| {
                Cell::Text(labels(&r.prevention_levels()))
            }),
            row("Ages", &|r| Cell::Text(labels(&r.age_groups()))),
            row("Genders", &|r| Cell::Text(labels(&r.genders()))),
            row("Type of intervention", &|r| {
                Cell::Text(labels(&r.delivery()))
            }),
            row("Languages", &|r| Cell::Text(labels(&r.languages()))),
            row("Countries", &|r| Cell::Text(labels(&r.countries))),
            row("Who can use it", &|r| {
                Cell::Facts(eligibility(&r.eligibility))
            }),
            row("Evidence rating", &|r| {
                Cell::Text(RatingView::of(r.rating).map_or_else(
                    || "Not yet rated against the evidence criteria".to_string(),
                    |v| format!("{}: {}", v.label, v.criterion),
                ))
            }),
            row("Information correct at", &|r| {
                Cell::Text(
                    Freshness::of(r.information_correct_at, today)
                        .correct_at
                        .unwrap_or_else(|| "Not known".to_string()),
                )
            }),
            row("Intensity", &|r| section_cell(r, section::INTENSITY)),
            row("Delivery and mode", &|r| {
                section_cell(r, section::MODE_AND_CONTEXT)
            }),
            row("Contact", &|r| {
                let c = contact(&r.contact);
                if c.organisation.is_none()
                    && c.phones.is_empty()
                    && c.emails.is_empty()
                    && c.websites.is_empty()
                {
                    Cell::Text(NOT_STATED.to_string())
                } else {
                    Cell::Contact(c)
                }
            }),
        ];
        ComparePage {
            chrome: Chrome::new("Compare interventions"),
            columns,
            rows,
        }
    }
}

/// The slugs asked for, in order, checked for count and duplicates. Other parameters are
/// ignored.
fn requested_slugs(query: Option<&str>) -> Result<Vec<String>, WebError> {
    let slugs: Vec<String> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "slug")
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
        .collect();
    if slugs.len() < MIN_RECORDS || slugs.len() > MAX_RECORDS {
        return Err(WebError::BadRequest(format!(
            "Choose between {MIN_RECORDS} and {MAX_RECORDS} interventions to compare. \
             This comparison asked for {}.",
            slugs.len()
        )));
    }
    for (i, slug) in slugs.iter().enumerate() {
        if slugs[..i].contains(slug) {
            return Err(WebError::BadRequest(
                "The same intervention was chosen more than once. Choose different \
                 interventions to compare."
                    .into(),
            ));
        }
    }
    Ok(slugs)
}

/// `GET /compare?slug=a&slug=b[&slug=c&slug=d]`: the records side by side.
pub(crate) async fn handler(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let slugs = requested_slugs(query.as_deref())?;
    let mut records = Vec::with_capacity(slugs.len());
    for slug in &slugs {
        records.push(records::one(state.store(), slug).await?);
    }
    Ok(Html(ComparePage::new(&records, state.today()).render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_to_four_different_slugs_are_accepted() {
        assert_eq!(
            requested_slugs(Some("slug=a&slug=b&q=x")).ok(),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert!(requested_slugs(Some("slug=a&slug=b&slug=c&slug=d")).is_ok());
        assert!(requested_slugs(None).is_err());
        assert!(requested_slugs(Some("slug=a")).is_err());
        assert!(requested_slugs(Some("slug=a&slug=")).is_err());
        assert!(requested_slugs(Some("slug=a&slug=b&slug=c&slug=d&slug=e")).is_err());
        assert!(requested_slugs(Some("slug=a&slug=b&slug=a")).is_err());
    }

    #[test]
    fn ages_read_plainly() {
        assert_eq!(age_range(Some(18), Some(65)), "18 to 65");
        assert_eq!(age_range(Some(18), None), "18 and over");
        assert_eq!(age_range(None, Some(17)), "Up to 17");
        assert_eq!(age_range(None, None), NOT_STATED);
    }
}
