//! Reader for the intervention database's text export (the format of the seed records).
//!
//! The export is loosely structured: a title, optional "Database Filters" marker, a summary
//! (with or without a heading), facet lines separated by `|`, narrative sections under headings
//! that vary from page to page, references (sometimes without a heading), a contact block, a
//! rating and the date the information was correct. [`parse`] reads all of that into an
//! [`Intervention`], keeping anything it cannot place and warning about it, line by line.

mod citation;
mod contact;
mod facets;
mod headings;
mod lines;
mod reader;

use preventory_core::Intervention;
use serde::Serialize;

/// Something the reader noticed but could handle: the record is usable, an editor may look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line of the source file.
    pub line: usize,
    /// The record field concerned (`age_groups`, `contact`, `sections.evaluation`, …).
    pub field: String,
    /// What happened, in plain words.
    pub message: String,
}

/// A file that cannot be read as a record at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {field}: {message}")]
pub struct ParseError {
    /// 1-based line where the problem is.
    pub line: usize,
    /// The field concerned (`file` for problems with the file as a whole).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// A record read from one file, with everything worth an editor's attention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedRecord {
    /// The record.
    pub record: Intervention,
    /// What the reader noticed, in line order.
    pub warnings: Vec<Warning>,
}

/// Reads one record in the text export format. `source_name` (usually the file name) is used
/// for the slug when the record has no title.
pub fn parse(source_name: &str, bytes: &[u8]) -> Result<ParsedRecord, ParseError> {
    let text = lines::decode(bytes)?;
    reader::read(source_name, &text)
}

#[cfg(test)]
mod tests;
