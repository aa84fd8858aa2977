//! Countries as ISO 3166-1 alpha-2 codes, recognised from their English names.

use super::coded::coded_vocabulary;

// Europe, North America and Oceania, where the database's services are, plus others the
// literature names. Unknown countries are kept verbatim.
coded_vocabulary! {
    /// A country, identified by its ISO 3166-1 alpha-2 code (`GB`, `DE`, …).
    Country, "country", "ISO 3166-1 alpha-2" {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;

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
