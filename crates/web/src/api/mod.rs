//! JSON API, version 1: read-only access to the public view of every record.
//!
//! Errors are RFC 9457 problem documents; [`crate::error::error_pages`] formats them because
//! these routes live under `/api/`.

use crate::error::WebError;
use crate::records;
use crate::state::AppState;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use preventory_core::{Intervention, Rating};
use serde::{Deserialize, Serialize};

/// Results per page when the client does not say.
const DEFAULT_PER_PAGE: usize = 20;
/// The most results one page may hold, so one request cannot ask for everything at once.
const MAX_PER_PAGE: usize = 100;

/// Query parameters of the list, taken as text so that bad values get our own clear message
/// rather than a deserializer's.
#[derive(Debug, Deserialize)]
pub(crate) struct ListParams {
    page: Option<String>,
    per_page: Option<String>,
}

/// One page of the record list.
#[derive(Debug, Serialize)]
pub(crate) struct ListResponse {
    /// How many records there are in all.
    total: usize,
    /// The page returned, from 1.
    page: usize,
    /// The page size used.
    per_page: usize,
    /// The records on this page, ordered by title.
    results: Vec<ListItem>,
}

/// A record in the list: enough to show it and fetch the rest.
#[derive(Debug, Serialize)]
struct ListItem {
    slug: String,
    title: String,
    summary: Option<String>,
    rating: Option<Rating>,
}

fn parse_page(params: &ListParams) -> Result<(usize, usize), WebError> {
    let page = match params.page.as_deref() {
        None => 1,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| {
                WebError::BadRequest("page must be a whole number of 1 or more".into())
            })?,
    };
    let per_page = match params.per_page.as_deref() {
        None => DEFAULT_PER_PAGE,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
            .ok_or_else(|| {
                WebError::BadRequest(format!(
                    "per_page must be a whole number from 1 to {MAX_PER_PAGE}"
                ))
            })?,
    };
    Ok((page, per_page))
}

/// `GET /api/v1/interventions?page=&per_page=`: one page of records, ordered by title.
pub(crate) async fn list(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<ListResponse>, WebError> {
    let Query(params) =
        params.map_err(|_| WebError::BadRequest("the query string could not be read".into()))?;
    let (page, per_page) = parse_page(&params)?;
    let all = records::all_by_title(state.store()).await?;
    let total = all.len();
    let results = all
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|r| ListItem {
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            rating: r.rating,
        })
        .collect();
    Ok(Json(ListResponse {
        total,
        page,
        per_page,
        results,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn params(page: Option<&str>, per_page: Option<&str>) -> ListParams {
        ListParams {
            page: page.map(str::to_string),
            per_page: per_page.map(str::to_string),
        }
    }

    #[test]
    fn paging_defaults_and_limits() {
        assert_eq!(parse_page(&params(None, None)).ok(), Some((1, 20)));
        assert_eq!(
            parse_page(&params(Some("3"), Some("100"))).ok(),
            Some((3, 100))
        );
        for (page, per_page) in [
            (Some("0"), None),
            (Some("-1"), None),
            (Some("one"), None),
            (Some(""), None),
            (None, Some("0")),
            (None, Some("101")),
            (None, Some("1.5")),
        ] {
            assert!(
                matches!(
                    parse_page(&params(page, per_page)),
                    Err(WebError::BadRequest(_))
                ),
                "{page:?} {per_page:?}"
            );
        }
    }
}
