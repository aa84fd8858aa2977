//! A real server on loopback over a real temporary SQLite store, with fictional records.

#![allow(dead_code)] // Each test file uses a different part of this module.

pub mod forms;
pub mod staff;

use preventory_core::record::section;
use preventory_core::vocab::{
    AgeGroup, Country, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup,
};
use preventory_core::{
    Contact, FacetRow, Intervention, PartialDate, Rating, Reference, Term, Vocabulary,
};
use preventory_store::sqlite::SqliteStore;
use preventory_store::{ImportItem, Store};
use preventory_web::{serve_until, AppState, YearMonth};
use std::collections::BTreeMap;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The "today" every test server uses, so the two-year notice is deterministic.
pub const TODAY: YearMonth = YearMonth {
    year: 2024,
    month: 6,
};

pub const HOSTILE_SCRIPT: &str = "<script>alert(1)</script>";
pub const HOSTILE_ATTR: &str = "\"><img src=x onerror=alert(1)>";
pub const HOSTILE_URL: &str = "javascript:alert(1)";
pub const CONFIDENTIAL_ADDRESS: &str = "7 Confidential Fictional Lane";

/// A running test server. Dropping it stops the server and removes the database.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    /// A handle on the same store the server reads, to break it on purpose.
    pub store: SqliteStore,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: TempDir,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a server on `127.0.0.1:0` over a fresh store holding `records`.
pub async fn start_with(records: Vec<Intervention>) -> TestServer {
    start_configured(records, |state| state).await
}

/// As [`start_with`], with the state changed by `configure` before serving.
pub async fn start_configured(
    records: Vec<Intervention>,
    configure: impl FnOnce(AppState) -> AppState,
) -> TestServer {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("preventory.sqlite"))
        .await
        .expect("open store");
    let items = records
        .into_iter()
        .map(|record| ImportItem {
            record,
            source: "tests/common/mod.rs".into(),
        })
        .collect();
    store.import(items, "import").await.expect("import records");

    let state = AppState::in_memory(Arc::new(store.clone()))
        .await
        .expect("build the search index")
        .with_today(TODAY);
    let state = configure(state);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let stop = async {
            let _ = rx.await;
        };
        if let Err(e) = serve_until(listener, state, stop).await {
            panic!("server failed: {e}");
        }
    });
    TestServer {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        store,
        shutdown: Some(tx),
        _dir: dir,
    }
}

/// Starts a server with the three standard fictional records.
pub async fn start() -> TestServer {
    start_with(vec![helpline_one(), group_programme_two(), hostile()]).await
}

fn date(text: &str) -> Option<PartialDate> {
    Some(PartialDate::parse_iso(text).expect("date"))
}

/// A complete, rated, recent record with every section.
pub fn helpline_one() -> Intervention {
    let mut sections = BTreeMap::new();
    for (key, heading) in section::KNOWN {
        sections.insert(
            key.to_string(),
            format!("Fictional text for {heading}, first paragraph.\nStill the first paragraph.\n\nSecond paragraph of {key}:\n- first point of {key}\n- second point of {key}"),
        );
    }
    sections.insert(
        "local_arrangements".into(),
        "An extra fictional section about local arrangements.".into(),
    );
    Intervention {
        slug: "fictional-helpline-one".into(),
        title: "Fictional Helpline One".into(),
        summary: Some("A fictional, confidential telephone helpline used only in tests.".into()),
        facet_rows: vec![
            FacetRow {
                target_group: Some(Term::Known(TargetGroup::PotentialOffenders)),
                prevention_level: Some(Term::Known(PreventionLevel::Secondary)),
                age_groups: vec![
                    Term::Known(AgeGroup::YoungAdults),
                    Term::Known(AgeGroup::Adults),
                ],
                genders: vec![Term::Known(Gender::Male), Term::Known(Gender::Female)],
                delivery: vec![Term::Known(Delivery::Phone), Term::Known(Delivery::Online)],
                subgroups: vec![Term::Known(Subgroup::InternetRelatedOnly)],
                languages: vec![Term::Known(Language::from_id("en").expect("English"))],
            },
            FacetRow {
                target_group: Some(Term::Known(TargetGroup::CommunitiesAndFamilies)),
                prevention_level: Some(Term::Known(PreventionLevel::Primary)),
                ..FacetRow::default()
            },
        ],
        intervention_types: vec![Term::Known(Delivery::Phone)],
        countries: vec![
            Term::Known(Country::from_id("GB").expect("GB")),
            Term::Known(Country::from_id("DE").expect("DE")),
        ],
        sections,
        references: vec![
            Reference {
                text: "Example, A. (2019). A fictional evaluation of a fictional helpline. Journal of Fictional Studies, 1(2), 3–4.".into(),
                authors: vec!["Example, A.".into()],
                year: Some(2019),
                title: Some("A fictional evaluation of a fictional helpline".into()),
            },
            Reference {
                text: "Sample, B. (2021). Another fictional report.".into(),
                ..Reference::default()
            },
        ],
        contact: Contact {
            organisation: Some("Fictional Helpline Trust".into()),
            address: Some("1 Fictional Street\nFictionton\nFC1 2AB".into()),
            address_confidential: false,
            phones: vec!["+44 (0)20 7946 0000 (Mon–Fri)".into()],
            emails: vec!["help@fictional-helpline.example".into()],
            websites: vec![
                "www.fictional-helpline.example".into(),
                "http://fictional-helpline.example/old".into(),
            ],
            notes: vec!["Registered fictional charity 0000000".into()],
        },
        rating: Some(Rating::Promising),
        information_correct_at: date("2023-03"),
        needs_review: false,
        ..Intervention::default()
    }
}

/// An unrated record with old information, a confidential address, awaiting review.
pub fn group_programme_two() -> Intervention {
    let mut sections = BTreeMap::new();
    sections.insert(
        section::DESCRIPTION.into(),
        "A fictional group programme.".into(),
    );
    Intervention {
        slug: "fictional-group-programme-two".into(),
        title: "Fictional Group Programme Two".into(),
        summary: Some("A fictional group programme used only in tests.".into()),
        sections,
        contact: Contact {
            organisation: Some("Fictional Programme Service".into()),
            address: Some(format!("{CONFIDENTIAL_ADDRESS}\nFictionton")),
            address_confidential: true,
            phones: vec!["0800 000 0000".into()],
            ..Contact::default()
        },
        rating: None,
        information_correct_at: date("2021-03"),
        needs_review: true,
        ..Intervention::default()
    }
}

fn hostile_text(field: &str) -> String {
    format!("{field} {HOSTILE_SCRIPT} {HOSTILE_ATTR} <a href=\"{HOSTILE_URL}\">x</a>")
}

/// Hostile text in every text field a page shows.
pub fn hostile() -> Intervention {
    let mut sections = BTreeMap::new();
    for (key, _) in section::KNOWN {
        sections.insert(key.to_string(), hostile_text(key));
    }
    sections.insert(
        format!("unknown {HOSTILE_SCRIPT}"),
        format!("- {}", hostile_text("list item")),
    );
    let other = |field: &str| hostile_text(field);
    Intervention {
        slug: "hostile-record".into(),
        title: format!("{HOSTILE_SCRIPT} Hostile {HOSTILE_ATTR}"),
        summary: Some(hostile_text("summary")),
        facet_rows: vec![FacetRow {
            target_group: Some(Term::Other(other("target"))),
            prevention_level: Some(Term::Other(other("level"))),
            age_groups: vec![Term::Other(other("age"))],
            genders: vec![Term::Other(other("gender"))],
            delivery: vec![Term::Other(other("delivery"))],
            subgroups: vec![Term::Other(other("subgroup"))],
            languages: vec![Term::Other(other("language"))],
        }],
        intervention_types: vec![Term::Other(other("type"))],
        countries: vec![Term::Other(other("country"))],
        sections,
        references: vec![Reference {
            text: hostile_text("reference"),
            ..Reference::default()
        }],
        contact: Contact {
            organisation: Some(hostile_text("organisation")),
            address: Some(hostile_text("address")),
            address_confidential: false,
            phones: vec![hostile_text("phone"), format!("{HOSTILE_URL} 0800 1")],
            emails: vec![hostile_text("email"), format!("{HOSTILE_ATTR}@x.example")],
            websites: vec![
                HOSTILE_URL.into(),
                "JavaScript:alert(1)".into(),
                "data:text/html,<script>alert(1)</script>".into(),
                HOSTILE_ATTR.into(),
            ],
            notes: vec![hostile_text("note")],
        },
        rating: Some(Rating::Pioneering),
        information_correct_at: None,
        needs_review: false,
        ..Intervention::default()
    }
}

/// The names of the headers every response must carry, with their values.
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "interest-cohort=()"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// Panics unless `response` carries every security header and sets no cookie.
pub fn assert_privacy_headers(what: &str, response: &reqwest::Response) {
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(
            response.headers().get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{what}: header {name}"
        );
    }
    assert!(
        response.headers().get("set-cookie").is_none(),
        "{what}: sets a cookie"
    );
}

pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The four example records of `data/examples/`, with their curated studies and eligibility.
pub fn examples() -> Vec<Intervention> {
    preventory_formats::examples::records()
        .expect("the example records")
        .into_iter()
        .map(|(_, record)| record)
        .collect()
}

/// Posts `body` as JSON to `path`.
pub async fn post_json(
    server: &TestServer,
    path: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    server
        .client
        .post(server.url(path))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// Posts `pairs` to `path` as a browser sends a form.
pub async fn post_form(
    server: &TestServer,
    path: &str,
    pairs: &[(&str, &str)],
) -> reqwest::Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    server
        .client
        .post(server.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}
