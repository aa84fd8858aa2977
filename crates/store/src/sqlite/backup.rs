//! Backups and restores of the SQLite file.
//!
//! A backup is `VACUUM INTO` a new file: it runs inside one read transaction, so under WAL it
//! copies the last committed state while writers carry on, and holds whole transactions (whole
//! imports) only. The copy is then checked like a file offered for a restore ([`inspect`]).
//!
//! A restore ([`restore`]) never writes into the database in place: it copies the backup to a
//! temporary file beside the database, checks the copy, and renames it over the database,
//! which is atomic. It first takes an exclusive lock on the database: every connection to a
//! WAL database holds a shared lock on the file for as long as it is open (SQLite relies on
//! that to find the last connection, which checkpoints), so the lock is refused while a
//! server, an import or any other process has the database open.

use super::MIGRATOR;
use crate::{BackupSummary, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode, SqlitePool};
use sqlx::{ConnectOptions, Connection, Row};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::macros::format_description;
use time::OffsetDateTime;

/// How long a restore waits for the exclusive lock before it decides the database is in use.
const LOCK_WAIT: Duration = Duration::from_millis(250);

/// Problems of an integrity check quoted in an error; the rest are counted.
const PROBLEMS_SHOWN: usize = 5;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the restored database holds (counted in the checked copy before it replaced the
    /// database).
    pub summary: BackupSummary,
    /// Where the previous database was kept, if there was one and it was to be kept.
    pub kept: Option<PathBuf>,
}

/// How [`restore`] treats what it replaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    /// Keep the previous database as `<db>.before-restore-<UTC time>`.
    pub keep_previous: bool,
    /// Files and folders derived from the database's contents (a search index beside it) that
    /// would be stale after the restore: removed, while the lock is held, before the new
    /// database takes the old one's place. Missing ones are fine.
    pub derived: Vec<PathBuf>,
}

/// Writes a consistent copy of the database behind `pool` to `path` (which must not exist),
/// makes it durable, and checks it; a copy that fails the check is removed.
pub(super) async fn backup_to(pool: &SqlitePool, path: &Path) -> Result<BackupSummary, StoreError> {
    let target = absolute(path)?;
    if target.exists() {
        return Err(io_error(
            &target,
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "already exists"),
        ));
    }
    sqlx::query("VACUUM INTO ?")
        .bind(utf8(&target)?)
        .execute(pool)
        .await
        .map_err(|e| write_error(&target, e))?;
    let checked = async {
        sync_file(&target)?;
        inspect(&target).await
    }
    .await;
    if checked.is_err() {
        let _ = std::fs::remove_file(&target);
    }
    checked
}

/// Checks that `path` is a usable Preventory store without changing it: SQLite's integrity
/// check and foreign key check pass, the migrations table lists only migrations this program
/// knows (a newer schema is refused), all of them complete and unaltered; then counts what it
/// holds.
pub async fn inspect(path: &Path) -> Result<BackupSummary, StoreError> {
    if !path.is_file() {
        return Err(io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| not_a_store(path, e.to_string()))?;
    let summary = check(&mut conn, path).await;
    let _ = conn.close().await;
    summary
}

/// The checks of [`inspect`] on an open connection.
async fn check(conn: &mut SqliteConnection, path: &Path) -> Result<BackupSummary, StoreError> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| not_a_store(path, e.to_string()))?;
    if problems != ["ok"] {
        let mut message = format!(
            "the integrity check failed: {}",
            problems
                .iter()
                .take(PROBLEMS_SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
        if problems.len() > PROBLEMS_SHOWN {
            message.push_str(&format!(" (and {} more)", problems.len() - PROBLEMS_SHOWN));
        }
        return Err(not_a_store(path, message));
    }
    let orphans = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| not_a_store(path, e.to_string()))?;
    if !orphans.is_empty() {
        return Err(not_a_store(
            path,
            format!("{} row(s) refer to rows that do not exist", orphans.len()),
        ));
    }

    let applied =
        sqlx::query("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|_| not_a_store(path, "it has no migrations table".to_string()))?;
    let known: HashMap<i64, &[u8]> = MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.checksum.as_ref()))
        .collect();
    let newest_known = known.keys().copied().max().unwrap_or(0);
    let mut version = 0;
    for row in &applied {
        let v: i64 = row.try_get("version")?;
        let success: bool = row.try_get("success")?;
        let checksum: Vec<u8> = row.try_get("checksum")?;
        match known.get(&v) {
            None if v > newest_known => {
                return Err(not_a_store(
                    path,
                    format!(
                        "its schema version {v} is newer than this program knows \
                         (up to {newest_known}); use a newer Preventory"
                    ),
                ))
            }
            None => {
                return Err(not_a_store(
                    path,
                    format!("it has a schema migration {v} this program does not know"),
                ))
            }
            Some(known) if *known != checksum.as_slice() => {
                return Err(not_a_store(
                    path,
                    format!("its schema migration {v} differs from this program's"),
                ))
            }
            Some(_) if !success => {
                return Err(not_a_store(
                    path,
                    format!("its schema migration {v} did not complete"),
                ))
            }
            Some(_) => version = version.max(v),
        }
    }
    if version == 0 {
        return Err(not_a_store(
            path,
            "no schema migration was applied".to_string(),
        ));
    }

    let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
    let records: i64 = sqlx::query_scalar(&count("interventions"))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| not_a_store(path, e.to_string()))?;
    let revisions: i64 = sqlx::query_scalar(&count("revisions"))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| not_a_store(path, e.to_string()))?;
    Ok(BackupSummary {
        records: u64::try_from(records).unwrap_or(0),
        revisions: u64::try_from(revisions).unwrap_or(0),
        schema_version: version,
    })
}

/// Replaces the database at `db` with a copy of the store `from` (a backup), after checking
/// the copy with [`inspect`]. Refused, with nothing changed, when `from` is not a usable store
/// or `db` is open in another process. The previous database is first checkpointed (its WAL
/// folded into the file, so no stale `-wal` or `-shm` file is left to be mistaken for the new
/// one's) and then kept or dropped as `options` says.
///
/// A process that opens `db` while the restore holds its lock waits for it; if it then
/// still opened the previous file, it sees the previous contents (restore with the server
/// stopped).
pub async fn restore(
    db: &Path,
    from: &Path,
    options: &RestoreOptions,
) -> Result<Restored, StoreError> {
    let db = absolute(db)?;
    let from = absolute(from)?;
    if !from.is_file() {
        return Err(io_error(
            &from,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    if db.exists() && same_file(&db, &from) {
        return Err(io_error(
            &from,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "is the database being restored",
            ),
        ));
    }
    let wal = sibling(&db, "-wal");
    let shm = sibling(&db, "-shm");
    let mut lock = if db.exists() {
        Some(lock_exclusively(&db).await?)
    } else if wal.exists() {
        return Err(io_error(
            &wal,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "is left from a database that is gone; move it away first",
            ),
        ));
    } else {
        None
    };

    let temporary = sibling(
        &db,
        &format!(
            ".restore-{}-{}",
            std::process::id(),
            OffsetDateTime::now_utc().unix_timestamp_nanos()
        ),
    );
    let copied = copy_checked(&from, &temporary).await;
    let summary = match copied {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&temporary);
            if let Some(conn) = lock {
                let _ = conn.close().await;
            }
            return Err(e);
        }
    };

    let swapped = swap(&db, &temporary, lock.as_mut(), options, &wal, &shm).await;
    if swapped.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    if let Some(conn) = lock {
        // In rollback-journal mode by now: closing touches no file by name.
        let _ = conn.close().await;
    }
    Ok(Restored {
        summary,
        kept: swapped?,
    })
}

/// Opens `db` in exclusive locking mode and takes its lock, or says it is in use.
async fn lock_exclusively(db: &Path) -> Result<SqliteConnection, StoreError> {
    let in_use = |e: sqlx::Error| {
        if is_busy(&e) {
            StoreError::InUse {
                path: db.display().to_string(),
            }
        } else {
            StoreError::Database(e)
        }
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(false)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(LOCK_WAIT)
        .connect()
        .await
        .map_err(in_use)?;
    // The first read of a WAL database in exclusive mode takes the file's exclusive lock;
    // BEGIN EXCLUSIVE also takes it for a rollback-journal database, and waits out a writer.
    let locked = async {
        sqlx::query("SELECT COUNT(*) FROM sqlite_schema")
            .fetch_one(&mut conn)
            .await?;
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
        sqlx::query("COMMIT").execute(&mut conn).await?;
        Ok::<(), sqlx::Error>(())
    }
    .await;
    match locked {
        Ok(()) => Ok(conn),
        Err(e) => {
            let _ = conn.close().await;
            Err(in_use(e))
        }
    }
}

/// Whether an error means another connection holds a lock.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            // SQLITE_BUSY and SQLITE_LOCKED, with any extended code.
            .is_some_and(|c| matches!(c & 0xff, 5 | 6)),
        _ => false,
    }
}

/// `VACUUM INTO` from a read-only connection to `from`, made durable and checked.
async fn copy_checked(from: &Path, to: &Path) -> Result<BackupSummary, StoreError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(from)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| not_a_store(from, e.to_string()))?;
    // A file that is not a database fails here, before anything is written.
    let readable = sqlx::query("SELECT COUNT(*) FROM sqlite_schema")
        .fetch_one(&mut conn)
        .await;
    let copied = match readable {
        Ok(_) => sqlx::query("VACUUM INTO ?")
            .bind(utf8(to)?)
            .execute(&mut conn)
            .await
            .map_err(|e| write_error(to, e)),
        Err(e) => Err(not_a_store(from, e.to_string())),
    };
    let _ = conn.close().await;
    copied?;
    sync_file(to)?;
    inspect(to).await.map_err(|e| match e {
        // Name the file the person gave, not the temporary copy.
        StoreError::NotAStore { message, .. } => not_a_store(from, message),
        other => other,
    })
}

/// With the lock held: folds the old database's WAL into it and leaves WAL mode, removes the
/// derived files, keeps the old file if asked, renames the checked copy over the database
/// and removes the old `-wal` and `-shm`. Returns where the old database was kept.
async fn swap(
    db: &Path,
    temporary: &Path,
    lock: Option<&mut SqliteConnection>,
    options: &RestoreOptions,
    wal: &Path,
    shm: &Path,
) -> Result<Option<PathBuf>, StoreError> {
    let mut kept = None;
    if let Some(conn) = lock {
        let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut *conn)
            .await?;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
            .fetch_one(&mut *conn)
            .await?;
        if busy != 0 || !mode.eq_ignore_ascii_case("delete") {
            return Err(StoreError::InUse {
                path: db.display().to_string(),
            });
        }
    }
    for path in &options.derived {
        remove_derived(path)?;
    }
    if options.keep_previous && db.exists() {
        let target = keep_name(db);
        // A second name for the old file; a copy where links are not supported.
        if std::fs::hard_link(db, &target).is_err() {
            std::fs::copy(db, &target).map_err(|e| io_error(&target, e))?;
            sync_file(&target)?;
        }
        kept = Some(target);
    }
    std::fs::rename(temporary, db).map_err(|e| io_error(db, e))?;
    for stale in [wal, shm] {
        match std::fs::remove_file(stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_error(stale, e)),
            _ => {}
        }
    }
    sync_parent(db);
    Ok(kept)
}

/// Removes a file or a folder; a missing one is fine.
fn remove_derived(path: &Path) -> Result<(), StoreError> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(path, e)),
        _ => Ok(()),
    }
}

/// `<db>.before-restore-<UTC time>`, with `-2`, `-3`, … if taken.
fn keep_name(db: &Path) -> PathBuf {
    let stamp = OffsetDateTime::now_utc()
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| OffsetDateTime::now_utc().unix_timestamp().to_string());
    let base = sibling(db, &format!(".before-restore-{stamp}"));
    let mut candidate = base.clone();
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = sibling(&base, &format!("-{n}"));
    }
    candidate
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// `path` made absolute, so that SQLite never reads it as a URI.
fn absolute(path: &Path) -> Result<PathBuf, StoreError> {
    std::path::absolute(path).map_err(|e| io_error(path, e))
}

/// Whether two existing paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn utf8(path: &Path) -> Result<&str, StoreError> {
    path.to_str().ok_or_else(|| {
        io_error(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "SQLite needs a file name in UTF-8",
            ),
        )
    })
}

/// Flushes a written file to the disk.
fn sync_file(path: &Path) -> Result<(), StoreError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(path, e))
}

/// Flushes a folder's entries (a rename) to the disk where the system allows it.
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        if let Ok(dir) = std::fs::File::open(parent) {
            let _ = dir.sync_all();
        }
    }
}

fn io_error(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A `VACUUM INTO` that could not write its copy (no space, no permission, …).
fn write_error(path: &Path, e: sqlx::Error) -> StoreError {
    io_error(path, std::io::Error::other(e.to_string()))
}

fn not_a_store(path: &Path, message: String) -> StoreError {
    StoreError::NotAStore {
        path: path.display().to_string(),
        message,
    }
}
