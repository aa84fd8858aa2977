//! The SQLite adapter of the storage port: the whole knowledge base in one file, so a
//! deployment needs no database server.
//!
//! The file runs in WAL mode, so readers (the web pages) never wait for an import, and the
//! schema is migrated on open from the SQL files embedded at compile time.

mod batch;
mod import;
mod read;

use crate::{ImportItem, ImportOutcome, RecordSummary, Revision, Store, StoreError, StoredRecord};
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

/// Enough connections for a few concurrent readers beside one writer; SQLite serialises
/// writers anyway, and the machines this runs on are small.
const MAX_CONNECTIONS: u32 = 4;

/// How long a connection waits for another one's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Page size of a new database file. Records are a few kilobytes of JSON, kept twice (row and
/// revision); SQLite's default 4 KiB pages fit few of them and cost a system call each, and a
/// 100,000-record import ran 1.5 to 2 times as fast with 32 KiB pages as with 4 KiB. 64 KiB
/// pages slowed the many small rows of the facet table. An existing file keeps its page size.
const PAGE_SIZE: u32 = 32 * 1024;

/// Page cache per connection, in KiB (SQLite's negative `cache_size`): the default 2 MiB
/// would hold only 64 pages of 32 KiB.
const CACHE_SIZE_KIB: i64 = 32 * 1024;

/// Bytes of WAL file kept after a checkpoint.
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The schema migrations, embedded so the binary carries its own schema.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The SQLite implementation of [`Store`]: a pool of connections to one database file.
///
/// Cloning is cheap and shares the pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the database at `path`, creating the file if it does not exist, and brings its
    /// schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // sqlx sets the page size before the journal mode, the only order in which it
            // takes effect on a new file.
            .page_size(PAGE_SIZE)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL survives application crashes; a power cut or OS crash can
            // lose the last commits but leaves the file consistent.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("cache_size", (-CACHE_SIZE_KIB).to_string())
            // Statement journals of multi-row inserts and temporary sorts stay in memory.
            .pragma("temp_store", "MEMORY")
            // A big import leaves a WAL file as large as its transaction; once checkpointed,
            // it is cut back to this size instead of keeping the disk space.
            .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool, for tests, benchmarks and queries the [`Store`] trait does not
    /// cover.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, waiting for those in use, so the WAL is checkpointed into the
    /// main file before the process exits or the file is copied.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn import(
        &self,
        items: Vec<ImportItem>,
        author: &str,
    ) -> Result<ImportOutcome, StoreError> {
        import::import(&self.pool, items, author).await
    }

    async fn import_batches(
        &self,
        batches: crate::ImportBatches,
        author: &str,
    ) -> Result<ImportOutcome, StoreError> {
        import::import_batches(&self.pool, batches, author).await
    }

    async fn get(&self, slug: &str) -> Result<Option<StoredRecord>, StoreError> {
        read::get(&self.pool, slug).await
    }

    async fn list(&self) -> Result<Vec<RecordSummary>, StoreError> {
        read::list(&self.pool).await
    }

    async fn all_records(&self) -> Result<Vec<StoredRecord>, StoreError> {
        read::all_records(&self.pool).await
    }

    async fn records_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        read::records_after(&self.pool, after, limit).await
    }

    async fn revisions(&self, slug: &str) -> Result<Vec<Revision>, StoreError> {
        read::revisions(&self.pool, slug).await
    }

    async fn count(&self) -> Result<u64, StoreError> {
        read::count(&self.pool).await
    }

    async fn latest_revision_id(&self) -> Result<i64, StoreError> {
        read::latest_revision_id(&self.pool).await
    }

    async fn changed_since(&self, revision_id: i64) -> Result<Vec<StoredRecord>, StoreError> {
        read::changed_since(&self.pool, revision_id).await
    }
}
