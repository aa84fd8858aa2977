//! Ratings that explain themselves, over real HTTP on loopback: the record page and
//! `GET /api/v1/interventions/{slug}/evidence` show the rating a record carries beside the
//! rating its recorded studies suggest, with the reasons, the next step, warnings of harm or
//! no effect, the evidence per outcome, the studies, and any difference with its explanation.
//!
//! The expected words come from the core's rule engine, so the tests check that the web shows
//! what the engine says, escaped, and hides nothing.

mod common;

use common::{
    assert_privacy_headers, content_type, start_with, TestServer, HOSTILE_ATTR, HOSTILE_SCRIPT,
};
use preventory_core::evidence::{
    compare, Direction, Magnitude, Outcome, OutcomeKind, Study, StudyDesign, StudyQuality,
    StudyScope,
};
use preventory_core::{Intervention, Rating, Term, Vocabulary};
use serde_json::{json, Value};

/// The example records, with their curated studies.
fn examples() -> Vec<Intervention> {
    preventory_formats::examples::records()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(_, record)| record)
        .collect()
}

fn example(slug: &str) -> Intervention {
    examples()
        .into_iter()
        .find(|r| r.slug == slug)
        .unwrap_or_else(|| panic!("no example {slug}"))
}

/// The two example records that carry curated studies.
const EXAMPLES_WITH_STUDIES: [&str; 2] = [
    "internet-sex-offender-treatment-programme",
    "northumbria-sex-offender-groupwork-programme",
];

fn outcome(kind: OutcomeKind, direction: Direction, significant: Option<bool>) -> Outcome {
    let mut o = Outcome::new(Term::Known(kind), direction);
    o.significant = significant;
    o
}

/// A fictional randomised trial of high quality.
fn trial(id: &str, outcomes: Vec<Outcome>) -> Study {
    let mut study = Study::new(
        id,
        format!("Fictional, A. & Example, B. ({id}). A fictional randomised trial. Journal of Fictional Trials, 1, 1–10."),
        StudyDesign::Rct,
    );
    study.quality = Some(StudyQuality::High);
    study.quality_note = Some("Fictional: randomised, with low attrition.".into());
    study.sample_size = Some(240);
    study.follow_up_months = Some(12);
    study.population = Some("Fictional parents of primary school children".into());
    study.summary = Some("Fictional findings, for tests only.".into());
    study.outcomes = outcomes;
    study
}

/// Two good trials with significant positive results (so the studies suggest Effective), one
/// of which also found a significant negative result: a sign of harm that must show anyway.
fn fictional_trial_programme() -> Intervention {
    let mut knowledge = outcome(OutcomeKind::Knowledge, Direction::Positive, Some(true));
    knowledge.magnitude = Some(Magnitude::Moderate);
    knowledge.effect_size = Some("d = 0.45 (fictional)".into());
    let mut harm = outcome(OutcomeKind::Disclosure, Direction::Negative, Some(true));
    harm.effect_size = Some("Fewer disclosures in the programme group (fictional)".into());
    Intervention {
        slug: "fictional-trial-programme".into(),
        title: "Fictional Trial Programme".into(),
        rating: Some(Rating::Effective),
        studies: vec![
            trial("fictional-trial-2020", vec![knowledge]),
            trial(
                "fictional-trial-2022",
                vec![
                    outcome(OutcomeKind::Knowledge, Direction::Positive, Some(true)),
                    harm,
                ],
            ),
        ],
        ..Intervention::default()
    }
}

/// Rated Promising by the editors, with their reason, while its one recorded study (a
/// pre/post study) supports Prudent.
fn fictional_pilot_programme() -> Intervention {
    let mut study = Study::new(
        "fictional-prepost-2021",
        "Sample, C. (2021). A fictional pre/post study. Fictional Reports, 2.",
        StudyDesign::UncontrolledCohort,
    );
    study.quality = Some(StudyQuality::Moderate);
    study
        .outcomes
        .push(outcome(OutcomeKind::HelpSeeking, Direction::Positive, None));
    Intervention {
        slug: "fictional-pilot-programme".into(),
        title: "Fictional Pilot Programme".into(),
        rating: Some(Rating::Promising),
        rating_justification: Some(
            "Fictional: rated on a controlled evaluation that is not yet entered here.".into(),
        ),
        studies: vec![study],
        ..Intervention::default()
    }
}

fn hostile(field: &str) -> String {
    format!("{field} {HOSTILE_SCRIPT} {HOSTILE_ATTR}")
}

/// Hostile text in every text field of a study, and in the editors' reason.
fn fictional_hostile_study() -> Intervention {
    let mut study = Study::new(
        hostile("id"),
        hostile("reference"),
        StudyDesign::ControlledCohort,
    );
    study.population = Some(hostile("population"));
    study.quality = Some(StudyQuality::Low);
    study.quality_note = Some(hostile("quality note"));
    study.summary = Some(hostile("summary"));
    let mut o = Outcome::new(Term::Other(hostile("outcome")), Direction::Mixed);
    o.effect_size = Some(hostile("effect"));
    o.note = Some(hostile("note"));
    study.outcomes.push(o);
    Intervention {
        slug: "fictional-hostile-study".into(),
        title: "Fictional Hostile Study Programme".into(),
        rating: Some(Rating::Promising),
        rating_justification: Some(hostile("justification")),
        studies: vec![study],
        ..Intervention::default()
    }
}

fn records() -> Vec<Intervention> {
    let mut records = examples();
    records.extend([
        fictional_trial_programme(),
        fictional_pilot_programme(),
        fictional_hostile_study(),
        common::helpline_one(),
        common::group_programme_two(),
    ]);
    records
}

/// `text` as askama writes it into HTML.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

async fn page(server: &TestServer, slug: &str) -> String {
    let path = format!("/interventions/{slug}");
    let response = server.get(&path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    assert_eq!(
        content_type(&response),
        "text/html; charset=utf-8",
        "{path}"
    );
    assert_privacy_headers(&path, &response);
    response.text().await.expect("body")
}

async fn evidence_json(server: &TestServer, slug: &str) -> Value {
    let path = format!("/api/v1/interventions/{slug}/evidence");
    let response = server.get(&path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    assert_eq!(content_type(&response), "application/json", "{path}");
    assert_privacy_headers(&path, &response);
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

/// The part of `html` from `start` to the next `end` (inclusive).
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let rest = &html[from..];
    let to = rest.find(end).map_or(rest.len(), |i| i + end.len());
    &rest[..to]
}

/// The "Evidence rating" section, up to the next `<h2>`.
fn rating_area(html: &str) -> &str {
    let from = html
        .find("<h2 id=\"evidence-rating\">")
        .expect("evidence rating heading");
    let rest = &html[from + 1..];
    let to = rest.find("<h2").unwrap_or(rest.len());
    &html[from..from + 1 + to]
}

/// The detailed "Evidence from the recorded studies" section, up to the next `<h2>`.
fn evidence_area(html: &str) -> &str {
    let from = html.find("<h2 id=\"evidence\">").expect("evidence heading");
    let rest = &html[from + 1..];
    let to = rest.find("<h2").unwrap_or(rest.len());
    &html[from..from + 1 + to]
}

#[tokio::test]
async fn example_pages_show_the_suggestion_reasons_and_the_difference() {
    let server = start_with(records()).await;
    for slug in EXAMPLES_WITH_STUDIES {
        let record = example(slug);
        let assessment = record.assessment();
        let suggested = assessment.suggested.expect("the examples suggest a rating");
        assert_eq!(record.rating, Some(Rating::Promising), "{slug}");
        assert_ne!(record.rating, Some(suggested), "{slug}: the premise");
        let html = page(&server, slug).await;
        let top = rating_area(&html);

        // The given rating and, beside it, the suggestion with its criterion and level.
        assert!(top.contains("Rating in the database"), "{slug}");
        assert!(
            top.contains("<span class=\"badge badge-promising\"><span class=\"visually-hidden\">Evidence rating: </span>Promising</span>"),
            "{slug}"
        );
        assert!(
            top.contains("Suggested by the studies recorded here"),
            "{slug}"
        );
        assert!(
            top.contains(&format!(
                "<span class=\"badge badge-{}\"><span class=\"visually-hidden\">Suggested rating: </span>{}</span>",
                suggested.id(),
                suggested.label()
            )),
            "{slug}: suggested badge"
        );
        assert!(top.contains(&escaped(suggested.criterion())), "{slug}");
        let level = assessment.evidence_level.expect("a design");
        assert!(
            top.contains(&format!(
                "Strongest design recorded: {} (level {} of 5",
                escaped(level.label()),
                level.level()
            )),
            "{slug}: evidence level"
        );

        // The difference, explained by the engine's own words; no reason was given.
        let difference = compare(record.rating, &assessment).expect("a difference");
        assert!(
            top.contains("The rating differs from the suggestion"),
            "{slug}"
        );
        assert!(top.contains(&escaped(&difference.text)), "{slug}");
        assert!(
            top.contains("The editors have not recorded a reason for the difference."),
            "{slug}"
        );

        // Warnings sit beside the rating, before the detailed section.
        assert!(!assessment.warnings.is_empty(), "{slug}: the premise");
        for warning in &assessment.warnings {
            assert!(top.contains(&escaped(&warning.text)), "{slug}: warning");
        }

        // Every reason, the next step, the outcome table and every study, in the detail.
        let detail = evidence_area(&html);
        for reason in &assessment.reasons {
            assert!(
                detail.contains(&format!("<li>{}</li>", escaped(&reason.text))),
                "{slug}: reason {:?}",
                reason.text
            );
        }
        let next = assessment.next_step.as_deref().expect("a next step");
        assert!(
            detail.contains("What is missing for the next level"),
            "{slug}"
        );
        assert!(detail.contains(&escaped(next)), "{slug}");
        assert!(
            detail.contains(
                "<caption id=\"outcomes-caption\">Evidence for each outcome measured</caption>"
            ),
            "{slug}"
        );
        for outcome in &assessment.outcomes {
            assert!(
                detail.contains(&format!(
                    "<th scope=\"row\">{}</th>",
                    escaped(outcome.outcome.label())
                )),
                "{slug}: outcome row {}",
                outcome.outcome
            );
        }
        assert!(detail.contains("<th scope=\"col\">Amount of evidence</th>"));
        assert!(detail.contains("<th scope=\"col\">Size of the effect, as reported</th>"));
        for study in &record.studies {
            assert!(
                detail.contains(&escaped(&study.reference)),
                "{slug}: study {}",
                study.id
            );
            if let Some(note) = &study.quality_note {
                assert!(detail.contains(&escaped(note)), "{slug}: quality note");
            }
        }
        // Evidence for the approach the programme follows is said to be so.
        let about_approach = record
            .studies
            .iter()
            .filter(|s| s.evaluates == StudyScope::GeneralApproach)
            .count();
        assert!(about_approach > 0, "{slug}: the premise");
        assert_eq!(
            detail
                .matches("<dt>What it evaluated</dt><dd>The general approach this intervention follows, not the intervention itself</dd>")
                .count(),
            about_approach,
            "{slug}"
        );
        // Effects as reported, by study, kept in their own column.
        assert!(detail.contains(&escaped(
            "hanson-2009: 10.9% vs 19.2% sexual reconviction (an eight percentage point difference, a relative 43% reduction)"
        )));
        // The page never raises an alarm by itself on load.
        assert_eq!(html.matches("role=\"alert\"").count(), 1, "{slug}");
    }
}

#[tokio::test]
async fn a_harmful_result_is_shown_even_when_the_studies_suggest_effective() {
    let record = fictional_trial_programme();
    let assessment = record.assessment();
    assert_eq!(assessment.suggested, Some(Rating::Effective), "the premise");
    let server = start_with(records()).await;

    let html = page(&server, &record.slug).await;
    let top = rating_area(&html);
    assert!(top.contains("badge-effective\"><span class=\"visually-hidden\">Suggested rating: </span>Effective</span>"));
    // The notice has a heading and says what was found, by which study, with the effect.
    let notice = between(
        top,
        "<section class=\"notice notice-warning\"",
        "</section>",
    );
    assert!(notice.contains("aria-labelledby=\"evidence-warnings\""));
    assert!(notice.contains(
        "<h3 id=\"evidence-warnings\">Warning: a recorded study found signs of harm</h3>"
    ));
    assert!(notice.contains("<strong>Harm:</strong> fictional-trial-2022: a significant negative effect on disclosure — a sign of harm (Fewer disclosures in the programme group (fictional))"));
    assert!(!notice.contains("role=\"alert\""));
    // The given and suggested ratings agree, so there is no difference to explain.
    assert!(!top.contains("The rating differs from the suggestion"));
    assert!(
        top.contains("<p>The rating in the database is the one the recorded studies suggest.</p>")
    );
    // Amount of evidence and size of the effect stay in separate columns.
    let table = between(&html, "<table class=\"data-table outcomes\">", "</table>");
    let knowledge = between(table, "<th scope=\"row\">Knowledge</th>", "</tr>");
    assert!(
        knowledge.contains("<td>Several studies (2)</td>"),
        "{knowledge}"
    );
    assert!(
        knowledge.contains("<li>Positive, significant: 2</li>"),
        "{knowledge}"
    );
    assert!(
        knowledge.contains("<li>Described as moderate</li>"),
        "{knowledge}"
    );
    assert!(knowledge.contains("<li>fictional-trial-2020: d = 0.45 (fictional)</li>"));
    let disclosure = between(table, "<th scope=\"row\">Disclosure</th>", "</tr>");
    assert!(disclosure.contains("<td>One study</td>"), "{disclosure}");
    assert!(disclosure.contains("<li>Negative: 1</li>"), "{disclosure}");
    // The studies list every fact recorded.
    let detail = evidence_area(&html);
    for fact in [
        "<dt>What it evaluated</dt><dd>This intervention</dd>",
        "<dt>Design</dt><dd>Randomised controlled trial</dd>",
        "<dt>Meta-analysis</dt><dd>No</dd>",
        "<dt>Participants</dt><dd>240</dd>",
        "<dt>Country</dt><dd>Not stated</dd>",
        "<dt>Population</dt><dd>Fictional parents of primary school children</dd>",
        "<dt>Follow-up</dt><dd>12 months</dd>",
        "<dt>Quality</dt><dd>High. Fictional: randomised, with low attrition.</dd>",
        "<dt>Summary</dt><dd>Fictional findings, for tests only.</dd>",
        "<strong>Disclosure:</strong> Negative, significant; effect as reported: Fewer disclosures in the programme group (fictional)</li>",
        "<strong>Knowledge:</strong> Positive, significant; size described as Moderate; effect as reported: d = 0.45 (fictional)</li>",
    ] {
        assert!(detail.contains(fact), "no {fact:?}");
    }
    assert!(
        !detail.contains("What is missing for the next level"),
        "Effective is the top"
    );

    // The API carries the same warning, apart from the suggestion.
    let body = evidence_json(&server, &record.slug).await;
    assert_eq!(body["suggested"], "effective");
    assert_eq!(body["rating"], "effective");
    assert_eq!(body["difference"], Value::Null);
    assert_eq!(
        body["warnings"],
        json!([{
            "kind": "harm",
            "study": "fictional-trial-2022",
            "outcome": "disclosure",
            "text": "fictional-trial-2022: a significant negative effect on disclosure — a sign of harm (Fewer disclosures in the programme group (fictional))",
        }])
    );
}

#[tokio::test]
async fn a_difference_is_explained_with_the_editors_reason() {
    let record = fictional_pilot_programme();
    let assessment = record.assessment();
    assert_eq!(assessment.suggested, Some(Rating::Prudent), "the premise");
    let difference = compare(record.rating, &assessment).expect("a difference");
    let server = start_with(records()).await;

    let html = page(&server, &record.slug).await;
    let top = rating_area(&html);
    let notice = between(
        top,
        "<section class=\"notice notice-difference\"",
        "</section>",
    );
    assert!(
        notice.contains("<h3 id=\"rating-difference\">The rating differs from the suggestion</h3>")
    );
    assert!(notice.contains(&format!("<p>{}</p>", escaped(&difference.text))));
    assert!(notice.contains("<p><strong>Reason given by the editors:</strong> Fictional: rated on a controlled evaluation that is not yet entered here.</p>"));
    assert!(!notice.contains("have not recorded a reason"));
    assert!(!top.contains("notice-warning"), "no warning to show");

    let body = evidence_json(&server, &record.slug).await;
    assert_eq!(body["rating"], "promising");
    assert_eq!(body["suggested"], "prudent");
    assert_eq!(
        body["difference"],
        json!({ "given": "promising", "suggested": "prudent", "text": difference.text })
    );
    assert_eq!(
        body["rating_justification"],
        "Fictional: rated on a controlled evaluation that is not yet entered here."
    );
}

#[tokio::test]
async fn a_reason_given_without_a_difference_is_shown_too() {
    let mut record = fictional_trial_programme();
    record.rating_justification = Some("Fictional: checked against the full reports.".into());
    let server = start_with(vec![record]).await;
    let html = page(&server, "fictional-trial-programme").await;
    let top = rating_area(&html);
    assert!(!top.contains("The rating differs"));
    assert!(top.contains("<p class=\"justification\"><strong>Reason given by the editors:</strong> Fictional: checked against the full reports.</p>"));
}

#[tokio::test]
async fn records_without_studies_say_so() {
    let server = start_with(records()).await;

    // Rated, but nothing recorded to check the rating against: a difference, shown.
    let html = page(&server, "fictional-helpline-one").await;
    let top = rating_area(&html);
    assert!(top.contains("badge-promising"));
    assert!(top.contains("<span class=\"badge badge-unrated\"><span class=\"visually-hidden\">Suggested rating: </span>Not rated</span>"));
    assert!(
        top.contains("No studies are recorded here yet, so no rating can be suggested from them.")
    );
    assert!(top.contains("The database rated it Promising; no studies are recorded here yet, so the rating cannot be checked against them."));
    assert!(!top.contains("Strongest design recorded"));
    let detail = evidence_area(&html);
    assert!(detail.contains("<p>No studies are recorded here yet.</p>"));
    assert!(detail.contains("<li>No studies are recorded — not rated</li>"));
    assert!(!detail.contains("<table"));

    // Not rated, and nothing recorded: both states shown, no difference.
    let html = page(&server, "fictional-group-programme-two").await;
    let top = rating_area(&html);
    assert!(top.contains("This intervention has not yet been rated against the evidence criteria."));
    assert!(
        top.contains("No studies are recorded here yet, so no rating can be suggested from them.")
    );
    assert!(!top.contains("The rating differs"));
    assert!(!top.contains("is the one the recorded studies suggest"));

    let body = evidence_json(&server, "fictional-group-programme-two").await;
    let assessment = common::group_programme_two().assessment();
    assert_eq!(
        body,
        json!({
            "slug": "fictional-group-programme-two",
            "rating": null,
            "suggested": null,
            "evidence_level": null,
            "reasons": [{
                "study": null,
                "supports": null,
                "shortfalls": [],
                "text": "No studies are recorded — not rated",
            }],
            "next_step": assessment.next_step,
            "warnings": [],
            "outcomes": [],
            "difference": null,
            "rating_justification": null,
        })
    );
}

#[tokio::test]
async fn the_api_sends_the_engines_assessment_for_every_record() {
    let records = records();
    let server = start_with(records.clone()).await;
    for record in &records {
        let public = record.public_view();
        let assessment = public.assessment();
        let expected = json!({
            "slug": public.slug,
            "rating": public.rating,
            "suggested": assessment.suggested,
            "evidence_level": assessment.evidence_level,
            "reasons": assessment.reasons,
            "next_step": assessment.next_step,
            "warnings": assessment.warnings,
            "outcomes": assessment.outcomes,
            "difference": compare(public.rating, &assessment),
            "rating_justification": public.rating_justification,
        });
        let body = evidence_json(&server, &record.slug).await;
        assert_eq!(body, expected, "{}", record.slug);
    }
    // Ids stay snake_case ids, never labels.
    let body = evidence_json(&server, "internet-sex-offender-treatment-programme").await;
    assert_eq!(body["rating"], "promising");
    assert_eq!(body["suggested"], "prudent");
    assert_eq!(body["evidence_level"], "controlled_cohort");
    assert_eq!(body["difference"]["given"], "promising");
    assert_eq!(body["outcomes"][0]["outcome"], "sexual_reoffending");
    assert_eq!(body["outcomes"][0]["amount"], "several_studies");
    assert!(body["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .any(|r| r["shortfalls"]
            .as_array()
            .is_some_and(|s| s.contains(&json!("low_quality")))));
    assert!(body["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .all(|w| w["kind"] == "no_effect"));

    // Unknown records are problem documents, as for the record itself.
    for path in [
        "/api/v1/interventions/no-such-record/evidence",
        "/api/v1/interventions/NOT_A_SLUG/evidence",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert_eq!(
            content_type(&response),
            "application/problem+json",
            "{path}"
        );
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["title"], "Not Found");
    }
}

#[tokio::test]
async fn hostile_study_text_is_escaped() {
    let server = start_with(vec![fictional_hostile_study()]).await;
    let html = page(&server, "fictional-hostile-study").await;
    assert!(!html.contains(HOSTILE_SCRIPT), "raw script");
    assert!(!html.contains("<img"), "raw image");
    assert!(!html.contains("onerror=alert(1)>"), "raw attribute");
    // The only scripts are the exit script and the JSON-LD block.
    assert_eq!(html.matches("<script").count(), 2);
    for field in [
        "reference",
        "population",
        "quality note",
        "summary",
        "outcome",
        "effect",
        "note",
        "justification",
        "id",
    ] {
        assert!(
            html.contains(&escaped(&hostile(field))),
            "{field} not shown escaped"
        );
    }
    // The warning about mixed results names the hostile outcome, escaped.
    let top = rating_area(&html);
    assert!(top.contains("notice-warning"));
    assert!(top.contains(&escaped(&hostile("outcome"))));

    // The API gives the text back as data.
    let body = evidence_json(&server, "fictional-hostile-study").await;
    assert_eq!(body["rating_justification"], hostile("justification"));
    assert_eq!(body["warnings"][0]["kind"], "mixed");
    assert_eq!(body["warnings"][0]["study"], hostile("id"));
    assert_eq!(
        body["warnings"][0]["outcome"],
        format!("other:{}", hostile("outcome"))
    );
}

#[tokio::test]
async fn the_evidence_reads_in_order_on_the_page() {
    let server = start_with(records()).await;
    let html = page(&server, "fictional-trial-programme").await;
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not on the page"))
    };
    // Rating, then (beside it) the suggestion, then the warning, before the detail.
    assert!(at("id=\"evidence-rating\"") < at("id=\"rating-given\""));
    assert!(at("id=\"rating-given\"") < at("id=\"rating-suggested\""));
    assert!(at("id=\"rating-suggested\"") < at("id=\"evidence-warnings\""));
    assert!(at("id=\"evidence-warnings\"") < at("<h2 id=\"evidence\">"));
    assert!(at("<h2 id=\"evidence\">") < at("id=\"evidence-reasons\""));
    assert!(at("id=\"evidence-reasons\"") < at("id=\"evidence-outcomes\""));
    assert!(at("id=\"evidence-outcomes\"") < at("id=\"evidence-studies\""));
    assert!(html.contains("<li><a href=\"#evidence\">Evidence from the recorded studies</a></li>"));
}
