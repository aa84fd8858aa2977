//! Staff pages: what the public sent through `/submit` (see [`crate::pages::submit`]), for
//! editors to turn into a draft or reject.
//!
//! - `GET /admin/submissions`: the list, pending ones by default (`?state=` filters).
//! - `GET /admin/submissions/{id}`: one submission in full, with its two forms.
//! - `POST /admin/submissions/{id}/accept`: "Turn into a draft". A new service becomes a new
//!   draft record (never public until reviewed and published), its slug made from the service
//!   name. A correction changes nothing by itself: it is marked accepted for its record and the
//!   editor is sent to the record's edit form to apply it, since only a person can tell which
//!   parts of free text are right.
//! - `POST /admin/submissions/{id}/reject`: with a reason, required.
//!
//! Submitted text is shown escaped, like everything else (askama's autoescaping, no `|safe`);
//! line breaks are kept by CSS (`white-space: pre-wrap`), not by markup.
//!
//! Creating the draft and marking the submission accepted are two store calls, not one
//! transaction: the submission is checked to be pending first, so only two editors accepting
//! the same one at the same moment could leave an extra draft (the second is told by a 409; the
//! extra draft stays a draft, never public, in the record list).

use super::{AdminRoute, SignedIn};
use crate::error::WebError;
use crate::pages::{record_href, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::on;
use axum::Form;
use preventory_core::accounts::Permission;
use preventory_core::record::section;
use preventory_core::slug::{slugify, MAX_SLUG_LEN};
use preventory_core::{Contact, Intervention};
use preventory_store::editing::{
    Editor, RecordEdit, Resolution, Submission, SubmissionKind, SubmissionState,
};
use preventory_store::StoreError;
use std::collections::BTreeMap;

/// The routes of this part of the staff pages.
pub(super) const ROUTES: &[AdminRoute] = &[
    AdminRoute {
        method: axum::http::Method::GET,
        path: "/admin/submissions",
        access: super::Access::Staff(Permission::HandleSubmissions),
        handler: |m| on(m, list),
    },
    AdminRoute {
        method: axum::http::Method::GET,
        path: "/admin/submissions/{id}",
        access: super::Access::Staff(Permission::HandleSubmissions),
        handler: |m| on(m, detail),
    },
    AdminRoute {
        method: axum::http::Method::POST,
        path: "/admin/submissions/{id}/accept",
        access: super::Access::Staff(Permission::HandleSubmissions),
        handler: |m| on(m, accept),
    },
    AdminRoute {
        method: axum::http::Method::POST,
        path: "/admin/submissions/{id}/reject",
        access: super::Access::Staff(Permission::HandleSubmissions),
        handler: |m| on(m, reject),
    },
];

/// The longest rejection reason, as the store keeps it.
const MAX_REASON: usize = 2000;

/// How many numbered slugs (`name-2`, `name-3`, …) are tried before giving up.
const SLUG_ATTEMPTS: u32 = 100;

/// The section a new service's details go to.
const DETAILS_SECTION: &str = section::DESCRIPTION;

fn kind_label(kind: SubmissionKind) -> &'static str {
    match kind {
        SubmissionKind::NewService => "New service",
        SubmissionKind::Correction => "Correction",
    }
}

fn state_label(state: SubmissionState) -> &'static str {
    match state {
        SubmissionState::Pending => "Pending",
        SubmissionState::Accepted => "Turned into a draft",
        SubmissionState::Rejected => "Rejected",
    }
}

/// The date of an RFC 3339 time: `2024-06-03T10:00:00Z` → `2024-06-03`.
fn day(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// A submission's number from the path; anything else is no submission.
fn number(id: &str) -> Result<i64, WebError> {
    id.parse::<i64>().map_err(|_| WebError::NotFound)
}

// ---------------------------------------------------------------------------------------
// The list.

/// One line of the list.
struct Row {
    id: i64,
    received: String,
    kind: &'static str,
    service_name: String,
    record: Option<String>,
    state: &'static str,
}

/// A link of the state filter.
struct FilterLink {
    href: &'static str,
    label: &'static str,
    count: usize,
    current: bool,
}

#[derive(Template)]
#[template(path = "admin_submissions.html")]
struct ListPage {
    chrome: Chrome,
    filters: Vec<FilterLink>,
    /// What the list shows, for its caption.
    showing: &'static str,
    rows: Vec<Row>,
}

/// `GET /admin/submissions[?state=pending|accepted|rejected|all]`: pending ones by default,
/// newest first.
async fn list(
    State(state): State<AppState>,
    _: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let asked = query
        .as_deref()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| "pending".to_string());
    let filter = match asked.as_str() {
        "all" => None,
        other => Some(SubmissionState::from_id(other).ok_or_else(|| {
            WebError::BadRequest("state must be pending, accepted, rejected or all".to_string())
        })?),
    };
    let all = state.store().list_submissions(None).await?;
    let count = |s: Option<SubmissionState>| {
        all.iter()
            .filter(|x| s.is_none_or(|s| x.state == s))
            .count()
    };
    let filters = [
        (
            "/admin/submissions",
            "Pending",
            Some(SubmissionState::Pending),
        ),
        (
            "/admin/submissions?state=accepted",
            "Turned into a draft",
            Some(SubmissionState::Accepted),
        ),
        (
            "/admin/submissions?state=rejected",
            "Rejected",
            Some(SubmissionState::Rejected),
        ),
        ("/admin/submissions?state=all", "All", None),
    ]
    .into_iter()
    .map(|(href, label, s)| FilterLink {
        href,
        label,
        count: count(s),
        current: s == filter,
    })
    .collect();
    let showing = match filter {
        None => "All submissions, newest first",
        Some(SubmissionState::Pending) => "Pending submissions, newest first",
        Some(SubmissionState::Accepted) => "Submissions turned into drafts, newest first",
        Some(SubmissionState::Rejected) => "Rejected submissions, newest first",
    };
    let rows = all
        .into_iter()
        .filter(|s| filter.is_none_or(|f| s.state == f))
        .map(|s| Row {
            id: s.id,
            received: s.received_at,
            kind: kind_label(s.kind),
            service_name: s.service_name,
            record: s.record_slug,
            state: state_label(s.state),
        })
        .collect();
    Ok(Html(
        ListPage {
            chrome: Chrome::new("Submissions"),
            filters,
            showing,
            rows,
        }
        .render()?,
    ))
}

// ---------------------------------------------------------------------------------------
// One submission.

#[derive(Template)]
#[template(path = "admin_submissions_detail.html")]
struct DetailPage {
    chrome: Chrome,
    csrf: String,
    s: Submission,
    kind: &'static str,
    state: &'static str,
    /// Who dealt with it, by address.
    resolved_by: Option<String>,
    /// The public page of the record a correction is about.
    record_public_href: Option<String>,
    /// The reason typed so far, and what is wrong with it (a refused rejection).
    reason: String,
    reason_error: Option<String>,
}

async fn detail_page(
    state: &AppState,
    signed_in: &SignedIn,
    s: Submission,
    reason: String,
    reason_error: Option<String>,
) -> Result<String, WebError> {
    let resolved_by = match s.resolved_by {
        Some(id) => Some(
            state
                .store()
                .get_user(id)
                .await?
                .map_or_else(|| format!("account {id}"), |u| u.email),
        ),
        None => None,
    };
    Ok(DetailPage {
        chrome: Chrome::new(&format!("Submission {}", s.id)),
        csrf: signed_in.session.csrf_token.clone(),
        kind: kind_label(s.kind),
        state: state_label(s.state),
        resolved_by,
        record_public_href: s.record_slug.as_deref().map(record_href),
        reason,
        reason_error,
        s,
    }
    .render()?)
}

async fn load(state: &AppState, id: &str) -> Result<Submission, WebError> {
    let id = number(id)?;
    state
        .store()
        .get_submission(id)
        .await?
        .ok_or(WebError::Store(StoreError::UnknownSubmission(id)))
}

/// `GET /admin/submissions/{id}`: the submission in full.
async fn detail(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let s = load(&state, &id).await?;
    Ok(Html(
        detail_page(&state, &signed_in, s, String::new(), None).await?,
    ))
}

/// Refuses a submission that was dealt with already (409).
fn pending(s: &Submission) -> Result<(), WebError> {
    if s.state == SubmissionState::Pending {
        Ok(())
    } else {
        Err(StoreError::SubmissionResolved(s.id).into())
    }
}

/// `POST /admin/submissions/{id}/accept`: a new service becomes a draft record; a correction is
/// marked accepted and the editor sent to the record's edit form.
async fn accept(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let s = load(&state, &id).await?;
    pending(&s)?;
    let by = signed_in.editor();
    let slug = match (s.kind, s.record_slug.as_deref()) {
        (SubmissionKind::Correction, Some(slug)) => {
            // The record must still be there; its content is left alone.
            state
                .store()
                .get(slug)
                .await?
                .ok_or_else(|| WebError::Store(StoreError::UnknownRecord(slug.to_string())))?;
            state
                .store()
                .resolve_submission(
                    s.id,
                    &Resolution::Accepted {
                        draft_slug: slug.to_string(),
                    },
                    &by,
                )
                .await?;
            slug.to_string()
        }
        // The draft and the acceptance are one change in the store.
        _ => create_draft(&state, &s, &by).await?,
    };
    Ok(Redirect::to(&format!("/admin/records/{slug}/edit")).into_response())
}

/// The draft record a new-service submission becomes, saved under the first free slug made
/// from its name together with the submission's acceptance; returns the slug.
async fn create_draft(
    state: &AppState,
    s: &Submission,
    editor: &Editor,
) -> Result<String, WebError> {
    let record = draft_of(s);
    let base = slug_base(&s.service_name, s.id);
    for attempt in 1..=SLUG_ATTEMPTS {
        let slug = if attempt == 1 {
            base.clone()
        } else {
            format!("{base}-{attempt}")
        };
        let edit = RecordEdit {
            record: Intervention {
                slug: slug.clone(),
                ..record.clone()
            },
            base_revision: None,
            summary: format!("Draft from submission #{}", s.id),
        };
        match state
            .store()
            .accept_submission_as_draft(s.id, &edit, editor)
            .await
        {
            Ok(_) => return Ok(slug),
            Err(StoreError::SlugTaken(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::SlugTaken(base).into())
}

/// The slug a new service's draft starts from: its name made a slug, short enough for a
/// `-NN` suffix; `submission-N` for a name with no letters or digits a slug can hold.
fn slug_base(service_name: &str, id: i64) -> String {
    let mut base = slugify(service_name);
    base.truncate(MAX_SLUG_LEN - 4);
    while base.ends_with('-') {
        base.pop();
    }
    if base.is_empty() {
        format!("submission-{id}")
    } else {
        base
    }
}

/// The draft record of a new-service submission: its name, its organisation, and its details
/// in the description, marked as coming from the public. The sender's contact details stay with
/// the submission: they were given for a reply, not for publication.
fn draft_of(s: &Submission) -> Intervention {
    let mut sections = BTreeMap::new();
    sections.insert(
        DETAILS_SECTION.to_string(),
        format!(
            "From a public submission received {}:\n\n{}",
            day(&s.received_at),
            s.details
        ),
    );
    Intervention {
        title: s.service_name.clone(),
        contact: Contact {
            organisation: s.organisation.clone(),
            ..Contact::default()
        },
        sections,
        ..Intervention::default()
    }
}

/// The rejection form as posted.
#[derive(serde::Deserialize)]
struct RejectForm {
    #[serde(default)]
    reason: String,
}

/// `POST /admin/submissions/{id}/reject`: with a reason (required, at most 2,000 characters);
/// without one the page comes back with the problem (400).
async fn reject(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RejectForm>,
) -> Result<Response, WebError> {
    let s = load(&state, &id).await?;
    pending(&s)?;
    let reason = form.reason.trim();
    let problem = if reason.is_empty() {
        Some("Give the reason for rejecting this submission.".to_string())
    } else if reason.chars().count() > MAX_REASON {
        Some(format!(
            "The reason must be at most {MAX_REASON} characters; it has {}.",
            reason.chars().count()
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        let html = detail_page(&state, &signed_in, s, form.reason.clone(), Some(problem)).await?;
        return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
    }
    state
        .store()
        .resolve_submission(
            s.id,
            &Resolution::Rejected {
                reason: reason.to_string(),
            },
            &signed_in.editor(),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/submissions/{}", s.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_the_name_or_the_number() {
        assert_eq!(
            slug_base("Fictional New Helpline", 3),
            "fictional-new-helpline"
        );
        assert_eq!(slug_base("日本語", 7), "submission-7");
        assert_eq!(slug_base("<script>", 1), "script");
        let long = slug_base(&"word ".repeat(60), 1);
        assert!(long.len() <= MAX_SLUG_LEN - 4 && !long.ends_with('-'));
        assert!(preventory_core::slug::is_valid_slug(&format!("{long}-99")));
    }
}
