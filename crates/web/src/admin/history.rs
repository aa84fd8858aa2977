//! A record's history on the staff side: every revision, what changed between two of them
//! ([`diff`]), restoring an old revision as a new one, the lifecycle buttons, and the audit
//! log with its exports ([`audit`]).
//!
//! Every change goes through the store, which checks it again inside its transaction: the
//! buttons shown here are only those the rules would allow ([`check_transition`]), but a
//! stale page or a hand-made request is refused by [`Store::set_status`] and
//! [`Store::save_record`] (four eyes, a provider's own organisation, a stale base revision).

mod audit;
mod diff;

use super::{Access, AdminRoute, SignedIn};
use crate::error::WebError;
use crate::pages::Chrome;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::on;
use preventory_core::accounts::{EditRight, Permission};
use preventory_core::lifecycle::{check_transition, RecordContext, Status, Transition};
use preventory_core::Vocabulary as _;
use preventory_store::editing::RecordEdit;
use preventory_store::{Revision, StoreError};
use std::collections::HashMap;

/// The routes of this part of the staff pages.
pub(super) const ROUTES: &[AdminRoute] = &[
    AdminRoute {
        method: Method::GET,
        path: "/admin/records/{slug}/history",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, history),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/records/{slug}/diff",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, diff::diff_page),
    },
    AdminRoute {
        method: Method::POST,
        path: "/admin/records/{slug}/revert",
        access: Access::Staff(Permission::ProposeChanges),
        handler: |m| on(m, revert),
    },
    AdminRoute {
        method: Method::POST,
        path: "/admin/records/{slug}/status",
        access: Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, change_status),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/audit",
        access: Access::Staff(Permission::ViewAudit),
        handler: |m| on(m, audit::audit_page),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/audit.csv",
        access: Access::Staff(Permission::ViewAudit),
        handler: |m| on(m, audit::audit_csv),
    },
    AdminRoute {
        method: Method::GET,
        path: "/admin/audit.json",
        access: Access::Staff(Permission::ViewAudit),
        handler: |m| on(m, audit::audit_json),
    },
];

/// The fields of a query string or a form body; the first value of a repeated name wins.
pub(super) fn fields(encoded: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (name, value) in form_urlencoded::parse(encoded) {
        out.entry(name.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    out
}

/// A revision number from a form or query field: a whole number from 1.
fn revision_number(fields: &HashMap<String, String>, name: &str) -> Result<i64, WebError> {
    fields
        .get(name)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| WebError::BadRequest(format!("{name} must be a revision number")))
}

/// The history page of a record (its address is made from a stored slug).
fn history_url(slug: &str) -> String {
    format!("/admin/records/{slug}/history")
}

/// What a button that takes a lifecycle step says.
fn button_label(transition: Transition) -> &'static str {
    match transition {
        Transition::Submit => "Send for review",
        Transition::Return => "Return to draft",
        Transition::Publish => "Publish",
        Transition::Discontinue => "Mark as discontinued",
        Transition::Reinstate => "Reinstate as a draft",
    }
}

/// A lifecycle button: the status it asks for and what it says.
struct StatusButton {
    to: &'static str,
    label: &'static str,
}

/// One revision in the table.
struct RevisionRow {
    number: i64,
    author: String,
    created_at: String,
    summary: String,
    source: Option<String>,
    is_current: bool,
    is_public: bool,
    /// The revision before it, for the "what changed" link.
    previous: Option<i64>,
    /// Whether this person may restore it (not the current one; their record).
    can_restore: bool,
}

/// An option of the compare form's selects.
struct RevisionOption {
    number: i64,
    from_selected: bool,
    to_selected: bool,
}

#[derive(Template)]
#[template(path = "admin_history.html")]
struct HistoryPage {
    chrome: Chrome,
    csrf: String,
    slug: String,
    title: String,
    status: &'static str,
    current: i64,
    public_revision: Option<i64>,
    public_status: Option<&'static str>,
    public_is_current: bool,
    rows: Vec<RevisionRow>,
    options: Vec<RevisionOption>,
    buttons: Vec<StatusButton>,
    /// Why Publish is missing although the role could publish (four eyes).
    four_eyes: bool,
    notice: Option<&'static str>,
}

/// The confirmation shown after a change, from the `done` query field (a fixed word, so
/// nothing from the address is ever echoed).
fn notice(query: Option<&str>) -> Option<&'static str> {
    match fields(query.unwrap_or_default().as_bytes())
        .get("done")
        .map(String::as_str)
    {
        Some("status") => Some("The status was changed."),
        Some("reverted") => Some("The old revision was saved as a new revision, in draft."),
        Some("unchanged") => {
            Some("That revision has the same content as the current one: nothing was saved.")
        }
        _ => None,
    }
}

/// `GET /admin/records/{slug}/history`: every revision newest first, the status and the
/// lifecycle buttons this person may use, and the form to compare two revisions.
async fn history(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let store = state.store();
    let stored = signed_in.readable_record(&state, &slug).await?;
    let revisions = store.revisions(&slug).await?;
    let public = store.get_public(&slug).await?;
    let record_state = store.record_state(&slug).await?.ok_or(WebError::NotFound)?;
    let staff = signed_in.staff();
    let organisation = stored.record.contact.organisation.as_deref();

    let context = RecordContext {
        last_author: record_state.last_author,
        organisation,
    };
    let buttons = Status::all()
        .into_iter()
        .filter_map(|to| check_transition(&staff, record_state.status, to, &context).ok())
        .map(|t| StatusButton {
            to: t.to().id(),
            label: button_label(t),
        })
        .collect();
    let four_eyes = record_state.status == Status::InReview
        && staff.can(Permission::Publish)
        && !preventory_core::lifecycle::four_eyes(staff.id, record_state.last_author);

    let may_revert =
        staff.can(Permission::ProposeChanges) && staff.edit_right(organisation) != EditRight::None;
    let public_revision = public.as_ref().map(|p| p.revision);
    let rows = revisions
        .iter()
        .rev()
        .map(|r: &Revision| RevisionRow {
            number: r.number,
            author: r.author.clone(),
            created_at: r.created_at.clone(),
            summary: r.summary.clone(),
            source: r.source.clone().filter(|s| !s.is_empty()),
            is_current: r.number == stored.revision,
            is_public: Some(r.number) == public_revision,
            previous: (r.number > 1).then_some(r.number - 1),
            can_restore: may_revert
                && r.number != stored.revision
                && staff.edit_right(r.record.contact.organisation.as_deref()) != EditRight::None,
        })
        .collect();
    let from_default = (stored.revision - 1).max(1);
    let options = revisions
        .iter()
        .rev()
        .map(|r| RevisionOption {
            number: r.number,
            from_selected: r.number == from_default,
            to_selected: r.number == stored.revision,
        })
        .collect();

    Ok(Html(
        HistoryPage {
            chrome: Chrome::new(&format!("History of {}", stored.record.title)),
            csrf: signed_in.session.csrf_token.clone(),
            title: stored.record.title.clone(),
            status: stored.status.label(),
            current: stored.revision,
            public_revision,
            public_status: public.as_ref().map(|p| p.status.label()),
            public_is_current: public_revision == Some(stored.revision),
            rows,
            options,
            buttons,
            four_eyes,
            notice: notice(query.as_deref()),
            slug: stored.record.slug,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin_history_conflict.html")]
struct ConflictPage {
    chrome: Chrome,
    slug: String,
    base: i64,
    current: i64,
}

/// `POST /admin/records/{slug}/revert` (`revision`, `base_revision`): saves revision
/// `revision`'s content as a new revision, if the record is still at `base_revision`.
async fn revert(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = fields(&body);
    let number = revision_number(&form, "revision")?;
    let base = revision_number(&form, "base_revision")?;
    let store = state.store();
    let revisions = store.revisions(&slug).await?;
    if revisions.is_empty() {
        return Err(WebError::NotFound);
    }
    let Some(old) = revisions.into_iter().find(|r| r.number == number) else {
        return Err(WebError::NotFound);
    };
    let mut record = old.record;
    // Slugs name records and never change; the address is what the person was looking at.
    record.slug.clone_from(&slug);
    let edit = RecordEdit {
        record,
        base_revision: Some(base),
        summary: format!("Reverted to revision {number}"),
    };
    match store.save_record(&edit, &signed_in.editor()).await {
        Ok(saved) => {
            let done = if saved.changed {
                "reverted"
            } else {
                "unchanged"
            };
            Ok(Redirect::to(&format!("{}?done={done}", history_url(&slug))).into_response())
        }
        Err(StoreError::Conflict { base, current, .. }) => {
            let page = ConflictPage {
                chrome: Chrome::new("Someone changed this record meanwhile"),
                slug,
                base,
                current,
            };
            Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/records/{slug}/status` (`to`): takes a lifecycle step. The store checks the
/// role and four eyes; a refusal is a 403 page with its reason.
async fn change_status(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = fields(&body);
    let to = form
        .get("to")
        .and_then(|to| Status::from_id(to.trim()))
        .ok_or_else(|| {
            WebError::BadRequest(
                "to must be one of draft, in_review, published, discontinued".to_string(),
            )
        })?;
    let staff = signed_in.staff();
    state.store().set_status(&slug, to, &staff).await?;
    Ok(Redirect::to(&format!("{}?done=status", history_url(&slug))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_the_first_value_and_decode() {
        let f = fields(b"to=in_review&to=published&csrf=a%2Bb&x=1+2");
        assert_eq!(f.get("to").map(String::as_str), Some("in_review"));
        assert_eq!(f.get("csrf").map(String::as_str), Some("a+b"));
        assert_eq!(f.get("x").map(String::as_str), Some("1 2"));
    }

    #[test]
    fn revision_numbers_are_whole_numbers_from_one() {
        let f = fields(b"a=3&b=0&c=-1&d=x&e=+4");
        assert_eq!(revision_number(&f, "a").ok(), Some(3));
        for bad in ["b", "c", "d", "missing"] {
            assert!(revision_number(&f, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn notices_are_fixed_words_never_the_query() {
        assert!(notice(Some("done=<script>")).is_none());
        assert!(notice(Some("done=status")).is_some());
        assert!(notice(None).is_none());
    }
}
