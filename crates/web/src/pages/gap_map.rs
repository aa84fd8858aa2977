//! The gap map (`/gap-map`): two facets crossed over the records a search matches, drawn as
//! bubbles and given as a table of the same numbers; one cell's interventions and their
//! studies (`/gap-map/cell`); and downloads of both (CSV, and RIS for a cell's studies).
//!
//! Everything is a GET address, so every map and cell can be shared, and nothing needs
//! JavaScript. The search words and filters are read as the search page reads them.

use super::chart::{self, interventions, rating_class, rating_name, rating_words, Svg};
use super::{display_title, record_href, Chrome, RatingView};
use crate::error::WebError;
use crate::export;
use crate::gap_query::{self, MapParams};
use crate::records;
use crate::search_params::{UnknownNames, DEFAULT_PER_PAGE};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{Html, Response};
use preventory_core::evidence::{Direction, Study, StudyQuality};
use preventory_core::gaps::{Coverage, GapCell, GapMap, AXES};
use preventory_core::{Facet, Intervention, Rating, Vocabulary};
use preventory_search::{MAX_CELL_SLUGS, MAX_PER_PAGE, MAX_QUERY_CHARS};

/// A facet that can lie along an axis, as an option of both selects.
struct AxisOption {
    param: &'static str,
    label: &'static str,
    rows: bool,
    cols: bool,
}

/// A selected filter, as a link that removes it.
pub(crate) struct Chip {
    pub label: String,
    pub href: String,
}

/// One cell of the table.
struct TableCell {
    count_text: String,
    /// The cell's own page; `None` for an empty cell.
    drill_href: Option<String>,
    search_href: String,
    ratings: String,
    coverage_id: &'static str,
    coverage_label: &'static str,
    /// "Row value, column value", to tell the cell's links apart.
    place: String,
}

struct TableRow {
    label: String,
    cells: Vec<TableCell>,
}

/// An entry of the key to the drawing.
struct LegendItem {
    class: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "gap_map.html")]
struct GapMapPage {
    chrome: Chrome,
    axes: Vec<AxisOption>,
    query: String,
    max_query: usize,
    hidden: Vec<(&'static str, String)>,
    chips: Vec<Chip>,
    clear_href: String,
    search_href: String,
    rows_label: &'static str,
    cols_label: &'static str,
    total_text: String,
    summary: String,
    legend: Vec<LegendItem>,
    svg: Svg,
    col_heads: Vec<String>,
    table: Vec<TableRow>,
    csv_href: String,
}

/// The selected filters of a map, each as a link to the same map without it.
fn chips(params: &MapParams, path: &str) -> Vec<Chip> {
    params
        .search
        .filters
        .iter()
        .flat_map(|(facet, ids)| {
            ids.iter().map(move |id| Chip {
                label: format!("{}: {}", facet.label(), facet.label_of(id)),
                href: params.href(path, None, Some((*facet, id.as_str()))),
            })
        })
        .collect()
}

/// The key to the bubbles: the colour of each rating, and the mark of a gap.
fn legend() -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = Rating::all()
        .iter()
        .map(|r| LegendItem {
            class: rating_class(Some(*r)),
            label: r.label(),
        })
        .collect();
    items.push(LegendItem {
        class: rating_class(None),
        label: rating_name(None),
    });
    items.push(LegendItem {
        class: "chart-gap",
        label: "Gap: nothing recorded",
    });
    items
}

fn table_cell(params: &MapParams, map: &GapMap, cell: &GapCell) -> TableCell {
    let coverage = cell.coverage();
    TableCell {
        count_text: interventions(cell.count),
        drill_href: (cell.count > 0)
            .then(|| params.href("/gap-map/cell", Some((&cell.row, &cell.col)), None)),
        search_href: params.cell_search(&cell.row, &cell.col).href(1, None),
        ratings: rating_words(&cell.by_rating).join(", "),
        coverage_id: coverage.id(),
        coverage_label: coverage.label(),
        place: format!(
            "{}, {}",
            map.row_facet.label_of(&cell.row),
            map.col_facet.label_of(&cell.col)
        ),
    }
}

impl GapMapPage {
    fn new(params: &MapParams, map: &GapMap) -> GapMapPage {
        let table = map
            .rows
            .iter()
            .map(|row| TableRow {
                label: map.row_facet.label_of(row),
                cells: map
                    .cols
                    .iter()
                    .filter_map(|col| map.cell(row, col))
                    .map(|cell| table_cell(params, map, cell))
                    .collect(),
            })
            .collect();
        let empty = map.cells_with(Coverage::Empty).len();
        let thin = map.cells_with(Coverage::Thin).len();
        let summary = format!(
            "Of {} cells, {empty} {} empty (a gap) and {thin} {} thin (few interventions or \
             little evidence).",
            map.cells.len(),
            if empty == 1 { "is" } else { "are" },
            if thin == 1 { "is" } else { "are" },
        );
        let mut search = params.search.clone();
        search.page = 1;
        GapMapPage {
            chrome: Chrome::new("Gap map").in_nav("/gap-map"),
            axes: AXES
                .iter()
                .map(|f| AxisOption {
                    param: f.param(),
                    label: f.label(),
                    rows: *f == params.rows,
                    cols: *f == params.cols,
                })
                .collect(),
            query: params.search.query.clone(),
            max_query: MAX_QUERY_CHARS,
            hidden: params
                .search_pairs(None)
                .into_iter()
                .filter(|(name, _)| *name != "q")
                .collect(),
            chips: chips(params, "/gap-map"),
            clear_href: MapParams {
                search: crate::search_params::SearchParams {
                    query: params.search.query.clone(),
                    ..Default::default()
                },
                ..params.clone()
            }
            .href("/gap-map", None, None),
            search_href: search.href(1, None),
            rows_label: map.row_facet.label(),
            cols_label: map.col_facet.label(),
            total_text: format!("{} in all", interventions(map.total)),
            summary,
            legend: legend(),
            svg: chart::gap_map_svg(map),
            col_heads: map.cols.iter().map(|c| map.col_facet.label_of(c)).collect(),
            table,
            csv_href: params.href("/gap-map.csv", None, None),
        }
    }
}

/// `GET /gap-map?rows=<facet>&cols=<facet>&q=&<facet>=…`: the map and its table.
pub(crate) async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, WebError> {
    let params = MapParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    let map = gap_query::gap_map(&state, &params, 0).await?;
    Ok(Html(GapMapPage::new(&params, &map).render()?))
}

/// `GET /gap-map.csv?rows=&cols=&…`: the map as CSV, one line per cell.
pub(crate) async fn csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let params = MapParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    let map = gap_query::gap_map(&state, &params, 0).await?;
    Ok(export::download(
        export::CSV_TYPE,
        "gap-map.csv",
        export::map_csv(&map)?,
    ))
}

/// One study, as a row of a table.
struct StudyRow {
    reference: String,
    design: &'static str,
    sample_size: String,
    quality: &'static str,
    outcomes: Vec<String>,
}

/// One intervention of a cell.
struct CellItem {
    href: String,
    title: String,
    rating: Option<RatingView>,
    level: String,
    /// Unique on the page, for the table's caption.
    table_id: String,
    studies: Vec<StudyRow>,
}

#[derive(Template)]
#[template(path = "gap_map_cell.html")]
struct CellPage {
    chrome: Chrome,
    rows_facet: &'static str,
    row_label: String,
    cols_facet: &'static str,
    col_label: String,
    count: usize,
    count_text: String,
    ratings: String,
    coverage_id: &'static str,
    coverage_label: &'static str,
    filters: Vec<String>,
    query: String,
    items: Vec<CellItem>,
    first: usize,
    last: usize,
    listed_in_full: bool,
    previous_href: Option<String>,
    next_href: Option<String>,
    map_href: String,
    search_href: String,
    csv_href: String,
    ris_href: String,
}

fn quality_words(quality: Option<StudyQuality>) -> &'static str {
    match quality {
        Some(StudyQuality::High) => "High",
        Some(StudyQuality::Moderate) => "Moderate",
        Some(StudyQuality::Low) => "Low",
        None => "Not judged",
    }
}

fn outcome_words(study: &Study) -> Vec<String> {
    study
        .outcomes
        .iter()
        .map(|o| {
            let significance = match o.significant {
                Some(true) => ", significant",
                Some(false) => ", not significant",
                None => "",
            };
            let direction = match o.direction {
                Direction::Positive => "positive",
                Direction::NoEffect => "no effect",
                Direction::Negative => "negative",
                Direction::Mixed => "mixed",
            };
            format!("{}: {direction}{significance}", o.outcome.label())
        })
        .collect()
}

fn cell_item(record: &Intervention, index: usize) -> CellItem {
    let level = Facet::EvidenceLevel
        .ids_of(record)
        .first()
        .map(|id| Facet::EvidenceLevel.label_of(id))
        .unwrap_or_default();
    CellItem {
        href: record_href(&record.slug),
        title: display_title(&record.title),
        rating: RatingView::of(record.rating),
        level,
        table_id: format!("studies-{index}"),
        studies: record
            .studies
            .iter()
            .map(|s| StudyRow {
                reference: s.reference.trim().to_string(),
                design: s.design.label(),
                sample_size: s
                    .sample_size
                    .map_or_else(|| "Not stated".to_string(), |n| n.to_string()),
                quality: quality_words(s.quality),
                outcomes: outcome_words(s),
            })
            .collect(),
    }
}

/// The public records with these slugs, in this order, leaving out any removed meanwhile.
async fn load(state: &AppState, slugs: Vec<String>) -> Result<Vec<Intervention>, WebError> {
    let mut out = Vec::new();
    for slug in slugs {
        match records::one(state.store(), &slug).await {
            Ok(record) => out.push(record),
            Err(WebError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn slugs(response: &preventory_search::SearchResponse) -> Vec<String> {
    response.results.iter().map(|h| h.slug.clone()).collect()
}

/// The cell `params` names, which must be on its map (else 404).
async fn the_cell(state: &AppState, params: &MapParams) -> Result<(GapMap, GapCell), WebError> {
    let (row, col) = params.cell()?;
    let map = gap_query::gap_map(state, params, 0).await?;
    let cell = map.cell(row, col).cloned().ok_or(WebError::NotFound)?;
    Ok((map, cell))
}

/// `GET /gap-map/cell?rows=&cols=&row=&col=&…&page=`: one cell's interventions, a page at a
/// time in title order, each with its studies.
pub(crate) async fn cell(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, WebError> {
    let params = MapParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    let (map, cell) = the_cell(&state, &params).await?;
    let mut search = params.cell_search(&cell.row, &cell.col);
    search.page = params.search.page;
    search.per_page = params.search.per_page;
    let response = state.search(search.request()).await?;
    let records = load(&state, slugs(&response)).await?;
    let offset = (search.page - 1) * search.per_page;
    let page_href = |page: usize| {
        let mut href = params.href("/gap-map/cell", Some((&cell.row, &cell.col)), None);
        if search.per_page != DEFAULT_PER_PAGE {
            href.push_str(&format!("&per_page={}", search.per_page));
        }
        if page > 1 {
            href.push_str(&format!("&page={page}"));
        }
        href
    };
    let last_page = response.total.div_ceil(search.per_page.max(1)).max(1);
    let row_label = map.row_facet.label_of(&cell.row);
    let col_label = map.col_facet.label_of(&cell.col);
    let coverage = cell.coverage();
    let export_href = |path: &str| params.href(path, Some((&cell.row, &cell.col)), None);
    let page = CellPage {
        chrome: Chrome::new("Gap map cell").in_nav("/gap-map"),
        rows_facet: map.row_facet.label(),
        row_label,
        cols_facet: map.col_facet.label(),
        col_label,
        count: cell.count,
        count_text: interventions(cell.count),
        ratings: rating_words(&cell.by_rating).join(", "),
        coverage_id: coverage.id(),
        coverage_label: coverage.label(),
        filters: params
            .search
            .filters
            .iter()
            .flat_map(|(facet, ids)| {
                ids.iter()
                    .map(move |id| format!("{}: {}", facet.label(), facet.label_of(id)))
            })
            .collect(),
        query: params.search.query.clone(),
        first: offset + 1,
        last: offset + records.len(),
        listed_in_full: response.total <= search.per_page,
        items: records
            .iter()
            .enumerate()
            .map(|(i, r)| cell_item(r, offset + i + 1))
            .collect(),
        previous_href: (search.page > 1 && search.page <= last_page)
            .then(|| page_href(search.page - 1)),
        next_href: (search.page < last_page).then(|| page_href(search.page + 1)),
        map_href: params.href("/gap-map", None, None),
        search_href: search.href(1, None),
        csv_href: export_href("/gap-map/cell.csv"),
        ris_href: export_href("/gap-map/cell.ris"),
    };
    Ok(Html(page.render()?))
}

/// Every record of the cell `params` names (at most [`MAX_CELL_SLUGS`]), in title order.
async fn all_cell_records(
    state: &AppState,
    params: &MapParams,
) -> Result<Vec<Intervention>, WebError> {
    let (_, cell) = the_cell(state, params).await?;
    let mut search = params.cell_search(&cell.row, &cell.col);
    search.per_page = MAX_PER_PAGE;
    let mut out = Vec::new();
    loop {
        let response = state.search(search.request()).await?;
        let done = response.results.is_empty()
            || search.page * search.per_page >= response.total.min(MAX_CELL_SLUGS);
        out.extend(load(state, slugs(&response)).await?);
        if done {
            break;
        }
        search.page += 1;
    }
    out.truncate(MAX_CELL_SLUGS);
    Ok(out)
}

/// `GET /gap-map/cell.csv?rows=&cols=&row=&col=&…`: the cell's studies as CSV.
pub(crate) async fn cell_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let params = MapParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    let records = all_cell_records(&state, &params).await?;
    Ok(export::download(
        export::CSV_TYPE,
        "gap-map-cell-studies.csv",
        export::cell_csv(&records)?,
    ))
}

/// `GET /gap-map/cell.ris?rows=&cols=&row=&col=&…`: the cell's studies as RIS.
pub(crate) async fn cell_ris(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let params = MapParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    let records = all_cell_records(&state, &params).await?;
    Ok(export::download(
        export::RIS_TYPE,
        "gap-map-cell-studies.ris",
        export::cell_ris(&records),
    ))
}
