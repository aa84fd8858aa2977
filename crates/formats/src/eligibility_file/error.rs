//! Why an eligibility file could not be read or written. Every reading error names the file
//! and, where it can be told, the line, the entry (its intervention slug) and the field, in
//! the shape `FILE:LINE: SLUG: FIELD: message`, so it can be fixed without searching.

use crate::data_file::{DataSyntax, Problem};
use std::fmt;

/// Which entry of the `eligibility` list a problem is in: its position, and its intervention
/// slug when it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryName {
    /// Position in the file's `eligibility` list, from 0.
    pub index: usize,
    /// The entry's `intervention` slug, when readable.
    pub intervention: Option<String>,
}

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.intervention {
            Some(slug) => f.write_str(slug),
            None => write!(f, "eligibility[{}]", self.index),
        }
    }
}

/// Why an eligibility file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EligibilityError {
    /// The bytes are not UTF-8 text.
    #[error("{file}:{line}: not UTF-8 text (the first bad byte is at offset {offset})")]
    NotUtf8 {
        /// The file's name as given.
        file: String,
        /// Line of the first bad byte, from 1.
        line: usize,
        /// Offset of the first bad byte, from 0.
        offset: usize,
    },

    /// The text is not well-formed JSON or YAML.
    #[error("{file}:{line}: {syntax} syntax error: {message}")]
    Syntax {
        /// The file's name as given.
        file: String,
        /// JSON or YAML, as detected.
        syntax: DataSyntax,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// What the parser found wrong.
        message: String,
    },

    /// The file does not say `format: preventory-eligibility/1`, or is not a mapping at all.
    #[error("{}: {message}", at(file, *line))]
    Format {
        /// The file's name as given.
        file: String,
        /// Line of the `format` key, when found.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },

    /// A value is missing, of the wrong type, unknown, or fails a check.
    #[error("{}{}{}: {message}", at(file, *line), entry_part(entry), field_part(field))]
    Invalid {
        /// The file's name as given.
        file: String,
        /// Line of the problem, from 1, when it can be told.
        line: Option<usize>,
        /// The entry at fault; `None` for top-level fields. Boxed to keep the error small.
        entry: Option<Box<EntryName>>,
        /// The field at fault within the entry (`genders`, `formats[1].age_min`).
        field: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// Two entries name the same intervention.
    #[error(
        "{}: {intervention}: intervention: listed twice{}; give each intervention one entry",
        at(file, *line),
        first_part(*first_line)
    )]
    DuplicateSlug {
        /// The file's name as given.
        file: String,
        /// The repeated slug.
        intervention: String,
        /// Line of the entry that named it first.
        first_line: Option<usize>,
        /// Line of the entry that repeats it.
        line: Option<usize>,
    },

    /// The eligibility could not be written.
    #[error("could not write the eligibility as {syntax}: {message}")]
    Write {
        /// JSON or YAML.
        syntax: DataSyntax,
        /// What went wrong.
        message: String,
    },
}

impl EligibilityError {
    /// The error for a problem found while reading the file `file`.
    pub(crate) fn from_problem(file: &str, problem: Problem) -> EligibilityError {
        let file = file.to_string();
        match problem {
            Problem::NotUtf8 { line, offset } => EligibilityError::NotUtf8 { file, line, offset },
            Problem::Syntax {
                syntax,
                line,
                column,
                message,
            } => EligibilityError::Syntax {
                file,
                syntax,
                line,
                column,
                message,
            },
            Problem::Format { line, message } => EligibilityError::Format {
                file,
                line,
                message,
            },
            Problem::Invalid {
                line,
                entry,
                field,
                message,
            } => EligibilityError::Invalid {
                file,
                line,
                entry: entry.map(|e| {
                    Box::new(EntryName {
                        index: e.index,
                        intervention: e.text("intervention"),
                    })
                }),
                field,
                message,
            },
        }
    }

    /// The line the error points at, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            EligibilityError::NotUtf8 { line, .. } | EligibilityError::Syntax { line, .. } => {
                Some(*line)
            }
            EligibilityError::Format { line, .. }
            | EligibilityError::Invalid { line, .. }
            | EligibilityError::DuplicateSlug { line, .. } => *line,
            EligibilityError::Write { .. } => None,
        }
    }
}

fn at(file: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_string(),
    }
}

fn entry_part(entry: &Option<Box<EntryName>>) -> String {
    entry.as_ref().map(|e| format!(": {e}")).unwrap_or_default()
}

fn field_part(field: &Option<String>) -> String {
    field.as_ref().map(|f| format!(": {f}")).unwrap_or_default()
}

fn first_part(first_line: Option<usize>) -> String {
    match first_line {
        Some(line) => format!(" (first at line {line})"),
        None => " (also in an earlier entry)".to_string(),
    }
}
