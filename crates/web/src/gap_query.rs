//! Reading a gap map from a query string, shared by the gap-map pages, their downloads and the
//! API: the two facets crossed (`rows`, `cols`), one cell of them (`row`, `col`), how many
//! slugs a cell lists (`slugs`, for the API), and the search words and facet filters, which
//! [`SearchParams`] reads exactly as for a search, so that the filters of a search apply to the
//! map.
//!
//! When the facet along an axis is itself filtered, the axis lists only the values filtered on:
//! a cell then holds the records with that value (and every other filter), which is exactly
//! what the search with the cell's values as filters finds, so a cell's count, its drill-down
//! and its link to the search always agree.

use crate::error::WebError;
use crate::search_params::{SearchParams, UnknownNames};
use crate::state::AppState;
use preventory_core::gaps::{GapMap, AXES};
use preventory_core::Facet;
use preventory_search::{SearchRequest, Sort, MAX_CELL_SLUGS};
use std::collections::BTreeMap;

/// The facet along the rows when none is asked for.
pub(crate) const DEFAULT_ROWS: Facet = Facet::TargetGroup;
/// The facet along the columns when none is asked for.
pub(crate) const DEFAULT_COLS: Facet = Facet::PreventionLevel;

/// The parameter names read here; every other name is read by [`SearchParams`].
pub(crate) const MAP_NAMES: [&str; 5] = ["rows", "cols", "row", "col", "slugs"];

/// A gap map (and perhaps one of its cells) as read from a query string.
#[derive(Debug, Clone)]
pub(crate) struct MapParams {
    /// The facet along the rows.
    pub rows: Facet,
    /// The facet along the columns.
    pub cols: Facet,
    /// A row value id, for one cell.
    pub row: Option<String>,
    /// A column value id, for one cell.
    pub col: Option<String>,
    /// How many slugs each cell should list (API), at most [`MAX_CELL_SLUGS`].
    pub slugs: Option<usize>,
    /// The search words and facet filters the map is drawn over (and, for a cell's list, the
    /// page).
    pub search: SearchParams,
}

fn bad(message: impl Into<String>) -> WebError {
    WebError::BadRequest(message.into())
}

/// The facet an axis parameter names; it must be one of [`AXES`].
fn axis(name: &str, value: &str) -> Result<Facet, WebError> {
    Facet::from_param(value.trim())
        .filter(|f| AXES.contains(f))
        .ok_or_else(|| {
            bad(format!(
                "{name} must be one of {}",
                AXES.map(Facet::param).join(", ")
            ))
        })
}

impl MapParams {
    /// Reads `raw` (the query string without `?`, or `None`). Names other than
    /// [`MAP_NAMES`] go to [`SearchParams::parse`] with `unknown`.
    pub fn parse(raw: Option<&str>, unknown: UnknownNames) -> Result<MapParams, WebError> {
        let mut rest = form_urlencoded::Serializer::new(String::new());
        let mut seen = [false; MAP_NAMES.len()];
        let (mut rows, mut cols, mut row, mut col, mut slugs) = (None, None, None, None, None);
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let Some(i) = MAP_NAMES.iter().position(|n| *n == name) else {
                rest.append_pair(&name, &value);
                continue;
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(bad(format!("the parameter {name} may be given only once")));
            }
            let value = value.trim();
            match MAP_NAMES[i] {
                "rows" if !value.is_empty() => rows = Some(axis("rows", value)?),
                "cols" if !value.is_empty() => cols = Some(axis("cols", value)?),
                "row" => row = Some(value.to_string()),
                "col" => col = Some(value.to_string()),
                "slugs" => {
                    slugs = Some(
                        value
                            .parse::<usize>()
                            .ok()
                            .filter(|n| *n <= MAX_CELL_SLUGS)
                            .ok_or_else(|| {
                                bad(format!(
                                    "slugs must be a whole number from 0 to {MAX_CELL_SLUGS}"
                                ))
                            })?,
                    )
                }
                _ => {}
            }
        }
        let rows = rows.unwrap_or(DEFAULT_ROWS);
        let cols = cols.unwrap_or(DEFAULT_COLS);
        if rows == cols {
            return Err(bad("rows and cols must be two different facets"));
        }
        let search = SearchParams::parse(Some(&rest.finish()), unknown)?;
        Ok(MapParams {
            rows,
            cols,
            row,
            col,
            slugs,
            search,
        })
    }

    /// The search whose matches the map is drawn over (its order and page do not matter).
    pub fn request(&self) -> SearchRequest {
        self.search.request()
    }

    /// The words and filters as `(name, value)` pairs, leaving out one filter value if
    /// `without` is given: for hidden form fields and addresses.
    pub fn search_pairs(&self, without: Option<(Facet, &str)>) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.search.query.is_empty() {
            pairs.push(("q", self.search.query.clone()));
        }
        for (facet, ids) in &self.search.filters {
            for id in ids {
                if without != Some((*facet, id.as_str())) {
                    pairs.push((facet.param(), id.clone()));
                }
            }
        }
        pairs
    }

    /// The address `path?rows=…&cols=…[&row=…&col=…]&q=…&<filters>`, leaving out one filter
    /// value if `without` is given.
    pub fn href(
        &self,
        path: &str,
        cell: Option<(&str, &str)>,
        without: Option<(Facet, &str)>,
    ) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("rows", self.rows.param());
        out.append_pair("cols", self.cols.param());
        if let Some((row, col)) = cell {
            out.append_pair("row", row);
            out.append_pair("col", col);
        }
        for (name, value) in self.search_pairs(without) {
            out.append_pair(name, &value);
        }
        format!("{path}?{}", out.finish())
    }

    /// The search that finds the records of one cell: these words and filters, with the row
    /// and column values as the filters of their facets, in title order.
    pub fn cell_search(&self, row: &str, col: &str) -> SearchParams {
        let mut search = SearchParams {
            sort: Sort::Title,
            page: 1,
            ..self.search.clone()
        };
        search.filters.insert(self.rows, vec![row.to_string()]);
        search.filters.insert(self.cols, vec![col.to_string()]);
        search
    }

    /// The cell asked for by `row` and `col`, which must both be given.
    pub fn cell(&self) -> Result<(&str, &str), WebError> {
        match (self.row.as_deref(), self.col.as_deref()) {
            (Some(row), Some(col)) if !row.is_empty() && !col.is_empty() => Ok((row, col)),
            _ => Err(bad("row and col must both be given")),
        }
    }
}

/// The gap map of `params`, each cell listing at most `max_slugs` slugs, with filtered axes
/// narrowed to their filtered values (see the module's documentation).
pub(crate) async fn gap_map(
    state: &AppState,
    params: &MapParams,
    max_slugs: usize,
) -> Result<GapMap, WebError> {
    let mut map = state
        .gap_map(params.request(), params.rows, params.cols, max_slugs)
        .await?;
    restrict(&mut map, &params.search.filters);
    Ok(map)
}

/// Narrows each axis whose facet is filtered to the values filtered on.
pub(crate) fn restrict(map: &mut GapMap, filters: &BTreeMap<Facet, Vec<String>>) {
    let kept = |facet: Facet| filters.get(&facet).filter(|ids| !ids.is_empty()).cloned();
    if let Some(ids) = kept(map.row_facet) {
        map.rows.retain(|r| ids.contains(r));
    }
    if let Some(ids) = kept(map.col_facet) {
        map.cols.retain(|c| ids.contains(c));
    }
    let (rows, cols) = (map.rows.clone(), map.cols.clone());
    map.cells
        .retain(|cell| rows.contains(&cell.row) && cols.contains(&cell.col));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<MapParams, WebError> {
        MapParams::parse(Some(raw), UnknownNames::Reject)
    }

    #[test]
    fn axes_default_and_filters_go_to_the_search() {
        let p = parse("q=help&gender=female").expect("parse");
        assert_eq!((p.rows, p.cols), (DEFAULT_ROWS, DEFAULT_COLS));
        assert_eq!(p.search.query, "help");
        assert_eq!(p.search.filters[&Facet::Gender], ["female"]);
        let p = parse("rows=country&cols=ratings&row=GB&col=unrated&slugs=0").expect("parse");
        assert_eq!((p.rows, p.cols), (Facet::Country, Facet::Rating));
        assert_eq!(p.cell().expect("cell"), ("GB", "unrated"));
        assert_eq!(p.slugs, Some(0));
        assert_eq!(
            p.href("/gap-map", Some(("GB", "unrated")), None),
            "/gap-map?rows=country&cols=rating&row=GB&col=unrated"
        );
        let search = p.cell_search("GB", "unrated");
        assert_eq!(
            search.href(1, None),
            "/search?country=GB&rating=unrated&sort=title"
        );
    }

    #[test]
    fn bad_axes_are_client_errors() {
        for raw in [
            "rows=nonsense",
            "cols=access",
            "rows=gender&cols=genders",
            "rows=gender&rows=country",
            "slugs=1001",
            "slugs=-1",
            "colour=red",
        ] {
            assert!(matches!(parse(raw), Err(WebError::BadRequest(_))), "{raw}");
        }
        assert!(parse("rows=&cols=").is_ok());
        assert!(MapParams::parse(Some("utm=1"), UnknownNames::Ignore).is_ok());
        assert!(parse("row=x").expect("parse").cell().is_err());
    }
}
