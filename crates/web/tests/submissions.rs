//! Public submissions (`/submit`) and their staff pages, over a real loopback server and store:
//! stored exactly, shown escaped, the honeypot, the per-client limit, field limits, the
//! same-origin check, no cookie, and editors turning submissions into drafts or rejecting them.

mod common;

use common::staff::{add_user, client, request, set_cookies, sign_in, Signed};
use common::TestServer;
use preventory_core::accounts::Role;
use preventory_core::audit::AuditAction;
use preventory_core::lifecycle::Status;
use preventory_core::record::section;
use preventory_core::Vocabulary;
use preventory_store::accounts::AuditQuery;
use preventory_store::editing::{Submission, SubmissionKind, SubmissionState};
use preventory_store::Store;
use preventory_web::SESSION_COOKIE;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, REFERER};
use reqwest::{Method, StatusCode};

/// Sends the public form with `fields`, and any extra headers.
async fn submit(
    server: &TestServer,
    fields: &[(&str, &str)],
    headers: &[(reqwest::header::HeaderName, &str)],
) -> reqwest::Response {
    let mut builder = client().post(server.url("/submit")).form(fields);
    for (name, value) in headers {
        builder = builder.header(name.clone(), *value);
    }
    builder.send().await.expect("POST /submit")
}

/// A plain, valid new-service suggestion.
fn new_service(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "new_service".to_string()),
        ("service_name", name.to_string()),
        ("organisation", "Fictional Outreach Trust".to_string()),
        (
            "details",
            "A fictional service, for tests only.".to_string(),
        ),
        ("website", String::new()),
    ]
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn stored(server: &TestServer) -> Vec<Submission> {
    server
        .store
        .list_submissions(None)
        .await
        .expect("list submissions")
}

/// A staff request carrying the session's CSRF token and `fields`.
async fn staff_post(
    server: &TestServer,
    path: &str,
    signed: &Signed,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("csrf", signed.csrf.as_str())];
    form.extend_from_slice(fields);
    client()
        .post(server.url(path))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .form(&form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

async fn staff_get(server: &TestServer, path: &str, signed: &Signed) -> reqwest::Response {
    request(server, Method::GET, path, Some(&signed.token), None).await
}

fn assert_no_store_no_cookie(what: &str, response: &reqwest::Response) {
    assert!(set_cookies(response).is_empty(), "{what} set a cookie");
    assert_eq!(
        response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}"
    );
}

#[tokio::test]
async fn a_hostile_submission_is_stored_exactly_and_shown_escaped_to_staff() {
    let server = common::start().await;
    let name = "<script>alert(1)</script> \"Quoted\" & 'single' — Ünïcødé 日本語 🙂";
    let line = "Line with <script>alert(2)</script>, \"quotes\", 'apostrophes' & ampersands — Ünïcødé 日本語 🙂\n\ttabbed\n";
    let details: String = line.chars().cycle().take(10_000).collect();
    assert_eq!(details.chars().count(), 10_000);
    let response = submit(
        &server,
        &[
            ("kind", "new_service"),
            ("service_name", name),
            ("organisation", "<b>Org</b> \"x\""),
            ("details", details.as_str()),
            ("contact_name", "Fictional Sender <i>"),
            ("contact_email", "sender@example.org"),
            ("website", ""),
        ],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store_no_cookie("POST /submit", &response);
    let thanks = response.text().await.expect("body");
    assert!(thanks.contains("Thank you for your suggestion"), "{thanks}");
    assert!(thanks.contains("An editor will read your suggestion"));

    let all = stored(&server).await;
    assert_eq!(all.len(), 1);
    let s = &all[0];
    assert_eq!(s.kind, SubmissionKind::NewService);
    assert_eq!(s.service_name, name);
    assert_eq!(s.details, details, "the details are stored exactly");
    assert_eq!(s.organisation.as_deref(), Some("<b>Org</b> \"x\""));
    assert_eq!(s.contact_name.as_deref(), Some("Fictional Sender <i>"));
    assert_eq!(s.contact_email.as_deref(), Some("sender@example.org"));
    assert_eq!(s.state, SubmissionState::Pending);
    assert_eq!(s.record_slug, None);

    let editor = sign_in(&server, &add_user(&server, "editor", Role::Editor).await).await;
    for path in [
        "/admin/submissions".to_string(),
        format!("/admin/submissions/{}", s.id),
    ] {
        let response = staff_get(&server, &path, &editor).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.expect("body");
        assert!(!html.contains("<script>alert"), "{path} is not escaped");
        assert!(!html.contains("<b>Org"), "{path}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}"
        );
    }
    let html = staff_get(&server, &format!("/admin/submissions/{}", s.id), &editor)
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("&#60;script&#62;alert(2)&#60;/script&#62;"));
    assert!(html.contains("sender@example.org") && html.contains("Fictional Sender &#60;i&#62;"));
    // The text, unescaped, is the details exactly: line breaks and tabs kept, no markup added.
    let marker = "<div class=\"submission-text\">";
    let start = html.find(marker).expect("text") + marker.len();
    let shown = &html[start..];
    let shown = &shown[..shown.find("</div>").expect("end")];
    let unescaped = shown
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&");
    assert_eq!(unescaped, details);
    assert!(html.contains("日本語 🙂"));
    assert!(html.contains("Turn into a draft") && html.contains("Reject"));
}

#[tokio::test]
async fn a_correction_names_a_public_record_prefilled_from_its_page() {
    let server = common::start().await;
    let page = server.get("/interventions/fictional-helpline-one").await;
    let html = page.text().await.expect("body");
    assert!(html.contains("href=\"/submit?record=fictional-helpline-one\""));

    let response = server.get("/submit?record=fictional-helpline-one").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store_no_cookie("GET /submit?record=", &response);
    let form = response.text().await.expect("body");
    assert!(form.contains("value=\"fictional-helpline-one\""));
    assert!(form.contains("id=\"kind-correction\" name=\"kind\" value=\"correction\" checked"));
    assert!(form.contains("value=\"Fictional Helpline One\""));
    assert!(form.contains("<meta name=\"referrer\" content=\"same-origin\">"));

    let response = submit(
        &server,
        &[
            ("kind", "correction"),
            (
                "record",
                "https://example.org/interventions/fictional-helpline-one",
            ),
            ("service_name", "Fictional Helpline One"),
            ("details", "The phone number changed."),
            ("website", ""),
        ],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let all = stored(&server).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].kind, SubmissionKind::Correction);
    assert_eq!(
        all[0].record_slug.as_deref(),
        Some("fictional-helpline-one")
    );

    // A record that does not exist, and a correction without a record.
    for (record, message) in [
        (
            "fictional-nothing-here",
            "There is no published record with this name",
        ),
        ("", "Say which record should be corrected"),
        ("not a record!", "This is not the address of a record"),
    ] {
        let response = submit(
            &server,
            &[
                ("kind", "correction"),
                ("record", record),
                ("service_name", "Something"),
                ("details", "Something is wrong."),
            ],
            &[],
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{record}");
        let html = response.text().await.expect("body");
        assert!(html.contains(message), "{record}: {html}");
        assert!(
            html.contains("href=\"#record\""),
            "{record}: the summary links the field"
        );
    }
    assert_eq!(stored(&server).await.len(), 1);
}

#[tokio::test]
async fn a_filled_honeypot_gets_the_same_answer_and_nothing_is_stored() {
    let server = common::start().await;
    let real = submit(&server, &borrowed(&new_service("Fictional Real One")), &[]).await;
    assert_eq!(real.status(), StatusCode::OK);
    let real_body = real.text().await.expect("body");

    let mut bot = new_service("Fictional Bot Service");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "https://spam.example".to_string()));
    let response = submit(&server, &borrowed(&bot), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store_no_cookie("honeypot", &response);
    assert_eq!(response.text().await.expect("body"), real_body);

    // Even with fields that would fail the checks.
    let response = submit(&server, &[("website", "x"), ("service_name", "")], &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.expect("body"), real_body);

    let all = stored(&server).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].service_name, "Fictional Real One");
    let received = server
        .store
        .list_audit(&AuditQuery {
            action: Some(AuditAction::SubmissionReceived),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(received.len(), 1);
}

#[tokio::test]
async fn the_sixth_submission_within_the_hour_is_refused() {
    let server = common::start().await;
    for i in 1..=5 {
        let response = submit(
            &server,
            &borrowed(&new_service(&format!("Fictional Service {i}"))),
            &[],
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "submission {i}");
    }
    let response = submit(&server, &borrowed(&new_service("Fictional Service 6")), &[]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_no_store_no_cookie("429", &response);
    assert_eq!(response.headers()["retry-after"], "3600");
    let html = response.text().await.expect("body");
    assert!(html.contains("Please try again later"), "{html}");
    assert_eq!(stored(&server).await.len(), 5);
}

#[tokio::test]
async fn fields_over_their_limits_or_unreadable_are_refused_by_name() {
    let server = common::start().await;
    let long_name = "n".repeat(201);
    let long_details = "d".repeat(10_001);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("kind", "new_service"),
                ("service_name", long_name.as_str()),
                ("details", "x"),
            ],
            "Name of the service must be at most 200 characters; it has 201.",
        ),
        (
            vec![
                ("kind", "new_service"),
                ("service_name", "Fine"),
                ("details", long_details.as_str()),
            ],
            "What should we add or correct? must be at most 10,000 characters; it has 10,001.",
        ),
        (
            vec![
                ("kind", "new_service"),
                ("service_name", "Bell\u{7} here"),
                ("details", "x"),
            ],
            "Name of the service must be one line of text without control characters",
        ),
        (
            vec![
                ("kind", "new_service"),
                ("service_name", "Fine"),
                ("details", "null \u{0} byte"),
            ],
            "What should we add or correct? contains control characters",
        ),
        (
            vec![
                ("kind", "new_service"),
                ("service_name", "Fine"),
                ("details", "x"),
                ("contact_email", "not an address"),
            ],
            "Enter an email address like name@example.org",
        ),
        (
            vec![("kind", "new_service"), ("details", "x")],
            "Enter the name of the service.",
        ),
        (
            vec![
                ("kind", "something"),
                ("service_name", "Fine"),
                ("details", "x"),
            ],
            "Choose whether you are telling us about a new service or a correction.",
        ),
    ];
    for (fields, message) in cases {
        let response = submit(&server, &fields, &[]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        assert_no_store_no_cookie("400", &response);
        let html = response.text().await.expect("body");
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("There is a problem"));
        assert!(html.contains("aria-invalid=\"true\"") || message.starts_with("Choose"));
    }

    // Bytes that are not UTF-8, sent as a browser never would.
    let response = client()
        .post(server.url("/submit"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("kind=new_service&service_name=%FF%FE&details=x")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("Name of the service: this text could not be read (it is not valid UTF-8)")
    );

    // Line breaks from a text area arrive as CR LF and are kept as LF; a form over the body
    // limit is refused whole.
    let response = submit(
        &server,
        &[
            ("kind", "new_service"),
            ("service_name", "Fine"),
            ("details", "one\r\ntwo\tthree"),
        ],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let huge = "x".repeat(200_000);
    let response = submit(
        &server,
        &[
            ("kind", "new_service"),
            ("service_name", "Fine"),
            ("details", huge.as_str()),
        ],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let response = client()
        .post(server.url("/submit"))
        .header(CONTENT_TYPE, "application/json")
        .body("{}")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let all = stored(&server).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].details, "one\ntwo\tthree");
}

#[tokio::test]
async fn a_post_from_another_origin_is_refused() {
    let server = common::start().await;
    let fields = new_service("Fictional Cross Site");
    let fields = borrowed(&fields);
    for (header, value) in [
        (ORIGIN, "https://evil.example".to_string()),
        (ORIGIN, "null".to_string()),
        (REFERER, "https://evil.example/page".to_string()),
        (ORIGIN, format!("{}.evil.example", server.base)),
    ] {
        let response = submit(&server, &fields, &[(header.clone(), value.as_str())]).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
        let html = response.text().await.expect("body");
        assert!(
            html.contains("can only be sent from its own page"),
            "{html}"
        );
    }
    assert!(stored(&server).await.is_empty());

    // The site's own origin, and its own page as the referrer.
    let response = submit(&server, &fields, &[(ORIGIN, server.base.as_str())]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let referer = server.url("/submit");
    let response = submit(&server, &fields, &[(REFERER, referer.as_str())]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(stored(&server).await.len(), 2);
}

#[tokio::test]
async fn the_form_sets_no_cookie_and_is_not_cached() {
    let server = common::start().await;
    let response = server.get("/submit").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_no_store_no_cookie("GET /submit", &response);
    common::assert_privacy_headers("GET /submit", &response);
    let html = response.text().await.expect("body");
    for needle in [
        "<form class=\"submit-form\" action=\"/submit\" method=\"post\"",
        "name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"",
        "Leave this field empty",
        "never published",
        "<label for=\"details\">",
        "<label for=\"contact_email\">",
    ] {
        assert!(html.contains(needle), "{needle} missing");
    }
    assert!(!html.contains("name=\"csrf\""), "no session, no token");
    let response = submit(
        &server,
        &borrowed(&new_service("Fictional Cookie Test")),
        &[],
    )
    .await;
    assert_no_store_no_cookie("POST /submit", &response);
}

#[tokio::test]
async fn an_editor_turns_a_new_service_into_a_draft() {
    let server = common::start().await;
    // Named like an existing record, so the draft needs a numbered slug.
    submit(
        &server,
        &borrowed(&new_service("Fictional Helpline One")),
        &[],
    )
    .await;
    let s = stored(&server).await.remove(0);
    let editor = sign_in(&server, &add_user(&server, "editor", Role::Editor).await).await;

    let response = staff_post(
        &server,
        &format!("/admin/submissions/{}/accept", s.id),
        &editor,
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/admin/records/fictional-helpline-one-2/edit"
    );

    let draft = server
        .store
        .get("fictional-helpline-one-2")
        .await
        .expect("get")
        .expect("the draft exists");
    assert_eq!(draft.status, Status::Draft);
    assert_eq!(draft.record.title, "Fictional Helpline One");
    assert_eq!(
        draft.record.contact.organisation.as_deref(),
        Some("Fictional Outreach Trust")
    );
    let description = &draft.record.sections[section::DESCRIPTION];
    assert!(description.starts_with("From a public submission received 20"));
    assert!(description.ends_with("A fictional service, for tests only."));
    let revisions = server
        .store
        .revisions("fictional-helpline-one-2")
        .await
        .expect("revisions");
    assert_eq!(
        revisions[0].summary,
        format!("Draft from submission #{}", s.id)
    );
    assert!(server
        .store
        .get_public("fictional-helpline-one-2")
        .await
        .expect("get_public")
        .is_none());
    let public = server.get("/interventions/fictional-helpline-one-2").await;
    assert_eq!(public.status(), StatusCode::NOT_FOUND);

    let s = server
        .store
        .get_submission(s.id)
        .await
        .expect("get")
        .expect("submission");
    assert_eq!(s.state, SubmissionState::Accepted);
    assert_eq!(s.draft_slug.as_deref(), Some("fictional-helpline-one-2"));

    // Dealt with: a second press is a conflict, and the page says what happened.
    for action in ["accept", "reject"] {
        let response = staff_post(
            &server,
            &format!("/admin/submissions/{}/{action}", s.id),
            &editor,
            &[("reason", "Duplicate")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{action}");
    }
    let html = staff_get(&server, &format!("/admin/submissions/{}", s.id), &editor)
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("href=\"/admin/records/fictional-helpline-one-2\""));
    assert!(html.contains("editor@example.org"));
    assert!(!html.contains("Turn into a draft</button>"));
}

#[tokio::test]
async fn a_correction_is_accepted_without_changing_the_record() {
    let server = common::start().await;
    submit(
        &server,
        &[
            ("kind", "correction"),
            ("record", "fictional-helpline-one"),
            ("service_name", "Fictional Helpline One"),
            ("details", "The opening hours changed."),
        ],
        &[],
    )
    .await;
    let s = stored(&server).await.remove(0);
    let before = server
        .store
        .get("fictional-helpline-one")
        .await
        .expect("get")
        .expect("record");
    let admin = sign_in(&server, &add_user(&server, "boss", Role::Admin).await).await;
    let response = staff_post(
        &server,
        &format!("/admin/submissions/{}/accept", s.id),
        &admin,
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/admin/records/fictional-helpline-one/edit"
    );
    let after = server
        .store
        .get("fictional-helpline-one")
        .await
        .expect("get")
        .expect("record");
    assert_eq!(after, before, "the record is left to the editor");
    let s = server
        .store
        .get_submission(s.id)
        .await
        .expect("get")
        .expect("submission");
    assert_eq!(s.state, SubmissionState::Accepted);
    assert_eq!(s.draft_slug.as_deref(), Some("fictional-helpline-one"));
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_is_audited() {
    let server = common::start().await;
    submit(&server, &borrowed(&new_service("Fictional Spam")), &[]).await;
    let s = stored(&server).await.remove(0);
    let editor = sign_in(&server, &add_user(&server, "editor", Role::Editor).await).await;
    let path = format!("/admin/submissions/{}/reject", s.id);

    for reason in ["", "   "] {
        let response = staff_post(&server, &path, &editor, &[("reason", reason)]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{reason:?}");
        let html = response.text().await.expect("body");
        assert!(html.contains("Give the reason for rejecting this submission."));
        assert!(html.contains("id=\"reason-error\""));
    }
    let too_long = "r".repeat(2001);
    let response = staff_post(&server, &path, &editor, &[("reason", too_long.as_str())]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(stored(&server).await[0].state, SubmissionState::Pending);

    let response = staff_post(
        &server,
        &path,
        &editor,
        &[("reason", "Not a prevention service <b>at all</b>.")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let s = server
        .store
        .get_submission(s.id)
        .await
        .expect("get")
        .expect("submission");
    assert_eq!(s.state, SubmissionState::Rejected);
    assert_eq!(
        s.reason.as_deref(),
        Some("Not a prevention service <b>at all</b>.")
    );
    let events = server
        .store
        .list_audit(&AuditQuery {
            action: Some(AuditAction::SubmissionRejected),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject, format!("submission:{}", s.id));

    let html = staff_get(&server, &format!("/admin/submissions/{}", s.id), &editor)
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("Not a prevention service &#60;b&#62;at all&#60;/b&#62;."));
    // Rejected ones leave the default (pending) list.
    let list = staff_get(&server, "/admin/submissions", &editor)
        .await
        .text()
        .await
        .expect("body");
    assert!(!list.contains("Fictional Spam"));
    let list = staff_get(&server, "/admin/submissions?state=rejected", &editor)
        .await
        .text()
        .await
        .expect("body");
    assert!(list.contains("Fictional Spam"));
}

#[tokio::test]
async fn providers_and_reviewers_cannot_see_or_handle_submissions() {
    let server = common::start().await;
    submit(&server, &borrowed(&new_service("Fictional Private")), &[]).await;
    let s = stored(&server).await.remove(0);
    for role in [Role::Provider, Role::Reviewer] {
        let signed = sign_in(&server, &add_user(&server, role.id(), role).await).await;
        for path in [
            "/admin/submissions".to_string(),
            format!("/admin/submissions/{}", s.id),
        ] {
            let response = staff_get(&server, &path, &signed).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
            let html = response.text().await.expect("body");
            assert!(!html.contains("Fictional Private"));
        }
        for action in ["accept", "reject"] {
            let response = staff_post(
                &server,
                &format!("/admin/submissions/{}/{action}", s.id),
                &signed,
                &[("reason", "no")],
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{role:?} {action}"
            );
        }
    }
    assert_eq!(stored(&server).await[0].state, SubmissionState::Pending);
}

/// Behind a proxy named as trusted, clients are told apart by `X-Forwarded-For`: one client's
/// limit does not stop another. From anyone else the header is ignored, so writing addresses
/// in it does not step around the limit.
#[tokio::test]
async fn clients_behind_a_trusted_proxy_have_their_own_limits_and_others_cannot_forge_one() {
    use preventory_web::client::TrustedProxies;
    let loopback: std::net::IpAddr = "127.0.0.1".parse().expect("address");
    let behind_proxy = common::start_configured(vec![common::helpline_one()], move |state| {
        state.with_trusted_proxies(TrustedProxies::new(vec![loopback]))
    })
    .await;
    let forwarded = reqwest::header::HeaderName::from_static("x-forwarded-for");
    for i in 1..=5 {
        let fields = new_service(&format!("Fictional Service {i}"));
        let response = submit(
            &behind_proxy,
            &borrowed(&fields),
            &[(forwarded.clone(), "198.51.100.1")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "submission {i}");
    }
    let fields = new_service("Fictional Service 6");
    let first_again = submit(
        &behind_proxy,
        &borrowed(&fields),
        &[(forwarded.clone(), "198.51.100.1")],
    )
    .await;
    assert_eq!(first_again.status(), StatusCode::TOO_MANY_REQUESTS);
    let another = submit(
        &behind_proxy,
        &borrowed(&fields),
        &[(forwarded.clone(), "198.51.100.2")],
    )
    .await;
    assert_eq!(
        another.status(),
        StatusCode::OK,
        "another client, its own limit"
    );

    // No proxy trusted: a forged header changes nothing.
    let direct = common::start().await;
    for i in 1..=6 {
        let fields = new_service(&format!("Fictional Service {i}"));
        let forged = format!("203.0.113.{i}");
        let response = submit(&direct, &borrowed(&fields), &[(forwarded.clone(), &forged)]).await;
        let expected = if i <= 5 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "forged submission {i}");
    }
}
