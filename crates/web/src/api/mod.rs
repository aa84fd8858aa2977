//! JSON API, version 1: read-only access to the public view of every record, search, and
//! signposting (a POST that changes nothing and stores nothing).
//!
//! Errors are RFC 9457 problem documents; [`crate::error::error_pages`] formats them because
//! these routes live under `/api/`. The OpenAPI document describing these routes is built
//! from the annotations here (see [`openapi`]) and served at `/api/v1/openapi.json`.

pub(crate) mod gaps;
pub(crate) mod openapi;
pub(crate) mod schema;
pub(crate) mod signpost;

use crate::error::WebError;
use crate::records;
use crate::search_params::{SearchParams, UnknownNames, INCLUDE_PARAM};
use crate::state::AppState;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use preventory_core::evidence::{
    compare, EvidenceWarning, OutcomeEvidence, RatingDifference, Reason, StudyDesign,
};
use preventory_core::{Intervention, Rating};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The singular facet parameter names, in [`Facet::ALL`] order.
const FACET_PARAMETERS: [&str; 11] = [
    "target_group",
    "prevention_level",
    "age_group",
    "gender",
    "delivery",
    "subgroup",
    "language",
    "country",
    "rating",
    "evidence_level",
    "access",
];

/// The plural aliases of the facet parameters (the facet keys used in JSON), in
/// [`Facet::ALL`] order. `delivery` is its own plural, so it is listed only once overall.
const FACET_ALIASES: [&str; 10] = [
    "target_groups",
    "prevention_levels",
    "age_groups",
    "genders",
    "subgroups",
    "languages",
    "countries",
    "ratings",
    "evidence_levels",
    "access_routes",
];

/// Every query parameter name `GET /api/v1/interventions` accepts; any other name is a
/// client error. The handler checks names against this list and the OpenAPI document lists
/// exactly these, so the two cannot disagree.
pub(crate) const LIST_PARAMETERS: [&str; 26] = [
    "q",
    "sort",
    "page",
    "per_page",
    INCLUDE_PARAM,
    FACET_PARAMETERS[0],
    FACET_PARAMETERS[1],
    FACET_PARAMETERS[2],
    FACET_PARAMETERS[3],
    FACET_PARAMETERS[4],
    FACET_PARAMETERS[5],
    FACET_PARAMETERS[6],
    FACET_PARAMETERS[7],
    FACET_PARAMETERS[8],
    FACET_PARAMETERS[9],
    FACET_PARAMETERS[10],
    FACET_ALIASES[0],
    FACET_ALIASES[1],
    FACET_ALIASES[2],
    FACET_ALIASES[3],
    FACET_ALIASES[4],
    FACET_ALIASES[5],
    FACET_ALIASES[6],
    FACET_ALIASES[7],
    FACET_ALIASES[8],
    FACET_ALIASES[9],
];

/// One page of search results.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SearchResponse)]
pub(crate) struct ListResponse {
    /// How many records match in all.
    #[schema(minimum = 0)]
    total: usize,
    /// The page returned, from 1.
    #[schema(minimum = 1)]
    page: usize,
    /// The page size used.
    #[schema(minimum = 1, maximum = 100)]
    per_page: usize,
    /// The records on this page.
    results: Vec<ListItem>,
    /// Disjunctive counts by facet (plural name, e.g. `target_groups`) and value id: how
    /// many records would match if that value were added to the facet's selection.
    #[schema(value_type = BTreeMap<String, BTreeMap<String, usize>>)]
    facets: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// What the thesaurus added to the query.
    expanded_terms: Vec<String>,
}

/// Where a record in the list is in its life, as the public sees it: `published` (the
/// service runs) or `discontinued` (it no longer runs; listed only with
/// `include=discontinued`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = PublicStatus)]
enum PublicStatus {
    /// The service runs.
    Published,
    /// The service no longer runs.
    Discontinued,
}

/// A record in the list: enough to show it and fetch the rest.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SearchHit)]
struct ListItem {
    /// Short, stable, URL-safe name; the full record is at `/api/v1/interventions/{slug}`.
    slug: String,
    /// The name people know it by.
    title: String,
    /// One or two sentences saying what it is.
    summary: Option<String>,
    /// Evidence rating id (`effective`, `promising`, `prudent`, `pioneering`); null when
    /// not rated.
    rating: Option<String>,
    /// HTML: escaped text with matches in `<mark>`.
    snippet: String,
    /// `published`, or `discontinued` (only with `include=discontinued`).
    status: PublicStatus,
}

/// Rejects any parameter name not in [`LIST_PARAMETERS`], with the same wording as the
/// search-parameter parser.
fn check_parameter_names(raw: Option<&str>) -> Result<(), WebError> {
    let unknown = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .any(|(name, _)| !LIST_PARAMETERS.contains(&name.as_ref()));
    if unknown {
        return Err(WebError::BadRequest(format!(
            "unknown parameter; the parameters are q, sort, page, per_page, {INCLUDE_PARAM} \
             and {}",
            FACET_PARAMETERS.join(", ")
        )));
    }
    Ok(())
}

/// `GET /api/v1/interventions?q=&<facet>=…&sort=&page=&per_page=&include=`: search (or, with
/// no query, browse in title order) with facet filters: repeated values of one facet mean any
/// of them, several facets mean all of them. Discontinued services are left out unless
/// `include=discontinued`; each hit says its `status`.
#[utoipa::path(
    get,
    path = "/api/v1/interventions",
    operation_id = "searchInterventions",
    tag = "interventions",
    summary = "Search or browse interventions",
    description = "Searches the public records (or, with no `q`, browses them in title order) \
        with facet filters. Repeated values of one facet mean any of them (OR); several facets \
        mean all of them (AND). Services that no longer run are left out of results and \
        counts unless `include=discontinued`; each hit's `status` says which it is. Unknown \
        parameter names, unknown facet values, a repeated `q`, `sort`, `page`, `per_page` or \
        `include`, and out-of-range numbers are client errors.",
    params(openapi::ListParams),
    responses(
        (status = 200, description = "One page of results with facet counts", body = ListResponse),
        (status = 400, description = "A parameter is unknown, repeated or out of range",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 500, description = "The search failed on the server",
            body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListResponse>, WebError> {
    check_parameter_names(raw.as_deref())?;
    let params = SearchParams::parse(raw.as_deref(), UnknownNames::Reject)?;
    let response = state.search(params.request()).await?;
    Ok(Json(ListResponse {
        total: response.total,
        page: params.page,
        per_page: params.per_page,
        results: response
            .results
            .into_iter()
            .map(|hit| ListItem {
                slug: hit.slug,
                title: hit.title,
                summary: hit.summary,
                rating: hit.rating,
                snippet: hit.snippet,
                status: if hit.discontinued {
                    PublicStatus::Discontinued
                } else {
                    PublicStatus::Published
                },
            })
            .collect(),
        facets: response.facets,
        expanded_terms: response.expanded_terms,
    }))
}

/// `GET /api/v1/interventions/{slug}`: the public view of one record, exactly as the
/// record's own JSON form (with the flat facet lists).
#[utoipa::path(
    get,
    path = "/api/v1/interventions/{slug}",
    operation_id = "getIntervention",
    tag = "interventions",
    summary = "One intervention record",
    description = "The public view of one record: confidential contact details are removed. \
        The flat facet lists are derived from the facet rows.",
    params(
        ("slug" = String, Path, description = "The record's slug, as in search results"),
    ),
    responses(
        (status = 200, description = "The record", body = schema::InterventionRecord),
        (status = 404, description = "No record has this slug",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 500, description = "The store failed",
            body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn record(
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Json<Intervention>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    Ok(Json(records::one(state.store(), &slug).await?))
}

/// The evidence behind one record's rating: the rating it carries, the rating its recorded
/// studies suggest, and the rule engine's grounds for it. Field for field the core's
/// `Assessment` and `RatingDifference`; documented by [`schema::EvidenceSchema`].
#[derive(Debug, Serialize)]
pub(crate) struct EvidenceResponse {
    slug: String,
    rating: Option<Rating>,
    suggested: Option<Rating>,
    evidence_level: Option<StudyDesign>,
    reasons: Vec<Reason>,
    next_step: Option<String>,
    warnings: Vec<EvidenceWarning>,
    outcomes: Vec<OutcomeEvidence>,
    difference: Option<RatingDifference>,
    rating_justification: Option<String>,
}

impl EvidenceResponse {
    /// The evidence of a record, which must already be its public view.
    fn of(record: Intervention) -> EvidenceResponse {
        let assessment = record.assessment();
        let difference = compare(record.rating, &assessment);
        EvidenceResponse {
            slug: record.slug,
            rating: record.rating,
            suggested: assessment.suggested,
            evidence_level: assessment.evidence_level,
            reasons: assessment.reasons,
            next_step: assessment.next_step,
            warnings: assessment.warnings,
            outcomes: assessment.outcomes,
            difference,
            rating_justification: record.rating_justification,
        }
    }
}

/// `GET /api/v1/interventions/{slug}/evidence`: the record's rating beside the one its
/// studies suggest, with the reasons, the next step, warnings and the evidence per outcome.
#[utoipa::path(
    get,
    path = "/api/v1/interventions/{slug}/evidence",
    operation_id = "getInterventionEvidence",
    tag = "interventions",
    summary = "The evidence behind one intervention's rating",
    description = "The rating the record carries beside the rating its recorded studies \
        suggest, by the published rules: the strongest design present (the evidence level), \
        one reason per study saying which bar it meets or misses, what is missing for the next \
        level, warnings of harm, possible harm, no effect or mixed results (never averaged into \
        the rating), the evidence per outcome, and, when the two ratings differ, the \
        difference explained and the editors' reason if they gave one. Built from the record's \
        public view.",
    params(
        ("slug" = String, Path, description = "The record's slug, as in search results"),
    ),
    responses(
        (status = 200, description = "The evidence behind the rating", body = schema::EvidenceSchema),
        (status = 404, description = "No record has this slug",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 500, description = "The store failed",
            body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn evidence(
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Json<EvidenceResponse>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    let record = records::one(state.store(), &slug).await?;
    Ok(Json(EvidenceResponse::of(record)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::Facet;

    #[test]
    fn the_parameter_list_is_what_the_parser_accepts() {
        // Every facet name and alias is listed, and nothing else but the five fixed ones.
        let mut expected: Vec<&str> = vec!["q", "sort", "page", "per_page", "include"];
        for facet in Facet::ALL {
            expected.push(facet.param());
        }
        for facet in Facet::ALL {
            if !expected.contains(&facet.plural()) {
                expected.push(facet.plural());
            }
        }
        assert_eq!(LIST_PARAMETERS.to_vec(), expected);
        // And the parser accepts each of them with a sensible value.
        for name in LIST_PARAMETERS {
            let value = match Facet::from_param(name) {
                Some(facet) => facet.known_values()[0].0.to_string(),
                None if name == "q" => "help".to_string(),
                None if name == "sort" => "title".to_string(),
                None if name == INCLUDE_PARAM => "discontinued".to_string(),
                None => "1".to_string(),
            };
            let raw = format!("{name}={value}");
            assert!(
                SearchParams::parse(Some(&raw), UnknownNames::Reject).is_ok(),
                "{raw}"
            );
            assert!(check_parameter_names(Some(&raw)).is_ok(), "{raw}");
        }
        assert!(matches!(
            check_parameter_names(Some("q=a&colour=red")),
            Err(WebError::BadRequest(_))
        ));
        assert!(check_parameter_names(None).is_ok());
    }
}
