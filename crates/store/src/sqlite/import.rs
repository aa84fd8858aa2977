//! The batch import: check the whole batch, then write it in one transaction, a chunk of
//! records at a time.
//!
//! Three choices keep a 100,000-record import fast on a small machine, where writing the
//! JSON and touching fresh memory are what cost:
//! - records are serialised one chunk at a time, while SQLite is still writing the previous
//!   chunk, so both cores work and the same memory is reused chunk after chunk;
//! - whether a record changed is decided inside SQLite, by an upsert that only updates when
//!   the stored JSON differs, so existing records are never read back out;
//! - a record's JSON is stored once, in its revision; the current row keeps only its hash,
//!   which is what the upsert compares.

use super::audit;
use super::batch::{chunks, values_sql, MAX_PARAMS};
use crate::accounts::NewAuditEntry;
use crate::{ImportBatches, ImportItem, ImportOutcome, StoreError};
use preventory_core::accounts::Actor;
use preventory_core::audit::AuditAction;
use preventory_core::vocab::Vocabulary;
use preventory_core::{validation, Facet, Intervention};
use serde_json::Value;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Row, SqlitePool};
use std::collections::{HashMap, HashSet};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// RFC 3339 in UTC with a fixed six-digit fraction, so stored timestamps sort as text.
const TIMESTAMP: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Records per round: large enough that per-statement costs vanish (1,024 measured a little
/// faster than 256), small enough that a round's few megabytes of JSON are reused memory.
const CHUNK: usize = 1024;

// Parameters per row of the upsert and of the revision insert (plus its author), checked
// against SQLite's limit.
const _: () = assert!(9 * CHUNK <= MAX_PARAMS && 4 * CHUNK < MAX_PARAMS);

/// Inserts new slugs and updates known ones whose JSON differs; identical records are left
/// alone and, like every untouched row, are not returned. A new row's revision is 1, an
/// updated row's is at least 2, which is how the caller tells them apart.
///
/// A changed record's last author becomes none: the import, not an account, wrote this
/// content (see `last_author` in migration 0002). Its lifecycle status is left as it is; new
/// records are published (the column's default), as every record was before statuses.
///
/// An import is the operator's bulk path and publishes what it writes: a new record is
/// published at revision 1, and a changed published record's new revision becomes its public
/// one. A record in draft or review keeps its public revision (its draft goes on from the
/// imported content).
const UPSERT_HEAD: &str = "INSERT INTO interventions (slug, title, needs_review, rating, \
     information_correct_at, created_at, updated_at, content_hash, current_revision, \
     published_revision, public_status, change_id)";
/// The revision of a new row is always 1: a literal, not a parameter.
const UPSERT_ROW: &str = "(?,?,?,?,?,?,?,?,1,1,'published',?)";
const UPSERT_TAIL: &str = "ON CONFLICT (slug) DO UPDATE SET title = excluded.title, \
     needs_review = excluded.needs_review, rating = excluded.rating, \
     information_correct_at = excluded.information_correct_at, \
     updated_at = excluded.updated_at, content_hash = excluded.content_hash, \
     current_revision = interventions.current_revision + 1, last_author = NULL, \
     change_id = excluded.change_id, \
     published_revision = CASE WHEN interventions.status = 'published' \
     THEN interventions.current_revision + 1 ELSE interventions.published_revision END \
     WHERE interventions.content_hash IS NOT excluded.content_hash \
     RETURNING id, slug, current_revision";

/// Records the rows just written as their current revision, with their JSON; the row's
/// `updated_at` is the revision's time. The `?` before VALUES is the author.
const REVISION_HEAD: &str = "INSERT INTO revisions (intervention_id, number, author, summary, \
     source, created_at, record_json) \
     SELECT i.id, i.current_revision, ?, v.column2, v.column3, i.updated_at, v.column4 \
     FROM (";
const REVISION_TAIL: &str = ") AS v CROSS JOIN interventions AS i ON i.id = v.column1";
const REVISION_ROW: &str = "(?,?,?,?)";

/// A chunk's facet values go in as one JSON object, `{"<row id>": ["<facet>:<value>", …]}`:
/// one text parameter is cheaper to bind than three per row, and plain string functions are
/// cheaper than JSON paths for SQLite. Facet names have no colon, so the first one splits.
const FACET_INSERT: &str = "INSERT INTO facet_values (intervention_id, facet, value) \
     SELECT CAST(r.key AS INTEGER), substr(f.value, 1, instr(f.value, ':') - 1), \
     substr(f.value, instr(f.value, ':') + 1) \
     FROM json_each(?) AS r, json_each(r.value) AS f";

/// A record ready to be written: its canonical JSON and its facet values.
pub(super) struct Prepared<'a> {
    pub(super) record: &'a Intervention,
    source: &'a str,
    pub(super) json: String,
    pub(super) hash: [u8; 32],
    facets: Vec<(&'static str, String)>,
}

/// What the upsert did to one record: its row id and new current revision.
pub(super) struct Written {
    pub(super) id: i64,
    pub(super) revision: i64,
}

/// Stores `items` in one transaction; see [`crate::Store::import`].
pub(super) async fn import(
    pool: &SqlitePool,
    items: Vec<ImportItem>,
    author: &str,
) -> Result<ImportOutcome, StoreError> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    // The receiver is still alive, so this cannot fail; if it somehow did, the import below
    // would simply see no records.
    let _ = sender.send(Ok(items)).await;
    drop(sender);
    import_batches(pool, receiver, author).await
}

/// Stores batches as they arrive, all in one transaction; see [`crate::Store::import_batches`].
pub(super) async fn import_batches(
    pool: &SqlitePool,
    mut batches: ImportBatches,
    author: &str,
) -> Result<ImportOutcome, StoreError> {
    let now = now_utc()?;
    let mut seen = HashSet::new();
    let mut outcome = ImportOutcome::default();
    let mut tx: Option<sqlx::Transaction<'_, sqlx::Sqlite>> = None;
    // One number from the change counter for every row this import writes (see migration
    // 0004): read under the write lock, so no other writer can take it, and taken (the
    // counter moved) at the end only if a row was written.
    let mut change_id = 0i64;
    while let Some(batch) = batches.recv().await {
        // Returning early drops the transaction, which rolls everything back.
        let items = batch.map_err(StoreError::Aborted)?;
        if items.is_empty() {
            continue;
        }
        check(&items, &mut seen)?;
        if tx.is_none() {
            // IMMEDIATE takes the write lock up front: what the upsert compares against must
            // not change under it, and a deferred transaction could fail to upgrade half-way.
            let mut begun = pool.begin_with("BEGIN IMMEDIATE").await?;
            change_id = sqlx::query_scalar("SELECT value + 1 FROM change_counter WHERE id = 1")
                .fetch_one(&mut *begun)
                .await?;
            tx = Some(begun);
        }
        if let Some(tx) = tx.as_mut() {
            write_items(tx, &items, &now, author, change_id, &mut outcome).await?;
        }
    }
    if let Some(mut tx) = tx {
        if !outcome.created.is_empty() || !outcome.updated.is_empty() {
            sqlx::query("UPDATE change_counter SET value = ? WHERE id = 1")
                .bind(change_id)
                .execute(&mut *tx)
                .await?;
            // One event per import (not per record): the revisions name every record.
            let entry = NewAuditEntry {
                actor: Actor::Import,
                action: AuditAction::RecordsImported,
                subject: "records".to_string(),
                detail: serde_json::json!({
                    "author": author,
                    "created": outcome.created.len(),
                    "updated": outcome.updated.len(),
                }),
            };
            audit::append(&mut tx, &entry, &now).await?;
        }
        tx.commit().await?;
    }
    tracing::debug!(
        created = outcome.created.len(),
        updated = outcome.updated.len(),
        unchanged = outcome.unchanged.len(),
        "import committed"
    );
    Ok(outcome)
}

/// Writes checked items chunk by chunk inside the open transaction.
async fn write_items(
    tx: &mut SqliteConnection,
    items: &[ImportItem],
    now: &str,
    author: &str,
    change_id: i64,
    outcome: &mut ImportOutcome,
) -> Result<(), StoreError> {
    let mut rounds = chunks(items, CHUNK);
    let mut next = rounds.next().map(prepare).transpose()?;
    while let Some(current) = next.take() {
        // `biased` polls the upsert first, so its statement is on SQLite's worker thread
        // before this thread starts serialising the following chunk.
        let (written, following) = tokio::join!(biased;
            upsert(&mut *tx, &current, now, change_id),
            async { rounds.next().map(prepare).transpose() },
        );
        let written = written?;
        next = following?;
        if !written.is_empty() {
            record_revisions(&mut *tx, &current, &written, author).await?;
            replace_facet_values(&mut *tx, &current, &written).await?;
        }
        for p in &current {
            let slug = p.record.slug.clone();
            match written.get(p.record.slug.as_str()) {
                None => outcome.unchanged.push(slug),
                Some(w) if w.revision == 1 => outcome.created.push(slug),
                Some(_) => outcome.updated.push(slug),
            }
        }
    }
    Ok(())
}

/// Refuses the import, before this batch is written, if any record is invalid or a slug
/// comes twice (in this batch or an earlier one of the same import).
pub(super) fn check(items: &[ImportItem], seen: &mut HashSet<String>) -> Result<(), StoreError> {
    for item in items {
        let slug = item.record.slug.as_str();
        let problems = validation::validate(&item.record);
        if !problems.is_empty() {
            let message = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(invalid(slug, message));
        }
        if !seen.insert(slug.to_string()) {
            return Err(invalid(slug, "appears more than once in the batch"));
        }
    }
    Ok(())
}

pub(super) fn prepare(items: &[ImportItem]) -> Result<Vec<Prepared<'_>>, StoreError> {
    items
        .iter()
        .map(|item| {
            let record = &item.record;
            let json = serde_json::to_string(record)
                .map_err(|e| invalid(&record.slug, format!("cannot be serialised: {e}")))?;
            let facets = Facet::ALL
                .into_iter()
                .flat_map(|facet| {
                    facet
                        .ids_of(record)
                        .into_iter()
                        .map(move |id| (facet.param(), id))
                })
                .collect();
            let hash = *blake3::hash(json.as_bytes()).as_bytes();
            Ok(Prepared {
                record,
                source: &item.source,
                json,
                hash,
                facets,
            })
        })
        .collect()
}

fn invalid(slug: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        slug: slug.to_string(),
        message: message.into(),
    }
}

/// The current time as stored in `created_at` and `updated_at`.
fn now_utc() -> Result<String, StoreError> {
    OffsetDateTime::now_utc()
        .format(TIMESTAMP)
        .map_err(encode_error)
}

/// A value that could not be turned into a statement parameter.
fn encode_error(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Database(sqlx::Error::Encode(Box::new(e)))
}

/// Writes a chunk's rows; returns, by slug, those created or changed.
async fn upsert(
    conn: &mut SqliteConnection,
    chunk: &[Prepared<'_>],
    now: &str,
    change_id: i64,
) -> Result<HashMap<String, Written>, StoreError> {
    let sql = values_sql(UPSERT_HEAD, UPSERT_ROW, chunk.len(), UPSERT_TAIL);
    let mut query = sqlx::query(&sql);
    for p in chunk {
        let r = p.record;
        query = query
            .bind(r.slug.as_str())
            .bind(r.title.as_str())
            .bind(r.needs_review)
            .bind(r.rating.map(|rating| rating.id()))
            .bind(r.information_correct_at.map(|date| date.to_string()))
            .bind(now)
            .bind(now)
            .bind(&p.hash[..])
            .bind(change_id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut written = HashMap::with_capacity(rows.len());
    for row in rows {
        written.insert(
            row.try_get("slug")?,
            Written {
                id: row.try_get("id")?,
                revision: row.try_get("current_revision")?,
            },
        );
    }
    Ok(written)
}

async fn record_revisions(
    conn: &mut SqliteConnection,
    chunk: &[Prepared<'_>],
    written: &HashMap<String, Written>,
    author: &str,
) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, Option<&str>, &str)> = chunk
        .iter()
        .filter_map(|p| {
            let w = written.get(p.record.slug.as_str())?;
            let summary = match (w.revision, p.source.is_empty()) {
                (1, true) => "Imported".to_string(),
                (1, false) => format!("Imported from {}", p.source),
                (_, true) => "Changed by a re-import".to_string(),
                (_, false) => format!("Changed by a re-import from {}", p.source),
            };
            Some((
                w.id,
                summary,
                (!p.source.is_empty()).then_some(p.source),
                p.json.as_str(),
            ))
        })
        .collect();
    for part in chunks(&rows, CHUNK) {
        let sql = values_sql(REVISION_HEAD, REVISION_ROW, part.len(), REVISION_TAIL);
        let mut query = sqlx::query(&sql).bind(author);
        for (id, summary, source, json) in part {
            query = query
                .bind(*id)
                .bind(summary.as_str())
                .bind(*source)
                .bind(*json);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Brings the facet table in line with the written records: all values of a new record, and
/// for a changed record its values again only if they differ from the stored ones (most edits
/// leave facets alone, and rewriting both B-trees of the table is the costly part).
pub(super) async fn replace_facet_values(
    conn: &mut SqliteConnection,
    chunk: &[Prepared<'_>],
    written: &HashMap<String, Written>,
) -> Result<(), StoreError> {
    let changed: Vec<i64> = written
        .values()
        .filter(|w| w.revision > 1)
        .map(|w| w.id)
        .collect();
    let mut stored: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    if !changed.is_empty() {
        let rows = sqlx::query(
            "SELECT intervention_id, facet, value FROM facet_values \
             WHERE intervention_id IN (SELECT value FROM json_each(?))",
        )
        .bind(json_ids(&changed))
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            stored
                .entry(row.try_get("intervention_id")?)
                .or_default()
                .push((row.try_get("facet")?, row.try_get("value")?));
        }
    }

    let mut replaced = Vec::new();
    let mut values = serde_json::Map::new();
    for p in chunk {
        let Some(w) = written.get(p.record.slug.as_str()) else {
            continue;
        };
        if w.revision > 1 {
            if same_values(stored.get(&w.id), &p.facets) {
                continue;
            }
            replaced.push(w.id);
        }
        let pairs = p
            .facets
            .iter()
            .map(|(facet, value)| Value::String(format!("{facet}:{value}")))
            .collect();
        values.insert(w.id.to_string(), Value::Array(pairs));
    }
    if !replaced.is_empty() {
        sqlx::query(
            "DELETE FROM facet_values WHERE intervention_id IN (SELECT value FROM json_each(?))",
        )
        .bind(json_ids(&replaced))
        .execute(&mut *conn)
        .await?;
    }
    if !values.is_empty() {
        sqlx::query(FACET_INSERT)
            .bind(Value::Object(values).to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether a record's stored facet values are exactly `new`. Both lists are free of
/// duplicates (the table's primary key, [`Facet::ids_of`]), so equal length and inclusion
/// settle it.
fn same_values(stored: Option<&Vec<(String, String)>>, new: &[(&'static str, String)]) -> bool {
    let stored = stored.map(Vec::as_slice).unwrap_or_default();
    stored.len() == new.len()
        && new
            .iter()
            .all(|(facet, value)| stored.iter().any(|(f, v)| f == facet && v == value))
}

/// Row ids as a JSON array, for `json_each(?)`: one parameter however many ids.
fn json_ids(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", list.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`FACET_INSERT`] splits `facet:value` at the first colon.
    #[test]
    fn facet_names_have_no_colon() {
        for facet in Facet::ALL {
            assert!(!facet.param().contains(':'), "{}", facet.param());
        }
    }

    #[test]
    fn facet_sets_compare_regardless_of_order() {
        let stored = vec![
            ("gender".to_string(), "male".to_string()),
            ("rating".to_string(), "unrated".to_string()),
        ];
        let same = [
            ("rating", "unrated".to_string()),
            ("gender", "male".to_string()),
        ];
        let other = [
            ("rating", "unrated".to_string()),
            ("gender", "female".to_string()),
        ];
        assert!(same_values(Some(&stored), &same));
        assert!(!same_values(Some(&stored), &other));
        assert!(!same_values(Some(&stored), &same[..1]));
        assert!(!same_values(None, &same));
        assert!(same_values(None, &[]));
    }
}
