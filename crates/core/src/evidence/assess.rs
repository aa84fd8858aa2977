//! The rule engine: from the studies recorded for an intervention to a suggested rating on
//! the INSPIRE-based scale, with the reasons, what is missing for the next level, warnings
//! about harm or no effect, and the evidence per outcome.
//!
//! The rules (the same as [`Rating::criterion`]):
//!
//! - A study *qualifies* when it evaluated this intervention itself (not only the general
//!   approach it follows), is experimental ([`StudyDesign::is_experimental`]), its quality was
//!   judged high or moderate, and at least one outcome is positive and reported as
//!   statistically significant.
//! - **Effective**: two or more qualifying studies, or one qualifying meta-analysis.
//! - **Promising**: exactly one qualifying study (not a meta-analysis).
//! - **Prudent**: otherwise, when a study other than expert opinion reports a positive
//!   outcome (observational or qualitative evidence, or experimental evidence that misses a
//!   bar), or when the intervention is deemed critical by international treaties.
//! - **Pioneering**: otherwise, when any study is recorded.
//! - **Not rated**: no studies, and not critical by treaty.
//!
//! Warnings are kept apart from the rating: the scale has no step below Pioneering, so a
//! harmful or null result can never lower a rating and must never be averaged away.

use super::outcome::{Direction, Magnitude, Outcome, OutcomeKind};
use super::study::{Study, StudyDesign, StudyQuality, StudyScope};
use crate::rating::Rating;
use crate::vocab::{Term, Vocabulary};
use serde::Serialize;

/// What the studies recorded for an intervention support, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The rating the rules suggest; `None` means there is nothing to rate yet.
    pub suggested: Option<Rating>,
    /// The strongest design among the studies, on the hierarchy of evidence.
    pub evidence_level: Option<StudyDesign>,
    /// One reason per study (in the order given), then one for treaty status or for the
    /// absence of studies, each saying which bar it meets or misses.
    pub reasons: Vec<Reason>,
    /// What evidence would lift the suggestion one level; `None` at Effective.
    pub next_step: Option<String>,
    /// Harmful, null and mixed results, most serious first. Never averaged into the rating.
    pub warnings: Vec<EvidenceWarning>,
    /// The evidence for each outcome measured, in the order of [`OutcomeKind`], then other
    /// outcomes in the order they first appear.
    pub outcomes: Vec<OutcomeEvidence>,
}

/// Why a bar is missed by an experimental study that does not count towards Promising.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// Its quality was judged low.
    LowQuality,
    /// Nobody has judged its quality.
    QualityNotJudged,
    /// Its positive results are not statistically significant.
    NotSignificant,
    /// It does not say whether its positive results are significant.
    SignificanceNotReported,
    /// It reports no positive result at all.
    NoPositiveResult,
    /// It evaluated the general approach, not this intervention.
    GeneralApproach,
}

impl Shortfall {
    /// The shortfall in a few words, to put inside a sentence.
    pub fn phrase(self) -> &'static str {
        match self {
            Shortfall::LowQuality => "low quality",
            Shortfall::QualityNotJudged => "quality not judged",
            Shortfall::NotSignificant => "positive result not statistically significant",
            Shortfall::SignificanceNotReported => {
                "significance of its positive result not reported"
            }
            Shortfall::NoPositiveResult => "no positive result",
            Shortfall::GeneralApproach => {
                "evidence for the general approach, not this intervention"
            }
        }
    }
}

/// One step of the argument for the suggested rating: a study (or the treaty status) and the
/// bar it meets or misses, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The study's id; `None` for treaty status or the absence of studies.
    pub study: Option<String>,
    /// The highest rating this item supports on its own; `None` when it supports none.
    pub supports: Option<Rating>,
    /// What keeps an experimental study from counting towards Promising (empty otherwise).
    pub shortfalls: Vec<Shortfall>,
    /// The reason as a sentence for people.
    pub text: String,
}

/// How serious a warning is. The order is the order of seriousness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A significant negative result.
    Harm,
    /// A negative result that is not significant, or whose significance is not reported.
    PossibleHarm,
    /// An experimental study found no effect.
    NoEffect,
    /// A study reports mixed results.
    Mixed,
}

/// A result that readers must see beside the rating: harm, possible harm, no effect or mixed
/// results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceWarning {
    /// How serious it is.
    pub kind: WarningKind,
    /// The id of the study that found it.
    pub study: String,
    /// The outcome concerned.
    pub outcome: Term<OutcomeKind>,
    /// The warning as a sentence for people.
    pub text: String,
}

/// Whether an outcome rests on one study or several: a large effect in one study is not the
/// same as consistent findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceAmount {
    /// One study reports the outcome.
    OneStudy,
    /// Two or more studies report it.
    SeveralStudies,
}

/// The evidence for one outcome across all studies. Direction counts count results, so a
/// study that reports the same outcome twice (at two follow-ups, say) counts twice there but
/// once in `studies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeEvidence {
    /// The outcome.
    pub outcome: Term<OutcomeKind>,
    /// How many studies report it.
    pub studies: usize,
    /// One study or several.
    pub amount: EvidenceAmount,
    /// The strongest design among those studies.
    pub strongest_design: StudyDesign,
    /// Positive results reported as significant (a subset of `positive`).
    pub positive_significant: usize,
    /// Positive results, significant or not.
    pub positive: usize,
    /// Results showing no effect.
    pub none: usize,
    /// Negative results.
    pub negative: usize,
    /// Mixed results.
    pub mixed: usize,
    /// Effect sizes as reported, in study order; kept apart from the amount of evidence.
    pub magnitudes: Vec<Magnitude>,
}

/// How a record's rating differs from the rating its studies support, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingDifference {
    /// The record's rating (`None` = not rated).
    pub given: Option<Rating>,
    /// The rating the studies support (`None` = no studies recorded).
    pub suggested: Option<Rating>,
    /// The difference in a sentence or two for people.
    pub text: String,
}

/// What one study contributes, before it is put into words.
struct Verdict<'a> {
    study: &'a Study,
    qualifying: bool,
    /// A positive result in a study other than expert opinion (enough for Prudent).
    supports_prudent: bool,
    shortfalls: Vec<Shortfall>,
}

fn judge(study: &Study) -> Verdict<'_> {
    let positive: Vec<&Outcome> = study
        .outcomes
        .iter()
        .filter(|o| o.direction == Direction::Positive)
        .collect();
    let significant_positive = positive.iter().any(|o| o.significant == Some(true));
    let mut shortfalls = Vec::new();
    if study.design.is_experimental() {
        if study.evaluates == StudyScope::GeneralApproach {
            shortfalls.push(Shortfall::GeneralApproach);
        }
        match study.quality {
            Some(StudyQuality::High | StudyQuality::Moderate) => {}
            Some(StudyQuality::Low) => shortfalls.push(Shortfall::LowQuality),
            None => shortfalls.push(Shortfall::QualityNotJudged),
        }
        if !significant_positive {
            // Name the most telling gap: a reported "not significant" outweighs silence.
            if positive.is_empty() {
                shortfalls.push(Shortfall::NoPositiveResult);
            } else if positive.iter().any(|o| o.significant == Some(false)) {
                shortfalls.push(Shortfall::NotSignificant);
            } else {
                shortfalls.push(Shortfall::SignificanceNotReported);
            }
        }
    }
    Verdict {
        study,
        qualifying: study.design.is_experimental() && shortfalls.is_empty(),
        supports_prudent: study.design != StudyDesign::ExpertOpinion && !positive.is_empty(),
        shortfalls,
    }
}

/// Suggests a rating for an intervention from its studies, and explains it. Pure and
/// deterministic: the same studies always give the same assessment.
pub fn assess(studies: &[Study], critical_by_treaty: bool) -> Assessment {
    let verdicts: Vec<Verdict<'_>> = studies.iter().map(judge).collect();
    let qualifying = verdicts.iter().filter(|v| v.qualifying).count();
    let qualifying_meta = verdicts
        .iter()
        .any(|v| v.qualifying && v.study.meta_analysis);
    let suggested = if qualifying >= 2 || qualifying_meta {
        Some(Rating::Effective)
    } else if qualifying == 1 {
        Some(Rating::Promising)
    } else if critical_by_treaty || verdicts.iter().any(|v| v.supports_prudent) {
        Some(Rating::Prudent)
    } else if !studies.is_empty() {
        Some(Rating::Pioneering)
    } else {
        None
    };

    let mut reasons: Vec<Reason> = verdicts.iter().map(|v| reason(v, qualifying)).collect();
    if critical_by_treaty {
        reasons.push(Reason {
            study: None,
            supports: Some(Rating::Prudent),
            shortfalls: Vec::new(),
            text: "Deemed critical by international treaties — Prudent at least, whatever the studies show".into(),
        });
    } else if studies.is_empty() {
        reasons.push(Reason {
            study: None,
            supports: None,
            shortfalls: Vec::new(),
            text: "No studies are recorded — not rated".into(),
        });
    }

    let mut warnings: Vec<EvidenceWarning> = studies.iter().flat_map(study_warnings).collect();
    // Stable, so warnings of one kind stay in study order.
    warnings.sort_by_key(|w| w.kind);

    Assessment {
        suggested,
        evidence_level: studies.iter().map(|s| s.design).min(),
        reasons,
        next_step: next_step(suggested),
        warnings,
        outcomes: outcome_evidence(studies),
    }
}

/// Explains how a record's rating differs from the one its studies support; `None` when they
/// agree.
pub fn compare(given: Option<Rating>, assessment: &Assessment) -> Option<RatingDifference> {
    let suggested = assessment.suggested;
    if given == suggested {
        return None;
    }
    let text = match (given, suggested) {
        (Some(g), None) => format!(
            "The database rated it {g}; no studies are recorded here yet, so the rating cannot be checked against them."
        ),
        (Some(g), Some(s)) => format!(
            "The database rated it {g}; the studies recorded here support {s} because {}.",
            because(assessment, given)
        ),
        (None, Some(s)) => format!(
            "It is not rated; the studies recorded here support {s} because {}.",
            because(assessment, given)
        ),
        (None, None) => return None,
    };
    Some(RatingDifference {
        given,
        suggested,
        text,
    })
}

/// The grounds for the suggested rating in a clause, for [`compare`].
fn because(assessment: &Assessment, given: Option<Rating>) -> String {
    let ids_where = |pred: &dyn Fn(&Reason) -> bool| -> Vec<String> {
        assessment
            .reasons
            .iter()
            .filter(|r| pred(r))
            .filter_map(|r| r.study.clone())
            .collect()
    };
    let given_rank = given.map(Rating::strength_rank).unwrap_or(u8::MAX);
    match assessment.suggested {
        Some(Rating::Effective) => {
            let meta = ids_where(&|r| r.supports == Some(Rating::Effective));
            if let Some(id) = meta.first() {
                format!("{id} is a high- or moderate-quality meta-analysis of experimental studies with a significant positive result")
            } else {
                let ids = ids_where(&|r| r.supports == Some(Rating::Promising));
                format!(
                    "{} high- or moderate-quality experimental studies ({}) show a significant positive result",
                    ids.len(),
                    ids.join(", ")
                )
            }
        }
        Some(Rating::Promising) => {
            let ids = ids_where(&|r| r.supports == Some(Rating::Promising));
            let mut text = format!(
                "one high- or moderate-quality experimental study ({}) shows a significant positive result",
                ids.join(", ")
            );
            if given_rank < Rating::Promising.strength_rank() {
                text.push_str(", and Effective needs two such studies, or a meta-analysis");
            }
            text
        }
        Some(Rating::Prudent) => {
            let missed: Vec<String> = assessment
                .reasons
                .iter()
                .filter(|r| !r.shortfalls.is_empty())
                .filter_map(|r| {
                    let why: Vec<&str> = r.shortfalls.iter().map(|s| s.phrase()).collect();
                    r.study
                        .as_ref()
                        .map(|id| format!("{id}: {}", why.join(", ")))
                })
                .collect();
            let observational = ids_where(&|r| {
                r.study.is_some() && r.shortfalls.is_empty() && r.supports == Some(Rating::Prudent)
            });
            let mut parts = Vec::new();
            if given_rank < Rating::Prudent.strength_rank() {
                if missed.is_empty() {
                    parts.push(
                        "no high- or moderate-quality experimental study with a significant positive result is recorded".to_string(),
                    );
                } else {
                    parts.push(format!(
                        "no experimental study recorded here meets the bar for Promising ({})",
                        missed.join("; ")
                    ));
                }
            }
            if !observational.is_empty() {
                parts.push(format!(
                    "the positive evidence is observational or qualitative ({})",
                    observational.join(", ")
                ));
            } else if !missed.is_empty() && given_rank >= Rating::Prudent.strength_rank() {
                parts.push(format!(
                    "experimental studies that miss the bar for Promising still report positive results ({})",
                    missed.join("; ")
                ));
            }
            if assessment
                .reasons
                .iter()
                .any(|r| r.study.is_none() && r.supports == Some(Rating::Prudent))
            {
                parts.push("it is deemed critical by international treaties".to_string());
            }
            parts.join(", and ")
        }
        Some(Rating::Pioneering) => {
            "the studies recorded here are expert opinion only, or report no positive result"
                .to_string()
        }
        None => "no studies are recorded here yet".to_string(),
    }
}

/// The outcome's name inside a sentence: a vocabulary label in lower case, or the verbatim
/// text as written.
fn outcome_phrase(outcome: &Term<OutcomeKind>) -> String {
    match outcome {
        Term::Known(kind) => kind.label().to_lowercase(),
        Term::Other(text) => text.clone(),
    }
}

/// A list of outcome names without repeats, joined for a sentence.
fn outcome_list<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> String {
    let mut names: Vec<String> = Vec::new();
    for o in outcomes {
        let name = outcome_phrase(&o.outcome);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.len() {
        0 => String::new(),
        1 => names.remove(0),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// "a randomised controlled trial", "a meta-analysis of controlled studies", …
fn described(study: &Study) -> String {
    if study.meta_analysis {
        format!("a meta-analysis of {}", study.design.phrase_plural())
    } else if study.design == StudyDesign::ExpertOpinion {
        study.design.phrase().to_string()
    } else {
        let phrase = study.design.phrase();
        let article = if phrase.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {phrase}")
    }
}

fn quality_phrase(quality: Option<StudyQuality>) -> &'static str {
    match quality {
        Some(StudyQuality::High) => "high quality",
        Some(StudyQuality::Moderate) => "moderate quality",
        Some(StudyQuality::Low) => "low quality",
        None => "quality not judged",
    }
}

fn reason(v: &Verdict<'_>, qualifying: usize) -> Reason {
    let s = v.study;
    let positive = || {
        s.outcomes
            .iter()
            .filter(|o| o.direction == Direction::Positive)
    };
    let (supports, text) = if v.qualifying {
        let effects = outcome_list(s.outcomes.iter().filter(|o| o.is_significant_positive()));
        let head = format!(
            "{}: {}, {}, significant positive effect on {effects}",
            s.id,
            described(s),
            quality_phrase(s.quality)
        );
        if s.meta_analysis {
            (
                Some(Rating::Effective),
                format!("{head} — meets the bar for Effective"),
            )
        } else if qualifying >= 2 {
            let others = qualifying - 1;
            let noun = if others == 1 { "study" } else { "studies" };
            (
                Some(Rating::Promising),
                format!("{head} — meets the bar for Promising, and with {others} other such {noun}, for Effective"),
            )
        } else {
            (
                Some(Rating::Promising),
                format!("{head} — meets the bar for Promising"),
            )
        }
    } else if s.design.is_experimental() {
        let mut needs = Vec::new();
        if v.shortfalls.contains(&Shortfall::GeneralApproach) {
            needs.push("an evaluation of this intervention itself");
        }
        if v.shortfalls
            .iter()
            .any(|f| matches!(f, Shortfall::LowQuality | Shortfall::QualityNotJudged))
        {
            needs.push("high or moderate quality");
        }
        if v.shortfalls.iter().any(|f| {
            matches!(
                f,
                Shortfall::NotSignificant
                    | Shortfall::SignificanceNotReported
                    | Shortfall::NoPositiveResult
            )
        }) {
            needs.push("a significant positive result");
        }
        let gaps: Vec<&str> = v.shortfalls.iter().map(|f| f.phrase()).collect();
        let mut text = format!(
            "{}: {} ({}) — does not count towards Promising, which needs {}",
            s.id,
            described(s),
            gaps.join("; "),
            needs.join(" and ")
        );
        if v.supports_prudent {
            text.push_str(&format!(
                "; its positive result on {} supports Prudent",
                outcome_list(positive())
            ));
            (Some(Rating::Prudent), text)
        } else {
            text.push_str("; on its own it supports Pioneering");
            (Some(Rating::Pioneering), text)
        }
    } else if v.supports_prudent {
        let kind = if s.design == StudyDesign::CaseQualitativeDescriptive {
            "qualitative or descriptive evidence"
        } else {
            "observational evidence"
        };
        (
            Some(Rating::Prudent),
            format!(
                "{}: {}{}, positive result on {} — {kind} (Prudent)",
                s.id,
                described(s),
                if s.evaluates == StudyScope::GeneralApproach {
                    " of the general approach"
                } else {
                    ""
                },
                outcome_list(positive())
            ),
        )
    } else if s.design == StudyDesign::ExpertOpinion {
        (
            Some(Rating::Pioneering),
            format!(
                "{}: expert opinion, not an evaluation — limited evidence (Pioneering)",
                s.id
            ),
        )
    } else {
        (
            Some(Rating::Pioneering),
            format!(
                "{}: {} with no positive result — limited evidence (Pioneering)",
                s.id,
                described(s)
            ),
        )
    };
    Reason {
        study: Some(s.id.clone()),
        supports,
        shortfalls: v.shortfalls.clone(),
        text,
    }
}

fn study_warnings(study: &Study) -> Vec<EvidenceWarning> {
    study
        .outcomes
        .iter()
        .filter_map(|o| {
            let name = outcome_phrase(&o.outcome);
            let (kind, mut text) = match o.direction {
                Direction::Negative if o.significant == Some(true) => (
                    WarningKind::Harm,
                    format!(
                        "{}: a significant negative effect on {name} — a sign of harm",
                        study.id
                    ),
                ),
                Direction::Negative => {
                    let why = if o.significant == Some(false) {
                        "not statistically significant"
                    } else {
                        "significance not reported"
                    };
                    (
                        WarningKind::PossibleHarm,
                        format!(
                            "{}: a negative effect on {name} ({why}) — possible harm",
                            study.id
                        ),
                    )
                }
                Direction::NoEffect if study.design.is_experimental() => (
                    WarningKind::NoEffect,
                    format!(
                        "{}: {} found no effect on {name}",
                        study.id,
                        described(study)
                    ),
                ),
                Direction::Mixed => (
                    WarningKind::Mixed,
                    format!("{}: mixed results on {name}", study.id),
                ),
                Direction::Positive | Direction::NoEffect => return None,
            };
            if let Some(effect) = &o.effect_size {
                text.push_str(&format!(" ({effect})"));
            }
            Some(EvidenceWarning {
                kind,
                study: study.id.clone(),
                outcome: o.outcome.clone(),
                text,
            })
        })
        .collect()
}

fn next_step(suggested: Option<Rating>) -> Option<String> {
    let text = match suggested {
        Some(Rating::Effective) => return None,
        Some(Rating::Promising) => "One more high- or moderate-quality experimental study with a significant positive outcome would make it Effective.",
        Some(Rating::Prudent) => "A high- or moderate-quality experimental study (randomised or controlled) with a significant positive outcome would make it Promising.",
        Some(Rating::Pioneering) => "A study other than expert opinion that reports a positive outcome (observational or qualitative evidence is enough) would make it Prudent.",
        None => "Recording the studies that evaluated it (or marking it critical by international treaties) would let a rating be suggested.",
    };
    Some(text.to_string())
}

fn outcome_evidence(studies: &[Study]) -> Vec<OutcomeEvidence> {
    let mut out: Vec<OutcomeEvidence> = Vec::new();
    for study in studies {
        let mut seen_in_study: Vec<&Term<OutcomeKind>> = Vec::new();
        for o in &study.outcomes {
            let index = match out.iter().position(|e| e.outcome == o.outcome) {
                Some(i) => i,
                None => {
                    out.push(OutcomeEvidence {
                        outcome: o.outcome.clone(),
                        studies: 0,
                        amount: EvidenceAmount::OneStudy,
                        strongest_design: study.design,
                        positive_significant: 0,
                        positive: 0,
                        none: 0,
                        negative: 0,
                        mixed: 0,
                        magnitudes: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let e = &mut out[index];
            if !seen_in_study.contains(&&o.outcome) {
                seen_in_study.push(&o.outcome);
                e.studies += 1;
            }
            e.amount = if e.studies >= 2 {
                EvidenceAmount::SeveralStudies
            } else {
                EvidenceAmount::OneStudy
            };
            e.strongest_design = e.strongest_design.min(study.design);
            match o.direction {
                Direction::Positive => {
                    e.positive += 1;
                    if o.significant == Some(true) {
                        e.positive_significant += 1;
                    }
                }
                Direction::NoEffect => e.none += 1,
                Direction::Negative => e.negative += 1,
                Direction::Mixed => e.mixed += 1,
            }
            if let Some(m) = o.magnitude {
                e.magnitudes.push(m);
            }
        }
    }
    // Known outcomes in vocabulary order; others keep the order they first appeared in
    // (the sort is stable and they all share the last key).
    out.sort_by_key(|e| match &e.outcome {
        Term::Known(kind) => kind.position(),
        Term::Other(_) => usize::MAX,
    });
    out
}
