//! Tests of the rule engine: every boundary of the rating rules, warnings, per-outcome
//! evidence, explanations, and properties over random studies.

use super::*;
use crate::rating::Rating;
use crate::vocab::{Term, Vocabulary};
use proptest::prelude::*;

fn outcome(kind: OutcomeKind, direction: Direction, significant: Option<bool>) -> Outcome {
    Outcome {
        significant,
        ..Outcome::new(Term::Known(kind), direction)
    }
}

fn study(
    id: &str,
    design: StudyDesign,
    quality: Option<StudyQuality>,
    outcomes: Vec<Outcome>,
) -> Study {
    Study {
        quality,
        outcomes,
        ..Study::new(id, format!("Fictional reference for {id}."), design)
    }
}

/// A moderate-quality RCT with a significant positive effect on sexual reoffending.
fn good_rct(id: &str) -> Study {
    study(
        id,
        StudyDesign::Rct,
        Some(StudyQuality::Moderate),
        vec![outcome(
            OutcomeKind::SexualReoffending,
            Direction::Positive,
            Some(true),
        )],
    )
}

fn meta(id: &str) -> Study {
    Study {
        meta_analysis: true,
        ..study(
            id,
            StudyDesign::ControlledCohort,
            Some(StudyQuality::Moderate),
            vec![outcome(
                OutcomeKind::SexualReoffending,
                Direction::Positive,
                Some(true),
            )],
        )
    }
}

fn positive(kind: OutcomeKind, significant: Option<bool>) -> Vec<Outcome> {
    vec![outcome(kind, Direction::Positive, significant)]
}

struct Case {
    name: &'static str,
    studies: Vec<Study>,
    treaty: bool,
    expected: Option<Rating>,
    /// Text that some reason must contain.
    reason_contains: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    use OutcomeKind::*;
    use StudyDesign::*;
    use StudyQuality::*;
    vec![
        Case {
            name: "one moderate RCT with a significant positive outcome",
            studies: vec![good_rct("a-2001")],
            treaty: false,
            expected: Some(Rating::Promising),
            reason_contains: Some("a-2001: a randomised controlled trial, moderate quality, significant positive effect on sexual reoffending — meets the bar for Promising"),
        },
        Case {
            name: "two such RCTs",
            studies: vec![good_rct("a-2001"), good_rct("b-2002")],
            treaty: false,
            expected: Some(Rating::Effective),
            reason_contains: Some("with 1 other such study, for Effective"),
        },
        Case {
            name: "a high-quality controlled cohort and a moderate RCT",
            studies: vec![
                study("a-2001", ControlledCohort, Some(High), positive(Knowledge, Some(true))),
                good_rct("b-2002"),
            ],
            treaty: false,
            expected: Some(Rating::Effective),
            reason_contains: None,
        },
        Case {
            name: "one meta-analysis",
            studies: vec![meta("hanson-2009")],
            treaty: false,
            expected: Some(Rating::Effective),
            reason_contains: Some("hanson-2009: a meta-analysis of controlled studies, moderate quality, significant positive effect on sexual reoffending — meets the bar for Effective"),
        },
        Case {
            name: "a good meta-analysis of the general approach supports Prudent only",
            studies: vec![Study {
                evaluates: StudyScope::GeneralApproach,
                ..meta("hanson-2009")
            }],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("evidence for the general approach, not this intervention"),
        },
        Case {
            name: "two good RCTs of the general approach and one of this programme",
            studies: vec![
                Study {
                    evaluates: StudyScope::GeneralApproach,
                    ..good_rct("a-2001")
                },
                Study {
                    evaluates: StudyScope::GeneralApproach,
                    ..good_rct("b-2002")
                },
                good_rct("c-2003"),
            ],
            treaty: false,
            expected: Some(Rating::Promising),
            reason_contains: Some("which needs an evaluation of this intervention itself"),
        },
        Case {
            name: "a pre/post study of the general approach",
            studies: vec![Study {
                evaluates: StudyScope::GeneralApproach,
                ..study("p-2015", UncontrolledCohort, Some(Moderate), positive(Knowledge, Some(true)))
            }],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("uncontrolled pre/post study of the general approach"),
        },
        Case {
            name: "a low-quality meta-analysis does not count",
            studies: vec![Study { quality: Some(Low), ..meta("m-2010") }],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("does not count towards Promising"),
        },
        Case {
            name: "a meta-analysis of uncontrolled studies is observational",
            studies: vec![Study {
                meta_analysis: true,
                ..study("m-2011", UncontrolledCohort, Some(High), positive(Knowledge, Some(true)))
            }],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("m-2011: a meta-analysis of uncontrolled pre/post studies, positive result on knowledge — observational evidence (Prudent)"),
        },
        Case {
            name: "a low-quality RCT",
            studies: vec![study("jones-2012", Rct, Some(Low), positive(SexualReoffending, Some(true)))],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("jones-2012: a randomised controlled trial (low quality) — does not count towards Promising, which needs high or moderate quality; its positive result on sexual reoffending supports Prudent"),
        },
        Case {
            name: "an RCT whose quality was not judged",
            studies: vec![study("q-2013", Rct, None, positive(Knowledge, Some(true)))],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("(quality not judged) — does not count towards Promising"),
        },
        Case {
            name: "a good RCT with a positive outcome that is not significant",
            studies: vec![study("n-2014", Rct, Some(High), positive(Knowledge, Some(false)))],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("(positive result not statistically significant) — does not count towards Promising, which needs a significant positive result"),
        },
        Case {
            name: "significance not reported does not count",
            studies: vec![study("u-2015", Rct, Some(High), positive(Knowledge, None))],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("(significance of its positive result not reported)"),
        },
        Case {
            name: "a good RCT that found no effect",
            studies: vec![study(
                "z-2016",
                Rct,
                Some(High),
                vec![outcome(SexualReoffending, Direction::NoEffect, Some(false))],
            )],
            treaty: false,
            expected: Some(Rating::Pioneering),
            reason_contains: Some("(no positive result) — does not count towards Promising"),
        },
        Case {
            name: "only a pre/post study",
            studies: vec![study("smith-2015", UncontrolledCohort, None, positive(Knowledge, None))],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("smith-2015: an uncontrolled pre/post study, positive result on knowledge — observational evidence (Prudent)"),
        },
        Case {
            name: "only a qualitative study",
            studies: vec![study("q-2017", CaseQualitativeDescriptive, None, positive(HelpSeeking, None))],
            treaty: false,
            expected: Some(Rating::Prudent),
            reason_contains: Some("qualitative or descriptive evidence (Prudent)"),
        },
        Case {
            name: "a pre/post study without a positive outcome",
            studies: vec![study(
                "p-2018",
                UncontrolledCohort,
                None,
                vec![outcome(Attitudes, Direction::NoEffect, None)],
            )],
            treaty: false,
            expected: Some(Rating::Pioneering),
            reason_contains: Some("with no positive result — limited evidence (Pioneering)"),
        },
        Case {
            name: "only expert opinion",
            studies: vec![study("e-2019", ExpertOpinion, None, vec![])],
            treaty: false,
            expected: Some(Rating::Pioneering),
            reason_contains: Some("e-2019: expert opinion, not an evaluation — limited evidence (Pioneering)"),
        },
        Case {
            name: "expert opinion claiming a positive outcome is still expert opinion",
            studies: vec![study("e-2020", ExpertOpinion, Some(High), positive(Knowledge, Some(true)))],
            treaty: false,
            expected: Some(Rating::Pioneering),
            reason_contains: None,
        },
        Case {
            name: "no studies",
            studies: vec![],
            treaty: false,
            expected: None,
            reason_contains: Some("No studies are recorded"),
        },
        Case {
            name: "no studies but critical by treaty",
            studies: vec![],
            treaty: true,
            expected: Some(Rating::Prudent),
            reason_contains: Some("Deemed critical by international treaties"),
        },
        Case {
            name: "expert opinion and critical by treaty",
            studies: vec![study("e-2019", ExpertOpinion, None, vec![])],
            treaty: true,
            expected: Some(Rating::Prudent),
            reason_contains: None,
        },
        Case {
            name: "treaty status does not lower a Promising suggestion",
            studies: vec![good_rct("a-2001")],
            treaty: true,
            expected: Some(Rating::Promising),
            reason_contains: None,
        },
    ]
}

#[test]
fn assess_suggests_the_rating_at_every_boundary() {
    for case in cases() {
        let a = assess(&case.studies, case.treaty);
        assert_eq!(a.suggested, case.expected, "{}", case.name);
        if let Some(text) = case.reason_contains {
            assert!(
                a.reasons.iter().any(|r| r.text.contains(text)),
                "{}: no reason contains {text:?}; reasons: {:#?}",
                case.name,
                a.reasons
            );
        }
        // Every study gets exactly one reason, in order.
        let ids: Vec<_> = a.reasons.iter().filter_map(|r| r.study.clone()).collect();
        let expected_ids: Vec<_> = case.studies.iter().map(|s| s.id.clone()).collect();
        assert_eq!(ids, expected_ids, "{}", case.name);
        assert_eq!(
            a.next_step.is_none(),
            a.suggested == Some(Rating::Effective),
            "{}",
            case.name
        );
    }
}

#[test]
fn missed_bars_are_named_as_shortfalls() {
    let a = assess(
        &[study(
            "j-2012",
            StudyDesign::ControlledCohort,
            Some(StudyQuality::Low),
            positive(OutcomeKind::Knowledge, None),
        )],
        false,
    );
    assert_eq!(
        a.reasons[0].shortfalls,
        vec![Shortfall::LowQuality, Shortfall::SignificanceNotReported]
    );
    assert_eq!(a.reasons[0].supports, Some(Rating::Prudent));
    assert!(
        a.reasons[0]
            .text
            .contains("which needs high or moderate quality and a significant positive result"),
        "{}",
        a.reasons[0].text
    );
    // Good experimental studies and observational ones have no shortfalls.
    let a = assess(
        &[
            good_rct("a"),
            study(
                "b",
                StudyDesign::UncontrolledCohort,
                None,
                positive(OutcomeKind::Knowledge, None),
            ),
        ],
        false,
    );
    assert!(a.reasons.iter().all(|r| r.shortfalls.is_empty()));
}

#[test]
fn next_steps_say_what_is_missing() {
    let promising = assess(&[good_rct("a")], false);
    assert_eq!(
        promising.next_step.as_deref(),
        Some("One more high- or moderate-quality experimental study with a significant positive outcome would make it Effective.")
    );
    let prudent = assess(&[], true);
    assert!(prudent
        .next_step
        .as_deref()
        .is_some_and(|t| t.contains("would make it Promising")));
    let pioneering = assess(
        &[study("e", StudyDesign::ExpertOpinion, None, vec![])],
        false,
    );
    assert!(pioneering
        .next_step
        .as_deref()
        .is_some_and(|t| t.contains("would make it Prudent")));
    assert!(assess(&[], false).next_step.is_some());
}

#[test]
fn a_significant_harm_is_warned_about_even_when_effective() {
    let mut harmful = good_rct("b-2002");
    harmful.outcomes.push(Outcome {
        effect_size: Some("more breaches of licence".into()),
        ..outcome(OutcomeKind::AnyReoffending, Direction::Negative, Some(true))
    });
    let a = assess(&[good_rct("a-2001"), harmful], false);
    assert_eq!(a.suggested, Some(Rating::Effective));
    assert_eq!(a.warnings.len(), 1);
    let w = &a.warnings[0];
    assert_eq!(w.kind, WarningKind::Harm);
    assert_eq!(w.study, "b-2002");
    assert_eq!(w.outcome, Term::Known(OutcomeKind::AnyReoffending));
    assert_eq!(
        w.text,
        "b-2002: a significant negative effect on any reoffending — a sign of harm (more breaches of licence)"
    );
}

#[test]
fn each_kind_of_warning_and_the_most_serious_first() {
    use OutcomeKind::*;
    let studies = [
        study(
            "mixed",
            StudyDesign::UncontrolledCohort,
            None,
            vec![outcome(Attitudes, Direction::Mixed, None)],
        ),
        study(
            "null-rct",
            StudyDesign::Rct,
            Some(StudyQuality::Low),
            vec![outcome(Knowledge, Direction::NoEffect, Some(false))],
        ),
        // "No effect" outside an experiment is not a finding about effect: no warning.
        study(
            "null-prepost",
            StudyDesign::UncontrolledCohort,
            None,
            vec![outcome(Knowledge, Direction::NoEffect, None)],
        ),
        study(
            "possible",
            StudyDesign::CaseQualitativeDescriptive,
            None,
            vec![
                outcome(PsychologicalWellbeing, Direction::Negative, None),
                outcome(Disclosure, Direction::Negative, Some(false)),
            ],
        ),
        study(
            "harm",
            StudyDesign::ControlledCohort,
            Some(StudyQuality::High),
            vec![outcome(SexualReoffending, Direction::Negative, Some(true))],
        ),
    ];
    let a = assess(&studies, false);
    let kinds: Vec<_> = a
        .warnings
        .iter()
        .map(|w| (w.kind, w.study.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (WarningKind::Harm, "harm"),
            (WarningKind::PossibleHarm, "possible"),
            (WarningKind::PossibleHarm, "possible"),
            (WarningKind::NoEffect, "null-rct"),
            (WarningKind::Mixed, "mixed"),
        ]
    );
    assert!(a.warnings[1]
        .text
        .contains("(significance not reported) — possible harm"));
    assert!(a.warnings[2]
        .text
        .contains("(not statistically significant) — possible harm"));
    assert_eq!(
        a.warnings[3].text,
        "null-rct: a randomised controlled trial found no effect on knowledge"
    );
    assert_eq!(a.suggested, Some(Rating::Pioneering));
}

#[test]
fn outcomes_are_counted_per_outcome_in_vocabulary_order() {
    use OutcomeKind::*;
    let studies = [
        study(
            "a",
            StudyDesign::UncontrolledCohort,
            None,
            vec![
                Outcome {
                    magnitude: Some(Magnitude::Large),
                    ..outcome(Knowledge, Direction::Positive, None)
                },
                Outcome::new(Term::Other("Empathy".into()), Direction::Positive),
                Outcome::new(Term::Other("Anger".into()), Direction::NoEffect),
            ],
        ),
        study(
            "b",
            StudyDesign::Rct,
            Some(StudyQuality::High),
            vec![
                Outcome {
                    magnitude: Some(Magnitude::Small),
                    ..outcome(Knowledge, Direction::Positive, Some(true))
                },
                outcome(Knowledge, Direction::Mixed, None),
                outcome(SexualReoffending, Direction::Negative, Some(false)),
            ],
        ),
    ];
    let a = assess(&studies, false);
    let order: Vec<String> = a.outcomes.iter().map(|e| e.outcome.id()).collect();
    assert_eq!(
        order,
        vec![
            "sexual_reoffending",
            "knowledge",
            "other:Empathy",
            "other:Anger"
        ]
    );
    let knowledge = &a.outcomes[1];
    assert_eq!(knowledge.studies, 2);
    assert_eq!(knowledge.amount, EvidenceAmount::SeveralStudies);
    assert_eq!(knowledge.strongest_design, StudyDesign::Rct);
    assert_eq!(knowledge.positive, 2);
    assert_eq!(knowledge.positive_significant, 1);
    assert_eq!(knowledge.mixed, 1);
    assert_eq!(
        knowledge.magnitudes,
        vec![Magnitude::Large, Magnitude::Small]
    );
    let reoffending = &a.outcomes[0];
    assert_eq!(
        (
            reoffending.studies,
            reoffending.amount,
            reoffending.negative
        ),
        (1, EvidenceAmount::OneStudy, 1)
    );
    assert_eq!(a.outcomes[3].none, 1);
    assert_eq!(a.evidence_level, Some(StudyDesign::Rct));
}

#[test]
fn compare_explains_a_differing_rating() {
    let prudent = assess(
        &[study(
            "jones-2012",
            StudyDesign::Rct,
            Some(StudyQuality::Low),
            positive(OutcomeKind::Knowledge, Some(true)),
        )],
        false,
    );
    let diff = compare(Some(Rating::Promising), &prudent);
    let text = diff.as_ref().map(|d| d.text.as_str()).unwrap_or_default();
    assert_eq!(
        text,
        "The database rated it Promising; the studies recorded here support Prudent because no experimental study recorded here meets the bar for Promising (jones-2012: low quality)."
    );
    // Rated lower than the studies support: the grounds for the higher level are given.
    let diff = compare(Some(Rating::Pioneering), &prudent);
    assert_eq!(
        diff.map(|d| d.text),
        Some("The database rated it Pioneering; the studies recorded here support Prudent because experimental studies that miss the bar for Promising still report positive results (jones-2012: low quality).".to_string())
    );
    assert_eq!(compare(Some(Rating::Prudent), &prudent), None);

    let none = assess(&[], false);
    let diff = compare(Some(Rating::Effective), &none);
    assert!(diff
        .as_ref()
        .is_some_and(|d| d.text.contains("no studies are recorded here yet")
            && d.text.starts_with("The database rated it Effective")));
    assert_eq!(compare(None, &none), None);

    let promising = assess(&[good_rct("a-2001")], false);
    let diff = compare(Some(Rating::Effective), &promising);
    assert_eq!(
        diff.map(|d| d.text),
        Some("The database rated it Effective; the studies recorded here support Promising because one high- or moderate-quality experimental study (a-2001) shows a significant positive result, and Effective needs two such studies, or a meta-analysis.".to_string())
    );
    let diff = compare(None, &promising);
    assert!(diff.is_some_and(|d| d.text.starts_with("It is not rated;") && d.given.is_none()));

    let treaty = assess(&[], true);
    let diff = compare(Some(Rating::Pioneering), &treaty);
    assert!(diff.is_some_and(|d| d
        .text
        .ends_with("it is deemed critical by international treaties.")));
}

#[test]
fn study_design_levels_and_vocabulary() {
    let all = StudyDesign::all();
    let levels: Vec<u8> = all.iter().map(|d| d.level()).collect();
    assert_eq!(levels, vec![1, 2, 3, 4, 5]);
    let ids: Vec<&str> = all.iter().map(|d| d.id()).collect();
    assert_eq!(
        ids,
        vec![
            "rct",
            "controlled_cohort",
            "uncontrolled_cohort",
            "case_qualitative_descriptive",
            "expert_opinion"
        ]
    );
    let experimental: Vec<_> = all.iter().filter(|d| d.is_experimental()).collect();
    assert_eq!(
        experimental,
        vec![&StudyDesign::Rct, &StudyDesign::ControlledCohort]
    );
    for (text, design) in [
        ("RCT", StudyDesign::Rct),
        ("randomised controlled trial", StudyDesign::Rct),
        ("Quasi-experimental", StudyDesign::ControlledCohort),
        ("pre/post", StudyDesign::UncontrolledCohort),
        ("qualitative", StudyDesign::CaseQualitativeDescriptive),
        ("Expert opinion", StudyDesign::ExpertOpinion),
    ] {
        assert_eq!(StudyDesign::match_exact(text), Some(design), "{text}");
    }
    let err = serde_json::from_str::<StudyDesign>("\"rcts\"")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("unknown value \"rcts\" (expected one of rct, controlled_cohort, uncontrolled_cohort, case_qualitative_descriptive, expert_opinion)"),
        "{err}"
    );
}

#[test]
fn studies_reject_unknown_fields_and_keep_other_outcomes() {
    let err = serde_json::from_str::<Study>(
        r#"{"id":"a","reference":"A.","design":"rct","qualty":"high"}"#,
    );
    assert!(err.is_err());
    let err = serde_json::from_str::<Outcome>(
        r#"{"outcome":"knowledge","direction":"positive","signficant":true}"#,
    );
    assert!(err.is_err());
    let study: Option<Study> = serde_json::from_str(
        r#"{"id":"a","reference":"A.","design":"rct","outcomes":[{"outcome":"other:Empathy","direction":"none"}]}"#,
    )
    .ok();
    let study = study.unwrap_or_else(|| Study::new("", "", StudyDesign::Rct));
    assert_eq!(study.outcomes[0].outcome, Term::Other("Empathy".into()));
    assert_eq!(study.outcomes[0].direction, Direction::NoEffect);
    assert!(!study.meta_analysis);
    // Empty fields are left out when written, and the text reads back the same.
    let text = serde_json::to_string(&study).unwrap_or_default();
    assert_eq!(
        text,
        r#"{"id":"a","reference":"A.","design":"rct","outcomes":[{"outcome":"other:Empathy","direction":"none"}]}"#
    );
}

// ---- properties ----

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    let kinds = OutcomeKind::all();
    (
        prop_oneof![
            proptest::sample::select(kinds).prop_map(Term::Known),
            "[A-Za-z ]{1,12}".prop_map(Term::Other),
        ],
        proptest::sample::select(Direction::all()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(proptest::sample::select(Magnitude::all())),
    )
        .prop_map(|(outcome, direction, significant, magnitude)| Outcome {
            significant,
            magnitude,
            ..Outcome::new(outcome, direction)
        })
}

fn arb_study() -> impl Strategy<Value = Study> {
    (
        "[a-z]{1,6}-[0-9]{4}",
        proptest::sample::select(StudyDesign::all()),
        any::<bool>(),
        proptest::option::of(proptest::sample::select(StudyQuality::all())),
        proptest::collection::vec(arb_outcome(), 0..4),
    )
        .prop_map(|(id, design, meta_analysis, quality, outcomes)| Study {
            meta_analysis,
            quality,
            outcomes,
            ..Study::new(id, "Fictional reference.", design)
        })
}

/// Strength as a number where higher is stronger and "not rated" is lowest.
fn strength(r: Option<Rating>) -> i32 {
    match r {
        None => -1,
        Some(r) => 3 - i32::from(r.strength_rank()),
    }
}

fn warning_worthy(s: &Study, o: &Outcome) -> bool {
    match o.direction {
        Direction::Negative | Direction::Mixed => true,
        Direction::NoEffect => s.design.is_experimental(),
        Direction::Positive => false,
    }
}

proptest! {
    #[test]
    fn assess_never_panics_and_is_deterministic(
        studies in proptest::collection::vec(arb_study(), 0..6),
        treaty in any::<bool>(),
    ) {
        let a = assess(&studies, treaty);
        prop_assert_eq!(&a, &assess(&studies, treaty));
        prop_assert!(!a.reasons.is_empty());
        let _ = compare(Some(Rating::Effective), &a);
        let _ = compare(None, &a);
    }

    #[test]
    fn adding_a_qualifying_study_never_lowers_the_suggestion(
        studies in proptest::collection::vec(arb_study(), 0..6),
        treaty in any::<bool>(),
        at in 0usize..7,
    ) {
        let before = assess(&studies, treaty).suggested;
        let mut more = studies.clone();
        more.insert(at.min(more.len()), good_rct("added-qualifying"));
        let after = assess(&more, treaty).suggested;
        prop_assert!(strength(after) >= strength(before), "{:?} -> {:?}", before, after);
        prop_assert!(strength(after) >= strength(Some(Rating::Promising)));
    }

    #[test]
    fn adding_any_study_never_lowers_the_suggestion(
        studies in proptest::collection::vec(arb_study(), 0..6),
        extra in arb_study(),
        treaty in any::<bool>(),
    ) {
        let before = assess(&studies, treaty).suggested;
        let mut more = studies.clone();
        more.push(extra);
        let after = assess(&more, treaty).suggested;
        prop_assert!(strength(after) >= strength(before), "{:?} -> {:?}", before, after);
    }

    #[test]
    fn every_warning_worthy_outcome_yields_a_warning(
        studies in proptest::collection::vec(arb_study(), 0..6),
    ) {
        let a = assess(&studies, false);
        for s in &studies {
            for o in s.outcomes.iter().filter(|o| warning_worthy(s, o)) {
                let expected = match o.direction {
                    Direction::Negative if o.significant == Some(true) => WarningKind::Harm,
                    Direction::Negative => WarningKind::PossibleHarm,
                    Direction::Mixed => WarningKind::Mixed,
                    _ => WarningKind::NoEffect,
                };
                prop_assert!(
                    a.warnings.iter().any(|w| w.study == s.id && w.outcome == o.outcome && w.kind == expected),
                    "no {:?} warning for {} / {:?}", expected, s.id, o.outcome
                );
            }
        }
        let worthy: usize = studies
            .iter()
            .map(|s| s.outcomes.iter().filter(|o| warning_worthy(s, o)).count())
            .sum();
        prop_assert_eq!(a.warnings.len(), worthy);
    }

    #[test]
    fn evidence_level_is_the_strongest_design_present(
        studies in proptest::collection::vec(arb_study(), 0..6),
    ) {
        let a = assess(&studies, false);
        let min_level = studies.iter().map(|s| s.design.level()).min();
        prop_assert_eq!(a.evidence_level.map(StudyDesign::level), min_level);
        for e in &a.outcomes {
            let reporting_min = studies
                .iter()
                .filter(|s| s.outcomes.iter().any(|o| o.outcome == e.outcome))
                .map(|s| s.design.level())
                .min();
            prop_assert_eq!(Some(e.strongest_design.level()), reporting_min);
        }
    }

    #[test]
    fn the_suggestion_follows_the_counting_rules(
        studies in proptest::collection::vec(arb_study(), 0..6),
        treaty in any::<bool>(),
    ) {
        // An independent statement of the rules, to catch drift in the engine.
        let qualifies = |s: &Study| {
            s.design.is_experimental()
                && matches!(s.quality, Some(StudyQuality::High | StudyQuality::Moderate))
                && s.outcomes.iter().any(|o| o.direction == Direction::Positive && o.significant == Some(true))
        };
        let q = studies.iter().filter(|s| qualifies(s)).count();
        let q_meta = studies.iter().any(|s| qualifies(s) && s.meta_analysis);
        let prudent = treaty || studies.iter().any(|s| {
            s.design != StudyDesign::ExpertOpinion
                && s.outcomes.iter().any(|o| o.direction == Direction::Positive)
        });
        let expected = if q >= 2 || q_meta {
            Some(Rating::Effective)
        } else if q == 1 {
            Some(Rating::Promising)
        } else if prudent {
            Some(Rating::Prudent)
        } else if !studies.is_empty() {
            Some(Rating::Pioneering)
        } else {
            None
        };
        prop_assert_eq!(assess(&studies, treaty).suggested, expected);
    }
}
