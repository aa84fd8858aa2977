//! The staff side under `/admin`: sign-in, the session, and the gate every staff route passes.
//!
//! **One table.** [`ADMIN_ROUTES`] lists every staff route with its method and what it needs
//! ([`Access`]); [`router`] builds the staff routes from it and nothing else, and [`gate`],
//! which runs on every request under `/admin` (also ones no route matches), looks the request
//! up in it. A route that is not in the table is therefore refused like any staff page without
//! a session, and answered 404 (or 405) with one: it cannot be reached by anyone.
//!
//! **Sessions.** The cookie `preventory_session` holds the store's session token
//! (`Path=/admin; HttpOnly; SameSite=Strict; Max-Age`, and `Secure` with
//! [`AppState::with_secure_cookies`]); the store keeps only its hash, ends it when idle or old,
//! and rotates it at sign-in. Every state-changing request must carry the session's CSRF token
//! (form field `csrf`, or the `X-CSRF-Token` header), compared in constant time.
//!
//! **Sign-in CSRF.** Before there is a session, the sign-in form is protected by a double
//! submit: `GET /admin/login` sets a random nonce in the cookie `preventory_login_csrf`
//! (`Path=/admin/login`, short-lived) and puts a keyed hash of it in the form; the POST must
//! bring both. The key is the store's secret (through [`Store::login_keys`], under a
//! `login-csrf:` prefix no client key has), not one made per process: with several instances
//! behind a load balancer, a form served by one must be accepted by another, which a
//! per-process key would break.
//!
//! **Clients.** The throttle's client is the peer's IP address (never stored: the store keeps
//! only its keyed hash), or, behind proxies named with `serve --trusted-proxy`, the address
//! they forward ([`crate::client`]). Behind a proxy not named, every client shares the proxy's
//! address, so the per-client limit applies to everyone together; the per-account limit still
//! holds.

mod history;
mod records;
mod review;
mod submissions;

use crate::error::WebError;
use crate::pages::Chrome;
use crate::state::AppState;
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Form, Router};
use preventory_core::accounts::{Actor, Permission, Staff};
use preventory_core::audit::{user_subject, AuditAction};
use preventory_core::Vocabulary as _;
use preventory_store::accounts::{constant_time_eq, NewAuditEntry, Session, SessionLimits};
use preventory_store::editing::Editor;
use preventory_store::login::{sign_in, SignIn, SignInAttempt, ThrottlePolicy};
use preventory_store::StoredRecord;
use rand::RngCore;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "preventory_session";

/// The sign-in form's CSRF cookie's name.
pub const LOGIN_CSRF_COOKIE: &str = "preventory_login_csrf";

/// How long a sign-in form stays usable, in seconds.
const LOGIN_FORM_SECONDS: u64 = 60 * 60;

/// The one answer to a failed or throttled sign-in, whatever the reason.
pub const SIGN_IN_FAILED: &str =
    "The email or password is not right, or too many attempts were made. Try again later.";

/// Shown to a provider who asks for another organisation's record on a staff page.
pub(crate) const NOT_YOUR_RECORD: &str =
    "This record belongs to another organisation. Providers see only their own organisation's records.";

/// Shown when the sign-in form's token is missing or stale.
const LOGIN_FORM_EXPIRED: &str =
    "The sign-in form had expired. Please enter your email and password again.";

/// The most a state-changing staff request's body may hold (the CSRF check reads it whole).
pub(crate) const MAX_ADMIN_BODY: usize = 2 * 1024 * 1024;

/// Whether a path belongs to the staff side.
pub(crate) fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// What a staff route asks of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the sign-in form only.
    Anyone,
    /// A session whose role has this permission. [`Permission::AccessAdmin`] is held by every
    /// role, so routes needing only it cannot refuse a role (the route walk knows that).
    Staff(Permission),
}

/// One staff route.
#[derive(Clone)]
pub struct AdminRoute {
    /// The method (a GET also answers HEAD).
    pub method: Method,
    /// The path, as given to the router.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// The handler, bound to the method.
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

/// Every staff route: the sign-in and session routes here, then each part's own table. The
/// staff router is built from this table alone.
pub static ADMIN_ROUTES: std::sync::LazyLock<Vec<AdminRoute>> = std::sync::LazyLock::new(|| {
    let parts: [&[AdminRoute]; 5] = [
        SESSION_ROUTES,
        records::ROUTES,
        history::ROUTES,
        review::ROUTES,
        submissions::ROUTES,
    ];
    parts.into_iter().flatten().cloned().collect()
});

/// Sign-in, the dashboard and sign-out (the audit log is in `history`).
const SESSION_ROUTES: &[AdminRoute] = &[
    AdminRoute {
        method: Method::GET,
        path: "/admin/login",
        access: Access::Anyone,
        handler: |m| on(m, login_form),
    },
    AdminRoute {
        method: Method::POST,
        path: "/admin/login",
        access: Access::Anyone,
        handler: |m| on(m, login_submit),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, dashboard),
    },
    AdminRoute {
        method: Method::POST,
        path: "/admin/logout",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, logout),
    },
];

/// The staff routes, from [`ADMIN_ROUTES`].
pub(crate) fn router() -> Router<AppState> {
    let mut by_path: BTreeMap<&str, MethodRouter<AppState>> = BTreeMap::new();
    for route in ADMIN_ROUTES.iter() {
        let filter = MethodFilter::try_from(route.method.clone())
            .unwrap_or_else(|_| panic!("{} {}: unsupported method", route.method, route.path));
        let handler = (route.handler)(filter);
        let merged = match by_path.remove(route.path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        by_path.insert(route.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(path, methods)
        })
}

/// The signed-in person of a request that passed the [`gate`].
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    session: Session,
    token: String,
}

impl SignedIn {
    /// The person as the permission rules see them.
    pub(crate) fn staff(&self) -> Staff {
        self.session.user.staff()
    }

    /// The person as the store's editing methods name them (the author of a revision).
    pub(crate) fn editor(&self) -> Editor {
        Editor {
            staff: self.staff(),
            email: self.session.user.email.clone(),
        }
    }

    /// The current version of the record at `slug` for this person: 404 when there is none,
    /// 403 for a provider and another organisation's record ([`Staff::may_read`]).
    pub(crate) async fn readable_record(
        &self,
        state: &AppState,
        slug: &str,
    ) -> Result<StoredRecord, WebError> {
        let stored = state.store().get(slug).await?.ok_or(WebError::NotFound)?;
        if !self
            .staff()
            .may_read(stored.record.contact.organisation.as_deref())
        {
            return Err(WebError::Forbidden(NOT_YOUR_RECORD));
        }
        Ok(stored)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignedIn>()
            .cloned()
            .ok_or(WebError::SignInRequired)
    }
}

/// The value of a cookie, if the request has it.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Runs before every request under `/admin`: see the module's documentation.
pub(crate) async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_admin_path(request.uri().path()) {
        return next.run(request).await;
    }
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(response) => response,
    }
}

async fn check(state: &AppState, mut request: Request) -> Result<Request, Response> {
    let method = request.method().clone();
    let lookup = if method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let entry = path.as_deref().and_then(|p| {
        ADMIN_ROUTES
            .iter()
            .find(|r| r.path == p && r.method == lookup)
    });
    if entry.is_some_and(|r| r.access == Access::Anyone) {
        return Ok(request);
    }

    let token = cookie(request.headers(), SESSION_COOKIE);
    let session = match &token {
        Some(token) => state
            .store()
            .session_by_token(token)
            .await
            .map_err(|e| WebError::from(e).into_response())?,
        None => None,
    };
    let (Some(session), Some(token)) = (session, token) else {
        let mut response = if is_safe(&method) {
            Redirect::to("/admin/login").into_response()
        } else {
            WebError::SignInRequired.into_response()
        };
        if cookie(request.headers(), SESSION_COOKIE).is_some() {
            clear_session_cookie(state, response.headers_mut());
        }
        return Err(response);
    };

    let Some(entry) = entry else {
        // Not in the table: nobody may reach it.
        let other_method = path
            .as_deref()
            .is_some_and(|p| ADMIN_ROUTES.iter().any(|r| r.path == p));
        return Err(if other_method {
            WebError::MethodNotAllowed
        } else {
            WebError::NotFound
        }
        .into_response());
    };
    if let Access::Staff(permission) = entry.access {
        if !session.user.staff().can(permission) {
            return Err(WebError::Forbidden(
                "Your role does not give you access to this page. Ask an administrator if you need it.",
            )
            .into_response());
        }
    }

    if !is_safe(&method) {
        let header_token = request
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (parts, body) = request.into_parts();
        let bytes: Bytes = axum::body::to_bytes(body, MAX_ADMIN_BODY)
            .await
            .map_err(|_| WebError::PayloadTooLarge.into_response())?;
        let candidate = header_token.or_else(|| {
            form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.into_owned())
        });
        if !candidate.is_some_and(|c| session.csrf_matches(&c)) {
            return Err(WebError::Forbidden(
                "The form's security token was missing or wrong. Go back, reload the page and try again.",
            )
            .into_response());
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }

    request.extensions_mut().insert(SignedIn { session, token });
    Ok(request)
}

/// `; Secure` when the state says so.
fn secure(state: &AppState) -> &'static str {
    if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    }
}

fn set_cookie(headers: &mut HeaderMap, value: String) {
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.append(header::SET_COOKIE, value);
    }
}

fn clear_session_cookie(state: &AppState, headers: &mut HeaderMap) {
    set_cookie(
        headers,
        format!(
            "{SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0{}",
            secure(state)
        ),
    );
}

/// The sign-in form's token for a nonce: the store's keyed hash of it.
async fn login_token(state: &AppState, nonce: &str) -> Result<String, WebError> {
    let keys = state
        .store()
        .login_keys("", &format!("login-csrf:{nonce}"))
        .await?;
    Ok(keys.client)
}

#[derive(Template)]
#[template(path = "admin_login.html")]
struct LoginPage<'a> {
    chrome: Chrome,
    csrf: &'a str,
    email: &'a str,
    error: Option<&'a str>,
}

/// The sign-in page with a fresh nonce cookie, with `status`.
async fn login_page(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let csrf = login_token(state, &nonce).await?;
    let html = LoginPage {
        chrome: Chrome::new("Staff sign-in"),
        csrf: &csrf,
        email,
        error,
    }
    .render()?;
    let mut response = (status, Html(html)).into_response();
    set_cookie(
        response.headers_mut(),
        format!(
            "{LOGIN_CSRF_COOKIE}={nonce}; Path=/admin/login; HttpOnly; SameSite=Strict; Max-Age={LOGIN_FORM_SECONDS}{}",
            secure(state)
        ),
    );
    Ok(response)
}

async fn login_form(State(state): State<AppState>) -> Result<Response, WebError> {
    login_page(&state, StatusCode::OK, "", None).await
}

/// The sign-in form as posted.
#[derive(serde::Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = match cookie(&headers, LOGIN_CSRF_COOKIE) {
        Some(nonce) => Some(login_token(&state, &nonce).await?),
        None => None,
    };
    if !expected.is_some_and(|e| constant_time_eq(e.as_bytes(), form.csrf.as_bytes())) {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            &form.email,
            Some(LOGIN_FORM_EXPIRED),
        )
        .await;
    }
    let peer = peer.map(|axum::Extension(ConnectInfo(addr))| addr.ip());
    let client = match state.client_ip(peer, &headers) {
        Some(ip) => format!("peer:{ip}"),
        None => "peer:unknown".to_string(),
    };
    let previous = cookie(&headers, SESSION_COOKIE);
    let attempt = SignInAttempt {
        email: &form.email,
        password: &form.password,
        client: &client,
        previous_token: previous.as_deref(),
    };
    let limits = SessionLimits::default();
    match sign_in(state.store(), attempt, &ThrottlePolicy::default(), limits).await? {
        SignIn::Success { session, .. } => {
            let mut response = Redirect::to("/admin").into_response();
            set_cookie(
                response.headers_mut(),
                format!(
                    "{SESSION_COOKIE}={}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={}{}",
                    session.token.expose(),
                    limits.lifetime.as_secs(),
                    secure(&state)
                ),
            );
            set_cookie(
                response.headers_mut(),
                format!(
                    "{LOGIN_CSRF_COOKIE}=; Path=/admin/login; HttpOnly; SameSite=Strict; Max-Age=0{}",
                    secure(&state)
                ),
            );
            Ok(response)
        }
        SignIn::Failed => {
            login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &form.email,
                Some(SIGN_IN_FAILED),
            )
            .await
        }
        SignIn::Throttled => {
            login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &form.email,
                Some(SIGN_IN_FAILED),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin_dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    email: &'a str,
    role: &'static str,
    organisation: Option<&'a str>,
    csrf: &'a str,
    can_review: bool,
    can_handle_submissions: bool,
    can_view_audit: bool,
}

async fn dashboard(signed_in: SignedIn) -> Result<Html<String>, WebError> {
    let user = &signed_in.session.user;
    let staff = user.staff();
    Ok(Html(
        DashboardPage {
            chrome: Chrome::new("Staff pages"),
            email: &user.email,
            role: user.role.label(),
            organisation: user.organisation.as_deref(),
            csrf: &signed_in.session.csrf_token,
            can_review: staff.can(Permission::Review) || staff.can(Permission::EditRecords),
            can_handle_submissions: staff.can(Permission::HandleSubmissions),
            can_view_audit: staff.can(Permission::ViewAudit),
        }
        .render()?,
    ))
}

async fn logout(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, WebError> {
    let user = signed_in.session.user.id;
    if state.store().delete_session(&signed_in.token).await? {
        state
            .store()
            .append_audit(&NewAuditEntry {
                actor: Actor::User(user),
                action: AuditAction::Logout,
                subject: user_subject(user),
                detail: serde_json::json!({}),
            })
            .await?;
    }
    let mut response = Redirect::to("/").into_response();
    clear_session_cookie(&state, response.headers_mut());
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("x_preventory_session=no; preventory_session=yes"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("yes"));
        assert_eq!(cookie(&headers, LOGIN_CSRF_COOKIE), None);
    }

    #[test]
    fn every_route_of_the_table_is_under_admin_and_unique() {
        for (i, route) in ADMIN_ROUTES.iter().enumerate() {
            assert!(is_admin_path(route.path), "{}", route.path);
            assert!(
                !ADMIN_ROUTES[..i]
                    .iter()
                    .any(|r| r.path == route.path && r.method == route.method),
                "{} {} twice",
                route.method,
                route.path
            );
        }
        assert!(!is_admin_path("/administration"));
    }
}
