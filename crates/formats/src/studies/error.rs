//! Why a studies file could not be read or written. Every reading error names the file and,
//! where it can be told, the line, the entry (intervention slug and study id) and the field,
//! in the shape `FILE:LINE: SLUG/ID: FIELD: message`, so it can be fixed without searching.

use super::StudiesSyntax;
use crate::data_file::Problem;
use std::fmt;

/// Which entry of the `studies` list a problem is in: its position, and the intervention slug
/// and study id when they could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryName {
    /// Position in the file's `studies` list, from 0.
    pub index: usize,
    /// The entry's `intervention` slug, when readable.
    pub intervention: Option<String>,
    /// The entry's study `id`, when readable.
    pub id: Option<String>,
}

impl fmt::Display for EntryName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.intervention, &self.id) {
            (Some(slug), Some(id)) => write!(f, "{slug}/{id}"),
            (Some(slug), None) => write!(f, "{slug}/studies[{}]", self.index),
            (None, Some(id)) => write!(f, "studies[{}] (id {id})", self.index),
            (None, None) => write!(f, "studies[{}]", self.index),
        }
    }
}

/// Why a studies file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StudiesError {
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
        syntax: StudiesSyntax,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// What the parser found wrong.
        message: String,
    },

    /// The file does not say `format: preventory-studies/1`, or is not a mapping at all.
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
        /// The field at fault within the entry (`design`, `outcomes[0].direction`).
        field: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// Two entries give one intervention the same study id.
    #[error(
        "{}: {intervention}/{id}: id: duplicate study id for this intervention{}",
        at(file, *line),
        first_part(*first_line)
    )]
    DuplicateId {
        /// The file's name as given.
        file: String,
        /// The intervention slug.
        intervention: String,
        /// The repeated id.
        id: String,
        /// Line of the entry that used the id first.
        first_line: Option<usize>,
        /// Line of the entry that repeats it.
        line: Option<usize>,
    },

    /// The studies could not be written.
    #[error("could not write the studies as {syntax}: {message}")]
    Write {
        /// JSON or YAML.
        syntax: StudiesSyntax,
        /// What went wrong.
        message: String,
    },
}

impl StudiesError {
    /// The error for a problem found while reading the file `file`.
    pub(crate) fn from_problem(file: &str, problem: Problem) -> StudiesError {
        let file = file.to_string();
        match problem {
            Problem::NotUtf8 { line, offset } => StudiesError::NotUtf8 { file, line, offset },
            Problem::Syntax {
                syntax,
                line,
                column,
                message,
            } => StudiesError::Syntax {
                file,
                syntax,
                line,
                column,
                message,
            },
            Problem::Format { line, message } => StudiesError::Format {
                file,
                line,
                message,
            },
            Problem::Invalid {
                line,
                entry,
                field,
                message,
            } => StudiesError::Invalid {
                file,
                line,
                entry: entry.map(|e| {
                    Box::new(EntryName {
                        index: e.index,
                        intervention: e.text("intervention"),
                        id: e.text("id"),
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
            StudiesError::NotUtf8 { line, .. } | StudiesError::Syntax { line, .. } => Some(*line),
            StudiesError::Format { line, .. }
            | StudiesError::Invalid { line, .. }
            | StudiesError::DuplicateId { line, .. } => *line,
            StudiesError::Write { .. } => None,
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
        Some(line) => format!(" (first used at line {line})"),
        None => " (used by an earlier entry)".to_string(),
    }
}
