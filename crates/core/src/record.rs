//! The intervention record: what one service or programme is, for whom, how, and how well
//! the evidence supports it.

use crate::date::PartialDate;
use crate::eligibility::Eligibility;
use crate::evidence::Study;
use crate::rating::Rating;
use crate::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup, Term,
    Vocabulary,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Keys of the narrative sections every record may have, in reading order.
pub mod section {
    /// Who the intervention is for.
    pub const TARGET_POPULATION: &str = "target_population";
    /// Who runs it.
    pub const DELIVERY_ORGANISATION: &str = "delivery_organisation";
    /// How and where it is delivered.
    pub const MODE_AND_CONTEXT: &str = "mode_and_context";
    /// What staff need to know or be.
    pub const STAFF_EXPERTISE: &str = "staff_expertise";
    /// How long and how often.
    pub const INTENSITY: &str = "intensity";
    /// What it is.
    pub const DESCRIPTION: &str = "description";
    /// What is known of its effects.
    pub const EVALUATION: &str = "evaluation";

    /// The known sections in reading order, with the heading shown to people.
    pub const KNOWN: [(&str, &str); 7] = [
        (TARGET_POPULATION, "Target population"),
        (DELIVERY_ORGANISATION, "Delivery organisation"),
        (MODE_AND_CONTEXT, "Mode and context of delivery"),
        (STAFF_EXPERTISE, "Staff expertise required"),
        (INTENSITY, "Intensity and extent of engagement"),
        (DESCRIPTION, "Description of the intervention"),
        (EVALUATION, "Evaluation"),
    ];

    /// The heading people read for a section key; unknown keys are shown from their slug.
    pub fn heading(key: &str) -> String {
        KNOWN
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, h)| (*h).to_string())
            .unwrap_or_else(|| {
                let words = key.replace(['-', '_'], " ");
                let mut chars = words.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            })
    }
}

/// One combination of facets, like one row of the database's filter table: a target group at
/// a prevention level, for these ages and genders, delivered so, in these languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FacetRow {
    /// Whom the row is aimed at; `None` when the source did not say.
    pub target_group: Option<Term<TargetGroup>>,
    /// Prevention level; `None` when the source did not say.
    pub prevention_level: Option<Term<PreventionLevel>>,
    /// Age groups served.
    pub age_groups: Vec<Term<AgeGroup>>,
    /// Genders served.
    pub genders: Vec<Term<Gender>>,
    /// Types of intervention.
    pub delivery: Vec<Term<Delivery>>,
    /// Narrower groups or settings.
    pub subgroups: Vec<Term<Subgroup>>,
    /// Languages of delivery.
    pub languages: Vec<Term<Language>>,
}

/// A cited work. `text` is always the citation as written; the parts are filled where the
/// citation's shape allows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// The citation exactly as written.
    pub text: String,
    /// Authors, one entry each ("Hanson, R. K.").
    pub authors: Vec<String>,
    /// Year of publication.
    pub year: Option<u16>,
    /// Title of the work.
    pub title: Option<String>,
}

/// How to reach the service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// The organisation to contact.
    pub organisation: Option<String>,
    /// Postal address, lines joined by newlines.
    pub address: Option<String>,
    /// When true the address is for staff only: left out of public pages, the API and exports.
    pub address_confidential: bool,
    /// Telephone numbers as written.
    pub phones: Vec<String>,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Web addresses as written.
    pub websites: Vec<String>,
    /// Other lines of the contact block (e.g. charity numbers), kept verbatim.
    pub notes: Vec<String>,
}

impl Contact {
    /// True when the block says nothing.
    pub fn is_empty(&self) -> bool {
        self.organisation.is_none()
            && self.address.is_none()
            && self.phones.is_empty()
            && self.emails.is_empty()
            && self.websites.is_empty()
            && self.notes.is_empty()
    }
}

/// An intervention: a programme, service or resource that aims to prevent child sexual abuse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "InterventionJson", into = "InterventionJson")]
pub struct Intervention {
    /// Short, stable, URL-safe name.
    pub slug: String,
    /// The name people know it by.
    pub title: String,
    /// One or two sentences saying what it is.
    pub summary: Option<String>,
    /// Facet combinations, like the database's own filter rows.
    pub facet_rows: Vec<FacetRow>,
    /// The record's "Type of intervention" list, which may stand apart from its facet rows.
    pub intervention_types: Vec<Term<Delivery>>,
    /// Countries where it is offered, where stated.
    pub countries: Vec<Term<Country>>,
    /// Narrative sections keyed by [`section`] keys (or a slug of an unknown heading).
    pub sections: BTreeMap<String, String>,
    /// Works cited.
    pub references: Vec<Reference>,
    /// How to reach it.
    pub contact: Contact,
    /// Evidence rating; `None` is "not rated". Editors decide it; the studies below give a
    /// suggestion ([`crate::evidence::assess`]) to check it against.
    pub rating: Option<Rating>,
    /// An editor's written reason for a rating that differs from the one the studies
    /// suggest, shown publicly beside it.
    pub rating_justification: Option<String>,
    /// True when international treaties deem the intervention critical, which makes it
    /// Prudent at least whatever the studies show.
    pub critical_by_treaty: bool,
    /// The studies of the intervention, as data.
    pub studies: Vec<Study>,
    /// When the information was last confirmed.
    pub information_correct_at: Option<PartialDate>,
    /// Who it can take.
    pub eligibility: Eligibility,
    /// Set when something in the record could not be determined and an editor must look.
    pub needs_review: bool,
}

fn union<T: Vocabulary>(items: impl IntoIterator<Item = Term<T>>) -> Vec<Term<T>> {
    let mut all: Vec<Term<T>> = items.into_iter().collect();
    all.sort();
    all.dedup();
    all
}

impl Intervention {
    /// Every target group over all facet rows, sorted by id, without duplicates.
    pub fn target_groups(&self) -> Vec<Term<TargetGroup>> {
        union(
            self.facet_rows
                .iter()
                .filter_map(|r| r.target_group.clone()),
        )
    }

    /// Every prevention level over all facet rows.
    pub fn prevention_levels(&self) -> Vec<Term<PreventionLevel>> {
        union(
            self.facet_rows
                .iter()
                .filter_map(|r| r.prevention_level.clone()),
        )
    }

    /// Every age group over all facet rows.
    pub fn age_groups(&self) -> Vec<Term<AgeGroup>> {
        union(self.facet_rows.iter().flat_map(|r| r.age_groups.clone()))
    }

    /// Every gender over all facet rows.
    pub fn genders(&self) -> Vec<Term<Gender>> {
        union(self.facet_rows.iter().flat_map(|r| r.genders.clone()))
    }

    /// Every type of intervention over all facet rows and the record's own type list.
    pub fn delivery(&self) -> Vec<Term<Delivery>> {
        union(
            self.facet_rows
                .iter()
                .flat_map(|r| r.delivery.clone())
                .chain(self.intervention_types.iter().cloned()),
        )
    }

    /// Every sub-group over all facet rows.
    pub fn subgroups(&self) -> Vec<Term<Subgroup>> {
        union(self.facet_rows.iter().flat_map(|r| r.subgroups.clone()))
    }

    /// Every language over all facet rows.
    pub fn languages(&self) -> Vec<Term<Language>> {
        union(self.facet_rows.iter().flat_map(|r| r.languages.clone()))
    }

    /// The text of a section, if present.
    pub fn section(&self, key: &str) -> Option<&str> {
        self.sections.get(key).map(String::as_str)
    }

    /// Sections in reading order: the known ones first, then the others by key.
    pub fn sections_in_order(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = section::KNOWN
            .iter()
            .filter_map(|(k, _)| self.sections.get_key_value(*k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        out.extend(
            self.sections
                .iter()
                .filter(|(k, _)| !section::KNOWN.iter().any(|(known, _)| known == k))
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        out
    }

    /// The rating its studies suggest, with the reasons and warnings ([`crate::evidence::assess`]).
    pub fn assessment(&self) -> crate::evidence::Assessment {
        crate::evidence::assess(&self.studies, self.critical_by_treaty)
    }

    /// The record as the public may see it: confidential details removed. The studies, the
    /// treaty status and the rating justification are public: they explain the rating.
    pub fn public_view(&self) -> Intervention {
        let mut public = self.clone();
        if public.contact.address_confidential {
            public.contact.address = None;
        }
        public
    }

    /// The record reduced to what signposting ([`crate::matching`]) reads: slug, title,
    /// rating, countries, facet rows, types of intervention and eligibility. Small enough to
    /// keep in memory for every record, so matching needs no store.
    pub fn matching_view(&self) -> Intervention {
        Intervention {
            slug: self.slug.clone(),
            title: self.title.clone(),
            rating: self.rating,
            countries: self.countries.clone(),
            facet_rows: self.facet_rows.clone(),
            intervention_types: self.intervention_types.clone(),
            eligibility: self.eligibility.clone(),
            ..Intervention::default()
        }
    }
}

/// The JSON shape of a record: the stored fields plus the flat facet lists, which are derived
/// from the facet rows on output and ignored on input (so they can never disagree).
#[derive(Serialize, Deserialize)]
struct InterventionJson {
    slug: String,
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    needs_review: bool,
    #[serde(default, skip_deserializing)]
    target_groups: Vec<Term<TargetGroup>>,
    #[serde(default, skip_deserializing)]
    prevention_levels: Vec<Term<PreventionLevel>>,
    #[serde(default, skip_deserializing)]
    age_groups: Vec<Term<AgeGroup>>,
    #[serde(default, skip_deserializing)]
    genders: Vec<Term<Gender>>,
    #[serde(default, skip_deserializing)]
    delivery: Vec<Term<Delivery>>,
    #[serde(default, skip_deserializing)]
    subgroups: Vec<Term<Subgroup>>,
    #[serde(default, skip_deserializing)]
    languages: Vec<Term<Language>>,
    #[serde(default)]
    countries: Vec<Term<Country>>,
    #[serde(default)]
    facet_rows: Vec<FacetRow>,
    #[serde(default)]
    intervention_types: Vec<Term<Delivery>>,
    #[serde(default)]
    sections: BTreeMap<String, String>,
    #[serde(default)]
    references: Vec<Reference>,
    #[serde(default)]
    contact: Contact,
    #[serde(default)]
    rating: Option<Rating>,
    // The evidence fields below are left out when empty, so records without them keep the
    // exact JSON (and so the content hashes) they had before these fields existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rating_justification: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    critical_by_treaty: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    studies: Vec<Study>,
    #[serde(default)]
    information_correct_at: Option<PartialDate>,
    #[serde(default)]
    eligibility: Eligibility,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl From<InterventionJson> for Intervention {
    fn from(j: InterventionJson) -> Self {
        Intervention {
            slug: j.slug,
            title: j.title,
            summary: j.summary,
            facet_rows: j.facet_rows,
            intervention_types: j.intervention_types,
            countries: j.countries,
            sections: j.sections,
            references: j.references,
            contact: j.contact,
            rating: j.rating,
            rating_justification: j.rating_justification,
            critical_by_treaty: j.critical_by_treaty,
            studies: j.studies,
            information_correct_at: j.information_correct_at,
            eligibility: j.eligibility,
            needs_review: j.needs_review,
        }
    }
}

impl From<Intervention> for InterventionJson {
    fn from(r: Intervention) -> Self {
        InterventionJson {
            target_groups: r.target_groups(),
            prevention_levels: r.prevention_levels(),
            age_groups: r.age_groups(),
            genders: r.genders(),
            delivery: r.delivery(),
            subgroups: r.subgroups(),
            languages: r.languages(),
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            needs_review: r.needs_review,
            countries: r.countries,
            facet_rows: r.facet_rows,
            intervention_types: r.intervention_types,
            sections: r.sections,
            references: r.references,
            contact: r.contact,
            rating: r.rating,
            rating_justification: r.rating_justification,
            critical_by_treaty: r.critical_by_treaty,
            studies: r.studies,
            information_correct_at: r.information_correct_at,
            eligibility: r.eligibility,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Intervention {
        Intervention {
            slug: "fictional-programme".into(),
            title: "Fictional Programme".into(),
            facet_rows: vec![
                FacetRow {
                    target_group: Some(Term::Known(TargetGroup::PotentialOffenders)),
                    prevention_level: Some(Term::Known(PreventionLevel::Tertiary)),
                    age_groups: vec![Term::Known(AgeGroup::Adults)],
                    genders: vec![Term::Known(Gender::Male)],
                    delivery: vec![Term::Known(Delivery::GroupWork)],
                    subgroups: vec![],
                    languages: vec![],
                },
                FacetRow {
                    target_group: Some(Term::Known(TargetGroup::PotentialOffenders)),
                    prevention_level: Some(Term::Known(PreventionLevel::Secondary)),
                    age_groups: vec![
                        Term::Known(AgeGroup::YoungAdults),
                        Term::Known(AgeGroup::Adults),
                    ],
                    genders: vec![Term::Other("Non-binary people".into())],
                    delivery: vec![],
                    subgroups: vec![],
                    languages: vec![],
                },
            ],
            intervention_types: vec![Term::Known(Delivery::IndividualWork)],
            ..Intervention::default()
        }
    }

    #[test]
    fn flat_lists_are_sorted_unions_without_duplicates() {
        let r = sample();
        let json = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(
            json["target_groups"],
            serde_json::json!(["potential_offenders"])
        );
        assert_eq!(
            json["prevention_levels"],
            serde_json::json!(["secondary", "tertiary"])
        );
        assert_eq!(
            json["age_groups"],
            serde_json::json!(["adults", "young_adults"])
        );
        assert_eq!(
            json["genders"],
            serde_json::json!(["male", "other:Non-binary people"])
        );
        assert_eq!(
            json["delivery"],
            serde_json::json!(["group_work", "individual_work"])
        );
    }

    #[test]
    fn json_round_trip_is_identity() {
        let r = sample();
        let text = serde_json::to_string(&r).unwrap_or_default();
        let back: Intervention = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, r);
    }

    #[test]
    fn records_without_evidence_fields_serialise_as_before() {
        let r = sample();
        let json = serde_json::to_value(&r).unwrap_or_default();
        let object = json.as_object().cloned().unwrap_or_default();
        for key in ["studies", "rating_justification", "critical_by_treaty"] {
            assert!(
                !object.contains_key(key),
                "{key} written for a record without it"
            );
        }
    }

    #[test]
    fn evidence_fields_round_trip_and_stay_public() {
        use crate::evidence::{Direction, Outcome, OutcomeKind, Study, StudyDesign};
        let mut r = sample();
        let mut study = Study::new("fictional-2020", "Fictional, A. (2020).", StudyDesign::Rct);
        study.outcomes.push(Outcome::new(
            Term::Known(OutcomeKind::Knowledge),
            Direction::Positive,
        ));
        r.studies.push(study);
        r.critical_by_treaty = true;
        r.rating_justification = Some("Fictional reason.".into());
        r.contact.address_confidential = true;
        let text = serde_json::to_string(&r).unwrap_or_default();
        assert!(text.contains("\"critical_by_treaty\":true"), "{text}");
        let back: Intervention = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, r);
        let public = r.public_view();
        assert_eq!(public.studies, r.studies);
        assert!(public.critical_by_treaty);
        assert_eq!(public.rating_justification, r.rating_justification);
    }

    #[test]
    fn confidential_addresses_are_removed_from_the_public_view() {
        let mut r = sample();
        r.contact.address = Some("1 Fictional Road".into());
        r.contact.address_confidential = true;
        assert_eq!(r.public_view().contact.address, None);
        r.contact.address_confidential = false;
        assert!(r.public_view().contact.address.is_some());
    }
}
