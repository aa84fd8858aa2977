//! Staff sign-in and the `/admin` boundary, over a real loopback server and store: the session
//! cookie's flags, one generic failure message, the throttle, CSRF on every state change,
//! sign-out, a walk over every staff route, and no cookie on public pages.

mod common;

use common::staff::{
    add_user, client, cookie_value, login_form, post_login, request, set_cookie, set_cookies,
    sign_in, PASSWORD,
};
use preventory_core::accounts::{Actor, Email, Permission, Role};
use preventory_core::Vocabulary;
use preventory_store::accounts::AuditQuery;
use preventory_store::Store;
use preventory_web::{Access, ADMIN_ROUTES, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SIGN_IN_FAILED};
use reqwest::header::{COOKIE, LOCATION};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn signing_in_sets_a_strict_session_cookie_and_redirects() {
    let server = common::start().await;
    let email = add_user(&server, "editor", Role::Editor).await;
    let response = post_login(&server, &email.to_uppercase(), PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/admin");
    let line = set_cookie(&response, SESSION_COOKIE).expect("session cookie");
    for flag in [
        "Path=/admin;",
        "HttpOnly",
        "SameSite=Strict",
        "Max-Age=28800",
    ] {
        assert!(line.contains(flag), "{flag} missing in {line}");
    }
    assert!(!line.contains("Secure"), "plain HTTP: {line}");
    let token = cookie_value(&line);
    assert_eq!(token.len(), 64);
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "staff answers are never cached"
    );

    let page = request(&server, Method::GET, "/admin", Some(&token), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("body");
    assert!(html.contains("editor@example.org"), "{html}");
    assert!(html.contains("Editor"));
    assert!(!html.contains("/admin/audit"), "editors have no audit log");

    // Signing in again from the same browser rotates the session: the old token ends.
    let (nonce, csrf) = login_form(&server).await;
    let again = client()
        .post(server.url("/admin/login"))
        .header(
            COOKIE,
            format!("{LOGIN_CSRF_COOKIE}={nonce}; {SESSION_COOKIE}={token}"),
        )
        .form(&[
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("sign in again");
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let new_token = cookie_value(&set_cookie(&again, SESSION_COOKIE).expect("new cookie"));
    assert_ne!(new_token, token);
    let old = request(&server, Method::GET, "/admin", Some(&token), None).await;
    assert_eq!(old.status(), StatusCode::SEE_OTHER);
    assert_eq!(old.headers()[LOCATION], "/admin/login");
}

/// Served over TLS (behind a proxy that terminates it), both cookies are marked `Secure`.
#[tokio::test]
async fn secure_cookies_are_marked_secure() {
    let server =
        common::start_configured(Vec::new(), |state| state.with_secure_cookies(true)).await;
    let form = client()
        .get(server.url("/admin/login"))
        .send()
        .await
        .expect("login form");
    let login = set_cookie(&form, LOGIN_CSRF_COOKIE).expect("login CSRF cookie");
    assert!(login.contains("Secure"), "{login}");
    let email = add_user(&server, "editor", Role::Editor).await;
    let response = post_login(&server, &email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let line = set_cookie(&response, SESSION_COOKIE).expect("session cookie");
    assert!(line.contains("Secure"), "{line}");
}

#[tokio::test]
async fn failures_get_one_generic_message_and_no_cookie() {
    let server = common::start().await;
    let email = add_user(&server, "alice", Role::Editor).await;
    let disabled = add_user(&server, "gone", Role::Editor).await;
    let gone = server
        .store
        .find_user_by_email(&Email::parse(&disabled).expect("email"))
        .await
        .expect("find")
        .expect("user");
    server
        .store
        .set_user_disabled(gone.id, true, Actor::Cli)
        .await
        .expect("disable");
    for (email, password) in [
        (email.as_str(), "wrong password, long enough"),
        ("nobody@example.org", PASSWORD),
        (disabled.as_str(), PASSWORD),
        ("not an address", PASSWORD),
    ] {
        let response = post_login(&server, email, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
        assert!(set_cookie(&response, SESSION_COOKIE).is_none(), "{email}");
        let html = response.text().await.expect("body");
        assert!(html.contains(SIGN_IN_FAILED), "{email}: {html}");
        assert!(!html.contains(password), "the password is never echoed");
    }
    let failed = server
        .store
        .list_audit(&AuditQuery {
            action: Some(preventory_core::audit::AuditAction::LoginFailed),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(failed.len(), 4);
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_csrf_token() {
    let server = common::start().await;
    let email = add_user(&server, "carol", Role::Editor).await;
    let (nonce, csrf) = login_form(&server).await;
    let (other_nonce, _) = login_form(&server).await;
    for (cookie, token) in [
        (None, Some(csrf.as_str())),
        (Some(nonce.as_str()), None),
        (Some(nonce.as_str()), Some("0000")),
        (Some(other_nonce.as_str()), Some(csrf.as_str())),
    ] {
        let mut builder = client().post(server.url("/admin/login"));
        if let Some(nonce) = cookie {
            builder = builder.header(COOKIE, format!("{LOGIN_CSRF_COOKIE}={nonce}"));
        }
        let mut form = vec![("email", email.as_str()), ("password", PASSWORD)];
        if let Some(token) = token {
            form.push(("csrf", token));
        }
        let response = builder.form(&form).send().await.expect("POST");
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{cookie:?} {token:?}"
        );
        assert!(set_cookie(&response, SESSION_COOKIE).is_none());
    }
}

#[tokio::test]
async fn the_throttle_answers_429_with_the_same_message() {
    let server = common::start().await;
    let email = add_user(&server, "dave", Role::Editor).await;
    let limit = preventory_store::login::ThrottlePolicy::default().max_account_failures;
    for _ in 0..limit {
        let response = post_login(&server, &email, "not the password at all").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused, with the same words.
    let response = post_login(&server, &email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(&response, SESSION_COOKIE).is_none());
    let html = response.text().await.expect("body");
    assert!(html.contains(SIGN_IN_FAILED), "{html}");
}

#[tokio::test]
async fn logout_needs_the_csrf_token_and_ends_the_session() {
    let server = common::start().await;
    let email = add_user(&server, "erin", Role::Reviewer).await;
    let signed = sign_in(&server, &email).await;
    for wrong in [
        None,
        Some("nope"),
        Some(&signed.csrf[..signed.csrf.len() - 1]),
    ] {
        let response = request(
            &server,
            Method::POST,
            "/admin/logout",
            Some(&signed.token),
            wrong,
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{wrong:?}");
    }
    // The header works as well as the field; a wrong one is refused.
    let response = client()
        .post(server.url("/admin/logout"))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .header("x-csrf-token", "wrong")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Still signed in.
    let page = request(&server, Method::GET, "/admin", Some(&signed.token), None).await;
    assert_eq!(page.status(), StatusCode::OK);

    let response = request(
        &server,
        Method::POST,
        "/admin/logout",
        Some(&signed.token),
        Some(&signed.csrf),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/");
    let line = set_cookie(&response, SESSION_COOKIE).expect("cleared cookie");
    assert!(
        line.contains("Max-Age=0") && line.contains("Path=/admin"),
        "{line}"
    );
    let page = request(&server, Method::GET, "/admin", Some(&signed.token), None).await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    let logouts = server
        .store
        .list_audit(&AuditQuery {
            action: Some(preventory_core::audit::AuditAction::Logout),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(logouts.len(), 1);
}

/// A table path with its parameters filled in: a record every test server has, and number 1.
fn concrete(path: &str) -> String {
    path.replace("{slug}", "fictional-helpline-one")
        .replace("{id}", "1")
        .replace("{number}", "1")
        .replace("{from}", "1")
        .replace("{to}", "1")
}

/// Walks every staff route of the table: without a session it is refused (a redirect to the
/// sign-in page for GET, 401 otherwise); with a role lacking its permission, 403; with one
/// having it, neither. Routes not in the table (made-up paths, other methods) are refused
/// without a session and unreachable with one.
#[tokio::test]
async fn every_admin_route_refuses_no_session_and_a_too_low_role() {
    let server = common::start().await;
    let mut sessions = Vec::new();
    for role in Role::all() {
        let email = add_user(&server, role.id(), role).await;
        sessions.push((role, sign_in(&server, &email).await));
    }
    assert!(ADMIN_ROUTES.iter().any(|r| r.access == Access::Anyone));
    let mut refused_a_role = false;
    for route in ADMIN_ROUTES.iter() {
        let what = format!("{} {}", route.method, route.path);
        let Access::Staff(permission) = route.access else {
            assert!(route.path == "/admin/login", "{what}: only sign-in is open");
            continue;
        };
        let path = concrete(route.path);
        let path = path.as_str();
        let response = request(&server, route.method.clone(), path, None, None).await;
        if route.method == Method::GET {
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{what}");
            assert_eq!(response.headers()[LOCATION], "/admin/login", "{what}");
        } else {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        }
        // A made-up session token is no session.
        let response = request(
            &server,
            route.method.clone(),
            path,
            Some(&"ab".repeat(32)),
            None,
        )
        .await;
        assert!(
            matches!(
                response.status(),
                StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED
            ),
            "{what}"
        );

        if Role::all().iter().all(|r| r.allows(permission)) {
            // Every role has this permission (AccessAdmin): there is no too-low role.
            assert_eq!(permission, Permission::AccessAdmin, "{what}");
        }
        for (role, signed) in &sessions {
            // Sign-out would end the session the rest of the walk uses: it is tested alone.
            if route.path == "/admin/logout" {
                continue;
            }
            let response = request(
                &server,
                route.method.clone(),
                path,
                Some(&signed.token),
                Some(&signed.csrf),
            )
            .await;
            if role.allows(permission) {
                // Let through: the handler answers (an empty form may be a 400, a record the
                // person may not touch a 403 with its own words, checked below).
                let status = response.status();
                let refused_by_gate = status == StatusCode::UNAUTHORIZED
                    || response
                        .headers()
                        .get(LOCATION)
                        .is_some_and(|l| l == "/admin/login");
                assert!(!refused_by_gate, "{what} as {role:?}: {status}");
                if status == StatusCode::FORBIDDEN {
                    let html = response.text().await.expect("body");
                    assert!(
                        !html.contains("Your role does not give you access")
                            && !html.contains("security token"),
                        "{what} as {role:?}: refused by the gate"
                    );
                } else {
                    assert!(
                        status.is_success() || status.is_redirection() || status.is_client_error(),
                        "{what} as {role:?}: {status}"
                    );
                }
            } else {
                refused_a_role = true;
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{what} as {role:?}"
                );
                let html = response.text().await.expect("body");
                assert!(
                    html.contains("Your role does not give you access"),
                    "{html}"
                );
            }
        }
    }
    assert!(refused_a_role, "some route needs more than every role has");

    // Addresses under /admin that the table does not list: refused without a session, and
    // not found (or the wrong method) with one, whatever the role.
    let (_, admin) = sessions
        .iter()
        .find(|(r, _)| *r == Role::Admin)
        .expect("admin");
    for (method, path, signed_in) in [
        (Method::GET, "/admin/made-up", StatusCode::NOT_FOUND),
        (Method::POST, "/admin/made-up", StatusCode::NOT_FOUND),
        (Method::GET, "/admin/", StatusCode::NOT_FOUND),
        (Method::GET, "/admin/logout", StatusCode::METHOD_NOT_ALLOWED),
        (Method::DELETE, "/admin", StatusCode::METHOD_NOT_ALLOWED),
    ] {
        let anonymous = request(&server, method.clone(), path, None, None).await;
        let expected = if method == Method::GET {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(anonymous.status(), expected, "{method} {path}");
        let response = request(
            &server,
            method.clone(),
            path,
            Some(&admin.token),
            Some(&admin.csrf),
        )
        .await;
        assert_eq!(response.status(), signed_in, "{method} {path}");
    }
}

#[tokio::test]
async fn the_dashboard_differs_for_a_provider_and_an_admin() {
    let server = common::start().await;
    let provider = sign_in(&server, &add_user(&server, "prov", Role::Provider).await).await;
    let admin = sign_in(&server, &add_user(&server, "boss", Role::Admin).await).await;

    let html = request(&server, Method::GET, "/admin", Some(&provider.token), None)
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("prov@example.org") && html.contains("Service provider"));
    assert!(html.contains("Fictional Org"));
    assert!(!html.contains("/admin/audit"));
    let audit = request(
        &server,
        Method::GET,
        "/admin/audit",
        Some(&provider.token),
        None,
    )
    .await;
    assert_eq!(audit.status(), StatusCode::FORBIDDEN);

    let html = request(&server, Method::GET, "/admin", Some(&admin.token), None)
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("boss@example.org") && html.contains("Administrator"));
    assert!(html.contains("/admin/audit"));
    let audit = request(
        &server,
        Method::GET,
        "/admin/audit",
        Some(&admin.token),
        None,
    )
    .await;
    assert_eq!(audit.status(), StatusCode::OK);
    let html = audit.text().await.expect("body");
    assert!(html.contains("login_succeeded"), "{html}");
}

#[tokio::test]
async fn public_pages_set_no_cookie_even_when_signed_in() {
    let server = common::start().await;
    let signed = sign_in(&server, &add_user(&server, "pub", Role::Admin).await).await;
    for path in [
        "/",
        "/search?q=help",
        "/interventions/fictional-helpline-one",
        "/compare?slug=fictional-helpline-one&slug=fictional-group-programme-two",
        "/gap-map",
        "/gap-map.csv",
        "/gaps",
        "/strategy",
        "/signpost",
        "/help",
        "/api/v1/interventions",
        "/api/v1/interventions/fictional-helpline-one",
        "/api/v1/openapi.json",
        "/healthz",
        "/static/icon.svg",
        "/no-such-page",
        "/administration",
    ] {
        // A browser would not send the cookie here (Path=/admin); send it anyway.
        let response = request(&server, Method::GET, path, Some(&signed.token), None).await;
        assert!(set_cookies(&response).is_empty(), "{path} set a cookie");
        assert!(response.status() != StatusCode::SEE_OTHER, "{path}");
    }
    let response = client()
        .post(server.url("/signpost"))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .form(&[("csrf", "x")])
        .send()
        .await
        .expect("POST /signpost");
    assert!(set_cookies(&response).is_empty());
}
