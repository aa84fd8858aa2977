//! Staff accounts and sessions for tests: add an account, sign in through the real form, and
//! send requests with the session cookie and CSRF token.

use super::TestServer;
use preventory_core::accounts::{Actor, Email, Password, Role};
use preventory_store::accounts::NewUser;
use preventory_store::password::hash_password;
use preventory_store::Store;
use preventory_web::{LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};

pub const PASSWORD: &str = "correct horse battery staple";

/// A client that shows redirects instead of following them, and keeps no cookies.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `name@example.org` with `role` (providers get an organisation).
pub async fn add_user(server: &TestServer, name: &str, role: Role) -> String {
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
                role,
                organisation: (role == Role::Provider).then(|| "Fictional Org".to_string()),
            },
            Actor::Cli,
        )
        .await
        .expect("create user");
    email
}

pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("ASCII cookie").to_string())
        .collect()
}

/// The `Set-Cookie` line for `name`, if any.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// The cookie's value from its `Set-Cookie` line.
pub fn cookie_value(line: &str) -> String {
    let pair = line.split(';').next().expect("pair");
    pair.split_once('=').expect("=").1.to_string()
}

/// The value of the hidden `csrf` field of a page.
pub fn csrf_field(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    html[start..]
        .split('"')
        .next()
        .expect("csrf value")
        .to_string()
}

/// Fetches the sign-in form: its nonce cookie and its token.
pub async fn login_form(server: &TestServer) -> (String, String) {
    let response = client()
        .get(server.url("/admin/login"))
        .send()
        .await
        .expect("GET /admin/login");
    assert_eq!(response.status(), StatusCode::OK);
    let line = set_cookie(&response, LOGIN_CSRF_COOKIE).expect("login CSRF cookie");
    assert!(line.contains("Path=/admin/login"), "{line}");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Strict"),
        "{line}"
    );
    let nonce = cookie_value(&line);
    let html = response.text().await.expect("body");
    (nonce, csrf_field(&html))
}

/// Posts the sign-in form as a browser would.
pub async fn post_login(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    let (nonce, csrf) = login_form(server).await;
    client()
        .post(server.url("/admin/login"))
        .header(COOKIE, format!("{LOGIN_CSRF_COOKIE}={nonce}"))
        .form(&[("email", email), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .expect("POST /admin/login")
}

/// A signed-in session: its token and its CSRF token.
pub struct Signed {
    /// The session cookie's value.
    pub token: String,
    /// The session's CSRF token.
    pub csrf: String,
}

pub async fn sign_in(server: &TestServer, email: &str) -> Signed {
    let response = post_login(server, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email}");
    let token = cookie_value(&set_cookie(&response, SESSION_COOKIE).expect("session cookie"));
    let page = request(server, Method::GET, "/admin", Some(&token), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_field(&page.text().await.expect("body"));
    Signed { token, csrf }
}

/// A request with an optional session cookie and an optional form `csrf` field.
pub async fn request(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    csrf: Option<&str>,
) -> reqwest::Response {
    let mut builder = client().request(method.clone(), server.url(path));
    if let Some(token) = token {
        builder = builder.header(COOKIE, format!("{SESSION_COOKIE}={token}"));
    }
    if method != Method::GET && method != Method::HEAD {
        builder = builder.form(&[("csrf", csrf.unwrap_or(""))]);
    }
    builder
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}
