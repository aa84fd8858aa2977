//! Reading records, summaries and history back.

use crate::editing::{PublicChanges, ReviewItem};
use crate::{RecordSummary, Revision, StoreError, StoredRecord};
use preventory_core::lifecycle::Status;
use preventory_core::vocab::Vocabulary;
use preventory_core::Intervention;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

/// Current records: each row with the JSON of its current revision.
const CURRENT: &str = "SELECT i.slug, r.record_json, i.current_revision AS revision, \
     i.updated_at, i.status \
     FROM interventions i JOIN revisions r \
     ON r.intervention_id = i.id AND r.number = i.current_revision";

/// Public records: each row with the JSON of its published revision, when that revision was
/// written, and what the public sees it as.
const PUBLIC: &str = "SELECT i.slug, r.record_json, i.published_revision AS revision, \
     r.created_at AS updated_at, i.public_status AS status \
     FROM interventions i JOIN revisions r \
     ON r.intervention_id = i.id AND r.number = i.published_revision \
     WHERE i.public_status IS NOT NULL";

/// A status as stored.
pub(super) fn status_of(slug: &str, text: &str) -> Result<Status, StoreError> {
    Status::from_id(text).ok_or_else(|| StoreError::Corrupt {
        slug: slug.to_string(),
        message: format!("unknown status {text:?}"),
    })
}

/// Parses a stored record, checking it is the record its row says it is.
fn parse_record(slug: &str, json: &str) -> Result<Intervention, StoreError> {
    let record: Intervention = serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        slug: slug.to_string(),
        message: e.to_string(),
    })?;
    if record.slug != slug {
        return Err(StoreError::Corrupt {
            slug: slug.to_string(),
            message: format!("the stored JSON is for slug {:?}", record.slug),
        });
    }
    Ok(record)
}

/// A row of [`CURRENT`] or [`PUBLIC`].
fn stored_record(row: &SqliteRow) -> Result<StoredRecord, StoreError> {
    let slug: &str = row.try_get("slug")?;
    Ok(StoredRecord {
        record: parse_record(slug, row.try_get("record_json")?)?,
        revision: row.try_get("revision")?,
        updated_at: row.try_get("updated_at")?,
        status: status_of(slug, row.try_get("status")?)?,
    })
}

pub(super) async fn get(pool: &SqlitePool, slug: &str) -> Result<Option<StoredRecord>, StoreError> {
    let row = sqlx::query(&format!("{CURRENT} WHERE i.slug = ?"))
        .bind(slug)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(stored_record).transpose()
}

pub(super) async fn list(pool: &SqlitePool) -> Result<Vec<RecordSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT slug, title, rating, information_correct_at, needs_review, current_revision \
         FROM interventions ORDER BY title COLLATE NOCASE, slug",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RecordSummary {
                slug: row.try_get("slug")?,
                title: row.try_get("title")?,
                rating: row.try_get("rating")?,
                information_correct_at: row.try_get("information_correct_at")?,
                needs_review: row.try_get("needs_review")?,
                revision: row.try_get("current_revision")?,
            })
        })
        .collect()
}

pub(super) async fn all_records(pool: &SqlitePool) -> Result<Vec<StoredRecord>, StoreError> {
    let rows = sqlx::query(&format!("{CURRENT} ORDER BY i.slug"))
        .fetch_all(pool)
        .await?;
    rows.iter().map(stored_record).collect()
}

pub(super) async fn revisions(pool: &SqlitePool, slug: &str) -> Result<Vec<Revision>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.number, r.record_json, r.author, r.summary, r.source, r.created_at \
         FROM revisions r JOIN interventions i ON i.id = r.intervention_id \
         WHERE i.slug = ? ORDER BY r.number",
    )
    .bind(slug)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let number: i64 = row.try_get("number")?;
            let record = parse_record(slug, row.try_get("record_json")?).map_err(|e| match e {
                StoreError::Corrupt { slug, message } => StoreError::Corrupt {
                    slug,
                    message: format!("revision {number}: {message}"),
                },
                other => other,
            })?;
            Ok(Revision {
                number,
                record,
                author: row.try_get("author")?,
                summary: row.try_get("summary")?,
                source: row.try_get("source")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

pub(super) async fn count(pool: &SqlitePool) -> Result<u64, StoreError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM interventions")
        .fetch_one(pool)
        .await?;
    // COUNT(*) is never negative; the fallback only keeps the conversion total.
    Ok(u64::try_from(count).unwrap_or(0))
}

pub(super) async fn latest_change_id(pool: &SqlitePool) -> Result<i64, StoreError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT value FROM change_counter WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    Ok(id.unwrap_or(0))
}

pub(super) async fn get_public(
    pool: &SqlitePool,
    slug: &str,
) -> Result<Option<StoredRecord>, StoreError> {
    let row = sqlx::query(&format!("{PUBLIC} AND i.slug = ?"))
        .bind(slug)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(stored_record).transpose()
}

pub(super) async fn public_records_after(
    pool: &SqlitePool,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<StoredRecord>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = sqlx::query(&format!(
        "{PUBLIC} AND (? IS NULL OR i.slug > ?) ORDER BY i.slug LIMIT ?"
    ))
    .bind(after)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(stored_record).collect()
}

pub(super) async fn public_changes_since(
    pool: &SqlitePool,
    change_id: i64,
) -> Result<PublicChanges, StoreError> {
    let rows = sqlx::query(&format!("{PUBLIC} AND i.change_id > ? ORDER BY i.slug"))
        .bind(change_id)
        .fetch_all(pool)
        .await?;
    let visible = rows.iter().map(stored_record).collect::<Result<_, _>>()?;
    let hidden = sqlx::query_scalar(
        "SELECT slug FROM interventions WHERE change_id > ? AND public_status IS NULL \
         ORDER BY slug",
    )
    .bind(change_id)
    .fetch_all(pool)
    .await?;
    Ok(PublicChanges { visible, hidden })
}

pub(super) async fn review_items(pool: &SqlitePool) -> Result<Vec<ReviewItem>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.slug, i.title, i.status, i.public_status, i.information_correct_at, \
         i.reviewed_at, i.updated_at, i.current_revision, \
         json_extract(r.record_json, '$.contact.organisation') AS organisation \
         FROM interventions i JOIN revisions r \
         ON r.intervention_id = i.id AND r.number = i.current_revision \
         ORDER BY i.title COLLATE NOCASE, i.slug",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let slug: String = row.try_get("slug")?;
            let status = status_of(&slug, row.try_get("status")?)?;
            let public_status = row
                .try_get::<Option<&str>, _>("public_status")?
                .map(|text| status_of(&slug, text))
                .transpose()?;
            Ok(ReviewItem {
                title: row.try_get("title")?,
                status,
                public_status,
                information_correct_at: row.try_get("information_correct_at")?,
                reviewed_at: row.try_get("reviewed_at")?,
                updated_at: row.try_get("updated_at")?,
                revision: row.try_get("current_revision")?,
                organisation: row.try_get("organisation")?,
                slug,
            })
        })
        .collect()
}
