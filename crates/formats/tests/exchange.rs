//! Tests of JSON and CSV exchange: lossless JSON round trips, error positions, and CSV that
//! reads back with the csv crate and cannot run as spreadsheet formulas.

use preventory_core::eligibility::{
    AskingFor, Cost, FormatAgeLimits, JusticeStage, ReferralRoute, Situation,
};
use preventory_core::evidence::{Direction, Magnitude, Outcome, Study, StudyDesign, StudyQuality};
use preventory_core::record::section;
use preventory_core::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup, Term,
    Vocabulary,
};
use preventory_core::{
    Contact, Eligibility, FacetRow, Intervention, PartialDate, Rating, Reference,
};
use preventory_formats::exchange::{self, ExchangeError};
use std::collections::BTreeMap;

fn language(code: &str) -> Language {
    Language::from_id(code).unwrap_or_else(|| panic!("no language {code}"))
}

fn country(code: &str) -> Country {
    Country::from_id(code).unwrap_or_else(|| panic!("no country {code}"))
}

/// A record with every field filled, including values outside the vocabularies.
fn full_record() -> Intervention {
    let mut sections = BTreeMap::new();
    for (key, heading) in section::KNOWN {
        sections.insert(key.to_string(), format!("Fictional text for {heading}."));
    }
    sections.insert(
        "funding".to_string(),
        "Funded by an invented trust.".to_string(),
    );
    Intervention {
        slug: "fictional-harbour-support-programme".into(),
        title: "Fictional Harbour Support Programme".into(),
        summary: Some("A fictional programme for adults in Exampletown.".into()),
        facet_rows: vec![
            FacetRow {
                target_group: Some(Term::Known(TargetGroup::PotentialOffenders)),
                prevention_level: Some(Term::Known(PreventionLevel::Secondary)),
                age_groups: vec![
                    Term::Known(AgeGroup::YoungAdults),
                    Term::Known(AgeGroup::Adults),
                ],
                genders: vec![Term::Known(Gender::Male), Term::Other("Non-binary people".into())],
                delivery: vec![
                    Term::Known(Delivery::GroupWork),
                    Term::Other("Horse riding".into()),
                ],
                subgroups: vec![
                    Term::Known(Subgroup::InternetRelatedOnly),
                    Term::Other("Taxi drivers".into()),
                ],
                languages: vec![Term::Known(language("en")), Term::Other("Elvish".into())],
            },
            FacetRow {
                target_group: Some(Term::Other("Bystanders".into())),
                prevention_level: Some(Term::Other("Quaternary prevention".into())),
                age_groups: vec![Term::Other("Older adults (65+ years)".into())],
                genders: vec![Term::Known(Gender::Female)],
                delivery: vec![],
                subgroups: vec![],
                languages: vec![Term::Known(language("cy"))],
            },
        ],
        intervention_types: vec![
            Term::Known(Delivery::IndividualWork),
            Term::Other("Walking groups".into()),
        ],
        countries: vec![Term::Known(country("GB")), Term::Other("Fictionland".into())],
        sections,
        references: vec![
            Reference {
                text: "Examplar, J., & Fictor, A. B. (2015). A fictional evaluation. Journal of Example Studies, 12, 34-56.".into(),
                authors: vec!["Examplar, J.".into(), "Fictor, A. B.".into()],
                year: Some(2015),
                title: Some("A fictional evaluation".into()),
            },
            Reference {
                text: "An unstructured citation".into(),
                ..Reference::default()
            },
        ],
        contact: Contact {
            organisation: Some("Example Families Network".into()),
            address: Some("12 Imaginary Lane\nExampletown\nZZ1 1ZZ".into()),
            address_confidential: false,
            phones: vec!["01632 960123".into(), "+44 7700 900456".into()],
            emails: vec!["info@example.org".into()],
            websites: vec!["https://www.example.org".into()],
            notes: vec!["An invented charity.".into()],
        },
        rating: Some(Rating::Promising),
        rating_justification: Some("An invented reason for an invented rating.".into()),
        critical_by_treaty: true,
        studies: vec![Study {
            id: "examplar-2015".into(),
            reference: "Examplar, J., & Fictor, A. B. (2015). A fictional evaluation.".into(),
            design: StudyDesign::ControlledCohort,
            evaluates: preventory_core::evidence::StudyScope::GeneralApproach,
            meta_analysis: true,
            sample_size: Some(120),
            country: Some(Term::Known(country("GB"))),
            population: Some("Invented adults".into()),
            follow_up_months: Some(24),
            quality: Some(StudyQuality::Moderate),
            quality_note: Some("An invented judgement.".into()),
            summary: Some("Invented findings.".into()),
            outcomes: vec![Outcome {
                outcome: Term::Other("Horse riding skill".into()),
                direction: Direction::Mixed,
                significant: Some(false),
                magnitude: Some(Magnitude::Small),
                effect_size: Some("an invented effect".into()),
                note: Some("An invented note.".into()),
            }],
        }],
        information_correct_at: Some(PartialDate { year: 2021, month: Some(3) }),
        eligibility: Eligibility {
            age_min: Some(18),
            age_max: Some(80),
            formats: vec![FormatAgeLimits {
                delivery: Term::Known(Delivery::GroupWork),
                age_min: Some(21),
                age_max: None,
            }, FormatAgeLimits {
                delivery: Term::Other("Horse riding".into()),
                age_min: Some(17),
                age_max: Some(90),
            }],
            genders: Some(vec![Gender::Male, Gender::Female]),
            iq_min: Some(80),
            learning_needs: Some("Materials adapted on request.".into()),
            serves: Some(vec![AskingFor::ForSelf, AskingFor::SomeoneElse, AskingFor::Client]),
            situations: Some(vec![Situation::SexualThoughts, Situation::ViewingCsam]),
            justice_stages: Some(vec![JusticeStage::PreArrest, JusticeStage::ConvictedCommunity]),
            referral_routes: Some(vec![ReferralRoute::SelfReferral, ReferralRoute::Agency]),
            anonymous: Some(true),
            cost: Some(vec![Cost::Free]),
            remote: Some(false),
            in_person_areas: Some(vec!["Exampletown".into(), "Fictionshire".into()]),
            languages: Some(vec![language("en"), language("cy")]),
            exclusions: vec!["People in crisis are signposted elsewhere.".into()],
        },
        needs_review: true,
    }
}

fn minimal_record(slug: &str) -> Intervention {
    Intervention {
        slug: slug.into(),
        title: format!("Example {slug}"),
        ..Intervention::default()
    }
}

#[test]
fn json_export_reimports_identically() -> Result<(), ExchangeError> {
    let records = vec![
        full_record(),
        minimal_record("example-two"),
        Intervention::default(),
    ];
    let text = exchange::to_json(&records)?;
    assert!(text.starts_with("[\n"), "pretty array expected");
    assert!(text.ends_with("]\n"));
    let back = exchange::from_json(&text)?;
    assert_eq!(back, records);
    // And the second export is byte-identical.
    assert_eq!(exchange::to_json(&back)?, text);
    Ok(())
}

#[test]
fn json_includes_the_flat_facet_lists() -> Result<(), ExchangeError> {
    let text = exchange::to_json(&[full_record()])?;
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    let record = &value[0];
    assert_eq!(
        record["target_groups"],
        serde_json::json!(["other:Bystanders", "potential_offenders"])
    );
    assert_eq!(
        record["languages"],
        serde_json::json!(["cy", "en", "other:Elvish"])
    );
    assert_eq!(record["rating"], "promising");
    assert_eq!(record["information_correct_at"], "2021-03");
    Ok(())
}

#[test]
fn a_single_object_is_accepted() -> Result<(), ExchangeError> {
    let text = serde_json::to_string_pretty(&full_record()).unwrap_or_default();
    assert_eq!(exchange::from_json(&text)?, vec![full_record()]);
    // With a byte-order mark too.
    assert_eq!(
        exchange::from_json(&format!("\u{feff}{text}"))?,
        vec![full_record()]
    );
    assert!(exchange::from_json("[]")?.is_empty());
    assert!(exchange::from_json(" [ ] \n")?.is_empty());
    Ok(())
}

#[test]
fn derived_lists_on_input_are_ignored() -> Result<(), ExchangeError> {
    let text = r#"[{"slug": "example-a", "title": "Example A", "target_groups": ["situations_and_places"]}]"#;
    let records = exchange::from_json(text)?;
    assert_eq!(
        records,
        vec![minimal_record_titled("example-a", "Example A")]
    );
    Ok(())
}

fn minimal_record_titled(slug: &str, title: &str) -> Intervention {
    Intervention {
        slug: slug.into(),
        title: title.into(),
        ..Intervention::default()
    }
}

/// The position serde_json itself reports when reading the whole text in one go.
fn serde_position(text: &str) -> (usize, usize) {
    match serde_json::from_str::<Vec<Intervention>>(text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => (e.line(), e.column()),
    }
}

#[test]
fn a_bad_value_names_the_record_its_slug_and_the_position() {
    let text = "[\n  {\"slug\": \"example-a\", \"title\": \"A\"},\n  {\n    \"slug\": \"example-b\",\n    \"title\": \"B\",\n    \"rating\": \"marvellous\"\n  }\n]\n";
    let err = exchange::from_json(text).err();
    let Some(ExchangeError::JsonRecord {
        index,
        slug,
        line,
        column,
        message,
    }) = err
    else {
        panic!("expected a record error, got {err:?}")
    };
    assert_eq!(index, 1);
    assert_eq!(slug.as_deref(), Some("example-b"));
    // serde_json places errors raised by a value's own deserializer at the end of the
    // enclosing object, here the record's closing brace on line 7.
    assert!((3..=7).contains(&line), "line {line}");
    assert_eq!((line, column), serde_position(text));
    assert!(message.contains("marvellous"), "{message}");
    assert!(!message.contains("at line"), "{message}");
    let shown = exchange::from_json(text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(shown.contains("record [1]"), "{shown}");
    assert!(shown.contains("\"example-b\""), "{shown}");
    assert!(shown.contains(&format!("line {line}")), "{shown}");
}

#[test]
fn a_bad_date_and_a_missing_field_are_located() {
    let text = "[{\"slug\": \"a\", \"title\": \"A\"},\n{\"slug\": \"b\", \"title\": \"B\"},\n{\"slug\": \"c\", \"title\": \"C\", \"information_correct_at\": \"March 2021\"}]";
    match exchange::from_json(text) {
        Err(ExchangeError::JsonRecord {
            index, slug, line, ..
        }) => {
            assert_eq!(index, 2);
            assert_eq!(slug.as_deref(), Some("c"));
            assert_eq!(line, 3);
        }
        other => panic!("{other:?}"),
    }
    let text = "[{\"slug\": \"a\", \"title\": \"A\"},\n {\"title\": \"No slug\"}]";
    match exchange::from_json(text) {
        Err(ExchangeError::JsonRecord {
            index,
            slug,
            line,
            message,
            ..
        }) => {
            assert_eq!(index, 1);
            assert_eq!(slug, None);
            assert_eq!(line, 2);
            assert!(message.contains("slug"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_value_in_a_single_object_is_record_zero() {
    let text = "{\n  \"slug\": \"example-a\",\n  \"title\": \"A\",\n  \"eligibility\": {\"cost\": [\"cheap\"]}\n}";
    match exchange::from_json(text) {
        Err(ExchangeError::JsonRecord {
            index, slug, line, ..
        }) => {
            assert_eq!(index, 0);
            assert_eq!(slug.as_deref(), Some("example-a"));
            assert_eq!(line, 4);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn syntax_errors_name_the_record_being_read_and_the_position() {
    let text = "[\n  {\"slug\": \"a\", \"title\": \"A\"},\n  {\"slug\": \"b\" \"title\": \"B\"}\n]";
    match exchange::from_json(text) {
        Err(ExchangeError::JsonSyntax {
            index,
            line,
            column,
            ..
        }) => {
            assert_eq!(index, 1);
            assert_eq!(line, 3);
            assert_eq!((line, column), serde_position(text));
        }
        other => panic!("{other:?}"),
    }
    match exchange::from_json("[{\"slug\": \"a\", \"title\": \"A\"}") {
        Err(ExchangeError::JsonSyntax { index, .. }) => assert_eq!(index, 1),
        other => panic!("{other:?}"),
    }
    match exchange::from_json("[] trailing") {
        Err(ExchangeError::JsonSyntax { line, .. }) => assert_eq!(line, 1),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        exchange::from_json(""),
        Err(ExchangeError::JsonSyntax { .. })
    ));
}

#[test]
fn other_shapes_are_refused() {
    for text in ["42", "\"records\"", "null", "true"] {
        match exchange::from_json(text) {
            Err(ExchangeError::JsonShape { line, message, .. }) => {
                assert_eq!(line, 1);
                assert!(message.contains("array of records"), "{message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    // An array of non-objects is a record error at the first element.
    match exchange::from_json("[1]") {
        Err(ExchangeError::JsonRecord { index, .. }) => assert_eq!(index, 0),
        other => panic!("{other:?}"),
    }
}

fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    (header, rows)
}

#[test]
fn csv_has_the_documented_header() -> Result<(), ExchangeError> {
    let (header, rows) = read_csv(&exchange::to_csv(&[])?);
    let mut expected: Vec<String> = "slug,title,summary,rating,information_correct_at,needs_review,target_groups,prevention_levels,age_groups,genders,delivery,subgroups,languages,countries,organisation,phones,emails,websites"
        .split(',')
        .map(str::to_string)
        .collect();
    expected.extend(section::KNOWN.iter().map(|(k, _)| k.to_string()));
    expected.push("references".into());
    assert_eq!(header, expected);
    assert_eq!(exchange::csv_columns(), expected);
    assert!(rows.is_empty());
    Ok(())
}

#[test]
fn csv_rows_read_back_with_the_csv_crate() -> Result<(), ExchangeError> {
    let records = vec![full_record(), minimal_record("example-two")];
    let text = exchange::to_csv(&records)?;
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let (header, rows) = read_csv(&text);
    assert_eq!(rows.len(), 2);
    let cell = |row: usize, column: &str| -> String {
        let at = header
            .iter()
            .position(|h| h == column)
            .unwrap_or(usize::MAX);
        rows[row]
            .get(at)
            .cloned()
            .unwrap_or_else(|| panic!("no {column}"))
    };
    assert_eq!(cell(0, "slug"), "fictional-harbour-support-programme");
    assert_eq!(cell(0, "rating"), "Promising");
    assert_eq!(cell(0, "information_correct_at"), "2021-03");
    assert_eq!(cell(0, "needs_review"), "true");
    assert_eq!(
        cell(0, "target_groups"),
        "Bystanders; (Potential) Offenders"
    );
    assert_eq!(cell(0, "genders"), "Female; Male; Non-binary people");
    assert_eq!(
        cell(0, "delivery"),
        "Group work; Individual work; Horse riding; Walking groups"
    );
    assert_eq!(cell(0, "languages"), "Welsh; English; Elvish");
    assert_eq!(cell(0, "countries"), "United Kingdom; Fictionland");
    assert_eq!(cell(0, "organisation"), "Example Families Network");
    // Only a cell's first character matters to spreadsheets.
    assert_eq!(cell(0, "phones"), "01632 960123; +44 7700 900456");
    assert_eq!(cell(0, "emails"), "info@example.org");
    assert_eq!(
        cell(0, "target_population"),
        "Fictional text for Target population."
    );
    assert_eq!(
        cell(0, "references"),
        format!(
            "{}\nAn unstructured citation",
            full_record().references[0].text
        )
    );
    assert_eq!(cell(1, "rating"), "");
    assert_eq!(cell(1, "summary"), "");
    assert_eq!(cell(1, "needs_review"), "false");
    assert_eq!(cell(1, "references"), "");
    Ok(())
}

#[test]
fn csv_cells_cannot_run_as_formulas() -> Result<(), ExchangeError> {
    let mut r = minimal_record("example-formula");
    r.title = "=HYPERLINK(\"https://example.org\",\"x\")".into();
    r.summary = Some("+1+1".into());
    r.contact.organisation = Some("@SUM(A1:A2)".into());
    r.contact.phones = vec!["+44 1632 960000".into()];
    r.contact.emails = vec!["-info@example.org".into()];
    r.sections
        .insert(section::DESCRIPTION.into(), "\t=1+1".into());
    r.sections
        .insert(section::EVALUATION.into(), "\r=1+1".into());
    r.references = vec![Reference {
        text: "=cmd|' /C calc'!A0".into(),
        ..Reference::default()
    }];
    let (header, rows) = read_csv(&exchange::to_csv(&[r])?);
    let cell = |column: &str| -> String {
        let at = header
            .iter()
            .position(|h| h == column)
            .unwrap_or(usize::MAX);
        rows[0].get(at).cloned().unwrap_or_default()
    };
    assert_eq!(cell("title"), "'=HYPERLINK(\"https://example.org\",\"x\")");
    assert_eq!(cell("summary"), "'+1+1");
    assert_eq!(cell("organisation"), "'@SUM(A1:A2)");
    assert_eq!(cell("phones"), "'+44 1632 960000");
    assert_eq!(cell("emails"), "'-info@example.org");
    assert_eq!(cell("description"), "'\t=1+1");
    assert_eq!(cell("evaluation"), "'\r=1+1");
    assert_eq!(cell("references"), "'=cmd|' /C calc'!A0");
    // Harmless text is untouched.
    assert_eq!(cell("slug"), "example-formula");
    for row in &rows {
        for value in row {
            assert!(
                !value.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{value:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn defuse_formula_leaves_ordinary_text_alone() {
    assert_eq!(exchange::defuse_formula("Promising"), "Promising");
    assert_eq!(exchange::defuse_formula(""), "");
    assert_eq!(exchange::defuse_formula(" =1"), " =1");
    assert_eq!(exchange::defuse_formula("=1"), "'=1");
    assert_eq!(exchange::defuse_formula("-"), "'-");
}
