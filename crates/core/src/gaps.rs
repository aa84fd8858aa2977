//! Gap analysis: where interventions exist, how strong their evidence is, and where nothing
//! exists — the evidence-gap map and the gaps the scoping review names (services for women,
//! for young people with harmful sexual behaviour, for families and partners, for people not
//! known to the justice system).
//!
//! Counting is done by an adapter that holds the records (the search index); this module
//! holds the shapes of the answers and the pure judgements over them: what makes a cell
//! empty or thin, and which filters define each named gap.

use crate::facet::{Facet, UNRATED};
use crate::rating::Rating;
use crate::vocab::Vocabulary;
use serde::Serialize;
use std::collections::BTreeMap;

/// A cell with this many interventions or fewer is thin, whatever their evidence.
pub const THIN_AT_MOST: usize = 2;

/// How many interventions of a cell (or a gap) have each rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RatingCounts {
    /// Rated Effective.
    pub effective: usize,
    /// Rated Promising.
    pub promising: usize,
    /// Rated Prudent.
    pub prudent: usize,
    /// Rated Pioneering.
    pub pioneering: usize,
    /// Not rated.
    pub unrated: usize,
}

impl RatingCounts {
    /// Adds `n` interventions with `rating` (`None`: not rated).
    pub fn add(&mut self, rating: Option<Rating>, n: usize) {
        match rating {
            Some(Rating::Effective) => self.effective += n,
            Some(Rating::Promising) => self.promising += n,
            Some(Rating::Prudent) => self.prudent += n,
            Some(Rating::Pioneering) => self.pioneering += n,
            None => self.unrated += n,
        }
    }

    /// The count for a rating id of [`Facet::Rating`] (`unrated` included); 0 for other ids.
    pub fn add_by_id(&mut self, id: &str, n: usize) {
        if id == UNRATED {
            self.add(None, n);
        } else if let Some(r) = Rating::from_id(id) {
            self.add(Some(r), n);
        }
    }

    /// Every count, strongest rating first, as `(rating id, count)`.
    pub fn entries(&self) -> [(&'static str, usize); 5] {
        [
            (Rating::Effective.id(), self.effective),
            (Rating::Promising.id(), self.promising),
            (Rating::Prudent.id(), self.prudent),
            (Rating::Pioneering.id(), self.pioneering),
            (UNRATED, self.unrated),
        ]
    }

    /// How many interventions in all.
    pub fn total(&self) -> usize {
        self.effective + self.promising + self.prudent + self.pioneering + self.unrated
    }

    /// The strongest rating any of them has; `None` when none is rated (or there are none).
    pub fn strongest(&self) -> Option<Rating> {
        [
            (Rating::Effective, self.effective),
            (Rating::Promising, self.promising),
            (Rating::Prudent, self.prudent),
            (Rating::Pioneering, self.pioneering),
        ]
        .into_iter()
        .find(|(_, n)| *n > 0)
        .map(|(r, _)| r)
    }

    /// How many have a rating above Pioneering: some evidence supports them.
    pub fn with_supporting_evidence(&self) -> usize {
        self.effective + self.promising + self.prudent
    }
}

/// How well a cell or gap is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// No intervention at all.
    Empty,
    /// A few interventions ([`THIN_AT_MOST`] or fewer), or none with evidence above
    /// Pioneering.
    Thin,
    /// Several interventions, some with supporting evidence.
    Covered,
}

impl Coverage {
    /// The coverage of `n` interventions with these ratings.
    pub fn of(ratings: &RatingCounts) -> Coverage {
        let n = ratings.total();
        if n == 0 {
            Coverage::Empty
        } else if n <= THIN_AT_MOST || ratings.with_supporting_evidence() == 0 {
            Coverage::Thin
        } else {
            Coverage::Covered
        }
    }

    /// The id used in JSON and CSV (`empty`, `thin`, `covered`).
    pub fn id(self) -> &'static str {
        match self {
            Coverage::Empty => "empty",
            Coverage::Thin => "thin",
            Coverage::Covered => "covered",
        }
    }

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Coverage::Empty => "Nothing recorded",
            Coverage::Thin => "Thin: few interventions or little evidence",
            Coverage::Covered => "Covered",
        }
    }
}

/// One cell of a gap map: the interventions holding both a row value and a column value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapCell {
    /// The row facet's value id.
    pub row: String,
    /// The column facet's value id.
    pub col: String,
    /// How many interventions.
    pub count: usize,
    /// Their ratings.
    pub by_rating: RatingCounts,
    /// Slugs of the first of them by title (at most the limit asked for).
    pub slugs: Vec<String>,
}

impl GapCell {
    /// How well the cell is covered.
    pub fn coverage(&self) -> Coverage {
        Coverage::of(&self.by_rating)
    }
}

/// A matrix of two facets over a set of interventions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapMap {
    /// The facet along the rows.
    #[serde(serialize_with = "facet_param")]
    pub row_facet: Facet,
    /// The facet along the columns.
    #[serde(serialize_with = "facet_param")]
    pub col_facet: Facet,
    /// Row value ids, in display order.
    pub rows: Vec<String>,
    /// Column value ids, in display order.
    pub cols: Vec<String>,
    /// How many interventions the map covers (after any filters).
    pub total: usize,
    /// Every (row, column) pair, row by row.
    pub cells: Vec<GapCell>,
}

fn facet_param<S: serde::Serializer>(facet: &Facet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(facet.param())
}

impl GapMap {
    /// The cell at a row and column id.
    pub fn cell(&self, row: &str, col: &str) -> Option<&GapCell> {
        self.cells.iter().find(|c| c.row == row && c.col == col)
    }

    /// The cells with the given coverage, in map order.
    pub fn cells_with(&self, coverage: Coverage) -> Vec<&GapCell> {
        self.cells
            .iter()
            .filter(|c| c.coverage() == coverage)
            .collect()
    }

    /// The largest count of any cell (for scaling a drawing); 0 for an empty map.
    pub fn max_count(&self) -> usize {
        self.cells.iter().map(|c| c.count).max().unwrap_or(0)
    }
}

/// A gap the scoping review names, defined as search filters so that its count comes from the
/// live data and its interventions are one link away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedGap {
    /// Stable id (`women`, `young_people_hsb`, `families_and_partners`, `not_known_to_justice`).
    pub id: &'static str,
    /// What is looked for, in a few words.
    pub title: &'static str,
    /// Why it matters, from the review, and how it is counted here.
    pub explanation: &'static str,
    /// The filters: every facet must match one of its values.
    #[serde(serialize_with = "filters_by_param")]
    pub filters: Vec<(Facet, Vec<&'static str>)>,
}

fn filters_by_param<S: serde::Serializer>(
    filters: &[(Facet, Vec<&'static str>)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let map: BTreeMap<&str, &Vec<&str>> = filters.iter().map(|(f, v)| (f.param(), v)).collect();
    map.serialize(s)
}

/// The gaps the scoping review names, each as filters over the collection.
pub fn named_gaps() -> Vec<NamedGap> {
    vec![
        NamedGap {
            id: "women",
            title: "Women who offend or may offend",
            explanation: "The review found almost no services for women. Counted: interventions for (potential) offenders that serve women.",
            filters: vec![
                (Facet::TargetGroup, vec!["potential_offenders"]),
                (Facet::Gender, vec!["female"]),
            ],
        },
        NamedGap {
            id: "young_people_hsb",
            title: "Young people with harmful sexual behaviour",
            explanation: "Young people who display harmful sexual behaviour need services designed for their age. Counted: interventions for (potential) offenders that serve young people aged 12 to 17.",
            filters: vec![
                (Facet::TargetGroup, vec!["potential_offenders"]),
                (Facet::AgeGroup, vec!["young_people"]),
            ],
        },
        NamedGap {
            id: "families_and_partners",
            title: "Families and partners",
            explanation: "Families and partners of people who offend or may offend are affected too and can support prevention. Counted: interventions for communities and families at the secondary or tertiary level.",
            filters: vec![
                (Facet::TargetGroup, vec!["communities_and_families"]),
                (Facet::PreventionLevel, vec!["secondary", "tertiary"]),
            ],
        },
        NamedGap {
            id: "not_known_to_justice",
            title: "People not known to the justice system",
            explanation: "Most people with sexual thoughts about children are not known to the police; they need services they can reach themselves. Counted: interventions for (potential) offenders that accept self-referrals, offer anonymous help, or accept people with no justice involvement.",
            filters: vec![
                (Facet::TargetGroup, vec!["potential_offenders"]),
                (
                    Facet::Access,
                    vec!["self_referral", "anonymous", "no_justice_involvement"],
                ),
            ],
        },
    ]
}

/// The facets a gap map can be drawn over, in the order a form offers them.
pub const AXES: [Facet; 10] = [
    Facet::TargetGroup,
    Facet::PreventionLevel,
    Facet::AgeGroup,
    Facet::Gender,
    Facet::Delivery,
    Facet::Subgroup,
    Facet::Country,
    Facet::Language,
    Facet::Rating,
    Facet::EvidenceLevel,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(e: usize, p: usize, pr: usize, pi: usize, u: usize) -> RatingCounts {
        RatingCounts {
            effective: e,
            promising: p,
            prudent: pr,
            pioneering: pi,
            unrated: u,
        }
    }

    #[test]
    fn coverage_boundaries() {
        assert_eq!(Coverage::of(&counts(0, 0, 0, 0, 0)), Coverage::Empty);
        assert_eq!(Coverage::of(&counts(1, 1, 0, 0, 0)), Coverage::Thin);
        assert_eq!(Coverage::of(&counts(0, 1, 1, 1, 0)), Coverage::Covered);
        // Many, but none with evidence above Pioneering: still thin.
        assert_eq!(Coverage::of(&counts(0, 0, 0, 5, 9)), Coverage::Thin);
        assert_eq!(Coverage::of(&counts(0, 0, 1, 5, 9)), Coverage::Covered);
    }

    #[test]
    fn rating_counts_add_up_and_name_the_strongest() {
        let mut c = RatingCounts::default();
        c.add(Some(Rating::Prudent), 2);
        c.add_by_id("unrated", 3);
        c.add_by_id("promising", 1);
        c.add_by_id("not-a-rating", 7);
        assert_eq!(c.total(), 6);
        assert_eq!(c.strongest(), Some(Rating::Promising));
        assert_eq!(c.entries()[4], ("unrated", 3));
        assert_eq!(RatingCounts::default().strongest(), None);
    }

    #[test]
    fn named_gaps_use_known_ids_only() {
        for gap in named_gaps() {
            assert!(!gap.filters.is_empty(), "{}", gap.id);
            for (facet, ids) in &gap.filters {
                let known = facet.known_values();
                for id in ids {
                    assert!(
                        known.iter().any(|(k, _)| k == id),
                        "{}: {id} is not a {} id",
                        gap.id,
                        facet.param()
                    );
                }
            }
        }
    }
}
