//! Tests of the studies file: JSON and YAML round trips, the documented example, and errors
//! that name the file, line, entry and field.

use preventory_core::evidence::{
    assess, Direction, Magnitude, Outcome, OutcomeKind, Study, StudyDesign, StudyQuality,
    StudyScope,
};
use preventory_core::vocab::{Country, Term, Vocabulary};
use preventory_core::Rating;
use preventory_formats::studies::{
    read_studies, write_studies_json, write_studies_yaml, StudiesError, StudiesFile, StudiesSyntax,
    STUDIES_FORMAT,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn full_study() -> Study {
    Study {
        id: "examplar-2019".into(),
        reference: "Examplar, J., & Fictor, A. B. (2019). A fictional meta-analysis: part 2. Journal of Example Studies, 12, 34-56.".into(),
        design: StudyDesign::ControlledCohort,
        evaluates: StudyScope::GeneralApproach,
        meta_analysis: true,
        sample_size: Some(2400),
        country: Some(Term::Known(Country::from_id("GB").unwrap_or_else(|| panic!("GB")))),
        population: Some("Invented adults: \"men\" #1\nsecond line".into()),
        follow_up_months: Some(60),
        quality: Some(StudyQuality::Moderate),
        quality_note: Some("yes".into()),
        summary: Some("- 123".into()),
        outcomes: vec![
            Outcome {
                outcome: Term::Known(OutcomeKind::SexualReoffending),
                direction: Direction::Positive,
                significant: Some(true),
                magnitude: Some(Magnitude::Small),
                effect_size: Some("10% vs 17% sexual reconviction".into()),
                note: Some("null".into()),
            },
            Outcome::new(Term::Other("Self-esteem".into()), Direction::NoEffect),
        ],
    }
}

fn sample_file() -> StudiesFile {
    let mut studies = BTreeMap::new();
    studies.insert(
        "fictional-group-programme".to_string(),
        vec![
            full_study(),
            Study::new(
                "2021",
                "Sample, B. (2021).",
                StudyDesign::UncontrolledCohort,
            ),
        ],
    );
    studies.insert(
        "another-fictional-programme".to_string(),
        // The same study id under another intervention is fine.
        vec![Study::new(
            "examplar-2019",
            "Examplar (2019).",
            StudyDesign::ExpertOpinion,
        )],
    );
    StudiesFile { studies }
}

fn read(name: &str, text: &str) -> Result<StudiesFile, StudiesError> {
    read_studies(name, text.as_bytes())
}

#[test]
fn json_and_yaml_round_trip() -> Result<(), StudiesError> {
    let file = sample_file();
    let json = write_studies_json(&file)?;
    let yaml = write_studies_yaml(&file)?;
    assert!(json.ends_with("}\n"));
    assert!(yaml.starts_with("format: preventory-studies/1\n"), "{yaml}");
    assert_eq!(read("s.json", &json)?, file);
    assert_eq!(read("s.yaml", &yaml)?, file);
    // Detected by content when the name does not say.
    assert_eq!(read("studies", &json)?, file);
    assert_eq!(read("studies", &yaml)?, file);
    // Writing what was read gives the same bytes.
    assert_eq!(write_studies_json(&read("s.json", &json)?)?, json);
    assert_eq!(write_studies_yaml(&read("s.yml", &yaml)?)?, yaml);
    // Slugs come out sorted, each intervention's studies in order.
    let back = read("s.yaml", &yaml)?;
    let slugs: Vec<&str> = back.studies.keys().map(String::as_str).collect();
    assert_eq!(
        slugs,
        vec!["another-fictional-programme", "fictional-group-programme"]
    );
    Ok(())
}

#[test]
fn entries_are_grouped_by_slug_in_file_order() -> Result<(), StudiesError> {
    let text = "format: preventory-studies/1\nstudies:\n  - {intervention: b-prog, id: b1, reference: R, design: rct}\n  - {intervention: a-prog, id: a1, reference: R, design: rct}\n  - {intervention: b-prog, id: b0, reference: R, design: rct}\n";
    let file = read("s.yaml", text)?;
    let ids: Vec<(&str, Vec<&str>)> = file
        .studies
        .iter()
        .map(|(slug, s)| (slug.as_str(), s.iter().map(|s| s.id.as_str()).collect()))
        .collect();
    assert_eq!(
        ids,
        vec![("a-prog", vec!["a1"]), ("b-prog", vec!["b1", "b0"])]
    );
    assert_eq!(file.len(), 3);
    assert!(read("s.json", r#"{"format": "preventory-studies/1"}"#)?.is_empty());
    Ok(())
}

/// The YAML example in docs/studies-format.md reads, and says what the docs say it does.
#[test]
fn the_documented_example_reads() -> Result<(), StudiesError> {
    let doc = include_str!("../../../docs/studies-format.md");
    let block = |lang: &str| {
        let start = doc
            .find(&format!("```{lang}\n"))
            .map(|i| i + lang.len() + 4)
            .unwrap_or_else(|| panic!("no {lang} block"));
        let len = doc[start..].find("```").unwrap_or(0);
        &doc[start..start + len]
    };
    let file = read("example.yaml", block("yaml"))?;
    assert_eq!(file.len(), 3);
    let group = &file.studies["fictional-group-programme"];
    assert_eq!(group[0].id, "examplar-2019");
    assert!(group[0].meta_analysis);
    assert_eq!(
        group[1].outcomes[1].outcome,
        Term::Other("Self-esteem".into())
    );
    assert_eq!(assess(group, false).suggested, Some(Rating::Effective));
    let lessons = &file.studies["fictional-school-lessons"];
    assert_eq!(assess(lessons, false).suggested, Some(Rating::Pioneering));
    let json = read("example.json", block("json"))?;
    assert_eq!(json.studies["fictional-group-programme"].len(), 1);
    Ok(())
}

fn yaml_with_bad_design() -> String {
    let mut text = String::from(
        "# Studies of fictional programmes.\nformat: preventory-studies/1\nstudies:\n",
    );
    text.push_str("  - intervention: fictional-group-programme\n    id: first-2001\n    reference: \"First, A. (2001).\"\n    design: rct\n    outcomes:\n      - outcome: knowledge\n        direction: positive\n\n");
    // Line 12 starts the second entry; its design is on line 14.
    text.push_str("  - intervention: internet-sex-offender-treatment-programme\n    id: hanson-2009\n    design: rcts\n    reference: \"Fictional reference.\"\n");
    text
}

#[test]
fn a_bad_yaml_field_names_file_line_entry_and_field() {
    let text = yaml_with_bad_design();
    assert_eq!(text.lines().nth(13), Some("    design: rcts"));
    let err = read("studies.yaml", &text).err();
    let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert_eq!(
        message,
        "studies.yaml:14: internet-sex-offender-treatment-programme/hanson-2009: design: unknown value \"rcts\" (expected one of rct, controlled_cohort, uncontrolled_cohort, case_qualitative_descriptive, expert_opinion)"
    );
    assert_eq!(err.and_then(|e| e.line()), Some(14));
}

#[test]
fn a_bad_nested_yaml_field_points_at_its_line() {
    let text = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    reference: R\n    design: rct\n    outcomes:\n      - outcome: knowledge\n        direction: positive\n      - outcome: attitudes\n        significant: true\n        direction: upwards\n";
    let message = read("s.yaml", text).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("s.yaml:12: a-prog/a1: outcomes[1].direction: unknown value \"upwards\" (expected one of positive, none, negative, mixed)")
    );
}

#[test]
fn a_bad_json_field_names_file_line_entry_and_field() {
    let text = r#"{
  "format": "preventory-studies/1",
  "studies": [
    {
      "intervention": "a-prog",
      "id": "a1",
      "reference": "R",
      "design": "rct",
      "sample_size": -3
    }
  ]
}"#;
    let err = read("studies.json", text).err();
    let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        message.starts_with("studies.json:9: a-prog/a1: sample_size: invalid value: integer `-3`"),
        "{message}"
    );
    assert!(matches!(
        err,
        Some(StudiesError::Invalid { line: Some(9), ref field, .. }) if field.as_deref() == Some("sample_size")
    ));
}

#[test]
fn unknown_fields_are_rejected() {
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    reference: R\n    desing: rct\n";
    let message = read("s.yaml", yaml)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with("s.yaml:6: a-prog/a1: desing: unknown field `desing`, expected one of"),
        "{message}"
    );
    let json = "{\"format\": \"preventory-studies/1\", \"studies\": [\n{\"intervention\": \"a-prog\", \"id\": \"a1\", \"reference\": \"R\", \"design\": \"rct\",\n \"outcomes\": [{\"outcome\": \"knowledge\", \"direction\": \"positive\", \"signifcant\": true}]}]}";
    let message = read("s.json", json)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message
            .starts_with("s.json:3: a-prog/a1: outcomes[0].signifcant: unknown field `signifcant`"),
        "{message}"
    );
    let top = "format: preventory-studies/1\nstudy: []\n";
    let message = read("s.yaml", top)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with("s.yaml:2: study: unknown field `study`"),
        "{message}"
    );
}

#[test]
fn missing_fields_name_the_entry() {
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    design: rct\n";
    let message = read("s.yaml", yaml).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("s.yaml:3: a-prog/a1: missing field `reference`")
    );
    let yaml =
        "format: preventory-studies/1\nstudies:\n  - id: a1\n    reference: R\n    design: rct\n";
    let message = read("s.yaml", yaml).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("s.yaml:3: studies[0] (id a1): missing field `intervention`")
    );
}

#[test]
fn duplicate_ids_name_both_lines() {
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    reference: R\n    design: rct\n  - intervention: b-prog\n    id: a1\n    reference: R\n    design: rct\n  - intervention: a-prog\n    id: a1\n    reference: R2\n    design: rct\n";
    let err = read("s.yaml", yaml).err();
    assert_eq!(
        err,
        Some(StudiesError::DuplicateId {
            file: "s.yaml".into(),
            intervention: "a-prog".into(),
            id: "a1".into(),
            first_line: Some(3),
            line: Some(11),
        })
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("s.yaml:11: a-prog/a1: id: duplicate study id for this intervention (first used at line 3)")
    );
    let json = "{\"format\": \"preventory-studies/1\", \"studies\": [\n  {\"intervention\": \"a-prog\", \"id\": \"a1\", \"reference\": \"R\", \"design\": \"rct\"},\n  {\"intervention\": \"a-prog\", \"id\": \"a1\", \"reference\": \"R\", \"design\": \"rct\"}\n]}";
    let message = read("s.json", json).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("s.json:3: a-prog/a1: id: duplicate study id for this intervention (first used at line 2)")
    );
}

#[test]
fn checks_after_parsing_name_the_field_line() {
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    design: rct\n    reference: \"  \"\n";
    let message = read("s.yaml", yaml).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("s.yaml:6: a-prog/a1: reference: a study needs its reference")
    );
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    reference: R\n    design: rct\n    sample_size: 0\n";
    let message = read("s.yaml", yaml)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with("s.yaml:7: a-prog/a1: sample_size: 0 participants"),
        "{message}"
    );
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: Not A Slug\n    id: a1\n    reference: R\n    design: rct\n";
    let message = read("s.yaml", yaml)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "s.yaml:3: Not A Slug/a1: intervention: \"Not A Slug\" is not an intervention slug"
        ),
        "{message}"
    );
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: ''\n    reference: R\n    design: rct\n";
    let message = read("s.yaml", yaml).err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("s.yaml:4: a-prog/studies[0]: id: a study needs an id")
    );
}

#[test]
fn a_wrong_or_missing_format_is_a_clear_error() {
    let err = read(
        "s.yaml",
        "# studies\nformat: preventory-studies/2\nstudies: []\n",
    )
    .err();
    assert!(
        matches!(err, Some(StudiesError::Format { line: Some(2), .. })),
        "{err:?}"
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("s.yaml:2: format: \"preventory-studies/2\" is not a studies file this version reads (expected \"preventory-studies/1\")")
    );
    let message = read("s.json", "{\"studies\": []}")
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some(
            "s.json: no format given: a studies file starts with \"format: preventory-studies/1\""
        )
    );
    let message = read("s.json", "{\"format\": 1}")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("format: \"1\" is not a studies file"),
        "{message}"
    );
    for text in ["", "   \n", "- a\n- b\n", "[1, 2]"] {
        assert!(
            matches!(read("s", text), Err(StudiesError::Format { .. })),
            "{text:?}"
        );
    }
}

#[test]
fn syntax_errors_and_bad_bytes_are_errors_with_lines() {
    let err = read(
        "s.json",
        "{\"format\": \"preventory-studies/1\",\n \"studies\": [,]}",
    )
    .err();
    assert!(
        matches!(
            err,
            Some(StudiesError::Syntax {
                syntax: StudiesSyntax::Json,
                line: 2,
                ..
            })
        ),
        "{err:?}"
    );
    let err = read(
        "s.yaml",
        "format: preventory-studies/1\nstudies:\n  - intervention: a\n   id: x\n",
    )
    .err();
    assert!(
        matches!(
            err,
            Some(StudiesError::Syntax {
                syntax: StudiesSyntax::Yaml,
                line: 4,
                ..
            })
        ),
        "{err:?}"
    );
    let mut bytes = b"format: preventory-studies/1\nstudies:\n  - reference: ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let err = read_studies("s.yaml", &bytes).err();
    assert_eq!(
        err,
        Some(StudiesError::NotUtf8 {
            file: "s.yaml".into(),
            line: 3,
            offset: 53
        })
    );
}

#[test]
fn a_byte_order_mark_is_ignored() -> Result<(), StudiesError> {
    let json = write_studies_json(&sample_file())?;
    assert_eq!(read("s.json", &format!("\u{feff}{json}"))?, sample_file());
    Ok(())
}

#[test]
fn the_format_constant_is_what_files_say() -> Result<(), StudiesError> {
    assert_eq!(STUDIES_FORMAT, "preventory-studies/1");
    let json = write_studies_json(&StudiesFile::default())?;
    assert_eq!(
        json,
        "{\n  \"format\": \"preventory-studies/1\",\n  \"studies\": []\n}\n"
    );
    Ok(())
}

// ---- properties ----

/// Text of every kind a hand-written file might hold, including YAML's special words and
/// characters, line breaks and non-ASCII.
fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,20}",
        proptest::sample::select(vec![
            "yes",
            "no",
            "null",
            "~",
            "true",
            "1e3",
            "0x10",
            "- x",
            "# c",
            "a: b",
            "'q'",
            "\"dq\"",
            " lead",
            "trail ",
            "line\nbreak",
            "crlf\r\nend",
            "tab\there",
            "—",
            "&anchor",
            "*alias",
            "!tag",
            "%",
            "@",
            "`",
            "|",
            ">",
            "[]",
            "{}",
            "",
            " ",
        ])
        .prop_map(str::to_string),
    ]
}

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    (
        prop_oneof![
            proptest::sample::select(OutcomeKind::all()).prop_map(Term::Known),
            arb_text().prop_map(Term::Other),
        ],
        proptest::sample::select(Direction::all()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(proptest::sample::select(Magnitude::all())),
        proptest::option::of(arb_text()),
        proptest::option::of(arb_text()),
    )
        .prop_map(
            |(outcome, direction, significant, magnitude, effect_size, note)| Outcome {
                outcome,
                direction,
                significant,
                magnitude,
                effect_size,
                note,
            },
        )
}

fn arb_study() -> impl Strategy<Value = Study> {
    (
        (
            "[a-z0-9][a-z0-9 ._:-]{0,12}",
            arb_text().prop_filter("a reference has text", |t| !t.trim().is_empty()),
            proptest::sample::select(StudyDesign::all()),
            any::<bool>(),
            proptest::option::of(1u32..),
            proptest::option::of(prop_oneof![
                proptest::sample::select(Country::all()).prop_map(Term::Known),
                arb_text().prop_map(Term::Other),
            ]),
        ),
        (
            proptest::option::of(arb_text()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(proptest::sample::select(StudyQuality::all())),
            proptest::option::of(arb_text()),
            proptest::option::of(arb_text()),
            proptest::collection::vec(arb_outcome(), 0..3),
        ),
    )
        .prop_map(
            |(
                (id, reference, design, meta_analysis, sample_size, country),
                (population, follow_up_months, quality, quality_note, summary, outcomes),
            )| Study {
                id,
                reference,
                design,
                evaluates: if meta_analysis {
                    StudyScope::GeneralApproach
                } else {
                    StudyScope::ThisIntervention
                },
                meta_analysis,
                sample_size,
                country,
                population,
                follow_up_months,
                quality,
                quality_note,
                summary,
                outcomes,
            },
        )
}

fn arb_file() -> impl Strategy<Value = StudiesFile> {
    proptest::collection::btree_map(
        "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}",
        proptest::collection::vec(arb_study(), 1..4),
        0..4,
    )
    .prop_map(|map| {
        let studies = map
            .into_iter()
            .map(|(slug, mut studies)| {
                // Ids are unique within an intervention.
                let mut seen = std::collections::BTreeSet::new();
                studies.retain(|s| seen.insert(s.id.clone()));
                (slug, studies)
            })
            .collect();
        StudiesFile { studies }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn written_files_read_back_identically(file in arb_file()) {
        let json = write_studies_json(&file);
        prop_assert!(json.is_ok(), "{:?}", json);
        let json = json.unwrap_or_default();
        prop_assert_eq!(read_studies("s.json", json.as_bytes()), Ok(file.clone()), "{}", json);
        let yaml = write_studies_yaml(&file);
        prop_assert!(yaml.is_ok(), "{:?}", yaml);
        let yaml = yaml.unwrap_or_default();
        prop_assert_eq!(read_studies("s.yaml", yaml.as_bytes()), Ok(file), "{}", yaml);
    }

    #[test]
    fn reading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = read_studies("s.yaml", &bytes);
        let _ = read_studies("s.json", &bytes);
        let _ = read_studies("s", &bytes);
    }

    #[test]
    fn reading_mangled_files_never_panics(file in arb_file(), cut in any::<prop::sample::Index>(), insert in "[-:\\[\\]{}\"' \n#a-z0-9]{0,4}") {
        for text in [
            write_studies_json(&file).unwrap_or_default(),
            write_studies_yaml(&file).unwrap_or_default(),
        ] {
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mangled = format!("{}{insert}{}", &text[..at], &text[at..]);
            let _ = read_studies("s.yaml", mangled.as_bytes());
            let _ = read_studies("s.json", mangled.as_bytes());
        }
    }
}

#[test]
fn plain_numbers_are_fine_as_ids_and_yaml_1_1_booleans_are_not() {
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: 2021\n    reference: R\n    design: rct\n";
    let file = read("s.yaml", yaml);
    assert_eq!(
        file.map(|f| f.studies["a-prog"][0].id.clone()),
        Ok("2021".to_string())
    );
    let yaml = "format: preventory-studies/1\nstudies:\n  - intervention: a-prog\n    id: a1\n    reference: R\n    design: rct\n    outcomes:\n      - outcome: knowledge\n        direction: positive\n        significant: yes\n";
    let message = read("s.yaml", yaml)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with("s.yaml:10: a-prog/a1: outcomes[0].significant: invalid type: string \"yes\", expected a boolean"),
        "{message}"
    );
}
