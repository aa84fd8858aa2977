//! `GET /admin/records/{slug}/diff?from=N&to=M`: what changed between two revisions of a
//! record, field by field, with the changed words marked.
//!
//! The page is rendered by the template from the core's segments ([`preventory_core::diff`]):
//! every piece of stored text goes through askama's escaping, and no fragment of HTML is
//! built here.

use super::{fields, revision_number};
use crate::admin::SignedIn;
use crate::error::WebError;
use crate::pages::Chrome;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use preventory_core::accounts::Permission;
use preventory_core::diff::{diff_records, FieldDiff};
use preventory_core::Vocabulary as _;
use preventory_store::Revision;

/// One of the two revisions compared, as the page names it.
struct Side {
    number: i64,
    author: String,
    created_at: String,
    summary: String,
}

impl Side {
    fn of(revision: &Revision) -> Side {
        Side {
            number: revision.number,
            author: revision.author.clone(),
            created_at: revision.created_at.clone(),
            summary: revision.summary.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_diff.html")]
struct DiffPage {
    chrome: Chrome,
    slug: String,
    title: String,
    from: Side,
    to: Side,
    current: i64,
    status: &'static str,
    changed: Vec<FieldDiff>,
    unchanged: Vec<FieldDiff>,
    /// Whether confidential details were left out for this person.
    redacted: bool,
}

/// The diff page (see the module's documentation). Unknown record or revision: 404; missing
/// or malformed `from`/`to`: 400.
pub(super) async fn diff_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let query = fields(query.unwrap_or_default().as_bytes());
    let from = revision_number(&query, "from")?;
    let to = revision_number(&query, "to")?;
    let stored = signed_in.readable_record(&state, &slug).await?;
    let revisions = state.store().revisions(&slug).await?;
    let find = |n: i64| revisions.iter().find(|r| r.number == n);
    let (Some(old), Some(new)) = (find(from), find(to)) else {
        return Err(WebError::NotFound);
    };

    // Confidential details only with the permission, as on the staff view and the edit form.
    let sees_confidential = signed_in.staff().can(Permission::ViewConfidential);
    let view = |r: &Revision| {
        if sees_confidential {
            (r.record.clone(), false)
        } else {
            (r.record.public_view(), r.record.public_view() != r.record)
        }
    };
    let ((old_record, old_redacted), (new_record, new_redacted)) = (view(old), view(new));
    // Comparing long texts is CPU work: keep it off the threads that answer requests.
    let title = new_record.title.clone();
    let diff = tokio::task::spawn_blocking(move || diff_records(&old_record, &new_record))
        .await
        .map_err(|e| WebError::Io(std::io::Error::other(e)))?;
    let (changed, unchanged) = diff.fields.into_iter().partition(FieldDiff::is_changed);

    Ok(Html(
        DiffPage {
            chrome: Chrome::new(&format!("Changes from revision {from} to {to} of {title}")),
            slug: stored.record.slug,
            title,
            from: Side::of(old),
            to: Side::of(new),
            current: stored.revision,
            status: stored.status.label(),
            changed,
            unchanged,
            redacted: old_redacted || new_redacted,
        }
        .render()?,
    ))
}
