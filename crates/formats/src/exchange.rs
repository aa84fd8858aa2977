//! Exchanging records as JSON (lossless, for other programs and for re-import) and as CSV (one
//! row per record, for spreadsheets).
//!
//! JSON is the serde form of [`Intervention`]: the stored fields plus the flat facet lists
//! (`target_groups`, `age_groups`, …), which are derived from the facet rows on output and
//! ignored on input. Exporting and re-importing gives identical records.
//!
//! CSV is for people: facet cells hold the labels people read, lists are joined with `"; "`,
//! and cells that a spreadsheet would run as a formula are defused (see [`to_csv`]). It is an
//! export only; read records back from JSON.
//!
//! Records passed in are expected to be public views already ([`Intervention::public_view`]);
//! nothing here removes confidential details.

use preventory_core::record::section;
use preventory_core::vocab::{Term, Vocabulary};
use preventory_core::Intervention;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Why records could not be exchanged. JSON errors name where the problem is: the record's
/// index in the array (counting from 0), its slug when it could be read, and the line and
/// column in the text (columns count bytes, as serde_json does).
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The records could not be written as JSON.
    #[error("could not write JSON: {0}")]
    JsonWrite(#[source] serde_json::Error),

    /// The JSON text is not well-formed (or ends early) while reading record `index`, or
    /// after the last record.
    #[error(
        "JSON syntax error at line {line}, column {column}, while reading record [{index}]: {message}"
    )]
    JsonSyntax {
        /// Index of the record being read when the error was found.
        index: usize,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, in bytes from the start of the line.
        column: usize,
        /// What serde_json found wrong.
        message: String,
    },

    /// Record `index` is well-formed JSON but not a valid record (a wrong type, an unknown id,
    /// a missing required field, a malformed date).
    #[error("record [{index}]{} at line {line}, column {column}: {message}", slug_note(.slug))]
    JsonRecord {
        /// Index of the record in the array, from 0 (0 for a single object).
        index: usize,
        /// The record's slug, when it could be read.
        slug: Option<String>,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, in bytes from the start of the line.
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// The JSON is neither an array of records nor a single record object.
    #[error("expected a JSON array of records or one record object, at line {line}, column {column}: {message}")]
    JsonShape {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, in bytes from the start of the line.
        column: usize,
        /// What was found instead.
        message: String,
    },

    /// The records could not be written as CSV.
    #[error("could not write CSV: {0}")]
    Csv(#[from] csv::Error),

    /// The CSV writer could not flush its output.
    #[error("could not write CSV: {0}")]
    CsvFlush(#[source] std::io::Error),
}

fn slug_note(slug: &Option<String>) -> String {
    match slug {
        Some(s) => format!(" (slug {s:?})"),
        None => String::new(),
    }
}

/// Writes records as a pretty-printed JSON array (with a final newline), ready to be read back
/// by [`from_json`].
pub fn to_json(records: &[Intervention]) -> Result<String, ExchangeError> {
    let mut text = serde_json::to_string_pretty(records).map_err(ExchangeError::JsonWrite)?;
    text.push('\n');
    Ok(text)
}

/// Reads records from JSON: an array of records as [`to_json`] writes it, or a single record
/// object. A leading byte-order mark is ignored. Errors name the record (index and, when
/// readable, slug) and the line and column.
pub fn from_json(text: &str) -> Result<Vec<Intervention>, ExchangeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = deserializer
        .deserialize_any(RecordsVisitor { out: &mut records })
        .and_then(|()| deserializer.end());
    match result {
        Ok(()) => Ok(records),
        Err(err) => Err(locate(text, records.len(), err)),
    }
}

/// Collects records from a JSON array, or the one record of a JSON object, into `out`, so
/// that on failure the number read so far gives the failing record's index.
struct RecordsVisitor<'a> {
    out: &'a mut Vec<Intervention>,
}

impl<'de> Visitor<'de> for RecordsVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of records or one record object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Intervention>()? {
            self.out.push(record);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let record = Intervention::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.out.push(record);
        Ok(())
    }
}

/// Turns a serde_json error into an [`ExchangeError`] naming the record and position.
fn locate(text: &str, index: usize, err: serde_json::Error) -> ExchangeError {
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let top_level = text.trim_start().chars().next();
    match err.classify() {
        // A well-formed document that is neither an array nor an object.
        serde_json::error::Category::Data if !matches!(top_level, Some('[' | '{')) => {
            ExchangeError::JsonShape {
                line,
                column,
                message,
            }
        }
        serde_json::error::Category::Data => ExchangeError::JsonRecord {
            index,
            slug: slug_at(text, index),
            line,
            column,
            message,
        },
        _ => ExchangeError::JsonSyntax {
            index,
            line,
            column,
            message,
        },
    }
}

/// The slug of record `index`, when the text is well-formed enough to read it.
fn slug_at(text: &str, index: usize) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let record = match &value {
        serde_json::Value::Array(items) => items.get(index)?,
        object @ serde_json::Value::Object(_) if index == 0 => object,
        _ => return None,
    };
    record.get("slug")?.as_str().map(str::to_string)
}

/// Columns of [`to_csv`] before the section columns.
const CSV_LEADING_COLUMNS: [&str; 18] = [
    "slug",
    "title",
    "summary",
    "rating",
    "information_correct_at",
    "needs_review",
    "target_groups",
    "prevention_levels",
    "age_groups",
    "genders",
    "delivery",
    "subgroups",
    "languages",
    "countries",
    "organisation",
    "phones",
    "emails",
    "websites",
];

/// The CSV header [`to_csv`] writes: the record's fields, one column per known section key
/// ([`section::KNOWN`], in reading order), then `references`.
pub fn csv_columns() -> Vec<&'static str> {
    CSV_LEADING_COLUMNS
        .iter()
        .copied()
        .chain(section::KNOWN.iter().map(|(key, _)| *key))
        .chain(std::iter::once("references"))
        .collect()
}

/// Separator of list items in one CSV cell.
pub const CSV_LIST_SEPARATOR: &str = "; ";

/// Writes records as CSV with the header of [`csv_columns`], one row per record: facet cells
/// hold labels (verbatim text for values outside the vocabularies), lists are joined with
/// [`CSV_LIST_SEPARATOR`], references with newlines, and missing values are empty. Sections
/// with keys outside [`section::KNOWN`] are not exported. Lines end with CRLF (RFC 4180).
///
/// Formula injection: spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@`
/// (or with a tab or carriage return before one) as a formula, and a formula such as
/// `=HYPERLINK(…)` or a DDE call can leak data or run commands on the computer of whoever
/// opens the export. Record text comes from third-party documents and many editors, so every
/// such cell gets a leading `'`, which spreadsheets show as plain text (the OWASP advice).
/// Programs reading the CSV see the apostrophe and must strip it to get the original text.
pub fn to_csv(records: &[Intervention]) -> Result<String, ExchangeError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(csv_columns())?;
    for record in records {
        writer.write_record(
            csv_row(record)
                .iter()
                .map(|cell| defuse_formula(cell).into_owned()),
        )?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ExchangeError::CsvFlush(e.into_error()))?;
    // Every cell was a `str`, so the bytes are UTF-8 and this never replaces anything.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Characters that make a spreadsheet treat a cell as a formula when they start it.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell with a leading `'` if a spreadsheet would otherwise run it as a formula.
pub fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_TRIGGERS) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn labels<T: Vocabulary>(terms: &[Term<T>]) -> String {
    join(terms.iter().map(Term::label))
}

fn join<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(CSV_LIST_SEPARATOR);
        }
        out.push_str(item);
    }
    out
}

/// The cells of one record, in the order of [`csv_columns`].
fn csv_row(r: &Intervention) -> Vec<String> {
    let mut row = vec![
        r.slug.clone(),
        r.title.clone(),
        r.summary.clone().unwrap_or_default(),
        r.rating.map(|x| x.label().to_string()).unwrap_or_default(),
        r.information_correct_at
            .map(|d| d.to_string())
            .unwrap_or_default(),
        r.needs_review.to_string(),
        labels(&r.target_groups()),
        labels(&r.prevention_levels()),
        labels(&r.age_groups()),
        labels(&r.genders()),
        labels(&r.delivery()),
        labels(&r.subgroups()),
        labels(&r.languages()),
        labels(&r.countries),
        r.contact.organisation.clone().unwrap_or_default(),
        join(r.contact.phones.iter().map(String::as_str)),
        join(r.contact.emails.iter().map(String::as_str)),
        join(r.contact.websites.iter().map(String::as_str)),
    ];
    row.extend(
        section::KNOWN
            .iter()
            .map(|(key, _)| r.section(key).unwrap_or_default().to_string()),
    );
    let references: Vec<&str> = r.references.iter().map(|x| x.text.as_str()).collect();
    row.push(references.join("\n"));
    row
}
