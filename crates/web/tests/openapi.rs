//! The OpenAPI document at `/api/v1/openapi.json`: it is OpenAPI 3.1, it documents every
//! parameter the API accepts and nothing else, and its schemas match the JSON the API
//! actually sends, key for key, so the document cannot silently drift from the code.

mod common;

use common::{content_type, start_with};
use preventory_core::evidence::{
    Direction, EvidenceAmount, Magnitude, Outcome, OutcomeKind, Shortfall, Study, StudyDesign,
    StudyQuality, WarningKind,
};
use preventory_core::{Facet, Intervention, Rating, Term, Vocabulary};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The real example records and the fictional fixtures, which between them fill every kind
/// of nested object (facet rows, references, contact, eligibility).
fn records() -> Vec<Intervention> {
    let mut records: Vec<Intervention> = preventory_formats::examples::records()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(_, record)| record)
        .collect();
    // A rating an editor set apart from the suggestion, with the reason, and a service
    // deemed critical by treaty: the optional fields the examples do not fill.
    let mut two = common::group_programme_two();
    two.rating_justification = Some("Fictional: rated on an evaluation not yet entered.".into());
    two.critical_by_treaty = true;
    records.extend([
        common::helpline_one(),
        two,
        common::hostile(),
        fictional_trial_programme(),
    ]);
    records
}

/// A fictional record whose studies fill what the examples leave empty in the evidence
/// response: a described effect size, a harm and a possible harm, a study of unjudged
/// quality, and an Effective suggestion apart from the rating given.
fn fictional_trial_programme() -> Intervention {
    let mut good = Study::new(
        "fictional-trial-2020",
        "Fictional, A. (2020). A fictional trial.",
        StudyDesign::Rct,
    );
    good.quality = Some(StudyQuality::High);
    let mut knowledge = Outcome::new(Term::Known(OutcomeKind::Knowledge), Direction::Positive);
    knowledge.significant = Some(true);
    knowledge.magnitude = Some(Magnitude::Large);
    good.outcomes.push(knowledge.clone());
    let mut harm = Outcome::new(Term::Known(OutcomeKind::Disclosure), Direction::Negative);
    harm.significant = Some(true);
    good.outcomes.push(harm);
    let mut also_good = good.clone();
    also_good.id = "fictional-trial-2022".into();
    also_good.outcomes = vec![knowledge];
    let mut unjudged = Study::new(
        "fictional-survey-2023",
        "Example, B. (2023). A fictional controlled survey.",
        StudyDesign::ControlledCohort,
    );
    unjudged.outcomes.push(Outcome::new(
        Term::Other("fictional wellbeing scale".into()),
        Direction::Negative,
    ));
    Intervention {
        slug: "fictional-trial-programme".into(),
        title: "Fictional Trial Programme".into(),
        rating: Some(Rating::Prudent),
        studies: vec![good, also_good, unjudged],
        ..Intervention::default()
    }
}

/// Every parameter name the search API accepts, worked out from the vocabulary of facets
/// rather than read from the web crate, so the check is independent of the document.
fn accepted_parameters() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = ["q", "sort", "page", "per_page", "include"]
        .map(String::from)
        .into();
    for facet in Facet::ALL {
        names.insert(facet.param().to_string());
        names.insert(facet.plural().to_string());
    }
    names
}

async fn get_json(server: &common::TestServer, path: &str) -> (u16, String, Value) {
    let response = server.get(path).await;
    let status = response.status().as_u16();
    let content_type = content_type(&response);
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, content_type, json)
}

async fn document(server: &common::TestServer) -> Value {
    let response = server.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    common::assert_privacy_headers("openapi.json", &response);
    assert_eq!(content_type(&response), "application/json");
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("openapi.json does not parse: {e}"))
}

/// Follows a local `$ref` to the schema it names.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("non-local reference {reference}"));
            let target = &doc["components"]["schemas"][name];
            assert!(target.is_object(), "dangling reference {reference}");
            resolve(doc, target)
        }
        None => schema,
    }
}

/// The JSON types a schema allows, from `type` (a name or a list of names).
fn allowed_types(schema: &Value) -> Option<Vec<&str>> {
    match schema.get("type")? {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `value` against `schema`: types agree, objects have exactly the documented
/// properties, and the same holds all the way down.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        // `Option<T>` of a referenced type: `null`, or T.
        let fits = |v: &&Value| {
            let v = resolve(doc, v);
            allowed_types(v).is_none_or(|ts| ts.contains(&json_type(value)))
        };
        let variant = variants
            .iter()
            .find(fits)
            .unwrap_or_else(|| panic!("{at}: {value} fits no variant of {schema}"));
        return check(doc, variant, value, at);
    }
    if let Some(types) = allowed_types(schema) {
        let actual = json_type(value);
        assert!(
            types.contains(&actual) || (actual == "integer" && types.contains(&"number")),
            "{at}: a {actual} where the document says {types:?}"
        );
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        assert!(
            values.contains(value),
            "{at}: {value} is not one of the documented values {values:?}"
        );
    }
    match value {
        Value::Object(object) => check_object(doc, schema, object, at),
        Value::Array(items) => {
            let item_schema = schema
                .get("items")
                .unwrap_or_else(|| panic!("{at}: an array with no documented items"));
            for (i, item) in items.iter().enumerate() {
                check(doc, item_schema, item, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

/// The only fields a document may leave out (when empty), by schema; everything else must
/// always be sent.
const OPTIONAL_FIELDS: &[(&str, &[&str])] = &[
    (
        "Intervention",
        &["studies", "rating_justification", "critical_by_treaty"],
    ),
    (
        "Study",
        &[
            "evaluates",
            "meta_analysis",
            "sample_size",
            "country",
            "population",
            "follow_up_months",
            "quality",
            "quality_note",
            "summary",
            "outcomes",
        ],
    ),
    (
        "Outcome",
        &["significant", "magnitude", "effect_size", "note"],
    ),
];

fn check_object(doc: &Value, schema: &Value, object: &Map<String, Value>, at: &str) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        // Every key sent is documented; every required key is sent. Only the fields the
        // document lists as left out when empty may be missing.
        let documented: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        let sent: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            sent.is_subset(&documented),
            "{at}: undocumented keys {:?}",
            sent.difference(&documented).collect::<Vec<_>>()
        );
        assert!(
            required.is_subset(&sent),
            "{at}: required keys not sent {:?}",
            required.difference(&sent).collect::<Vec<_>>()
        );
        let optional: BTreeSet<&str> = documented.difference(&required).copied().collect();
        let allowed = OPTIONAL_FIELDS
            .iter()
            .any(|(_, fields)| optional.iter().all(|k| fields.contains(k)));
        assert!(
            allowed,
            "{at}: fields documented as optional that are not evidence fields: {optional:?}"
        );
        for (key, value) in object {
            check(doc, &properties[key], value, &format!("{at}.{key}"));
        }
    } else if let Some(values) = schema.get("additionalProperties") {
        for (key, value) in object {
            check(doc, values, value, &format!("{at}.{key}"));
        }
    } else {
        panic!("{at}: an object whose schema documents no properties: {schema}");
    }
}

/// The schema of a response's body for a status and content type.
fn response_schema<'a>(doc: &'a Value, path: &str, status: &str, media_type: &str) -> &'a Value {
    let schema = &doc["paths"][path]["get"]["responses"][status]["content"][media_type]["schema"];
    assert!(
        schema.is_object(),
        "{path}: no {media_type} schema for {status}"
    );
    schema
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_every_path() {
    let server = start_with(vec![common::helpline_one()]).await;
    let doc = document(&server).await;
    let version = doc["openapi"].as_str().expect("openapi field");
    assert!(version.starts_with("3.1"), "{version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert!(doc.get("servers").is_none(), "no other host is named");

    let list = "/api/v1/interventions";
    let record = "/api/v1/interventions/{slug}";
    for path in [list, record] {
        let item = doc["paths"][path].as_object().expect(path);
        assert_eq!(item.keys().collect::<Vec<_>>(), ["get"], "{path}");
    }
    response_schema(&doc, list, "200", "application/json");
    response_schema(&doc, list, "400", "application/problem+json");
    response_schema(&doc, record, "200", "application/json");
    response_schema(&doc, record, "404", "application/problem+json");
    for path in [record, EVIDENCE] {
        let slug = &doc["paths"][path]["get"]["parameters"][0];
        assert_eq!(
            (&slug["name"], &slug["in"]),
            (&"slug".into(), &"path".into()),
            "{path}"
        );
        assert_eq!(slug["required"], true, "{path}");
    }
    let item = doc["paths"][EVIDENCE].as_object().expect(EVIDENCE);
    assert_eq!(item.keys().collect::<Vec<_>>(), ["get"]);
    response_schema(&doc, EVIDENCE, "200", "application/json");
    response_schema(&doc, EVIDENCE, "404", "application/problem+json");
}

/// The path of a record's evidence.
const EVIDENCE: &str = "/api/v1/interventions/{slug}/evidence";

/// The `enum` of the schema a property of `object_schema` refers to (directly, or as the
/// non-null variant of a `oneOf`), or of its `items`.
fn enum_of(doc: &Value, object_schema: &Value, property: &str) -> BTreeSet<String> {
    let mut schema = resolve(doc, &resolve(doc, object_schema)["properties"][property]);
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        schema = variants
            .iter()
            .map(|v| resolve(doc, v))
            .find(|v| v.get("enum").is_some())
            .unwrap_or_else(|| panic!("{property}: no variant with values"));
    }
    if let Some(items) = schema.get("items") {
        schema = resolve(doc, items);
    }
    schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{property}: no enum in {schema}"))
        .iter()
        .map(|v| v.as_str().expect("a string value").to_string())
        .collect()
}

/// The ids a list of values serialises as.
fn ids<T: serde::Serialize>(values: &[T]) -> BTreeSet<String> {
    values
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .expect("serialise")
                .as_str()
                .expect("an id")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_evidence_schema_lists_exactly_the_cores_ids() {
    let server = start_with(vec![common::helpline_one()]).await;
    let doc = document(&server).await;
    let evidence = response_schema(&doc, EVIDENCE, "200", "application/json");
    let by_name = |name: &str| doc["components"]["schemas"][name].clone();

    assert_eq!(enum_of(&doc, evidence, "rating"), ids(&Rating::all()));
    assert_eq!(enum_of(&doc, evidence, "suggested"), ids(&Rating::all()));
    assert_eq!(
        enum_of(&doc, evidence, "evidence_level"),
        ids(&StudyDesign::all())
    );
    let outcome = by_name("OutcomeEvidence");
    assert_eq!(
        enum_of(&doc, &outcome, "strongest_design"),
        ids(&StudyDesign::all())
    );
    assert_eq!(
        enum_of(&doc, &outcome, "magnitudes"),
        ids(&Magnitude::all())
    );
    assert_eq!(enum_of(&doc, &outcome, "amount"), ids(&all_amounts()));
    let reason = by_name("EvidenceReason");
    assert_eq!(enum_of(&doc, &reason, "supports"), ids(&Rating::all()));
    assert_eq!(enum_of(&doc, &reason, "shortfalls"), ids(&all_shortfalls()));
    let warning = by_name("EvidenceWarning");
    assert_eq!(enum_of(&doc, &warning, "kind"), ids(&all_warning_kinds()));
    let difference = by_name("RatingDifference");
    assert_eq!(enum_of(&doc, &difference, "given"), ids(&Rating::all()));
}

// The core's plain enums have no list of their values; these matches have no wildcard, so a
// value added in the core stops this file compiling until it is listed (and documented).

fn all_amounts() -> Vec<EvidenceAmount> {
    let all = vec![EvidenceAmount::OneStudy, EvidenceAmount::SeveralStudies];
    for a in &all {
        match a {
            EvidenceAmount::OneStudy | EvidenceAmount::SeveralStudies => {}
        }
    }
    all
}

fn all_shortfalls() -> Vec<Shortfall> {
    let all = vec![
        Shortfall::LowQuality,
        Shortfall::QualityNotJudged,
        Shortfall::NotSignificant,
        Shortfall::SignificanceNotReported,
        Shortfall::NoPositiveResult,
        Shortfall::GeneralApproach,
    ];
    for s in &all {
        match s {
            Shortfall::LowQuality
            | Shortfall::QualityNotJudged
            | Shortfall::NotSignificant
            | Shortfall::SignificanceNotReported
            | Shortfall::NoPositiveResult
            | Shortfall::GeneralApproach => {}
        }
    }
    all
}

fn all_warning_kinds() -> Vec<WarningKind> {
    let all = vec![
        WarningKind::Harm,
        WarningKind::PossibleHarm,
        WarningKind::NoEffect,
        WarningKind::Mixed,
    ];
    for k in &all {
        match k {
            WarningKind::Harm
            | WarningKind::PossibleHarm
            | WarningKind::NoEffect
            | WarningKind::Mixed => {}
        }
    }
    all
}

#[tokio::test]
async fn every_accepted_parameter_is_documented_and_no_other_is_accepted() {
    let server = start_with(vec![common::helpline_one()]).await;
    let doc = document(&server).await;
    let list = "/api/v1/interventions";
    let parameters = doc["paths"][list]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let documented: BTreeSet<String> = parameters
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(documented.len(), parameters.len(), "a name is listed twice");
    assert_eq!(documented, accepted_parameters());

    for parameter in parameters {
        let name = parameter["name"].as_str().expect("name");
        assert_eq!(parameter["in"], "query", "{name}");
        assert_ne!(parameter["required"], true, "{name}");
        assert!(parameter["description"].is_string(), "{name}");
        let value = match Facet::from_param(name) {
            Some(facet) => {
                // Facets are repeatable: arrays of strings, one parameter per value.
                assert_eq!(parameter["schema"]["type"], "array", "{name}");
                assert_eq!(parameter["schema"]["items"]["type"], "string", "{name}");
                assert_eq!(parameter["style"], "form", "{name}");
                assert_eq!(parameter["explode"], true, "{name}");
                facet.known_values()[0].0.to_string()
            }
            None => {
                assert_ne!(
                    parameter["schema"]["type"], "array",
                    "{name} is not repeatable"
                );
                match name {
                    "q" => "help".to_string(),
                    "sort" => parameter["schema"]["enum"][1]
                        .as_str()
                        .expect("sort values")
                        .to_string(),
                    "include" => parameter["schema"]["enum"][0]
                        .as_str()
                        .expect("include values")
                        .to_string(),
                    _ => "1".to_string(),
                }
            }
        };
        // The API really accepts it.
        let (status, _, body) = get_json(&server, &format!("{list}?{name}={value}")).await;
        assert_eq!(status, 200, "{name}={value}: {body}");
        check(
            &doc,
            response_schema(&doc, list, "200", "application/json"),
            &body,
            name,
        );
    }

    // A name that is not documented is refused with a problem document of the documented shape.
    for query in [
        "colour=red",
        "q=help&Q=help",
        "target-group=x",
        "page=1&pages=2",
    ] {
        let (status, content_type, body) = get_json(&server, &format!("{list}?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(content_type, "application/problem+json", "{query}");
        assert_eq!(body["status"], 400);
        check(
            &doc,
            response_schema(&doc, list, "400", "application/problem+json"),
            &body,
            query,
        );
    }
}

#[tokio::test]
async fn the_schemas_match_what_the_api_sends() {
    let records = records();
    let slugs: Vec<String> = records.iter().map(|r| r.slug.clone()).collect();
    let server = start_with(records.clone()).await;
    let doc = document(&server).await;
    let record_path = "/api/v1/interventions/{slug}";
    let record_schema = response_schema(&doc, record_path, "200", "application/json");
    let record_properties: BTreeSet<&str> = resolve(&doc, record_schema)["properties"]
        .as_object()
        .expect("record properties")
        .keys()
        .map(String::as_str)
        .collect();

    let required: BTreeSet<&str> = resolve(&doc, record_schema)["required"]
        .as_array()
        .expect("required properties")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for record in &records {
        // The record's own JSON form: every top-level key is documented, every required one
        // is there, and (over all records) every documented one occurs.
        let own = serde_json::to_value(record.public_view()).expect("serialise");
        let keys: BTreeSet<&str> = own
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert!(
            keys.is_subset(&record_properties),
            "{}: undocumented {:?}",
            record.slug,
            keys.difference(&record_properties).collect::<Vec<_>>()
        );
        assert!(
            required.is_subset(&keys),
            "{}: missing {:?}",
            record.slug,
            required.difference(&keys).collect::<Vec<_>>()
        );
        seen.extend(keys.iter().map(|k| k.to_string()));

        // And what the API sends for it matches the schema all the way down.
        let (status, _, body) =
            get_json(&server, &format!("/api/v1/interventions/{}", record.slug)).await;
        assert_eq!(status, 200, "{}", record.slug);
        assert_eq!(body, own, "{}", record.slug);
        check(&doc, record_schema, &body, &record.slug);
    }
    let documented: BTreeSet<String> = record_properties.iter().map(|k| k.to_string()).collect();
    assert_eq!(seen, documented, "documented fields that no record sends");

    // The evidence of every record matches its schema all the way down.
    let evidence_schema = response_schema(&doc, EVIDENCE, "200", "application/json");
    let mut bodies = Vec::new();
    for record in &records {
        let (status, content_type, body) = get_json(
            &server,
            &format!("/api/v1/interventions/{}/evidence", record.slug),
        )
        .await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/json"),
            "{}",
            record.slug
        );
        check(
            &doc,
            evidence_schema,
            &body,
            &format!("{}/evidence", record.slug),
        );
        bodies.push(body);
    }
    // Between them the records fill every part of it, including the nulls.
    let some = |what: &str, found: &dyn Fn(&Value) -> bool| {
        assert!(bodies.iter().any(found), "no evidence response has {what}");
    };
    let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
    for key in ["reasons", "warnings", "outcomes"] {
        some(key, &|b| non_empty(&b[key]));
    }
    for key in [
        "rating",
        "suggested",
        "evidence_level",
        "next_step",
        "difference",
        "rating_justification",
    ] {
        some(&format!("{key} set"), &|b| !b[key].is_null());
        some(&format!("{key} null"), &|b| b[key].is_null());
    }
    some("a difference from not rated", &|b| {
        b["difference"].is_object() && b["difference"]["given"].is_null()
    });
    some("a difference without a suggestion", &|b| {
        b["difference"].is_object() && b["difference"]["suggested"].is_null()
    });
    some("a reason with shortfalls", &|b| {
        b["reasons"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| non_empty(&r["shortfalls"])))
    });
    some("a described effect size", &|b| {
        b["outcomes"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| non_empty(&o["magnitudes"])))
    });

    // Nested objects were really exercised, not just empty lists.
    let all = serde_json::to_value(&records).expect("serialise");
    for key in ["facet_rows", "references", "studies"] {
        assert!(
            all.as_array()
                .expect("array")
                .iter()
                .any(|r| r[key].as_array().is_some_and(|a| !a.is_empty())),
            "no record has {key}"
        );
    }

    // The search response, with every record on one page.
    let (status, _, body) = get_json(&server, "/api/v1/interventions?per_page=100").await;
    assert_eq!(status, 200);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(slugs.len()));
    let list_schema = response_schema(&doc, "/api/v1/interventions", "200", "application/json");
    check(&doc, list_schema, &body, "search");
    let (_, _, body) = get_json(&server, "/api/v1/interventions?q=help&gender=male").await;
    check(&doc, list_schema, &body, "search with a query");

    // A missing record: the documented problem document.
    let (status, content_type, body) = get_json(&server, "/api/v1/interventions/no-such").await;
    assert_eq!(
        (status, content_type.as_str()),
        (404, "application/problem+json")
    );
    check(
        &doc,
        response_schema(&doc, record_path, "404", "application/problem+json"),
        &body,
        "404",
    );
    let (status, content_type, body) =
        get_json(&server, "/api/v1/interventions/no-such/evidence").await;
    assert_eq!(
        (status, content_type.as_str()),
        (404, "application/problem+json")
    );
    check(
        &doc,
        response_schema(&doc, EVIDENCE, "404", "application/problem+json"),
        &body,
        "evidence 404",
    );
}

/// Every parameter name `GET /api/v1/gap-map` accepts, worked out from the vocabulary of
/// facets rather than read from the web crate.
fn accepted_gap_map_parameters() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = ["rows", "cols", "slugs", "q"].map(String::from).into();
    for facet in Facet::ALL {
        names.insert(facet.param().to_string());
        names.insert(facet.plural().to_string());
    }
    names
}

#[tokio::test]
async fn the_gap_map_and_gaps_are_documented_as_they_are_sent() {
    let server = start_with(records()).await;
    let doc = document(&server).await;
    let map = "/api/v1/gap-map";
    let gaps = "/api/v1/gaps";
    for path in [map, gaps] {
        let item = doc["paths"][path].as_object().expect(path);
        assert_eq!(item.keys().collect::<Vec<_>>(), ["get"], "{path}");
        response_schema(&doc, path, "400", "application/problem+json");
    }
    let map_schema = response_schema(&doc, map, "200", "application/json");
    let gaps_schema = response_schema(&doc, gaps, "200", "application/json");

    // Exactly the parameters the API accepts are documented, and each is accepted.
    let parameters = doc["paths"][map]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let documented: BTreeSet<String> = parameters
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(documented.len(), parameters.len(), "a name is listed twice");
    assert_eq!(documented, accepted_gap_map_parameters());
    let axes: Vec<String> = preventory_core::gaps::AXES
        .iter()
        .map(|f| f.param().to_string())
        .collect();
    for parameter in parameters {
        let name = parameter["name"].as_str().expect("name");
        assert_eq!(parameter["in"], "query", "{name}");
        assert_ne!(parameter["required"], true, "{name}");
        assert!(parameter["description"].is_string(), "{name}");
        let queries: Vec<String> = match name {
            "rows" | "cols" => {
                let values: Vec<String> = parameter["schema"]["enum"]
                    .as_array()
                    .expect("axis values")
                    .iter()
                    .map(|v| v.as_str().expect("a value").to_string())
                    .collect();
                assert_eq!(values, axes, "{name}");
                // Every axis against another one.
                values
                    .iter()
                    .map(|v| {
                        let other = if v == "gender" { "country" } else { "gender" };
                        let other_name = if name == "rows" { "cols" } else { "rows" };
                        format!("{name}={v}&{other_name}={other}")
                    })
                    .collect()
            }
            "slugs" => {
                assert_eq!(parameter["schema"]["type"], "integer");
                let max = parameter["schema"]["maximum"].as_u64().expect("maximum");
                vec!["slugs=0".into(), format!("slugs={max}")]
            }
            "q" => vec!["q=help".into()],
            other => {
                let facet = Facet::from_param(other).expect("a facet");
                assert_eq!(parameter["schema"]["type"], "array", "{name}");
                vec![format!("{other}={}", facet.known_values()[0].0)]
            }
        };
        for query in queries {
            let (status, content_type, body) = get_json(&server, &format!("{map}?{query}")).await;
            assert_eq!(
                (status, content_type.as_str()),
                (200, "application/json"),
                "{query}: {body}"
            );
            check(&doc, map_schema, &body, &query);
        }
    }
    // The axis ids of the response are documented values too.
    assert_eq!(
        enum_of(&doc, map_schema, "row_facet"),
        axes.iter().cloned().collect::<BTreeSet<_>>()
    );

    // Anything else is refused with a problem document of the documented shape.
    for query in [
        "rows=nonsense",
        "rows=gender&cols=gender",
        "colour=red",
        "sort=title",
        "row=potential_offenders",
        "slugs=100000",
    ] {
        let (status, content_type, body) = get_json(&server, &format!("{map}?{query}")).await;
        assert_eq!(
            (status, content_type.as_str()),
            (400, "application/problem+json"),
            "{query}"
        );
        check(
            &doc,
            response_schema(&doc, map, "400", "application/problem+json"),
            &body,
            query,
        );
    }

    // The gaps report matches its schema all the way down, and takes no parameters.
    let (status, _, body) = get_json(&server, gaps).await;
    assert_eq!(status, 200, "{body}");
    check(&doc, gaps_schema, &body, "gaps");
    assert!(body["named_gaps"].as_array().is_some_and(|g| !g.is_empty()));
    assert!(
        doc["paths"][gaps]["get"]["parameters"].is_null(),
        "the gaps report documents no parameters"
    );
    let (status, content_type, body) = get_json(&server, &format!("{gaps}?q=x")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/problem+json")
    );
    check(
        &doc,
        response_schema(&doc, gaps, "400", "application/problem+json"),
        &body,
        "gaps 400",
    );
}

const SIGNPOST: &str = "/api/v1/signpost";

/// The schema of `POST /api/v1/signpost`'s response for a status and media type.
fn signpost_response_schema<'a>(doc: &'a Value, status: &str, media_type: &str) -> &'a Value {
    let schema =
        &doc["paths"][SIGNPOST]["post"]["responses"][status]["content"][media_type]["schema"];
    assert!(
        schema.is_object(),
        "{SIGNPOST}: no {media_type} schema for {status}"
    );
    schema
}

/// The enum values a request property allows: of the schema itself, of its non-null
/// variant, or of its items.
fn request_enum(doc: &Value, schema: &Value) -> Option<BTreeSet<String>> {
    let schema = resolve(doc, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
        );
    }
    if let Some(items) = schema.get("items") {
        return request_enum(doc, items);
    }
    schema
        .get("oneOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|v| request_enum(doc, v))
}

async fn post_signpost(server: &common::TestServer, body: &Value) -> (u16, String, Value) {
    let response = common::post_json(server, SIGNPOST, body).await;
    let status = response.status().as_u16();
    let content_type = content_type(&response);
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{body}: {e}: {text}"));
    (status, content_type, json)
}

#[tokio::test]
async fn signposting_is_documented_as_it_is_asked_and_answered() {
    use preventory_core::eligibility::{AskingFor, JusticeStage, Situation};
    use preventory_core::matching::{Criterion, Nearness, Profile, Status, Verdict};
    use preventory_core::vocab::{Country, Gender, Language};

    let mut records = common::examples();
    // A fictional anonymous helpline for people asking for themselves, so that answers list
    // helplines (and a professional's answer can still find nothing that fits).
    let mut helpline = common::helpline_one();
    helpline.eligibility.anonymous = Some(true);
    helpline.eligibility.remote = Some(true);
    helpline.eligibility.serves = Some(vec![AskingFor::ForSelf]);
    records.push(helpline);
    let server = start_with(records).await;
    let doc = document(&server).await;

    let item = doc["paths"][SIGNPOST].as_object().expect(SIGNPOST);
    assert_eq!(item.keys().collect::<Vec<_>>(), ["post"]);
    let operation = &doc["paths"][SIGNPOST]["post"];
    assert!(
        operation["parameters"].is_null(),
        "the endpoint takes no parameters"
    );
    assert!(operation["description"]
        .as_str()
        .is_some_and(|d| d.contains("not an assessment of risk")));

    // The request body: exactly the profile's fields, none required, each with the core's
    // ids where it takes ids.
    let body = &operation["requestBody"];
    let request = resolve(&doc, &body["content"]["application/json"]["schema"]);
    let properties = request["properties"]
        .as_object()
        .expect("request properties");
    let documented: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    let own = serde_json::to_value(Profile::default()).expect("serialise");
    let fields: BTreeSet<&str> = own
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(documented, fields);
    assert!(
        request["required"].as_array().is_none_or(|r| r.is_empty()),
        "every field may be left out: {request}"
    );
    let expected: [(&str, BTreeSet<String>); 6] = [
        ("gender", ids(&Gender::all())),
        ("asking_for", ids(&AskingFor::all())),
        ("situations", ids(&Situation::all())),
        ("justice_stage", ids(&JusticeStage::all())),
        ("country", ids(&Country::all())),
        ("language", ids(&Language::all())),
    ];
    for (field, values) in &expected {
        assert_eq!(
            request_enum(&doc, &properties[*field]).as_ref(),
            Some(values),
            "{field}"
        );
        // Every documented value is accepted; anything else is refused, naming the field.
        for value in values {
            let json = if *field == "situations" {
                serde_json::json!({ *field: [value] })
            } else {
                serde_json::json!({ *field: value })
            };
            let (status, _, answer) = post_signpost(&server, &json).await;
            assert_eq!(status, 200, "{json}: {answer}");
        }
        let (status, content_type, problem) =
            post_signpost(&server, &serde_json::json!({ *field: "not-an-id" })).await;
        assert_eq!(
            (status, content_type.as_str()),
            (400, "application/problem+json"),
            "{field}"
        );
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("`{field}`"))),
            "{problem}"
        );
        check(
            &doc,
            signpost_response_schema(&doc, "400", "application/problem+json"),
            &problem,
            field,
        );
    }
    for (field, kind) in [
        ("age", "integer"),
        ("needs_anonymity", "boolean"),
        ("remote_only", "boolean"),
    ] {
        let schema = resolve(&doc, &properties[field]);
        let types = allowed_types(schema).unwrap_or_default();
        assert!(
            types.contains(&kind) && types.contains(&"null"),
            "{field}: {schema}"
        );
    }
    for status in ["413", "415"] {
        signpost_response_schema(&doc, status, "application/problem+json");
    }

    // The answers, for many profiles, match the response schema all the way down, and fill
    // every part of it.
    let schema = signpost_response_schema(&doc, "200", "application/json");
    let profiles = [
        serde_json::json!({}),
        serde_json::json!({"age": 19, "gender": "male", "asking_for": "client",
            "situations": ["viewing_csam"], "justice_stage": "convicted_community",
            "country": "GB", "language": "en"}),
        serde_json::json!({"age": 30, "gender": "female", "asking_for": "self",
            "situations": ["sexual_thoughts"], "justice_stage": "none", "country": "GB",
            "needs_anonymity": true, "remote_only": true}),
        serde_json::json!({"gender": "female", "asking_for": "client",
            "situations": ["viewing_csam"], "justice_stage": "convicted_community",
            "needs_anonymity": null, "remote_only": false, "situations": null}),
        serde_json::json!({"gender": "female", "asking_for": "client",
            "situations": ["viewing_csam"], "justice_stage": "convicted_community"}),
    ];
    let mut answers = Vec::new();
    for profile in &profiles {
        let (status, content_type, answer) = post_signpost(&server, profile).await;
        if status == 400 {
            // The fourth profile repeats a field on purpose.
            assert!(answer["detail"]
                .as_str()
                .is_some_and(|d| d.contains("duplicate field `situations`")));
            continue;
        }
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/json"),
            "{profile}: {answer}"
        );
        check(&doc, schema, &answer, &profile.to_string());
        answers.push(answer);
    }
    // The limit the answers are written out to is the one the description gives.
    let limit = answers[0]["limit"].as_u64().expect("a limit");
    assert!(operation["description"]
        .as_str()
        .is_some_and(|d| d.contains(&format!("`limit` ({limit})"))));
    let some = |what: &str, found: &dyn Fn(&Value) -> bool| {
        assert!(answers.iter().any(found), "no answer has {what}");
    };
    let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
    some("results", &|a| non_empty(&a["results"]));
    some("relaxations", &|a| non_empty(&a["relaxations"]));
    some("helplines", &|a| non_empty(&a["helplines"]));
    some("formats", &|a| {
        a["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|m| non_empty(&m["formats"])))
    });
    some("notes", &|a| {
        a["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|m| non_empty(&m["notes"])))
    });
    some("a result not rated", &|a| {
        a["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|m| m["rating"].is_null()))
    });
    some("a rated result", &|a| {
        a["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|m| m["rating"].is_string()))
    });

    // The response's ids are the core's.
    let by_name = |name: &str| doc["components"]["schemas"][name].clone();
    let result = by_name("SignpostResult");
    assert_eq!(enum_of(&doc, &result, "status"), ids(&Status::all()));
    assert_eq!(enum_of(&doc, &result, "nearness"), ids(&Nearness::all()));
    assert_eq!(enum_of(&doc, &result, "rating"), ids(&Rating::all()));
    let reason = by_name("CriterionReason");
    assert_eq!(enum_of(&doc, &reason, "criterion"), ids(&Criterion::all()));
    assert_eq!(enum_of(&doc, &reason, "verdict"), ids(&Verdict::all()));
    let relaxation = by_name("Relaxation");
    assert_eq!(
        enum_of(&doc, &relaxation, "criterion"),
        ids(&Criterion::all())
    );
}
