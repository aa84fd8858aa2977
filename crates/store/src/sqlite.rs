//! The SQLite adapter of the storage port: the whole knowledge base in one file, so a
//! deployment needs no database server.
//!
//! The file runs in WAL mode, so readers (the web pages) never wait for an import, and the
//! schema is migrated on open from the SQL files embedded at compile time.

mod audit;
mod backup;
mod batch;
mod clock;
mod edit;
mod import;
mod lifecycle;
mod read;
mod secrets;
mod sessions;
mod submissions;
mod throttle;
mod users;

use crate::accounts::{
    AuditEntry, AuditQuery, Credentials, FailedAttempts, LoginKeys, LoginOutcome, NewAuditEntry,
    NewSession, NewUser, RecordState, Session, SessionLimits, StatusChange, User,
};
use crate::editing::{
    Editor, NewSubmission, PublicChanges, RecordEdit, Resolution, ReviewItem, Saved, Submission,
    SubmissionLimit, SubmissionState,
};
use crate::{ImportItem, ImportOutcome, RecordSummary, Revision, Store, StoreError, StoredRecord};
use async_trait::async_trait;
use preventory_core::accounts::{Actor, Email, Role, Staff, UserId};
use preventory_core::lifecycle::Status;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

pub use backup::{inspect, restore, RestoreOptions, Restored};

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

    /// Takes one connection out of the pool and keeps it open until the returned guard is
    /// dropped. Every open connection to a WAL database holds a shared lock on the file, and
    /// [`restore`] refuses to replace a database whose lock it cannot take: a long-running
    /// process (the server) holds this guard so that it counts as using the database even
    /// while its pool has closed every idle connection.
    pub async fn hold_open(&self) -> Result<HeldOpen, StoreError> {
        let mut conn = self.pool.acquire().await?.detach();
        // A read, so that SQLite has taken the file's shared lock.
        sqlx::query("SELECT COUNT(*) FROM sqlite_schema")
            .fetch_one(&mut conn)
            .await?;
        Ok(HeldOpen { _conn: conn })
    }

    /// Closes every connection, waiting for those in use, so the WAL is checkpointed into the
    /// main file before the process exits or the file is copied.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A connection kept open by [`SqliteStore::hold_open`]; dropping it closes the connection.
#[derive(Debug)]
pub struct HeldOpen {
    _conn: sqlx::sqlite::SqliteConnection,
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

    async fn revisions(&self, slug: &str) -> Result<Vec<Revision>, StoreError> {
        read::revisions(&self.pool, slug).await
    }

    async fn count(&self) -> Result<u64, StoreError> {
        read::count(&self.pool).await
    }

    async fn latest_change_id(&self) -> Result<i64, StoreError> {
        read::latest_change_id(&self.pool).await
    }

    async fn get_public(&self, slug: &str) -> Result<Option<StoredRecord>, StoreError> {
        read::get_public(&self.pool, slug).await
    }

    async fn public_records_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        read::public_records_after(&self.pool, after, limit).await
    }

    async fn public_changes_since(&self, change_id: i64) -> Result<PublicChanges, StoreError> {
        read::public_changes_since(&self.pool, change_id).await
    }

    async fn save_record(&self, edit: &RecordEdit, by: &Editor) -> Result<Saved, StoreError> {
        edit::save_record(&self.pool, edit, by).await
    }

    async fn review_items(&self) -> Result<Vec<ReviewItem>, StoreError> {
        read::review_items(&self.pool).await
    }

    async fn mark_reviewed(&self, slug: &str, by: &Editor) -> Result<String, StoreError> {
        edit::mark_reviewed(&self.pool, slug, by).await
    }

    async fn submission_client_key(&self, client: &str) -> Result<String, StoreError> {
        submissions::client_key(&self.pool, client).await
    }

    async fn create_submission(
        &self,
        submission: &NewSubmission,
        client_key: &str,
        limit: SubmissionLimit,
    ) -> Result<i64, StoreError> {
        submissions::create(&self.pool, submission, client_key, limit).await
    }

    async fn list_submissions(
        &self,
        state: Option<SubmissionState>,
    ) -> Result<Vec<Submission>, StoreError> {
        submissions::list(&self.pool, state).await
    }

    async fn get_submission(&self, id: i64) -> Result<Option<Submission>, StoreError> {
        submissions::get(&self.pool, id).await
    }

    async fn accept_submission_as_draft(
        &self,
        id: i64,
        draft: &RecordEdit,
        by: &Editor,
    ) -> Result<Saved, StoreError> {
        submissions::accept_as_draft(&self.pool, id, draft, by).await
    }

    async fn resolve_submission(
        &self,
        id: i64,
        resolution: &Resolution,
        by: &Editor,
    ) -> Result<(), StoreError> {
        submissions::resolve(&self.pool, id, resolution, by).await
    }

    async fn backup_to(&self, path: &Path) -> Result<crate::BackupSummary, StoreError> {
        backup::backup_to(&self.pool, path).await
    }

    async fn create_user(&self, user: &NewUser, by: Actor) -> Result<User, StoreError> {
        users::create_user(&self.pool, user, by).await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        users::find_user_by_email(&self.pool, email).await
    }

    async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        users::credentials(&self.pool, email).await
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        users::get_user(&self.pool, id).await
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        users::list_users(&self.pool).await
    }

    async fn set_user_disabled(
        &self,
        id: UserId,
        disabled: bool,
        by: Actor,
    ) -> Result<User, StoreError> {
        users::set_user_disabled(&self.pool, id, disabled, by).await
    }

    async fn set_user_role(
        &self,
        id: UserId,
        role: Role,
        organisation: Option<&str>,
        by: Actor,
    ) -> Result<User, StoreError> {
        users::set_user_role(&self.pool, id, role, organisation, by).await
    }

    async fn set_password_hash(
        &self,
        id: UserId,
        password_hash: &str,
        by: Actor,
    ) -> Result<(), StoreError> {
        users::set_password_hash(&self.pool, id, password_hash, by).await
    }

    async fn create_session(
        &self,
        user: UserId,
        limits: SessionLimits,
        replaces: Option<&str>,
    ) -> Result<NewSession, StoreError> {
        sessions::create_session(&self.pool, user, limits, replaces).await
    }

    async fn session_by_token(&self, token: &str) -> Result<Option<Session>, StoreError> {
        sessions::session_by_token(&self.pool, token).await
    }

    async fn delete_session(&self, token: &str) -> Result<bool, StoreError> {
        sessions::delete_session(&self.pool, token).await
    }

    async fn delete_user_sessions(&self, user: UserId) -> Result<u64, StoreError> {
        sessions::delete_user_sessions(&self.pool, user).await
    }

    async fn login_keys(&self, account: &str, client: &str) -> Result<LoginKeys, StoreError> {
        throttle::login_keys(&self.pool, account, client).await
    }

    async fn record_login_attempt(
        &self,
        keys: &LoginKeys,
        outcome: LoginOutcome,
    ) -> Result<(), StoreError> {
        throttle::record_login_attempt(&self.pool, keys, outcome).await
    }

    async fn recent_failed_attempts(
        &self,
        keys: &LoginKeys,
        window: Duration,
    ) -> Result<FailedAttempts, StoreError> {
        throttle::recent_failed_attempts(&self.pool, keys, window).await
    }

    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<i64, StoreError> {
        audit::append_audit(&self.pool, entry).await
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        audit::list_audit(&self.pool, query).await
    }

    async fn record_state(&self, slug: &str) -> Result<Option<RecordState>, StoreError> {
        lifecycle::record_state(&self.pool, slug).await
    }

    async fn set_status(
        &self,
        slug: &str,
        to: Status,
        by: &Staff,
    ) -> Result<StatusChange, StoreError> {
        lifecycle::set_status(&self.pool, slug, to, by).await
    }
}
