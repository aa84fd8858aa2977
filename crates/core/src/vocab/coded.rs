//! Vocabularies identified by standard codes (ISO 639-1 languages, ISO 3166-1 countries):
//! a table of code, English name and aliases, and the same trait impls for each.

/// One row of a coded vocabulary's table.
#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodedEntry {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) aliases: &'static [&'static str],
}

/// Declares a coded vocabulary: the type (a reference into its table), the table, and the
/// `Vocabulary`, serde, `Debug` and `Display` impls, which are the same for every such type.
macro_rules! coded_vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $facet:literal, $standard:literal {
            $( $code:literal, $label:literal, [$($alias:literal),*] ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(&'static $crate::vocab::coded::CodedEntry);

        impl $name {
            const TABLE: &'static [$crate::vocab::coded::CodedEntry] = &[
                $( $crate::vocab::coded::CodedEntry {
                    code: $code,
                    name: $label,
                    aliases: &[$($alias),*],
                }, )*
            ];

            #[doc = concat!("The ", $standard, " code.")]
            pub fn code(&self) -> &'static str {
                self.0.code
            }

            /// How many values the vocabulary has: the size of a bitset over them.
            pub(crate) const COUNT: usize = Self::TABLE.len();

            /// The value's position in the table, below [`Self::COUNT`]: its bit in a bitset.
            /// Found by code, not by address, because a constant's table need not live at one
            /// address in every crate that uses it.
            pub(crate) fn index(self) -> usize {
                Self::TABLE
                    .iter()
                    .position(|e| e.code == self.0.code)
                    .unwrap_or(0)
            }
        }

        impl $crate::vocab::Vocabulary for $name {
            const FACET: &'static str = $facet;

            fn all() -> Vec<Self> {
                Self::TABLE.iter().map($name).collect()
            }

            fn id(&self) -> &'static str {
                self.0.code
            }

            fn label(&self) -> &'static str {
                self.0.name
            }

            fn aliases(&self) -> &'static [&'static str] {
                self.0.aliases
            }

            fn match_table() -> &'static $crate::vocab::MatchTable<Self> {
                static TABLE: std::sync::OnceLock<$crate::vocab::MatchTable<$name>> =
                    std::sync::OnceLock::new();
                TABLE.get_or_init($crate::vocab::MatchTable::build)
            }

            fn from_id(id: &str) -> Option<Self> {
                Self::TABLE.iter().find(|e| e.code == id).map($name)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.name)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.0.code)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <String as serde::Deserialize>::deserialize(deserializer)?;
                <$name as $crate::vocab::Vocabulary>::from_id(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} code {:?}", $facet, code))
                })
            }
        }
    };
}

pub(crate) use coded_vocabulary;
