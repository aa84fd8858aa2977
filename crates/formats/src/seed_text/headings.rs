//! Recognising the headings of the export, which vary from page to page.

use preventory_core::record::section;
use preventory_core::vocab::{normalize_label, without_parentheses};

/// What a heading line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Heading {
    /// "Database Filters": a marker with no content of its own.
    DatabaseFilters,
    /// "Summary".
    Summary,
    /// "Type of intervention".
    InterventionTypes,
    /// "Target groups, level of prevention and subgroups" and its variants.
    Facets,
    /// A narrative section, by its key.
    Section(&'static str),
    /// "References".
    References,
    /// "Contact details".
    Contact,
}

/// How sure we are that a line is the heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeadingMatch {
    /// Same words, ignoring case, punctuation and a parenthesised hint.
    Exact,
    /// One or two letters off: accepted with a warning.
    Typo,
}

const HEADINGS: &[(&str, Heading)] = &[
    ("database filters", Heading::DatabaseFilters),
    ("summary", Heading::Summary),
    ("type of intervention", Heading::InterventionTypes),
    ("types of intervention", Heading::InterventionTypes),
    ("type of interventions", Heading::InterventionTypes),
    ("intervention type", Heading::InterventionTypes),
    (
        "target population",
        Heading::Section(section::TARGET_POPULATION),
    ),
    (
        "target populations",
        Heading::Section(section::TARGET_POPULATION),
    ),
    (
        "delivery organisation",
        Heading::Section(section::DELIVERY_ORGANISATION),
    ),
    (
        "delivery organization",
        Heading::Section(section::DELIVERY_ORGANISATION),
    ),
    (
        "delivery organisations",
        Heading::Section(section::DELIVERY_ORGANISATION),
    ),
    (
        "mode and context of delivery",
        Heading::Section(section::MODE_AND_CONTEXT),
    ),
    (
        "mode of delivery",
        Heading::Section(section::MODE_AND_CONTEXT),
    ),
    (
        "mode and context",
        Heading::Section(section::MODE_AND_CONTEXT),
    ),
    (
        "level nature of staff expertise required",
        Heading::Section(section::STAFF_EXPERTISE),
    ),
    (
        "level of staff expertise required",
        Heading::Section(section::STAFF_EXPERTISE),
    ),
    (
        "nature of staff expertise required",
        Heading::Section(section::STAFF_EXPERTISE),
    ),
    (
        "staff expertise required",
        Heading::Section(section::STAFF_EXPERTISE),
    ),
    (
        "staff expertise",
        Heading::Section(section::STAFF_EXPERTISE),
    ),
    (
        "intensity extent of engagement with target group",
        Heading::Section(section::INTENSITY),
    ),
    (
        "intensity extent of engagement with target groups",
        Heading::Section(section::INTENSITY),
    ),
    (
        "intensity extent of engagement",
        Heading::Section(section::INTENSITY),
    ),
    ("intensity", Heading::Section(section::INTENSITY)),
    (
        "description of intervention",
        Heading::Section(section::DESCRIPTION),
    ),
    (
        "description of the intervention",
        Heading::Section(section::DESCRIPTION),
    ),
    ("description", Heading::Section(section::DESCRIPTION)),
    ("evaluation", Heading::Section(section::EVALUATION)),
    ("evaluations", Heading::Section(section::EVALUATION)),
    (
        "evaluation of intervention",
        Heading::Section(section::EVALUATION),
    ),
    ("references", Heading::References),
    ("reference", Heading::References),
    ("contact details", Heading::Contact),
    ("contact", Heading::Contact),
    ("contacts", Heading::Contact),
];

/// Longest line that can be a heading (the longest known heading with a hint is ~80).
const MAX_HEADING_LEN: usize = 120;

/// The heading this line is, if it is one.
pub(super) fn recognise(text: &str) -> Option<(Heading, HeadingMatch)> {
    // Headings never end like sentences; most prose lines are rejected here, cheaply.
    if text.is_empty()
        || text.len() > MAX_HEADING_LEN * 4
        || text.ends_with(['.', ',', ';', '!', '?'])
        || text.chars().count() > MAX_HEADING_LEN
        || text.contains('|')
    {
        return None;
    }
    let bare = without_hint(text);
    let norm = normalize_label(&bare);
    if norm.is_empty() {
        return None;
    }
    if is_facet_heading(&norm) {
        return Some((Heading::Facets, HeadingMatch::Exact));
    }
    if let Some((_, heading)) = HEADINGS.iter().find(|(h, _)| *h == norm) {
        return Some((*heading, HeadingMatch::Exact));
    }
    // Typos in the longer headings only: short words are too easily confused. Sentences are
    // not headings, so they are not compared at all (this runs on every line).
    if text.ends_with(['.', ',', ';']) || norm.len() > 60 {
        return None;
    }
    let best = HEADINGS
        .iter()
        // A typo seldom hits the first letter; comparing only headings that share it keeps
        // this cheap enough to run on every line.
        .filter(|(h, _)| {
            h.len() >= 10
                && h.len().abs_diff(norm.len()) <= 2
                && h.as_bytes().first() == norm.as_bytes().first()
        })
        .map(|(h, heading)| (strsim::levenshtein(h, &norm), heading))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d);
    best.map(|(_, heading)| (*heading, HeadingMatch::Typo))
}

/// "Target group/s, level/s of prevention and sub-group/s:" and friends.
fn is_facet_heading(norm: &str) -> bool {
    norm.starts_with("target group") && norm.contains("prevention")
}

/// The heading without a parenthesised hint ("(e.g. LFF UK, …)") or trailing colon.
fn without_hint(text: &str) -> String {
    without_parentheses(text)
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_string()
}

/// Whether a line could be a heading we do not know: short, capitalised, no sentence
/// punctuation. The caller also checks that blank lines surround it.
pub(super) fn looks_like_unknown_heading(text: &str) -> bool {
    let words = text.split_whitespace().count();
    let first_upper = text.chars().next().is_some_and(char::is_uppercase);
    let ends_like_sentence = text.ends_with(['.', ',', ';', ':', '!', '?']);
    (1..=8).contains(&words)
        && text.chars().count() <= 60
        && first_upper
        && !ends_like_sentence
        && !text.contains('|')
        && !text.contains('@')
        && !text.contains("://")
        && text.chars().filter(|c| c.is_ascii_digit()).count() < 3
        && super::lines::strip_bullet(text).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_variants_are_recognised() {
        for (line, expected) in [
            (
                "Target population",
                Heading::Section(section::TARGET_POPULATION),
            ),
            (
                "Delivery organisation ",
                Heading::Section(section::DELIVERY_ORGANISATION),
            ),
            (
                "Delivery organisation (e.g. LFF UK, Prison Service of England and Wales)",
                Heading::Section(section::DELIVERY_ORGANISATION),
            ),
            (
                "Level/Nature of staff expertise required",
                Heading::Section(section::STAFF_EXPERTISE),
            ),
            (
                "Level/nature of staff expertise required (e.g. professional background)",
                Heading::Section(section::STAFF_EXPERTISE),
            ),
            (
                "Intensity/extent of engagement with target group(s)",
                Heading::Section(section::INTENSITY),
            ),
            ("Evaluations", Heading::Section(section::EVALUATION)),
            (
                "Target groups, level of prevention and subgroups",
                Heading::Facets,
            ),
            (
                "Target group/s, level/s of prevention and sub-group/s:",
                Heading::Facets,
            ),
            ("Contact details", Heading::Contact),
        ] {
            assert_eq!(recognise(line).map(|h| h.0), Some(expected), "{line}");
        }
        assert_eq!(
            recognise("Descripton of intervention"),
            Some((Heading::Section(section::DESCRIPTION), HeadingMatch::Typo))
        );
        assert_eq!(recognise("The Core Group"), None);
        assert_eq!(recognise("Summary of findings from the trial"), None);
    }
}
