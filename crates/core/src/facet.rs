//! The facets a record can be filtered and counted by, as one list every adapter can share.

use crate::eligibility::Access;
use crate::evidence::StudyDesign;
use crate::rating::Rating;
use crate::record::Intervention;
use crate::vocab::Vocabulary;
use crate::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup,
};

/// A filterable facet of the collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// Target group.
    TargetGroup,
    /// Prevention level.
    PreventionLevel,
    /// Age group.
    AgeGroup,
    /// Gender.
    Gender,
    /// Type of intervention.
    Delivery,
    /// Sub-group.
    Subgroup,
    /// Language.
    Language,
    /// Country.
    Country,
    /// Evidence rating (`unrated` when none).
    Rating,
    /// The strongest study design recorded, on the review's Table 1 hierarchy (`none` when no
    /// studies are recorded).
    EvidenceLevel,
    /// Ways into the service (self-referral, anonymous help…), from its eligibility.
    Access,
}

/// The id used for records without any study when evidence levels are counted or filtered.
pub const NO_STUDIES: &str = "none";

/// The id used for records without a rating when ratings are counted or filtered.
pub const UNRATED: &str = "unrated";

impl Facet {
    /// Every facet, in display order.
    pub const ALL: [Facet; 11] = [
        Facet::TargetGroup,
        Facet::PreventionLevel,
        Facet::AgeGroup,
        Facet::Gender,
        Facet::Delivery,
        Facet::Subgroup,
        Facet::Language,
        Facet::Country,
        Facet::Rating,
        Facet::EvidenceLevel,
        Facet::Access,
    ];

    /// The singular id used as a URL parameter (`target_group`).
    pub fn param(self) -> &'static str {
        match self {
            Facet::TargetGroup => TargetGroup::FACET,
            Facet::PreventionLevel => PreventionLevel::FACET,
            Facet::AgeGroup => AgeGroup::FACET,
            Facet::Gender => Gender::FACET,
            Facet::Delivery => Delivery::FACET,
            Facet::Subgroup => Subgroup::FACET,
            Facet::Language => Language::FACET,
            Facet::Country => Country::FACET,
            Facet::Rating => Rating::FACET,
            Facet::EvidenceLevel => "evidence_level",
            Facet::Access => Access::FACET,
        }
    }

    /// The plural key used in JSON (`target_groups`).
    pub fn plural(self) -> &'static str {
        match self {
            Facet::TargetGroup => "target_groups",
            Facet::PreventionLevel => "prevention_levels",
            Facet::AgeGroup => "age_groups",
            Facet::Gender => "genders",
            Facet::Delivery => "delivery",
            Facet::Subgroup => "subgroups",
            Facet::Language => "languages",
            Facet::Country => "countries",
            Facet::Rating => "ratings",
            Facet::EvidenceLevel => "evidence_levels",
            Facet::Access => "access_routes",
        }
    }

    /// The heading people read.
    pub fn label(self) -> &'static str {
        match self {
            Facet::TargetGroup => "Target group",
            Facet::PreventionLevel => "Prevention level",
            Facet::AgeGroup => "Age group",
            Facet::Gender => "Gender",
            Facet::Delivery => "Type of intervention",
            Facet::Subgroup => "Sub-group",
            Facet::Language => "Language",
            Facet::Country => "Country",
            Facet::Rating => "Evidence rating",
            Facet::EvidenceLevel => "Strongest evaluation",
            Facet::Access => "How to get help",
        }
    }

    /// The facet with this URL parameter name (singular or plural).
    pub fn from_param(param: &str) -> Option<Facet> {
        Facet::ALL
            .into_iter()
            .find(|f| f.param() == param || f.plural() == param)
    }

    /// The ids a record has for this facet, sorted, without duplicates.
    pub fn ids_of(self, record: &Intervention) -> Vec<String> {
        fn ids<T: Vocabulary>(terms: Vec<crate::vocab::Term<T>>) -> Vec<String> {
            terms.iter().map(|t| t.id()).collect()
        }
        match self {
            Facet::TargetGroup => ids(record.target_groups()),
            Facet::PreventionLevel => ids(record.prevention_levels()),
            Facet::AgeGroup => ids(record.age_groups()),
            Facet::Gender => ids(record.genders()),
            Facet::Delivery => ids(record.delivery()),
            Facet::Subgroup => ids(record.subgroups()),
            Facet::Language => ids(record.languages()),
            Facet::Country => {
                let mut c: Vec<String> = record.countries.iter().map(|t| t.id()).collect();
                c.sort();
                c.dedup();
                c
            }
            Facet::Rating => vec![record
                .rating
                .map(|r| r.id().to_string())
                .unwrap_or_else(|| UNRATED.to_string())],
            Facet::EvidenceLevel => vec![record
                .studies
                .iter()
                .map(|s| s.design)
                .min_by_key(|d| d.level())
                .map_or_else(|| NO_STUDIES.to_string(), |d| d.id().to_string())],
            Facet::Access => record
                .eligibility
                .access()
                .iter()
                .map(|a| a.id().to_string())
                .collect(),
        }
    }

    /// The known values of this facet as `(id, label)`, in display order.
    pub fn known_values(self) -> Vec<(&'static str, &'static str)> {
        fn values<T: Vocabulary>() -> Vec<(&'static str, &'static str)> {
            T::all().iter().map(|v| (v.id(), v.label())).collect()
        }
        match self {
            Facet::TargetGroup => values::<TargetGroup>(),
            Facet::PreventionLevel => values::<PreventionLevel>(),
            Facet::AgeGroup => values::<AgeGroup>(),
            Facet::Gender => values::<Gender>(),
            Facet::Delivery => values::<Delivery>(),
            Facet::Subgroup => values::<Subgroup>(),
            Facet::Language => values::<Language>(),
            Facet::Country => values::<Country>(),
            Facet::Rating => {
                let mut v = values::<Rating>();
                v.push((UNRATED, "Not rated"));
                v
            }
            Facet::EvidenceLevel => {
                let mut v = values::<StudyDesign>();
                v.push((NO_STUDIES, "No studies recorded"));
                v
            }
            Facet::Access => values::<Access>(),
        }
    }

    /// The label of one id of this facet (verbatim text for `other:` ids).
    pub fn label_of(self, id: &str) -> String {
        if let Some(rest) = id.strip_prefix(crate::vocab::OTHER_PREFIX) {
            return rest.to_string();
        }
        self.known_values()
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::{JusticeStage, ReferralRoute};
    use crate::evidence::Study;

    #[test]
    fn derived_facets_come_from_studies_and_eligibility() {
        let mut r = Intervention::default();
        assert_eq!(Facet::EvidenceLevel.ids_of(&r), vec![NO_STUDIES]);
        assert!(Facet::Access.ids_of(&r).is_empty(), "unknown gives nothing");
        r.studies = vec![
            Study::new(
                "a",
                "Fictional, A. (2020).",
                StudyDesign::UncontrolledCohort,
            ),
            Study::new("b", "Fictional, B. (2021).", StudyDesign::ControlledCohort),
            Study::new("c", "Fictional, C. (2022).", StudyDesign::ExpertOpinion),
        ];
        assert_eq!(Facet::EvidenceLevel.ids_of(&r), vec!["controlled_cohort"]);
        r.eligibility.referral_routes =
            Some(vec![ReferralRoute::Mandated, ReferralRoute::SelfReferral]);
        r.eligibility.anonymous = Some(false);
        r.eligibility.justice_stages = Some(vec![JusticeStage::NoInvolvement]);
        assert_eq!(
            Facet::Access.ids_of(&r),
            vec!["self_referral", "no_justice_involvement", "mandated"]
        );
        for facet in [Facet::EvidenceLevel, Facet::Access] {
            assert_eq!(Facet::from_param(facet.param()), Some(facet));
            assert_eq!(Facet::from_param(facet.plural()), Some(facet));
            for id in facet.ids_of(&r) {
                assert!(facet.known_values().iter().any(|(k, _)| *k == id), "{id}");
            }
        }
    }
}
