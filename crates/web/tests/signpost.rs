//! Signposting over real HTTP on loopback: `POST /api/v1/signpost`, the practitioners' form at
//! `/signpost` and the self-help form at `/help`, over the four example records (with their
//! curated eligibility) and fictional records made here. The API and the forms must agree,
//! mistakes are 400s naming the field, and every answer is `no-store`.

mod common;

use common::*;
use preventory_core::eligibility::{AskingFor, Eligibility, JusticeStage, Situation};
use preventory_core::vocab::{Country, Delivery, Gender, Language};
use preventory_core::{FacetRow, Intervention, Term, Vocabulary};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const API: &str = "/api/v1/signpost";
const INTERNET: &str = "internet-sex-offender-treatment-programme";
const NORTHUMBRIA: &str = "northumbria-sex-offender-groupwork-programme";
const STOPSO: &str = "stopso";
const BREAKING: &str = "breaking-the-links";
const FAMILY: &str = "fictional-family-support";
const HELPLINE: &str = "fictional-anonymous-helpline";

fn gb() -> Country {
    Country::from_id("GB").expect("GB")
}

fn english() -> Language {
    Language::from_id("en").expect("en")
}

fn known<T: Clone>(values: &[T]) -> Vec<Term<T>> {
    values.iter().cloned().map(Term::Known).collect()
}

/// Fictional: for partners and family members of people arrested, charged or convicted.
fn family_support() -> Intervention {
    Intervention {
        slug: FAMILY.into(),
        title: "Fictional Family Support".into(),
        summary: Some("A fictional service for families, used only in tests.".into()),
        facet_rows: vec![FacetRow {
            delivery: known(&[Delivery::GroupWork, Delivery::IndividualWork]),
            ..FacetRow::default()
        }],
        countries: vec![Term::Known(gb())],
        eligibility: Eligibility {
            age_min: Some(18),
            genders: Some(vec![Gender::Male, Gender::Female]),
            serves: Some(vec![AskingFor::SomeoneElse]),
            situations: Some(Situation::all()),
            justice_stages: Some(JusticeStage::all()[2..].to_vec()),
            anonymous: Some(false),
            remote: Some(false),
            languages: Some(vec![english()]),
            ..Eligibility::default()
        },
        ..Intervention::default()
    }
}

/// Fictional: an anonymous phone and online line for people worried about their thoughts,
/// based in Germany and usable remotely from anywhere.
fn anonymous_helpline() -> Intervention {
    Intervention {
        slug: HELPLINE.into(),
        title: "Fictional Anonymous Helpline".into(),
        summary: Some("A fictional anonymous helpline, used only in tests.".into()),
        facet_rows: vec![FacetRow {
            delivery: known(&[Delivery::Phone, Delivery::Online]),
            ..FacetRow::default()
        }],
        countries: vec![Term::Known(Country::from_id("DE").expect("DE"))],
        eligibility: Eligibility {
            age_min: Some(18),
            genders: Some(vec![Gender::Male, Gender::Female]),
            serves: Some(vec![AskingFor::ForSelf, AskingFor::SomeoneElse]),
            situations: Some(vec![Situation::SexualThoughts, Situation::ViewingCsam]),
            justice_stages: Some(vec![JusticeStage::NoInvolvement, JusticeStage::PreArrest]),
            anonymous: Some(true),
            remote: Some(true),
            languages: Some(vec![english(), Language::from_id("de").expect("de")]),
            ..Eligibility::default()
        },
        ..Intervention::default()
    }
}

fn all_records() -> Vec<Intervention> {
    let mut records = examples();
    records.extend([family_support(), anonymous_helpline()]);
    records
}

/// A profile as JSON, and the same answers as the practitioners' form sends them.
struct Case {
    what: &'static str,
    json: Value,
    form: Vec<(&'static str, &'static str)>,
}

fn man_19_convicted() -> Case {
    Case {
        what: "a 19-year-old man convicted of an internet offence",
        json: json!({
            "age": 19, "gender": "male", "asking_for": "client",
            "situations": ["viewing_csam"], "justice_stage": "convicted_community",
            "country": "GB", "language": "en"
        }),
        form: vec![
            ("age", "19"),
            ("gender", "male"),
            ("asking_for", "client"),
            ("situations", "viewing_csam"),
            ("justice_stage", "convicted_community"),
            ("country", "GB"),
            ("language", "en"),
            ("needs_anonymity", ""),
            ("remote_only", ""),
        ],
    }
}

fn woman_30_thoughts() -> Case {
    Case {
        what: "a 30-year-old woman worried about her thoughts, no justice involvement",
        json: json!({
            "age": 30, "gender": "female", "asking_for": "self",
            "situations": ["sexual_thoughts"], "justice_stage": "none",
            "country": "GB", "language": "en"
        }),
        form: vec![
            ("age", "30"),
            ("gender", "female"),
            ("asking_for", "self"),
            ("situations", "sexual_thoughts"),
            ("justice_stage", "none"),
            ("country", "GB"),
            ("language", "en"),
        ],
    }
}

fn partner_of_arrested_man() -> Case {
    Case {
        what: "the partner of a man arrested for viewing abuse images",
        json: json!({
            "asking_for": "someone_else", "situations": ["viewing_csam"],
            "justice_stage": "under_investigation", "country": "GB", "language": "en"
        }),
        form: vec![
            ("asking_for", "someone_else"),
            ("situations", "viewing_csam"),
            ("justice_stage", "under_investigation"),
            ("country", "GB"),
            ("language", "en"),
        ],
    }
}

/// A professional asking about a woman convicted of viewing images: every service fails,
/// some on gender alone.
fn woman_convicted_via_professional() -> Case {
    Case {
        what: "a professional asking about a convicted woman",
        json: json!({
            "gender": "female", "asking_for": "client", "situations": ["viewing_csam"],
            "justice_stage": "convicted_community"
        }),
        form: vec![
            ("gender", "female"),
            ("asking_for", "client"),
            ("situations", "viewing_csam"),
            ("justice_stage", "convicted_community"),
        ],
    }
}

async fn api(server: &TestServer, body: &Value) -> Value {
    let response = post_json(server, API, body).await;
    assert_privacy_headers(API, &response);
    assert_no_store(API, &response);
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, StatusCode::OK, "{body}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn assert_no_store(what: &str, response: &reqwest::Response) {
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}: Cache-Control"
    );
}

fn result<'a>(answer: &'a Value, slug: &str) -> &'a Value {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is not in {answer:#}"))
}

fn failing(result: &Value) -> Vec<String> {
    result["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter(|r| r["verdict"] == "fails")
        .map(|r| r["criterion"].as_str().expect("criterion").to_string())
        .collect()
}

fn reason<'a>(result: &'a Value, criterion: &str) -> &'a str {
    result["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .find(|r| r["criterion"] == criterion)
        .and_then(|r| r["text"].as_str())
        .unwrap_or_else(|| panic!("no {criterion} reason in {result:#}"))
}

fn slugs_with(answer: &Value, list: &str, status: Option<&str>) -> BTreeSet<String> {
    answer[list]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| status.is_none_or(|s| r["status"] == s))
        .map(|r| r["slug"].as_str().expect("slug").to_string())
        .collect()
}

/// The part of `html` from `start` to the next `end`.
fn section<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)?;
    let rest = &html[from..];
    let to = rest.find(end).map_or(rest.len(), |i| i + end.len());
    Some(&rest[..to])
}

/// The record slugs linked from a part of a page.
fn linked_slugs(html: &str) -> BTreeSet<String> {
    html.split("href=\"/interventions/")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("closing quote")].to_string())
        .collect()
}

/// The record slugs listed on an answer page under a status, or among the helplines.
fn page_slugs(html: &str, part: &str) -> BTreeSet<String> {
    let start = match part {
        "helplines" => "<section class=\"helplines\"".to_string(),
        status => {
            format!("<section class=\"signpost-group\" aria-labelledby=\"{status}-heading\">")
        }
    };
    section(html, &start, "</section>")
        .map(linked_slugs)
        .unwrap_or_default()
}

async fn page(response: reqwest::Response, what: &str) -> (StatusCode, String) {
    assert_privacy_headers(what, &response);
    assert_no_store(what, &response);
    assert_eq!(
        content_type(&response),
        "text/html; charset=utf-8",
        "{what}"
    );
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// Text as askama escapes it.
fn escape(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The API's answer and the form's answer page list the same services the same way.
fn assert_agree(what: &str, answer: &Value, html: &str) {
    for status in ["eligible", "possibly_eligible", "ineligible"] {
        assert_eq!(
            page_slugs(html, status),
            slugs_with(answer, "results", Some(status)),
            "{what}: {status}"
        );
    }
    assert_eq!(
        page_slugs(html, "helplines"),
        slugs_with(answer, "helplines", None),
        "{what}: helplines"
    );
    let notice = answer["notice"].as_str().expect("notice");
    assert!(html.contains(&escape(notice)), "{what}: the notice");
    // Every reason the API gives is on the page, in words.
    for result in answer["results"].as_array().expect("results") {
        for r in result["reasons"].as_array().expect("reasons") {
            let text = r["text"].as_str().expect("text");
            assert!(
                html.contains(&escape(text)),
                "{what}: the page lacks the reason {text:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_issue_examples_over_http() {
    let server = start_with(all_records()).await;

    // A 19-year-old man convicted of an internet offence: the internet programme, one-to-one
    // only; the groupwork programme is 21+.
    let man = man_19_convicted();
    let answer = api(&server, &man.json).await;
    let internet = result(&answer, INTERNET);
    assert_eq!(internet["status"], "eligible", "{internet:#}");
    assert_eq!(internet["formats"], json!(["individual_work"]));
    assert!(
        reason(internet, "age").contains("one-to-one fits"),
        "{internet:#}"
    );
    let northumbria = result(&answer, NORTHUMBRIA);
    assert_eq!(northumbria["status"], "ineligible");
    assert_eq!(failing(northumbria), ["age"]);
    assert_eq!(reason(northumbria, "age"), "19: the service takes 21+");
    assert_eq!(northumbria["formats"], json!([]));
    assert_eq!(answer["results"][0]["slug"], INTERNET, "eligible first");
    assert_eq!(answer["counts"]["eligible"], 1);
    assert_eq!(answer["limit"], 50);

    // A 30-year-old woman worried about her thoughts: StopSO, and the anonymous helpline;
    // the conviction-only programmes are closed, saying why.
    let woman = woman_30_thoughts();
    let answer = api(&server, &woman.json).await;
    let stopso = result(&answer, STOPSO);
    assert!(
        ["eligible", "possibly_eligible"].contains(&stopso["status"].as_str().unwrap_or("")),
        "{stopso:#}"
    );
    assert!(failing(stopso).is_empty());
    for slug in [INTERNET, NORTHUMBRIA] {
        let r = result(&answer, slug);
        assert_eq!(r["status"], "ineligible", "{slug}");
        let fails = failing(r);
        assert!(
            fails.contains(&"justice_stage".to_string()),
            "{slug}: {fails:?}"
        );
        assert!(fails.contains(&"gender".to_string()), "{slug}: {fails:?}");
        assert!(
            reason(r, "justice_stage").starts_with("Only for people convicted of an offence"),
            "{slug}"
        );
    }
    assert_eq!(result(&answer, HELPLINE)["status"], "eligible");
    assert_eq!(
        slugs_with(&answer, "helplines", None),
        [HELPLINE.to_string()].into()
    );
    assert_eq!(answer["relaxations"], json!([]));

    // The partner of an arrested man: the family service and StopSO (which takes family
    // members); the programmes for the men themselves are closed to her.
    let partner = partner_of_arrested_man();
    let answer = api(&server, &partner.json).await;
    assert_eq!(result(&answer, FAMILY)["status"], "possibly_eligible");
    assert!(failing(result(&answer, FAMILY)).is_empty());
    assert_eq!(result(&answer, STOPSO)["status"], "possibly_eligible");
    for slug in [INTERNET, NORTHUMBRIA, HELPLINE] {
        let r = result(&answer, slug);
        assert_eq!(r["status"], "ineligible", "{slug}");
    }
    assert!(failing(result(&answer, INTERNET)).contains(&"asking_for".to_string()));
    // Breaking the Links does not say whom it takes enquiries from: not known, not "no".
    assert_eq!(result(&answer, BREAKING)["status"], "possibly_eligible");
}

#[tokio::test]
async fn the_forms_and_the_api_agree() {
    let server = start_with(all_records()).await;
    for case in [
        man_19_convicted(),
        woman_30_thoughts(),
        partner_of_arrested_man(),
        woman_convicted_via_professional(),
        Case {
            what: "nothing said",
            json: json!({}),
            form: vec![],
        },
    ] {
        let answer = api(&server, &case.json).await;
        let (status, html) =
            page(post_form(&server, "/signpost", &case.form).await, case.what).await;
        assert_eq!(status, StatusCode::OK, "{}: {html}", case.what);
        assert_agree(case.what, &answer, &html);
        // The notice comes before any service.
        let notice = html
            .find("class=\"notice signpost-notice\"")
            .expect("the notice");
        let first_service = html.find("href=\"/interventions/").expect("a service");
        assert!(
            notice < first_service,
            "{}: the notice is not first",
            case.what
        );
        assert!(
            html.contains("<a href=\"/signpost\">Start again</a>"),
            "{}",
            case.what
        );
    }

    // The self-help form says "for myself", and "no contact with the police" with only
    // thoughts ticked is no involvement with the justice system.
    let answer = api(&server, &woman_30_thoughts().json).await;
    let (status, html) = page(
        post_form(
            &server,
            "/help",
            &[
                ("age", "30"),
                ("gender", "female"),
                ("situations", "sexual_thoughts"),
                ("police", "no"),
                ("country", "GB"),
                ("language", "en"),
                ("needs_anonymity", ""),
                ("remote_only", ""),
            ],
        )
        .await,
        "/help",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_agree("the self-help form", &answer, &html);
    assert!(html.contains("<a href=\"/help\">Start again</a>"));
    assert!(html.contains("Services that may be able to help you"));
}

#[tokio::test]
async fn the_answer_page_groups_explains_and_collapses() {
    let server = start_with(all_records()).await;
    let (_, html) = page(
        post_form(&server, "/signpost", &man_19_convicted().form).await,
        "man",
    )
    .await;
    // Eligible, with the formats that fit; not eligible collapsed, with the reasons.
    let eligible = section(&html, "aria-labelledby=\"eligible-heading\"", "</section>")
        .expect("the eligible group");
    assert!(eligible.contains("Eligible <span class=\"count\">(1)</span>"));
    assert!(eligible.contains("<strong>Formats that fit:</strong> Individual work"));
    assert!(eligible.contains("<strong>Age: Fits.</strong> 19: the one-to-one format takes 17+"));
    assert!(eligible.contains("Requires an IQ of 80 or more"));
    let ineligible = section(
        &html,
        "aria-labelledby=\"ineligible-heading\"",
        "</section>",
    )
    .expect("the ineligible group");
    let details = ineligible.find("<details>").expect("collapsed");
    let northumbria = ineligible.find(NORTHUMBRIA).expect("northumbria");
    assert!(details < northumbria);
    assert!(ineligible.contains("<strong>Age: Does not fit.</strong> 19: the service takes 21+"));
    assert!(
        !html.contains("possibly_eligible-heading"),
        "no empty group"
    );
    assert!(!html.contains("No service fits"));
    // The answers given, for the record, and links that carry none of them.
    assert!(html.contains("<dt>Age</dt><dd>19</dd>"));
    assert!(html.contains("<dt>Justice stage</dt><dd>Convicted, in the community</dd>"));
    assert!(html.contains("<title>Services that may fit – Preventory</title>"));
    assert!(html.contains("aria-current=\"page\">Find a service</a>"));
}

#[tokio::test]
async fn nothing_fitting_is_explained_with_what_would_change_it() {
    // Every service fails; two on gender alone, one on who is asking alone.
    let server = start_with(all_records()).await;
    let case = woman_convicted_via_professional();
    let answer = api(&server, &case.json).await;
    assert_eq!(answer["counts"]["eligible"], 0);
    assert_eq!(answer["counts"]["possibly_eligible"], 0);
    let relaxations = answer["relaxations"].as_array().expect("relaxations");
    let gender = relaxations
        .iter()
        .find(|r| r["criterion"] == "gender")
        .expect("a gender relaxation");
    assert_eq!(gender["text"], "If gender were not a barrier");
    let opened: BTreeSet<&str> = gender["services"]
        .as_array()
        .expect("services")
        .iter()
        .filter_map(|s| s["slug"].as_str())
        .collect();
    assert_eq!(opened, [INTERNET, NORTHUMBRIA].into());
    assert_eq!(answer["helplines"], json!([]));

    let (_, html) = page(post_form(&server, "/signpost", &case.form).await, case.what).await;
    let part = section(&html, "<section class=\"nothing-fits\"", "</section>").expect("explained");
    assert!(part.contains("No service fits these answers"));
    assert!(part.contains("If gender were not a barrier:"));
    assert!(part.contains(&format!("<a href=\"/interventions/{INTERNET}\">")));
    assert!(part.contains("If who is asking were not a barrier:"));
    assert!(part.contains(&format!("<a href=\"/interventions/{STOPSO}\">StopSO</a> (")));
    assert!(
        !html.contains("class=\"helplines\""),
        "no helpline takes her"
    );

    // With only the two conviction programmes, a partner fails each on two counts: an
    // explained empty answer, and no single change would help.
    let programmes: Vec<Intervention> = examples()
        .into_iter()
        .filter(|r| r.slug == INTERNET || r.slug == NORTHUMBRIA)
        .collect();
    let server = start_with(programmes).await;
    let partner = partner_of_arrested_man();
    let answer = api(&server, &partner.json).await;
    assert_eq!(
        answer["counts"],
        json!({"eligible": 0, "possibly_eligible": 0, "ineligible": 2})
    );
    assert_eq!(answer["relaxations"], json!([]));
    let (_, html) = page(
        post_form(&server, "/signpost", &partner.form).await,
        "partner",
    )
    .await;
    assert!(html.contains("No service fits these answers"));
    assert!(html.contains("No single answer stands in the way"));
    let (_, html) = page(
        post_form(
            &server,
            "/help",
            &[("situations", "contact_offending"), ("police", "no")],
        )
        .await,
        "self",
    )
    .await;
    assert!(html.contains("No service fits your answers"), "{html}");
}

#[tokio::test]
async fn helplines_are_shown_whenever_one_accepts_the_person() {
    let server = start_with(all_records()).await;
    // Someone asking for themselves, needing anonymity and help by phone or online only.
    let answer = api(
        &server,
        &json!({"asking_for": "self", "needs_anonymity": true, "remote_only": true, "country": "GB"}),
    )
    .await;
    assert_eq!(
        slugs_with(&answer, "helplines", None),
        [HELPLINE.to_string()].into()
    );
    let helpline = result(&answer, HELPLINE);
    assert_eq!(helpline["nearness"], "remote");
    assert_eq!(
        reason(helpline, "anonymity"),
        "Help is available without giving your name"
    );
    assert_eq!(result(&answer, INTERNET)["status"], "ineligible");
    let (_, html) = page(
        post_form(
            &server,
            "/help",
            &[
                ("needs_anonymity", "yes"),
                ("remote_only", "yes"),
                ("country", "GB"),
            ],
        )
        .await,
        "self",
    )
    .await;
    assert_agree("anonymous and remote", &answer, &html);
    let helplines =
        section(&html, "<section class=\"helplines\"", "</section>").expect("helplines");
    assert!(helplines.contains("Fictional Anonymous Helpline</a>: Phone, Online"));
}

#[tokio::test]
async fn mistakes_are_client_errors_naming_the_field() {
    let server = start_with(examples()).await;
    let problem = |response: reqwest::Response, what: String| async move {
        assert_privacy_headers(&what, &response);
        assert_no_store(&what, &response);
        assert_eq!(
            content_type(&response),
            "application/problem+json",
            "{what}"
        );
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("a problem document");
        assert_eq!(body["status"], status, "{what}");
        (
            status,
            body["detail"].as_str().unwrap_or_default().to_string(),
        )
    };
    for (body, field) in [
        (json!({"age": 19, "colour": "red"}), "colour"),
        (json!({"gender": "nonbinary"}), "gender"),
        (json!({"asking_for": "myself"}), "asking_for"),
        (
            json!({"situations": ["viewing_csam", "unknown"]}),
            "situations",
        ),
        (json!({"situations": "viewing_csam"}), "situations"),
        (json!({"justice_stage": "arrested"}), "justice_stage"),
        (json!({"country": "ZZ"}), "country"),
        (json!({"language": "english"}), "language"),
        (json!({"needs_anonymity": "yes"}), "needs_anonymity"),
        (json!({"remote_only": 1}), "remote_only"),
        (json!({"age": -1}), "age"),
        (json!({"age": 256}), "age"),
        (json!({"age": "19"}), "age"),
    ] {
        let (status, detail) =
            problem(post_json(&server, API, &body).await, body.to_string()).await;
        assert_eq!(status, 400, "{body}");
        assert!(detail.contains(&format!("`{field}`")), "{body}: {detail}");
    }
    let send = |body: &'static str, content_type: Option<&'static str>, path: &'static str| {
        let mut request = server.client.post(server.url(path)).body(body);
        if let Some(t) = content_type {
            request = request.header("content-type", t);
        }
        request.send()
    };
    for (body, content_type, path, status, words) in [
        (
            "{\"age\": 19",
            Some("application/json"),
            API,
            400,
            "not valid JSON",
        ),
        (
            "[]",
            Some("application/json"),
            API,
            400,
            "must be a JSON object",
        ),
        ("{}", Some("text/plain"), API, 415, "application/json"),
        ("{}", None, API, 415, "application/json"),
        (
            "age=19",
            Some("application/x-www-form-urlencoded"),
            API,
            415,
            "application/json",
        ),
        (
            "{}",
            Some("application/json"),
            "/api/v1/signpost?age=19",
            400,
            "no query parameters",
        ),
    ] {
        let response = send(body, content_type, path).await.expect("send");
        let (got, detail) = problem(response, format!("{path} {content_type:?} {body}")).await;
        assert_eq!(got, status, "{body}: {detail}");
        assert!(detail.contains(words), "{body}: {detail}");
    }
    // Too large: the limit is 16 KiB.
    let big = json!({ "situations": vec!["viewing_csam"; 2_000] });
    let (status, _) = problem(post_json(&server, API, &big).await, "large".into()).await;
    assert_eq!(status, 413);
    // Asked for with GET: 405, and nothing said about the profile.
    let response = server.get(API).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(content_type(&response), "application/problem+json");

    // The forms: a value no page sends is a 400 page; a body that is not a form is a 415.
    for (path, pairs) in [
        ("/signpost", vec![("gender", "other")]),
        ("/signpost", vec![("justice_stage", "arrested")]),
        ("/help", vec![("police", "none")]),
        ("/help", vec![("country", "GB"), ("country", "DE")]),
    ] {
        let (status, html) = page(post_form(&server, path, &pairs).await, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {pairs:?}");
        assert!(html.contains("The form could not be read"), "{html}");
    }
    let response = send("{}", Some("application/json"), "/signpost")
        .await
        .expect("send");
    let (status, html) = page(response, "json to the form").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(html.contains("That request is in the wrong format"));
}

#[tokio::test]
async fn a_bad_age_shows_the_form_again_with_the_answers_kept() {
    let server = start_with(examples()).await;
    let (status, html) = page(
        post_form(
            &server,
            "/signpost",
            &[
                ("age", "nineteen"),
                ("gender", "male"),
                ("situations", "viewing_csam"),
                ("situations", "contact_offending"),
                ("country", "IE"),
            ],
        )
        .await,
        "bad age",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("<title>Error: Find a service – Preventory</title>"));
    assert!(html.contains("<h2 id=\"error-summary-title\">There is a problem</h2>"));
    assert!(html.contains("<a href=\"#age\">Enter the age as a whole number"));
    assert!(html.contains("value=\"nineteen\""));
    assert!(html.contains("aria-describedby=\"age-hint age-error\" aria-invalid=\"true\""));
    assert!(html.contains("name=\"gender\" value=\"male\" checked>"));
    assert!(html.contains("name=\"situations\" value=\"viewing_csam\" checked>"));
    assert!(html.contains("name=\"situations\" value=\"contact_offending\" checked>"));
    assert!(html.contains("name=\"situations\" value=\"sexual_thoughts\">"));
    let country = section(&html, "<select id=\"country\"", "</select>").expect("country");
    assert!(country.contains("<option value=\"IE\" selected>Ireland</option>"));
    assert!(!country.contains("<option value=\"\" selected>"));
    let language = section(&html, "<select id=\"language\"", "</select>").expect("language");
    assert!(language.contains("<option value=\"\" selected>"));
}

#[tokio::test]
async fn the_forms_ask_without_presuming() {
    let server = start_with(examples()).await;
    for (path, title, unknown) in [
        (
            "/signpost",
            "Find a service",
            "Not known or prefer not to say",
        ),
        ("/help", "Find help for yourself", "I&#39;d rather not say"),
    ] {
        let (status, html) = page(server.get(path).await, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{path}");
        assert!(
            html.contains(&format!("<form class=\"signpost-form\" action=\"{path}\" method=\"post\" autocomplete=\"off\"")),
            "{path}: a POST form"
        );
        // Nothing is ticked or chosen but "not known".
        for line in html
            .lines()
            .filter(|l| l.contains(" checked") || l.contains(" selected"))
        {
            assert!(line.contains("value=\"\""), "{path}: {line}");
        }
        assert!(html.contains(unknown), "{path}");
        assert!(!html.contains("type=\"checkbox\" id=\"situations-1\" name=\"situations\" value=\"sexual_thoughts\" checked"));
        // Every input has a label; every group a legend.
        let inputs = html.matches("<input ").count();
        let labels = html.matches("<label for=").count();
        assert!(
            inputs > 10 && labels >= inputs,
            "{path}: {inputs} inputs, {labels} labels"
        );
        assert_eq!(
            html.matches("<fieldset").count(),
            html.matches("<legend>").count()
        );
        // The exit link, as on every page.
        assert!(html.contains("Exit this page</a>"), "{path}");
    }
    let (_, html) = page(server.get("/help").await, "/help").await;
    assert!(html.contains("Nothing you enter is stored, and you do not need an account"));
    assert!(html.contains(
        "<legend>Have you been in contact with the police or courts about this?</legend>"
    ));
    assert!(html.contains("href=\"/search?q=help+for+me\""));
    assert!(html.contains("Use the <a href=\"/signpost\">full form</a>"));
    assert!(
        !html.contains("name=\"asking_for\""),
        "the self-help form does not ask"
    );
    let (_, html) = page(server.get("/signpost").await, "/signpost").await;
    for name in [
        "age",
        "gender",
        "asking_for",
        "situations",
        "justice_stage",
        "country",
        "language",
        "needs_anonymity",
        "remote_only",
    ] {
        assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
    }

    // The navigation and the home page lead here.
    let home = server.get("/").await.text().await.expect("home");
    assert!(home.contains("<li><a href=\"/signpost\">Find a service</a></li>"));
    let self_help =
        section(&home, "<section class=\"self-help\"", "</section>").expect("self-help");
    assert!(self_help.contains("<a href=\"/help\">"), "{self_help}");
}

#[tokio::test]
async fn hostile_records_are_escaped_on_the_answer_page() {
    let server = start_with(vec![hostile(), anonymous_helpline()]).await;
    let (status, html) = page(post_form(&server, "/signpost", &[]).await, "hostile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(HOSTILE_SCRIPT));
    assert!(!html.contains("<img"));
    assert!(html.contains(&escape(&hostile().title)));
}
