//! Countries as ISO 3166-1 alpha-2 codes, recognised from their English names.

use super::Vocabulary;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A country, identified by its ISO 3166-1 alpha-2 code (`GB`, `DE`, …).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country(&'static CountryEntry);

#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
struct CountryEntry {
    code: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
}

macro_rules! countries {
    ($( $code:literal, $name:literal, [$($alias:literal),*] ; )*) => {
        static COUNTRIES: &[CountryEntry] = &[
            $( CountryEntry { code: $code, name: $name, aliases: &[$($alias),*] }, )*
        ];
    };
}

// Europe, North America and Oceania, where the database's services are, plus others the
// literature names. Unknown countries are kept verbatim.
countries! {
    "GB", "United Kingdom", ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "England and Wales"];
    "IE", "Ireland", ["Republic of Ireland", "Eire"];
    "FR", "France", [];
    "DE", "Germany", ["Deutschland"];
    "NL", "Netherlands", ["The Netherlands", "Holland"];
    "BE", "Belgium", [];
    "LU", "Luxembourg", [];
    "ES", "Spain", ["España"];
    "PT", "Portugal", [];
    "IT", "Italy", ["Italia"];
    "MT", "Malta", [];
    "GR", "Greece", [];
    "CY", "Cyprus", [];
    "AT", "Austria", ["Österreich"];
    "CH", "Switzerland", ["Schweiz", "Suisse"];
    "LI", "Liechtenstein", [];
    "DK", "Denmark", ["Danmark"];
    "SE", "Sweden", ["Sverige"];
    "NO", "Norway", ["Norge"];
    "FI", "Finland", ["Suomi"];
    "IS", "Iceland", [];
    "EE", "Estonia", [];
    "LV", "Latvia", [];
    "LT", "Lithuania", [];
    "PL", "Poland", ["Polska"];
    "CZ", "Czechia", ["Czech Republic"];
    "SK", "Slovakia", [];
    "HU", "Hungary", [];
    "SI", "Slovenia", [];
    "HR", "Croatia", [];
    "BA", "Bosnia and Herzegovina", [];
    "RS", "Serbia", [];
    "ME", "Montenegro", [];
    "MK", "North Macedonia", [];
    "AL", "Albania", [];
    "XK", "Kosovo", [];
    "RO", "Romania", [];
    "BG", "Bulgaria", [];
    "MD", "Moldova", [];
    "UA", "Ukraine", [];
    "BY", "Belarus", [];
    "RU", "Russia", ["Russian Federation"];
    "TR", "Turkey", ["Türkiye"];
    "GE", "Georgia", [];
    "AM", "Armenia", [];
    "AZ", "Azerbaijan", [];
    "US", "United States", ["USA", "U.S.", "US", "United States of America", "America"];
    "CA", "Canada", [];
    "MX", "Mexico", [];
    "BR", "Brazil", [];
    "AR", "Argentina", [];
    "CL", "Chile", [];
    "AU", "Australia", [];
    "NZ", "New Zealand", ["Aotearoa"];
    "ZA", "South Africa", [];
    "KE", "Kenya", [];
    "IN", "India", [];
    "PH", "Philippines", [];
    "TH", "Thailand", [];
    "JP", "Japan", [];
    "KR", "South Korea", ["Korea"];
    "IL", "Israel", [];
}

impl Vocabulary for Country {
    const FACET: &'static str = "country";

    fn all() -> Vec<Self> {
        COUNTRIES.iter().map(Country).collect()
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
        static TABLE: std::sync::OnceLock<super::MatchTable<Country>> = std::sync::OnceLock::new();
        TABLE.get_or_init(super::MatchTable::build)
    }

    fn from_id(id: &str) -> Option<Self> {
        COUNTRIES.iter().find(|c| c.code == id).map(Country)
    }
}

impl Country {
    /// The ISO 3166-1 alpha-2 code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.0.code)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.code)
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Country::from_id(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown country code {code:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_iso_codes() {
        for (name, code) in [
            ("United Kingdom", "GB"),
            ("Scotland", "GB"),
            ("germany", "DE"),
            ("USA", "US"),
        ] {
            assert_eq!(Country::match_label(name).map(|m| m.0.code()), Some(code));
        }
    }
}
