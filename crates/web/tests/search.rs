//! Search over real HTTP on loopback: the results page, the API, facet counts checked against
//! SQL over the store's `facet_values` table, live updates from imports, and privacy.

mod common;

use common::*;
use preventory_core::{Facet, Intervention};
use preventory_store::{ImportItem, Store};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// The four example records of `data/examples/`, with their curated studies.
fn examples() -> Vec<Intervention> {
    preventory_formats::examples::records()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(_, record)| record)
        .collect()
}

async fn start_all() -> TestServer {
    let mut records = examples();
    records.extend([helpline_one(), group_programme_two(), hostile()]);
    start_with(records).await
}

async fn api(server: &TestServer, query: &str) -> (StatusCode, String, Value) {
    let path = format!("/api/v1/interventions?{query}");
    let response = server.get(&path).await;
    assert_privacy_headers(&path, &response);
    let status = response.status();
    let kind = content_type(&response);
    let body = response.text().await.expect("body");
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, kind, value)
}

async fn page(server: &TestServer, path: &str) -> (StatusCode, String) {
    let response = server.get(path).await;
    assert_privacy_headers(path, &response);
    assert_eq!(
        content_type(&response),
        "text/html; charset=utf-8",
        "{path}"
    );
    (response.status(), response.text().await.expect("body"))
}

fn slugs(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["slug"].as_str().expect("slug").to_string())
        .collect()
}

#[tokio::test]
async fn the_api_finds_records_by_word_synonym_and_typo() {
    let server = start_all().await;
    let isotp = "internet-sex-offender-treatment-programme";

    let (status, kind, body) = api(&server, "q=helpline").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/json");
    assert!(slugs(&body).contains(&"fictional-helpline-one".to_string()));
    let hit = &body["results"][0];
    for key in ["slug", "title", "summary", "rating", "snippet"] {
        assert!(hit.get(key).is_some(), "result lacks {key}");
    }
    for key in [
        "total",
        "results",
        "facets",
        "expanded_terms",
        "page",
        "per_page",
    ] {
        assert!(body.get(key).is_some(), "response lacks {key}");
    }
    assert!(hit["snippet"].as_str().expect("snippet").contains("<mark>"));

    let (_, _, body) = api(&server, "q=child+pornography").await;
    assert!(slugs(&body).contains(&isotp.to_string()), "{body}");
    let expanded: Vec<&str> = body["expanded_terms"]
        .as_array()
        .expect("expanded terms")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        expanded.contains(&"child sexual abuse material"),
        "{expanded:?}"
    );

    let (_, _, body) = api(&server, "q=progamme").await;
    assert!(slugs(&body).contains(&isotp.to_string()), "{body}");

    let (_, _, body) = api(&server, "q=zzzyxwv").await;
    assert_eq!(body["total"], 0);
    assert_eq!(body["results"], serde_json::json!([]));
}

/// Counts by facet and value computed by SQL over `facet_values`, disjunctively: a facet's
/// counts apply every filter but its own.
async fn sql_counts(
    server: &TestServer,
    filters: &BTreeMap<Facet, Vec<&str>>,
) -> BTreeMap<String, BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for facet in Facet::ALL {
        let mut sql =
            String::from("SELECT f.value, COUNT(*) FROM facet_values f WHERE f.facet = ?");
        let mut binds: Vec<String> = vec![facet.param().to_string()];
        for (other, values) in filters {
            if *other == facet || values.is_empty() {
                continue;
            }
            let marks = vec!["?"; values.len()].join(", ");
            sql.push_str(&format!(
                " AND f.intervention_id IN (SELECT intervention_id FROM facet_values \
                 WHERE facet = ? AND value IN ({marks}))"
            ));
            binds.push(other.param().to_string());
            binds.extend(values.iter().map(|v| v.to_string()));
        }
        sql.push_str(" GROUP BY f.value");
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let rows = query
            .fetch_all(server.store.pool())
            .await
            .expect("SQL counts");
        out.insert(facet.plural().to_string(), rows.into_iter().collect());
    }
    out
}

/// The API's counts without the zero entries, for comparison with SQL.
fn api_counts(body: &Value) -> BTreeMap<String, BTreeMap<String, i64>> {
    body["facets"]
        .as_object()
        .expect("facets")
        .iter()
        .map(|(facet, counts)| {
            let counts = counts
                .as_object()
                .expect("counts")
                .iter()
                .filter_map(|(id, n)| {
                    let n = n.as_i64().expect("count");
                    (n > 0).then(|| (id.clone(), n))
                })
                .collect();
            (facet.clone(), counts)
        })
        .collect()
}

#[tokio::test]
async fn facet_counts_match_sql_over_the_store() {
    let server = start_all().await;
    let cases: Vec<Vec<(Facet, &str)>> = vec![
        vec![],
        vec![(Facet::Gender, "male")],
        vec![(Facet::Gender, "male"), (Facet::Gender, "female")],
        vec![
            (Facet::TargetGroup, "potential_offenders"),
            (Facet::Language, "en"),
        ],
        vec![(Facet::Rating, "unrated")],
        vec![(Facet::Country, "GB"), (Facet::Delivery, "phone")],
    ];
    for case in cases {
        let mut filters: BTreeMap<Facet, Vec<&str>> = BTreeMap::new();
        let mut query = form_urlencoded_pairs(&case);
        for (facet, value) in &case {
            filters.entry(*facet).or_default().push(value);
        }
        query.push_str("&per_page=100");
        let (status, _, body) = api(&server, &query).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        let expected = sql_counts(&server, &filters).await;
        let mut got = api_counts(&body);
        got.retain(|_, counts| !counts.is_empty());
        let mut expected = expected;
        expected.retain(|_, counts| !counts.is_empty());
        assert_eq!(got, expected, "counts for {query}");
    }
}

fn form_urlencoded_pairs(pairs: &[(Facet, &str)]) -> String {
    pairs
        .iter()
        .map(|(f, v)| format!("{}={v}", f.param()))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn or_within_a_facet_and_across_facets() {
    let server = start_all().await;
    let set = |body: &Value| slugs(body).into_iter().collect::<BTreeSet<_>>();
    let (_, _, male) = api(&server, "gender=male&per_page=100").await;
    let (_, _, female) = api(&server, "gender=female&per_page=100").await;
    let (_, _, either) = api(&server, "gender=male&gender=female&per_page=100").await;
    let union: BTreeSet<String> = set(&male).union(&set(&female)).cloned().collect();
    assert_eq!(set(&either), union);
    assert_eq!(either["total"], union.len());

    let (_, _, english) = api(&server, "language=en&per_page=100").await;
    let (_, _, both) = api(&server, "gender=male&language=en&per_page=100").await;
    let intersection: BTreeSet<String> = set(&male).intersection(&set(&english)).cloned().collect();
    assert_eq!(set(&both), intersection);
    assert!(!intersection.is_empty());
}

#[tokio::test]
async fn paging_bounds_and_bad_parameters() {
    let server = start_all().await;
    let (_, _, all) = api(&server, "per_page=100").await;
    let total = all["total"].as_u64().expect("total") as usize;
    assert_eq!(total, 7);
    let mut seen = Vec::new();
    for p in 1..=4 {
        let (status, _, body) = api(&server, &format!("per_page=2&page={p}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["page"], p);
        assert_eq!(body["per_page"], 2);
        seen.extend(slugs(&body));
    }
    assert_eq!(seen, slugs(&all));
    let (status, _, beyond) = api(&server, "per_page=2&page=5").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(beyond["results"], serde_json::json!([]));
    assert_eq!(beyond["total"], 7);

    let long = "a".repeat(preventory_search::MAX_QUERY_CHARS + 1);
    for query in [
        "page=0".to_string(),
        "per_page=101".to_string(),
        "sort=xyz".to_string(),
        "colour=red".to_string(),
        "gender=nonsense".to_string(),
        "q=a&q=b".to_string(),
        format!("q={long}"),
    ] {
        let (status, kind, problem) = api(&server, &query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(kind, "application/problem+json", "{query}");
        assert_eq!(problem["status"], 400, "{query}");
        // Pages answer the same mistakes with a friendly page, never a 500.
        let (status, body) = page(&server, &format!("/search?{query}")).await;
        if query.starts_with("colour") {
            assert_eq!(
                status,
                StatusCode::OK,
                "{query}: pages ignore unknown names"
            );
        } else {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
            assert!(
                body.contains("That request could not be understood"),
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn the_results_page_shows_hits_facets_chips_and_pages() {
    let server = start_all().await;
    let (status, body) = page(&server, "/search?q=child+pornography").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Also searched: "), "{body}");
    assert!(body.contains("child sexual abuse material"));
    assert!(body.contains("href=\"/interventions/internet-sex-offender-treatment-programme\""));
    assert!(body.contains("<mark>"));
    assert!(body.contains("Information correct at"));
    // The search words are not in the title browsers keep in their history lists.
    assert!(body.contains("<title>Search results – Preventory</title>"));

    let (_, body) = page(&server, "/search?gender=male&language=en").await;
    assert!(
        body.contains("name=\"gender\" value=\"male\" checked"),
        "{body}"
    );
    assert!(
        body.contains("<a class=\"chip\" href=\"/search?language=en\">"),
        "{body}"
    );
    assert!(
        body.contains("<a class=\"chip\" href=\"/search?gender=male\">"),
        "{body}"
    );
    assert!(body.contains("facet-count"));

    let (_, body) = page(&server, "/search?per_page=2&page=2").await;
    assert!(body.contains("aria-current=\"page\""));
    assert!(
        body.contains("href=\"/search?per_page=2&#38;page=3\" rel=\"next\""),
        "{body}"
    );
    assert!(
        body.contains("href=\"/search?per_page=2\" rel=\"prev\""),
        "{body}"
    );

    let (_, body) = page(&server, "/search?q=zzzyxwv").await;
    assert!(body.contains("No interventions match your search."));

    let (status, body) = page(&server, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Worried about your own thoughts?"));
    assert!(body.contains("href=\"/search?q=help+for+me\""));
    assert!(body.contains("7 interventions"));
    let (status, body) = page(&server, "/search?q=help+for+me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.to_lowercase().contains("child pornography"));
}

#[tokio::test]
async fn hostile_text_stays_escaped_in_snippets() {
    let server = start_all().await;
    for path in [
        "/search?q=hostile",
        "/search?q=script+alert",
        "/search?q=summary",
    ] {
        let (status, body) = page(&server, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.contains("/interventions/hostile-record"),
            "{path}: no hit"
        );
        assert!(!body.contains(HOSTILE_SCRIPT), "{path}: live script");
        assert!(!body.contains("<img"), "{path}: live image");
        assert!(!body.contains("<a href=\"javascript"), "{path}: live link");
        let snippets: Vec<&str> = body.split("<p class=\"snippet\">").skip(1).collect();
        for snippet in snippets {
            let snippet = &snippet[..snippet.find("</p>").expect("end of snippet")];
            let stripped = snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !stripped.contains('<'),
                "{path}: markup in snippet {snippet}"
            );
        }
    }
}

#[tokio::test]
async fn an_import_while_serving_is_found_by_search() {
    let server = start_all().await;
    let (_, _, before) = api(&server, "q=zebrafinch").await;
    assert_eq!(before["total"], 0);
    let mut record = helpline_one();
    record.slug = "fictional-zebrafinch-service".into();
    record.title = "Fictional Zebrafinch Service".into();
    server
        .store
        .import(
            vec![ImportItem {
                record,
                source: "tests/search.rs".into(),
            }],
            "import",
        )
        .await
        .expect("import");
    let deadline = Instant::now() + preventory_web::INDEX_CHECK_INTERVAL * 5;
    loop {
        let (_, _, body) = api(&server, "q=zebrafinch").await;
        if body["total"] == 1 {
            assert_eq!(slugs(&body), ["fictional-zebrafinch-service"]);
            break;
        }
        assert!(Instant::now() < deadline, "the new record was never found");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The fictional helpline's slug, discontinued in the tests below.
const DISCONTINUED: &str = "fictional-helpline-one";

/// Discontinues `slug` as a fictional reviewer would, then waits until the search index has
/// seen the change (it asks the store at most once per `INDEX_CHECK_INTERVAL`).
async fn discontinue(server: &TestServer, slug: &str) {
    use preventory_core::accounts::{Email, Role};
    use preventory_core::lifecycle::Status;
    let email = staff::add_user(server, "fictional-reviewer", Role::Reviewer).await;
    let reviewer = server
        .store
        .find_user_by_email(&Email::parse(&email).expect("email"))
        .await
        .expect("read the account")
        .expect("the account");
    server
        .store
        .set_status(slug, Status::Discontinued, &reviewer.staff())
        .await
        .expect("discontinue");
    let deadline = Instant::now() + preventory_web::INDEX_CHECK_INTERVAL * 5;
    loop {
        let (_, _, body) = api(server, "include=discontinued&per_page=100").await;
        let marked = body["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|hit| hit["slug"] == slug && hit["status"] == "discontinued");
        if marked {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the status change was never seen"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_discontinued_service_is_left_out_of_the_api_unless_asked_for() {
    let server = start_all().await;
    let (_, _, before) = api(&server, "per_page=100").await;
    let all = before["total"].as_u64().expect("total");
    assert!(slugs(&before).contains(&DISCONTINUED.to_string()));
    let phone_before = before["facets"]["delivery"]["phone"]
        .as_u64()
        .expect("phone");
    assert!(before["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|hit| hit["status"] == "published"));

    discontinue(&server, DISCONTINUED).await;

    // Left out of results and counts by default.
    let (status, _, body) = api(&server, "per_page=100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"].as_u64(), Some(all - 1));
    assert!(!slugs(&body).contains(&DISCONTINUED.to_string()));
    assert_eq!(
        body["facets"]["delivery"]["phone"].as_u64(),
        Some(phone_before - 1)
    );
    let (_, _, body) = api(&server, "q=fictional+helpline").await;
    assert!(!slugs(&body).contains(&DISCONTINUED.to_string()), "{body}");

    // Asked for: listed, counted and marked; the others stay published.
    let (status, _, body) = api(&server, "include=discontinued&per_page=100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"].as_u64(), Some(all));
    assert_eq!(
        body["facets"]["delivery"]["phone"].as_u64(),
        Some(phone_before)
    );
    for hit in body["results"].as_array().expect("results") {
        let expected = if hit["slug"] == DISCONTINUED {
            "discontinued"
        } else {
            "published"
        };
        assert_eq!(hit["status"], expected, "{hit}");
    }
    let (_, _, body) = api(&server, "q=fictional+helpline&include=discontinued").await;
    assert_eq!(slugs(&body).first().map(String::as_str), Some(DISCONTINUED));

    // Any other value, or the parameter twice, is a client error.
    for query in [
        "include=published",
        "include=discontinued&include=discontinued",
    ] {
        let (status, kind, _) = api(&server, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(kind, "application/problem+json", "{query}");
    }

    // Never offered by signposting, nor drawn on the gap map.
    let response = post_json(&server, "/api/v1/signpost", &serde_json::json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    assert!(!text.contains(DISCONTINUED), "{text}");
    let response = server.get("/api/v1/gap-map?slugs=100").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    assert!(!text.contains(DISCONTINUED), "{text}");
}

#[tokio::test]
async fn the_results_page_offers_discontinued_services_on_request_and_labels_them() {
    let server = start_all().await;
    discontinue(&server, DISCONTINUED).await;
    let title = "Fictional Helpline One";
    let label = "<span class=\"badge badge-discontinued\">Discontinued</span>";
    let unticked = "name=\"include\" value=\"discontinued\">";
    let ticked = "name=\"include\" value=\"discontinued\" checked>";

    for path in ["/", "/search?q=fictional+helpline"] {
        let (status, body) = page(&server, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains(title), "{path}: {body}");
        assert!(!body.contains(label), "{path}");
        // The box is in the filter form, unticked, and labelled.
        assert!(body.contains(unticked), "{path}: {body}");
        assert!(body.contains(
            "<label for=\"f-include-discontinued\">Include discontinued services</label>"
        ));
    }

    let (status, body) = page(&server, "/search?q=fictional+helpline&include=discontinued").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(ticked), "{body}");
    // Listed, with the word beside its title, not a colour alone.
    let heading = format!("<a href=\"/interventions/{DISCONTINUED}\">{title}</a> {label}</h3>");
    assert!(body.contains(&heading), "{body}");
    assert_eq!(body.matches(label).count(), 1, "only the discontinued one");
    // A chip says the search is wider, and takes it back.
    assert!(
        body.contains(
            "<a class=\"chip\" href=\"/search?q=fictional+helpline\"><span class=\"visually-hidden\">Remove filter </span>Including discontinued services"
        ),
        "{body}"
    );
    // Paging keeps the wider search.
    let (_, body) = page(&server, "/search?include=discontinued&per_page=2").await;
    assert!(
        body.contains(
            "href=\"/search?include=discontinued&#38;per_page=2&#38;page=2\" rel=\"next\""
        ),
        "{body}"
    );
    // A bad value is a client error, as for any parameter.
    let response = server.get("/search?include=everything").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
