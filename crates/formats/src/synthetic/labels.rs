//! The facet words synthetic records use: the core vocabularies' labels and aliases, plus
//! checked small typos and checked unknown values, so the importer's tolerance is exercised
//! without ever producing something it could not match for the right reason.

use preventory_core::vocab::{
    AgeGroup, Delivery, Gender, Language, MatchQuality, PreventionLevel, Subgroup, TargetGroup,
    Vocabulary,
};
use std::sync::OnceLock;

/// Index of each facet in [`Labels::facets`], in the canonical order of a facet line.
pub(super) const TARGET: usize = 0;
pub(super) const LEVEL: usize = 1;
pub(super) const AGE: usize = 2;
pub(super) const GENDER: usize = 3;
pub(super) const DELIVERY: usize = 4;
pub(super) const SUBGROUP: usize = 5;
pub(super) const LANGUAGE: usize = 6;
/// Number of facets on a facet line.
pub(super) const FACETS: usize = 7;

/// Values that are in no vocabulary, per facet (checked when the tables are built). Single
/// valued facets (target group, prevention level) get none: an unknown word alone in a field
/// could not be placed by anyone.
const UNKNOWN: [&[&str]; FACETS] = [
    &[],
    &[],
    &["Older adults (65+ years)", "Students"],
    &["Non-binary people", "Transgender people"],
    &["Horse riding", "Outdoor activities", "Art workshops"],
    &["Taxi drivers", "Holiday camps", "Fictional scouting clubs"],
    &["Esperanto", "Makaton", "Elvish"],
];

/// The languages synthetic records are delivered in: English, then second languages.
const LANGUAGES: [&str; 12] = [
    "English", "Welsh", "French", "German", "Spanish", "Dutch", "Polish", "Italian", "Swedish",
    "Urdu", "Punjabi", "Arabic",
];

/// The words of one vocabulary.
pub(super) struct Words {
    /// Label of each value, in vocabulary order.
    pub labels: Vec<&'static str>,
    /// Aliases of each value.
    pub aliases: Vec<Vec<&'static str>>,
    /// Misspellings of each value's label that still match it, and only it.
    pub typos: Vec<Vec<String>>,
    /// Words that match no facet vocabulary at all.
    pub unknown: Vec<&'static str>,
}

/// Facet words for all seven facets of a facet line.
pub(super) struct Labels {
    /// Indexed by [`TARGET`] … [`LANGUAGE`].
    pub facets: [Words; FACETS],
    /// Indices into the language list that are common enough to appear as second languages.
    pub common_languages: Vec<usize>,
    /// Index of English in the language list.
    pub english: usize,
}

/// The tables, built once per process (they cost a few milliseconds of fuzzy matching).
pub(super) fn labels() -> &'static Labels {
    static LABELS: OnceLock<Labels> = OnceLock::new();
    LABELS.get_or_init(build)
}

/// How a text matches each facet vocabulary, in canonical order.
pub(super) fn classify(text: &str) -> [Option<(usize, MatchQuality)>; FACETS] {
    fn m<T: Vocabulary>(text: &str) -> Option<(usize, MatchQuality)> {
        T::match_label(text).map(|(v, q)| (v.position(), q))
    }
    [
        m::<TargetGroup>(text),
        m::<PreventionLevel>(text),
        m::<AgeGroup>(text),
        m::<Gender>(text),
        m::<Delivery>(text),
        m::<Subgroup>(text),
        m::<Language>(text),
    ]
}

/// The words of vocabulary `T`, at `facet`. When `wanted` is given, only those values get
/// aliases and typos (the others are never drawn, and checking costs time).
fn words<T: Vocabulary>(facet: usize, wanted: Option<&[&str]>) -> Words {
    let all = T::all();
    let labels: Vec<&'static str> = all.iter().map(Vocabulary::label).collect();
    let is_wanted = |label: &str| wanted.is_none_or(|w| w.contains(&label));
    // Aliases are the vocabulary's own exact spellings (a unit test checks that each matches
    // its value and no other facet), so they are used without checking again here.
    let aliases = all
        .iter()
        .map(|v| {
            if is_wanted(v.label()) {
                v.aliases().to_vec()
            } else {
                Vec::new()
            }
        })
        .collect();
    let typos = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            if is_wanted(label) {
                typos_of(label, facet, i)
            } else {
                Vec::new()
            }
        })
        .collect();
    let unknown = UNKNOWN[facet]
        .iter()
        .copied()
        .filter(|u| classify(u).iter().all(Option::is_none))
        .collect();
    Words {
        labels,
        aliases,
        typos,
        unknown,
    }
}

/// Misspellings of `label` made by dropping one inner letter of a word of six letters or more,
/// kept only when they match value `index` of facet `facet` fuzzily and nothing else at all.
fn typos_of(label: &str, facet: usize, index: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    // Checking a candidate means fuzzy matching it against every vocabulary, so try a few.
    let mut attempts = 0;
    for word in label.split(' ') {
        let letters: Vec<(usize, char)> = word.char_indices().collect();
        if letters.len() >= 6 && letters.iter().all(|(_, c)| c.is_alphabetic()) {
            // Drop a letter in the middle third, as a hurried typist would.
            for &(at, c) in &letters[2..letters.len() - 1] {
                attempts += 1;
                if attempts > 3 {
                    return out;
                }
                let mut typo = String::with_capacity(label.len());
                typo.push_str(&label[..start + at]);
                typo.push_str(&label[start + at + c.len_utf8()..]);
                let matches = classify(&typo);
                let only_here = matches.iter().enumerate().all(|(f, m)| match m {
                    Some((i, q)) => f == facet && *i == index && *q == MatchQuality::Fuzzy,
                    None => f != facet,
                });
                if only_here && !out.contains(&typo) {
                    out.push(typo);
                }
                if out.len() >= 3 {
                    return out;
                }
            }
        }
        start += word.len() + 1;
    }
    out
}

fn build() -> Labels {
    let facets = [
        words::<TargetGroup>(TARGET, None),
        words::<PreventionLevel>(LEVEL, None),
        words::<AgeGroup>(AGE, None),
        words::<Gender>(GENDER, None),
        words::<Delivery>(DELIVERY, None),
        words::<Subgroup>(SUBGROUP, None),
        words::<Language>(LANGUAGE, Some(&LANGUAGES)),
    ];
    let languages = &facets[LANGUAGE].labels;
    let find = |name: &str| languages.iter().position(|l| *l == name);
    let english = find("English").unwrap_or(0);
    let common_languages = LANGUAGES[1..]
        .iter()
        .filter_map(|name| find(name))
        .collect();
    Labels {
        facets,
        common_languages,
        english,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_and_alias_classifies_as_its_own_value() {
        let l = labels();
        for (facet, words) in l.facets.iter().enumerate() {
            for (i, label) in words.labels.iter().enumerate() {
                assert_eq!(
                    classify(label)[facet],
                    Some((i, MatchQuality::Exact)),
                    "{label}"
                );
                for alias in &words.aliases[i] {
                    for (f, m) in classify(alias).iter().enumerate() {
                        if f == facet {
                            assert_eq!(*m, Some((i, MatchQuality::Exact)), "{alias}");
                        } else {
                            assert_eq!(*m, None, "{alias} also matches facet {f}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn typos_and_unknown_values_exist_for_the_list_facets() {
        let l = labels();
        for facet in [AGE, GENDER, DELIVERY, SUBGROUP, LANGUAGE] {
            assert!(!l.facets[facet].unknown.is_empty(), "facet {facet}");
        }
        for facet in 0..FACETS {
            assert!(
                l.facets[facet].typos.iter().any(|t| !t.is_empty()),
                "no typos for facet {facet}"
            );
        }
        assert!(!l.common_languages.is_empty());
    }
}
