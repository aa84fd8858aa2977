//! The web server over real HTTP on loopback, backed by a real temporary SQLite store.

mod common;

use common::*;
use preventory_core::record::section;
use preventory_core::Rating;
use reqwest::StatusCode;
use serde_json::Value;

async fn html(server: &TestServer, path: &str) -> (StatusCode, String) {
    let response = server.get(path).await;
    assert_privacy_headers(path, &response);
    let status = response.status();
    assert_eq!(
        content_type(&response),
        "text/html; charset=utf-8",
        "{path}"
    );
    (status, response.text().await.expect("body"))
}

async fn json(server: &TestServer, path: &str) -> (StatusCode, String, Value) {
    let response = server.get(path).await;
    assert_privacy_headers(path, &response);
    let status = response.status();
    let kind = content_type(&response);
    let body = response.text().await.expect("body");
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, kind, value)
}

/// The text between `start` and the next `end`, to look inside one element.
fn between<'a>(haystack: &'a str, start: &str, end: &str) -> &'a str {
    let from = haystack
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let rest = &haystack[from..];
    let to = rest.find(end).map_or(rest.len(), |i| i + end.len());
    &rest[..to]
}

#[tokio::test]
async fn the_list_page_shows_every_record() {
    let server = start().await;
    let (status, body) = html(&server, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("<!doctype html>"));
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("3 interventions"));
    assert!(body
        .contains("<a href=\"/interventions/fictional-helpline-one\">Fictional Helpline One</a>"));
    assert!(body.contains(
        "<a href=\"/interventions/fictional-group-programme-two\">Fictional Group Programme Two</a>"
    ));
    assert!(body.contains("A fictional, confidential telephone helpline used only in tests."));
    assert!(body.contains("Information correct at March 2023"));
    assert!(body.contains("Information correct at March 2021"));
    assert!(body.contains("badge-promising"));
    assert!(body.contains("Not rated"));
    // Ordered by title.
    let group = body.find("Fictional Group Programme Two").expect("group");
    let helpline = body.find("Fictional Helpline One").expect("helpline");
    assert!(group < helpline);
    // The shared layout.
    assert!(body.contains("<a class=\"skip-link\" href=\"#main\">"));
    assert!(body.contains("<main id=\"main\""));
    assert!(body.contains("confidential and anonymous help exists"));
    assert!(body.contains("<footer"));
}

#[tokio::test]
async fn a_record_page_shows_every_part_of_the_record() {
    let server = start().await;
    let (status, body) = html(&server, "/interventions/fictional-helpline-one").await;
    assert_eq!(status, StatusCode::OK);

    assert!(body.contains("<h1>Fictional Helpline One</h1>"));
    assert!(body.contains("<title>Fictional Helpline One – Preventory</title>"));

    // Every section, in reading order, with paragraphs and lists.
    let mut last = 0;
    for (key, heading) in section::KNOWN {
        let at = body
            .find(&format!(">{heading}</h2>"))
            .unwrap_or_else(|| panic!("heading {heading}"));
        assert!(at > last, "{heading} out of order");
        last = at;
        assert!(body.contains(&format!(
            "<p>Fictional text for {heading}, first paragraph. Still the first paragraph.</p>"
        )));
        assert!(body.contains(&format!("<p>Second paragraph of {key}:</p>")));
        assert!(body.contains(&format!("<li>first point of {key}</li>")));
        assert!(body.contains(&format!("<li>second point of {key}</li>")));
    }
    let extra = body
        .find(">Local arrangements</h2>")
        .expect("unknown section");
    assert!(extra > last, "unknown sections come after the known ones");
    assert!(body.contains("An extra fictional section about local arrangements."));

    // Facets, with labels rather than ids.
    let table = between(&body, "<table", "</table>");
    for label in [
        "(Potential) Offenders",
        "Secondary prevention",
        "Young Adults (18-20 years), Adults (21+ years)",
        "Communities and Families",
        "Primary prevention",
        "Male",
        "Phone, Online",
        "Internet-related only",
        "English",
        "Not stated",
    ] {
        assert!(table.contains(label), "facet label {label:?}");
    }
    assert!(body.contains("United Kingdom"));
    assert!(body.contains("Germany"));

    // References, in full.
    assert!(body.contains(
        "Example, A. (2019). A fictional evaluation of a fictional helpline. Journal of Fictional Studies, 1(2), 3–4."
    ));
    assert!(body.contains("Sample, B. (2021). Another fictional report."));

    // Contact.
    assert!(body.contains("Fictional Helpline Trust"));
    assert!(body.contains("1 Fictional Street<br>Fictionton<br>FC1 2AB"));
    assert!(body.contains("<a href=\"tel:+442079460000\">+44 (0)20 7946 0000 (Mon–Fri)</a>"));
    assert!(body.contains(
        "<a href=\"mailto:help@fictional-helpline.example\">help@fictional-helpline.example</a>"
    ));
    assert!(body.contains(
        "<a href=\"https://www.fictional-helpline.example\" rel=\"noopener noreferrer\">www.fictional-helpline.example</a>"
    ));
    assert!(body.contains(
        "<a href=\"http://fictional-helpline.example/old\" rel=\"noopener noreferrer\">"
    ));
    assert!(body.contains("Registered fictional charity 0000000"));

    // Rating with its criterion; recent information carries no notice.
    assert!(body.contains("badge-promising"));
    assert!(body.contains(Rating::Promising.criterion()));
    assert!(body.contains("Information correct at March 2023"));
    assert!(!body.contains("more than two years ago"));
    assert!(!body.contains("await an editor"));
}

#[tokio::test]
async fn an_unrated_old_record_says_so() {
    let server = start().await;
    let (status, body) = html(&server, "/interventions/fictional-group-programme-two").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Not rated"));
    assert!(body.contains("has not yet been rated"));
    assert!(body.contains("Information correct at March 2021"));
    assert!(body.contains("more than two years ago"));
    assert!(body.contains(
        "Parts of this record could not be read automatically and await an editor's review"
    ));
}

#[tokio::test]
async fn confidential_addresses_never_reach_the_public() {
    let server = start().await;
    let (_, page) = html(&server, "/interventions/fictional-group-programme-two").await;
    assert!(page.contains("Fictional Programme Service"));
    assert!(!page.contains(CONFIDENTIAL_ADDRESS));

    let (_, _, record) = json(
        &server,
        "/api/v1/interventions/fictional-group-programme-two",
    )
    .await;
    assert!(!record.to_string().contains(CONFIDENTIAL_ADDRESS));
    assert_eq!(record["contact"]["address"], Value::Null);

    let (_, list) = html(&server, "/").await;
    assert!(!list.contains(CONFIDENTIAL_ADDRESS));
    let (_, _, api_list) = json(&server, "/api/v1/interventions").await;
    assert!(!api_list.to_string().contains(CONFIDENTIAL_ADDRESS));
}

/// The page with numeric character references for `<`, `>`, `"` and `'` written as named
/// ones, so assertions do not depend on which form the escaper picks.
fn named_entities(body: &str) -> String {
    body.replace("&#60;", "&lt;")
        .replace("&#62;", "&gt;")
        .replace("&#34;", "&quot;")
        .replace("&#39;", "&apos;")
}

/// Every real tag of an HTML document, as (name, attributes). Record text is escaped, so a
/// raw `<` can only start markup the templates wrote.
fn tags(body: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '/')
            .collect();
        rest = &rest[name.len()..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.starts_with('>') || rest.is_empty() {
                break;
            }
            let attr: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=' && *c != '>')
                .collect();
            rest = &rest[attr.len()..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let end = after.find('"').expect("closing quote");
                value = after[..end].to_string();
                rest = &after[end + 1..];
            } else if rest.starts_with('=') {
                panic!("unquoted attribute value after {attr:?}");
            }
            attributes.push((attr.to_lowercase(), value));
        }
        out.push((name.to_lowercase(), attributes));
    }
    out
}

/// Panics if the page holds any element, attribute or link the templates do not make.
fn assert_no_live_markup(what: &str, body: &str) {
    const ELEMENTS: &[&str] = &[
        "!doctype", "html", "head", "meta", "title", "link", "body", "a", "header", "aside", "div",
        "p", "main", "footer", "h1", "h2", "span", "ol", "ul", "li", "article", "nav", "section",
        "strong", "table", "caption", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "br",
        "h3", "form", "label", "input", "button", "fieldset", "legend", "select", "option", "mark",
        "time", "script",
    ];
    for (name, attributes) in tags(body) {
        let bare = name.trim_start_matches('/');
        assert!(
            ELEMENTS.contains(&bare),
            "{what}: unexpected element <{name}>"
        );
        // The only scripts: the site's own exit script, and a record's JSON-LD data block.
        let exit_script = name == "script"
            && attributes
                .iter()
                .any(|(a, v)| a == "src" && v.starts_with("/static/exit.") && v.ends_with(".js"));
        if name == "script" {
            assert!(
                exit_script
                    || attributes
                        .iter()
                        .any(|(a, v)| a == "type" && v == "application/ld+json"),
                "{what}: unexpected script {attributes:?}"
            );
        }
        for (attr, value) in attributes {
            if exit_script && attr == "src" {
                continue;
            }
            assert!(!attr.starts_with("on"), "{what}: event handler {attr}");
            assert!(
                attr != "style" && attr != "src" && attr != "srcdoc",
                "{what}: {attr}"
            );
            if attr == "href" {
                assert!(
                    ["/", "#", "tel:", "mailto:", "https://", "http://"]
                        .iter()
                        .any(|p| value.starts_with(p)),
                    "{what}: link to {value:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn hostile_text_is_escaped_everywhere() {
    let server = start().await;
    let (status, page) = html(&server, "/interventions/hostile-record").await;
    assert_eq!(status, StatusCode::OK);
    assert_no_live_markup("record page", &page);
    let page = named_entities(&page);
    // The text is still there for people to read, escaped.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for field in [
        "summary",
        "target",
        "level",
        "age",
        "gender",
        "delivery",
        "subgroup",
        "language",
        "type",
        "country",
        "reference",
        "organisation",
        "address",
        "phone",
        "email",
        "note",
        "list item",
        "description",
        "evaluation",
    ] {
        assert!(
            page.contains(&format!("{field} &lt;script&gt;alert(1)&lt;/script&gt;")),
            "{field} shown escaped"
        );
    }
    assert!(
        page.contains("javascript:alert(1)"),
        "the hostile website is shown as text"
    );
    // Each hostile website is shown without a link.
    let contact = between(&page, "<h2 id=\"contact\">", "</section>");
    assert!(
        !contact.contains("rel=\"noopener noreferrer\""),
        "{contact}"
    );

    let (_, list) = html(&server, "/").await;
    assert_no_live_markup("list page", &list);

    // Unknown slugs are never reflected as markup either.
    let (status, not_found) = html(
        &server,
        "/interventions/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_no_live_markup("404 page", &not_found);

    // The API returns the data as data: JSON, which browsers will not sniff into HTML.
    let (status, kind, record) = json(&server, "/api/v1/interventions/hostile-record").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/json");
    assert_eq!(
        record["title"],
        Value::String(format!("{HOSTILE_SCRIPT} Hostile {HOSTILE_ATTR}"))
    );
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404() {
    let server = start().await;
    for path in [
        "/interventions/no-such-record",
        "/interventions/NOT_A_SLUG",
        "/no/such/page",
        "/static/no-such-file.css",
    ] {
        let (status, body) = html(&server, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("<h1>Page not found</h1>"), "{path}");
        assert!(body.contains("href=\"/\""), "{path}");
    }
}

#[tokio::test]
async fn the_health_check_reports_the_store() {
    let server = start().await;
    let response = server.get("/healthz").await;
    assert_privacy_headers("/healthz", &response);
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/plain"));
    assert_eq!(response.text().await.expect("body"), "ok");

    server.store.close().await;
    let response = server.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(content_type(&response).starts_with("text/plain"));

    // With the store gone, pages that read it fail politely and say nothing about why.
    let (status, body) = html(&server, "/interventions/fictional-helpline-one").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("Something went wrong"));
    let lower = body.to_lowercase();
    for secret in ["sqlite", "sqlx", "pool", "database", ".rs"] {
        assert!(!lower.contains(secret), "error page mentions {secret:?}");
    }
    let (status, kind, problem) =
        json(&server, "/api/v1/interventions/fictional-helpline-one").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(kind, "application/problem+json");
    assert!(!problem.to_string().to_lowercase().contains("pool"));
}

#[tokio::test]
async fn the_api_lists_records_by_title_in_pages() {
    let server = start().await;
    let (status, kind, list) = json(&server, "/api/v1/interventions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/json");
    assert_eq!(list["total"], 3);
    let results = list["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let titles: Vec<&str> = results
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        titles,
        [
            format!("{HOSTILE_SCRIPT} Hostile {HOSTILE_ATTR}").as_str(),
            "Fictional Group Programme Two",
            "Fictional Helpline One"
        ]
    );
    let helpline = &results[2];
    assert_eq!(
        helpline,
        &serde_json::json!({
            "slug": "fictional-helpline-one",
            "title": "Fictional Helpline One",
            "summary": "A fictional, confidential telephone helpline used only in tests.",
            "rating": "promising",
            "snippet": "A fictional, confidential telephone helpline used only in tests.",
            "status": "published",
        })
    );
    assert_eq!(results[1]["rating"], Value::Null);

    let (status, _, page) = json(&server, "/api/v1/interventions?page=2&per_page=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 3);
    assert_eq!(page["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["results"][0]["slug"], "fictional-group-programme-two");

    let (status, _, beyond) = json(&server, "/api/v1/interventions?page=9").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(beyond["results"], serde_json::json!([]));

    for query in [
        "page=0",
        "page=-1",
        "page=first",
        "per_page=0",
        "per_page=101",
        "per_page=ten",
    ] {
        let path = format!("/api/v1/interventions?{query}");
        let (status, kind, problem) = json(&server, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(kind, "application/problem+json", "{query}");
        assert_eq!(problem["status"], 400, "{query}");
        assert_eq!(problem["title"], "Bad Request", "{query}");
        assert!(problem["detail"].is_string(), "{query}");
    }
}

#[tokio::test]
async fn the_api_returns_a_record_as_its_public_json() {
    let server = start().await;
    let (status, kind, record) =
        json(&server, "/api/v1/interventions/fictional-helpline-one").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/json");
    let expected = serde_json::to_value(helpline_one().public_view()).expect("serialise");
    assert_eq!(record, expected);
    assert_eq!(
        record["age_groups"],
        serde_json::json!(["adults", "young_adults"])
    );
    assert_eq!(record["rating"], "promising");
}

#[tokio::test]
async fn api_errors_are_problem_documents() {
    let server = start().await;
    for path in [
        "/api/v1/interventions/no-such-record",
        "/api/v1/nothing-here",
    ] {
        let (status, kind, problem) = json(&server, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(kind, "application/problem+json", "{path}");
        let keys: Vec<&String> = problem.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["detail", "status", "title", "type"], "{path}");
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["title"], "Not Found");
        assert_eq!(problem["type"], "about:blank");
    }
    let response = server
        .client
        .post(server.url("/api/v1/interventions"))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(content_type(&response), "application/problem+json");
}

#[tokio::test]
async fn the_stylesheet_is_embedded_and_cached() {
    let server = start().await;
    let (_, page) = html(&server, "/").await;
    let start = page.find("href=\"/static/site.").expect("stylesheet link") + "href=\"".len();
    let end = start + page[start..].find('"').expect("end of href");
    let href = &page[start..end];

    let response = server.get(href).await;
    assert_privacy_headers(href, &response);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "text/css; charset=utf-8");
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cache.contains("max-age=31536000"), "{cache}");
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let css = response.text().await.expect("css");
    assert!(css.contains("font-family: system-ui"));

    let again = server
        .client
        .get(server.url(href))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("conditional GET");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let icon = server.get("/static/icon.svg").await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(content_type(&icon), "image/svg+xml");
}

#[tokio::test]
async fn every_response_carries_the_privacy_headers_and_no_cookie() {
    let server = start().await;
    for path in [
        "/",
        "/interventions/fictional-helpline-one",
        "/interventions/no-such-record",
        "/healthz",
        "/static/site.css",
        "/static/icon.svg",
        "/api/v1/interventions",
        "/api/v1/interventions?per_page=0",
        "/api/v1/interventions/fictional-helpline-one",
        "/api/v1/interventions/no-such-record",
        "/anything/else",
    ] {
        let response = server.get(path).await;
        assert_privacy_headers(path, &response);
    }
    let response = server
        .client
        .delete(server.url("/"))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_privacy_headers("DELETE /", &response);
    assert!(content_type(&response).starts_with("text/html"));

    let response = server
        .client
        .head(server.url("/"))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(response.status(), StatusCode::OK);
    assert_privacy_headers("HEAD /", &response);
}

#[tokio::test]
async fn pages_load_nothing_from_other_hosts_and_use_no_inline_styles() {
    let server = start().await;
    for path in ["/", "/interventions/fictional-helpline-one", "/nope"] {
        let response = server.get(path).await;
        let body = response.text().await.expect("body");
        assert!(!body.contains("style="), "{path}: inline style");
        assert!(!body.contains("<style"), "{path}: style element");
        for tag in ["<link ", "<script", "<img", "<iframe"] {
            for (i, _) in body.match_indices(tag) {
                let element = &body[i..i + body[i..].find('>').unwrap_or(0)];
                assert!(
                    !element.contains("http:")
                        && !element.contains("https:")
                        && !element.contains("//"),
                    "{path}: {element}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_server_stops_when_asked_and_finishes_cleanly() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = preventory_store::sqlite::SqliteStore::open(&dir.path().join("db.sqlite"))
        .await
        .expect("open store");
    let state = preventory_web::AppState::in_memory(std::sync::Arc::new(store))
        .await
        .expect("search index")
        .with_today(TODAY);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(preventory_web::serve_until(listener, state, async {
        let _ = rx.await;
    }));

    let body = reqwest::get(format!("http://{addr}/"))
        .await
        .expect("GET /")
        .text()
        .await
        .expect("body");
    assert!(body.contains("0 interventions"));
    assert!(body.contains("There are no records yet."));

    let _ = tx.send(());
    let finished = tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("server stops within ten seconds")
        .expect("server task");
    assert!(finished.is_ok());
}
