//! Saving records from the edit form, what the public sees of them, the change counter,
//! "reviewed, no change" and public submissions, in the SQLite adapter against real database
//! files in temporary directories.
//!
//! Every record, address and organisation here is fictional.

use preventory_core::accounts::{Actor, Email, Password, Role};
use preventory_core::audit::AuditAction;
use preventory_core::lifecycle::Status;
use preventory_core::{Contact, Intervention};
use preventory_store::accounts::{AuditQuery, NewUser, User};
use preventory_store::editing::{
    Editor, NewSubmission, RecordEdit, Resolution, SubmissionKind, SubmissionLimit, SubmissionState,
};
use preventory_store::password::hash_password;
use preventory_store::sqlite::SqliteStore;
use preventory_store::{ImportItem, Store, StoreError};
use std::time::Duration;
use tempfile::TempDir;

async fn open_temp() -> (TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("preventory.db"))
        .await
        .expect("open store");
    (dir, store)
}

async fn add_user(store: &SqliteStore, address: &str, role: Role, org: Option<&str>) -> Editor {
    let password = Password::new("fictional-passphrase-for-tests".to_string()).expect("password");
    let new = NewUser {
        email: Email::parse(address).expect("email"),
        password_hash: hash_password(&password).expect("hash"),
        role,
        organisation: org.map(str::to_string),
    };
    let user: User = store
        .create_user(&new, Actor::Cli)
        .await
        .expect("create user");
    Editor {
        staff: user.staff(),
        email: user.email,
    }
}

fn record(slug: &str, organisation: &str, summary: &str) -> Intervention {
    Intervention {
        slug: slug.to_string(),
        title: format!("Fictional service {slug}"),
        summary: Some(summary.to_string()),
        contact: Contact {
            organisation: Some(organisation.to_string()),
            ..Contact::default()
        },
        ..Intervention::default()
    }
}

async fn import(store: &SqliteStore, records: Vec<Intervention>) {
    let items = records
        .into_iter()
        .map(|record| ImportItem {
            source: format!("fictional/{}.json", record.slug),
            record,
        })
        .collect();
    store.import(items, "import").await.expect("import");
}

fn edit(record: Intervention, base: Option<i64>, summary: &str) -> RecordEdit {
    RecordEdit {
        record,
        base_revision: base,
        summary: summary.to_string(),
    }
}

async fn events(store: &SqliteStore, action: AuditAction) -> usize {
    store
        .list_audit(&AuditQuery {
            action: Some(action),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .expect("audit")
        .len()
}

#[tokio::test]
async fn a_saved_change_is_a_draft_until_another_person_publishes_it() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("one", "Fictional Trust", "Old text.")]).await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let reviewer = add_user(&store, "reviewer@example.org", Role::Reviewer, None).await;

    let changed = record("one", "Fictional Trust", "New text.");
    let saved = store
        .save_record(&edit(changed, Some(1), "Clearer summary"), &editor)
        .await
        .expect("save");
    assert_eq!(
        (saved.revision, saved.changed, saved.status),
        (2, true, Status::Draft)
    );

    // Staff see the change; the public still sees the published revision.
    let current = store.get("one").await.expect("get").expect("known");
    assert_eq!(current.record.summary.as_deref(), Some("New text."));
    assert_eq!(current.status, Status::Draft);
    let public = store
        .get_public("one")
        .await
        .expect("public")
        .expect("public");
    assert_eq!(public.record.summary.as_deref(), Some("Old text."));
    assert_eq!((public.revision, public.status), (1, Status::Published));

    let revisions = store.revisions("one").await.expect("revisions");
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1].author, "editor@example.org");
    assert_eq!(revisions[1].summary, "Clearer summary");

    // Four eyes: the editor cannot publish their own change (and has no right to anyway);
    // the reviewer can, once it is in review.
    store
        .set_status("one", Status::InReview, &editor.staff)
        .await
        .expect("submit");
    let refused = store
        .set_status("one", Status::Published, &editor.staff)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Transition(_))),
        "{refused:?}"
    );
    store
        .set_status("one", Status::Published, &reviewer.staff)
        .await
        .expect("publish");
    let public = store
        .get_public("one")
        .await
        .expect("public")
        .expect("public");
    assert_eq!(public.record.summary.as_deref(), Some("New text."));
    assert_eq!(public.revision, 2);
    assert_eq!(events(&store, AuditAction::RecordChanged).await, 1);
}

#[tokio::test]
async fn a_new_record_is_not_public_until_published() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let saved = store
        .save_record(
            &edit(
                record("fresh", "Fictional Trust", "Draft."),
                None,
                "New service",
            ),
            &editor,
        )
        .await
        .expect("save");
    assert_eq!((saved.revision, saved.status), (1, Status::Draft));
    assert!(store.get_public("fresh").await.expect("public").is_none());
    let changes = store.public_changes_since(0).await.expect("changes");
    assert!(changes.visible.is_empty());
    assert_eq!(changes.hidden, ["fresh"]);
    // Its slug is taken now.
    let again = store
        .save_record(
            &edit(record("fresh", "Fictional Trust", "Other."), None, "Again"),
            &editor,
        )
        .await;
    assert!(matches!(again, Err(StoreError::SlugTaken(_))), "{again:?}");
}

#[tokio::test]
async fn a_save_from_a_stale_revision_is_refused_and_writes_nothing() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("one", "Fictional Trust", "Start.")]).await;
    let first = add_user(&store, "first@example.org", Role::Editor, None).await;
    let second = add_user(&store, "second@example.org", Role::Editor, None).await;

    // Both start from revision 1 and save at the same moment: one wins.
    let a = edit(
        record("one", "Fictional Trust", "First's text."),
        Some(1),
        "A",
    );
    let b = edit(
        record("one", "Fictional Trust", "Second's text."),
        Some(1),
        "B",
    );
    let (ra, rb) = tokio::join!(
        store.save_record(&a, &first),
        store.save_record(&b, &second)
    );
    let (won, lost) = match (&ra, &rb) {
        (Ok(_), Err(_)) => ("First's text.", rb),
        (Err(_), Ok(_)) => ("Second's text.", ra),
        other => panic!("exactly one save must succeed: {other:?}"),
    };
    assert!(
        matches!(
            lost,
            Err(StoreError::Conflict {
                base: 1,
                current: 2,
                ..
            })
        ),
        "{lost:?}"
    );
    let stored = store.get("one").await.expect("get").expect("known");
    assert_eq!(stored.record.summary.as_deref(), Some(won));
    assert_eq!(store.revisions("one").await.expect("revisions").len(), 2);
}

#[tokio::test]
async fn providers_change_only_their_own_organisations_records_and_reviewers_none() {
    let (_dir, store) = open_temp().await;
    import(
        &store,
        vec![
            record("ours", "Fictional Trust", "Ours."),
            record("theirs", "Other Fictional Charity", "Theirs."),
        ],
    )
    .await;
    let provider = add_user(
        &store,
        "provider@example.org",
        Role::Provider,
        Some("Fictional Trust"),
    )
    .await;
    let reviewer = add_user(&store, "reviewer@example.org", Role::Reviewer, None).await;

    store
        .save_record(
            &edit(record("ours", "Fictional Trust", "Better."), Some(1), "Fix"),
            &provider,
        )
        .await
        .expect("own record");
    for (slug, org, by) in [
        ("theirs", "Other Fictional Charity", &provider),
        // Moving another organisation's record into one's own is refused as well.
        ("theirs", "Fictional Trust", &provider),
        ("ours", "Fictional Trust", &reviewer),
    ] {
        let result = store
            .save_record(&edit(record(slug, org, "Changed."), Some(1), "Try"), by)
            .await;
        assert!(
            matches!(result, Err(StoreError::NotAllowed(_))),
            "{slug} {org}: {result:?}"
        );
    }
    assert_eq!(store.revisions("theirs").await.expect("revisions").len(), 1);
}

#[tokio::test]
async fn identical_content_and_empty_summaries_write_nothing() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("one", "Fictional Trust", "Same.")]).await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let same = store
        .save_record(
            &edit(record("one", "Fictional Trust", "Same."), Some(1), "No-op"),
            &editor,
        )
        .await
        .expect("save");
    assert!(!same.changed);
    assert_eq!(
        same.status,
        Status::Published,
        "nothing changed, nothing to review"
    );
    let empty = store
        .save_record(
            &edit(record("one", "Fictional Trust", "Other."), Some(1), "  "),
            &editor,
        )
        .await;
    assert!(matches!(empty, Err(StoreError::Incomplete(_))), "{empty:?}");
    assert_eq!(store.revisions("one").await.expect("revisions").len(), 1);
    assert_eq!(events(&store, AuditAction::RecordChanged).await, 0);
}

#[tokio::test]
async fn the_change_counter_sees_status_changes_as_well_as_content() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("one", "Fictional Trust", "Text.")]).await;
    let reviewer = add_user(&store, "reviewer@example.org", Role::Reviewer, None).await;
    let before = store.latest_change_id().await.expect("change id");
    assert!(store
        .public_changes_since(before)
        .await
        .expect("changes")
        .visible
        .is_empty());

    store
        .set_status("one", Status::Discontinued, &reviewer.staff)
        .await
        .expect("discontinue");
    let after = store.latest_change_id().await.expect("change id");
    assert!(after > before, "a status change moves the counter");
    let changes = store.public_changes_since(before).await.expect("changes");
    assert_eq!(changes.visible.len(), 1);
    assert_eq!(changes.visible[0].status, Status::Discontinued);
    assert!(changes.hidden.is_empty());
    let page = store.public_records_after(None, 10).await.expect("page");
    assert_eq!(page.len(), 1, "a discontinued record stays public, marked");
}

#[tokio::test]
async fn reviewed_no_change_records_the_date_without_a_revision() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("one", "Fictional Trust", "Text.")]).await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let provider = add_user(
        &store,
        "provider@example.org",
        Role::Provider,
        Some("Fictional Trust"),
    )
    .await;
    let at = store.mark_reviewed("one", &editor).await.expect("reviewed");
    let items = store.review_items().await.expect("items");
    assert_eq!(items[0].reviewed_at.as_deref(), Some(at.as_str()));
    assert_eq!(items[0].revision, 1);
    assert_eq!(events(&store, AuditAction::RecordReviewed).await, 1);
    assert!(matches!(
        store.mark_reviewed("one", &provider).await,
        Err(StoreError::NotAllowed(_))
    ));
    assert!(matches!(
        store.mark_reviewed("nowhere", &editor).await,
        Err(StoreError::UnknownRecord(_))
    ));
}

fn submission(details: &str) -> NewSubmission {
    NewSubmission {
        kind: SubmissionKind::NewService,
        record_slug: None,
        service_name: "Fictional Listening Line".to_string(),
        organisation: Some("Fictional Trust".to_string()),
        details: details.to_string(),
        contact_name: None,
        contact_email: Some("someone@example.org".to_string()),
    }
}

#[tokio::test]
async fn submissions_are_kept_exactly_limited_per_client_and_resolved_once() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let limit = SubmissionLimit {
        max: 2,
        window: Duration::from_secs(3600),
    };
    let client = store
        .submission_client_key("peer:192.0.2.7")
        .await
        .expect("key");
    assert!(!client.contains("192.0.2.7"), "the address is never kept");
    let hostile = "<script>alert(1)</script>\"'; DROP TABLE submissions; --\u{7}é";
    let first = store
        .create_submission(&submission(hostile), &client, limit)
        .await
        .expect("first");
    store
        .create_submission(&submission("Second."), &client, limit)
        .await
        .expect("second");
    let third = store
        .create_submission(&submission("Third."), &client, limit)
        .await;
    assert!(
        matches!(third, Err(StoreError::TooManySubmissions)),
        "{third:?}"
    );
    let other = store
        .submission_client_key("peer:192.0.2.8")
        .await
        .expect("key");
    store
        .create_submission(&submission("Another client."), &other, limit)
        .await
        .expect("another client has its own limit");

    let stored = store
        .get_submission(first)
        .await
        .expect("get")
        .expect("known");
    assert_eq!(stored.details, hostile);
    assert_eq!(stored.state, SubmissionState::Pending);
    assert_eq!(
        store
            .list_submissions(Some(SubmissionState::Pending))
            .await
            .expect("list")
            .len(),
        3
    );

    let empty = store
        .resolve_submission(first, &Resolution::Rejected { reason: " ".into() }, &editor)
        .await;
    assert!(matches!(empty, Err(StoreError::Incomplete(_))), "{empty:?}");
    store
        .resolve_submission(
            first,
            &Resolution::Rejected {
                reason: "Not a prevention service.".into(),
            },
            &editor,
        )
        .await
        .expect("reject");
    let again = store
        .resolve_submission(
            first,
            &Resolution::Accepted {
                draft_slug: "x".into(),
            },
            &editor,
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::SubmissionResolved(_))),
        "{again:?}"
    );
    let stored = store
        .get_submission(first)
        .await
        .expect("get")
        .expect("known");
    assert_eq!(stored.state, SubmissionState::Rejected);
    assert_eq!(stored.reason.as_deref(), Some("Not a prevention service."));
    assert_eq!(events(&store, AuditAction::SubmissionReceived).await, 3);
    assert_eq!(events(&store, AuditAction::SubmissionRejected).await, 1);
}

#[tokio::test]
async fn an_import_is_audited_once_with_its_counts() {
    let (_dir, store) = open_temp().await;
    import(
        &store,
        vec![
            record("a", "Fictional Trust", "A."),
            record("b", "Fictional Trust", "B."),
        ],
    )
    .await;
    import(&store, vec![record("a", "Fictional Trust", "A.")]).await;
    let entries = store
        .list_audit(&AuditQuery {
            action: Some(AuditAction::RecordsImported),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(
        entries.len(),
        1,
        "an import that changed nothing is not an event"
    );
    assert_eq!(entries[0].detail["created"], 2);
}

#[tokio::test]
async fn accepting_a_submission_and_creating_its_draft_are_one_change() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let client = store
        .submission_client_key("peer:192.0.2.9")
        .await
        .expect("key");
    let id = store
        .create_submission(
            &submission("A fictional new service."),
            &client,
            SubmissionLimit {
                max: 5,
                window: Duration::from_secs(60),
            },
        )
        .await
        .expect("submission");
    let draft = |slug: &str| {
        edit(
            record(slug, "Fictional Trust", "From the public."),
            None,
            "Draft",
        )
    };

    let saved = store
        .accept_submission_as_draft(id, &draft("fictional-listening-line"), &editor)
        .await
        .expect("accept");
    assert_eq!((saved.revision, saved.status), (1, Status::Draft));
    let stored = store.get_submission(id).await.expect("get").expect("known");
    assert_eq!(stored.state, SubmissionState::Accepted);
    assert_eq!(
        stored.draft_slug.as_deref(),
        Some("fictional-listening-line")
    );

    // A second editor accepting it again makes no second draft: the whole change rolls back.
    let again = store
        .accept_submission_as_draft(id, &draft("fictional-listening-line-2"), &editor)
        .await;
    assert!(
        matches!(again, Err(StoreError::SubmissionResolved(_))),
        "{again:?}"
    );
    assert!(store
        .get("fictional-listening-line-2")
        .await
        .expect("get")
        .is_none());
    assert_eq!(events(&store, AuditAction::SubmissionAccepted).await, 1);
}
