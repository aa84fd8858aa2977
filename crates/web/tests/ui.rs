//! The page furniture over real HTTP on loopback: "Exit this page" on every kind of page, its
//! script, the comparison page, and the schema.org JSON-LD on record pages.

mod common;

use common::{assert_privacy_headers, content_type, start, start_with, TestServer};
use preventory_core::Intervention;

/// Where "Exit this page" must lead.
const EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// One page of each kind the site serves.
const PAGES: [(&str, u16); 6] = [
    ("/", 200),
    ("/search?q=helpline", 200),
    ("/interventions/fictional-helpline-one", 200),
    (
        "/compare?slug=fictional-helpline-one&slug=fictional-group-programme-two",
        200,
    ),
    ("/interventions/no-such-record", 404),
    ("/compare?slug=fictional-helpline-one", 400),
];

async fn page(server: &TestServer, path: &str, status: u16) -> String {
    let response = server.get(path).await;
    assert_eq!(response.status().as_u16(), status, "{path}");
    assert!(content_type(&response).starts_with("text/html"), "{path}");
    assert_privacy_headers(path, &response);
    response.text().await.expect("body")
}

/// The `src` of the exit script in `html`, checking it is loaded with `defer`.
fn exit_script_src(html: &str, path: &str) -> String {
    let tag = html
        .split("<script")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default())
        .find(|attrs| attrs.contains("/static/exit."))
        .unwrap_or_else(|| panic!("{path}: no exit script"));
    assert!(
        tag.contains(" defer"),
        "{path}: exit script without defer: {tag}"
    );
    let src = tag
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a src");
    assert!(
        src.starts_with("/static/exit.") && src.ends_with(".js"),
        "{src}"
    );
    src.to_string()
}

#[tokio::test]
async fn every_page_has_an_exit_link_to_a_neutral_site() {
    let server = start().await;
    for (path, status) in PAGES {
        let html = page(&server, path, status).await;
        let link = format!(
            "<a class=\"exit-this-page-link js-exit-this-page\" href=\"{EXIT_URL}\" rel=\"noreferrer\">Exit this page</a>"
        );
        assert!(html.contains(&link), "{path}: no exit link");
        assert_eq!(html.matches("Exit this page</a>").count(), 1, "{path}");
        // It comes before the main content, and the live regions the script uses exist.
        assert!(
            html.find(&link) < html.find("<main"),
            "{path}: exit link after main"
        );
        assert!(
            html.contains(
                r#"id="exit-status" class="visually-hidden" role="status" aria-live="polite""#
            ),
            "{path}: no status region"
        );
        assert!(html.contains(r#"role="alert""#), "{path}: no alert region");
        // No inline script: every script element either has a src or is a data block.
        for tag in html.split("<script").skip(1) {
            let attrs = tag.split('>').next().unwrap_or_default();
            assert!(
                attrs.contains("src=\"/static/") || attrs.contains("type=\"application/ld+json\""),
                "{path}: inline script {attrs}"
            );
        }
        exit_script_src(&html, path);
    }
}

#[tokio::test]
async fn the_exit_script_is_served_as_javascript() {
    let server = start().await;
    let html = page(&server, "/", 200).await;
    let src = exit_script_src(&html, "/");
    for path in [src.as_str(), "/static/exit.js"] {
        let response = server.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(content_type(&response), "text/javascript; charset=utf-8");
        assert_privacy_headers(path, &response);
        let js = response.text().await.expect("body");
        assert!(js.contains("location.replace"), "{path}");
        assert!(js.contains("'Shift'"), "{path}");
    }
}

#[tokio::test]
async fn the_compare_page_shows_two_to_four_records_side_by_side() {
    let server = start().await;
    let html = page(
        &server,
        "/compare?slug=fictional-helpline-one&slug=fictional-group-programme-two",
        200,
    )
    .await;
    assert!(html.contains("<h1>Compare interventions</h1>"));
    assert!(
        html.contains("<caption id=\"compare-caption\">Comparison of 2 interventions</caption>")
    );
    for column in [
        "<th scope=\"col\"><a href=\"/interventions/fictional-helpline-one\">Fictional Helpline One</a></th>",
        "<th scope=\"col\"><a href=\"/interventions/fictional-group-programme-two\">Fictional Group Programme Two</a></th>",
    ] {
        assert!(html.contains(column), "missing {column}");
    }
    for row in [
        "Summary",
        "Target groups",
        "Prevention levels",
        "Ages",
        "Genders",
        "Type of intervention",
        "Languages",
        "Countries",
        "Who can use it",
        "Evidence rating",
        "Information correct at",
        "Intensity",
        "Delivery and mode",
        "Contact",
    ] {
        assert!(
            html.contains(&format!("<th scope=\"row\">{row}</th>")),
            "no row {row}"
        );
    }
    // Known values, unknown ones, and the contact with the record page's safe links.
    assert!(html.contains("A fictional, confidential telephone helpline used only in tests."));
    assert!(html.contains("Not stated"));
    assert!(html.contains("Minimum IQ"));
    assert!(html.contains("March 2023"));
    assert!(html.contains("Fictional text for Intensity"));
    assert!(html.contains("Fictional Helpline Trust"));
    assert!(html.contains("href=\"mailto:help@fictional-helpline.example\""));
    assert!(html.contains("Not yet rated against the evidence criteria"));
    // Public view only: the confidential address never shows.
    assert!(!html.contains(common::CONFIDENTIAL_ADDRESS));

    // Four records fit; hostile text stays text.
    let four: Vec<Intervention> = (1..=4)
        .map(|i| {
            let mut record = common::helpline_one();
            record.slug = format!("helpline-{i}");
            record.title = format!("Helpline number {i}");
            record
        })
        .collect();
    let mut records = four;
    records.push(common::hostile());
    let server = start_with(records).await;
    let html = page(
        &server,
        "/compare?slug=helpline-1&slug=helpline-2&slug=helpline-3&slug=helpline-4",
        200,
    )
    .await;
    assert!(html.contains("Comparison of 4 interventions"));
    for i in 1..=4 {
        assert!(html.contains(&format!("Helpline number {i}</a></th>")));
    }
    let html = page(&server, "/compare?slug=hostile-record&slug=helpline-1", 200).await;
    assert!(!html.contains(common::HOSTILE_SCRIPT));
    assert!(!html.contains("href=\"javascript:"));
    assert!(!html.contains("href=\"JavaScript:"));
    assert!(!html.contains("href=\"data:"));
    assert!(!html.contains("<img"));
}

#[tokio::test]
async fn a_bad_comparison_gets_a_friendly_error_page() {
    let server = start().await;
    let bad = [
        ("/compare", 400, "Choose between 2 and 4 interventions"),
        (
            "/compare?slug=fictional-helpline-one",
            400,
            "Choose between 2 and 4 interventions",
        ),
        (
            "/compare?slug=a&slug=b&slug=c&slug=d&slug=e",
            400,
            "Choose between 2 and 4 interventions",
        ),
        (
            "/compare?slug=fictional-helpline-one&slug=fictional-helpline-one",
            400,
            "chosen more than once",
        ),
        (
            "/compare?slug=fictional-helpline-one&slug=no-such-record",
            404,
            "There is no page at this address",
        ),
        (
            "/compare?slug=fictional-helpline-one&slug=%3Cscript%3E",
            404,
            "There is no page at this address",
        ),
    ];
    for (path, status, words) in bad {
        let html = page(&server, path, status).await;
        assert!(html.contains(words), "{path}: lacks {words:?}");
        assert!(html.contains("Exit this page</a>"), "{path}");
        assert!(!html.contains("<script>"), "{path}");
    }
}

/// The JSON-LD block of a record page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    assert_eq!(html.matches(OPEN).count(), 1, "one JSON-LD block");
    let start = html.find(OPEN).expect("JSON-LD") + OPEN.len();
    let end = start + html[start..].find("</script>").expect("end of JSON-LD");
    let text = &html[start..end];
    assert!(!text.contains('<') && !text.contains('>'), "{text}");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}: {text}"))
}

#[tokio::test]
async fn record_pages_describe_the_service_in_json_ld() {
    let server = start().await;
    let html = page(&server, "/interventions/fictional-helpline-one", 200).await;
    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Service");
    assert_eq!(ld["name"], "Fictional Helpline One");
    assert_eq!(
        ld["description"],
        "A fictional, confidential telephone helpline used only in tests."
    );
    assert_eq!(ld["url"], "/interventions/fictional-helpline-one");
    assert_eq!(ld["provider"]["@type"], "Organization");
    assert_eq!(ld["provider"]["name"], "Fictional Helpline Trust");
    assert_eq!(ld["dateModified"], "2023-03");
    assert_eq!(ld["areaServed"].as_array().map(Vec::len), Some(2));
    assert_eq!(ld["areaServed"][0]["@type"], "Country");
    assert!(ld["audience"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(ld["audience"][0]["@type"], "Audience");
    assert!(ld["serviceType"].as_array().is_some_and(|a| !a.is_empty()));

    // Fields the record does not give are left out rather than invented.
    let html = page(&server, "/interventions/fictional-group-programme-two", 200).await;
    let ld = json_ld(&html);
    assert_eq!(ld["dateModified"], "2021-03");
    assert!(ld.get("areaServed").is_none());
    assert!(ld.get("audience").is_none());
}

#[tokio::test]
async fn hostile_text_cannot_break_out_of_the_json_ld() {
    let mut record = common::hostile();
    let title = "</script><script>alert(1)</script>";
    record.title = title.to_string();
    record.summary = Some("<!-- & </SCRIPT> <script>".into());
    let server = start_with(vec![record]).await;
    let html = page(&server, "/interventions/hostile-record", 200).await;
    let ld = json_ld(&html);
    assert_eq!(ld["name"], title);
    assert_eq!(ld["description"], "<!-- & </SCRIPT> <script>");
    assert!(ld.get("dateModified").is_none(), "the date is not known");
    // The only script elements are the exit script and the one data block.
    assert_eq!(html.matches("<script").count(), 2, "{html}");
    assert_eq!(html.to_lowercase().matches("</script>").count(), 2);
    assert!(html.contains("\\u003c/script\\u003e"));
}
