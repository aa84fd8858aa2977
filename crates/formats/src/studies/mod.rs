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

use crate::data_file::positions::key_line;
use crate::data_file::{self, DataSyntax, Kind};
use preventory_core::evidence::{Outcome, Study, StudyDesign, StudyQuality, StudyScope};
use preventory_core::slug::is_valid_slug;
use preventory_core::validation::validate_studies;
use preventory_core::vocab::{Country, Term};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of the `format` key that this version reads and writes.
pub const STUDIES_FORMAT: &str = "preventory-studies/1";

/// The syntax a studies file is written in.
pub type StudiesSyntax = DataSyntax;

/// What kind of data file a studies file is.
const KIND: Kind = Kind {
    format: STUDIES_FORMAT,
    noun: "a studies file",
    list: "studies",
};

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
    #[serde(default, skip_serializing_if = "is_this_intervention")]
    evaluates: StudyScope,
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

fn is_this_intervention(scope: &StudyScope) -> bool {
    *scope == StudyScope::ThisIntervention
}

impl Entry {
    fn new(intervention: &str, s: &Study) -> Entry {
        let s = s.clone();
        Entry {
            intervention: intervention.to_string(),
            id: s.id,
            reference: s.reference,
            design: s.design,
            evaluates: s.evaluates,
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
            evaluates: self.evaluates,
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
    let parsed = data_file::read::<RawFile>(&KIND, name, bytes)
        .map_err(|problem| StudiesError::from_problem(name, problem))?;
    let (text, syntax) = (parsed.text, parsed.syntax);
    let lines = parsed.entry_lines(&KIND, parsed.raw.studies.len());
    let line_of = |index: usize| lines.as_ref().and_then(|l| l.get(index).copied());
    let mut out = StudiesFile::default();
    // Where each (slug, id) was first seen, for naming both lines of a duplicate.
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (index, entry) in parsed.raw.studies.into_iter().enumerate() {
        let (slug, study) = entry.into_parts();
        let entry_name = EntryName {
            index,
            intervention: Some(slug.clone()),
            id: (!study.id.trim().is_empty()).then(|| study.id.clone()),
        };
        let field_line = |key: &str| {
            line_of(index)
                .map(|from| key_line(syntax, text, from, line_of(index + 1), key).unwrap_or(from))
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
