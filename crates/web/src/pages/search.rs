//! The home page and the results page: a search form with facet checkboxes (a GET form, so
//! every filtered view is an address that can be shared), and the matching records.
//!
//! Discontinued services are left out unless the box "Include discontinued services" is
//! ticked (`include=discontinued`); then they are listed with the words "Discontinued" beside
//! their title, so the mark does not rest on colour.

use super::{display_title, record_href, Chrome, Freshness, RatingView};
use crate::error::WebError;
use crate::search_params::{SearchParams, UnknownNames, INCLUDE_DISCONTINUED, INCLUDE_PARAM};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use preventory_core::{Facet, PartialDate, Rating, Vocabulary};
use preventory_search::{SearchResponse, Sort, MAX_QUERY_CHARS};

/// The search that finds services offering confidential help to people worried about their
/// own thoughts.
pub(crate) const HELP_SEARCH_HREF: &str = "/search?q=help+for+me";

/// A value of a facet, as a checkbox.
struct FacetOption {
    id: String,
    label: String,
    count: usize,
    checked: bool,
    input_id: String,
}

/// A facet, as a group of checkboxes.
struct FacetGroup {
    param: &'static str,
    label: &'static str,
    options: Vec<FacetOption>,
}

/// A selected filter, as a link that removes it.
struct Chip {
    label: String,
    href: String,
}

/// One result.
struct ResultItem {
    href: String,
    slug: String,
    title: String,
    /// Escaped by the search engine, with matches in `<mark>`: the one value a template may
    /// show with `|safe`.
    snippet: String,
    rating: Option<RatingView>,
    freshness: Freshness,
    /// The service no longer runs: labelled "Discontinued".
    discontinued: bool,
}

/// A link in the pagination; `None` number means a gap ("…").
struct PageLink {
    number: Option<usize>,
    href: String,
    current: bool,
}

/// An order the results can be sorted in.
struct SortOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    home: bool,
    searched: bool,
    query: String,
    max_query: usize,
    help_href: &'static str,
    /// The signposting form for people looking for help for themselves.
    self_help_href: &'static str,
    total: usize,
    results: Vec<ResultItem>,
    facets: Vec<FacetGroup>,
    chips: Vec<Chip>,
    /// The name and value of the "Include discontinued services" checkbox.
    include_param: &'static str,
    include_value: &'static str,
    /// Whether that box is ticked.
    include_discontinued: bool,
    clear_href: String,
    gap_map_href: String,
    expanded_terms: String,
    help_seeking: bool,
    sorts: Vec<SortOption>,
    pages: Vec<PageLink>,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// `GET /`: the search form, the facets and every record.
pub(crate) async fn home(state: State<AppState>, raw: RawQuery) -> Result<Html<String>, WebError> {
    render(state, raw, true).await
}

/// `GET /search?q=&<facet>=…&sort=&page=`: the results of a search.
pub(crate) async fn results(
    state: State<AppState>,
    raw: RawQuery,
) -> Result<Html<String>, WebError> {
    render(state, raw, false).await
}

fn sort_label(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "Best match",
        Sort::Title => "Title",
        Sort::Rating => "Strongest evidence",
        Sort::Recent => "Most recently checked",
    }
}

async fn render(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    home: bool,
) -> Result<Html<String>, WebError> {
    let params = SearchParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    let response = state.search(params.request()).await?;
    let page = SearchPage::new(&params, response, &state, home);
    Ok(Html(page.render()?))
}

impl SearchPage {
    fn new(
        params: &SearchParams,
        response: SearchResponse,
        state: &AppState,
        home: bool,
    ) -> SearchPage {
        let today = state.today();
        let results = response
            .results
            .into_iter()
            .map(|hit| ResultItem {
                href: record_href(&hit.slug),
                slug: hit.slug.clone(),
                title: display_title(&hit.title),
                snippet: hit.snippet,
                rating: RatingView::of(hit.rating.as_deref().and_then(Rating::from_id)),
                freshness: Freshness::of(
                    hit.information_correct_at
                        .as_deref()
                        .and_then(|d| PartialDate::parse_iso(d).ok()),
                    today,
                ),
                discontinued: hit.discontinued,
            })
            .collect();

        let facets = Facet::ALL
            .iter()
            .map(|&facet| {
                let counts = response.facets.get(facet.plural());
                let mut options = Vec::new();
                let mut push = |id: &str, count: usize| {
                    let checked = params.is_selected(facet, id);
                    if count > 0 || checked {
                        options.push(FacetOption {
                            id: id.to_string(),
                            label: facet.label_of(id),
                            count,
                            checked,
                            input_id: format!("f-{}-{}", facet.param(), options.len()),
                        });
                    }
                };
                // Known values in vocabulary order, then verbatim ones.
                let known = facet.known_values();
                for (id, _) in &known {
                    push(id, counts.and_then(|c| c.get(*id)).copied().unwrap_or(0));
                }
                if let Some(counts) = counts {
                    for (id, count) in counts {
                        if !known.iter().any(|(k, _)| k == id) {
                            push(id, *count);
                        }
                    }
                }
                FacetGroup {
                    param: facet.param(),
                    label: facet.label(),
                    options,
                }
            })
            .filter(|g| !g.options.is_empty())
            .collect();

        let mut chips: Vec<Chip> = params
            .filters
            .iter()
            .flat_map(|(facet, ids)| {
                ids.iter().map(move |id| Chip {
                    label: format!("{}: {}", facet.label(), facet.label_of(id)),
                    href: params.href(1, Some((*facet, id.as_str()))),
                })
            })
            .collect();
        if params.include_discontinued {
            let narrower = SearchParams {
                include_discontinued: false,
                ..params.clone()
            };
            chips.push(Chip {
                label: "Including discontinued services".to_string(),
                href: narrower.href(1, None),
            });
        }
        let clear = SearchParams {
            query: params.query.clone(),
            sort: params.sort,
            per_page: params.per_page,
            ..SearchParams::default()
        };

        let last_page = response.total.div_ceil(params.per_page.max(1)).max(1);
        let pages = if response.total <= params.per_page {
            Vec::new()
        } else {
            page_numbers(params.page, last_page)
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    href: n.map(|n| params.href(n, None)).unwrap_or_default(),
                    current: n == Some(params.page),
                })
                .collect()
        };
        let previous_href = (params.page > 1 && params.page <= last_page)
            .then(|| params.href(params.page - 1, None));
        let next_href = (params.page < last_page).then(|| params.href(params.page + 1, None));

        let searched =
            !params.query.is_empty() || params.has_filters() || params.include_discontinued;
        // The search words stay out of the <title>, which browsers keep in their history lists
        // and show in tab previews.
        let title = if home {
            "Interventions"
        } else {
            "Search results"
        };
        SearchPage {
            chrome: Chrome::new(title),
            home,
            searched,
            query: params.query.clone(),
            max_query: MAX_QUERY_CHARS,
            help_href: HELP_SEARCH_HREF,
            self_help_href: super::signpost::SELF_HREF,
            total: response.total,
            results,
            facets,
            chips,
            include_param: INCLUDE_PARAM,
            include_value: INCLUDE_DISCONTINUED,
            include_discontinued: params.include_discontinued,
            clear_href: clear.href(1, None),
            gap_map_href: params.filters_href("/gap-map"),
            expanded_terms: response.expanded_terms.join(", "),
            help_seeking: response.help_seeking,
            sorts: Sort::ALL
                .into_iter()
                .map(|s| SortOption {
                    value: s.param(),
                    label: sort_label(s),
                    selected: s == params.sort,
                })
                .collect(),
            pages,
            previous_href,
            next_href,
        }
    }
}

/// The page numbers to link: the first, the last, and two either side of the current one,
/// with `None` for each gap.
fn page_numbers(current: usize, last: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    let mut previous = 0;
    for n in 1..=last {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == last || near {
            if n > previous + 1 {
                out.push(None);
            }
            out.push(Some(n));
            previous = n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    #[test]
    fn pagination_shows_ends_and_neighbours() {
        assert_eq!(page_numbers(1, 1), [Some(1)]);
        assert_eq!(page_numbers(1, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_numbers(6, 20),
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(20)
            ]
        );
    }
}
