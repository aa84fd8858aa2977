//! Privacy and security headers on every response, and a guarantee that no cookie is set.

use axum::extract::Request;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Only our own origin may supply anything; no inline scripts or styles, no framing, no
/// `<base>` tricks, and forms may only submit here.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'";

/// The headers every response carries, whatever produced it.
pub(crate) const HEADERS: [(HeaderName, &str); 6] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    // Visitors following a link to a service must not reveal which record they came from.
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        HeaderName::from_static("permissions-policy"),
        "interest-cohort=()",
    ),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

/// Adds the security headers, replacing any a handler set, and removes any `Set-Cookie`
/// outside the staff pages: the public site must be usable without leaving a trace a cookie
/// could carry. Staff pages (under `/admin`, see [`crate::admin`]) may set their session and
/// sign-in cookies, whose `Path=/admin…` keeps browsers from sending them anywhere else, and
/// are never cached.
pub(crate) async fn headers(request: Request, next: Next) -> Response {
    let staff = crate::admin::is_admin_path(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if staff {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else {
        headers.remove(header::SET_COOKIE);
    }
    response
}

/// Marks a response `Cache-Control: no-store`, so that neither the browser nor any cache on
/// the way keeps it. For the signposting form and its answers, which describe a person: the
/// answer page must not linger in a shared computer's cache or be shown again from it.
pub(crate) async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_one_line_with_single_spaces() {
        assert!(!CONTENT_SECURITY_POLICY.contains("  "));
        assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'self'; img-src 'self' data:;"));
        assert!(CONTENT_SECURITY_POLICY.ends_with("form-action 'self'"));
    }
}
