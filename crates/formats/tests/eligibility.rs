//! Tests of the eligibility file: JSON and YAML round trips, the documented example, unknown
//! left unknown, and errors that name the file, line, entry and field.

use preventory_core::eligibility::{
    AskingFor, Cost, Eligibility, FormatAgeLimits, JusticeStage, ReferralRoute, Situation,
};
use preventory_core::vocab::{Delivery, Gender, Language, Term, Vocabulary};
use preventory_formats::eligibility_file::{
    read_eligibility, write_eligibility_json, write_eligibility_yaml, EligibilityError,
    EligibilityFile, EligibilitySyntax, ELIGIBILITY_FORMAT,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn language(code: &str) -> Language {
    Language::from_id(code).unwrap_or_else(|| panic!("{code}"))
}

/// Every field set, with text that YAML could misread.
fn full_eligibility() -> Eligibility {
    Eligibility {
        age_min: Some(17),
        age_max: Some(99),
        formats: vec![
            FormatAgeLimits {
                delivery: Term::Known(Delivery::IndividualWork),
                age_min: Some(17),
                age_max: None,
            },
            FormatAgeLimits {
                delivery: Term::Known(Delivery::GroupWork),
                age_min: Some(21),
                age_max: Some(99),
            },
            FormatAgeLimits {
                delivery: Term::Other("Horse riding: \"fictional\"".into()),
                age_min: None,
                age_max: None,
            },
        ],
        genders: Some(vec![Gender::Male]),
        iq_min: Some(80),
        learning_needs: Some("yes".into()),
        serves: Some(vec![AskingFor::ForSelf, AskingFor::Client]),
        situations: Some(vec![Situation::ViewingCsam, Situation::ContactOffending]),
        justice_stages: Some(vec![
            JusticeStage::ConvictedCustody,
            JusticeStage::ConvictedCommunity,
        ]),
        referral_routes: Some(vec![ReferralRoute::Mandated, ReferralRoute::Agency]),
        anonymous: Some(false),
        cost: Some(vec![Cost::FundedByReferrer]),
        remote: Some(true),
        in_person_areas: Some(vec![
            "Exampletown # not a comment".into(),
            "- Fictionshire".into(),
        ]),
        languages: Some(vec![language("en"), language("no")]),
        exclusions: vec![
            "null".into(),
            "People in crisis are signposted elsewhere.\nSecond line.".into(),
        ],
    }
}

fn sample_file() -> EligibilityFile {
    let mut eligibility = BTreeMap::new();
    eligibility.insert("fictional-group-programme".to_string(), full_eligibility());
    eligibility.insert(
        "another-fictional-helpline".to_string(),
        Eligibility {
            anonymous: Some(true),
            referral_routes: Some(vec![ReferralRoute::SelfReferral]),
            ..Eligibility::default()
        },
    );
    // Nothing known: the entry names the intervention only.
    eligibility.insert(
        "fictional-unknown-service".to_string(),
        Eligibility::default(),
    );
    EligibilityFile { eligibility }
}

fn read(name: &str, text: &str) -> Result<EligibilityFile, EligibilityError> {
    read_eligibility(name, text.as_bytes())
}

fn message(name: &str, text: &str) -> String {
    read(name, text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "no error".into())
}

#[test]
fn json_and_yaml_round_trip() -> Result<(), EligibilityError> {
    let file = sample_file();
    let json = write_eligibility_json(&file)?;
    let yaml = write_eligibility_yaml(&file)?;
    assert!(json.ends_with("}\n"));
    assert!(
        yaml.starts_with("format: preventory-eligibility/1\n"),
        "{yaml}"
    );
    assert_eq!(read("e.json", &json)?, file);
    assert_eq!(read("e.yaml", &yaml)?, file);
    // Detected by content when the name does not say.
    assert_eq!(read("eligibility", &json)?, file);
    assert_eq!(read("eligibility", &yaml)?, file);
    // Writing what was read gives the same bytes.
    assert_eq!(write_eligibility_json(&read("e.json", &json)?)?, json);
    assert_eq!(write_eligibility_yaml(&read("e.yml", &yaml)?)?, yaml);
    // Slugs come out sorted; unknown fields are not written at all.
    let back = read("e.yaml", &yaml)?;
    let slugs: Vec<&str> = back.eligibility.keys().map(String::as_str).collect();
    assert_eq!(
        slugs,
        vec![
            "another-fictional-helpline",
            "fictional-group-programme",
            "fictional-unknown-service"
        ]
    );
    assert!(!json.contains(": null"), "{json}");
    assert!(
        json.contains("\"delivery\": \"other:Horse riding: \\\"fictional\\\"\""),
        "{json}"
    );
    Ok(())
}

#[test]
fn a_field_left_out_is_unknown_and_null_is_unknown_too() -> Result<(), EligibilityError> {
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    genders:\n    anonymous: ~\n  - intervention: fictional-b\n    anonymous: false\n    remote: true\n";
    let file = read("e.yaml", yaml)?;
    let a = &file.eligibility["fictional-a"];
    assert!(a.is_unknown(), "{a:?}");
    let b = &file.eligibility["fictional-b"];
    assert_eq!(b.anonymous, Some(false));
    assert_eq!(b.remote, Some(true));
    assert_eq!(b.genders, None);
    assert_eq!(b.cost, None);
    assert!(read("e.json", r#"{"format": "preventory-eligibility/1"}"#)?.is_empty());
    // No field is ever written for an unknown.
    let written = write_eligibility_yaml(&file)?;
    assert_eq!(
        written,
        "format: preventory-eligibility/1\neligibility:\n- intervention: fictional-a\n- intervention: fictional-b\n  anonymous: false\n  remote: true\n"
    );
    Ok(())
}

fn doc_block<'a>(doc: &'a str, lang: &str) -> &'a str {
    let start = doc
        .find(&format!("```{lang}\n"))
        .map(|i| i + lang.len() + 4)
        .unwrap_or_else(|| panic!("no {lang} block"));
    let len = doc[start..].find("```").unwrap_or(0);
    &doc[start..start + len]
}

/// The examples in docs/eligibility-format.md read, and say what the docs say they do.
#[test]
fn the_documented_example_reads() -> Result<(), EligibilityError> {
    let doc = include_str!("../../../docs/eligibility-format.md");
    let file = read("example.yaml", doc_block(doc, "yaml"))?;
    assert_eq!(file.len(), 3);
    let group = &file.eligibility["fictional-group-programme"];
    assert_eq!(group.genders, Some(vec![Gender::Male]));
    assert_eq!(group.formats.len(), 2);
    assert_eq!(
        group.formats[0].delivery,
        Term::Known(Delivery::IndividualWork)
    );
    assert_eq!(group.formats[0].age_min, Some(17));
    assert_eq!(group.formats[1].age_min, Some(21));
    assert_eq!(group.iq_min, Some(80));
    assert_eq!(group.anonymous, None);
    let helpline = &file.eligibility["fictional-helpline"];
    assert_eq!(helpline.anonymous, Some(true));
    assert_eq!(
        helpline.serves,
        Some(vec![AskingFor::ForSelf, AskingFor::SomeoneElse])
    );
    assert!(file.eligibility["fictional-school-lessons"].is_unknown());
    let json = read("example.json", doc_block(doc, "json"))?;
    assert_eq!(
        json.eligibility["fictional-group-programme"].formats,
        group.formats
    );
    Ok(())
}

/// Every field of `Eligibility` is documented, and every id of every vocabulary it uses.
#[test]
fn every_field_and_id_is_documented() {
    let doc = include_str!("../../../docs/eligibility-format.md");
    let full = serde_json::to_value(full_eligibility()).unwrap_or_default();
    let fields: Vec<&String> = full
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(fields.len(), 16);
    for field in fields {
        assert!(
            doc.contains(&format!("| `{field}` |")),
            "{field} is not documented"
        );
    }
    fn ids<T: Vocabulary>(doc: &str) {
        for v in T::all() {
            assert!(
                doc.contains(&format!("`{}`", v.id())),
                "{} {}",
                T::FACET,
                v.id()
            );
        }
    }
    ids::<Gender>(doc);
    ids::<Delivery>(doc);
    ids::<AskingFor>(doc);
    ids::<Situation>(doc);
    ids::<JusticeStage>(doc);
    ids::<ReferralRoute>(doc);
    ids::<Cost>(doc);
}

#[test]
fn an_unknown_id_names_file_line_entry_and_field() {
    let text = "# Fictional services.\nformat: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    genders: [male]\n\n  - intervention: fictional-b\n    anonymous: true\n    genders:\n      - male\n      - men\n";
    let err = read("eligibility.yaml", text).err();
    assert_eq!(
        err.as_ref().map(ToString::to_string).as_deref(),
        Some("eligibility.yaml:11: fictional-b: genders[1]: unknown value \"men\" (expected one of male, female)")
    );
    assert_eq!(err.and_then(|e| e.line()), Some(11));

    let text = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    justice_stages: [convicted]\n";
    assert_eq!(
        message("e.yaml", text),
        "e.yaml:4: fictional-a: justice_stages[0]: unknown value \"convicted\" (expected one of none, pre_arrest, under_investigation, charged, convicted_custody, convicted_community, after_sentence)"
    );
    let text = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    languages: [english]\n";
    assert_eq!(
        message("e.yaml", text),
        "e.yaml:4: fictional-a: languages[0]: unknown language code \"english\""
    );
}

#[test]
fn a_bad_format_delivery_points_at_its_line() {
    let text = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    formats:\n      - delivery: individual_work\n        age_min: 17\n      - age_min: 21\n        delivery: group\n";
    let m = message("e.yaml", text);
    assert!(
        m.starts_with("e.yaml:8: fictional-a: formats[1].delivery: unknown value \"group\" (expected one of group_work, individual_work,"),
        "{m}"
    );
    assert!(m.ends_with(", or other: and the format in words)"), "{m}");
    // other: needs words.
    let text = text.replace("delivery: group\n", "delivery: \"other: \"\n");
    let m = message("e.yaml", &text);
    assert!(
        m.starts_with("e.yaml:8: fictional-a: formats[1].delivery: unknown value \"other: \""),
        "{m}"
    );
    let text = text.replace(
        "delivery: \"other: \"\n",
        "delivery: other:Outdoor sessions\n",
    );
    assert_eq!(
        read("e.yaml", &text).map(|f| f.eligibility["fictional-a"].formats[1].delivery.clone()),
        Ok(Term::Other("Outdoor sessions".into()))
    );
}

#[test]
fn a_bad_json_value_names_file_line_entry_and_field() {
    let text = r#"{
  "format": "preventory-eligibility/1",
  "eligibility": [
    {
      "intervention": "fictional-a",
      "genders": ["female"],
      "age_min": 300
    }
  ]
}"#;
    let err = read("e.json", text).err();
    let m = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        m.starts_with("e.json:7: fictional-a: age_min: invalid value: integer `300`"),
        "{m}"
    );
    assert!(matches!(
        err,
        Some(EligibilityError::Invalid { line: Some(7), ref field, .. }) if field.as_deref() == Some("age_min")
    ));
    let m = message("e.json", &text.replace("300", "\"17\""));
    assert!(
        m.starts_with("e.json:7: fictional-a: age_min: invalid type: string \"17\""),
        "{m}"
    );
}

#[test]
fn unknown_fields_are_rejected() {
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    gender: [male]\n";
    let m = message("e.yaml", yaml);
    assert!(
        m.starts_with("e.yaml:4: fictional-a: gender: unknown field `gender`, expected one of"),
        "{m}"
    );
    let json = "{\"format\": \"preventory-eligibility/1\", \"eligibility\": [\n{\"intervention\": \"fictional-a\",\n \"formats\": [{\"delivery\": \"group_work\", \"min_age\": 21}]}]}";
    let m = message("e.json", json);
    assert!(
        m.starts_with("e.json:3: fictional-a: formats[0].min_age: unknown field `min_age`"),
        "{m}"
    );
    let m = message("e.yaml", "format: preventory-eligibility/1\nentries: []\n");
    assert!(
        m.starts_with("e.yaml:2: entries: unknown field `entries`"),
        "{m}"
    );
}

#[test]
fn a_missing_slug_names_the_entry_by_position() {
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n  - genders: [male]\n";
    assert_eq!(
        message("e.yaml", yaml),
        "e.yaml:4: eligibility[1]: missing field `intervention`"
    );
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n\n  - just words\n";
    let m = message("e.yaml", yaml);
    assert!(
        m.starts_with("e.yaml:5: eligibility[1]: invalid type: string \"just words\""),
        "{m}"
    );
}

#[test]
fn yaml_1_1_booleans_are_not_booleans() {
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    anonymous: yes\n";
    let m = message("e.yaml", yaml);
    assert!(
        m.starts_with(
            "e.yaml:4: fictional-a: anonymous: invalid type: string \"yes\", expected a boolean"
        ),
        "{m}"
    );
    // Norwegian is `no`, a string, not false.
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    languages: [no, en]\n";
    assert_eq!(
        read("e.yaml", yaml).map(|f| f.eligibility["fictional-a"].languages.clone()),
        Ok(Some(vec![language("no"), language("en")]))
    );
}

#[test]
fn duplicate_slugs_name_both_lines() {
    let yaml = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n    genders: [male]\n  - intervention: fictional-b\n  - remote: true\n    intervention: fictional-a\n";
    let err = read("e.yaml", yaml).err();
    assert_eq!(
        err,
        Some(EligibilityError::DuplicateSlug {
            file: "e.yaml".into(),
            intervention: "fictional-a".into(),
            first_line: Some(3),
            line: Some(7),
        })
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("e.yaml:7: fictional-a: intervention: listed twice (first at line 3); give each intervention one entry")
    );
    let json = "{\"format\": \"preventory-eligibility/1\", \"eligibility\": [\n  {\"intervention\": \"fictional-a\"},\n  {\"intervention\": \"fictional-a\", \"remote\": false}\n]}";
    assert_eq!(
        message("e.json", json),
        "e.json:3: fictional-a: intervention: listed twice (first at line 2); give each intervention one entry"
    );
}

#[test]
fn checks_after_parsing_name_the_field_line() {
    let head = "format: preventory-eligibility/1\neligibility:\n  - intervention: fictional-a\n";
    let cases: &[(&str, &str)] = &[
        // The entry's own age_min, not the format's of the same name above it.
        (
            "    formats:\n      - delivery: group_work\n        age_min: 21\n    age_max: 18\n    age_min: 30\n",
            "e.yaml:8: fictional-a: age_min: 30 is above age_max 18",
        ),
        (
            "    formats:\n      - delivery: group_work\n        age_min: 21\n      - delivery: individual_work\n        age_max: 16\n        age_min: 17\n",
            "e.yaml:9: fictional-a: formats[1].age_min: 17 is above age_max 16",
        ),
        (
            "    formats:\n      - delivery: group_work\n      - delivery: individual_work\n      -\n        delivery: group_work\n",
            "e.yaml:8: fictional-a: formats[2].delivery: group_work is listed twice; give each format one set of age limits",
        ),
        (
            "    anonymous: true\n    genders: []\n",
            "e.yaml:5: fictional-a: genders: an empty list would mean none at all; leave the field out when it is not known",
        ),
        (
            "    situations:\n      - viewing_csam\n      - contact_offending\n      - viewing_csam\n",
            "e.yaml:7: fictional-a: situations[2]: viewing_csam is listed twice",
        ),
        (
            "    referral_routes: [self, self]\n",
            "e.yaml:4: fictional-a: referral_routes[1]: self is listed twice",
        ),
        (
            "    exclusions:\n      - Fictional exclusion.\n      - \"  \"\n",
            "e.yaml:6: fictional-a: exclusions[1]: empty text",
        ),
        (
            "    in_person_areas: [\"\"]\n",
            "e.yaml:4: fictional-a: in_person_areas[0]: empty text",
        ),
        (
            "    learning_needs: ''\n",
            "e.yaml:4: fictional-a: learning_needs: empty text; leave the field out when it is not known",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(
            &message("e.yaml", &format!("{head}{body}")),
            expected,
            "{body}"
        );
    }
    let m = message(
        "e.yaml",
        "format: preventory-eligibility/1\neligibility:\n  - remote: true\n    intervention: Not A Slug\n",
    );
    assert!(
        m.starts_with(
            "e.yaml:4: Not A Slug: intervention: \"Not A Slug\" is not an intervention slug"
        ),
        "{m}"
    );
    // JSON, as the writer lays it out.
    let json = "{\n  \"format\": \"preventory-eligibility/1\",\n  \"eligibility\": [\n    {\n      \"intervention\": \"fictional-a\",\n      \"formats\": [\n        {\n          \"delivery\": \"group_work\"\n        },\n        {\n          \"delivery\": \"individual_work\",\n          \"age_min\": 17,\n          \"age_max\": 16\n        }\n      ]\n    }\n  ]\n}\n";
    assert_eq!(
        message("e.json", json),
        "e.json:12: fictional-a: formats[1].age_min: 17 is above age_max 16"
    );
    // An in-person list may be empty: no in-person help at all.
    let text = format!("{head}    in_person_areas: []\n    remote: true\n");
    assert_eq!(
        read("e.yaml", &text).map(|f| f.eligibility["fictional-a"].in_person_areas.clone()),
        Ok(Some(Vec::new()))
    );
}

#[test]
fn a_wrong_or_missing_format_is_a_clear_error() {
    let err = read(
        "e.yaml",
        "# eligibility\nformat: preventory-studies/1\neligibility: []\n",
    )
    .err();
    assert!(
        matches!(err, Some(EligibilityError::Format { line: Some(2), .. })),
        "{err:?}"
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("e.yaml:2: format: \"preventory-studies/1\" is not an eligibility file this version reads (expected \"preventory-eligibility/1\")")
    );
    assert_eq!(
        message("e.json", "{\"eligibility\": []}"),
        "e.json: no format given: an eligibility file starts with \"format: preventory-eligibility/1\""
    );
    for text in ["", "   \n", "- a\n- b\n", "[1, 2]"] {
        assert!(
            matches!(read("e", text), Err(EligibilityError::Format { .. })),
            "{text:?}"
        );
    }
}

#[test]
fn syntax_errors_and_bad_bytes_are_errors_with_lines() {
    let err = read(
        "e.json",
        "{\"format\": \"preventory-eligibility/1\",\n \"eligibility\": [,]}",
    )
    .err();
    assert!(
        matches!(
            err,
            Some(EligibilityError::Syntax {
                syntax: EligibilitySyntax::Json,
                line: 2,
                ..
            })
        ),
        "{err:?}"
    );
    let err = read(
        "e.yaml",
        "format: preventory-eligibility/1\neligibility:\n  - intervention: a\n   remote: true\n",
    )
    .err();
    assert!(
        matches!(
            err,
            Some(EligibilityError::Syntax {
                syntax: EligibilitySyntax::Yaml,
                line: 4,
                ..
            })
        ),
        "{err:?}"
    );
    let mut bytes =
        b"format: preventory-eligibility/1\neligibility:\n  - learning_needs: ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let err = read_eligibility("e.yaml", &bytes).err();
    assert_eq!(
        err,
        Some(EligibilityError::NotUtf8 {
            file: "e.yaml".into(),
            line: 3,
            offset: 66
        })
    );
}

#[test]
fn a_byte_order_mark_is_ignored() -> Result<(), EligibilityError> {
    let json = write_eligibility_json(&sample_file())?;
    assert_eq!(read("e.json", &format!("\u{feff}{json}"))?, sample_file());
    Ok(())
}

#[test]
fn the_format_constant_is_what_files_say() -> Result<(), EligibilityError> {
    assert_eq!(ELIGIBILITY_FORMAT, "preventory-eligibility/1");
    let json = write_eligibility_json(&EligibilityFile::default())?;
    assert_eq!(
        json,
        "{\n  \"format\": \"preventory-eligibility/1\",\n  \"eligibility\": []\n}\n"
    );
    Ok(())
}

// ---- properties ----

/// Text of every kind a hand-written file might hold, including YAML's special words and
/// characters, line breaks and non-ASCII; never blank, which the file rejects.
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
            "other:",
        ])
        .prop_map(str::to_string),
    ]
    .prop_filter("text has words", |t| !t.trim().is_empty())
}

/// A non-empty list of distinct ids, in any order, or unknown.
fn arb_ids<T: Vocabulary + 'static>() -> impl Strategy<Value = Option<Vec<T>>> {
    let all = T::all();
    let n = all.len();
    proptest::option::of(proptest::sample::subsequence(all, 1..=n).prop_shuffle())
}

fn arb_languages() -> impl Strategy<Value = Option<Vec<Language>>> {
    proptest::option::of(proptest::sample::subsequence(Language::all(), 1..4).prop_shuffle())
}

/// An optional pair of ages in order.
fn arb_ages() -> impl Strategy<Value = (Option<u8>, Option<u8>)> {
    (
        proptest::option::of(any::<u8>()),
        proptest::option::of(any::<u8>()),
    )
        .prop_map(|(a, b)| match (a, b) {
            (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
            other => other,
        })
}

fn arb_formats() -> impl Strategy<Value = Vec<FormatAgeLimits>> {
    let delivery = prop_oneof![
        proptest::sample::select(Delivery::all()).prop_map(Term::Known),
        arb_text().prop_map(Term::Other),
    ];
    proptest::collection::vec((delivery, arb_ages()), 0..4).prop_map(|formats| {
        let mut out: Vec<FormatAgeLimits> = Vec::new();
        for (delivery, (age_min, age_max)) in formats {
            if !out.iter().any(|f| f.delivery == delivery) {
                out.push(FormatAgeLimits {
                    delivery,
                    age_min,
                    age_max,
                });
            }
        }
        out
    })
}

fn arb_eligibility() -> impl Strategy<Value = Eligibility> {
    (
        (
            arb_ages(),
            arb_formats(),
            arb_ids::<Gender>(),
            proptest::option::of(any::<u8>()),
            proptest::option::of(arb_text()),
            arb_ids::<AskingFor>(),
            arb_ids::<Situation>(),
            arb_ids::<JusticeStage>(),
        ),
        (
            arb_ids::<ReferralRoute>(),
            proptest::option::of(any::<bool>()),
            arb_ids::<Cost>(),
            proptest::option::of(any::<bool>()),
            proptest::option::of(proptest::collection::vec(arb_text(), 0..3)),
            arb_languages(),
            proptest::collection::vec(arb_text(), 0..3),
        ),
    )
        .prop_map(
            |(
                (
                    (age_min, age_max),
                    formats,
                    genders,
                    iq_min,
                    learning_needs,
                    serves,
                    situations,
                    justice_stages,
                ),
                (referral_routes, anonymous, cost, remote, in_person_areas, languages, exclusions),
            )| Eligibility {
                age_min,
                age_max,
                formats,
                genders,
                iq_min,
                learning_needs,
                serves,
                situations,
                justice_stages,
                referral_routes,
                anonymous,
                cost,
                remote,
                in_person_areas,
                languages,
                exclusions,
            },
        )
}

fn arb_file() -> impl Strategy<Value = EligibilityFile> {
    proptest::collection::btree_map(
        "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}",
        arb_eligibility(),
        0..4,
    )
    .prop_map(|eligibility| EligibilityFile { eligibility })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn written_files_read_back_identically(file in arb_file()) {
        let json = write_eligibility_json(&file);
        prop_assert!(json.is_ok(), "{:?}", json);
        let json = json.unwrap_or_default();
        prop_assert_eq!(read_eligibility("e.json", json.as_bytes()), Ok(file.clone()), "{}", json);
        let yaml = write_eligibility_yaml(&file);
        prop_assert!(yaml.is_ok(), "{:?}", yaml);
        let yaml = yaml.unwrap_or_default();
        prop_assert_eq!(read_eligibility("e.yaml", yaml.as_bytes()), Ok(file.clone()), "{}", yaml);
        // And the bytes are stable.
        prop_assert_eq!(write_eligibility_yaml(&file).unwrap_or_default(), yaml);
    }

    #[test]
    fn reading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = read_eligibility("e.yaml", &bytes);
        let _ = read_eligibility("e.json", &bytes);
        let _ = read_eligibility("e", &bytes);
    }

    #[test]
    fn reading_mangled_files_never_panics(file in arb_file(), cut in any::<prop::sample::Index>(), insert in "[-:\\[\\]{}\"' \n#a-z0-9]{0,4}") {
        for text in [
            write_eligibility_json(&file).unwrap_or_default(),
            write_eligibility_yaml(&file).unwrap_or_default(),
        ] {
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mangled = format!("{}{insert}{}", &text[..at], &text[at..]);
            let _ = read_eligibility("e.yaml", mangled.as_bytes());
            let _ = read_eligibility("e.json", mangled.as_bytes());
        }
    }
}
