//! Record status: read it, and move it along the lifecycle with its audit event, checked and
//! written in one transaction.

use super::{audit, clock};
use crate::accounts::{NewAuditEntry, RecordState, StatusChange};
use crate::StoreError;
use preventory_core::accounts::{Actor, Role, Staff, UserId};
use preventory_core::audit::{record_subject, AuditAction};
use preventory_core::lifecycle::{check_transition, RecordContext, Status};
use preventory_core::vocab::Vocabulary;
use preventory_core::Intervention;
use serde_json::json;
use sqlx::{Row, SqlitePool};

use super::read::status_of;

pub(super) async fn record_state(
    pool: &SqlitePool,
    slug: &str,
) -> Result<Option<RecordState>, StoreError> {
    let row = sqlx::query("SELECT status, last_author FROM interventions WHERE slug = ?")
        .bind(slug)
        .fetch_optional(pool)
        .await?;
    row.map(|row| {
        let status: String = row.try_get("status")?;
        let last_author: Option<i64> = row.try_get("last_author")?;
        Ok(RecordState {
            status: status_of(slug, &status)?,
            last_author: last_author.map(UserId),
        })
    })
    .transpose()
}

pub(super) async fn set_status(
    pool: &SqlitePool,
    slug: &str,
    to: Status,
    by: &Staff,
) -> Result<StatusChange, StoreError> {
    let at = clock::format(clock::now())?;
    // IMMEDIATE: the status checked is the status changed, even with two reviewers at once.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row = sqlx::query(
        "SELECT i.id, i.status, i.last_author, r.record_json \
         FROM interventions i JOIN revisions r \
         ON r.intervention_id = i.id AND r.number = i.current_revision WHERE i.slug = ?",
    )
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::UnknownRecord(slug.to_string()))?;
    let id: i64 = row.try_get("id")?;
    let status: String = row.try_get("status")?;
    let from = status_of(slug, &status)?;
    let last_author: Option<i64> = row.try_get("last_author")?;
    // Only a provider's rights depend on whose record it is: only then is the record read.
    let organisation = if by.role == Role::Provider {
        let json: &str = row.try_get("record_json")?;
        let record: Intervention = serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
            slug: slug.to_string(),
            message: e.to_string(),
        })?;
        record.contact.organisation
    } else {
        None
    };
    let context = RecordContext {
        last_author: last_author.map(UserId),
        organisation: organisation.as_deref(),
    };
    let transition = check_transition(by, from, to, &context)?;
    // Publishing makes the current revision the public one; discontinuing marks the public
    // one; other steps leave the public side as it is (a reinstated record stays marked
    // discontinued until it is published again).
    sqlx::query(
        "UPDATE interventions SET status = ?1, \
         published_revision = CASE WHEN ?1 = 'published' THEN current_revision \
         ELSE published_revision END, \
         public_status = CASE WHEN ?1 IN ('published', 'discontinued') THEN ?1 \
         ELSE public_status END \
         WHERE id = ?2",
    )
    .bind(to.id())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let entry = NewAuditEntry {
        actor: Actor::User(by.id),
        action: AuditAction::StatusChanged,
        subject: record_subject(slug),
        detail: json!({
            "from": from.id(),
            "to": to.id(),
            "transition": transition.id(),
        }),
    };
    let audit_id = audit::append(&mut tx, &entry, &at).await?;
    tx.commit().await?;
    Ok(StatusChange {
        transition,
        audit_id,
    })
}
