//! JSON API, version 1: read-only access to the public view of every record, and search.
//!
//! Errors are RFC 9457 problem documents; [`crate::error::error_pages`] formats them because
//! these routes live under `/api/`.

use crate::error::WebError;
use crate::records;
use crate::search_params::{SearchParams, UnknownNames};
use crate::state::AppState;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use preventory_core::Intervention;
use serde::Serialize;
use std::collections::BTreeMap;

/// One page of search results.
#[derive(Debug, Serialize)]
pub(crate) struct ListResponse {
    /// How many records match in all.
    total: usize,
    /// The page returned, from 1.
    page: usize,
    /// The page size used.
    per_page: usize,
    /// The records on this page.
    results: Vec<ListItem>,
    /// Disjunctive counts by facet (plural name) and value id.
    facets: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// What the thesaurus added to the query.
    expanded_terms: Vec<String>,
}

/// A record in the list: enough to show it and fetch the rest.
#[derive(Debug, Serialize)]
struct ListItem {
    slug: String,
    title: String,
    summary: Option<String>,
    rating: Option<String>,
    /// HTML: escaped text with matches in `<mark>`.
    snippet: String,
}

/// `GET /api/v1/interventions?q=&<facet>=…&sort=&page=&per_page=`: search (or, with no
/// query, browse in title order) with facet filters: repeated values of one facet mean any of
/// them, several facets mean all of them.
pub(crate) async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListResponse>, WebError> {
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
            })
            .collect(),
        facets: response.facets,
        expanded_terms: response.expanded_terms,
    }))
}

/// `GET /api/v1/interventions/{slug}`: the public view of one record, exactly as the
/// record's own JSON form (with the flat facet lists).
pub(crate) async fn record(
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<Json<Intervention>, WebError> {
    let Path(slug) = slug.map_err(|_| WebError::NotFound)?;
    Ok(Json(records::one(state.store(), &slug).await?))
}
