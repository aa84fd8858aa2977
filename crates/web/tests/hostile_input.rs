//! Hostile input in every field of the edit form, over a real loopback server and a real
//! SQLite store: every text field the form offers gets script tags, attribute breakers and SQL
//! fragments (each field its own, numbered), then a 1 MB text and control characters. What a
//! field accepts is stored exactly; what it refuses is refused with a message at that field;
//! every page that shows the record (staff and, once published, public) shows it escaped;
//! nothing answers 500.
//!
//! Invalid UTF-8 in imports is refused with its file and line by the importer
//! (`cli/tests/cli.rs`, `formats/src/seed_text/lines.rs`).

mod common;

use common::forms::{form_fields, get, invalid_fields, load_form, post, set, with_action};
use common::staff::{add_user, sign_in, Signed};
use common::TestServer;
use preventory_core::accounts::{Email, Role, Staff};
use preventory_core::lifecycle::Status;
use preventory_store::Store;
use reqwest::StatusCode;

const SLUG: &str = "fictional-hostile-service";

/// The fictional record's rating differs from what its studies suggest, so a save needs the
/// editors' reason.
const JUSTIFICATION: &str = "Fictional reason: rated on evidence held outside this record.";

/// The hostile text for field number `i`: a script, an attribute breaker, an SQL fragment.
fn payload(i: usize) -> String {
    format!(
        "F{i}x <script>alert({i})</script> \"><img src=x onerror=alert({i})> '; DROP TABLE revisions; --"
    )
}

/// The names of the form's free-text fields: text inputs and text areas.
fn text_fields(html: &str) -> Vec<String> {
    let start = html.find("id=\"record-form\"").expect("the edit form");
    let end = html[start..].find("</form>").expect("end of form") + start;
    let form = &html[start..end];
    let mut names = Vec::new();
    for (open, _) in form.match_indices('<') {
        let tag = &form[open..form[open..].find('>').map_or(form.len(), |e| open + e)];
        let text_input = tag.starts_with("<input") && tag.contains("type=\"text\"");
        if text_input || tag.starts_with("<textarea") {
            if let Some(name) = tag
                .split(" name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
            {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The option values of the select named `name`, if the page has one.
fn select_options(html: &str, name: &str) -> Vec<String> {
    let wanted = format!(" name=\"{name}\"");
    let Some(at) = html.match_indices("<select ").map(|(i, _)| i).find(|&i| {
        html[i..]
            .split('>')
            .next()
            .is_some_and(|t| t.contains(&wanted))
    }) else {
        return Vec::new();
    };
    let end = html[at..].find("</select>").map_or(html.len(), |e| at + e);
    html[at..end]
        .split("<option")
        .skip(1)
        .filter_map(|o| o.split(" value=\"").nth(1))
        .filter_map(|v| v.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Panics if a page holds live markup made from the payloads.
fn assert_escaped(what: &str, html: &str) {
    for live in ["<script>alert", "<img src=x", "<img src=\"x\""] {
        assert!(!html.contains(live), "{what}: live markup {live:?}");
    }
}

async fn staff(server: &TestServer, email: &str) -> Staff {
    server
        .store
        .find_user_by_email(&Email::parse(email).expect("email"))
        .await
        .expect("find")
        .expect("exists")
        .staff()
}

/// Saves `fields` (pressing Save), and while the page refuses some fields, empties those
/// and tries again. Returns the names refused.
async fn save_dropping_refused(
    server: &TestServer,
    editor: &Signed,
    path: &str,
    fields: &mut Vec<(String, String)>,
) -> Vec<String> {
    let mut refused = Vec::new();
    for _ in 0..5 {
        let response = post(server, editor, path, &with_action(fields, "save")).await;
        let status = response.status();
        let html = response.text().await.expect("body");
        if status == StatusCode::SEE_OTHER {
            return refused;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {html}");
        assert_escaped("the refused form", &html);
        let invalid = invalid_fields(&html);
        assert!(!invalid.is_empty(), "a 400 names its fields: {html}");
        // The page keeps everything typed, so the next try starts from the page itself.
        *fields = form_fields(&html);
        for name in invalid {
            // A choice the row now needs (a study's design once it has text) takes the first
            // real option; a text field is emptied.
            let choice = select_options(&html, &name)
                .into_iter()
                .find(|v| !v.is_empty());
            set(fields, &name, choice.as_deref().unwrap_or(""));
            if !refused.contains(&name) {
                refused.push(name);
            }
        }
    }
    panic!("the form was still refused after emptying {refused:?}");
}

#[tokio::test]
async fn hostile_text_in_every_field_is_stored_exactly_and_shown_escaped() {
    let server = common::start().await;
    let editor_email = add_user(&server, "editor", Role::Editor).await;
    let reviewer_email = add_user(&server, "reviewer", Role::Reviewer).await;
    let editor = sign_in(&server, &editor_email).await;

    let page = get(&server, &editor, "/admin/records/new").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("body");
    let mut fields = form_fields(&html);
    let names: Vec<String> = text_fields(&html)
        .into_iter()
        .filter(|n| n != "slug")
        .collect();
    assert!(names.len() > 40, "the form offers every field: {names:?}");
    for (i, name) in names.iter().enumerate() {
        set(&mut fields, name, &payload(i));
    }
    set(&mut fields, "slug", SLUG);
    let refused = save_dropping_refused(&server, &editor, "/admin/records/new", &mut fields).await;
    eprintln!(
        "{} text fields; refused (a number, a date, a year… expected): {refused:?}",
        names.len()
    );
    assert!(
        refused.len() * 4 < names.len(),
        "most fields take free text: {refused:?}"
    );

    // Stored exactly: every accepted payload is in the stored record (or the revision's
    // summary), character for character.
    let stored = server.store.get(SLUG).await.expect("get").expect("created");
    let revisions = server.store.revisions(SLUG).await.expect("revisions");
    let json = serde_json::to_string(&stored.record).expect("JSON");
    for (i, name) in names.iter().enumerate() {
        if refused.contains(name) {
            continue;
        }
        let text = payload(i);
        let encoded = serde_json::to_string(&text).expect("JSON string");
        let inner = &encoded[1..encoded.len() - 1];
        assert!(
            json.contains(inner) || revisions.iter().any(|r| r.summary == text),
            "field {name} did not keep {text:?}"
        );
    }

    // Shown escaped on every staff page.
    for path in [
        format!("/admin/records/{SLUG}"),
        format!("/admin/records/{SLUG}/edit"),
        format!("/admin/records/{SLUG}/history"),
        "/admin/records".to_string(),
        "/admin/review".to_string(),
        "/admin/audit".to_string(),
    ] {
        let response = get(&server, &editor, &path).await;
        // The audit log is for admins: an editor is refused, which is no failure here.
        if path == "/admin/audit" {
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
            continue;
        }
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_escaped(&path, &response.text().await.expect("body"));
    }

    // Published, it is shown escaped on the public pages too.
    let editor_staff = staff(&server, &editor_email).await;
    let reviewer_staff = staff(&server, &reviewer_email).await;
    server
        .store
        .set_status(SLUG, Status::InReview, &editor_staff)
        .await
        .expect("submit");
    server
        .store
        .set_status(SLUG, Status::Published, &reviewer_staff)
        .await
        .expect("publish");
    for path in [
        format!("/interventions/{SLUG}"),
        "/search?q=F1x".to_string(),
        "/".to_string(),
        format!("/compare?slug={SLUG}&slug=fictional-helpline-one"),
    ] {
        let response = server.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_escaped(&path, &response.text().await.expect("body"));
    }
    let api = server.get(&format!("/api/v1/interventions/{SLUG}")).await;
    assert_eq!(api.status(), StatusCode::OK);
    let body: serde_json::Value = api.json().await.expect("JSON");
    assert_eq!(body["title"], stored.record.title);
}

#[tokio::test]
async fn a_megabyte_of_text_is_kept_and_a_larger_body_refused_without_harm() {
    let server = common::start().await;
    let editor_email = add_user(&server, "editor", Role::Editor).await;
    let editor = sign_in(&server, &editor_email).await;
    let path = "/admin/records/fictional-helpline-one/edit";

    let mut big = "A fictional line of text for a long description. ".repeat(25_000);
    big.push_str(&payload(0));
    assert!(big.len() > 1_000_000);
    let mut fields = load_form(&server, &editor, path).await;
    set(&mut fields, "section-description", &big);
    set(&mut fields, "change_summary", "A very long description");
    set(&mut fields, "rating_justification", JUSTIFICATION);
    let response = post(&server, &editor, path, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = server
        .store
        .get("fictional-helpline-one")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.record.section("description"), Some(big.as_str()));
    let view = get(&server, &editor, "/admin/records/fictional-helpline-one").await;
    assert_eq!(view.status(), StatusCode::OK);
    assert_escaped("the staff view", &view.text().await.expect("body"));

    // Past the staff body limit: refused whole, nothing stored.
    let revision = stored.revision;
    let mut fields = load_form(&server, &editor, path).await;
    set(
        &mut fields,
        "section-description",
        &"B".repeat(3 * 1024 * 1024),
    );
    set(&mut fields, "change_summary", "Too long");
    set(&mut fields, "rating_justification", JUSTIFICATION);
    let response = post(&server, &editor, path, &with_action(&fields, "save")).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let after = server
        .store
        .get("fictional-helpline-one")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(after.revision, revision);
}

#[tokio::test]
async fn control_characters_are_kept_or_refused_at_their_field_never_a_failure() {
    let server = common::start().await;
    let editor_email = add_user(&server, "editor", Role::Editor).await;
    let editor = sign_in(&server, &editor_email).await;
    let path = "/admin/records/fictional-helpline-one/edit";
    let odd = "Fictional\u{0}title\u{7}with \u{1b}[31mcontrols\u{7f} and \u{202e}bidi";
    let mut fields = load_form(&server, &editor, path).await;
    set(&mut fields, "title", odd);
    set(&mut fields, "section-description", odd);
    set(&mut fields, "change_summary", "Control characters");
    set(&mut fields, "rating_justification", JUSTIFICATION);
    let response = post(&server, &editor, path, &with_action(&fields, "save")).await;
    let status = response.status();
    let html = response.text().await.expect("body");
    let stored = server
        .store
        .get("fictional-helpline-one")
        .await
        .expect("get")
        .expect("stored");
    match status {
        StatusCode::SEE_OTHER => {
            assert_eq!(stored.record.title, odd);
            assert_eq!(stored.record.section("description"), Some(odd));
        }
        StatusCode::BAD_REQUEST => {
            let invalid = invalid_fields(&html);
            assert!(
                invalid
                    .iter()
                    .any(|n| n == "title" || n == "section-description"),
                "the refusal names the field: {invalid:?}"
            );
            assert_eq!(stored.revision, 1, "nothing stored");
        }
        other => panic!("control characters gave {other}: {html}"),
    }
    // Whatever was kept is shown without breaking the page.
    let view = get(&server, &editor, "/admin/records/fictional-helpline-one").await;
    assert_eq!(view.status(), StatusCode::OK);
}
