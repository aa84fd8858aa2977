//! Between a record and its edit form: [`to_form`] writes every field of an
//! [`Intervention`] under the names the form uses, and [`parse`] reads them back, naming the
//! field at fault for every problem (as the form shows it, so the message can sit beside it).
//!
//! Text is kept exactly as typed: nothing is trimmed inside a text, only line breaks are
//! normalised ([`super::data::normalise_newlines`]). An optional text that holds nothing but
//! white space is absent; lists typed one item a line drop blank lines only.
//!
//! Controlled vocabularies are chosen from the list (ticked boxes or a select) and carry
//! values outside it as typed text (`Term::Other`), so nothing a record holds is lost. Ticked
//! boxes come back in the record's own order (a hidden `{name}-order` field), so saving an
//! untouched form writes nothing new.

use super::data::{outcome_list, row_name, FormData, STATED_NONE, TICKED};
use preventory_core::eligibility::{
    AskingFor, Cost, Eligibility, FormatAgeLimits, JusticeStage, ReferralRoute, Situation,
};
use preventory_core::evidence::{
    Direction, Magnitude, Outcome, OutcomeKind, Study, StudyDesign, StudyQuality, StudyScope,
};
use preventory_core::record::section;
use preventory_core::validation::{rating_needs_justification, validate, ValidationIssue};
use preventory_core::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup,
};
use preventory_core::{
    Contact, FacetRow, Intervention, PartialDate, Rating, Reference, Term, Vocabulary,
};
use std::collections::btree_map::Entry;
use std::str::FromStr;

/// The facet rows' list.
pub(super) const FACET: &str = "facet";
/// The references' list.
pub(super) const REFERENCE: &str = "reference";
/// The studies' list (each study has its outcomes' list, [`outcome_list`]).
pub(super) const STUDY: &str = "study";
/// The list of sections under other headings.
pub(super) const OTHER_SECTION: &str = "other_section";
/// The list of age limits by delivery format.
pub(super) const FORMAT: &str = "elig-format";

/// The name of the text box of a known section.
pub(super) fn section_name(key: &str) -> String {
    format!("section-{key}")
}

/// The suffix of the text box that holds values outside a vocabulary.
pub(super) const OTHER: &str = "-other";
/// The suffix of the hidden field that keeps the order of ticked boxes.
pub(super) const ORDER: &str = "-order";

/// One problem with what was typed, for the field named (a form field name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldError {
    /// The form field at fault.
    pub name: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// Where each row of the parsed record came from in the form (blank rows are skipped), so
/// the core's validation, which counts rows of the record, can point at the form's rows.
#[derive(Debug, Clone, Default)]
pub(super) struct RowIndex {
    references: Vec<usize>,
    studies: Vec<usize>,
    formats: Vec<usize>,
}

/// A record read from the form, with every problem found.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    /// The record as typed (fields that could not be read are left at their default).
    pub record: Intervention,
    /// Problems, in the order of the form; empty when the record may be saved.
    pub errors: Vec<FieldError>,
}

// ---------------------------------------------------------------------------------------
// Record → form.

fn put_flag(d: &mut FormData, name: &str, on: bool) {
    if on {
        d.set(name, TICKED);
    }
}

fn put_opt(d: &mut FormData, name: &str, text: Option<&str>) {
    d.set(name, text.unwrap_or(""));
}

fn put_lines(d: &mut FormData, name: &str, items: &[String]) {
    d.set(name, items.join("\n"));
}

fn put_number<N: ToString>(d: &mut FormData, name: &str, number: Option<N>) {
    d.set(name, number.map(|n| n.to_string()).unwrap_or_default());
}

fn put_term<T: Vocabulary>(d: &mut FormData, name: &str, term: Option<&Term<T>>) {
    match term {
        Some(Term::Known(v)) => d.set(name, v.id()),
        Some(Term::Other(text)) => d.set(&format!("{name}{OTHER}"), text.clone()),
        None => {}
    }
}

fn put_terms<T: Vocabulary>(d: &mut FormData, name: &str, terms: &[Term<T>]) {
    let mut order = Vec::new();
    let mut others = Vec::new();
    for term in terms {
        match term {
            Term::Known(v) => {
                d.push(name, v.id());
                order.push(v.id());
            }
            Term::Other(text) => others.push(text.clone()),
        }
    }
    d.set(&format!("{name}{ORDER}"), order.join(" "));
    put_lines(d, &format!("{name}{OTHER}"), &others);
}

fn put_choice<T: Vocabulary>(d: &mut FormData, name: &str, value: Option<&T>) {
    d.set(name, value.map(Vocabulary::id).unwrap_or(""));
}

fn put_list<T: Vocabulary>(d: &mut FormData, name: &str, list: Option<&[T]>) {
    match list {
        None => {}
        Some([]) => d.push(name, STATED_NONE),
        Some(items) => {
            for item in items {
                d.push(name, item.id());
            }
            let order: Vec<&str> = items.iter().map(Vocabulary::id).collect();
            d.set(&format!("{name}{ORDER}"), order.join(" "));
        }
    }
}

fn put_yes_no(d: &mut FormData, name: &str, value: Option<bool>) {
    d.set(
        name,
        match value {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        },
    );
}

/// Every field of `record` under the form's names, with as many rows as the record has.
pub(super) fn to_form(record: &Intervention) -> FormData {
    let mut d = FormData::default();
    d.set("slug", record.slug.clone());
    d.set("title", record.title.clone());
    put_opt(&mut d, "summary", record.summary.as_deref());
    put_flag(&mut d, "needs_review", record.needs_review);
    d.set(
        "information_correct_at",
        record
            .information_correct_at
            .map(|date| date.to_string())
            .unwrap_or_default(),
    );

    d.set_count(FACET, record.facet_rows.len());
    for (i, row) in record.facet_rows.iter().enumerate() {
        let n = |field: &str| row_name(FACET, i, field);
        put_term(&mut d, &n("target_group"), row.target_group.as_ref());
        put_term(
            &mut d,
            &n("prevention_level"),
            row.prevention_level.as_ref(),
        );
        put_terms(&mut d, &n("age_groups"), &row.age_groups);
        put_terms(&mut d, &n("genders"), &row.genders);
        put_terms(&mut d, &n("delivery"), &row.delivery);
        put_terms(&mut d, &n("subgroups"), &row.subgroups);
        put_terms(&mut d, &n("languages"), &row.languages);
    }
    put_terms(&mut d, "intervention_types", &record.intervention_types);
    put_terms(&mut d, "countries", &record.countries);

    for (key, _) in section::KNOWN {
        put_opt(&mut d, &section_name(key), record.section(key));
    }
    let others: Vec<(&String, &String)> = record
        .sections
        .iter()
        .filter(|(key, _)| !is_known_section(key))
        .collect();
    d.set_count(OTHER_SECTION, others.len());
    for (i, (key, text)) in others.into_iter().enumerate() {
        d.set(&row_name(OTHER_SECTION, i, "key"), key.clone());
        d.set(&row_name(OTHER_SECTION, i, "text"), text.clone());
    }

    d.set_count(REFERENCE, record.references.len());
    for (i, r) in record.references.iter().enumerate() {
        let n = |field: &str| row_name(REFERENCE, i, field);
        d.set(&n("text"), r.text.clone());
        put_lines(&mut d, &n("authors"), &r.authors);
        put_number(&mut d, &n("year"), r.year);
        put_opt(&mut d, &n("title"), r.title.as_deref());
    }

    let c = &record.contact;
    put_opt(&mut d, "contact-organisation", c.organisation.as_deref());
    put_opt(&mut d, "contact-address", c.address.as_deref());
    put_flag(
        &mut d,
        "contact-address_confidential",
        c.address_confidential,
    );
    put_lines(&mut d, "contact-phones", &c.phones);
    put_lines(&mut d, "contact-emails", &c.emails);
    put_lines(&mut d, "contact-websites", &c.websites);
    put_lines(&mut d, "contact-notes", &c.notes);

    put_choice(&mut d, "rating", record.rating.as_ref());
    put_opt(
        &mut d,
        "rating_justification",
        record.rating_justification.as_deref(),
    );
    put_flag(&mut d, "critical_by_treaty", record.critical_by_treaty);

    d.set_count(STUDY, record.studies.len());
    for (i, s) in record.studies.iter().enumerate() {
        let n = |field: &str| row_name(STUDY, i, field);
        d.set(&n("id"), s.id.clone());
        d.set(&n("reference"), s.reference.clone());
        put_choice(&mut d, &n("design"), Some(&s.design));
        put_choice(&mut d, &n("evaluates"), Some(&s.evaluates));
        put_flag(&mut d, &n("meta_analysis"), s.meta_analysis);
        put_number(&mut d, &n("sample_size"), s.sample_size);
        put_term(&mut d, &n("country"), s.country.as_ref());
        put_opt(&mut d, &n("population"), s.population.as_deref());
        put_number(&mut d, &n("follow_up_months"), s.follow_up_months);
        put_choice(&mut d, &n("quality"), s.quality.as_ref());
        put_opt(&mut d, &n("quality_note"), s.quality_note.as_deref());
        put_opt(&mut d, &n("summary"), s.summary.as_deref());
        let outcomes = outcome_list(i);
        d.set_count(&outcomes, s.outcomes.len());
        for (j, o) in s.outcomes.iter().enumerate() {
            let n = |field: &str| row_name(&outcomes, j, field);
            put_term(&mut d, &n("outcome"), Some(&o.outcome));
            put_choice(&mut d, &n("direction"), Some(&o.direction));
            put_yes_no(&mut d, &n("significant"), o.significant);
            put_choice(&mut d, &n("magnitude"), o.magnitude.as_ref());
            put_opt(&mut d, &n("effect_size"), o.effect_size.as_deref());
            put_opt(&mut d, &n("note"), o.note.as_deref());
        }
    }

    let e = &record.eligibility;
    put_number(&mut d, "elig-age_min", e.age_min);
    put_number(&mut d, "elig-age_max", e.age_max);
    d.set_count(FORMAT, e.formats.len());
    for (i, f) in e.formats.iter().enumerate() {
        let n = |field: &str| row_name(FORMAT, i, field);
        put_term(&mut d, &n("delivery"), Some(&f.delivery));
        put_number(&mut d, &n("age_min"), f.age_min);
        put_number(&mut d, &n("age_max"), f.age_max);
    }
    put_list(&mut d, "elig-genders", e.genders.as_deref());
    put_number(&mut d, "elig-iq_min", e.iq_min);
    put_opt(&mut d, "elig-learning_needs", e.learning_needs.as_deref());
    put_list(&mut d, "elig-serves", e.serves.as_deref());
    put_list(&mut d, "elig-situations", e.situations.as_deref());
    put_list(&mut d, "elig-justice_stages", e.justice_stages.as_deref());
    put_list(&mut d, "elig-referral_routes", e.referral_routes.as_deref());
    put_yes_no(&mut d, "elig-anonymous", e.anonymous);
    put_list(&mut d, "elig-cost", e.cost.as_deref());
    put_yes_no(&mut d, "elig-remote", e.remote);
    match e.in_person_areas.as_deref() {
        None => {}
        Some([]) => d.set("elig-in_person_areas-none", TICKED),
        Some(areas) => put_lines(&mut d, "elig-in_person_areas", areas),
    }
    put_list(&mut d, "elig-languages", e.languages.as_deref());
    put_lines(&mut d, "elig-exclusions", &e.exclusions);
    d
}

fn is_known_section(key: &str) -> bool {
    section::KNOWN.iter().any(|(k, _)| *k == key)
}

// ---------------------------------------------------------------------------------------
// Form → record.

/// Reads fields, collecting problems instead of stopping at the first.
struct Reader<'a> {
    d: &'a FormData,
    errors: Vec<FieldError>,
}

/// Keeps `values` (ticked box values, in the order sent) in the order the hidden `order`
/// field lists, then any others in the order sent.
fn in_order<'a>(values: &'a [String], order: &str) -> Vec<&'a str> {
    let order: Vec<&str> = order.split_whitespace().collect();
    let mut out: Vec<&str> = values.iter().map(String::as_str).collect();
    out.sort_by_key(|v| order.iter().position(|o| o == v).unwrap_or(usize::MAX));
    out.dedup();
    out
}

impl Reader<'_> {
    fn error(&mut self, name: &str, message: impl Into<String>) {
        // One message per field is enough to act on.
        if !self.errors.iter().any(|e| e.name == name) {
            self.errors.push(FieldError {
                name: name.to_string(),
                message: message.into(),
            });
        }
    }

    /// The text as typed.
    fn text(&self, name: &str) -> String {
        self.d.get(name).to_string()
    }

    /// The text as typed, or `None` when it holds only white space.
    fn opt_text(&self, name: &str) -> Option<String> {
        let text = self.d.get(name);
        (!text.trim().is_empty()).then(|| text.to_string())
    }

    /// One item a line, blank lines dropped, every other line as typed.
    fn lines(&self, name: &str) -> Vec<String> {
        self.d
            .get(name)
            .split('\n')
            .filter(|line| !line.trim().is_empty())
            .map(str::to_string)
            .collect()
    }

    fn flag(&self, name: &str) -> bool {
        self.d.filled(name)
    }

    /// A whole number in `N`'s range, or `None` when left empty.
    fn number<N: FromStr + ToString + Bounded>(&mut self, name: &str) -> Option<N> {
        let text = self.d.get(name).trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<N>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(
                    name,
                    format!("Enter a whole number from 0 to {}", N::max_text()),
                );
                None
            }
        }
    }

    /// A value chosen from a vocabulary's select; `None` for the empty choice.
    fn choice<T: Vocabulary>(&mut self, name: &str) -> Option<T> {
        let id = self.d.get(name);
        if id.is_empty() {
            return None;
        }
        let value = T::from_id(id);
        if value.is_none() {
            self.error(name, "Choose one of the values in the list");
        }
        value
    }

    /// A value a select must have.
    fn required<T: Vocabulary>(&mut self, name: &str, missing: &str) -> Option<T> {
        let value = self.choice(name);
        if value.is_none() && self.d.get(name).is_empty() {
            self.error(name, missing);
        }
        value
    }

    /// A facet value: chosen from the select, or typed in its "other" box (not both).
    fn term<T: Vocabulary>(&mut self, name: &str) -> Option<Term<T>> {
        let other_name = format!("{name}{OTHER}");
        let other = self.opt_text(&other_name);
        let chosen = self.choice::<T>(name);
        match (chosen, other) {
            (Some(_), Some(_)) => {
                self.error(
                    &other_name,
                    "Choose a value from the list or type another one, not both",
                );
                None
            }
            (Some(v), None) => Some(Term::Known(v)),
            (None, Some(text)) => Some(Term::Other(text)),
            (None, None) => None,
        }
    }

    /// Ticked values of a vocabulary, then values typed in the "other" box (one a line).
    fn terms<T: Vocabulary>(&mut self, name: &str) -> Vec<Term<T>> {
        let mut out = Vec::new();
        let order = self.d.get(&format!("{name}{ORDER}")).to_string();
        let ids: Vec<String> = in_order(self.d.all(name), &order)
            .into_iter()
            .map(str::to_string)
            .collect();
        for id in ids {
            match T::from_id(&id) {
                Some(v) => out.push(Term::Known(v)),
                None => self.error(name, "Tick only values from the list"),
            }
        }
        out.extend(
            self.lines(&format!("{name}{OTHER}"))
                .into_iter()
                .map(Term::Other),
        );
        out
    }

    /// A list that may be unknown: nothing ticked is "not known", the "none of these" box
    /// alone is a stated empty list.
    fn list<T: Vocabulary>(&mut self, name: &str) -> Option<Vec<T>> {
        let order = self.d.get(&format!("{name}{ORDER}")).to_string();
        let ids: Vec<String> = in_order(self.d.all(name), &order)
            .into_iter()
            .map(str::to_string)
            .collect();
        if ids.is_empty() {
            return None;
        }
        if ids.iter().any(|id| id == STATED_NONE) {
            if ids.len() > 1 {
                self.error(
                    name,
                    "Tick \u{201c}None of these\u{201d} on its own, or untick it",
                );
            }
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        for id in ids {
            match T::from_id(&id) {
                Some(v) => out.push(v),
                None => self.error(name, "Tick only values from the list"),
            }
        }
        Some(out)
    }

    /// Yes, no, or not known.
    fn yes_no(&mut self, name: &str) -> Option<bool> {
        match self.d.get(name) {
            "yes" => Some(true),
            "no" => Some(false),
            "" => None,
            _ => {
                self.error(name, "Choose yes, no or not known");
                None
            }
        }
    }

    /// Whether every field of a row is empty (hidden order fields and fields with a default
    /// are not asked).
    fn row_blank(&self, list: &str, i: usize, fields: &[&str]) -> bool {
        !fields
            .iter()
            .any(|field| self.d.filled(&row_name(list, i, field)))
    }
}

/// Integer types the form reads, with the largest value for the message.
trait Bounded {
    fn max_text() -> String;
}

impl Bounded for u8 {
    fn max_text() -> String {
        u8::MAX.to_string()
    }
}

impl Bounded for u16 {
    fn max_text() -> String {
        u16::MAX.to_string()
    }
}

impl Bounded for u32 {
    fn max_text() -> String {
        u32::MAX.to_string()
    }
}

const FACET_FIELDS: [&str; 14] = [
    "target_group",
    "target_group-other",
    "prevention_level",
    "prevention_level-other",
    "age_groups",
    "age_groups-other",
    "genders",
    "genders-other",
    "delivery",
    "delivery-other",
    "subgroups",
    "subgroups-other",
    "languages",
    "languages-other",
];

const REFERENCE_FIELDS: [&str; 4] = ["text", "authors", "year", "title"];

const STUDY_FIELDS: [&str; 12] = [
    "id",
    "reference",
    "design",
    "meta_analysis",
    "sample_size",
    "country",
    "country-other",
    "population",
    "follow_up_months",
    "quality",
    "quality_note",
    "summary",
];

const OUTCOME_FIELDS: [&str; 7] = [
    "outcome",
    "outcome-other",
    "direction",
    "significant",
    "magnitude",
    "effect_size",
    "note",
];

const FORMAT_FIELDS: [&str; 4] = ["delivery", "delivery-other", "age_min", "age_max"];

/// Reads the record the form describes. `data` must hold the slug under `slug` (the
/// handler puts the address's slug there when editing). Every problem is named by its form
/// field: what could not be read, then what the core's validation finds, then a missing
/// reason for a rating that differs from the studies' suggestion.
pub(super) fn parse(data: &FormData) -> Parsed {
    let mut r = Reader {
        d: data,
        errors: Vec::new(),
    };
    let mut rows = RowIndex::default();
    let mut record = Intervention {
        slug: r.text("slug"),
        title: r.text("title"),
        summary: r.opt_text("summary"),
        needs_review: r.flag("needs_review"),
        ..Intervention::default()
    };
    let date = data.get("information_correct_at").trim();
    if !date.is_empty() {
        match PartialDate::parse_iso(date) {
            Ok(date) => record.information_correct_at = Some(date),
            Err(e) => r.error(
                "information_correct_at",
                format!("Enter a year (2024) or a year and month (2024-03): {e}"),
            ),
        }
    }

    for i in 0..data.count(FACET) {
        if r.row_blank(FACET, i, &FACET_FIELDS) {
            continue;
        }
        let n = |field: &str| row_name(FACET, i, field);
        record.facet_rows.push(FacetRow {
            target_group: r.term::<TargetGroup>(&n("target_group")),
            prevention_level: r.term::<PreventionLevel>(&n("prevention_level")),
            age_groups: r.terms::<AgeGroup>(&n("age_groups")),
            genders: r.terms::<Gender>(&n("genders")),
            delivery: r.terms::<Delivery>(&n("delivery")),
            subgroups: r.terms::<Subgroup>(&n("subgroups")),
            languages: r.terms::<Language>(&n("languages")),
        });
    }
    record.intervention_types = r.terms::<Delivery>("intervention_types");
    record.countries = r.terms::<Country>("countries");

    for (key, _) in section::KNOWN {
        if let Some(text) = r.opt_text(&section_name(key)) {
            record.sections.insert(key.to_string(), text);
        }
    }
    for i in 0..data.count(OTHER_SECTION) {
        let key_name = row_name(OTHER_SECTION, i, "key");
        let text_name = row_name(OTHER_SECTION, i, "text");
        let Some(text) = r.opt_text(&text_name) else {
            // An emptied text removes the section.
            continue;
        };
        let key = r.text(&key_name);
        if key.trim().is_empty() {
            r.error(&key_name, "Give this section a heading");
        } else if is_known_section(&key) {
            r.error(
                &key_name,
                "This is one of the sections above: write its text in that box",
            );
        } else {
            match record.sections.entry(key) {
                Entry::Occupied(_) => {
                    r.error(&key_name, "Another section has this heading already")
                }
                Entry::Vacant(slot) => {
                    slot.insert(text);
                }
            }
        }
    }

    for i in 0..data.count(REFERENCE) {
        if r.row_blank(REFERENCE, i, &REFERENCE_FIELDS) {
            continue;
        }
        let n = |field: &str| row_name(REFERENCE, i, field);
        rows.references.push(i);
        record.references.push(Reference {
            text: r.text(&n("text")),
            authors: r.lines(&n("authors")),
            year: r.number::<u16>(&n("year")),
            title: r.opt_text(&n("title")),
        });
    }

    record.contact = Contact {
        organisation: r.opt_text("contact-organisation"),
        address: r.opt_text("contact-address"),
        address_confidential: r.flag("contact-address_confidential"),
        phones: r.lines("contact-phones"),
        emails: r.lines("contact-emails"),
        websites: r.lines("contact-websites"),
        notes: r.lines("contact-notes"),
    };

    record.rating = r.choice::<Rating>("rating");
    record.rating_justification = r.opt_text("rating_justification");
    record.critical_by_treaty = r.flag("critical_by_treaty");

    for i in 0..data.count(STUDY) {
        let outcomes_list = outcome_list(i);
        let outcome_rows: Vec<usize> = (0..data.count(&outcomes_list))
            .filter(|&j| !r.row_blank(&outcomes_list, j, &OUTCOME_FIELDS))
            .collect();
        if outcome_rows.is_empty() && r.row_blank(STUDY, i, &STUDY_FIELDS) {
            continue;
        }
        let n = |field: &str| row_name(STUDY, i, field);
        rows.studies.push(i);
        let design = r.required::<StudyDesign>(&n("design"), "Choose the study's design");
        let mut study = Study::new(
            r.text(&n("id")),
            r.text(&n("reference")),
            design.unwrap_or(StudyDesign::ExpertOpinion),
        );
        study.evaluates = r.choice::<StudyScope>(&n("evaluates")).unwrap_or_default();
        study.meta_analysis = r.flag(&n("meta_analysis"));
        study.sample_size = r.number::<u32>(&n("sample_size"));
        study.country = r.term::<Country>(&n("country"));
        study.population = r.opt_text(&n("population"));
        study.follow_up_months = r.number::<u32>(&n("follow_up_months"));
        study.quality = r.choice::<StudyQuality>(&n("quality"));
        study.quality_note = r.opt_text(&n("quality_note"));
        study.summary = r.opt_text(&n("summary"));
        for j in outcome_rows {
            let n = |field: &str| row_name(&outcomes_list, j, field);
            let outcome = r.term::<OutcomeKind>(&n("outcome"));
            if outcome.is_none() && !r.d.filled(&n("outcome-other")) {
                r.error(&n("outcome"), "Choose what was measured, or type it");
            }
            let direction = r.required::<Direction>(&n("direction"), "Choose the direction");
            let (Some(outcome), Some(direction)) = (outcome, direction) else {
                continue;
            };
            let mut result = Outcome::new(outcome, direction);
            result.significant = r.yes_no(&n("significant"));
            result.magnitude = r.choice::<Magnitude>(&n("magnitude"));
            result.effect_size = r.opt_text(&n("effect_size"));
            result.note = r.opt_text(&n("note"));
            study.outcomes.push(result);
        }
        record.studies.push(study);
    }

    let mut e = Eligibility {
        age_min: r.number::<u8>("elig-age_min"),
        age_max: r.number::<u8>("elig-age_max"),
        ..Eligibility::default()
    };
    for i in 0..data.count(FORMAT) {
        if r.row_blank(FORMAT, i, &FORMAT_FIELDS) {
            continue;
        }
        let n = |field: &str| row_name(FORMAT, i, field);
        let delivery = r.term::<Delivery>(&n("delivery"));
        if delivery.is_none() && !r.d.filled(&n("delivery-other")) {
            r.error(&n("delivery"), "Choose the format these ages apply to");
        }
        let limits = (r.number::<u8>(&n("age_min")), r.number::<u8>(&n("age_max")));
        if let Some(delivery) = delivery {
            rows.formats.push(i);
            e.formats.push(FormatAgeLimits {
                delivery,
                age_min: limits.0,
                age_max: limits.1,
            });
        }
    }
    e.genders = r.list::<Gender>("elig-genders");
    e.iq_min = r.number::<u8>("elig-iq_min");
    e.learning_needs = r.opt_text("elig-learning_needs");
    e.serves = r.list::<AskingFor>("elig-serves");
    e.situations = r.list::<Situation>("elig-situations");
    e.justice_stages = r.list::<JusticeStage>("elig-justice_stages");
    e.referral_routes = r.list::<ReferralRoute>("elig-referral_routes");
    e.anonymous = r.yes_no("elig-anonymous");
    e.cost = r.list::<Cost>("elig-cost");
    e.remote = r.yes_no("elig-remote");
    let areas = r.lines("elig-in_person_areas");
    e.in_person_areas = match (r.flag("elig-in_person_areas-none"), areas.is_empty()) {
        (false, true) => None,
        (false, false) => Some(areas),
        (true, true) => Some(Vec::new()),
        (true, false) => {
            r.error(
                "elig-in_person_areas",
                "Either list the areas or tick \u{201c}No in-person help\u{201d}, not both",
            );
            Some(areas)
        }
    };
    e.languages = r.list::<Language>("elig-languages");
    e.exclusions = r.lines("elig-exclusions");
    record.eligibility = e;

    let mut errors = r.errors;
    for issue in validate(&record) {
        let name = validation_field(&issue, &rows);
        if !errors.iter().any(|e| e.name == name) {
            errors.push(FieldError {
                name,
                message: capitalised(&issue.message),
            });
        }
    }
    if rating_needs_justification(&record) {
        errors.push(FieldError {
            name: "rating_justification".into(),
            message: "The rating differs from the one the recorded studies suggest: say why".into(),
        });
    }
    Parsed { record, errors }
}

/// The form field a validation issue of the core is about. The core counts rows of the
/// record (`studies[1].id`), the form counts the rows it shows, blank ones included.
fn validation_field(issue: &ValidationIssue, rows: &RowIndex) -> String {
    let field = issue.field.as_str();
    let indexed = |prefix: &str, map: &[usize]| -> Option<(usize, String)> {
        let rest = field.strip_prefix(prefix)?;
        let (index, tail) = rest.split_once("].")?;
        let index: usize = index.parse().ok()?;
        Some((*map.get(index)?, tail.to_string()))
    };
    if let Some((i, tail)) = indexed("references[", &rows.references) {
        return row_name(REFERENCE, i, &tail);
    }
    if let Some((i, tail)) = indexed("studies[", &rows.studies) {
        return row_name(STUDY, i, &tail);
    }
    if let Some((i, tail)) = indexed("eligibility.formats[", &rows.formats) {
        return row_name(FORMAT, i, &tail);
    }
    if let Some(rest) = field.strip_prefix("eligibility.") {
        return format!("elig-{rest}");
    }
    field.to_string()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Intervention {
        let mut r = Intervention {
            slug: "fictional-record".into(),
            title: "  Fictional <b>title</b>  ".into(),
            summary: Some("Line one\n\n  indented line two ".into()),
            needs_review: true,
            ..Intervention::default()
        };
        r.facet_rows.push(FacetRow {
            target_group: Some(Term::Other("Someone <else>".into())),
            prevention_level: Some(Term::Known(PreventionLevel::Tertiary)),
            age_groups: vec![
                Term::Known(AgeGroup::Adults),
                Term::Known(AgeGroup::Children),
            ],
            genders: vec![Term::Other("Non-binary people".into())],
            delivery: vec![],
            subgroups: vec![Term::Known(Subgroup::Professionals)],
            languages: vec![Term::Known(Language::from_id("de").expect("de"))],
        });
        r.countries = vec![
            Term::Known(Country::from_id("GB").expect("GB")),
            Term::Known(Country::from_id("DE").expect("DE")),
        ];
        r.sections.insert(
            section::DESCRIPTION.into(),
            "\nStarts with a newline".into(),
        );
        r.sections.insert("odd <key>".into(), "Other text".into());
        r.references.push(Reference {
            text: "Example, A. (2019). Fictional.".into(),
            authors: vec!["Example, A.".into()],
            year: Some(2019),
            title: Some("Fictional".into()),
        });
        r.contact.address = Some("1 Fictional Street\nFictionton".into());
        r.contact.address_confidential = true;
        r.contact.phones = vec!["0800 000".into(), "  spaced ".into()];
        r.rating = Some(Rating::Prudent);
        r.rating_justification = Some("Fictional reason.".into());
        r.critical_by_treaty = true;
        let mut study = Study::new("ex-2019", "Example (2019).", StudyDesign::Rct);
        study.evaluates = StudyScope::GeneralApproach;
        study.sample_size = Some(120);
        study.country = Some(Term::Other("Atlantis".into()));
        study.quality = Some(StudyQuality::Moderate);
        let mut outcome = Outcome::new(Term::Known(OutcomeKind::Knowledge), Direction::Positive);
        outcome.significant = Some(false);
        outcome.magnitude = Some(Magnitude::Small);
        outcome.effect_size = Some("d = 0.2".into());
        study.outcomes.push(outcome);
        study
            .outcomes
            .push(Outcome::new(Term::Other("Sleep".into()), Direction::Mixed));
        r.studies.push(study);
        r.information_correct_at = PartialDate::parse_iso("2023-04").ok();
        r.eligibility.age_min = Some(18);
        r.eligibility.formats.push(FormatAgeLimits {
            delivery: Term::Known(Delivery::GroupWork),
            age_min: Some(21),
            age_max: None,
        });
        r.eligibility.genders = Some(vec![Gender::Female, Gender::Male]);
        r.eligibility.serves = Some(Vec::new());
        r.eligibility.justice_stages = Some(vec![JusticeStage::NoInvolvement]);
        r.eligibility.anonymous = Some(false);
        r.eligibility.remote = Some(true);
        r.eligibility.in_person_areas = Some(Vec::new());
        r.eligibility.exclusions = vec!["Fictional exclusion".into()];
        r
    }

    #[test]
    fn every_field_survives_the_form() {
        let record = fixture();
        let parsed = parse(&to_form(&record));
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.record, record);
    }

    #[test]
    fn blank_rows_are_skipped_and_errors_point_at_the_rows_shown() {
        let mut d = to_form(&fixture());
        // A blank reference row before a reference without text.
        d.set_count(REFERENCE, 3);
        d.set(&row_name(REFERENCE, 2, "year"), "2001");
        d.set("elig-age_max", "300");
        d.set("information_correct_at", "March");
        d.set(&row_name(STUDY, 0, "design"), "");
        d.set(&row_name(FACET, 0, "prevention_level"), "made_up");
        let parsed = parse(&d);
        let names: Vec<&str> = parsed.errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "information_correct_at",
                "facet-0-prevention_level",
                "study-0-design",
                "elig-age_max",
                "reference-2-text",
            ]
        );
        assert_eq!(parsed.record.references.len(), 2);
    }

    #[test]
    fn a_differing_rating_asks_for_a_reason() {
        let mut d = to_form(&fixture());
        d.set("rating_justification", "  ");
        d.set("rating", "effective");
        let parsed = parse(&d);
        assert_eq!(
            parsed.errors.last().map(|e| e.name.as_str()),
            Some("rating_justification")
        );
    }

    #[test]
    fn a_value_from_the_list_and_a_typed_one_conflict() {
        let mut d = to_form(&fixture());
        d.set(&row_name(FACET, 0, "target_group"), "potential_offenders");
        let parsed = parse(&d);
        assert_eq!(parsed.errors[0].name, "facet-0-target_group-other");
        d.set("elig-serves", "self");
        d.push("elig-serves", STATED_NONE);
        let parsed = parse(&d);
        assert!(parsed.errors.iter().any(|e| e.name == "elig-serves"));
    }

    #[test]
    fn the_shared_fixtures_and_examples_survive_the_form() {
        for record in preventory_formats::examples::records()
            .expect("examples")
            .into_iter()
            .map(|(_, r)| r)
        {
            let parsed = parse(&to_form(&record));
            assert_eq!(parsed.record, record, "{}", record.slug);
        }
    }
}
