//! What the public record page says about a record's life, over a real loopback server and
//! store: when its public version last changed, that a discontinued service no longer runs,
//! and that a draft change stays private until it is published.

mod common;

use common::staff::add_user;
use preventory_core::accounts::{Email, Role, Staff};
use preventory_core::lifecycle::Status;
use preventory_store::editing::{Editor, RecordEdit};
use preventory_store::Store;
use reqwest::StatusCode;

const SLUG: &str = "fictional-helpline-one";

async fn person(server: &common::TestServer, name: &str, role: Role) -> (Staff, Editor) {
    let email = add_user(server, name, role).await;
    let user = server
        .store
        .find_user_by_email(&Email::parse(&email).expect("email"))
        .await
        .expect("find")
        .expect("exists");
    (
        user.staff(),
        Editor {
            staff: user.staff(),
            email: user.email.clone(),
        },
    )
}

async fn page(server: &common::TestServer) -> String {
    let response = server.get(&format!("/interventions/{SLUG}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("body")
}

/// The day the public page says the record last changed.
fn last_changed(html: &str) -> Option<String> {
    let needle = "Last changed on this site <time datetime=\"";
    let start = html.find(needle)? + needle.len();
    Some(html[start..start + 10].to_string())
}

#[tokio::test]
async fn the_page_says_when_its_public_version_changed_and_ignores_drafts() {
    let server = common::start().await;
    let (editor_staff, editor) = person(&server, "editor", Role::Editor).await;
    let (reviewer, _) = person(&server, "reviewer", Role::Reviewer).await;
    let imported = server.store.revisions(SLUG).await.expect("revisions");
    let html = page(&server).await;
    assert_eq!(
        last_changed(&html).as_deref(),
        Some(&imported[0].created_at[..10])
    );
    assert!(!html.contains("no longer runs"));

    // A saved change is a draft: the page keeps the published text and date.
    let mut changed = server
        .store
        .get(SLUG)
        .await
        .expect("get")
        .expect("stored")
        .record;
    changed.summary = Some("A fictional summary written later.".to_string());
    changed.rating_justification = Some("Fictional reason for the rating.".to_string());
    server
        .store
        .save_record(
            &RecordEdit {
                record: changed,
                base_revision: Some(1),
                summary: "New summary".to_string(),
            },
            &editor,
        )
        .await
        .expect("save");
    let html = page(&server).await;
    assert!(!html.contains("A fictional summary written later."));

    // Published by someone else, the page shows it, dated by its revision.
    server
        .store
        .set_status(SLUG, Status::InReview, &editor_staff)
        .await
        .expect("submit");
    server
        .store
        .set_status(SLUG, Status::Published, &reviewer)
        .await
        .expect("publish");
    // The search index (and so the page's neighbours) catches up within its check interval;
    // the page itself reads the store.
    let html = page(&server).await;
    assert!(html.contains("A fictional summary written later."));
    let revisions = server.store.revisions(SLUG).await.expect("revisions");
    assert_eq!(
        last_changed(&html).as_deref(),
        Some(&revisions[1].created_at[..10])
    );

    // Discontinued: still there, marked, and not offered for comparison.
    server
        .store
        .set_status(SLUG, Status::Discontinued, &reviewer)
        .await
        .expect("discontinue");
    let html = page(&server).await;
    assert!(
        html.contains("Discontinued.") && html.contains("no longer runs"),
        "{html}"
    );
}
