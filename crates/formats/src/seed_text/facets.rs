//! Facet lines ("(Potential) Offenders | Tertiary prevention | Adults (21+ years) | Male | …"),
//! prevention-level lines and "Type of intervention" lists.
//!
//! Fields may come in any order or be missing, so each `|` segment is classified by which
//! vocabulary its items match best, not by its position.

use super::Warning;
use preventory_core::vocab::{
    normalize_label, AgeGroup, Delivery, Gender, LabelKey, Language, MatchQuality, PreventionLevel,
    Subgroup, TargetGroup, Term, Vocabulary,
};
use preventory_core::FacetRow;

/// The fields of a facet line, in the database's canonical order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    TargetGroup,
    PreventionLevel,
    AgeGroups,
    Genders,
    Delivery,
    Subgroups,
    Languages,
}

const CANONICAL: [Field; 7] = [
    Field::TargetGroup,
    Field::PreventionLevel,
    Field::AgeGroups,
    Field::Genders,
    Field::Delivery,
    Field::Subgroups,
    Field::Languages,
];

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::TargetGroup => "target_groups",
            Field::PreventionLevel => "prevention_levels",
            Field::AgeGroups => "age_groups",
            Field::Genders => "genders",
            Field::Delivery => "delivery",
            Field::Subgroups => "subgroups",
            Field::Languages => "languages",
        }
    }

    fn index(self) -> usize {
        CANONICAL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// (exact, fuzzy) matches of the items against this field's vocabulary.
    fn score(self, items: &[String], keyed: &[KeyedItem], fuzzy: bool) -> (usize, usize) {
        match self {
            Field::TargetGroup => score::<TargetGroup>(items, keyed, fuzzy),
            Field::PreventionLevel => score::<PreventionLevel>(items, keyed, fuzzy),
            Field::AgeGroups => score::<AgeGroup>(items, keyed, fuzzy),
            Field::Genders => score::<Gender>(items, keyed, fuzzy),
            Field::Delivery => score::<Delivery>(items, keyed, fuzzy),
            Field::Subgroups => score::<Subgroup>(items, keyed, fuzzy),
            Field::Languages => score::<Language>(items, keyed, fuzzy),
        }
    }
}

/// Splits a segment into items: commas and semicolons always separate.
fn items_of(segment: &str) -> Vec<String> {
    segment
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The pieces of an item that names several values joined by "&", "and" or "/"
/// ("Male & Female"); empty when it names one.
fn pieces_of(item: &str) -> Vec<String> {
    let normalised = item.replace(" and ", " & ").replace(" AND ", " & ");
    let pieces: Vec<String> = normalised
        .split(['&', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if pieces.len() > 1 {
        pieces
    } else {
        Vec::new()
    }
}

/// An item with its normalised forms, made once and looked up in every vocabulary while the
/// segment is classified.
struct KeyedItem {
    whole: LabelKey,
    pieces: Vec<LabelKey>,
}

impl KeyedItem {
    fn new(item: &str) -> KeyedItem {
        KeyedItem {
            whole: LabelKey::new(item),
            pieces: pieces_of(item).iter().map(|p| LabelKey::new(p)).collect(),
        }
    }

    /// Whether the item (whole, or every piece of it) is a value of `T`, exactly.
    fn matches_exactly<T: Vocabulary>(&self) -> bool {
        T::match_key(&self.whole).is_some()
            || (!self.pieces.is_empty() && self.pieces.iter().all(|p| T::match_key(p).is_some()))
    }
}

/// An item may name several values joined by "&", "and" or "/" ("Male & Female"). The whole
/// item is tried first, so labels that contain "and" ("Communities and Families") survive.
fn parts_of<T: Vocabulary>(item: &str) -> Vec<(String, Option<(T, MatchQuality)>)> {
    if let Some(m) = T::match_label(item) {
        return vec![(item.to_string(), Some(m))];
    }
    let pieces = pieces_of(item);
    if !pieces.is_empty() {
        let matched: Vec<_> = pieces.iter().map(|p| T::match_label(p)).collect();
        if matched.iter().all(Option::is_some) {
            return pieces.into_iter().zip(matched).collect();
        }
    }
    vec![(item.to_string(), None)]
}

/// (exact, fuzzy) matches of the items. Exact matching uses the precomputed keys; typo
/// tolerance (costly) is only tried when `fuzzy` is set.
fn score<T: Vocabulary>(items: &[String], keyed: &[KeyedItem], fuzzy: bool) -> (usize, usize) {
    let mut exact = 0;
    let mut fuzzy_count = 0;
    for (item, keys) in items.iter().zip(keyed) {
        if keys.matches_exactly::<T>() {
            exact += 1;
        } else if fuzzy && parts_of::<T>(item).iter().all(|(_, m)| m.is_some()) {
            fuzzy_count += 1;
        }
    }
    (exact, fuzzy_count)
}

/// Turns items into terms of one vocabulary, warning about typos and unknown values.
pub(super) fn terms<T: Vocabulary>(
    items: &[String],
    field: &str,
    line: usize,
    warnings: &mut Vec<Warning>,
) -> Vec<Term<T>> {
    let mut out = Vec::new();
    for item in items {
        for (text, m) in parts_of::<T>(item) {
            let term = match m {
                Some((value, MatchQuality::Exact)) => Term::Known(value),
                Some((value, MatchQuality::Fuzzy)) => {
                    warnings.push(Warning {
                        line,
                        field: field.to_string(),
                        message: format!(
                            "read {text:?} as {:?} (looks like a typo)",
                            value.label()
                        ),
                    });
                    Term::Known(value)
                }
                None => {
                    warnings.push(Warning {
                        line,
                        field: field.to_string(),
                        message: format!(
                            "{text:?} is not a known {} label; kept verbatim",
                            T::FACET.replace('_', " ")
                        ),
                    });
                    Term::Other(text)
                }
            };
            if !out.contains(&term) {
                out.push(term);
            }
        }
    }
    out
}

/// Prevention levels named on a line of their own ("Primary Secondary & Tertiary prevention").
/// Returns `None` unless the line says nothing but levels.
pub(super) fn levels_line(text: &str) -> Option<Vec<PreventionLevel>> {
    let norm = normalize_label(text);
    let mut levels = Vec::new();
    for word in norm.split(' ') {
        match word {
            "primary" => levels.push(PreventionLevel::Primary),
            "secondary" => levels.push(PreventionLevel::Secondary),
            "tertiary" => levels.push(PreventionLevel::Tertiary),
            "and" | "prevention" | "level" | "levels" | "of" | "" => {}
            _ => return None,
        }
    }
    levels.dedup();
    if levels.is_empty() {
        None
    } else {
        Some(levels)
    }
}

/// Whether a line without `|` is nonetheless a facet line: every item of it matches some
/// vocabulary exactly (e.g. a lone "(Potential) Offenders").
pub(super) fn is_bare_facet_line(text: &str) -> bool {
    let items = items_of(text);
    !items.is_empty()
        && items.len() <= 12
        && items.iter().all(|item| {
            let single = std::slice::from_ref(item);
            let keyed = [KeyedItem::new(item)];
            CANONICAL
                .iter()
                .any(|f| f.score(single, &keyed, false).0 == 1)
        })
}

/// Reads one facet line into rows: one row per target group × prevention level, like the
/// database's own filter table. `pending_levels` are levels given on a line of their own.
pub(super) fn facet_line(
    text: &str,
    pending_levels: &[PreventionLevel],
    line: usize,
    warnings: &mut Vec<Warning>,
) -> Vec<FacetRow> {
    let segments: Vec<&str> = text
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let full_line = segments.len() == CANONICAL.len();
    let mut assigned: Vec<(Field, Vec<String>)> = Vec::new();
    let mut last_index = 0usize;
    for (position, segment) in segments.iter().enumerate() {
        let items = items_of(segment);
        // Exact matching decides where it can; typo tolerance is only needed (and only paid
        // for) when no vocabulary knows any item of the segment.
        let keyed: Vec<KeyedItem> = items.iter().map(|i| KeyedItem::new(i)).collect();
        let exact_scores: Vec<(usize, usize)> = CANONICAL
            .iter()
            .map(|f| f.score(&items, &keyed, false))
            .collect();
        let any_exact = exact_scores.iter().any(|s| s.0 > 0);
        let mut best: Option<(Field, (usize, usize))> = None;
        for (field, exact_score) in CANONICAL.into_iter().zip(exact_scores) {
            let s = if any_exact {
                exact_score
            } else {
                field.score(&items, &keyed, true)
            };
            if s == (0, 0) {
                continue;
            }
            let better = match best {
                None => true,
                Some((bf, bs)) => {
                    s > bs || (s == bs && prefer(field, bf, position, full_line, last_index))
                }
            };
            if better {
                best = Some((field, s));
            }
        }
        let field = match best {
            Some((f, _)) => f,
            None => {
                let fallback = if full_line {
                    CANONICAL[position]
                } else {
                    Field::Subgroups
                };
                warnings.push(Warning {
                    line,
                    field: fallback.name().to_string(),
                    message: format!(
                        "{segment:?} matches no facet vocabulary; kept verbatim under {}",
                        fallback.name()
                    ),
                });
                fallback
            }
        };
        last_index = field.index();
        match assigned.iter_mut().find(|(f, _)| *f == field) {
            Some((_, existing)) => existing.extend(items),
            None => assigned.push((field, items)),
        }
    }

    let items_for = |field: Field| -> Vec<String> {
        assigned
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, items)| items.clone())
            .unwrap_or_default()
    };
    let target_groups: Vec<Term<TargetGroup>> = terms(
        &items_for(Field::TargetGroup),
        "target_groups",
        line,
        warnings,
    );
    let mut levels: Vec<Term<PreventionLevel>> = terms(
        &items_for(Field::PreventionLevel),
        "prevention_levels",
        line,
        warnings,
    );
    if levels.is_empty() {
        levels = pending_levels.iter().map(|l| Term::Known(*l)).collect();
    }
    let template = FacetRow {
        target_group: None,
        prevention_level: None,
        age_groups: terms(&items_for(Field::AgeGroups), "age_groups", line, warnings),
        genders: terms(&items_for(Field::Genders), "genders", line, warnings),
        delivery: terms(&items_for(Field::Delivery), "delivery", line, warnings),
        subgroups: terms(&items_for(Field::Subgroups), "subgroups", line, warnings),
        languages: terms(&items_for(Field::Languages), "languages", line, warnings),
    };
    if target_groups.is_empty() {
        warnings.push(Warning {
            line,
            field: "target_groups".into(),
            message: "the facet line names no target group; left empty for an editor".into(),
        });
    }
    if levels.is_empty() {
        warnings.push(Warning {
            line,
            field: "prevention_levels".into(),
            message: "the facet line names no prevention level; left empty for an editor".into(),
        });
    }
    let groups: Vec<Option<Term<TargetGroup>>> = if target_groups.is_empty() {
        vec![None]
    } else {
        target_groups.into_iter().map(Some).collect()
    };
    let level_options: Vec<Option<Term<PreventionLevel>>> = if levels.is_empty() {
        vec![None]
    } else {
        levels.into_iter().map(Some).collect()
    };
    let mut rows = Vec::new();
    for group in &groups {
        for level in &level_options {
            rows.push(FacetRow {
                target_group: group.clone(),
                prevention_level: level.clone(),
                ..template.clone()
            });
        }
    }
    rows
}

/// Breaks a tie between two fields that match a segment equally well: on a full seven-field
/// line the segment's own position decides; otherwise the field that follows the previous one.
fn prefer(candidate: Field, incumbent: Field, position: usize, full: bool, last: usize) -> bool {
    if full {
        return candidate.index() == position && incumbent.index() != position;
    }
    let after = |f: Field| f.index() >= last;
    after(candidate) && !after(incumbent)
}

/// Reads a "Type of intervention" line (comma-separated) into delivery terms.
pub(super) fn intervention_types(
    text: &str,
    line: usize,
    warnings: &mut Vec<Warning>,
) -> Vec<Term<Delivery>> {
    terms(&items_of(text), "intervention_types", line, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids<T: Vocabulary>(terms: &[Term<T>]) -> Vec<String> {
        terms.iter().map(Term::id).collect()
    }

    #[test]
    fn a_canonical_line_gives_one_row() {
        let mut w = Vec::new();
        let rows = facet_line(
            "(Potential) Offenders | Tertiary prevention | Young Adults (18-20 years), Adults (21+ years) | Male | Group work, individual work | English",
            &[],
            7,
            &mut w,
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            r.target_group.as_ref().map(Term::id).as_deref(),
            Some("potential_offenders")
        );
        assert_eq!(
            r.prevention_level.as_ref().map(Term::id).as_deref(),
            Some("tertiary")
        );
        assert_eq!(ids(&r.age_groups), ["young_adults", "adults"]);
        assert_eq!(ids(&r.genders), ["male"]);
        assert_eq!(ids(&r.delivery), ["group_work", "individual_work"]);
        assert_eq!(ids(&r.languages), ["en"]);
    }

    #[test]
    fn fields_out_of_order_and_missing_are_classified_by_content() {
        let mut w = Vec::new();
        let levels = levels_line("Primary Secondary & Tertiary prevention").unwrap_or_default();
        assert_eq!(levels.len(), 3);
        let rows = facet_line(
            "Young People, Adults | Male & Female | Individual Work, Counselling | English",
            &levels,
            3,
            &mut w,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(ids(&rows[0].genders), ["male", "female"]);
        assert_eq!(ids(&rows[0].age_groups), ["young_people", "adults"]);
        assert_eq!(ids(&rows[0].delivery), ["individual_work", "counselling"]);
        assert!(rows.iter().all(|r| r.target_group.is_none()));
        assert_eq!(
            w.len(),
            1,
            "only the missing target group is reported: {w:?}"
        );
    }

    #[test]
    fn typos_and_unknown_values_are_kept_with_warnings() {
        let mut w = Vec::new();
        let rows = facet_line(
            "English | Aduls (21+ years) | (Potential) Offenders | Secondary prevention | Male and female | Horse riding, Group work",
            &[],
            9,
            &mut w,
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(ids(&rows[0].age_groups), ["adults"]);
        assert_eq!(ids(&rows[0].genders), ["male", "female"]);
        assert_eq!(ids(&rows[0].delivery), ["other:Horse riding", "group_work"]);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w.iter().all(|w| w.line == 9));
    }
}
