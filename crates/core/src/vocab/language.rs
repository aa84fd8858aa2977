//! Languages as ISO 639-1 codes, recognised from their English names (and a few endonyms).

use super::coded::coded_vocabulary;

// The languages of Europe, North America and Oceania, where the database's services are,
// plus the most spoken community languages there. Unknown languages are kept verbatim.
coded_vocabulary! {
    /// A language, identified by its ISO 639-1 code (`en`, `es`, `fr`, …).
    Language, "language", "ISO 639-1" {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;

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
