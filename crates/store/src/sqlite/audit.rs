//! The audit log: appended inside the transaction of the change it records, read a page at a
//! time.

use super::clock;
use crate::accounts::{AuditEntry, AuditQuery, NewAuditEntry, MAX_AUDIT_PAGE};
use crate::StoreError;
use preventory_core::accounts::{Actor, UserId};
use preventory_core::vocab::Vocabulary;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, SqlitePool};

/// Appends an event on an open connection (inside the caller's transaction); returns its id.
pub(super) async fn append(
    conn: &mut SqliteConnection,
    entry: &NewAuditEntry,
    at: &str,
) -> Result<i64, StoreError> {
    let detail = if entry.detail.is_null() {
        "{}".to_string()
    } else {
        entry.detail.to_string()
    };
    let id = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor, actor_user_id, action, subject, detail) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(at)
    .bind(entry.actor.kind())
    .bind(entry.actor.user_id().map(|id| id.0))
    .bind(entry.action.id())
    .bind(&entry.subject)
    .bind(detail)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// See [`crate::Store::append_audit`].
pub(super) async fn append_audit(
    pool: &SqlitePool,
    entry: &NewAuditEntry,
) -> Result<i64, StoreError> {
    let at = clock::format(clock::now())?;
    let mut tx = pool.begin().await?;
    let id = append(&mut tx, entry, &at).await?;
    tx.commit().await?;
    Ok(id)
}

/// See [`crate::Store::list_audit`].
pub(super) async fn list_audit(
    pool: &SqlitePool,
    query: &AuditQuery,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut sql = String::from(
        "SELECT id, at, actor, actor_user_id, action, subject, detail FROM audit_log WHERE 1 = 1",
    );
    if query.action.is_some() {
        sql.push_str(" AND action = ?");
    }
    if let Some(actor) = query.actor {
        sql.push_str(" AND actor = ?");
        if actor.user_id().is_some() {
            sql.push_str(" AND actor_user_id = ?");
        }
    }
    if query.subject.is_some() {
        sql.push_str(" AND subject = ?");
    }
    if query.after_id.is_some() {
        sql.push_str(" AND id > ?");
    }
    if query.before_id.is_some() {
        sql.push_str(" AND id < ?");
    }
    sql.push_str(if query.oldest_first {
        " ORDER BY id ASC LIMIT ?"
    } else {
        " ORDER BY id DESC LIMIT ?"
    });
    let mut q = sqlx::query(&sql);
    if let Some(action) = query.action {
        q = q.bind(action.id());
    }
    if let Some(actor) = query.actor {
        q = q.bind(actor.kind());
        if let Some(id) = actor.user_id() {
            q = q.bind(id.0);
        }
    }
    if let Some(subject) = &query.subject {
        q = q.bind(subject.as_str());
    }
    if let Some(after) = query.after_id {
        q = q.bind(after);
    }
    if let Some(before) = query.before_id {
        q = q.bind(before);
    }
    let limit = i64::try_from(query.limit.min(MAX_AUDIT_PAGE)).unwrap_or(100);
    let rows = q.bind(limit).fetch_all(pool).await?;
    rows.iter().map(entry).collect()
}

fn entry(row: &SqliteRow) -> Result<AuditEntry, StoreError> {
    let id: i64 = row.try_get("id")?;
    let kind: String = row.try_get("actor")?;
    let user: Option<i64> = row.try_get("actor_user_id")?;
    let actor = Actor::from_parts(&kind, user.map(UserId)).ok_or_else(|| StoreError::Corrupt {
        slug: format!("audit:{id}"),
        message: format!("actor {kind:?} with account {user:?}"),
    })?;
    let detail: String = row.try_get("detail")?;
    Ok(AuditEntry {
        id,
        at: row.try_get("at")?,
        actor,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        // The detail is written as JSON; should a row ever hold something else, it is shown
        // as it is rather than hiding the event.
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
    })
}
