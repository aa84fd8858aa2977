//! One error type for every handler, and the middleware that turns errors into a friendly
//! page for people or an RFC 9457 problem document for API clients.
//!
//! A handler cannot know whether it is being asked for a page or for JSON without repeating
//! that decision everywhere, so [`WebError`] only decides the status and the public wording,
//! and [`error_pages`], which sees the request path, decides the format.

use crate::pages::Chrome;
use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use preventory_store::StoreError;
use std::borrow::Cow;

/// Everything that can go wrong while answering a request or running the server.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No record or page exists at the requested address.
    #[error("not found")]
    NotFound,
    /// The request was malformed; the message is shown to the client, so it must never echo
    /// internal details.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The address exists but does not accept this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is not in the format the address takes; the message says which it takes.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// The body is larger than the address takes.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A staff page asked for without a session (for methods other than GET, which are sent
    /// to the sign-in page instead).
    #[error("sign-in required")]
    SignInRequired,
    /// Signed in, but the role may not do this, or a form's CSRF token was missing or wrong;
    /// the message is shown to the person.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The store failed.
    #[error("store error: {0}")]
    Store(#[from] StoreError),
    /// The search index failed (the message is for the log, never for the client).
    #[error("search error: {0}")]
    Search(String),
    /// A template failed to render.
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    /// The listener or a connection failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// What the client may be told about an error: the status and plain words, nothing internal.
/// Travels from [`WebError::into_response`] to [`error_pages`] as a response extension.
#[derive(Debug, Clone)]
pub(crate) struct PublicError {
    pub status: StatusCode,
    pub detail: Cow<'static, str>,
}

impl PublicError {
    /// The public wording for a status when no more specific explanation exists.
    fn for_status(status: StatusCode) -> PublicError {
        let detail = match status {
            StatusCode::NOT_FOUND => {
                "There is no page at this address. The record may have been renamed or removed."
            }
            StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that kind of request.",
            StatusCode::BAD_REQUEST => "The request could not be understood.",
            StatusCode::PAYLOAD_TOO_LARGE => "The request is larger than this address accepts.",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "The request is not in a format this address accepts."
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                "The service is temporarily unavailable. Please try again in a little while."
            }
            s if s.is_server_error() => {
                "Something went wrong on our side. It has been logged. Please try again later."
            }
            _ => "The request could not be completed.",
        };
        PublicError {
            status,
            detail: Cow::Borrowed(detail),
        }
    }

    /// A short heading for people.
    fn heading(&self) -> &'static str {
        match self.status {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::BAD_REQUEST => "That request could not be understood",
            StatusCode::METHOD_NOT_ALLOWED => "That request is not supported here",
            StatusCode::UNAUTHORIZED => "Please sign in",
            StatusCode::FORBIDDEN => "You cannot do this here",
            StatusCode::PAYLOAD_TOO_LARGE => "That request is too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "That request is in the wrong format",
            StatusCode::SERVICE_UNAVAILABLE => "Temporarily unavailable",
            s if s.is_server_error() => "Something went wrong",
            _ => "That request could not be completed",
        }
    }
}

impl WebError {
    fn public(&self) -> PublicError {
        match self {
            WebError::NotFound => PublicError::for_status(StatusCode::NOT_FOUND),
            WebError::BadRequest(message) => PublicError {
                status: StatusCode::BAD_REQUEST,
                detail: Cow::Owned(message.clone()),
            },
            WebError::MethodNotAllowed => PublicError::for_status(StatusCode::METHOD_NOT_ALLOWED),
            WebError::UnsupportedMediaType(message) => PublicError {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                detail: Cow::Owned(message.clone()),
            },
            WebError::PayloadTooLarge => PublicError::for_status(StatusCode::PAYLOAD_TOO_LARGE),
            WebError::SignInRequired => PublicError {
                status: StatusCode::UNAUTHORIZED,
                detail: Cow::Borrowed("Staff pages need you to sign in first, at /admin/login."),
            },
            WebError::Forbidden(message) => PublicError {
                status: StatusCode::FORBIDDEN,
                detail: Cow::Borrowed(message),
            },
            WebError::Store(e) => store_error(e),
            WebError::Search(_) | WebError::Template(_) | WebError::Io(_) => {
                PublicError::for_status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// What the client may be told about a store error: refusals the person can act on get their
/// own status and the store's words (which name only what they sent); failures stay a 500.
fn store_error(error: &StoreError) -> PublicError {
    let status = match error {
        StoreError::UnknownRecord(_) | StoreError::UnknownSubmission(_) => StatusCode::NOT_FOUND,
        StoreError::Conflict { .. }
        | StoreError::SlugTaken(_)
        | StoreError::SubmissionResolved(_) => StatusCode::CONFLICT,
        StoreError::NotAllowed(_) | StoreError::Transition(_) => StatusCode::FORBIDDEN,
        StoreError::Incomplete(_) | StoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        StoreError::TooManySubmissions => StatusCode::TOO_MANY_REQUESTS,
        _ => return PublicError::for_status(StatusCode::INTERNAL_SERVER_ERROR),
    };
    PublicError {
        status,
        detail: Cow::Owned(error.to_string()),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let public = self.public();
        if public.status.is_server_error() {
            // The details stay in the log; the client only learns that something failed.
            tracing::error!(error = %self, "request failed");
        }
        // A bare response carrying the public error; `error_pages` gives it a body in the
        // format the route calls for. The plain text is what a client sees if this type is
        // ever used outside the router.
        let mut response = (public.status, public.detail.to_string()).into_response();
        response.extensions_mut().insert(public);
        response
    }
}

/// The fallback for addresses no route matches.
pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

/// The fallback for known addresses asked with an unsupported method.
pub(crate) async fn method_not_allowed() -> WebError {
    WebError::MethodNotAllowed
}

/// Is this request for the JSON API (and so wants errors as problem documents)?
fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Gives every error response a body in the right format: a friendly page for the site, a
/// problem document for the API. Also catches bare error responses made by layers (timeouts,
/// method routing) so that no visitor ever sees an empty error.
pub(crate) async fn error_pages(request: Request, next: Next) -> Response {
    let api = is_api_path(request.uri().path());
    let response = next.run(request).await;

    let public = match response.extensions().get::<PublicError>() {
        Some(public) => public.clone(),
        None if response.status().is_client_error() || response.status().is_server_error() => {
            if response.headers().contains_key(header::CONTENT_TYPE) {
                // A handler chose this body on purpose (e.g. the health check's plain text).
                return response;
            }
            PublicError::for_status(response.status())
        }
        None => return response,
    };

    let (mut parts, _old_body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.extensions.remove::<PublicError>();
    let (content_type, body) = if api {
        problem_body(&public)
    } else {
        html_body(&public)
    };
    parts.headers.insert(header::CONTENT_TYPE, content_type);
    Response::from_parts(parts, body)
}

/// An RFC 9457 problem document. `type` is `about:blank`, so `title` is the status phrase.
fn problem_body(public: &PublicError) -> (HeaderValue, Body) {
    let document = serde_json::json!({
        "type": "about:blank",
        "title": public.status.canonical_reason().unwrap_or("Error"),
        "status": public.status.as_u16(),
        "detail": public.detail,
    });
    (
        HeaderValue::from_static("application/problem+json"),
        Body::from(document.to_string()),
    )
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    detail: &'a str,
    status: u16,
}

fn html_body(public: &PublicError) -> (HeaderValue, Body) {
    let page = ErrorPage {
        chrome: Chrome::new(public.heading()),
        heading: public.heading(),
        detail: &public.detail,
        status: public.status.as_u16(),
    };
    match page.render() {
        Ok(html) => (
            HeaderValue::from_static("text/html; charset=utf-8"),
            Body::from(html),
        ),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            (
                HeaderValue::from_static("text/plain; charset=utf-8"),
                Body::from(public.detail.to_string()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_are_not_public() {
        let e = WebError::Io(std::io::Error::other("/secret/path/db.sqlite locked"));
        let public = e.public();
        assert_eq!(public.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!public.detail.contains("secret"));
    }

    #[test]
    fn only_api_paths_get_problem_documents() {
        assert!(is_api_path("/api/v1/interventions"));
        assert!(is_api_path("/api"));
        assert!(!is_api_path("/apiary"));
        assert!(!is_api_path("/interventions/api"));
    }
}
