//! The gap map and the gaps report as JSON: `GET /api/v1/gap-map` and `GET /api/v1/gaps`.

use super::{openapi, schema, FACET_ALIASES, FACET_PARAMETERS};
use crate::error::WebError;
use crate::gap_query::{self, MapParams};
use crate::gap_report;
use crate::search_params::UnknownNames;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::Json;
use preventory_core::gaps::{Coverage, GapCell, RatingCounts};
use preventory_core::Facet;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// How many slugs a cell lists when `slugs` is not given.
pub(crate) const DEFAULT_SLUGS: usize = 100;

/// Every query parameter name `GET /api/v1/gap-map` accepts, in the order the OpenAPI
/// document lists them; any other name is a client error.
pub(crate) fn gap_map_parameters() -> Vec<&'static str> {
    let mut names = vec!["rows", "cols", "slugs", "q"];
    names.extend(FACET_PARAMETERS);
    names.extend(FACET_ALIASES);
    names
}

/// A facet a gap map can be drawn over.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AxisFacet {
    /// Target group.
    TargetGroup,
    /// Prevention level.
    PreventionLevel,
    /// Age group.
    AgeGroup,
    /// Gender.
    Gender,
    /// Type of intervention.
    Delivery,
    /// Sub-group.
    Subgroup,
    /// Country (only countries some record names are listed).
    Country,
    /// Language (only languages some record names are listed).
    Language,
    /// Evidence rating, `unrated` included.
    Rating,
    /// Strongest study design, `none` included.
    EvidenceLevel,
}

impl AxisFacet {
    fn of(facet: Facet) -> AxisFacet {
        match facet {
            Facet::TargetGroup => AxisFacet::TargetGroup,
            Facet::PreventionLevel => AxisFacet::PreventionLevel,
            Facet::AgeGroup => AxisFacet::AgeGroup,
            Facet::Gender => AxisFacet::Gender,
            Facet::Delivery => AxisFacet::Delivery,
            Facet::Subgroup => AxisFacet::Subgroup,
            Facet::Country => AxisFacet::Country,
            Facet::Language => AxisFacet::Language,
            Facet::Rating => AxisFacet::Rating,
            // Not an axis (see `gaps::AXES`); parsing never lets it through.
            Facet::EvidenceLevel | Facet::Access => AxisFacet::EvidenceLevel,
        }
    }
}

/// How well a cell or gap is covered.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CoverageId {
    /// No intervention at all.
    Empty,
    /// Two interventions or fewer, or none with a rating above Pioneering.
    Thin,
    /// Several interventions, some with supporting evidence.
    Covered,
}

impl From<Coverage> for CoverageId {
    fn from(c: Coverage) -> Self {
        match c {
            Coverage::Empty => CoverageId::Empty,
            Coverage::Thin => CoverageId::Thin,
            Coverage::Covered => CoverageId::Covered,
        }
    }
}

/// How many interventions have each rating.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(as = RatingCounts)]
pub(crate) struct ByRating {
    /// Rated Effective.
    #[schema(minimum = 0)]
    effective: usize,
    /// Rated Promising.
    #[schema(minimum = 0)]
    promising: usize,
    /// Rated Prudent.
    #[schema(minimum = 0)]
    prudent: usize,
    /// Rated Pioneering.
    #[schema(minimum = 0)]
    pioneering: usize,
    /// Not rated.
    #[schema(minimum = 0)]
    unrated: usize,
}

impl From<RatingCounts> for ByRating {
    fn from(c: RatingCounts) -> Self {
        ByRating {
            effective: c.effective,
            promising: c.promising,
            prudent: c.prudent,
            pioneering: c.pioneering,
            unrated: c.unrated,
        }
    }
}

/// One cell of a gap map: the interventions holding both its row value and its column value.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GapMapCell)]
pub(crate) struct CellJson {
    /// The row value id.
    row: String,
    /// The column value id.
    col: String,
    /// How many interventions.
    #[schema(minimum = 0)]
    count: usize,
    /// How many of them have each rating.
    by_rating: ByRating,
    /// `empty`, `thin` (two or fewer, or none rated above Pioneering) or `covered`.
    coverage: CoverageId,
    /// Slugs of the first of them in title order: at most `slugs` of them (default 100).
    slugs: Vec<String>,
    /// True when `slugs` lists fewer interventions than `count`: the list was cut at the
    /// `slugs` limit.
    slugs_truncated: bool,
}

impl CellJson {
    fn of(cell: GapCell) -> CellJson {
        CellJson {
            coverage: cell.coverage().into(),
            slugs_truncated: cell.slugs.len() < cell.count,
            row: cell.row,
            col: cell.col,
            count: cell.count,
            by_rating: cell.by_rating.into(),
            slugs: cell.slugs,
        }
    }
}

/// Two facets crossed over the interventions matching a search.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GapMap)]
pub(crate) struct GapMapResponse {
    /// The facet along the rows.
    row_facet: AxisFacet,
    /// The facet along the columns.
    col_facet: AxisFacet,
    /// Row value ids, in display order.
    rows: Vec<String>,
    /// Column value ids, in display order.
    cols: Vec<String>,
    /// How many interventions match the words and filters.
    #[schema(minimum = 0)]
    total: usize,
    /// Every (row, column) pair, row by row.
    cells: Vec<CellJson>,
}

/// Rejects any parameter name not in [`gap_map_parameters`], as the search API does.
fn check_gap_map_names(raw: Option<&str>) -> Result<(), WebError> {
    let names = gap_map_parameters();
    let unknown = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .any(|(name, _)| !names.contains(&name.as_ref()));
    if unknown {
        return Err(WebError::BadRequest(format!(
            "unknown parameter; the parameters are rows, cols, slugs, q and {}",
            FACET_PARAMETERS.join(", ")
        )));
    }
    Ok(())
}

/// `GET /api/v1/gap-map?rows=<facet>&cols=<facet>&slugs=<n>&q=&<facet>=…`: the gap map.
#[utoipa::path(
    get,
    path = "/api/v1/gap-map",
    operation_id = "gapMap",
    tag = "gaps",
    summary = "The gap map of two facets",
    description = "Crosses two facets over the interventions matching the words and filters \
        (read exactly as `GET /api/v1/interventions` reads them): for every pair of a row \
        value and a column value, how many interventions hold both, by rating, how well the \
        cell is covered, and the slugs of the first of them in title order. Rows and columns \
        list every known value of their facet (so empty cells show as gaps), then verbatim \
        values some matching record holds; for countries and languages, only values some \
        record holds. When the row or column facet is itself filtered, only the values \
        filtered on are listed along it. Each cell's `slugs` list is cut at `slugs` entries \
        (default 100, at most 1000); `slugs_truncated` says when it was.",
    params(openapi::GapMapParams),
    responses(
        (status = 200, description = "The gap map", body = GapMapResponse),
        (status = 400, description = "A parameter is unknown, repeated or out of range, or \
            rows and cols name the same facet",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 500, description = "The search failed on the server",
            body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn gap_map(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<GapMapResponse>, WebError> {
    check_gap_map_names(raw.as_deref())?;
    let params = MapParams::parse(raw.as_deref(), UnknownNames::Reject)?;
    let map = gap_query::gap_map(&state, &params, params.slugs.unwrap_or(DEFAULT_SLUGS)).await?;
    Ok(Json(GapMapResponse {
        row_facet: AxisFacet::of(map.row_facet),
        col_facet: AxisFacet::of(map.col_facet),
        rows: map.rows,
        cols: map.cols,
        total: map.total,
        cells: map.cells.into_iter().map(CellJson::of).collect(),
    }))
}

/// A gap the scoping review names, counted live.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NamedGap)]
pub(crate) struct NamedGapJson {
    /// Stable id (`women`, `young_people_hsb`, `families_and_partners`,
    /// `not_known_to_justice`).
    id: String,
    /// What is looked for, in a few words.
    title: String,
    /// Why it matters, and how it is counted.
    explanation: String,
    /// The filters that define it, by facet parameter: every facet must match one of its
    /// values.
    filters: BTreeMap<String, Vec<String>>,
    /// How many interventions match the filters.
    #[schema(minimum = 0)]
    count: usize,
    /// How many of them have each rating.
    by_rating: ByRating,
    /// How well the gap is covered.
    coverage: CoverageId,
    /// The search page that lists them.
    search_page: String,
    /// The API search that lists them.
    search_api: String,
}

/// A cell of the default gap map.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GapsCell)]
pub(crate) struct CellSummary {
    /// The target group id.
    row: String,
    /// The prevention level id.
    col: String,
    /// How many interventions.
    #[schema(minimum = 0)]
    count: usize,
    /// How many of them have each rating.
    by_rating: ByRating,
}

/// The gaps of the collection, computed live.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Gaps)]
pub(crate) struct GapsResponse {
    /// How many interventions the collection holds.
    #[schema(minimum = 0)]
    total: usize,
    /// The gaps the scoping review names.
    named_gaps: Vec<NamedGapJson>,
    /// The empty cells of the gap map of target group by prevention level.
    empty_cells: Vec<CellSummary>,
    /// Its thin cells: two interventions or fewer, or none rated above Pioneering.
    thin_cells: Vec<CellSummary>,
    /// Interventions without any study recorded (evidence level `none`).
    #[schema(minimum = 0)]
    without_evaluation: usize,
    /// Interventions whose information was last confirmed before `information_before`.
    #[schema(minimum = 0)]
    older_than_two_years: usize,
    /// The month two years ago, `YYYY-MM`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}$")]
    information_before: String,
    /// Interventions that do not say when their information was last confirmed.
    #[schema(minimum = 0)]
    undated: usize,
    /// The ratings over the collection.
    ratings: ByRating,
    /// The strongest study design of each intervention over the collection, by evidence
    /// level id (`none`: no studies recorded).
    evidence_levels: BTreeMap<String, usize>,
}

/// `GET /api/v1/gaps`: the gaps report.
#[utoipa::path(
    get,
    path = "/api/v1/gaps",
    operation_id = "gaps",
    tag = "gaps",
    summary = "The gaps of the collection",
    description = "Computed live over the whole collection: the gaps the scoping review names \
        (services for women, for young people with harmful sexual behaviour, for families and \
        partners, for people not known to the justice system), each defined as facet filters \
        and counted by rating; the empty and thin cells of the gap map of target group by \
        prevention level; how many interventions have no recorded evaluation; how many have \
        information more than two years old, and how many have none dated; and the ratings and \
        evidence levels across the collection. Takes no parameters.",
    responses(
        (status = 200, description = "The gaps report", body = GapsResponse),
        (status = 400, description = "A parameter was given",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 500, description = "The search failed on the server",
            body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn gaps(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<GapsResponse>, WebError> {
    if raw.as_deref().is_some_and(|q| !q.is_empty()) {
        return Err(WebError::BadRequest(
            "this address takes no parameters".into(),
        ));
    }
    let report = gap_report::report(&state).await?;
    let cells = |coverage: Coverage| {
        report
            .default_map
            .cells_with(coverage)
            .into_iter()
            .map(|c| CellSummary {
                row: c.row.clone(),
                col: c.col.clone(),
                count: c.count,
                by_rating: c.by_rating.into(),
            })
            .collect::<Vec<_>>()
    };
    let named_gaps = report
        .named
        .iter()
        .map(|n| {
            let page = n.search.filters_href("/search");
            let api = n.search.filters_href("/api/v1/interventions");
            NamedGapJson {
                id: n.gap.id.to_string(),
                title: n.gap.title.to_string(),
                explanation: n.gap.explanation.to_string(),
                filters: n
                    .gap
                    .filters
                    .iter()
                    .map(|(facet, ids)| {
                        (
                            facet.param().to_string(),
                            ids.iter().map(|id| id.to_string()).collect(),
                        )
                    })
                    .collect(),
                count: n.by_rating.total(),
                by_rating: n.by_rating.into(),
                coverage: Coverage::of(&n.by_rating).into(),
                search_page: page,
                search_api: api,
            }
        })
        .collect();
    Ok(Json(GapsResponse {
        total: report.total,
        named_gaps,
        empty_cells: cells(Coverage::Empty),
        thin_cells: cells(Coverage::Thin),
        without_evaluation: report.without_evaluation,
        older_than_two_years: report.older,
        information_before: format!(
            "{:04}-{:02}",
            report.old_before.year, report.old_before.month
        ),
        undated: report.undated,
        ratings: report.ratings.into(),
        evidence_levels: report
            .evidence_levels
            .iter()
            .map(|(id, n)| (id.to_string(), *n))
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::gaps::AXES;

    #[test]
    fn the_parameter_list_is_what_the_parser_accepts() {
        for name in gap_map_parameters() {
            let value = match Facet::from_param(name) {
                Some(facet) => facet.known_values()[0].0.to_string(),
                None if name == "rows" => "country".to_string(),
                None if name == "cols" => "gender".to_string(),
                None if name == "q" => "help".to_string(),
                None => "3".to_string(),
            };
            let raw = format!("{name}={value}");
            assert!(check_gap_map_names(Some(&raw)).is_ok(), "{raw}");
            assert!(
                MapParams::parse(Some(&raw), UnknownNames::Reject).is_ok(),
                "{raw}"
            );
        }
        for raw in ["sort=title", "page=2", "per_page=5", "row=x", "col=y"] {
            assert!(check_gap_map_names(Some(raw)).is_err(), "{raw}");
        }
        // Every axis has its own id in the document's enum.
        let ids: Vec<String> = AXES
            .iter()
            .map(|f| {
                serde_json::to_value(AxisFacet::of(*f))
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(ids, AXES.map(|f| f.param().to_string()));
    }
}
