//! A record's history on the staff side, over a real loopback server and store: the revision
//! list, the field-by-field diff (marked words, escaped text), restoring an old revision
//! (and a stale restore), the lifecycle buttons with four eyes, and the audit log's page and
//! exports.

mod common;

use common::staff::{add_user, client, sign_in, Signed};
use common::{TestServer, HOSTILE_ATTR, HOSTILE_SCRIPT};
use preventory_core::accounts::{Actor, Role};
use preventory_core::audit::AuditAction;
use preventory_core::{Intervention, Vocabulary};
use preventory_store::accounts::NewAuditEntry;
use preventory_store::editing::{Editor, RecordEdit};
use preventory_store::Store;
use preventory_web::SESSION_COOKIE;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, StatusCode};

const SLUG: &str = "fictional-helpline-one";
const HISTORY: &str = "/admin/records/fictional-helpline-one/history";

/// The account `email` as the store's editing methods name it.
async fn editor(server: &TestServer, email: &str) -> Editor {
    let user = server
        .store
        .list_users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.email == email)
        .expect("the account");
    Editor {
        staff: user.staff(),
        email: user.email.clone(),
    }
}

/// The record as stored now, with its revision.
async fn current(server: &TestServer) -> (Intervention, i64) {
    let stored = server.store.get(SLUG).await.expect("get").expect("record");
    (stored.record, stored.revision)
}

/// Saves `change` applied to the current record, as `by`, with `summary`.
async fn save(
    server: &TestServer,
    by: &Editor,
    summary: &str,
    change: impl FnOnce(&mut Intervention),
) -> i64 {
    let (mut record, revision) = current(server).await;
    change(&mut record);
    let saved = server
        .store
        .save_record(
            &RecordEdit {
                record,
                base_revision: Some(revision),
                summary: summary.to_string(),
            },
            by,
        )
        .await
        .expect("save");
    assert!(saved.changed);
    saved.revision
}

/// A signed-in person with a role: the account's address and the session.
async fn person(server: &TestServer, role: Role) -> (String, Signed) {
    let email = add_user(server, role.id(), role).await;
    let signed = sign_in(server, &email).await;
    (email, signed)
}

async fn get(server: &TestServer, path: &str, signed: &Signed) -> reqwest::Response {
    client()
        .get(server.url(path))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

async fn get_text(server: &TestServer, path: &str, signed: &Signed) -> (StatusCode, String) {
    let response = get(server, path, signed).await;
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// Posts a form with the session's cookie and CSRF token and `pairs`.
async fn post(
    server: &TestServer,
    path: &str,
    signed: &Signed,
    pairs: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("csrf", signed.csrf.as_str())];
    all.extend_from_slice(pairs);
    client()
        .request(Method::POST, server.url(path))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .form(&all)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_history_lists_every_revision_with_its_author_and_summary() {
    let server = common::start().await;
    let (email, signed) = person(&server, Role::Editor).await;
    let by = editor(&server, &email).await;
    save(&server, &by, "Fictional first change", |r| {
        r.title = "Fictional Helpline One, renamed".into();
    })
    .await;
    save(&server, &by, "Fictional second change", |r| {
        r.summary = Some("A fictional second summary.".into());
    })
    .await;

    let (status, html) = get_text(&server, HISTORY, &signed).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>History of Fictional Helpline One, renamed</h1>"));
    for text in [
        "Fictional first change",
        "Fictional second change",
        "editor@example.org",
        "tests/common/mod.rs",
        "Revision 3, Draft",
        "Revision 1, Published",
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    // Newest first.
    let second = html.find("Fictional second change").expect("second");
    let first = html.find("Fictional first change").expect("first");
    assert!(second < first);
    // The compare form works without script: a GET form with two labelled selects.
    assert!(html.contains("action=\"/admin/records/fictional-helpline-one/diff\" method=\"get\""));
    assert!(html.contains("<label for=\"from\">") && html.contains("<label for=\"to\">"));
    assert!(html.contains("<option value=\"2\" selected>"));
    // An editor may send the draft for review and restore old revisions, never publish.
    assert!(html.contains("name=\"to\" value=\"in_review\""));
    assert!(!html.contains("name=\"to\" value=\"published\""));
    assert!(html.contains("name=\"revision\" value=\"1\""));
    assert!(html.contains("name=\"base_revision\" value=\"3\""));

    // A reviewer sees the history too, without restore buttons.
    let (_, reviewer) = person(&server, Role::Reviewer).await;
    let (status, html) = get_text(&server, HISTORY, &reviewer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("name=\"revision\""));
    assert!(
        !html.contains("name=\"to\" value="),
        "a draft has no step for a reviewer"
    );

    let (status, _) = get_text(&server, "/admin/records/no-such-record/history", &signed).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_diff_marks_exactly_the_changed_words_and_escapes_stored_text() {
    let server = common::start().await;
    let (email, _) = person(&server, Role::Editor).await;
    let by = editor(&server, &email).await;
    save(&server, &by, "Fictional wording", |r| {
        r.summary = Some("A fictional, anonymous, telephone helpline used only in tests.".into());
        r.title = format!("Fictional Helpline One {HOSTILE_SCRIPT}");
        r.contact.phones.push(HOSTILE_ATTR.into());
    })
    .await;
    let (_, reviewer) = person(&server, Role::Reviewer).await;
    let path = "/admin/records/fictional-helpline-one/diff?from=1&to=2";
    let (status, html) = get_text(&server, path, &reviewer).await;
    assert_eq!(status, StatusCode::OK, "{html}");

    // Exactly the changed words are marked, with a hidden word before them.
    assert!(html.contains(
        "A fictional, <span class=\"visually-hidden\">[removed: </span><del>confidential</del><span class=\"visually-hidden\">]</span><span class=\"visually-hidden\">[added: </span><ins>anonymous,</ins><span class=\"visually-hidden\">]</span> telephone helpline used only in tests."
    ), "{html}");
    assert!(html.contains(
        "Fictional Helpline One<span class=\"visually-hidden\">[added: </span><ins> &#60;script&#62;alert(1)&#60;/script&#62;</ins>"
    ), "{html}");
    assert!(
        html.contains("<ins>\n&#34;&#62;&#60;img src=x onerror=alert(1)&#62;</ins>"),
        "{html}"
    );
    // One <del> and three <ins> in the changes, plus one of each in the legend.
    assert_eq!(html.matches("<del>").count(), 2, "{html}");
    assert_eq!(html.matches("<ins>").count(), 4, "{html}");
    // Stored text never appears raw.
    for raw in [HOSTILE_SCRIPT, HOSTILE_ATTR, "<img"] {
        assert!(!html.contains(raw), "{raw} raw in the page");
    }
    // Changed fields first, the rest folded away.
    let changed = html.find("Changed fields (3)").expect("changed heading");
    let details = html.find("<details>").expect("details");
    assert!(changed < details);
    assert!(html[details..].contains("Section: Description of the intervention"));

    // The same revision on both sides: nothing differs.
    let (status, html) = get_text(
        &server,
        "/admin/records/fictional-helpline-one/diff?from=2&to=2",
        &reviewer,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nothing differs"));

    for (path, expected) in [
        (
            "/admin/records/fictional-helpline-one/diff",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/admin/records/fictional-helpline-one/diff?from=x&to=2",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/admin/records/fictional-helpline-one/diff?from=0&to=2",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/admin/records/fictional-helpline-one/diff?from=1&to=9",
            StatusCode::NOT_FOUND,
        ),
        (
            "/admin/records/no-such-record/diff?from=1&to=1",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, _) = get_text(&server, path, &reviewer).await;
        assert_eq!(status, expected, "{path}");
    }

    // The history page escapes the hostile title too.
    let (_, html) = get_text(&server, HISTORY, &reviewer).await;
    assert!(!html.contains(HOSTILE_SCRIPT));
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
}

#[tokio::test]
async fn a_provider_sees_no_confidential_address_of_another_organisation() {
    let server = common::start().await;
    let (email, _) = person(&server, Role::Editor).await;
    let by = editor(&server, &email).await;
    let slug = "fictional-group-programme-two";
    let stored = server.store.get(slug).await.expect("get").expect("record");
    let mut record = stored.record;
    record.summary = Some("A changed fictional summary.".into());
    server
        .store
        .save_record(
            &RecordEdit {
                record,
                base_revision: Some(stored.revision),
                summary: "Fictional change".into(),
            },
            &by,
        )
        .await
        .expect("save");
    let path = format!("/admin/records/{slug}/diff?from=1&to=2");
    let (_, provider) = person(&server, Role::Provider).await;
    // Another organisation's record is not a provider's to read on the staff pages at all.
    let (status, html) = get_text(&server, &path, &provider).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!html.contains(common::CONFIDENTIAL_ADDRESS), "{html}");
    assert!(html.contains("another organisation"), "{html}");
    let (_, reviewer) = person(&server, Role::Reviewer).await;
    let (_, html) = get_text(&server, &path, &reviewer).await;
    assert!(html.contains(common::CONFIDENTIAL_ADDRESS));
}

#[tokio::test]
async fn restoring_saves_the_old_content_as_a_new_revision_and_refuses_a_stale_base() {
    let server = common::start().await;
    let (email, signed) = person(&server, Role::Editor).await;
    let by = editor(&server, &email).await;
    save(&server, &by, "Fictional rename", |r| {
        r.title = "Fictional Helpline Renamed".into();
        r.summary = None;
    })
    .await;

    let revert = "/admin/records/fictional-helpline-one/revert";
    let response = post(
        &server,
        revert,
        &signed,
        &[("revision", "1"), ("base_revision", "2")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{HISTORY}?done=reverted"));
    let revisions = server.store.revisions(SLUG).await.expect("revisions");
    assert_eq!(revisions.len(), 3);
    assert_eq!(revisions[2].record, revisions[0].record);
    assert_eq!(revisions[2].summary, "Reverted to revision 1");
    assert_eq!(revisions[2].author, email);
    let (_, html) = get_text(&server, &format!("{HISTORY}?done=reverted"), &signed).await;
    assert!(html.contains("saved as a new revision"));

    // The page was opened at revision 2; the record is at 3 now.
    let response = post(
        &server,
        revert,
        &signed,
        &[("revision", "2"), ("base_revision", "2")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("Someone changed this record meanwhile"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{HISTORY}\"")));
    assert_eq!(
        server.store.revisions(SLUG).await.expect("revisions").len(),
        3
    );

    for (pairs, expected) in [
        (
            vec![("revision", "x"), ("base_revision", "3")],
            StatusCode::BAD_REQUEST,
        ),
        (vec![("base_revision", "3")], StatusCode::BAD_REQUEST),
        (
            vec![("revision", "9"), ("base_revision", "3")],
            StatusCode::NOT_FOUND,
        ),
    ] {
        let response = post(&server, revert, &signed, &pairs).await;
        assert_eq!(response.status(), expected, "{pairs:?}");
    }
    let response = post(
        &server,
        "/admin/records/no-such-record/revert",
        &signed,
        &[("revision", "1"), ("base_revision", "1")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // A provider may not restore another organisation's record; a reviewer restores nothing.
    let (_, provider) = person(&server, Role::Provider).await;
    let response = post(
        &server,
        revert,
        &provider,
        &[("revision", "2"), ("base_revision", "3")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("own organisation"));
    let (_, reviewer) = person(&server, Role::Reviewer).await;
    let response = post(
        &server,
        revert,
        &reviewer,
        &[("revision", "2"), ("base_revision", "3")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        server.store.revisions(SLUG).await.expect("revisions").len(),
        3
    );
}

#[tokio::test]
async fn the_status_flow_needs_the_right_roles_and_four_eyes() {
    let server = common::start().await;
    let (admin_email, admin) = person(&server, Role::Admin).await;
    let (_, editor_session) = person(&server, Role::Editor).await;
    let (_, reviewer) = person(&server, Role::Reviewer).await;
    let (_, provider) = person(&server, Role::Provider).await;
    let by = editor(&server, &admin_email).await;
    let new_text = "A fictional summary that the public sees only after review.";
    save(&server, &by, "Fictional new summary", |r| {
        r.summary = Some(new_text.into());
    })
    .await;
    let public = server.get("/interventions/fictional-helpline-one").await;
    assert!(!public.text().await.expect("body").contains(new_text));

    let status = "/admin/records/fictional-helpline-one/status";
    // Draft: the provider (another organisation) may not submit; nobody may publish yet.
    let response = post(&server, status, &provider, &[("to", "in_review")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = post(&server, status, &editor_session, &[("to", "published")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = post(&server, status, &admin, &[("to", "made_up")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = post(&server, status, &admin, &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // The last author sends it for review…
    let response = post(&server, status, &admin, &[("to", "in_review")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{HISTORY}?done=status"));
    // …but may not publish it: no button, and a 403 with the reason.
    let (_, html) = get_text(&server, HISTORY, &admin).await;
    assert!(html.contains("Revision 2, In review"), "{html}");
    assert!(!html.contains("name=\"to\" value=\"published\""));
    assert!(html.contains("another reviewer must publish it"));
    let response = post(&server, status, &admin, &[("to", "published")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.expect("body").contains("last author"));
    // An editor may not publish at all.
    let response = post(&server, status, &editor_session, &[("to", "published")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Another reviewer sees the button and publishes.
    let (_, html) = get_text(&server, HISTORY, &reviewer).await;
    assert!(html.contains("name=\"to\" value=\"published\""), "{html}");
    assert!(html.contains("name=\"to\" value=\"draft\""));
    let response = post(&server, status, &reviewer, &[("to", "published")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = server.get("/interventions/fictional-helpline-one").await;
    assert_eq!(public.status(), StatusCode::OK);
    assert!(public.text().await.expect("body").contains(new_text));
    let (_, html) = get_text(&server, HISTORY, &reviewer).await;
    assert!(html.contains("Revision 2, Published"));
    assert!(html.contains("(the current revision)"));
    assert!(html.contains("name=\"to\" value=\"discontinued\""));
}

#[tokio::test]
async fn the_audit_log_pages_filters_and_exports_with_formulas_neutralised() {
    let server = common::start().await;
    let (admin_email, admin) = person(&server, Role::Admin).await;
    let (_, reviewer) = person(&server, Role::Reviewer).await;
    let (_, editor_session) = person(&server, Role::Editor).await;
    let by = editor(&server, &admin_email).await;
    save(
        &server,
        &by,
        "=HYPERLINK(\"http://fictional.example\")",
        |r| {
            r.title = "Fictional Helpline One, audited".into();
        },
    )
    .await;
    let response = post(
        &server,
        "/admin/records/fictional-helpline-one/status",
        &admin,
        &[("to", "in_review")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for subject in ["=1+1", "+fictional", "-fictional", "@fictional"] {
        server
            .store
            .append_audit(&NewAuditEntry {
                actor: Actor::Cli,
                action: AuditAction::RecordsImported,
                subject: subject.to_string(),
                detail: serde_json::json!({}),
            })
            .await
            .expect("append");
    }

    // CSV: the whole log, oldest first, as an attachment, formulas neutralised.
    let response = get(&server, "/admin/audit.csv", &admin).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    assert!(response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap_or_default()
        .starts_with("attachment; filename="));
    let body = response.text().await.expect("body");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        vec!["id", "at", "actor", "action", "subject", "detail"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r[0].parse().expect("id")).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let actions: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
    assert!(actions.contains(&"record_changed") && actions.contains(&"status_changed"));
    for row in &rows {
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} in the CSV");
        }
    }
    let subjects: Vec<&str> = rows.iter().map(|r| &r[4]).collect();
    for subject in ["'=1+1", "'+fictional", "'-fictional", "'@fictional"] {
        assert!(subjects.contains(&subject), "{subject}: {subjects:?}");
    }
    assert!(
        body.contains("HYPERLINK"),
        "the change summary is in the detail"
    );

    // JSON: one array of the same events.
    let response = get(&server, "/admin/audit.json", &admin).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap_or_default()
        .starts_with("attachment; filename="));
    let events: Vec<serde_json::Value> = response.json().await.expect("a JSON array");
    let json_ids: Vec<i64> = events
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(json_ids, ids);
    let changed = events
        .iter()
        .find(|e| e["action"] == "record_changed")
        .expect("record_changed");
    assert_eq!(changed["subject"], "intervention:fictional-helpline-one");
    assert!(events.iter().any(|e| e["action"] == "status_changed"
        && e["subject"] == "intervention:fictional-helpline-one"));
    assert!(
        events.iter().any(|e| e["subject"] == "=1+1"),
        "JSON keeps text as it is"
    );

    // Filters apply to the exports too.
    let response = get(&server, "/admin/audit.json?action=status_changed", &admin).await;
    let events: Vec<serde_json::Value> = response.json().await.expect("a JSON array");
    assert_eq!(events.len(), 1);

    // Nobody else may read the log.
    for signed in [&reviewer, &editor_session] {
        for path in ["/admin/audit", "/admin/audit.csv", "/admin/audit.json"] {
            let response = get(&server, path, signed).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
    }

    // The page: filters by kind and subject, and pages back through older events.
    let (status, html) = get_text(&server, "/admin/audit?action=status_changed", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<td>Status changed</td>"), "{html}");
    assert!(!html.contains("<td>Record changed</td>"));
    assert!(html.contains("<option value=\"status_changed\" selected>"));
    assert!(html.contains("href=\"/admin/audit.csv?action=status_changed\""));
    let (_, html) = get_text(&server, "/admin/audit?subject=%3D1%2B1", &admin).await;
    assert!(html.contains("1 event, newest first"), "{html}");
    let (status, _) = get_text(&server, "/admin/audit?action=made_up", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for i in 0..110 {
        server
            .store
            .append_audit(&NewAuditEntry {
                actor: Actor::Cli,
                action: AuditAction::RecordsImported,
                subject: format!("fictional:{i}"),
                detail: serde_json::json!({}),
            })
            .await
            .expect("append");
    }
    let (_, html) = get_text(&server, "/admin/audit", &admin).await;
    assert!(html.contains("100 events, newest first"));
    assert!(html.contains("fictional:109") && !html.contains("fictional:9<"));
    let start = html
        .find("href=\"/admin/audit?before=")
        .expect("older link")
        + 6;
    let older = html[start..].split('"').next().expect("href");
    let (status, html) = get_text(&server, older, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("fictional:9<"), "{html}");
    assert!(!html.contains("fictional:109"));
}
