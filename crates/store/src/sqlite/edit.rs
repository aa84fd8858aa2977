//! Saving a record from the edit form, with its base revision checked and its audit event
//! written in the same transaction, and "reviewed, no change".

use super::import::{check, prepare, replace_facet_values, Written};
use super::{audit, clock};
use crate::accounts::NewAuditEntry;
use crate::editing::{Editor, RecordEdit, Saved};
use crate::{ImportItem, StoreError};
use preventory_core::accounts::{Actor, EditRight};
use preventory_core::audit::{record_subject, AuditAction};
use preventory_core::lifecycle::Status;
use preventory_core::vocab::Vocabulary;
use preventory_core::Intervention;
use serde_json::json;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Row, SqlitePool};
use std::collections::{HashMap, HashSet};

/// The longest change summary kept; longer ones are refused rather than cut.
const MAX_SUMMARY: usize = 1000;

fn not_allowed(slug: &str, why: &str) -> StoreError {
    StoreError::NotAllowed(format!("record {slug:?}: {why}"))
}

/// See [`crate::Store::save_record`].
pub(super) async fn save_record(
    pool: &SqlitePool,
    edit: &RecordEdit,
    by: &Editor,
) -> Result<Saved, StoreError> {
    // IMMEDIATE: the revision compared is the revision replaced, even with two editors
    // saving at the same moment; the second waits for the first and then sees its revision.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let saved = save_in(&mut tx, edit, by).await?;
    tx.commit().await?;
    Ok(saved)
}

/// [`save_record`] inside the caller's (IMMEDIATE) transaction, which the caller commits: so
/// that accepting a submission and creating its draft are one change.
pub(super) async fn save_in(
    tx: &mut SqliteConnection,
    edit: &RecordEdit,
    by: &Editor,
) -> Result<Saved, StoreError> {
    let slug = edit.record.slug.as_str();
    let summary = edit.summary.trim();
    if summary.is_empty() {
        return Err(StoreError::Incomplete(
            "say in a few words what changed (the change summary is empty)".to_string(),
        ));
    }
    if summary.chars().count() > MAX_SUMMARY {
        return Err(StoreError::Incomplete(format!(
            "the change summary is longer than {MAX_SUMMARY} characters"
        )));
    }
    // The new content's organisation must be one the person may edit (a provider cannot
    // hand a record to their own organisation, nor move theirs to another).
    if by
        .staff
        .edit_right(edit.record.contact.organisation.as_deref())
        == EditRight::None
    {
        return Err(not_allowed(
            slug,
            "you may only change records of your own organisation",
        ));
    }
    let items = [ImportItem {
        record: edit.record.clone(),
        source: String::new(),
    }];
    check(&items, &mut HashSet::new())?;
    let prepared = prepare(&items)?;
    let Some(new) = prepared.first() else {
        return Err(StoreError::Incomplete("nothing to save".to_string()));
    };
    let at = clock::format(clock::now())?;

    let existing = sqlx::query(
        "SELECT i.id, i.current_revision, i.content_hash, r.record_json \
         FROM interventions i JOIN revisions r \
         ON r.intervention_id = i.id AND r.number = i.current_revision WHERE i.slug = ?",
    )
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?;

    let (id, revision) = match (edit.base_revision, existing) {
        (None, Some(_)) => return Err(StoreError::SlugTaken(slug.to_string())),
        (Some(_), None) => return Err(StoreError::UnknownRecord(slug.to_string())),
        (None, None) => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO interventions (slug, title, needs_review, rating, \
                 information_correct_at, created_at, updated_at, content_hash, \
                 current_revision, status, last_author) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 'draft', ?) RETURNING id",
            )
            .bind(slug)
            .bind(edit.record.title.as_str())
            .bind(edit.record.needs_review)
            .bind(edit.record.rating.map(|r| r.id()))
            .bind(edit.record.information_correct_at.map(|d| d.to_string()))
            .bind(&at)
            .bind(&at)
            .bind(&new.hash[..])
            .bind(by.staff.id.0)
            .fetch_one(&mut *tx)
            .await?;
            (id, 1)
        }
        (Some(base), Some(row)) => {
            let id: i64 = row.try_get("id")?;
            let current: i64 = row.try_get("current_revision")?;
            if current != base {
                return Err(StoreError::Conflict {
                    slug: slug.to_string(),
                    base,
                    current,
                });
            }
            let stored_json: &str = row.try_get("record_json")?;
            let stored: Intervention =
                serde_json::from_str(stored_json).map_err(|e| StoreError::Corrupt {
                    slug: slug.to_string(),
                    message: e.to_string(),
                })?;
            if by.staff.edit_right(stored.contact.organisation.as_deref()) == EditRight::None {
                return Err(not_allowed(
                    slug,
                    "you may only change records of your own organisation",
                ));
            }
            let stored_hash: Vec<u8> = row.try_get("content_hash")?;
            if stored_hash == new.hash {
                let status: String =
                    sqlx::query_scalar("SELECT status FROM interventions WHERE id = ?")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                return Ok(Saved {
                    revision: current,
                    changed: false,
                    status: super::read::status_of(slug, &status)?,
                });
            }
            sqlx::query(
                "UPDATE interventions SET title = ?, needs_review = ?, rating = ?, \
                 information_correct_at = ?, updated_at = ?, content_hash = ?, \
                 current_revision = current_revision + 1, status = 'draft', last_author = ? \
                 WHERE id = ?",
            )
            .bind(edit.record.title.as_str())
            .bind(edit.record.needs_review)
            .bind(edit.record.rating.map(|r| r.id()))
            .bind(edit.record.information_correct_at.map(|d| d.to_string()))
            .bind(&at)
            .bind(&new.hash[..])
            .bind(by.staff.id.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            (id, current + 1)
        }
    };

    sqlx::query(
        "INSERT INTO revisions (intervention_id, number, author, summary, source, created_at, \
         record_json) VALUES (?, ?, ?, ?, NULL, ?, ?)",
    )
    .bind(id)
    .bind(revision)
    .bind(&by.email)
    .bind(summary)
    .bind(&at)
    .bind(&new.json)
    .execute(&mut *tx)
    .await?;
    let written = HashMap::from([(slug.to_string(), Written { id, revision })]);
    replace_facet_values(&mut *tx, &prepared, &written).await?;
    let entry = NewAuditEntry {
        actor: Actor::User(by.staff.id),
        action: AuditAction::RecordChanged,
        subject: record_subject(slug),
        detail: json!({
            "revision": revision,
            "base_revision": edit.base_revision,
            "summary": summary,
        }),
    };
    audit::append(&mut *tx, &entry, &at).await?;
    Ok(Saved {
        revision,
        changed: true,
        status: Status::Draft,
    })
}

/// See [`crate::Store::mark_reviewed`].
pub(super) async fn mark_reviewed(
    pool: &SqlitePool,
    slug: &str,
    by: &Editor,
) -> Result<String, StoreError> {
    use preventory_core::accounts::Permission;
    if !(by.staff.can(Permission::EditRecords) || by.staff.can(Permission::Review)) {
        return Err(not_allowed(
            slug,
            "only editors and reviewers confirm records",
        ));
    }
    let at = clock::format(clock::now())?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let updated = sqlx::query("UPDATE interventions SET reviewed_at = ? WHERE slug = ?")
        .bind(&at)
        .bind(slug)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::UnknownRecord(slug.to_string()));
    }
    let entry = NewAuditEntry {
        actor: Actor::User(by.staff.id),
        action: AuditAction::RecordReviewed,
        subject: record_subject(slug),
        detail: json!({}),
    };
    audit::append(&mut tx, &entry, &at).await?;
    tx.commit().await?;
    Ok(at)
}
