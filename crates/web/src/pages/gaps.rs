//! The gaps report (`/gaps`): the gaps the scoping review names, counted live; the empty and
//! thin cells of the default gap map; records without any evaluation or with old or undated
//! information; and charts of the ratings and evidence levels across the collection, each
//! with its numbers in a table.

use super::chart::{self, interventions, rating_class, rating_words, Bar, Svg};
use super::Chrome;
use crate::error::WebError;
use crate::gap_query::MapParams;
use crate::gap_report::{self, GapsReport};
use crate::search_params::SearchParams;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use preventory_core::gaps::{Coverage, GapMap};
use preventory_core::{Facet, PartialDate, Rating, Vocabulary};
use std::collections::BTreeMap;

/// A named gap as the page shows it.
struct GapView {
    id: &'static str,
    title: &'static str,
    explanation: &'static str,
    filters: String,
    count_text: String,
    ratings: String,
    coverage_id: &'static str,
    coverage_label: &'static str,
    search_href: String,
}

/// A cell of the default map, as a line of a list.
struct CellLine {
    place: String,
    count_text: String,
    ratings: String,
    drill_href: Option<String>,
    search_href: String,
}

/// A row of a chart's table.
struct CountRow {
    label: String,
    count: usize,
    href: String,
}

#[derive(Template)]
#[template(path = "gaps.html")]
struct GapsPage {
    chrome: Chrome,
    total_text: String,
    named: Vec<GapView>,
    rows_label: &'static str,
    cols_label: &'static str,
    empty: Vec<CellLine>,
    thin: Vec<CellLine>,
    map_href: String,
    without_evaluation: usize,
    without_evaluation_href: String,
    older: usize,
    old_before: String,
    undated: usize,
    ratings_chart: Svg,
    ratings_rows: Vec<CountRow>,
    levels_chart: Svg,
    levels_rows: Vec<CountRow>,
}

/// The address of the search with one filter.
fn search_with(facet: Facet, id: &str) -> String {
    let mut filters = BTreeMap::new();
    filters.insert(facet, vec![id.to_string()]);
    SearchParams {
        filters,
        ..SearchParams::default()
    }
    .href(1, None)
}

fn cell_lines(map: &GapMap, coverage: Coverage) -> Vec<CellLine> {
    let params = MapParams {
        rows: map.row_facet,
        cols: map.col_facet,
        row: None,
        col: None,
        slugs: None,
        search: SearchParams::default(),
    };
    map.cells_with(coverage)
        .into_iter()
        .map(|cell| CellLine {
            place: format!(
                "{} at {}",
                map.row_facet.label_of(&cell.row),
                map.col_facet.label_of(&cell.col).to_lowercase()
            ),
            count_text: interventions(cell.count),
            ratings: rating_words(&cell.by_rating).join(", "),
            drill_href: (cell.count > 0)
                .then(|| params.href("/gap-map/cell", Some((&cell.row, &cell.col)), None)),
            search_href: params.cell_search(&cell.row, &cell.col).href(1, None),
        })
        .collect()
}

impl GapsPage {
    fn new(report: GapsReport) -> GapsPage {
        let named = report
            .named
            .iter()
            .map(|n| {
                let coverage = Coverage::of(&n.by_rating);
                GapView {
                    id: n.gap.id,
                    title: n.gap.title,
                    explanation: n.gap.explanation,
                    filters: n
                        .gap
                        .filters
                        .iter()
                        .map(|(facet, ids)| {
                            let values: Vec<String> =
                                ids.iter().map(|id| facet.label_of(id)).collect();
                            format!("{}: {}", facet.label(), values.join(" or "))
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    count_text: interventions(n.by_rating.total()),
                    ratings: rating_words(&n.by_rating).join(", "),
                    coverage_id: coverage.id(),
                    coverage_label: coverage.label(),
                    search_href: n.search.href(1, None),
                }
            })
            .collect();

        let rating_bars: Vec<(Bar, String)> = report
            .ratings
            .entries()
            .into_iter()
            .map(|(id, count)| {
                (
                    Bar {
                        label: Facet::Rating.label_of(id),
                        count,
                        class: rating_class(Rating::from_id(id)),
                    },
                    search_with(Facet::Rating, id),
                )
            })
            .collect();
        let level_bars: Vec<(Bar, String)> = report
            .evidence_levels
            .iter()
            .map(|(id, count)| {
                (
                    Bar {
                        label: Facet::EvidenceLevel.label_of(id),
                        count: *count,
                        class: "fill-level",
                    },
                    search_with(Facet::EvidenceLevel, id),
                )
            })
            .collect();
        let rows = |bars: &[(Bar, String)]| {
            bars.iter()
                .map(|(bar, href)| CountRow {
                    label: bar.label.clone(),
                    count: bar.count,
                    href: href.clone(),
                })
                .collect::<Vec<_>>()
        };
        let just_bars =
            |bars: Vec<(Bar, String)>| bars.into_iter().map(|(b, _)| b).collect::<Vec<_>>();
        let ratings_rows = rows(&rating_bars);
        let levels_rows = rows(&level_bars);
        let old_before = PartialDate::new(report.old_before.year, Some(report.old_before.month))
            .map(|d| d.display_long())
            .unwrap_or_default();
        let map = &report.default_map;
        GapsPage {
            chrome: Chrome::new("Gaps").in_nav("/gaps"),
            total_text: interventions(report.total),
            named,
            rows_label: map.row_facet.label(),
            cols_label: map.col_facet.label(),
            empty: cell_lines(map, Coverage::Empty),
            thin: cell_lines(map, Coverage::Thin),
            map_href: "/gap-map".to_string(),
            without_evaluation: report.without_evaluation,
            without_evaluation_href: search_with(
                Facet::EvidenceLevel,
                preventory_core::facet::NO_STUDIES,
            ),
            older: report.older,
            old_before,
            undated: report.undated,
            ratings_chart: chart::bar_chart(
                "ratings-chart",
                "Evidence ratings across the collection",
                "Bar chart of how many interventions have each evidence rating.",
                &just_bars(rating_bars),
            ),
            ratings_rows,
            levels_chart: chart::bar_chart(
                "levels-chart",
                "Strongest evaluation across the collection",
                "Bar chart of how many interventions have each study design as their strongest \
                 recorded evaluation, on the review's hierarchy of evidence, strongest first.",
                &just_bars(level_bars),
            ),
            levels_rows,
        }
    }
}

/// `GET /gaps`: the gaps report.
pub(crate) async fn page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let report = gap_report::report(&state).await?;
    Ok(Html(GapsPage::new(report).render()?))
}
