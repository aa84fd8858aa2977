//! The prevention-strategy matrix (`/strategy`): Smallbone, Marshall and Wortley's framework
//! for preventing child sexual abuse, as a planning view for commissioners. Its rows are whom
//! an intervention works with (its focus), its columns when it steps in (primary, secondary,
//! tertiary prevention); each cell lists the interventions covering it, strongest evidence
//! first, and an empty cell is marked plainly as a gap. A country (or any search filter)
//! narrows it to one place.

use super::chart::interventions;
use super::gap_map::Chip;
use super::{display_title, record_href, Chrome, RatingView};
use crate::error::WebError;
use crate::search_params::{SearchParams, UnknownNames};
use crate::state::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use preventory_core::gaps::RatingCounts;
use preventory_core::Facet;
use preventory_search::{SearchRequest, Sort};

/// The framework's four foci, as target-group ids, with a few plain words each.
const FOCI: [(&str, &str); 4] = [
    (
        "potential_offenders",
        "People who have offended or may offend",
    ),
    (
        "children_and_young_people",
        "Children and young people who may be harmed",
    ),
    (
        "communities_and_families",
        "Parents, families, communities and the people who work with them",
    ),
    (
        "situations_and_places",
        "Settings where abuse can happen, online and offline",
    ),
];

/// The three levels, as prevention-level ids, with a few plain words each.
const LEVELS: [(&str, &str); 3] = [
    ("primary", "Before any abuse happens, for everyone"),
    ("secondary", "Early, for people and situations at risk"),
    (
        "tertiary",
        "After abuse has happened, to stop it happening again",
    ),
];

/// How many interventions a cell names before "and N more".
const SHOWN: usize = 5;

/// An intervention named in a cell.
struct Named {
    href: String,
    title: String,
}

/// What a cell shows.
enum CellState {
    /// Nothing recorded: a gap.
    Gap,
    /// The filters chosen leave this row or column out.
    FilteredOut,
    /// Some interventions.
    Covered,
}

struct StrategyCell {
    state: CellState,
    count_text: String,
    strongest: Option<RatingView>,
    named: Vec<Named>,
    /// How many more, and where to see them all.
    more: Option<More>,
    place: String,
}

/// The interventions of a cell beyond those named.
struct More {
    count: usize,
    href: String,
}

struct Level {
    label: String,
    words: &'static str,
}

struct Focus {
    label: String,
    words: &'static str,
    cells: Vec<StrategyCell>,
}

/// A country of the select.
struct CountryOption {
    id: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "strategy.html")]
struct StrategyPage {
    chrome: Chrome,
    countries: Vec<CountryOption>,
    all_countries: bool,
    place: String,
    hidden: Vec<(&'static str, String)>,
    chips: Vec<Chip>,
    levels: Vec<Level>,
    foci: Vec<Focus>,
    gaps: usize,
}

/// A search's counts by rating.
fn rating_counts(counts: Option<&std::collections::BTreeMap<String, usize>>) -> RatingCounts {
    let mut by_rating = RatingCounts::default();
    for (id, n) in counts.into_iter().flatten() {
        by_rating.add_by_id(id, *n);
    }
    by_rating
}

/// The address of this matrix with `search`'s words and filters, leaving out one filter value.
fn strategy_href(search: &SearchParams, without: (Facet, &str)) -> String {
    let mut search = search.clone();
    if let Some(ids) = search.filters.get_mut(&without.0) {
        ids.retain(|id| id != without.1);
    }
    search.filters.retain(|_, ids| !ids.is_empty());
    search.filters_href("/strategy")
}

/// `GET /strategy?country=<code>&…`: the matrix.
pub(crate) async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, WebError> {
    let mut params = SearchParams::parse(raw.as_deref(), UnknownNames::Ignore)?;
    // Order and page mean nothing here; leave them out of every address.
    params.sort = Sort::Relevance;
    params.page = 1;
    params.per_page = crate::search_params::DEFAULT_PER_PAGE;

    // The countries some record names, whatever else is chosen.
    let everything = state
        .search(SearchRequest {
            per_page: 0,
            ..SearchRequest::default()
        })
        .await?;
    let chosen: Vec<String> = params
        .filters
        .get(&Facet::Country)
        .cloned()
        .unwrap_or_default();
    let mut countries: Vec<CountryOption> = everything
        .facets
        .get(Facet::Country.plural())
        .into_iter()
        .flatten()
        .filter(|(id, n)| **n > 0 || chosen.contains(id))
        .map(|(id, _)| CountryOption {
            id: id.clone(),
            label: Facet::Country.label_of(id),
            selected: chosen.contains(id),
        })
        .collect();
    for id in &chosen {
        if !countries.iter().any(|c| &c.id == id) {
            countries.push(CountryOption {
                id: id.clone(),
                label: Facet::Country.label_of(id),
                selected: true,
            });
        }
    }
    countries.sort_by_key(|c| c.label.to_lowercase());

    let level_filter = params.filters.get(&Facet::PreventionLevel).cloned();
    let focus_filter = params.filters.get(&Facet::TargetGroup).cloned();
    let left_out = |filter: &Option<Vec<String>>, id: &str| {
        filter
            .as_ref()
            .is_some_and(|ids| !ids.is_empty() && !ids.iter().any(|i| i == id))
    };
    let mut foci = Vec::new();
    let mut gaps = 0;
    for (focus, words) in FOCI {
        let mut cells = Vec::new();
        for (level, _) in LEVELS {
            let mut search = params.clone();
            search
                .filters
                .insert(Facet::TargetGroup, vec![focus.into()]);
            search
                .filters
                .insert(Facet::PreventionLevel, vec![level.into()]);
            search.sort = Sort::Rating;
            search.per_page = SHOWN;
            let place = format!(
                "{}, {}",
                Facet::TargetGroup.label_of(focus),
                Facet::PreventionLevel.label_of(level)
            );
            if left_out(&focus_filter, focus) || left_out(&level_filter, level) {
                cells.push(StrategyCell {
                    state: CellState::FilteredOut,
                    count_text: String::new(),
                    strongest: None,
                    named: Vec::new(),
                    more: None,
                    place,
                });
                continue;
            }
            let response = state.search(search.request()).await?;
            let by_rating = rating_counts(response.facets.get(Facet::Rating.plural()));
            let best = by_rating.strongest();
            if response.total == 0 {
                gaps += 1;
            }
            let more = response.total.saturating_sub(response.results.len());
            let mut all = search.clone();
            all.per_page = crate::search_params::DEFAULT_PER_PAGE;
            cells.push(StrategyCell {
                state: if response.total == 0 {
                    CellState::Gap
                } else {
                    CellState::Covered
                },
                count_text: interventions(response.total),
                strongest: RatingView::of(best),
                named: response
                    .results
                    .iter()
                    .map(|hit| Named {
                        href: record_href(&hit.slug),
                        title: display_title(&hit.title),
                    })
                    .collect(),
                more: (more > 0).then(|| More {
                    count: more,
                    href: all.href(1, None),
                }),
                place,
            });
        }
        foci.push(Focus {
            label: Facet::TargetGroup.label_of(focus),
            words,
            cells,
        });
    }

    let chips = params
        .filters
        .iter()
        .filter(|(facet, _)| **facet != Facet::Country)
        .flat_map(|(facet, ids)| {
            let params = &params;
            ids.iter().map(move |id| Chip {
                label: format!("{}: {}", facet.label(), facet.label_of(id)),
                href: strategy_href(params, (*facet, id.as_str())),
            })
        })
        .collect();
    let mut hidden = Vec::new();
    if !params.query.is_empty() {
        hidden.push(("q", params.query.clone()));
    }
    for (facet, ids) in &params.filters {
        if *facet != Facet::Country {
            for id in ids {
                hidden.push((facet.param(), id.clone()));
            }
        }
    }
    let place = if chosen.is_empty() {
        "all countries".to_string()
    } else {
        chosen
            .iter()
            .map(|id| Facet::Country.label_of(id))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let page = StrategyPage {
        chrome: Chrome::new("Prevention-strategy matrix").in_nav("/strategy"),
        countries,
        all_countries: chosen.is_empty(),
        place,
        hidden,
        chips,
        levels: LEVELS
            .iter()
            .map(|(id, words)| Level {
                label: Facet::PreventionLevel.label_of(id),
                words,
            })
            .collect(),
        foci,
        gaps,
    };
    Ok(Html(page.render()?))
}
