//! `POST /api/v1/signpost`: from what is known about a person to the services whose published
//! criteria they meet, with the reasons. Signposting, not an assessment of risk: every answer
//! carries the core's notice saying so.
//!
//! The profile travels in the body, never in the address, so it reaches no access log and no
//! browser history; it lives for the length of the request and the response is `no-store`
//! (the route's layer, see [`crate::router`]).
//!
//! No CSRF defence is needed: the endpoint changes nothing, the site has no sessions or
//! cookies that a forged request could ride on, and a cross-site page cannot read the answer
//! (no CORS headers are sent, and a JSON body needs a preflight that is never granted).

use super::schema;
use crate::error::WebError;
use crate::profile_input::{self, JSON};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use preventory_core::matching::Signposting;
use serde::Serialize;

/// At most this many results, helplines and services per relaxation are written out in an
/// answer (the first ones in order). Every record is judged whatever the limit, and the
/// counts cover them all.
pub(crate) const SIGNPOST_LIMIT: usize = 50;

/// The answer: the core's [`Signposting`] as it serialises, and the limit it was written out
/// to. Documented by [`schema::SignpostingSchema`].
#[derive(Debug, Serialize)]
pub(crate) struct SignpostResponse {
    #[serde(flatten)]
    answer: Signposting,
    limit: usize,
}

/// `POST /api/v1/signpost` with a JSON profile.
#[utoipa::path(
    post,
    path = "/api/v1/signpost",
    operation_id = "signpost",
    tag = "signposting",
    summary = "Services whose published criteria a person meets",
    description = "Signposting, **not an assessment of risk**: compares what is known about a \
        person with the eligibility criteria every published service states, and returns each \
        service as `eligible`, `possibly_eligible` (some criterion not known) or `ineligible`, \
        with one reason per criterion in plain words and the delivery formats that fit. Order: \
        eligible first, then possibly eligible, then not eligible; within each, strongest \
        evidence first, then services in the person's country, then those usable remotely, \
        then by title. Every field of the body may be left out or `null`: not known, which \
        never rules a service out. Unknown fields and unknown ids are client errors naming \
        the field. When nothing fits, `relaxations` says which single criterion, if it were \
        not a barrier, would open which services; `helplines` always lists the anonymous \
        phone and online services the person is not ineligible for. Every record is judged; \
        at most `limit` (50) results, helplines and services per relaxation are written out, \
        and `counts` covers all. The profile is neither stored nor logged, and the response \
        is `Cache-Control: no-store`. The body must be `application/json` of at most 16 KiB; \
        the endpoint takes no query parameters.",
    request_body(
        content = schema::SignpostRequestSchema,
        content_type = "application/json",
        description = "What is known about the person; every field may be left out.",
    ),
    responses(
        (status = 200, description = "Every service judged against the profile",
            body = schema::SignpostingSchema),
        (status = 400, description = "The body is not a valid profile (the detail names the \
            field), or a query parameter was given",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 16 KiB",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json",
            body = schema::Problem, content_type = "application/problem+json"),
        (status = 500, description = "Signposting failed on the server",
            body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn signpost(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SignpostResponse>, WebError> {
    if raw.is_some_and(|q| !q.is_empty()) {
        return Err(WebError::BadRequest(
            "this endpoint takes no query parameters; send the profile as a JSON body".into(),
        ));
    }
    profile_input::require_media_type(&headers, JSON)?;
    let body = profile_input::body(body)?;
    let profile = profile_input::profile_from_json(&body)?;
    let answer = state.signpost(profile, SIGNPOST_LIMIT).await?;
    Ok(Json(SignpostResponse {
        answer,
        limit: SIGNPOST_LIMIT,
    }))
}
