//! The staff record pages over a real loopback server and a real SQLite store: creating and
//! editing records through the form as a browser sends it (the form is read back from the
//! page's HTML), drafts that stay private until published, per-field validation that keeps
//! what was typed, previews that save nothing, who may edit what, two editors saving at once
//! (one wins, the other gets a merge page holding their text), CSRF, and the confidential
//! address kept to staff.

mod common;

use common::forms::{form_fields, get, load_form, post, set, value, with_action};
use common::staff::{add_user, sign_in, Signed, PASSWORD};
use common::{TestServer, CONFIDENTIAL_ADDRESS, HOSTILE_SCRIPT};
use preventory_core::accounts::{Actor, Email, Password, Role, Staff};
use preventory_core::lifecycle::Status;
use preventory_core::record::section;
use preventory_store::accounts::NewUser;
use preventory_store::password::hash_password;
use preventory_store::Store;
use reqwest::header::LOCATION;
use reqwest::StatusCode;

const HELPLINE: &str = "fictional-helpline-one";
const PROGRAMME: &str = "fictional-group-programme-two";

/// An account for a provider of `organisation`.
async fn add_provider(server: &TestServer, name: &str, organisation: &str) -> String {
    let email = format!("{name}@example.org");
    let password = Password::new(PASSWORD.to_string()).expect("password");
    let hash = tokio::task::spawn_blocking(move || hash_password(&password).expect("hash"))
        .await
        .expect("hash thread");
    server
        .store
        .create_user(
            &NewUser {
                email: Email::parse(&email).expect("email"),
                password_hash: hash,
                role: Role::Provider,
                organisation: Some(organisation.to_string()),
            },
            Actor::Cli,
        )
        .await
        .expect("create provider");
    email
}

async fn staff_of(server: &TestServer, email: &str) -> Staff {
    server
        .store
        .find_user_by_email(&Email::parse(email).expect("email"))
        .await
        .expect("find user")
        .expect("user exists")
        .staff()
}

async fn signed_in(server: &TestServer, name: &str, role: Role) -> (String, Signed) {
    let email = add_user(server, name, role).await;
    let signed = sign_in(server, &email).await;
    (email, signed)
}

async fn revision(server: &TestServer, slug: &str) -> i64 {
    server
        .store
        .get(slug)
        .await
        .expect("get")
        .expect("stored")
        .revision
}

// ---------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn an_editor_creates_a_record_that_stays_a_private_draft() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let mut fields = load_form(&server, &editor, "/admin/records/new").await;
    let title = format!("Fictional New Service {HOSTILE_SCRIPT}");
    // Leading and trailing space, a leading line break, CR LF and a hostile tag: kept as typed.
    let description = format!("\n  Indented first line {HOSTILE_SCRIPT}\r\n\r\n- a point  ");
    set(&mut fields, "slug", "fictional-new-service");
    set(&mut fields, "title", &title);
    set(&mut fields, "section-description", &description);
    set(
        &mut fields,
        "contact-phones",
        "0800 000 0001\n\n  0800 000 0002 ",
    );
    set(&mut fields, "change_summary", "Added a fictional service");
    let response = post(
        &server,
        &editor,
        "/admin/records/new",
        &with_action(&fields, "save"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/admin/records/fictional-new-service"
    );

    let stored = server
        .store
        .get("fictional-new-service")
        .await
        .expect("get")
        .expect("created");
    assert_eq!(stored.status, Status::Draft);
    assert_eq!(stored.revision, 1);
    assert_eq!(stored.record.title, title);
    assert_eq!(
        stored.record.section(section::DESCRIPTION),
        Some("\n  Indented first line <script>alert(1)</script>\n\n- a point  ")
    );
    assert_eq!(
        stored.record.contact.phones,
        vec!["0800 000 0001", "  0800 000 0002 "]
    );

    for path in [
        "/interventions/fictional-new-service",
        "/api/v1/interventions/fictional-new-service",
    ] {
        assert_eq!(
            server.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    // The staff view shows it, escaped; the edit form gives back exactly what was typed.
    let view = get(&server, &editor, "/admin/records/fictional-new-service").await;
    assert_eq!(view.status(), StatusCode::OK);
    let html = view.text().await.expect("body");
    assert!(html.contains("Draft"), "{html}");
    assert!(
        !html.contains(HOSTILE_SCRIPT),
        "unescaped text on the staff view"
    );
    assert!(html.contains("Fictional New Service"), "{html}");
    let again = load_form(
        &server,
        &editor,
        "/admin/records/fictional-new-service/edit",
    )
    .await;
    assert_eq!(value(&again, "title"), title);
    assert_eq!(
        value(&again, "section-description"),
        stored.record.section("description").unwrap_or_default()
    );
    assert_eq!(value(&again, "base_revision"), "1");

    // The same slug again is refused beside the slug box, keeping the text.
    set(&mut fields, "title", "Fictional Second Service");
    let response = post(
        &server,
        &editor,
        "/admin/records/new",
        &with_action(&fields, "save"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.expect("body");
    assert!(html.contains("href=\"#field-slug\""), "{html}");
    assert!(html.contains("Fictional Second Service"));
}

#[tokio::test]
async fn an_edit_is_a_draft_until_a_reviewer_publishes_it() {
    let server = common::start().await;
    let (editor_email, editor) = signed_in(&server, "editor", Role::Editor).await;
    let reviewer_email = add_user(&server, "reviewer", Role::Reviewer).await;
    let before = server
        .store
        .get(HELPLINE)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(before.status, Status::Published);

    let mut fields = load_form(&server, &editor, &format!("/admin/records/{HELPLINE}/edit")).await;
    assert_eq!(value(&fields, "base_revision"), before.revision.to_string());
    set(&mut fields, "summary", "An edited fictional summary.");
    // The fixture's rating differs from what its (absent) studies suggest: a reason is needed.
    set(
        &mut fields,
        "rating_justification",
        "A fictional reason for the rating.",
    );
    set(&mut fields, "change_summary", "New summary");
    let response = post(
        &server,
        &editor,
        &format!("/admin/records/{HELPLINE}/edit"),
        &with_action(&fields, "save"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        format!("/admin/records/{HELPLINE}")
    );

    let after = server
        .store
        .get(HELPLINE)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(after.revision, before.revision + 1);
    assert_eq!(after.status, Status::Draft);
    // Everything not touched came back from the page exactly as it was.
    let mut expected = common::helpline_one();
    expected.summary = Some("An edited fictional summary.".into());
    expected.rating_justification = Some("A fictional reason for the rating.".into());
    assert_eq!(after.record, expected);
    let revisions = server.store.revisions(HELPLINE).await.expect("revisions");
    let last = revisions.last().expect("a revision");
    assert_eq!(last.author, editor_email);
    assert_eq!(last.summary, "New summary");

    let public = server.get(&format!("/interventions/{HELPLINE}")).await;
    let html = public.text().await.expect("body");
    assert!(
        html.contains("A fictional, confidential telephone helpline"),
        "old text gone"
    );
    assert!(
        !html.contains("An edited fictional summary."),
        "draft shown to the public"
    );

    let editor_staff = staff_of(&server, &editor_email).await;
    let reviewer = staff_of(&server, &reviewer_email).await;
    server
        .store
        .set_status(HELPLINE, Status::InReview, &editor_staff)
        .await
        .expect("submit for review");
    server
        .store
        .set_status(HELPLINE, Status::Published, &reviewer)
        .await
        .expect("publish");
    let html = server
        .get(&format!("/interventions/{HELPLINE}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains("An edited fictional summary."),
        "published text missing"
    );
}

#[tokio::test]
async fn problems_are_shown_beside_each_field_and_nothing_typed_is_lost() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let path = format!("/admin/records/{HELPLINE}/edit");
    let mut fields = load_form(&server, &editor, &path).await;
    let typed_summary = format!("Half-typed {HOSTILE_SCRIPT} summary");
    set(&mut fields, "summary", &typed_summary);
    set(&mut fields, "information_correct_at", "some day");
    set(&mut fields, "reference-0-year", "twenty");
    set(&mut fields, "elig-age_min", "30");
    set(&mut fields, "elig-age_max", "20");
    let response = post(&server, &editor, &path, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.expect("body");
    assert!(html.contains("There is a problem"), "{html}");
    for field in [
        "information_correct_at",
        "reference-0-year",
        "elig-age_min",
        "rating_justification",
        "change_summary",
    ] {
        assert!(
            html.contains(&format!("href=\"#field-{field}\"")),
            "no summary link to {field}"
        );
        assert!(
            html.contains(&format!("id=\"field-{field}-error\"")),
            "no message beside {field}"
        );
        assert!(
            html.contains(&format!("aria-describedby=\"field-{field}-error\""))
                || html.contains(&format!("field-{field}-hint field-{field}-error")),
            "{field}'s message is not tied to it"
        );
    }
    assert!(!html.contains(HOSTILE_SCRIPT), "typed text not escaped");
    let kept = form_fields(&html);
    assert_eq!(value(&kept, "summary"), typed_summary);
    assert_eq!(value(&kept, "information_correct_at"), "some day");
    assert_eq!(value(&kept, "reference-0-year"), "twenty");
    assert_eq!(revision(&server, HELPLINE).await, 1, "nothing saved");
}

#[tokio::test]
async fn preview_and_added_rows_save_nothing() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let path = format!("/admin/records/{PROGRAMME}/edit");
    let mut fields = load_form(&server, &editor, &path).await;
    set(
        &mut fields,
        "summary",
        &format!("Previewed fictional summary {HOSTILE_SCRIPT}"),
    );
    let response = post(&server, &editor, &path, &with_action(&fields, "preview")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    assert!(html.contains("Preview of the public page"), "{html}");
    assert!(
        html.contains("<p class=\"lead\">Previewed fictional summary &"),
        "{html}"
    );
    assert!(!html.contains(HOSTILE_SCRIPT));
    // The preview is the public page: the confidential address stays out of it.
    let preview = &html[html.find("preview-frame").expect("preview")
        ..html.find("id=\"record-form\"").expect("form")];
    assert!(
        !preview.contains(CONFIDENTIAL_ADDRESS),
        "confidential address in the preview"
    );
    assert_eq!(
        value(&form_fields(&html), "summary"),
        format!("Previewed fictional summary {HOSTILE_SCRIPT}")
    );

    let rows = fields
        .iter()
        .filter(|(n, _)| n.ends_with("-text") && n.starts_with("reference-"))
        .count();
    let response = post(
        &server,
        &editor,
        &path,
        &with_action(&fields, "add:reference"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let added = form_fields(&response.text().await.expect("body"));
    let after = added
        .iter()
        .filter(|(n, _)| n.ends_with("-text") && n.starts_with("reference-"))
        .count();
    assert_eq!(after, rows + 1);
    assert_eq!(value(&added, "summary"), value(&fields, "summary"));

    assert_eq!(revision(&server, PROGRAMME).await, 1, "nothing saved");
    let record = server
        .store
        .get(PROGRAMME)
        .await
        .expect("get")
        .expect("stored")
        .record;
    assert_eq!(record, common::group_programme_two());
}

#[tokio::test]
async fn a_provider_edits_only_their_own_organisations_records() {
    let server = common::start().await;
    let email = add_provider(&server, "provider", "Fictional Helpline Trust").await;
    let provider = sign_in(&server, &email).await;

    let own = format!("/admin/records/{HELPLINE}/edit");
    let mut fields = load_form(&server, &provider, &own).await;
    set(&mut fields, "summary", "A provider's fictional summary.");
    set(&mut fields, "rating_justification", "A fictional reason.");
    set(&mut fields, "change_summary", "Updated our summary");
    let response = post(&server, &provider, &own, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = server
        .store
        .get(HELPLINE)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(
        stored.record.summary.as_deref(),
        Some("A provider's fictional summary.")
    );
    assert_eq!(stored.status, Status::Draft);

    // Handing their record to another organisation is refused, with the form kept.
    set(&mut fields, "base_revision", &stored.revision.to_string());
    set(
        &mut fields,
        "contact-organisation",
        "Another Fictional Organisation",
    );
    let response = post(&server, &provider, &own, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("href=\"#field-contact-organisation\""),
        "{html}"
    );
    assert_eq!(
        value(&form_fields(&html), "contact-organisation"),
        "Another Fictional Organisation"
    );

    // Another organisation's record: 403 for the form and for a save.
    let other = format!("/admin/records/{PROGRAMME}/edit");
    let response = get(&server, &provider, &other).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("another organisation"));
    let response = post(
        &server,
        &provider,
        &other,
        &with_action(&[("csrf".into(), provider.csrf.clone())], "save"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(revision(&server, PROGRAMME).await, 1);

    // Another organisation's record is not theirs to read on the staff pages at all (its
    // public page is, like anyone's), so neither an edit link nor a confidential address
    // can reach them.
    let view = get(&server, &provider, &format!("/admin/records/{PROGRAMME}")).await;
    assert_eq!(view.status(), StatusCode::FORBIDDEN);
    let html = view.text().await.expect("body");
    assert!(!html.contains(&other), "edit link offered");
    assert!(
        !html.contains(CONFIDENTIAL_ADDRESS),
        "providers cannot see confidential addresses"
    );
}

#[tokio::test]
async fn a_provider_keeps_a_confidential_address_they_cannot_see() {
    let server = common::start().await;
    let email = add_provider(&server, "provider", "Fictional Programme Service").await;
    let provider = sign_in(&server, &email).await;
    let path = format!("/admin/records/{PROGRAMME}/edit");
    let response = get(&server, &provider, &path).await;
    let html = response.text().await.expect("body");
    assert!(
        !html.contains(CONFIDENTIAL_ADDRESS),
        "address shown to a provider"
    );
    let mut fields = form_fields(&html);
    assert_eq!(value(&fields, "contact-address"), "");
    set(
        &mut fields,
        "title",
        "Fictional Group Programme Two, renamed",
    );
    set(&mut fields, "change_summary", "Renamed");
    let response = post(&server, &provider, &path, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let record = server
        .store
        .get(PROGRAMME)
        .await
        .expect("get")
        .expect("stored")
        .record;
    assert_eq!(record.title, "Fictional Group Programme Two, renamed");
    assert_eq!(record.contact, common::group_programme_two().contact);
}

#[tokio::test]
async fn a_reviewer_may_look_but_not_edit() {
    let server = common::start().await;
    let (_, reviewer) = signed_in(&server, "reviewer", Role::Reviewer).await;
    for path in [
        format!("/admin/records/{HELPLINE}/edit"),
        "/admin/records/new".to_string(),
    ] {
        let response = get(&server, &reviewer, &path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "GET {path}");
        let response = post(
            &server,
            &reviewer,
            &path,
            &[
                ("csrf".into(), reviewer.csrf.clone()),
                ("action".into(), "save".into()),
                ("title".into(), "Fictional".into()),
                ("change_summary".into(), "x".into()),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "POST {path}");
    }
    assert_eq!(revision(&server, HELPLINE).await, 1);
    let list = get(&server, &reviewer, "/admin/records").await;
    assert_eq!(list.status(), StatusCode::OK);
    let html = list.text().await.expect("body");
    assert!(
        html.contains(&format!("/admin/records/{HELPLINE}/history")),
        "{html}"
    );
    assert!(!html.contains("/edit\""), "edit links for a reviewer");
    let view = get(&server, &reviewer, &format!("/admin/records/{PROGRAMME}")).await;
    assert_eq!(view.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_editors_saving_at_once_lose_nothing() {
    let server = common::start().await;
    let (_, one) = signed_in(&server, "editor-one", Role::Editor).await;
    let (_, two) = signed_in(&server, "editor-two", Role::Editor).await;
    let path = format!("/admin/records/{PROGRAMME}/edit");
    let mut first = load_form(&server, &one, &path).await;
    let mut second = load_form(&server, &two, &path).await;
    assert_eq!(
        value(&first, "base_revision"),
        value(&second, "base_revision")
    );
    let text_one = "Fictional description written by editor one.";
    let text_two = "Fictional description written by editor two.";
    set(&mut first, "section-description", text_one);
    set(&mut first, "change_summary", "Editor one's description");
    set(&mut second, "section-description", text_two);
    set(&mut second, "change_summary", "Editor two's description");
    let (first, second) = (with_action(&first, "save"), with_action(&second, "save"));
    let (a, b) = tokio::join!(
        post(&server, &one, &path, &first),
        post(&server, &two, &path, &second),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let (winner_text, loser, loser_text, loser_page) = if a.status() == StatusCode::SEE_OTHER {
        (text_one, &two, text_two, b.text().await.expect("body"))
    } else {
        (text_two, &one, text_one, a.text().await.expect("body"))
    };
    let stored = server
        .store
        .get(PROGRAMME)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.revision, 2);
    assert_eq!(
        stored.record.section(section::DESCRIPTION),
        Some(winner_text)
    );

    // The merge page: both versions side by side, and the loser's form again.
    assert!(
        loser_page.contains("Someone else saved this record"),
        "{loser_page}"
    );
    assert!(loser_page.contains("Now stored: revision 2"));
    assert!(loser_page.contains(winner_text));
    let merge = form_fields(&loser_page);
    assert_eq!(value(&merge, "section-description"), loser_text);
    assert_eq!(value(&merge, "base_revision"), "2");

    // Saving the merge form again overwrites on purpose.
    let response = post(&server, loser, &path, &with_action(&merge, "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = server
        .store
        .get(PROGRAMME)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.revision, 3);
    assert_eq!(
        stored.record.section(section::DESCRIPTION),
        Some(loser_text)
    );
}

#[tokio::test]
async fn a_save_without_the_csrf_token_is_refused() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let path = format!("/admin/records/{PROGRAMME}/edit");
    let fields = load_form(&server, &editor, &path).await;
    let mut without: Vec<(String, String)> = fields
        .iter()
        .filter(|(n, _)| n != "csrf")
        .cloned()
        .collect();
    set(&mut without, "change_summary", "Sneaky");
    set(&mut without, "title", "Changed without a token");
    let response = post(&server, &editor, &path, &with_action(&without, "save")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("security token"));
    let mut wrong = without.clone();
    wrong.push(("csrf".into(), "0".repeat(editor.csrf.len())));
    let response = post(&server, &editor, &path, &with_action(&wrong, "save")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = post(
        &server,
        &editor,
        "/admin/records/new",
        &with_action(&without, "save"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(revision(&server, PROGRAMME).await, 1);
    assert_eq!(server.store.count().await.expect("count"), 3);
}

#[tokio::test]
async fn the_confidential_address_is_for_staff_only() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let view = get(&server, &editor, &format!("/admin/records/{PROGRAMME}")).await;
    assert_eq!(view.status(), StatusCode::OK);
    let html = view.text().await.expect("body");
    assert!(html.contains(CONFIDENTIAL_ADDRESS), "{html}");
    assert!(html.contains("confidential: staff only"), "{html}");
    let form = load_form(
        &server,
        &editor,
        &format!("/admin/records/{PROGRAMME}/edit"),
    )
    .await;
    assert!(value(&form, "contact-address").contains(CONFIDENTIAL_ADDRESS));

    for path in [
        format!("/interventions/{PROGRAMME}"),
        format!("/api/v1/interventions/{PROGRAMME}"),
    ] {
        let response = server.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response.text().await.expect("body");
        assert!(
            !body.contains(CONFIDENTIAL_ADDRESS),
            "{path} shows the address"
        );
        assert!(!body.contains("Confidential Fictional Lane"), "{path}");
    }
}

#[tokio::test]
async fn the_list_shows_every_record_with_its_state() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let response = get(&server, &editor, "/admin/records").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    for slug in [HELPLINE, PROGRAMME, "hostile-record"] {
        assert!(
            html.contains(&format!("href=\"/admin/records/{slug}\"")),
            "{slug}"
        );
        assert!(
            html.contains(&format!("href=\"/admin/records/{slug}/edit\"")),
            "{slug}"
        );
        assert!(
            html.contains(&format!("href=\"/admin/records/{slug}/history\"")),
            "{slug}"
        );
    }
    assert!(html.contains("Published"));
    assert!(!html.contains(HOSTILE_SCRIPT), "hostile title unescaped");
    let found = get(&server, &editor, "/admin/records?q=helpline").await;
    let html = found.text().await.expect("body");
    assert!(
        html.contains(HELPLINE) && !html.contains(PROGRAMME),
        "{html}"
    );
    assert_eq!(
        get(&server, &editor, "/admin/records/no-such-record")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&server, &editor, "/admin/records/no-such-record/edit")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_hostile_record_survives_an_untouched_save() {
    let server = common::start().await;
    let (_, editor) = signed_in(&server, "editor", Role::Editor).await;
    let path = "/admin/records/hostile-record/edit";
    let response = get(&server, &editor, path).await;
    let html = response.text().await.expect("body");
    assert!(
        !html.contains(HOSTILE_SCRIPT),
        "hostile text unescaped in the form"
    );
    let mut fields = form_fields(&html);
    set(&mut fields, "rating_justification", "A fictional reason.");
    set(&mut fields, "change_summary", "Reason for the rating");
    let response = post(&server, &editor, path, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut expected = common::hostile();
    expected.rating_justification = Some("A fictional reason.".into());
    let stored = server
        .store
        .get("hostile-record")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.record, expected);
}
