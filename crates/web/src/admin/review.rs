//! Staff pages: the re-review queue. Information goes stale: a record last confirmed more than
//! [`REVIEW_DUE_MONTHS`] months ago (or never) is due for checking
//! ([`preventory_core::review`] holds the rule).
//!
//! - `GET /admin/review`: every record, never-confirmed and longest-unconfirmed first, the
//!   due ones marked "Due" in words, each with "Reviewed, no change" and "Edit".
//! - `POST /admin/records/{slug}/reviewed`: "Reviewed, no change": an editor or reviewer
//!   checked the record and nothing needed to change. The store keeps the date beside the
//!   record, writes a `record_reviewed` audit event, and no new revision.
//!
//! Both routes need only [`Permission::AccessAdmin`] in the table, because the people who
//! confirm records are editors (who lack [`Permission::Review`]) and reviewers (who lack
//! [`Permission::EditRecords`]); no single permission names both. The handlers draw the line:
//! the page refuses providers (the queue lists every organisation's records, drafts included),
//! and the button relies on [`preventory_store::Store::mark_reviewed`], which allows editors,
//! reviewers and admins and refuses anyone else (403).
//!
//! "Today" is [`AppState::today`], fixed in tests, so what is due does not depend on the clock.

use super::{AdminRoute, SignedIn};
use crate::error::WebError;
use crate::pages::{display_title, Chrome};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::on;
use preventory_core::accounts::Permission;
use preventory_core::review::{reviewed_month, ConfirmedBy, ReviewStanding, REVIEW_DUE_MONTHS};
use preventory_core::slug::is_valid_slug;
use preventory_core::{PartialDate, Vocabulary};
use preventory_store::editing::ReviewItem;

/// The routes of this part of the staff pages.
pub(super) const ROUTES: &[AdminRoute] = &[
    AdminRoute {
        method: axum::http::Method::GET,
        path: "/admin/review",
        access: super::Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, queue),
    },
    AdminRoute {
        method: axum::http::Method::POST,
        path: "/admin/records/{slug}/reviewed",
        access: super::Access::Staff(Permission::AccessAdmin),
        handler: |m| on(m, reviewed),
    },
];

/// Whether this person confirms records: editors, reviewers and admins.
fn confirms_records(signed_in: &SignedIn) -> bool {
    let staff = signed_in.staff();
    staff.can(Permission::EditRecords) || staff.can(Permission::Review)
}

/// One line of the queue.
struct Row {
    slug: String,
    title: String,
    status: String,
    information_correct_at: String,
    last_reviewed: String,
    last_confirmed: String,
    due: bool,
    /// "Never confirmed", "3 months overdue", "Due in 5 months"…
    due_text: String,
}

#[derive(Template)]
#[template(path = "admin_review.html")]
struct QueuePage {
    chrome: Chrome,
    csrf: String,
    rows: Vec<Row>,
    due_count: usize,
    due_months: u32,
    today: String,
}

fn months(n: u32) -> String {
    if n == 1 {
        "1 month".to_string()
    } else {
        format!("{n} months")
    }
}

fn row(item: ReviewItem, standing: &ReviewStanding) -> Row {
    let information = item
        .information_correct_at
        .as_deref()
        .and_then(|d| PartialDate::parse_iso(d).ok());
    let status = match item.public_status {
        Some(public) if public != item.status => format!(
            "{} (the public sees the {} version)",
            item.status.label(),
            public.label().to_lowercase()
        ),
        _ => item.status.label().to_string(),
    };
    let last_confirmed = match (standing.last_confirmed, standing.confirmed_by) {
        (Some(date), Some(ConfirmedBy::Review)) => format!("{} (reviewed)", date.display_long()),
        (Some(date), _) => format!("{} (information date)", date.display_long()),
        (None, _) => "Never".to_string(),
    };
    let due_text = match (standing.months_since, standing.months_overdue) {
        (None, _) => "Never confirmed".to_string(),
        (Some(_), Some(overdue)) => format!("{} overdue", months(overdue)),
        (Some(since), None) => {
            let limit = i64::from(REVIEW_DUE_MONTHS);
            let left = u32::try_from(limit + 1 - i64::from(since)).unwrap_or(0);
            format!("Due in {}", months(left))
        }
    };
    Row {
        title: display_title(&item.title),
        status,
        information_correct_at: information
            .map(|d| d.display_long())
            .or(item.information_correct_at)
            .unwrap_or_else(|| "Not known".to_string()),
        last_reviewed: item
            .reviewed_at
            .as_deref()
            .map(|at| at.get(..10).unwrap_or(at).to_string())
            .unwrap_or_else(|| "Never".to_string()),
        last_confirmed,
        due: standing.due,
        due_text,
        slug: item.slug,
    }
}

/// `GET /admin/review`: the queue.
async fn queue(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Html<String>, WebError> {
    if !confirms_records(&signed_in) {
        return Err(WebError::Forbidden(
            "The re-review queue is for editors and reviewers. Your own organisation's records are under Records.",
        ));
    }
    let today = state.today();
    let mut items: Vec<(ReviewStanding, ReviewItem)> = state
        .store()
        .review_items()
        .await?
        .into_iter()
        .map(|item| {
            let information = item
                .information_correct_at
                .as_deref()
                .and_then(|d| PartialDate::parse_iso(d).ok());
            let reviewed = item.reviewed_at.as_deref().and_then(reviewed_month);
            let standing = ReviewStanding::of(information, reviewed, today.year, today.month);
            (standing, item)
        })
        .collect();
    items.sort_by(|(a, x), (b, y)| {
        a.queue_order(b)
            .then_with(|| x.title.cmp(&y.title))
            .then_with(|| x.slug.cmp(&y.slug))
    });
    let due_count = items.iter().filter(|(s, _)| s.due).count();
    let rows = items
        .into_iter()
        .map(|(standing, item)| row(item, &standing))
        .collect();
    let today = PartialDate {
        year: today.year,
        month: Some(today.month),
    };
    Ok(Html(
        QueuePage {
            chrome: Chrome::new("Re-review queue"),
            csrf: signed_in.session.csrf_token.clone(),
            rows,
            due_count,
            due_months: REVIEW_DUE_MONTHS,
            today: today.display_long(),
        }
        .render()?,
    ))
}

/// `POST /admin/records/{slug}/reviewed`: "Reviewed, no change", then back to the queue.
async fn reviewed(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    if !is_valid_slug(&slug) {
        return Err(WebError::NotFound);
    }
    state
        .store()
        .mark_reviewed(&slug, &signed_in.editor())
        .await?;
    Ok(Redirect::to("/admin/review").into_response())
}
