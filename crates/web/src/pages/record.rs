//! One record's page: every section in reading order, its facets, contact and references.

use super::{display_title, Chrome, Freshness, RatingView};
use crate::error::WebError;
use crate::records;
use crate::state::AppState;
use crate::text::{self, Block, Link};
use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Html;
use preventory_core::record::section;
use preventory_core::slug::slugify;
use preventory_core::vocab::Vocabulary;
use preventory_core::{Contact, FacetRow, Intervention, Term};

/// Shown in a facet cell when the record does not say.
const NOT_STATED: &str = "Not stated";

/// A narrative section, ready to show.
struct SectionView {
    /// The fragment id of its heading, for the "on this page" links.
    anchor: String,
    heading: String,
    blocks: Vec<Block>,
}

/// One row of the facet table, as labels.
struct FacetRowView {
    target_group: String,
    prevention_level: String,
    ages: String,
    genders: String,
    delivery: String,
    subgroups: String,
    languages: String,
}

/// The public contact block.
struct ContactView {
    organisation: Option<String>,
    address_lines: Vec<String>,
    phones: Vec<Link>,
    emails: Vec<Link>,
    websites: Vec<Link>,
    notes: Vec<String>,
}

impl ContactView {
    fn is_empty(&self) -> bool {
        self.organisation.is_none()
            && self.address_lines.is_empty()
            && self.phones.is_empty()
            && self.emails.is_empty()
            && self.websites.is_empty()
            && self.notes.is_empty()
    }
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    title: String,
    summary: Option<String>,
    needs_review: bool,
    rating: Option<RatingView>,
    freshness: Freshness,
    facet_rows: Vec<FacetRowView>,
    intervention_types: String,
    countries: String,
    sections: Vec<SectionView>,
    references: Vec<String>,
    contact: ContactView,
}

fn labels<T: Vocabulary>(terms: &[Term<T>]) -> String {
    if terms.is_empty() {
        NOT_STATED.to_string()
    } else {
        terms.iter().map(Term::label).collect::<Vec<_>>().join(", ")
    }
}

fn label<T: Vocabulary>(term: Option<&Term<T>>) -> String {
    term.map_or_else(|| NOT_STATED.to_string(), |t| t.label().to_string())
}

fn facet_row(row: &FacetRow) -> FacetRowView {
    FacetRowView {
        target_group: label(row.target_group.as_ref()),
        prevention_level: label(row.prevention_level.as_ref()),
        ages: labels(&row.age_groups),
        genders: labels(&row.genders),
        delivery: labels(&row.delivery),
        subgroups: labels(&row.subgroups),
        languages: labels(&row.languages),
    }
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn contact(c: &Contact) -> ContactView {
    // `c` is already the public view, so a confidential address is gone by now.
    let keep = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    ContactView {
        organisation: non_empty(c.organisation.as_deref()),
        address_lines: c.address.as_deref().map(text::lines).unwrap_or_default(),
        phones: keep(&c.phones).iter().map(|p| text::phone(p)).collect(),
        emails: keep(&c.emails).iter().map(|e| text::email(e)).collect(),
        websites: keep(&c.websites).iter().map(|w| text::website(w)).collect(),
        notes: keep(&c.notes),
    }
}

impl RecordPage {
    fn new(record: &Intervention, today: crate::state::YearMonth) -> RecordPage {
        let title = display_title(&record.title);
        let sections = record
            .sections_in_order()
            .into_iter()
            .map(|(key, body)| SectionView {
                anchor: format!("section-{}", slugify(key)),
                heading: section::heading(key),
                blocks: text::blocks(body),
            })
            .filter(|s| !s.blocks.is_empty())
            .collect();
        let countries = if record.countries.is_empty() {
            String::new()
        } else {
            labels(&record.countries)
        };
        let intervention_types = if record.intervention_types.is_empty() {
            String::new()
        } else {
            labels(&record.intervention_types)
        };
        RecordPage {
            chrome: Chrome::new(&title),
            title,
            summary: non_empty(record.summary.as_deref()),
            needs_review: record.needs_review,
            rating: RatingView::of(record.rating),
            freshness: Freshness::of(record.information_correct_at, today),
            facet_rows: record.facet_rows.iter().map(facet_row).collect(),
            intervention_types,
            countries,
            sections,
            references: record
                .references
                .iter()
                .map(|r| r.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            contact: contact(&record.contact),
        }
    }
}

/// `GET /interventions/{slug}`: one record's page.
pub(crate) async fn handler(
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    let record = records::one(state.store(), &slug).await?;
    Ok(Html(RecordPage::new(&record, state.today()).render()?))
}
