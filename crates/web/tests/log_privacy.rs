//! Search terms never reach any log line. A test binary of its own: the log is captured with
//! a thread-local subscriber, which tests running beside it in other threads would disturb.

mod common;

use common::*;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn search_terms_never_reach_the_log() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    // The test runtime runs the server on this thread, so a thread-local default sees it.
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = start().await;
    let term = "quokkasecretterm";
    for path in [
        format!("/search?q={term}"),
        format!("/?q={term}"),
        format!("/api/v1/interventions?q={term}"),
        format!("/search?q={term}&page=0"),
        format!("/api/v1/interventions?q={term}&sort=xyz"),
        format!("/gap-map?q={term}"),
        format!("/gap-map?q={term}&rows=nonsense"),
        format!("/gap-map.csv?q={term}"),
        format!("/gap-map/cell?q={term}&row=potential_offenders&col=secondary"),
        format!("/gap-map/cell.ris?q={term}&row=potential_offenders&col=secondary"),
        format!("/api/v1/gap-map?q={term}"),
        format!("/api/v1/gap-map?q={term}&cols=nonsense"),
        format!("/strategy?q={term}"),
    ] {
        let _ = server.get(&path).await.text().await;
    }
    drop(server);
    let log = String::from_utf8(captured.0.lock().expect("log").clone()).expect("UTF-8");
    assert!(
        log.contains("/search"),
        "the access log was not captured: {log}"
    );
    assert!(!log.contains(term), "a search term reached the log:\n{log}");
}

/// The log as text, without the parts that vary from run to run and may hold any digits:
/// latencies and the server's address.
fn log_without_numbers_that_vary(captured: &Captured) -> String {
    let log = String::from_utf8(captured.0.lock().expect("log").clone()).expect("UTF-8");
    log.lines()
        .map(|line| {
            line.split_whitespace()
                .filter(|word| !word.starts_with("latency_ms=") && !word.starts_with("addr="))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn signposting_profiles_never_reach_the_log_a_cookie_or_a_link() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .without_time()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = start_with(examples()).await;

    // Distinctive values: an age of 73, Liechtenstein, Maltese, an online-solicitation
    // situation, a charged stage.
    let json = serde_json::json!({
        "age": 73, "gender": "female", "asking_for": "someone_else",
        "situations": ["online_solicitation"], "justice_stage": "charged",
        "country": "LI", "language": "mt", "needs_anonymity": true, "remote_only": true
    });
    let practitioner = [
        ("age", "73"),
        ("gender", "female"),
        ("asking_for", "someone_else"),
        ("situations", "online_solicitation"),
        ("justice_stage", "charged"),
        ("country", "LI"),
        ("language", "mt"),
        ("needs_anonymity", "yes"),
        ("remote_only", "yes"),
    ];
    let myself = [
        ("age", "73"),
        ("gender", "female"),
        ("situations", "online_solicitation"),
        ("police", "charged"),
        ("country", "LI"),
        ("language", "mt"),
        ("needs_anonymity", "yes"),
        ("remote_only", "yes"),
    ];
    let mut responses = vec![
        ("api", post_json(&server, "/api/v1/signpost", &json).await),
        (
            "practitioner form",
            post_form(&server, "/signpost", &practitioner).await,
        ),
        ("self-help form", post_form(&server, "/help", &myself).await),
    ];
    // Mistakes too: a bad age, an unknown field, an unknown id, the wrong media type.
    let mut bad_age = practitioner.to_vec();
    bad_age[0] = ("age", "73x");
    responses.push(("bad age", post_form(&server, "/signpost", &bad_age).await));
    let mut unknown = json.clone();
    unknown["postcode73"] = serde_json::json!("LI-9490");
    responses.push((
        "unknown field",
        post_json(&server, "/api/v1/signpost", &unknown).await,
    ));
    let mut bad_id = json.clone();
    bad_id["country"] = serde_json::json!("Liechtenstein73");
    responses.push((
        "bad id",
        post_json(&server, "/api/v1/signpost", &bad_id).await,
    ));
    responses.push((
        "wrong media type",
        server
            .client
            .post(server.url("/api/v1/signpost"))
            .header("content-type", "text/plain")
            .body(json.to_string())
            .send()
            .await
            .expect("send"),
    ));

    let mut pages = Vec::new();
    for (what, response) in responses {
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{what}: sets a cookie"
        );
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{what}"
        );
        let status = response.status().as_u16();
        let body = response.text().await.expect("body");
        assert!(status == 200 || what != "api", "{what}: {status} {body}");
        pages.push((what, status, body));
    }
    drop(server);

    let log = log_without_numbers_that_vary(&captured);
    assert!(
        log.contains("path=/api/v1/signpost") && log.contains("path=/signpost"),
        "the access log was not captured: {log}"
    );
    for value in [
        "73",
        "Liechtenstein",
        "LI",
        "Maltese",
        "mt",
        "online_solicitation",
        "Online solicitation",
        "charged",
        "Charged",
        "someone_else",
        "female",
        "postcode",
        "age",
        "country",
        "situations",
    ] {
        assert!(
            !log.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == value || (value.len() > 3 && word.contains(value))),
            "{value:?} reached the log:\n{log}"
        );
    }

    // The answer pages link to records and pages, never with the answers in the address.
    for (what, status, body) in pages.iter().filter(|(w, _, _)| w.ends_with("form")) {
        assert_eq!(*status, 200, "{what}");
        let mut links = 0;
        for href in body.split("href=\"").skip(1) {
            let href = &href[..href.find('"').expect("closing quote")];
            links += 1;
            let fixed = ["/search?q=help+for+me"];
            assert!(
                !href.contains('?') || fixed.contains(&href),
                "{what}: a link with a query string: {href}"
            );
            if !href.starts_with("/static/") {
                for value in ["73", "LI", "mt", "online_solicitation", "charged", "female"] {
                    assert!(!href.contains(value), "{what}: {value} in {href}");
                }
            }
        }
        assert!(links > 5, "{what}: no links checked");
        for action in body.split("action=\"").skip(1) {
            let action = &action[..action.find('"').expect("closing quote")];
            assert!(!action.contains('?'), "{what}: form action {action}");
        }
    }
}
