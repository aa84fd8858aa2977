//! Preventory's storage port and its adapters.
//!
//! [`Store`] is the interface the rest of the product uses; [`sqlite::SqliteStore`] is the
//! embedded default. A PostgreSQL adapter implements the same trait without touching the core.

pub mod accounts;
pub mod editing;
pub mod login;
pub mod password;
pub mod sqlite;

use accounts::{
    AuditEntry, AuditQuery, Credentials, FailedAttempts, LoginKeys, LoginOutcome, NewAuditEntry,
    NewSession, NewUser, RecordState, Session, SessionLimits, StatusChange, User,
};
use async_trait::async_trait;
use editing::{
    Editor, NewSubmission, PublicChanges, RecordEdit, Resolution, ReviewItem, Saved, Submission,
    SubmissionLimit, SubmissionState,
};
use preventory_core::accounts::{Actor, Email, Role, RoleError, Staff, UserId};
use preventory_core::lifecycle::{Status, TransitionError};
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
    /// A file beside the database (a backup, a restored copy, a kept previous version) could
    /// not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path concerned.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file offered as a store (to restore from, or just written as a backup) is not one
    /// this program can use; nothing was changed.
    #[error("{path} is not a usable Preventory store: {message}")]
    NotAStore {
        /// The file.
        path: String,
        /// Why: the failed check.
        message: String,
    },
    /// The database is open in another process (a running server, an import), so it cannot
    /// be replaced; nothing was changed.
    #[error("{path} is in use by another process (a running `preventory serve`, an import?); stop it and try again")]
    InUse {
        /// The database file.
        path: String,
    },
    /// No account has this number.
    #[error("no account number {0}")]
    UnknownUser(UserId),
    /// No record has this slug.
    #[error("no record with slug {0:?}")]
    UnknownRecord(String),
    /// An account with this address (in any case) exists already.
    #[error("an account for {0} exists already")]
    EmailTaken(String),
    /// The account is disabled, so it cannot have a session.
    #[error("account number {0} is disabled")]
    UserDisabled(UserId),
    /// The change would leave no enabled administrator.
    #[error("this would leave no enabled administrator; add or enable another admin first")]
    LastAdmin,
    /// A role and an organisation that do not go together.
    #[error("{0}")]
    Role(#[from] RoleError),
    /// A status change the lifecycle or the person's role does not allow.
    #[error("{0}")]
    Transition(#[from] TransitionError),
    /// A save started from a revision that is no longer the current one: someone else saved
    /// in between. Nothing was written; the editor must merge.
    #[error("record {slug:?} changed since revision {base}: it is now at revision {current}")]
    Conflict {
        /// The record's slug.
        slug: String,
        /// The revision the save started from.
        base: i64,
        /// The current revision.
        current: i64,
    },
    /// A new record was given a slug another record has.
    #[error("a record with slug {0:?} exists already")]
    SlugTaken(String),
    /// The person may not make this change (a provider and another organisation's record, a
    /// reviewer and any content).
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// A required part of a change is missing or wrong (an empty change summary, an empty
    /// rejection reason).
    #[error("{0}")]
    Incomplete(String),
    /// Too many submissions from one client within the limit's window.
    #[error("too many submissions; try again later")]
    TooManySubmissions,
    /// No submission has this number.
    #[error("no submission number {0}")]
    UnknownSubmission(i64),
    /// The submission was dealt with already.
    #[error("submission number {0} was dealt with already")]
    SubmissionResolved(i64),
    /// Something other than an argon2 PHC string was offered as a password hash.
    #[error("refusing to store a password hash that is not an argon2 PHC string")]
    NotAPasswordHash,
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
    /// When it was last changed, RFC 3339 UTC (for a public read: when its published
    /// revision was written, the public page's "last changed").
    pub updated_at: String,
    /// For a staff read, where the current revision is in its life; for a public read, what
    /// the public sees it as (published or discontinued).
    pub status: preventory_core::lifecycle::Status,
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

    /// Every revision of one record, oldest first.
    async fn revisions(&self, slug: &str) -> Result<Vec<Revision>, StoreError>;

    /// How many records are stored.
    async fn count(&self) -> Result<u64, StoreError>;

    /// A number that grows with every change to any record's content or status, or 0 when
    /// nothing is stored. Cheap: lets a reader such as the search index tell whether anything
    /// changed.
    async fn latest_change_id(&self) -> Result<i64, StoreError>;

    /// What the public sees of one record: its last published revision, with `status`
    /// published or discontinued; `None` for an unknown record or one never published.
    async fn get_public(&self, slug: &str) -> Result<Option<StoredRecord>, StoreError>;

    /// [`Store::get_public`] for at most `limit` public records whose slug sorts after
    /// `after` (from the first when `None`), by slug: the public collection a page at a time,
    /// so that a large one (the search index's build, an export) is never all in memory. An
    /// empty page is the end.
    async fn public_records_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError>;

    /// Every public record at its published revision, by slug: [`Store::public_records_after`]
    /// page after page (for callers that want them all at once).
    async fn all_public_records(&self) -> Result<Vec<StoredRecord>, StoreError> {
        /// Records read at a time.
        const PAGE: usize = 1000;
        let mut all: Vec<StoredRecord> = Vec::new();
        loop {
            let after = all.last().map(|s| s.record.slug.clone());
            let page = self.public_records_after(after.as_deref(), PAGE).await?;
            if page.is_empty() {
                return Ok(all);
            }
            all.extend(page);
        }
    }

    /// Every record changed (content or status) since the change id `change_id` (from
    /// [`Store::latest_change_id`]; 0 for all), as the public sees it: public versions, and
    /// the slugs of records that are not public. Ordered by slug.
    async fn public_changes_since(&self, change_id: i64) -> Result<PublicChanges, StoreError>;

    // Editing. Each write is one transaction with its audit event.

    /// Saves a record from the edit form: a new record (`base_revision` `None`) or a new
    /// revision of an existing one, written by `by`. Refused, writing nothing, when the base
    /// revision is not the current one ([`StoreError::Conflict`]), the slug of a new record is
    /// taken ([`StoreError::SlugTaken`]), the record is invalid ([`StoreError::Invalid`]), the
    /// summary is empty, or `by` may not edit it ([`StoreError::NotAllowed`]: a provider only
    /// its own organisation's records). Every saved change leaves the record in draft, and
    /// `by` its last author; the public keeps seeing the last published revision until a
    /// reviewer publishes the change. Identical content writes nothing. Audited as
    /// `record_changed`.
    async fn save_record(&self, edit: &RecordEdit, by: &Editor) -> Result<Saved, StoreError>;

    /// Every record's line for the staff list and the re-review queue, by title.
    async fn review_items(&self) -> Result<Vec<ReviewItem>, StoreError>;

    /// Records that an editor checked the record and nothing needed to change ("reviewed, no
    /// change"): sets its review date to now, without a new revision. Audited as
    /// `record_reviewed`. Returns the date written.
    async fn mark_reviewed(&self, slug: &str, by: &Editor) -> Result<String, StoreError>;

    /// The keyed hash that stands for a client in the submission limit (the address itself
    /// is never stored).
    async fn submission_client_key(&self, client: &str) -> Result<String, StoreError>;

    /// Stores a public submission as pending, unless `client_key` has sent `limit.max`
    /// within `limit.window` already ([`StoreError::TooManySubmissions`]). Audited as
    /// `submission_received` (by `anonymous`, without its text). Returns its number.
    async fn create_submission(
        &self,
        submission: &NewSubmission,
        client_key: &str,
        limit: SubmissionLimit,
    ) -> Result<i64, StoreError>;

    /// Submissions in `state` (all when `None`), newest first.
    async fn list_submissions(
        &self,
        state: Option<SubmissionState>,
    ) -> Result<Vec<Submission>, StoreError>;

    /// One submission.
    async fn get_submission(&self, id: i64) -> Result<Option<Submission>, StoreError>;

    /// Turns a pending new-service submission into a new draft record (`draft`, whose
    /// `base_revision` must be `None`) and marks it accepted, in one transaction: both happen
    /// or neither (a taken slug is [`StoreError::SlugTaken`], a submission dealt with already
    /// [`StoreError::SubmissionResolved`]). Audited as `record_changed` and
    /// `submission_accepted`.
    async fn accept_submission_as_draft(
        &self,
        id: i64,
        draft: &RecordEdit,
        by: &Editor,
    ) -> Result<Saved, StoreError>;

    /// Marks a pending submission accepted (it became the draft named) or rejected (with a
    /// reason, required). Audited as `submission_accepted` or `submission_rejected`.
    async fn resolve_submission(
        &self,
        id: i64,
        resolution: &Resolution,
        by: &Editor,
    ) -> Result<(), StoreError>;

    /// Writes a consistent copy of the whole store to the new file `path` (which must not
    /// exist) while other connections go on reading and writing: the copy holds the last
    /// committed state, so whole imports and saves only. The copy is checked before this
    /// returns, and removed if the check fails.
    ///
    /// The SQLite adapter runs `VACUUM INTO` (one read transaction) and checks the copy with
    /// `sqlite::inspect`. A PostgreSQL adapter would use `pg_dump`-like means: a dump taken in
    /// one repeatable-read snapshot, written to `path`, then counted.
    async fn backup_to(&self, path: &std::path::Path) -> Result<BackupSummary, StoreError>;

    // Accounts, sessions, sign-in throttling, the audit log and record status. Every write
    // below is one transaction, and those that change an account, a sign-in or a status write
    // their audit event in that same transaction.

    /// Adds an account. The password must arrive hashed ([`password::hash_password`]);
    /// anything but an argon2 PHC string is refused ([`StoreError::NotAPasswordHash`]). The
    /// role and organisation must go together ([`StoreError::Role`]); an address taken in
    /// any case is [`StoreError::EmailTaken`]. Audited as `user_created` by `by`.
    async fn create_user(&self, user: &NewUser, by: Actor) -> Result<User, StoreError>;

    /// The account with this address, in any case.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;

    /// The account with this address and its password hash, to check a sign-in (see
    /// [`login::sign_in`], which also keeps the timing of unknown accounts alike).
    async fn credentials(&self, email: &Email) -> Result<Option<Credentials>, StoreError>;

    /// The account with this number.
    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// Every account, by address.
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;

    /// Disables (ending all its sessions) or enables an account; no change, no event.
    /// Disabling the last enabled admin is [`StoreError::LastAdmin`]. Audited as
    /// `user_disabled` or `user_enabled`. Returns the account as it is now.
    async fn set_user_disabled(
        &self,
        id: UserId,
        disabled: bool,
        by: Actor,
    ) -> Result<User, StoreError>;

    /// Changes an account's role and organisation (required for `provider`, refused for the
    /// others); no change, no event. Demoting the last enabled admin is
    /// [`StoreError::LastAdmin`]. Sessions stay, and carry the new role from their next
    /// request. Audited as `user_role_changed`. Returns the account as it is now.
    async fn set_user_role(
        &self,
        id: UserId,
        role: Role,
        organisation: Option<&str>,
        by: Actor,
    ) -> Result<User, StoreError>;

    /// Replaces an account's password hash (an argon2 PHC string) and ends all its sessions.
    /// Audited as `password_changed`.
    async fn set_password_hash(
        &self,
        id: UserId,
        password_hash: &str,
        by: Actor,
    ) -> Result<(), StoreError>;

    /// Starts a session for an enabled account: a new random token (32 bytes from the
    /// operating system), returned once and stored only as its hash, and a CSRF token.
    /// `replaces` is the token the browser held before signing in, if any: that session
    /// ends (rotation at sign-in). Sessions past their lifetime are swept out on the way.
    async fn create_session(
        &self,
        user: UserId,
        limits: SessionLimits,
        replaces: Option<&str>,
    ) -> Result<NewSession, StoreError>;

    /// The live session with this token, with its account as it is now; `None` (and the
    /// session deleted) when it is past its lifetime, idle too long, or its account is
    /// disabled. Records the use (at most once per [`accounts::SESSION_TOUCH_INTERVAL`]).
    async fn session_by_token(&self, token: &str) -> Result<Option<Session>, StoreError>;

    /// Ends the session with this token (sign-out); whether there was one.
    async fn delete_session(&self, token: &str) -> Result<bool, StoreError>;

    /// Ends every session of an account; how many there were.
    async fn delete_user_sessions(&self, user: UserId) -> Result<u64, StoreError>;

    /// The throttle's keys for a sign-in: keyed hashes of the account name as typed
    /// (trimmed and lower-cased) and of the client's address, with a secret the store makes
    /// on first use. Neither text is stored.
    async fn login_keys(&self, account: &str, client: &str) -> Result<LoginKeys, StoreError>;

    /// Records a sign-in attempt: a failure is kept (for [`accounts::LOGIN_ATTEMPTS_KEPT`]),
    /// a success forgets the account's failures. Audited as `login_succeeded` (by the
    /// account) or `login_failed` (by `anonymous`, with the reason and the keys' prefixes).
    async fn record_login_attempt(
        &self,
        keys: &LoginKeys,
        outcome: LoginOutcome,
    ) -> Result<(), StoreError>;

    /// Failed sign-ins within the last `window` (at most [`accounts::LOGIN_ATTEMPTS_KEPT`])
    /// for the account name and for the client.
    async fn recent_failed_attempts(
        &self,
        keys: &LoginKeys,
        window: std::time::Duration,
    ) -> Result<FailedAttempts, StoreError>;

    /// Adds an event to the audit log (for events no other method writes, such as sign-out);
    /// returns its id. The log is append-only: the database refuses to change or delete it.
    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<i64, StoreError>;

    /// Events of the audit log matching `query`, newest first, or oldest first for an
    /// export (walk with `after_id` set to the last id seen until a page comes back empty).
    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// A record's status and last author; `None` for an unknown slug.
    async fn record_state(&self, slug: &str) -> Result<Option<RecordState>, StoreError>;

    /// Moves a record to `to`, if the lifecycle allows the step and `by` may take it
    /// ([`preventory_core::lifecycle::check_transition`], four eyes included), checked and
    /// written in one transaction with its `status_changed` audit event.
    async fn set_status(
        &self,
        slug: &str,
        to: Status,
        by: &Staff,
    ) -> Result<StatusChange, StoreError>;
}

/// What a backup (or a store offered for a restore) holds, counted in the checked copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    /// Records.
    pub records: u64,
    /// Revisions of all records.
    pub revisions: u64,
    /// The newest schema migration applied.
    pub schema_version: i64,
}
