//! Public submissions: stored as sent (within the per-client limit), listed for editors,
//! resolved once with an audit event.

use super::secrets::{keyed, throttle_key};
use super::{audit, clock, edit};
use crate::accounts::NewAuditEntry;
use crate::editing::{
    Editor, NewSubmission, RecordEdit, Resolution, Saved, Submission, SubmissionKind,
    SubmissionLimit, SubmissionState,
};
use crate::StoreError;
use preventory_core::accounts::{Actor, Permission, UserId};
use preventory_core::audit::{submission_subject, AuditAction};
use serde_json::json;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, SqlitePool};
use std::time::Duration;

/// How long a client's submission times are kept for the limit: a day, like failed sign-ins.
const ATTEMPTS_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest rejection reason kept.
const MAX_REASON: usize = 2000;

const COLUMNS: &str = "id, received_at, kind, record_slug, service_name, organisation, \
     details, contact_name, contact_email, state, resolved_at, resolved_by, reason, draft_slug";

fn corrupt(id: i64, message: String) -> StoreError {
    StoreError::Corrupt {
        slug: format!("submission {id}"),
        message,
    }
}

fn submission(row: &SqliteRow) -> Result<Submission, StoreError> {
    let id: i64 = row.try_get("id")?;
    let kind: &str = row.try_get("kind")?;
    let state: &str = row.try_get("state")?;
    Ok(Submission {
        id,
        received_at: row.try_get("received_at")?,
        kind: SubmissionKind::from_id(kind)
            .ok_or_else(|| corrupt(id, format!("unknown kind {kind:?}")))?,
        record_slug: row.try_get("record_slug")?,
        service_name: row.try_get("service_name")?,
        organisation: row.try_get("organisation")?,
        details: row.try_get("details")?,
        contact_name: row.try_get("contact_name")?,
        contact_email: row.try_get("contact_email")?,
        state: SubmissionState::from_id(state)
            .ok_or_else(|| corrupt(id, format!("unknown state {state:?}")))?,
        resolved_at: row.try_get("resolved_at")?,
        resolved_by: row.try_get::<Option<i64>, _>("resolved_by")?.map(UserId),
        reason: row.try_get("reason")?,
        draft_slug: row.try_get("draft_slug")?,
    })
}

/// See [`crate::Store::submission_client_key`].
pub(super) async fn client_key(pool: &SqlitePool, client: &str) -> Result<String, StoreError> {
    let key = throttle_key(pool).await?;
    Ok(keyed(&key, "submission-client", client))
}

/// See [`crate::Store::create_submission`].
pub(super) async fn create(
    pool: &SqlitePool,
    new: &NewSubmission,
    client_key: &str,
    limit: SubmissionLimit,
) -> Result<i64, StoreError> {
    if (new.kind == SubmissionKind::Correction) != new.record_slug.is_some() {
        return Err(StoreError::Incomplete(
            "a correction names its record, and only a correction does".to_string(),
        ));
    }
    let now = clock::now();
    let at = clock::format(now)?;
    let since = clock::format(clock::before(now, limit.window.min(ATTEMPTS_KEPT)))?;
    let oldest_kept = clock::format(clock::before(now, ATTEMPTS_KEPT))?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("DELETE FROM submission_attempts WHERE at < ?")
        .bind(&oldest_kept)
        .execute(&mut *tx)
        .await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM submission_attempts WHERE client_key = ? AND at >= ?",
    )
    .bind(client_key)
    .bind(&since)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= i64::from(limit.max) {
        return Err(StoreError::TooManySubmissions);
    }
    sqlx::query("INSERT INTO submission_attempts (at, client_key) VALUES (?, ?)")
        .bind(&at)
        .bind(client_key)
        .execute(&mut *tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO submissions (received_at, kind, record_slug, service_name, organisation, \
         details, contact_name, contact_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&at)
    .bind(new.kind.id())
    .bind(&new.record_slug)
    .bind(&new.service_name)
    .bind(&new.organisation)
    .bind(&new.details)
    .bind(&new.contact_name)
    .bind(&new.contact_email)
    .fetch_one(&mut *tx)
    .await?;
    // The event says that something arrived, not what: the text stays in its own table.
    let entry = NewAuditEntry {
        actor: Actor::Anonymous,
        action: AuditAction::SubmissionReceived,
        subject: submission_subject(id),
        detail: json!({ "kind": new.kind.id(), "record": new.record_slug }),
    };
    audit::append(&mut tx, &entry, &at).await?;
    tx.commit().await?;
    Ok(id)
}

/// See [`crate::Store::list_submissions`].
pub(super) async fn list(
    pool: &SqlitePool,
    state: Option<SubmissionState>,
) -> Result<Vec<Submission>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM submissions WHERE ? IS NULL OR state = ? ORDER BY id DESC"
    ))
    .bind(state.map(SubmissionState::id))
    .bind(state.map(SubmissionState::id))
    .fetch_all(pool)
    .await?;
    rows.iter().map(submission).collect()
}

/// See [`crate::Store::get_submission`].
pub(super) async fn get(pool: &SqlitePool, id: i64) -> Result<Option<Submission>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM submissions WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(submission).transpose()
}

/// See [`crate::Store::resolve_submission`].
pub(super) async fn resolve(
    pool: &SqlitePool,
    id: i64,
    resolution: &Resolution,
    by: &Editor,
) -> Result<(), StoreError> {
    if !by.staff.can(Permission::HandleSubmissions) {
        return Err(StoreError::NotAllowed(
            "only editors deal with submissions".to_string(),
        ));
    }
    let (state, reason, draft_slug, action) = match resolution {
        Resolution::Accepted { draft_slug } => (
            SubmissionState::Accepted,
            None,
            Some(draft_slug.as_str()),
            AuditAction::SubmissionAccepted,
        ),
        Resolution::Rejected { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(StoreError::Incomplete(
                    "give the reason for rejecting the submission".to_string(),
                ));
            }
            if reason.chars().count() > MAX_REASON {
                return Err(StoreError::Incomplete(format!(
                    "the reason is longer than {MAX_REASON} characters"
                )));
            }
            (
                SubmissionState::Rejected,
                Some(reason),
                None,
                AuditAction::SubmissionRejected,
            )
        }
    };
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    mark_resolved(&mut tx, id, state, reason, draft_slug, action, by).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a pending submission resolved, with its audit event, inside the caller's transaction.
async fn mark_resolved(
    tx: &mut SqliteConnection,
    id: i64,
    state: SubmissionState,
    reason: Option<&str>,
    draft_slug: Option<&str>,
    action: AuditAction,
    by: &Editor,
) -> Result<(), StoreError> {
    let at = clock::format(clock::now())?;
    let current: Option<String> = sqlx::query_scalar("SELECT state FROM submissions WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    match current.as_deref() {
        None => return Err(StoreError::UnknownSubmission(id)),
        Some("pending") => {}
        Some(_) => return Err(StoreError::SubmissionResolved(id)),
    }
    sqlx::query(
        "UPDATE submissions SET state = ?, resolved_at = ?, resolved_by = ?, reason = ?, \
         draft_slug = ? WHERE id = ?",
    )
    .bind(state.id())
    .bind(&at)
    .bind(by.staff.id.0)
    .bind(reason)
    .bind(draft_slug)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let entry = NewAuditEntry {
        actor: Actor::User(by.staff.id),
        action,
        subject: submission_subject(id),
        detail: json!({ "draft": draft_slug, "reason": reason }),
    };
    audit::append(&mut *tx, &entry, &at).await?;
    Ok(())
}

/// See [`crate::Store::accept_submission_as_draft`].
pub(super) async fn accept_as_draft(
    pool: &SqlitePool,
    id: i64,
    draft: &RecordEdit,
    by: &Editor,
) -> Result<Saved, StoreError> {
    if !by.staff.can(Permission::HandleSubmissions) {
        return Err(StoreError::NotAllowed(
            "only editors deal with submissions".to_string(),
        ));
    }
    if draft.base_revision.is_some() {
        return Err(StoreError::Incomplete(
            "a submission becomes a new record, not a change to one".to_string(),
        ));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let saved = edit::save_in(&mut tx, draft, by).await?;
    mark_resolved(
        &mut tx,
        id,
        SubmissionState::Accepted,
        None,
        Some(draft.record.slug.as_str()),
        AuditAction::SubmissionAccepted,
        by,
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}
