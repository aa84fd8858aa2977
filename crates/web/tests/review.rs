//! The re-review queue (`/admin/review`) and "Reviewed, no change", over a real loopback
//! server and store whose "today" is fixed to June 2024.

mod common;

use common::staff::{add_user, client, request, sign_in, Signed};
use common::TestServer;
use preventory_core::accounts::Role;
use preventory_core::audit::AuditAction;
use preventory_core::{Intervention, PartialDate};
use preventory_store::accounts::AuditQuery;
use preventory_store::Store;
use preventory_web::SESSION_COOKIE;
use reqwest::header::{COOKIE, LOCATION};
use reqwest::{Method, StatusCode};

/// A copy of the first fictional record under another slug, dated `date` ("" for none).
fn dated(slug: &str, title: &str, date: &str) -> Intervention {
    Intervention {
        slug: slug.to_string(),
        title: title.to_string(),
        information_correct_at: (!date.is_empty())
            .then(|| PartialDate::parse_iso(date).expect("date")),
        ..common::helpline_one()
    }
}

/// The three standard records (2023-03, 2021-03, no date) and three at the boundaries.
async fn server() -> TestServer {
    common::start_with(vec![
        common::helpline_one(),
        common::group_programme_two(),
        common::hostile(),
        dated(
            "fictional-exactly-two-years",
            "Fictional Exactly Two Years",
            "2022-06",
        ),
        dated(
            "fictional-two-years-one-month",
            "Fictional Two Years One Month",
            "2022-05",
        ),
        dated("fictional-year-only", "Fictional Year Only", "2022"),
    ])
    .await
}

/// The queue's rows, in order: each record's slug and whether it is marked due.
async fn queue(server: &TestServer, signed: &Signed) -> Vec<(String, bool)> {
    let response = request(
        server,
        Method::GET,
        "/admin/review",
        Some(&signed.token),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    assert!(!html.contains("<script>alert(1)"), "titles are escaped");
    html.split("<tr id=\"record-")
        .skip(1)
        .map(|row| {
            let slug = row.split('"').next().expect("slug").to_string();
            let due = row.contains("<strong class=\"review-due\">Due</strong>");
            assert!(due || row.contains("Not due: "), "{row}");
            (slug, due)
        })
        .collect()
}

async fn press_reviewed(server: &TestServer, slug: &str, signed: &Signed) -> reqwest::Response {
    client()
        .post(server.url(&format!("/admin/records/{slug}/reviewed")))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .form(&[("csrf", signed.csrf.as_str())])
        .send()
        .await
        .expect("POST reviewed")
}

#[tokio::test]
async fn the_queue_puts_the_oldest_first_and_marks_what_is_due() {
    let server = server().await;
    let editor = sign_in(&server, &add_user(&server, "editor", Role::Editor).await).await;
    let rows = queue(&server, &editor).await;
    let expected = [
        ("hostile-record", true),                // never confirmed
        ("fictional-group-programme-two", true), // 2021-03: 39 months
        ("fictional-year-only", true),           // 2022 reads as January: 29 months
        ("fictional-two-years-one-month", true), // 2022-05: 25 months
        ("fictional-exactly-two-years", false),  // 2022-06: exactly 24 months
        ("fictional-helpline-one", false),       // 2023-03: 15 months
    ];
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|(slug, due)| (slug.to_string(), *due))
        .collect();
    assert_eq!(rows, expected);

    let html = request(
        &server,
        Method::GET,
        "/admin/review",
        Some(&editor.token),
        None,
    )
    .await
    .text()
    .await
    .expect("body");
    assert!(html.contains("<strong>4</strong> of 6 records are due."));
    assert!(html.contains("Today is June 2024."));
    assert!(html.contains("Due</strong>: 15 months overdue"));
    assert!(html.contains("Due</strong>: Never confirmed"));
    assert!(html.contains("Not due: Due in 1 month"));
    assert!(html.contains("href=\"/admin/records/fictional-helpline-one\""));
    assert!(html.contains("href=\"/admin/records/fictional-helpline-one/edit\""));
    assert!(html.contains("action=\"/admin/records/fictional-helpline-one/reviewed\""));
    assert!(html.contains("name=\"csrf\""));
}

#[tokio::test]
async fn reviewed_no_change_moves_a_record_out_of_due_without_a_revision() {
    let server = server().await;
    let reviewer = sign_in(
        &server,
        &add_user(&server, "reviewer", Role::Reviewer).await,
    )
    .await;
    let slug = "fictional-group-programme-two";
    let before = server.store.revisions(slug).await.expect("revisions").len();
    let stored_before = server.store.get(slug).await.expect("get").expect("record");

    let response = press_reviewed(&server, slug, &reviewer).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/admin/review");

    let rows = queue(&server, &reviewer).await;
    let row = rows.iter().find(|(s, _)| s == slug).expect("row");
    assert!(!row.1, "no longer due");
    // Confirmed now, so it sorts after every record confirmed before it.
    assert_eq!(rows.last().map(|(s, _)| s.as_str()), Some(slug));

    assert_eq!(
        server.store.revisions(slug).await.expect("revisions").len(),
        before,
        "no new revision"
    );
    let stored_after = server.store.get(slug).await.expect("get").expect("record");
    assert_eq!(stored_after.revision, stored_before.revision);
    assert_eq!(stored_after.record, stored_before.record);
    let events = server
        .store
        .list_audit(&AuditQuery {
            action: Some(AuditAction::RecordReviewed),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject, format!("intervention:{slug}"));
    let item = server
        .store
        .review_items()
        .await
        .expect("items")
        .into_iter()
        .find(|i| i.slug == slug)
        .expect("item");
    assert!(item.reviewed_at.is_some());
}

#[tokio::test]
async fn only_editors_reviewers_and_admins_use_the_queue() {
    let server = server().await;
    let provider = sign_in(
        &server,
        &add_user(&server, "provider", Role::Provider).await,
    )
    .await;
    let page = request(
        &server,
        Method::GET,
        "/admin/review",
        Some(&provider.token),
        None,
    )
    .await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let html = page.text().await.expect("body");
    assert!(html.contains("for editors and reviewers"), "{html}");
    let response = press_reviewed(&server, "fictional-helpline-one", &provider).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let admin = sign_in(&server, &add_user(&server, "boss", Role::Admin).await).await;
    assert_eq!(queue(&server, &admin).await.len(), 6);
    let response = press_reviewed(&server, "fictional-no-such-record", &admin).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let editor = sign_in(&server, &add_user(&server, "editor", Role::Editor).await).await;
    let response = press_reviewed(&server, "hostile-record", &editor).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Without the session's token, nothing happens.
    let response = client()
        .post(server.url("/admin/records/fictional-helpline-one/reviewed"))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", editor.token))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let events = server
        .store
        .list_audit(&AuditQuery {
            action: Some(AuditAction::RecordReviewed),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(events.len(), 1, "only the editor's press counted");
}
