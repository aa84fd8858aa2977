//! The eligibility file: who services can take, listed by intervention slug, written by hand
//! or by a program, as JSON or YAML (see `docs/eligibility-format.md`).
//!
//! ```yaml
//! format: preventory-eligibility/1
//! eligibility:
//!   - intervention: fictional-programme
//!     genders: [male]
//!     formats:
//!       - delivery: individual_work
//!         age_min: 17
//!       - delivery: group_work
//!         age_min: 21
//!     justice_stages: [convicted_community]
//! ```
//!
//! Each entry is an [`Eligibility`] plus the `intervention` it belongs to. A field left out is
//! unknown (`None`), never "yes" or "no". Unknown fields and unknown ids are errors, so a
//! typo in a hand-written file is caught rather than dropped. [`write_eligibility_json`] and
//! [`write_eligibility_yaml`] write files that [`read_eligibility`] reads back to the same
//! [`EligibilityFile`].

mod error;

pub use error::{EligibilityError, EntryName};

use crate::data_file::{self, positions, DataSyntax, Kind, Parsed};
use preventory_core::eligibility::{
    AskingFor, Cost, Eligibility, FormatAgeLimits, JusticeStage, ReferralRoute, Situation,
};
use preventory_core::slug::is_valid_slug;
use preventory_core::vocab::{Delivery, Gender, Language, Term, Vocabulary, OTHER_PREFIX};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The value of the `format` key that this version reads and writes.
pub const ELIGIBILITY_FORMAT: &str = "preventory-eligibility/1";

/// The syntax an eligibility file is written in.
pub type EligibilitySyntax = DataSyntax;

/// What kind of data file an eligibility file is.
const KIND: Kind = Kind {
    format: ELIGIBILITY_FORMAT,
    noun: "an eligibility file",
    list: "eligibility",
};

/// The eligibility of a file, by intervention slug.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EligibilityFile {
    /// Eligibility by intervention slug.
    pub eligibility: BTreeMap<String, Eligibility>,
}

impl EligibilityFile {
    /// The number of interventions the file names.
    pub fn len(&self) -> usize {
        self.eligibility.len()
    }

    /// True when the file names no intervention.
    pub fn is_empty(&self) -> bool {
        self.eligibility.is_empty()
    }
}

/// The file as written: a format marker and a flat list of entries.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: String,
    #[serde(default)]
    eligibility: Vec<Entry>,
}

/// One entry: an [`Eligibility`] and the intervention it belongs to. The fields are spelled
/// out rather than flattened because serde cannot deny unknown fields through `flatten`, and
/// flattening would lose the line numbers of errors. Every field but `intervention` may be
/// left out, which means unknown.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    intervention: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age_min: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age_max: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    formats: Vec<FormatEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    genders: Option<Vec<Gender>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iq_min: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    learning_needs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    serves: Option<Vec<AskingFor>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    situations: Option<Vec<Situation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    justice_stages: Option<Vec<JusticeStage>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    referral_routes: Option<Vec<ReferralRoute>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    anonymous: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cost: Option<Vec<Cost>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remote: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    in_person_areas: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    languages: Option<Vec<Language>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    exclusions: Vec<String>,
}

/// Age limits of one delivery format.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatEntry {
    delivery: DeliveryId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age_min: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age_max: Option<u8>,
}

/// A delivery format as the file spells it: a [`Delivery`] id, or `other:` and the format in
/// words. Unlike [`Term`]'s own reading, a bare word that is no id is an error, so a typo is
/// not kept as a new format.
struct DeliveryId(Term<Delivery>);

impl Serialize for DeliveryId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.id())
    }
}

impl<'de> Deserialize<'de> for DeliveryId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        if let Some(known) = Delivery::from_id(&id) {
            return Ok(DeliveryId(Term::Known(known)));
        }
        match id.strip_prefix(OTHER_PREFIX) {
            Some(text) if !text.trim().is_empty() => Ok(DeliveryId(Term::Other(text.to_string()))),
            _ => {
                let ids: Vec<&str> = Delivery::all().iter().map(Vocabulary::id).collect();
                Err(serde::de::Error::custom(format!(
                    "unknown value {id:?} (expected one of {}, or {OTHER_PREFIX} and the format in words)",
                    ids.join(", ")
                )))
            }
        }
    }
}

impl Entry {
    fn new(intervention: &str, e: &Eligibility) -> Entry {
        let e = e.clone();
        Entry {
            intervention: intervention.to_string(),
            age_min: e.age_min,
            age_max: e.age_max,
            formats: e
                .formats
                .into_iter()
                .map(|f| FormatEntry {
                    delivery: DeliveryId(f.delivery),
                    age_min: f.age_min,
                    age_max: f.age_max,
                })
                .collect(),
            genders: e.genders,
            iq_min: e.iq_min,
            learning_needs: e.learning_needs,
            serves: e.serves,
            situations: e.situations,
            justice_stages: e.justice_stages,
            referral_routes: e.referral_routes,
            anonymous: e.anonymous,
            cost: e.cost,
            remote: e.remote,
            in_person_areas: e.in_person_areas,
            languages: e.languages,
            exclusions: e.exclusions,
        }
    }

    fn into_parts(self) -> (String, Eligibility) {
        let eligibility = Eligibility {
            age_min: self.age_min,
            age_max: self.age_max,
            formats: self
                .formats
                .into_iter()
                .map(|f| FormatAgeLimits {
                    delivery: f.delivery.0,
                    age_min: f.age_min,
                    age_max: f.age_max,
                })
                .collect(),
            genders: self.genders,
            iq_min: self.iq_min,
            learning_needs: self.learning_needs,
            serves: self.serves,
            situations: self.situations,
            justice_stages: self.justice_stages,
            referral_routes: self.referral_routes,
            anonymous: self.anonymous,
            cost: self.cost,
            remote: self.remote,
            in_person_areas: self.in_person_areas,
            languages: self.languages,
            exclusions: self.exclusions,
        };
        (self.intervention, eligibility)
    }
}

/// A value that parsed but fails a check: where it is and what is wrong.
struct Issue {
    /// The entry's key holding the value (`formats`).
    key: &'static str,
    /// The item of that key's list, and the list's length, when the problem is in one item.
    item: Option<(usize, usize)>,
    /// The key within that item (`age_min` of `formats[1]`).
    sub: Option<&'static str>,
    message: String,
}

impl Issue {
    fn new(key: &'static str, message: impl Into<String>) -> Issue {
        Issue {
            key,
            item: None,
            sub: None,
            message: message.into(),
        }
    }

    fn item(key: &'static str, index: usize, len: usize, message: impl Into<String>) -> Issue {
        Issue {
            item: Some((index, len)),
            ..Issue::new(key, message)
        }
    }

    /// The field as errors name it: `formats[1].age_min`.
    fn field(&self) -> String {
        let mut field = self.key.to_string();
        if let Some((index, _)) = self.item {
            field.push_str(&format!("[{index}]"));
        }
        if let Some(sub) = self.sub {
            field.push('.');
            field.push_str(sub);
        }
        field
    }
}

/// Checks an entry's values beyond their types: ranges in order, no empty lists that would
/// read as "nobody", no repeats, no blank text. Returns the first problem.
fn check(slug: &str, e: &Eligibility) -> Option<Issue> {
    if !is_valid_slug(slug) {
        return Some(Issue::new(
            "intervention",
            format!(
                "{slug:?} is not an intervention slug (lowercase letters, digits and single hyphens)"
            ),
        ));
    }
    if let (Some(min), Some(max)) = (e.age_min, e.age_max) {
        if min > max {
            return Some(Issue::new(
                "age_min",
                format!("{min} is above age_max {max}"),
            ));
        }
    }
    let len = e.formats.len();
    for (i, f) in e.formats.iter().enumerate() {
        let at = |sub, message: String| Issue {
            sub: Some(sub),
            ..Issue::item("formats", i, len, message)
        };
        if let Term::Other(text) = &f.delivery {
            if text.trim().is_empty() {
                return Some(at(
                    "delivery",
                    format!("{OTHER_PREFIX} needs the format in words"),
                ));
            }
        }
        if e.formats[..i].iter().any(|g| g.delivery == f.delivery) {
            return Some(at(
                "delivery",
                format!(
                    "{} is listed twice; give each format one set of age limits",
                    f.delivery.id()
                ),
            ));
        }
        if let (Some(min), Some(max)) = (f.age_min, f.age_max) {
            if min > max {
                return Some(at("age_min", format!("{min} is above age_max {max}")));
            }
        }
    }
    check_ids("genders", e.genders.as_deref())
        .or_else(|| check_ids("serves", e.serves.as_deref()))
        .or_else(|| check_ids("situations", e.situations.as_deref()))
        .or_else(|| check_ids("justice_stages", e.justice_stages.as_deref()))
        .or_else(|| check_ids("referral_routes", e.referral_routes.as_deref()))
        .or_else(|| check_ids("cost", e.cost.as_deref()))
        .or_else(|| check_ids("languages", e.languages.as_deref()))
        .or_else(|| {
            e.learning_needs
                .as_deref()
                .filter(|t| t.trim().is_empty())
                .map(|_| {
                    Issue::new(
                        "learning_needs",
                        "empty text; leave the field out when it is not known",
                    )
                })
        })
        .or_else(|| {
            check_texts(
                "in_person_areas",
                e.in_person_areas.as_deref().unwrap_or(&[]),
            )
        })
        .or_else(|| check_texts("exclusions", &e.exclusions))
}

/// A list of ids must hold at least one, each once: an empty list would say "nobody", which
/// no service means; unknown is written by leaving the field out.
fn check_ids<T: Vocabulary>(key: &'static str, list: Option<&[T]>) -> Option<Issue> {
    let list = list?;
    if list.is_empty() {
        return Some(Issue::new(
            key,
            "an empty list would mean none at all; leave the field out when it is not known",
        ));
    }
    let len = list.len();
    list.iter().enumerate().find_map(|(i, v)| {
        list[..i]
            .contains(v)
            .then(|| Issue::item(key, i, len, format!("{} is listed twice", v.id())))
    })
}

/// Every text of a list needs some words.
fn check_texts(key: &'static str, list: &[String]) -> Option<Issue> {
    list.iter().enumerate().find_map(|(i, t)| {
        t.trim()
            .is_empty()
            .then(|| Issue::item(key, i, list.len(), "empty text"))
    })
}

/// Reads an eligibility file. `name` is used in errors and to tell JSON from YAML (see
/// [`DataSyntax::detect`]). A leading byte-order mark is ignored. The first problem found is
/// returned, naming the file, the line, the entry and the field.
pub fn read_eligibility(name: &str, bytes: &[u8]) -> Result<EligibilityFile, EligibilityError> {
    let parsed = data_file::read::<RawFile>(&KIND, name, bytes)
        .map_err(|problem| EligibilityError::from_problem(name, problem))?;
    let lines = parsed.entry_lines(&KIND, parsed.raw.eligibility.len());
    let Parsed { text, syntax, raw } = parsed;
    let line_of = |index: usize| lines.as_ref().and_then(|l| l.get(index).copied());
    let mut out = EligibilityFile::default();
    // Where each slug was first seen, for naming both lines of a duplicate.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, entry) in raw.eligibility.into_iter().enumerate() {
        let (slug, eligibility) = entry.into_parts();
        if let Some(issue) = check(&slug, &eligibility) {
            let line = line_of(index)
                .map(|from| issue_line(syntax, text, from, line_of(index + 1), &issue));
            return Err(EligibilityError::Invalid {
                file: name.to_string(),
                line,
                entry: Some(Box::new(EntryName {
                    index,
                    intervention: Some(slug),
                })),
                field: Some(issue.field()),
                message: issue.message,
            });
        }
        if let Some(&first) = seen.get(&slug) {
            let at = |index: usize| {
                line_of(index).map(|from| {
                    positions::entry_key_line(
                        syntax,
                        text,
                        from,
                        line_of(index + 1),
                        "intervention",
                    )
                    .unwrap_or(from)
                })
            };
            return Err(EligibilityError::DuplicateSlug {
                file: name.to_string(),
                intervention: slug,
                first_line: at(first),
                line: at(index),
            });
        }
        seen.insert(slug.clone(), index);
        out.eligibility.insert(slug, eligibility);
    }
    Ok(out)
}

/// The line of an issue within the entry on lines `from..to`: the item's key within the
/// item, else the item, else the entry's key, else the entry.
fn issue_line(
    syntax: DataSyntax,
    text: &str,
    from: usize,
    to: Option<usize>,
    issue: &Issue,
) -> usize {
    let Some(key_at) = positions::entry_key_line(syntax, text, from, to, issue.key) else {
        return from;
    };
    let Some((index, len)) = issue.item else {
        return key_at;
    };
    let items = positions::list_item_lines(syntax, text, key_at, to, issue.key);
    if items.len() != len {
        return key_at;
    }
    let start = items[index];
    match issue.sub {
        None => start,
        Some(sub) => positions::key_line(
            syntax,
            text,
            start,
            items.get(index + 1).copied().or(to),
            sub,
        )
        .unwrap_or(start),
    }
}

/// The line (from 1) of the `intervention` key of each intervention's entry in an
/// eligibility file, by slug: for pointing at an entry when a problem is found after the file
/// was read (a slug that is not stored, or one that another file also lists). `name` tells
/// JSON from YAML as [`read_eligibility`] does. Slugs whose entry cannot be placed are left
/// out, so a line is never a wrong guess; a file that cannot be parsed gives an empty map.
pub fn intervention_lines(name: &str, bytes: &[u8]) -> BTreeMap<String, usize> {
    positions::slug_lines(name, bytes, KIND.list, "intervention")
}

/// Writes eligibility as a JSON eligibility file (pretty-printed, with a final newline), by
/// intervention slug. What [`read_eligibility`] accepts reads back the same.
pub fn write_eligibility_json(file: &EligibilityFile) -> Result<String, EligibilityError> {
    let mut text =
        serde_json::to_string_pretty(&raw_file(file)).map_err(|e| EligibilityError::Write {
            syntax: DataSyntax::Json,
            message: e.to_string(),
        })?;
    text.push('\n');
    Ok(text)
}

/// Writes eligibility as a YAML eligibility file, by intervention slug. What
/// [`read_eligibility`] accepts reads back the same.
pub fn write_eligibility_yaml(file: &EligibilityFile) -> Result<String, EligibilityError> {
    serde_norway::to_string(&raw_file(file)).map_err(|e| EligibilityError::Write {
        syntax: DataSyntax::Yaml,
        message: e.to_string(),
    })
}

fn raw_file(file: &EligibilityFile) -> RawFile {
    RawFile {
        format: ELIGIBILITY_FORMAT.to_string(),
        eligibility: file
            .eligibility
            .iter()
            .map(|(slug, e)| Entry::new(slug, e))
            .collect(),
    }
}
