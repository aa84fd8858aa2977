//! One record's page: every section in reading order, its facets, contact and references,
//! and the evidence behind its rating ([`evidence`]).

mod evidence;

use super::{display_title, Chrome, Freshness, RatingView};
use crate::error::WebError;
use crate::records;
use crate::state::AppState;
use crate::text::{self, Block, Link};
use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Html;
use evidence::EvidenceView;
use preventory_core::record::section;
use preventory_core::slug::slugify;
use preventory_core::vocab::Vocabulary;
use preventory_core::{Contact, Facet, FacetRow, Intervention, Term};
use preventory_search::{SearchRequest, Sort};

/// Shown in a facet cell when the record does not say.
pub(crate) const NOT_STATED: &str = "Not stated";

/// A narrative section, ready to show.
struct SectionView {
    /// True for the sections every record may have ([`section::KNOWN`]).
    known: bool,
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
pub(crate) struct ContactView {
    pub organisation: Option<String>,
    pub address_lines: Vec<String>,
    pub phones: Vec<Link>,
    pub emails: Vec<Link>,
    pub websites: Vec<Link>,
    pub notes: Vec<String>,
}

impl ContactView {
    pub(crate) fn is_empty(&self) -> bool {
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
    /// The known sections, up to and including "Evaluation".
    sections: Vec<SectionView>,
    /// Sections under other headings, shown after the evidence.
    other_sections: Vec<SectionView>,
    /// The rating's grounds: the suggestion from the recorded studies, warnings, reasons.
    evidence: EvidenceView,
    references: Vec<String>,
    contact: ContactView,
    /// schema.org JSON-LD, already made safe to place inside a `<script>` element.
    json_ld: String,
    slug: String,
    /// Records of the same target group and prevention level, to compare this one with.
    similar: Vec<SimilarRecord>,
    /// The service no longer runs: the page says so first.
    discontinued: bool,
    /// The day its public version was last changed (YYYY-MM-DD), when known.
    last_changed: Option<String>,
}

/// A record offered for comparison with the one shown.
struct SimilarRecord {
    slug: String,
    title: String,
}

/// How many similar records the page offers to compare with (a comparison holds four).
const SIMILAR: usize = 5;

pub(crate) fn labels<T: Vocabulary>(terms: &[Term<T>]) -> String {
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

pub(crate) fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

pub(crate) fn contact(c: &Contact) -> ContactView {
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
        let (sections, other_sections): (Vec<SectionView>, Vec<SectionView>) = record
            .sections_in_order()
            .into_iter()
            .map(|(key, body)| SectionView {
                known: section::KNOWN.iter().any(|(k, _)| *k == key),
                anchor: format!("section-{}", slugify(key)),
                heading: section::heading(key),
                blocks: text::blocks(body),
            })
            .filter(|s| !s.blocks.is_empty())
            .partition(|s| s.known);
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
            other_sections,
            evidence: EvidenceView::of(record),
            references: record
                .references
                .iter()
                .map(|r| r.text.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            contact: contact(&record.contact),
            json_ld: json_ld(record),
            slug: record.slug.clone(),
            similar: Vec::new(),
            discontinued: false,
            last_changed: None,
        }
    }
}

/// The record as a schema.org `Service`, in JSON-LD for search engines and other tools.
///
/// The text goes inside a `<script>` element, where HTML escaping does not apply, so `<`, `>`
/// and `&` are written as JSON escapes: no record text can close the element. They can only
/// occur inside JSON strings, where the escapes mean the same characters.
fn json_ld(record: &Intervention) -> String {
    use serde_json::{json, Map, Value};

    let mut service = Map::new();
    service.insert("@context".into(), json!("https://schema.org"));
    service.insert("@type".into(), json!("Service"));
    service.insert("name".into(), json!(display_title(&record.title)));
    service.insert("url".into(), json!(super::record_href(&record.slug)));
    if let Some(summary) = non_empty(record.summary.as_deref()) {
        service.insert("description".into(), json!(summary));
    }
    if let Some(organisation) = non_empty(record.contact.organisation.as_deref()) {
        service.insert(
            "provider".into(),
            json!({ "@type": "Organization", "name": organisation }),
        );
    }
    let countries: Vec<Value> = record
        .countries
        .iter()
        .map(|c| json!({ "@type": "Country", "name": c.label() }))
        .collect();
    if !countries.is_empty() {
        service.insert("areaServed".into(), Value::Array(countries));
    }
    let audiences: Vec<Value> = record
        .target_groups()
        .iter()
        .map(|t| json!({ "@type": "Audience", "audienceType": t.label() }))
        .collect();
    if !audiences.is_empty() {
        service.insert("audience".into(), Value::Array(audiences));
    }
    let types: Vec<Value> = record.delivery().iter().map(|t| json!(t.label())).collect();
    if !types.is_empty() {
        service.insert("serviceType".into(), Value::Array(types));
    }
    if let Some(date) = record.information_correct_at {
        service.insert("dateModified".into(), json!(date.to_string()));
    }
    script_safe_json(&Value::Object(service))
}

/// JSON text that can sit inside an HTML `<script>` element without ending it early.
pub(crate) fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `GET /interventions/{slug}`: one record's page.
pub(crate) async fn handler(
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    let public = records::one_with_status(state.store(), &slug).await?;
    let record = public.record;
    let mut page = RecordPage::new(&record, state.today());
    page.discontinued = public.status == preventory_core::lifecycle::Status::Discontinued;
    page.last_changed = public.last_changed.get(..10).map(str::to_string);
    if !page.discontinued {
        page.similar = similar(&state, &record).await;
    }
    Ok(Html(page.render()?))
}

/// Other records for the same first target group and prevention level, best rated first.
/// A failed search only leaves the list empty: the record itself matters more.
async fn similar(state: &AppState, record: &Intervention) -> Vec<SimilarRecord> {
    let mut request = SearchRequest::default()
        .sorted(Sort::Rating)
        .page(1, SIMILAR + 1);
    if let Some(group) = record.target_groups().first() {
        request = request.filter(Facet::TargetGroup, group.id());
    }
    if let Some(level) = record.prevention_levels().first() {
        request = request.filter(Facet::PreventionLevel, level.id());
    }
    match state.search(request).await {
        Ok(found) => found
            .results
            .into_iter()
            .filter(|hit| hit.slug != record.slug)
            .take(SIMILAR)
            .map(|hit| SimilarRecord {
                title: display_title(&hit.title),
                slug: hit.slug,
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "no similar records for the record page");
            Vec::new()
        }
    }
}

/// The record page's main content alone, without the layout: the staff editor's preview
/// (`admin/records`). Rendered from the `content` block of the same template, so the
/// preview is the public page; askama escapes every record text in it as on that page.
#[derive(Template)]
#[template(path = "record.html", block = "content")]
struct RecordPreview {
    page: RecordPage,
}

impl std::ops::Deref for RecordPreview {
    type Target = RecordPage;

    fn deref(&self) -> &RecordPage {
        &self.page
    }
}

/// The public page's content for `record` as it would be published (its public view, so
/// without a confidential address), as HTML to place inside a staff page.
pub(crate) fn preview_html(
    record: &Intervention,
    today: crate::state::YearMonth,
) -> Result<String, WebError> {
    let page = RecordPage::new(&record.public_view(), today);
    Ok(RecordPreview { page }.render()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_a_script_element_cannot_close_it() {
        let hostile = "</script><script>alert(1)</script> & <!--";
        let value = serde_json::json!({ "name": hostile });
        let text = script_safe_json(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back["name"], hostile);
    }
}
