//! The studies file: the studies behind interventions' ratings, listed by intervention slug,
//! written by hand or by a program, as JSON or YAML (see `docs/studies-format.md`).
//!
//! ```yaml
//! format: preventory-studies/1
//! studies:
//!   - intervention: fictional-programme
//!     id: example-2020
//!     reference: "Example, A. (2020). A fictional trial."
//!     design: rct
//!     quality: moderate
//!     outcomes:
//!       - outcome: sexual_reoffending
//!         direction: positive
//!         significant: true
//! ```
//!
//! Each entry is a [`Study`] plus the `intervention` it belongs to. Unknown fields and
//! unknown ids are errors, so a typo in a hand-written file is caught rather than dropped.
//! [`write_studies_json`] and [`write_studies_yaml`] write files that
//! [`read_studies`] reads back to the same [`StudiesFile`].

mod error;
mod positions;

pub use error::{EntryName, StudiesError};
pub use positions::intervention_lines;

use preventory_core::evidence::{Outcome, Study, StudyDesign, StudyQuality};
use preventory_core::slug::is_valid_slug;
use preventory_core::validation::validate_studies;
use preventory_core::vocab::{Country, Term};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The value of the `format` key that this version reads and writes.
pub const STUDIES_FORMAT: &str = "preventory-studies/1";

/// The syntax a studies file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StudiesSyntax {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

impl fmt::Display for StudiesSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StudiesSyntax::Json => "JSON",
            StudiesSyntax::Yaml => "YAML",
        })
    }
}

impl StudiesSyntax {
    /// The syntax of a file: by its extension (`.json`, `.yaml`, `.yml`), else by its first
    /// character (`{` or `[` is JSON, anything else YAML).
    pub fn detect(name: &str, text: &str) -> StudiesSyntax {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            StudiesSyntax::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            StudiesSyntax::Yaml
        } else if text.trim_start().starts_with(['{', '[']) {
            StudiesSyntax::Json
        } else {
            StudiesSyntax::Yaml
        }
    }
}

/// The studies of a file, grouped by intervention slug, each group in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudiesFile {
    /// Studies by intervention slug.
    pub studies: BTreeMap<String, Vec<Study>>,
}

impl StudiesFile {
    /// The number of studies over all interventions.
    pub fn len(&self) -> usize {
        self.studies.values().map(Vec::len).sum()
    }

    /// True when the file lists no studies.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The file as written: a format marker and a flat list of entries.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: String,
    #[serde(default)]
    studies: Vec<Entry>,
}

/// One entry: a [`Study`] and the intervention it belongs to. The fields are spelled out
/// rather than flattened because serde cannot deny unknown fields through `flatten`, and
/// flattening would lose the line numbers of errors.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    intervention: String,
    id: String,
    reference: String,
    design: StudyDesign,
    #[serde(default, skip_serializing_if = "is_false")]
    meta_analysis: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sample_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    country: Option<Term<Country>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    population: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    follow_up_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quality: Option<StudyQuality>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quality_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    outcomes: Vec<Outcome>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Entry {
    fn new(intervention: &str, s: &Study) -> Entry {
        let s = s.clone();
        Entry {
            intervention: intervention.to_string(),
            id: s.id,
            reference: s.reference,
            design: s.design,
            meta_analysis: s.meta_analysis,
            sample_size: s.sample_size,
            country: s.country,
            population: s.population,
            follow_up_months: s.follow_up_months,
            quality: s.quality,
            quality_note: s.quality_note,
            summary: s.summary,
            outcomes: s.outcomes,
        }
    }

    fn into_parts(self) -> (String, Study) {
        let study = Study {
            id: self.id,
            reference: self.reference,
            design: self.design,
            meta_analysis: self.meta_analysis,
            sample_size: self.sample_size,
            country: self.country,
            population: self.population,
            follow_up_months: self.follow_up_months,
            quality: self.quality,
            quality_note: self.quality_note,
            summary: self.summary,
            outcomes: self.outcomes,
        };
        (self.intervention, study)
    }
}

/// Reads a studies file. `name` is used in errors and to tell JSON from YAML (see
/// [`StudiesSyntax::detect`]). A leading byte-order mark is ignored. The first problem found
/// is returned, naming the file, the line, the entry and the field.
pub fn read_studies(name: &str, bytes: &[u8]) -> Result<StudiesFile, StudiesError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        StudiesError::NotUtf8 {
            file: name.to_string(),
            line: line_of_offset(bytes, offset),
            offset,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = StudiesSyntax::detect(name, text);
    let reader = Reader { name, text, syntax };

    // A loose parse first: syntax errors come out plainly, the format marker is checked
    // before anything else, and entries can be named by slug and id in later errors.
    let loose = reader.parse_loose()?;
    reader.check_format(&loose)?;
    let raw = reader.parse_typed(&loose)?;

    let lines = positions::entry_lines(syntax, text, raw.studies.len());
    let line_of = |index: usize| lines.as_ref().and_then(|l| l.get(index).copied());
    let mut out = StudiesFile::default();
    // Where each (slug, id) was first seen, for naming both lines of a duplicate.
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (index, entry) in raw.studies.into_iter().enumerate() {
        let (slug, study) = entry.into_parts();
        let entry_name = EntryName {
            index,
            intervention: Some(slug.clone()),
            id: (!study.id.trim().is_empty()).then(|| study.id.clone()),
        };
        let field_line = |key: &str| {
            line_of(index).map(|from| {
                positions::key_line(syntax, text, from, line_of(index + 1), key).unwrap_or(from)
            })
        };
        if !is_valid_slug(&slug) {
            return Err(StudiesError::Invalid {
                file: name.to_string(),
                line: field_line("intervention"),
                entry: Some(Box::new(entry_name)),
                field: Some("intervention".into()),
                message: format!(
                    "{slug:?} is not an intervention slug (lowercase letters, digits and single hyphens)"
                ),
            });
        }
        if let Some(issue) = validate_studies(std::slice::from_ref(&study))
            .into_iter()
            .next()
        {
            let field = issue
                .field
                .strip_prefix("studies[0].")
                .unwrap_or(&issue.field)
                .to_string();
            return Err(StudiesError::Invalid {
                file: name.to_string(),
                line: field_line(&field),
                entry: Some(Box::new(entry_name)),
                field: Some(field),
                message: issue.message,
            });
        }
        let key = (slug.clone(), study.id.clone());
        if let Some(&first) = seen.get(&key) {
            return Err(StudiesError::DuplicateId {
                file: name.to_string(),
                intervention: slug,
                id: study.id,
                first_line: line_of(first),
                line: line_of(index),
            });
        }
        seen.insert(key, index);
        out.studies.entry(slug).or_default().push(study);
    }
    Ok(out)
}

/// Writes studies as a JSON studies file (pretty-printed, with a final newline): by
/// intervention slug, each intervention's studies in order.
pub fn write_studies_json(file: &StudiesFile) -> Result<String, StudiesError> {
    let mut text =
        serde_json::to_string_pretty(&raw_file(file)).map_err(|e| StudiesError::Write {
            syntax: StudiesSyntax::Json,
            message: e.to_string(),
        })?;
    text.push('\n');
    Ok(text)
}

/// Writes studies as a YAML studies file: by intervention slug, each intervention's studies
/// in order.
pub fn write_studies_yaml(file: &StudiesFile) -> Result<String, StudiesError> {
    serde_norway::to_string(&raw_file(file)).map_err(|e| StudiesError::Write {
        syntax: StudiesSyntax::Yaml,
        message: e.to_string(),
    })
}

fn raw_file(file: &StudiesFile) -> RawFile {
    RawFile {
        format: STUDIES_FORMAT.to_string(),
        studies: file
            .studies
            .iter()
            .flat_map(|(slug, studies)| studies.iter().map(move |s| Entry::new(slug, s)))
            .collect(),
    }
}

/// The line (from 1) holding byte `offset`.
fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One file being read.
struct Reader<'a> {
    name: &'a str,
    text: &'a str,
    syntax: StudiesSyntax,
}

impl Reader<'_> {
    fn syntax_error(&self, line: usize, column: usize, message: String) -> StudiesError {
        StudiesError::Syntax {
            file: self.name.to_string(),
            syntax: self.syntax,
            line,
            column,
            message,
        }
    }

    /// The file as a plain tree. Only syntax errors can happen here.
    fn parse_loose(&self) -> Result<serde_json::Value, StudiesError> {
        match self.syntax {
            StudiesSyntax::Json => serde_json::from_str(self.text).map_err(|e| {
                let (line, column) = (e.line(), e.column());
                self.syntax_error(line, column, without_position(&e.to_string(), line, column))
            }),
            StudiesSyntax::Yaml => {
                serde_norway::from_str::<serde_json::Value>(self.text).map_err(|e| {
                    let (line, column) = e
                        .location()
                        .map(|l| (l.line(), l.column()))
                        .unwrap_or((1, 1));
                    self.syntax_error(line, column, without_position(&e.to_string(), line, column))
                })
            }
        }
    }

    fn format_error(&self, message: String) -> StudiesError {
        StudiesError::Format {
            file: self.name.to_string(),
            line: positions::key_line(self.syntax, self.text, 1, None, "format"),
            message,
        }
    }

    fn check_format(&self, loose: &serde_json::Value) -> Result<(), StudiesError> {
        if loose.is_null() {
            return Err(self.format_error(format!(
                "the file is empty: a studies file starts with \"format: {STUDIES_FORMAT}\""
            )));
        }
        let Some(top) = loose.as_object() else {
            return Err(self.format_error(format!(
                "expected a mapping with \"format: {STUDIES_FORMAT}\" and \"studies:\""
            )));
        };
        match top.get("format") {
            None => Err(self.format_error(format!(
                "no format given: a studies file starts with \"format: {STUDIES_FORMAT}\""
            ))),
            Some(serde_json::Value::String(f)) if f == STUDIES_FORMAT => Ok(()),
            Some(other) => {
                let found = other
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| other.to_string());
                Err(self.format_error(format!(
                    "format: {found:?} is not a studies file this version reads (expected {STUDIES_FORMAT:?})"
                )))
            }
        }
    }

    /// The file as entries, with errors located by line and by their path in the file.
    fn parse_typed(&self, loose: &serde_json::Value) -> Result<RawFile, StudiesError> {
        let result = match self.syntax {
            StudiesSyntax::Json => {
                let mut de = serde_json::Deserializer::from_str(self.text);
                serde_path_to_error::deserialize::<_, RawFile>(&mut de).map_err(|e| {
                    let path = e.path().clone();
                    let inner = e.into_inner();
                    let (line, column) = (inner.line(), inner.column());
                    (
                        path,
                        line,
                        without_position(&inner.to_string(), line, column),
                    )
                })
            }
            StudiesSyntax::Yaml => {
                let de = serde_norway::Deserializer::from_str(self.text);
                serde_path_to_error::deserialize::<_, RawFile>(de).map_err(|e| {
                    let path = e.path().clone();
                    let inner = e.into_inner();
                    let (line, column) = inner
                        .location()
                        .map(|l| (l.line(), l.column()))
                        .unwrap_or((0, 0));
                    let message = without_position(&inner.to_string(), line, column);
                    // serde_norway puts (part of) the path in front of its messages; the
                    // error names the entry and field on its own.
                    let full = path.to_string();
                    let message = match message.split_once(": ") {
                        Some((prefix, rest)) if full.starts_with(prefix) => rest.to_string(),
                        _ => message,
                    };
                    // serde_norway reports errors from a value's own checks (an unknown id)
                    // at the start of the mapping that holds it; point at the key instead.
                    let line = match last_key(&path) {
                        Some(key) if line > 0 => {
                            positions::key_line(self.syntax, self.text, line, None, key)
                                .unwrap_or(line)
                        }
                        _ => line,
                    };
                    (path, line, message)
                })
            }
        };
        result.map_err(|(path, line, message)| {
            let (index, field) = split_path(&path);
            let entry = index.map(|index| {
                let value = loose.get("studies").and_then(|s| s.get(index));
                let text_of = |key: &str| {
                    value.and_then(|v| v.get(key)).and_then(|v| match v {
                        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                };
                Box::new(EntryName {
                    index,
                    intervention: text_of("intervention"),
                    id: text_of("id"),
                })
            });
            StudiesError::Invalid {
                file: self.name.to_string(),
                line: (line > 0).then_some(line),
                entry,
                field,
                message,
            }
        })
    }
}

/// The message without serde's " at line L column C".
fn without_position(message: &str, line: usize, column: usize) -> String {
    message.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// The last key of a path (`direction` in `studies[0].outcomes[1].direction`), when the
/// path ends in one.
fn last_key(path: &serde_path_to_error::Path) -> Option<&str> {
    match path.iter().next_back()? {
        serde_path_to_error::Segment::Map { key } => Some(key),
        _ => None,
    }
}

/// Splits a path such as `studies[3].outcomes[0].direction` into the entry's index (3) and
/// the field within it (`outcomes[0].direction`). Top-level paths have no index.
fn split_path(path: &serde_path_to_error::Path) -> (Option<usize>, Option<String>) {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let (index, rest) = match segments.as_slice() {
        [Segment::Map { key }, Segment::Seq { index }, rest @ ..] if key == "studies" => {
            (Some(*index), rest)
        }
        all => (None, all),
    };
    let mut field = String::new();
    for segment in rest {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Unknown => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push('?');
            }
        }
    }
    (index, (!field.is_empty()).then_some(field))
}
