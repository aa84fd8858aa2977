//! The evidence behind a record's rating, as the record page shows it: the rating the record
//! carries beside the one its studies suggest, the reasons, what is missing for the next
//! level, warnings of harm or no effect, the evidence per outcome and the studies themselves.
//!
//! Everything comes from the core's rule engine (`Intervention::assessment` and
//! `evidence::compare`); this module only puts it into words and shapes for the template,
//! which escapes every string.

use super::{non_empty, NOT_STATED};
use crate::pages::RatingView;
use preventory_core::evidence::{
    compare, Assessment, Direction, EvidenceAmount, OutcomeEvidence, Study, StudyQuality,
    StudyScope, WarningKind,
};
use preventory_core::vocab::Vocabulary;
use preventory_core::Intervention;

/// Everything the record page shows about the evidence.
pub(crate) struct EvidenceView {
    /// The rating the recorded studies support; `None` when no studies are recorded (and
    /// the intervention is not deemed critical by treaty).
    pub suggested: Option<RatingView>,
    /// The strongest design among the studies, on the hierarchy of evidence.
    pub level: Option<LevelView>,
    /// One line per study (and for treaty status or the absence of studies).
    pub reasons: Vec<String>,
    /// What would lift the suggestion one level; `None` at Effective.
    pub next_step: Option<String>,
    /// The heading of the warnings notice, worded after the most serious warning.
    pub warnings_heading: &'static str,
    /// Harm, possible harm, no effect and mixed results, most serious first.
    pub warnings: Vec<WarningView>,
    /// How the record's rating differs from the suggestion, in words; `None` when they agree.
    pub difference: Option<String>,
    /// True when the record is rated and its rating is the one the studies suggest.
    pub agrees: bool,
    /// The editors' reason for the rating, when they gave one.
    pub justification: Option<String>,
    /// The evidence for each outcome measured.
    pub outcomes: Vec<OutcomeRow>,
    /// The studies, in the order recorded.
    pub studies: Vec<StudyView>,
}

/// A design's place on the hierarchy of evidence.
pub(crate) struct LevelView {
    pub label: &'static str,
    /// 1 (randomised trials) to 5 (expert opinion).
    pub level: u8,
}

/// One warning, with its kind in words.
pub(crate) struct WarningView {
    /// A CSS class suffix from a closed set (`harm`, `possible-harm`, `no-effect`, `mixed`).
    pub class: &'static str,
    pub kind: &'static str,
    pub text: String,
}

/// One row of the table of evidence per outcome.
pub(crate) struct OutcomeRow {
    pub outcome: String,
    /// How much evidence: one study, or several (with the number).
    pub amount: String,
    pub strongest_design: &'static str,
    /// The results by direction, only the directions that occur.
    pub results: Vec<String>,
    /// The size of the effect as reported: described sizes, and effects as written.
    pub sizes: Vec<String>,
}

/// One study, as facts to list.
pub(crate) struct StudyView {
    pub id: String,
    pub reference: String,
    pub design: &'static str,
    /// Whether it evaluated this intervention or the general approach it follows.
    pub evaluates: &'static str,
    pub meta_analysis: &'static str,
    pub sample_size: String,
    pub country: String,
    pub population: String,
    pub follow_up: String,
    pub quality: String,
    pub quality_note: Option<String>,
    pub summary: Option<String>,
    pub outcomes: Vec<StudyOutcomeView>,
}

/// One measured result of a study.
pub(crate) struct StudyOutcomeView {
    pub outcome: String,
    pub result: String,
    pub magnitude: Option<&'static str>,
    pub effect_size: Option<String>,
    pub note: Option<String>,
}

impl EvidenceView {
    /// The evidence view of a record (already its public view).
    pub(crate) fn of(record: &Intervention) -> EvidenceView {
        let assessment = record.assessment();
        let difference = compare(record.rating, &assessment).map(|d| d.text);
        view(record, &assessment, difference)
    }

    /// True when any result calls for caution.
    pub(crate) fn has_warnings(&self) -> bool {
        !self.warnings.is_empty()
    }
}

fn view(record: &Intervention, a: &Assessment, difference: Option<String>) -> EvidenceView {
    EvidenceView {
        suggested: RatingView::of(a.suggested),
        level: a.evidence_level.map(|d| LevelView {
            label: d.label(),
            level: d.level(),
        }),
        reasons: a.reasons.iter().map(|r| r.text.clone()).collect(),
        next_step: a.next_step.clone(),
        warnings_heading: warnings_heading(a.warnings.first().map(|w| w.kind)),
        warnings: a
            .warnings
            .iter()
            .map(|w| WarningView {
                class: warning_class(w.kind),
                kind: warning_kind(w.kind),
                text: w.text.clone(),
            })
            .collect(),
        agrees: record.rating.is_some() && difference.is_none(),
        difference,
        justification: non_empty(record.rating_justification.as_deref()),
        outcomes: a
            .outcomes
            .iter()
            .map(|o| outcome_row(o, &record.studies))
            .collect(),
        studies: record.studies.iter().map(study_view).collect(),
    }
}

/// The notice's heading, after the most serious warning (warnings come sorted so).
fn warnings_heading(most_serious: Option<WarningKind>) -> &'static str {
    match most_serious {
        Some(WarningKind::Harm) => "Warning: a recorded study found signs of harm",
        Some(WarningKind::PossibleHarm) => "Warning: a recorded study found possible harm",
        Some(WarningKind::NoEffect | WarningKind::Mixed) | None => {
            "Caution: some recorded results show no effect or are mixed"
        }
    }
}

fn warning_kind(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::Harm => "Harm",
        WarningKind::PossibleHarm => "Possible harm",
        WarningKind::NoEffect => "No effect",
        WarningKind::Mixed => "Mixed results",
    }
}

fn warning_class(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::Harm => "harm",
        WarningKind::PossibleHarm => "possible-harm",
        WarningKind::NoEffect => "no-effect",
        WarningKind::Mixed => "mixed",
    }
}

fn outcome_row(o: &OutcomeEvidence, studies: &[Study]) -> OutcomeRow {
    let amount = match o.amount {
        EvidenceAmount::OneStudy => "One study".to_string(),
        EvidenceAmount::SeveralStudies => format!("Several studies ({})", o.studies),
    };
    let mut results = Vec::new();
    let other_positive = o.positive.saturating_sub(o.positive_significant);
    for (count, words) in [
        (o.positive_significant, "Positive, significant"),
        (other_positive, "Positive, not shown to be significant"),
        (o.none, "No effect"),
        (o.negative, "Negative"),
        (o.mixed, "Mixed"),
    ] {
        if count > 0 {
            results.push(format!("{words}: {count}"));
        }
    }
    let mut sizes = Vec::new();
    if !o.magnitudes.is_empty() {
        let described: Vec<String> = o
            .magnitudes
            .iter()
            .map(|m| m.label().to_lowercase())
            .collect();
        sizes.push(format!("Described as {}", described.join(", ")));
    }
    for study in studies {
        for result in study.outcomes.iter().filter(|r| r.outcome == o.outcome) {
            if let Some(effect) = non_empty(result.effect_size.as_deref()) {
                sizes.push(format!("{}: {effect}", study.id));
            }
        }
    }
    if sizes.is_empty() {
        sizes.push("Not reported".to_string());
    }
    OutcomeRow {
        outcome: o.outcome.label().to_string(),
        amount,
        strongest_design: o.strongest_design.label(),
        results,
        sizes,
    }
}

fn or_not_stated(value: Option<String>) -> String {
    value.unwrap_or_else(|| NOT_STATED.to_string())
}

fn study_view(s: &Study) -> StudyView {
    let quality = match s.quality {
        Some(StudyQuality::High) => "High",
        Some(StudyQuality::Moderate) => "Moderate",
        Some(StudyQuality::Low) => "Low",
        None => "Not judged",
    };
    StudyView {
        id: s.id.clone(),
        reference: s.reference.trim().to_string(),
        design: s.design.label(),
        evaluates: match s.evaluates {
            StudyScope::ThisIntervention => "This intervention",
            StudyScope::GeneralApproach => {
                "The general approach this intervention follows, not the intervention itself"
            }
        },
        meta_analysis: if s.meta_analysis {
            "Yes: it pools several studies"
        } else {
            "No"
        },
        sample_size: or_not_stated(s.sample_size.map(|n| n.to_string())),
        country: or_not_stated(s.country.as_ref().map(|c| c.label().to_string())),
        population: or_not_stated(non_empty(s.population.as_deref())),
        follow_up: or_not_stated(s.follow_up_months.map(|m| {
            if m == 1 {
                "1 month".to_string()
            } else {
                format!("{m} months")
            }
        })),
        quality: quality.to_string(),
        quality_note: non_empty(s.quality_note.as_deref()),
        summary: non_empty(s.summary.as_deref()),
        outcomes: s
            .outcomes
            .iter()
            .map(|o| StudyOutcomeView {
                outcome: o.outcome.label().to_string(),
                result: result_words(o.direction, o.significant),
                magnitude: o.magnitude.map(|m| m.label()),
                effect_size: non_empty(o.effect_size.as_deref()),
                note: non_empty(o.note.as_deref()),
            })
            .collect(),
    }
}

/// "Positive, significant", "Negative, significance not reported", "No effect", …
fn result_words(direction: Direction, significant: Option<bool>) -> String {
    let significance = match significant {
        Some(true) => "significant",
        Some(false) => "not significant",
        None => "significance not reported",
    };
    match direction {
        Direction::NoEffect => "No effect".to_string(),
        Direction::Mixed => "Mixed".to_string(),
        Direction::Positive => format!("Positive, {significance}"),
        Direction::Negative => format!("Negative, {significance}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use preventory_core::evidence::{Outcome, OutcomeKind, StudyDesign};
    use preventory_core::{Rating, Term};

    fn study(id: &str, direction: Direction, significant: Option<bool>) -> Study {
        let mut s = Study::new(id, format!("Fictional, A. ({id})."), StudyDesign::Rct);
        s.quality = Some(StudyQuality::High);
        let mut o = Outcome::new(Term::Known(OutcomeKind::Knowledge), direction);
        o.significant = significant;
        s.outcomes.push(o);
        s
    }

    #[test]
    fn harm_is_headed_as_harm_even_when_the_suggestion_is_effective() {
        let mut record = Intervention {
            rating: Some(Rating::Effective),
            ..Intervention::default()
        };
        record.studies = vec![
            study("one", Direction::Positive, Some(true)),
            study("two", Direction::Positive, Some(true)),
            study("three", Direction::Negative, Some(true)),
        ];
        let v = EvidenceView::of(&record);
        assert_eq!(v.suggested.as_ref().map(|r| r.id), Some("effective"));
        assert!(v.difference.is_none());
        assert_eq!(v.warnings.len(), 1);
        assert_eq!(v.warnings[0].class, "harm");
        assert!(v.warnings_heading.contains("harm"));
        let row = &v.outcomes[0];
        assert_eq!(row.amount, "Several studies (3)");
        assert_eq!(
            row.results,
            ["Positive, significant: 2", "Negative: 1"].map(String::from)
        );
        assert_eq!(row.sizes, ["Not reported".to_string()]);
    }

    #[test]
    fn a_record_without_studies_has_no_suggestion_but_says_why() {
        let record = Intervention {
            rating: Some(Rating::Prudent),
            ..Intervention::default()
        };
        let v = EvidenceView::of(&record);
        assert!(v.suggested.is_none() && v.level.is_none());
        assert!(v
            .difference
            .is_some_and(|d| d.contains("no studies are recorded")));
        assert_eq!(v.reasons.len(), 1);
        assert!(v.next_step.is_some());
    }
}
