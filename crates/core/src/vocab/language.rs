//! Languages as ISO 639-1 codes, recognised from their English names (and a few endonyms).

use super::Vocabulary;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A language, identified by its ISO 639-1 code (`en`, `es`, `fr`, …).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(&'static LanguageEntry);

#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
struct LanguageEntry {
    code: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
}

macro_rules! languages {
    ($( $code:literal, $name:literal, [$($alias:literal),*] ; )*) => {
        static LANGUAGES: &[LanguageEntry] = &[
            $( LanguageEntry { code: $code, name: $name, aliases: &[$($alias),*] }, )*
        ];
    };
}

// The languages of Europe, North America and Oceania, where the database's services are,
// plus the most spoken community languages there. Unknown languages are kept verbatim.
languages! {
    "en", "English", ["Anglais", "Englisch"];
    "es", "Spanish", ["Español", "Espanol", "Castilian"];
    "fr", "French", ["Français", "Francais"];
    "de", "German", ["Deutsch"];
    "it", "Italian", ["Italiano"];
    "pt", "Portuguese", ["Português", "Portugues"];
    "nl", "Dutch", ["Nederlands", "Flemish", "Vlaams"];
    "sv", "Swedish", ["Svenska"];
    "da", "Danish", ["Dansk"];
    "no", "Norwegian", ["Norsk"];
    "fi", "Finnish", ["Suomi"];
    "is", "Icelandic", ["Íslenska"];
    "ga", "Irish", ["Gaeilge", "Irish Gaelic"];
    "gd", "Scottish Gaelic", ["Gàidhlig", "Gaelic"];
    "cy", "Welsh", ["Cymraeg"];
    "pl", "Polish", ["Polski"];
    "cs", "Czech", ["Čeština", "Cestina"];
    "sk", "Slovak", ["Slovenčina"];
    "sl", "Slovenian", ["Slovene", "Slovenščina"];
    "hr", "Croatian", ["Hrvatski"];
    "sr", "Serbian", ["Srpski"];
    "bs", "Bosnian", [];
    "bg", "Bulgarian", [];
    "ro", "Romanian", ["Română", "Romana"];
    "hu", "Hungarian", ["Magyar"];
    "el", "Greek", ["Ελληνικά"];
    "et", "Estonian", ["Eesti"];
    "lv", "Latvian", ["Latviešu"];
    "lt", "Lithuanian", ["Lietuvių"];
    "mt", "Maltese", ["Malti"];
    "lb", "Luxembourgish", ["Lëtzebuergesch"];
    "ca", "Catalan", ["Català"];
    "eu", "Basque", ["Euskara"];
    "gl", "Galician", ["Galego"];
    "sq", "Albanian", ["Shqip"];
    "mk", "Macedonian", [];
    "uk", "Ukrainian", ["Українська"];
    "ru", "Russian", ["Русский"];
    "tr", "Turkish", ["Türkçe"];
    "ar", "Arabic", [];
    "he", "Hebrew", [];
    "fa", "Persian", ["Farsi"];
    "ur", "Urdu", [];
    "hi", "Hindi", [];
    "pa", "Punjabi", ["Panjabi"];
    "bn", "Bengali", ["Bangla"];
    "zh", "Chinese", ["Mandarin", "Cantonese"];
    "ja", "Japanese", [];
    "ko", "Korean", [];
    "vi", "Vietnamese", [];
    "so", "Somali", [];
    "sw", "Swahili", [];
    "mi", "Maori", ["Māori", "Te Reo Māori"];
}

impl Vocabulary for Language {
    const FACET: &'static str = "language";

    fn all() -> Vec<Self> {
        LANGUAGES.iter().map(Language).collect()
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

    fn match_table() -> &'static super::MatchTable<Self> {
        static TABLE: std::sync::OnceLock<super::MatchTable<Language>> = std::sync::OnceLock::new();
        TABLE.get_or_init(super::MatchTable::build)
    }

    fn from_id(id: &str) -> Option<Self> {
        LANGUAGES.iter().find(|l| l.code == id).map(Language)
    }
}

impl Language {
    /// The ISO 639-1 code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Language({})", self.0.code)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for Language {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.code)
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Language::from_id(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language code {code:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_iso_codes() {
        for (name, code) in [
            ("English", "en"),
            ("Spanish", "es"),
            ("french", "fr"),
            ("Deutsch", "de"),
        ] {
            assert_eq!(Language::match_label(name).map(|m| m.0.code()), Some(code));
        }
        assert!(Language::match_label("Klingon").is_none());
    }
}
