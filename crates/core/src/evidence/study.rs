//! One study of an intervention: its design, how good it is, and what it found.

use super::outcome::Outcome;
use crate::vocab::{vocabulary, Country, Term};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// The scoping review's hierarchy of evidence (its Table 1), strongest design first.
    StudyDesign, "study_design" {
        /// Participants randomly allocated to the intervention or a comparison.
        Rct => "rct", "Randomised controlled trial",
            ["RCT", "Randomized controlled trial",
             "Randomised control trial", "Randomised trial", "Randomized trial"];
        /// A comparison group without random allocation.
        ControlledCohort => "controlled_cohort", "Controlled cohort study (incl. quasi-experimental)",
            ["Controlled cohort study", "Controlled cohort", "Quasi-experimental",
             "Quasi-experimental study", "Quasi experimental", "Controlled study"];
        /// Measures before and after, without a comparison group.
        UncontrolledCohort => "uncontrolled_cohort", "Uncontrolled cohort study (pre/post)",
            ["Uncontrolled cohort study", "Uncontrolled cohort", "Pre/post", "Pre-post",
             "Pre/post study", "Before and after study", "Pre-test/post-test"];
        /// A description of cases, interviews or participants' views, without measuring change.
        CaseQualitativeDescriptive => "case_qualitative_descriptive",
            "Case study, qualitative or descriptive study",
            ["Case study", "Qualitative", "Qualitative study", "Descriptive", "Descriptive study",
             "Case series"];
        /// No evaluation: the intervention rests on experts' judgement.
        ExpertOpinion => "expert_opinion", "Expert opinion / no evaluation",
            ["Expert opinion", "No evaluation", "Expert consensus"];
    }
}

impl StudyDesign {
    /// The level in the hierarchy of evidence, from 1 (strongest, randomised trials) to 5
    /// (expert opinion).
    pub fn level(self) -> u8 {
        match self {
            StudyDesign::Rct => 1,
            StudyDesign::ControlledCohort => 2,
            StudyDesign::UncontrolledCohort => 3,
            StudyDesign::CaseQualitativeDescriptive => 4,
            StudyDesign::ExpertOpinion => 5,
        }
    }

    /// True for experimental and quasi-experimental designs (with a comparison group): the
    /// only ones that can make an intervention Promising or Effective.
    pub fn is_experimental(self) -> bool {
        matches!(self, StudyDesign::Rct | StudyDesign::ControlledCohort)
    }

    /// The design in a few lower-case words, to put inside a sentence.
    pub fn phrase(self) -> &'static str {
        match self {
            StudyDesign::Rct => "randomised controlled trial",
            StudyDesign::ControlledCohort => "controlled study",
            StudyDesign::UncontrolledCohort => "uncontrolled pre/post study",
            StudyDesign::CaseQualitativeDescriptive => "case, qualitative or descriptive study",
            StudyDesign::ExpertOpinion => "expert opinion, not an evaluation",
        }
    }

    /// The plural of [`StudyDesign::phrase`], for "a meta-analysis of …".
    pub fn phrase_plural(self) -> &'static str {
        match self {
            StudyDesign::Rct => "randomised controlled trials",
            StudyDesign::ControlledCohort => "controlled studies",
            StudyDesign::UncontrolledCohort => "uncontrolled pre/post studies",
            StudyDesign::CaseQualitativeDescriptive => "case, qualitative or descriptive studies",
            StudyDesign::ExpertOpinion => "expert opinions",
        }
    }
}

vocabulary! {
    /// How far a study's results can be trusted, as judged by whoever recorded it.
    StudyQuality, "study_quality" {
        /// Few risks of bias.
        High => "high", "High";
        /// Some risks of bias, but the results are usable.
        Moderate => "moderate", "Moderate";
        /// Risks of bias serious enough that the results cannot carry a rating.
        Low => "low", "Low";
    }
}

vocabulary! {
    /// What a study evaluated: this intervention itself, or the general approach it follows
    /// (e.g. meta-analyses of sex offender treatment cited for one programme). Evidence for
    /// the approach supports a programme, but cannot make it Promising or Effective.
    StudyScope, "study_scope" {
        /// The intervention itself.
        ThisIntervention => "this_intervention", "This intervention",
            ["This programme", "The intervention", "Programme"];
        /// The general approach the intervention follows.
        GeneralApproach => "general_approach", "The general approach",
            ["General approach", "Approach", "The approach"];
    }
}

// The `vocabulary!` macro writes the enum, so `#[derive(Default)]` cannot be added to it.
#[allow(clippy::derivable_impls)]
impl Default for StudyScope {
    fn default() -> Self {
        StudyScope::ThisIntervention
    }
}

fn is_this_intervention(scope: &StudyScope) -> bool {
    *scope == StudyScope::ThisIntervention
}

/// One study of an intervention, as data: enough to explain a rating without reading the
/// paper, and to let the rule engine ([`super::assess`]) suggest one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Short name, unique within its intervention (e.g. `hanson-2009`), so reasons and
    /// warnings can point at it.
    pub id: String,
    /// The citation, as written.
    pub reference: String,
    /// The study's design, on the hierarchy of evidence.
    pub design: StudyDesign,
    /// Whether it evaluated this intervention or the general approach it follows.
    #[serde(default, skip_serializing_if = "is_this_intervention")]
    pub evaluates: StudyScope,
    /// True when the study pools several experimental or quasi-experimental studies; one
    /// good meta-analysis counts like two good studies.
    #[serde(default, skip_serializing_if = "is_false")]
    pub meta_analysis: bool,
    /// Number of participants, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_size: Option<u32>,
    /// Where it took place, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Term<Country>>,
    /// Who took part, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// How long after the intervention outcomes were last measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_months: Option<u32>,
    /// The study's quality; `None` when nobody has judged it, which does not count as good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<StudyQuality>,
    /// Why the quality was judged so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_note: Option<String>,
    /// The findings in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The measured results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<Outcome>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Study {
    /// A study with only its id, reference and design, for building records in code.
    pub fn new(id: impl Into<String>, reference: impl Into<String>, design: StudyDesign) -> Self {
        Study {
            id: id.into(),
            reference: reference.into(),
            design,
            evaluates: StudyScope::ThisIntervention,
            meta_analysis: false,
            sample_size: None,
            country: None,
            population: None,
            follow_up_months: None,
            quality: None,
            quality_note: None,
            summary: None,
            outcomes: Vec::new(),
        }
    }

    /// True when the study's quality was judged high or moderate: good enough to carry a
    /// Promising or Effective rating.
    pub fn is_good_quality(&self) -> bool {
        matches!(
            self.quality,
            Some(StudyQuality::High | StudyQuality::Moderate)
        )
    }
}
