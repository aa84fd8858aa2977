//! Controlled vocabularies: the words the facets may take, and how free text maps onto them.
//!
//! Each vocabulary has a stable snake_case id (what the API, URLs and the store use) and a
//! human label (what people read). Text that matches no entry is never dropped: it becomes
//! [`Term::Other`] and the caller is expected to warn about it.

pub(crate) mod coded;
mod country;
mod facets;
mod language;
mod matching;

pub use country::Country;
pub use facets::{AgeGroup, Delivery, Gender, PreventionLevel, Subgroup, TargetGroup};
pub use language::Language;
pub use matching::{normalize_label, without_parentheses, LabelKey, MatchQuality, MatchTable};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// A controlled vocabulary: a closed set of values, each with an id, a label and aliases.
pub trait Vocabulary: Sized + Clone + Eq + fmt::Debug + Send + Sync + 'static {
    /// The facet's singular id, as used in URLs and warnings (e.g. `target_group`).
    const FACET: &'static str;

    /// Every value, in the order people expect to see them.
    fn all() -> Vec<Self>;

    /// The stable snake_case id (or ISO code) of this value.
    fn id(&self) -> &'static str;

    /// The label shown to people.
    fn label(&self) -> &'static str;

    /// Other spellings that mean this value exactly (matched without a warning).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// The value with this id, if any.
    fn from_id(id: &str) -> Option<Self> {
        Self::all().into_iter().find(|v| v.id() == id)
    }

    /// Position of this value in [`Vocabulary::all`], for display ordering.
    fn position(&self) -> usize {
        Self::all()
            .iter()
            .position(|v| v == self)
            .unwrap_or(usize::MAX)
    }

    /// The vocabulary's normalised forms, built once.
    fn match_table() -> &'static MatchTable<Self>;

    /// Maps free text (a label from a record) onto the vocabulary, tolerating case, spacing,
    /// punctuation and small typos. Returns `None` when nothing is close enough.
    fn match_label(text: &str) -> Option<(Self, MatchQuality)> {
        matching::match_label::<Self>(text)
    }

    /// Like [`Vocabulary::match_label`] but without typo tolerance: cheaper, for deciding
    /// which vocabulary a piece of text belongs to.
    fn match_exact(text: &str) -> Option<Self> {
        Self::match_table().find_exact(text)
    }

    /// [`Vocabulary::match_exact`] for a text normalised already with [`LabelKey::new`].
    fn match_key(key: &LabelKey) -> Option<Self> {
        Self::match_table().find_key(key)
    }
}

/// A facet value: a known vocabulary entry, or text kept verbatim because no entry matched.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term<T> {
    /// A value of the controlled vocabulary.
    Known(T),
    /// Text that matched no vocabulary entry, kept exactly as it was written.
    Other(String),
}

/// Prefix that marks a verbatim value in ids (`other:Sports coaching`).
pub const OTHER_PREFIX: &str = "other:";

impl<T: Vocabulary> Term<T> {
    /// The id used in JSON, URLs and the store: the vocabulary id, or `other:<verbatim text>`.
    pub fn id(&self) -> String {
        match self {
            Term::Known(v) => v.id().to_string(),
            Term::Other(text) => format!("{OTHER_PREFIX}{text}"),
        }
    }

    /// The text people read: the vocabulary label, or the verbatim text.
    pub fn label(&self) -> &str {
        match self {
            Term::Known(v) => v.label(),
            Term::Other(text) => text,
        }
    }

    /// Parses an id as produced by [`Term::id`]. Text that is neither a known id nor marked
    /// `other:` is kept verbatim as [`Term::Other`], so nothing is ever lost.
    pub fn from_id(id: &str) -> Self {
        if let Some(v) = T::from_id(id) {
            Term::Known(v)
        } else if let Some(rest) = id.strip_prefix(OTHER_PREFIX) {
            Term::Other(rest.to_string())
        } else {
            Term::Other(id.to_string())
        }
    }

    /// The known value, if this is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Term::Known(v) => Some(v),
            Term::Other(_) => None,
        }
    }
}

impl<T: Vocabulary> PartialOrd for Term<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Terms sort by their id, so flat lists are stable and easy to compare.
impl<T: Vocabulary> Ord for Term<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(&other.id())
    }
}

impl<T: Vocabulary> Serialize for Term<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id())
    }
}

impl<'de, T: Vocabulary> Deserialize<'de> for Term<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Ok(Term::from_id(&id))
    }
}

impl<T: Vocabulary> fmt::Display for Term<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Declares a vocabulary enum with ids, labels and aliases, and implements serde for it.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $facet:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $id:literal, $label:literal $(, [$($alias:literal),* $(,)?])? ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $crate::vocab::Vocabulary for $name {
            const FACET: &'static str = $facet;

            fn all() -> Vec<Self> {
                vec![$( $name::$variant, )*]
            }

            fn id(&self) -> &'static str {
                match self { $( $name::$variant => $id, )* }
            }

            fn label(&self) -> &'static str {
                match self { $( $name::$variant => $label, )* }
            }

            fn aliases(&self) -> &'static [&'static str] {
                match self { $( $name::$variant => &[$($($alias),*)?], )* }
            }

            fn match_table() -> &'static $crate::vocab::MatchTable<Self> {
                static TABLE: std::sync::OnceLock<$crate::vocab::MatchTable<$name>> =
                    std::sync::OnceLock::new();
                TABLE.get_or_init($crate::vocab::MatchTable::build)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::vocab::Vocabulary::id(self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let id = String::deserialize(deserializer)?;
                <$name as $crate::vocab::Vocabulary>::from_id(&id).ok_or_else(|| {
                    // Listing the ids lets whoever typed the value fix it without the docs.
                    serde::de::Error::custom(format!(
                        "unknown value {:?} (expected one of {})",
                        id,
                        [$( $id ),*].join(", ")
                    ))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::vocab::Vocabulary::label(self))
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_terms_round_trip_through_ids() {
        let t: Term<Gender> = Term::Other("Non-binary people".into());
        assert_eq!(t.id(), "other:Non-binary people");
        assert_eq!(Term::<Gender>::from_id(&t.id()), t);
        assert_eq!(Term::<Gender>::from_id("male"), Term::Known(Gender::Male));
        assert_eq!(
            Term::<Gender>::from_id("whatever"),
            Term::Other("whatever".into())
        );
    }

    #[test]
    fn ids_are_unique_and_snake_case_in_every_vocabulary() {
        fn check<T: Vocabulary>() {
            let all = T::all();
            let mut ids: Vec<_> = all.iter().map(|v| v.id()).collect();
            for id in &ids {
                assert!(
                    id.chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_uppercase()),
                    "{} id {id:?}",
                    T::FACET
                );
                assert_eq!(T::from_id(id).map(|v| v.id()), Some(*id));
            }
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), all.len(), "duplicate ids in {}", T::FACET);
        }
        check::<TargetGroup>();
        check::<PreventionLevel>();
        check::<AgeGroup>();
        check::<Gender>();
        check::<Delivery>();
        check::<Subgroup>();
        check::<Language>();
        check::<Country>();
        check::<crate::evidence::StudyDesign>();
        check::<crate::evidence::StudyQuality>();
        check::<crate::evidence::OutcomeKind>();
        check::<crate::evidence::Direction>();
        check::<crate::evidence::Magnitude>();
        check::<crate::accounts::Role>();
        check::<crate::lifecycle::Status>();
        check::<crate::audit::AuditAction>();
    }
}
