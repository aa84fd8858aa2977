//! "Information correct at": a year, or a year and month.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A date known to the month or only to the year, written `YYYY-MM` or `YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    /// The year, 1900–2999.
    pub year: u16,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
}

/// Why a partial date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartialDateError {
    /// Not `YYYY` or `YYYY-MM`.
    #[error("expected YYYY or YYYY-MM, found {0:?}")]
    Shape(String),
    /// The year is out of the range this catalogue can mean.
    #[error("year {0} is outside 1900–2999")]
    Year(u16),
    /// The month is not 1–12.
    #[error("month {0} is not 1–12")]
    Month(u8),
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl PartialDate {
    /// A checked partial date.
    pub fn new(year: u16, month: Option<u8>) -> Result<Self, PartialDateError> {
        if !(1900..=2999).contains(&year) {
            return Err(PartialDateError::Year(year));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(PartialDateError::Month(m));
            }
        }
        Ok(PartialDate { year, month })
    }

    /// Parses the ISO-like form `YYYY` or `YYYY-MM`.
    pub fn parse_iso(text: &str) -> Result<Self, PartialDateError> {
        let text = text.trim();
        let shape = || PartialDateError::Shape(text.to_string());
        let (year, month) = match text.split_once('-') {
            Some((y, m)) => (y, Some(m)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(shape());
        }
        let year: u16 = year.parse().map_err(|_| shape())?;
        let month = match month {
            Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                Some(m.parse::<u8>().map_err(|_| shape())?)
            }
            Some(_) => return Err(shape()),
            None => None,
        };
        PartialDate::new(year, month)
    }

    /// Parses the prose forms records use: "March 2021", "Mar 2021", "2017", "03/2021",
    /// "2021-03".
    pub fn parse_prose(text: &str) -> Result<Self, PartialDateError> {
        let cleaned: String = text.trim().trim_end_matches(['.', ':']).trim().to_string();
        if let Ok(d) = PartialDate::parse_iso(&cleaned) {
            return Ok(d);
        }
        let words: Vec<String> = cleaned
            .split(|c: char| c.is_whitespace() || c == ',' || c == '/')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect();
        let shape = || PartialDateError::Shape(text.trim().to_string());
        match words.as_slice() {
            [month, year] => {
                let year: u16 = parse_year(year).ok_or_else(shape)?;
                let month = if let Ok(n) = month.parse::<u8>() {
                    n
                } else {
                    month_number(month).ok_or_else(shape)?
                };
                PartialDate::new(year, Some(month))
            }
            [year] => PartialDate::new(parse_year(year).ok_or_else(shape)?, None),
            _ => Err(shape()),
        }
    }

    /// Whole months from this date to `(year, month)`, counting an unknown month as January
    /// so that a year-only date ages as early as it could be.
    pub fn months_until(&self, year: u16, month: u8) -> i32 {
        let own = i32::from(self.year) * 12 + i32::from(self.month.unwrap_or(1)) - 1;
        let other = i32::from(year) * 12 + i32::from(month) - 1;
        other - own
    }

    /// Text for people: "March 2021" or "2017".
    pub fn display_long(&self) -> String {
        match self.month {
            Some(m) => {
                let name = MONTHS[usize::from(m - 1)];
                let mut chars = name.chars();
                let capital: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                format!("{capital} {}", self.year)
            }
            None => self.year.to_string(),
        }
    }
}

fn parse_year(word: &str) -> Option<u16> {
    if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

fn month_number(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.');
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(word) && (word.len() >= 3))
        .and_then(|i| u8::try_from(i + 1).ok())
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            Some(m) => write!(f, "{:04}-{:02}", self.year, m),
            None => write!(f, "{:04}", self.year),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PartialDate::parse_iso(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_dates_parse() {
        assert_eq!(
            PartialDate::parse_prose("March 2021").map(|d| d.to_string()),
            Ok("2021-03".into())
        );
        assert_eq!(
            PartialDate::parse_prose("2017").map(|d| d.to_string()),
            Ok("2017".into())
        );
        assert_eq!(
            PartialDate::parse_prose("sept 2019").map(|d| d.to_string()),
            Ok("2019-09".into())
        );
        assert_eq!(
            PartialDate::parse_prose("03/2020").map(|d| d.to_string()),
            Ok("2020-03".into())
        );
        assert!(PartialDate::parse_prose("soon").is_err());
        assert!(PartialDate::parse_prose("13/2020").is_err());
    }

    #[test]
    fn iso_round_trip() {
        for s in ["2021-03", "2017"] {
            assert_eq!(
                PartialDate::parse_iso(s).map(|d| d.to_string()),
                Ok(s.to_string())
            );
        }
        assert!(PartialDate::parse_iso("2021-3").is_err());
    }

    #[test]
    fn age_in_months() {
        let d = PartialDate::parse_iso("2021-03").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.months_until(2023, 3), 24);
        assert_eq!(d.display_long(), "March 2021");
    }
}
