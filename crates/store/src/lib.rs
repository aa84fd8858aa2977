//! Preventory's storage port and its adapters.
//!
//! [`Store`] is the interface the rest of the product uses; [`sqlite::SqliteStore`] is the
//! embedded default. A PostgreSQL adapter implements the same trait without touching the core.

pub mod sqlite;

use async_trait::async_trait;
use preventory_core::Intervention;
use serde::Serialize;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened, migrated or queried.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored record could not be read back (corrupt or from an incompatible version).
    #[error("stored record {slug:?} is unreadable: {message}")]
    Corrupt {
        /// The record's slug.
        slug: String,
        /// What went wrong.
        message: String,
    },
    /// The source of an import reported a problem; nothing was stored.
    #[error("import stopped, nothing stored: {0}")]
    Aborted(String),
    /// A record given to the store failed validation.
    #[error("record {slug:?}: {message}")]
    Invalid {
        /// The record's slug.
        slug: String,
        /// The validation problems, joined.
        message: String,
    },
}

/// Batches of records arriving for [`Store::import_batches`]. A sender that meets a problem
/// sends `Err(reason)`: the whole import is then rolled back.
pub type ImportBatches = tokio::sync::mpsc::Receiver<Result<Vec<ImportItem>, String>>;

/// One record to be written by an import, with where it came from.
#[derive(Debug, Clone)]
pub struct ImportItem {
    /// The record.
    pub record: Intervention,
    /// The file (or other source) it was read from, kept on its revision.
    pub source: String,
}

/// What an import did, record by record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// Slugs stored for the first time.
    pub created: Vec<String>,
    /// Slugs whose content changed: a new revision was written and the old one kept.
    pub updated: Vec<String>,
    /// Slugs re-imported with identical content: nothing written.
    pub unchanged: Vec<String>,
}

/// A record as stored, with its revision number and when it last changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredRecord {
    /// The record.
    pub record: Intervention,
    /// The number of its current revision (1 for a new record).
    pub revision: i64,
    /// When it was last changed, RFC 3339 UTC.
    pub updated_at: String,
}

/// A line of the record list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordSummary {
    /// The slug.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The rating id, if rated.
    pub rating: Option<String>,
    /// "YYYY-MM" or "YYYY", if known.
    pub information_correct_at: Option<String>,
    /// Whether an editor must look at it.
    pub needs_review: bool,
    /// Current revision number.
    pub revision: i64,
}

/// One immutable revision of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    /// 1, 2, 3, … per record.
    pub number: i64,
    /// The record as it was at this revision.
    pub record: Intervention,
    /// Who made it (a user's email, or `import`).
    pub author: String,
    /// What changed, in words.
    pub summary: String,
    /// The source file of an import, if any.
    pub source: Option<String>,
    /// When, RFC 3339 UTC.
    pub created_at: String,
}

/// The storage interface. Implementations must make every write method transactional: all of
/// it happens, or none of it.
#[async_trait]
pub trait Store: Send + Sync {
    /// Writes a batch of records in one transaction. A new slug is created; a known slug with
    /// different content gets a new revision (the previous one is kept); identical content is
    /// left alone. Fails without writing anything if any record is invalid.
    async fn import(
        &self,
        items: Vec<ImportItem>,
        author: &str,
    ) -> Result<ImportOutcome, StoreError>;

    /// Like [`Store::import`], for records that arrive in batches (so a large import can be
    /// written while its files are still being read). Still one transaction: an invalid
    /// record, a repeated slug or an `Err` from the sender rolls back every batch.
    async fn import_batches(
        &self,
        batches: ImportBatches,
        author: &str,
    ) -> Result<ImportOutcome, StoreError>;

    /// The current version of one record.
    async fn get(&self, slug: &str) -> Result<Option<StoredRecord>, StoreError>;

    /// Every record's summary line, ordered by title.
    async fn list(&self) -> Result<Vec<RecordSummary>, StoreError>;

    /// Every record in full, ordered by slug (for export and index building).
    async fn all_records(&self) -> Result<Vec<StoredRecord>, StoreError>;

    /// At most `limit` records in full whose slug sorts after `after` (from the first when
    /// `None`), ordered by slug: [`Store::all_records`] a page at a time, so that a large
    /// collection can be read without holding it all in memory. An empty page is the end.
    async fn records_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError>;

    /// Every revision of one record, oldest first.
    async fn revisions(&self, slug: &str) -> Result<Vec<Revision>, StoreError>;

    /// How many records are stored.
    async fn count(&self) -> Result<u64, StoreError>;

    /// The id of the newest revision of any record (ids only grow), or 0 when nothing is
    /// stored. Cheap: lets a reader such as the search index tell whether anything changed.
    async fn latest_revision_id(&self) -> Result<i64, StoreError>;

    /// The current version of every record whose current revision is newer than the revision
    /// id `revision_id` (from [`Store::latest_revision_id`]), ordered by slug. With 0, every
    /// record.
    async fn changed_since(&self, revision_id: i64) -> Result<Vec<StoredRecord>, StoreError>;
}
