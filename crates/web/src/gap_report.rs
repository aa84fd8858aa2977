//! The gaps report, computed live from the search index for the `/gaps` page and its API: the
//! gaps the scoping review names, the empty and thin cells of the default gap map, records
//! without any evaluation, records whose information is old or undated, and the spread of
//! ratings and evidence levels over the collection.

use crate::error::WebError;
use crate::gap_query::{DEFAULT_COLS, DEFAULT_ROWS};
use crate::pages::STALE_AFTER_MONTHS;
use crate::search_params::SearchParams;
use crate::state::{AppState, YearMonth};
use preventory_core::facet::NO_STUDIES;
use preventory_core::gaps::{named_gaps, GapMap, NamedGap, RatingCounts};
use preventory_core::Facet;
use preventory_search::SearchRequest;
use std::collections::BTreeMap;

/// A named gap with its live count.
pub(crate) struct NamedGapCount {
    /// The gap and the filters that define it.
    pub gap: NamedGap,
    /// How many interventions match its filters, by rating.
    pub by_rating: RatingCounts,
    /// The search that finds them.
    pub search: SearchParams,
}

/// Everything the gaps report shows.
pub(crate) struct GapsReport {
    /// How many records the collection holds.
    pub total: usize,
    /// The named gaps, in the review's order.
    pub named: Vec<NamedGapCount>,
    /// The default gap map (target group × prevention level) over the whole collection.
    pub default_map: GapMap,
    /// Records without any study recorded.
    pub without_evaluation: usize,
    /// Records whose information was confirmed before [`GapsReport::old_before`].
    pub older: usize,
    /// Records without an "information correct at" date.
    pub undated: usize,
    /// Information confirmed before this month is more than two years old.
    pub old_before: YearMonth,
    /// The ratings over the collection.
    pub ratings: RatingCounts,
    /// The strongest study design of each record over the collection, as `(id, count)` in
    /// the order of the hierarchy of evidence, `none` last.
    pub evidence_levels: Vec<(&'static str, usize)>,
}

/// The month `months` months before `month`.
fn months_before(month: YearMonth, months: u32) -> YearMonth {
    let m = month.months().saturating_sub(months);
    YearMonth {
        year: u16::try_from(m / 12).unwrap_or(0),
        month: u8::try_from(m % 12 + 1).unwrap_or(1),
    }
}

/// The counts of a facet in a search response, by value id.
fn counts_of<'a>(
    facets: &'a BTreeMap<&'static str, BTreeMap<String, usize>>,
    facet: Facet,
) -> impl Fn(&str) -> usize + 'a {
    let counts = facets.get(facet.plural());
    move |id| counts.and_then(|c| c.get(id)).copied().unwrap_or(0)
}

fn rating_counts(facets: &BTreeMap<&'static str, BTreeMap<String, usize>>) -> RatingCounts {
    let count = counts_of(facets, Facet::Rating);
    let mut by_rating = RatingCounts::default();
    for (id, _) in Facet::Rating.known_values() {
        by_rating.add_by_id(id, count(id));
    }
    by_rating
}

/// A search that only counts.
fn counting(filters: BTreeMap<Facet, Vec<String>>) -> SearchRequest {
    SearchRequest {
        filters,
        per_page: 0,
        ..SearchRequest::default()
    }
}

/// Computes the report over the whole collection.
pub(crate) async fn report(state: &AppState) -> Result<GapsReport, WebError> {
    let all = state.search(counting(BTreeMap::new())).await?;
    let mut named = Vec::new();
    for gap in named_gaps() {
        let filters: BTreeMap<Facet, Vec<String>> = gap
            .filters
            .iter()
            .map(|(facet, ids)| (*facet, ids.iter().map(|id| id.to_string()).collect()))
            .collect();
        let response = state.search(counting(filters.clone())).await?;
        named.push(NamedGapCount {
            by_rating: rating_counts(&response.facets),
            search: SearchParams {
                filters,
                ..SearchParams::default()
            },
            gap,
        });
    }
    let default_map = state
        .gap_map(SearchRequest::default(), DEFAULT_ROWS, DEFAULT_COLS, 0)
        .await?;
    let stale = u32::try_from(STALE_AFTER_MONTHS).unwrap_or(24);
    let old_before = months_before(state.today(), stale);
    let (older, undated) = state
        .count_dated_before(SearchRequest::default(), old_before.months())
        .await?;
    let level = counts_of(&all.facets, Facet::EvidenceLevel);
    Ok(GapsReport {
        total: all.total,
        named,
        default_map,
        without_evaluation: level(NO_STUDIES),
        older,
        undated,
        old_before,
        ratings: rating_counts(&all.facets),
        evidence_levels: Facet::EvidenceLevel
            .known_values()
            .into_iter()
            .map(|(id, _)| (id, level(id)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_years_before_a_month() {
        let june = YearMonth {
            year: 2024,
            month: 6,
        };
        assert_eq!(
            months_before(june, 24),
            YearMonth {
                year: 2022,
                month: 6
            }
        );
        let january = YearMonth {
            year: 2024,
            month: 1,
        };
        assert_eq!(
            months_before(january, 1),
            YearMonth {
                year: 2023,
                month: 12
            }
        );
    }
}
