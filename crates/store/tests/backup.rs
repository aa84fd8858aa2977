//! Backups and restores of the SQLite adapter, against real files: a backup taken while
//! another task imports holds whole imports only, and a restore brings back every record and
//! every revision.
//!
//! Every record here is synthetic and fictional.

use preventory_core::vocab::{PreventionLevel, TargetGroup};
use preventory_core::{FacetRow, Intervention, Term};
use preventory_store::sqlite::{self, RestoreOptions, SqliteStore};
use preventory_store::{ImportItem, Revision, Store, StoreError, StoredRecord};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Records in the store before the writer starts.
const SEEDS: usize = 60;
/// New records per import of the writer.
const NEW_PER_IMPORT: usize = 40;
/// Seed records changed by each import of the writer.
const CHANGED_PER_IMPORT: usize = 12;
/// The writer imports at least this often, and goes on until the backup is done.
const MIN_IMPORTS: usize = 12;
/// Backups are taken once the writer has finished this many imports.
const BACKUPS_AFTER: [usize; 3] = [2, 5, 8];
/// The record whose revision number says how many imports a store holds.
const MARKER: &str = "marker-of-imports";

/// A fictional record; `version` changes its text.
fn record(slug: &str, version: usize) -> Intervention {
    let mut sections = BTreeMap::new();
    sections.insert(
        "description".to_string(),
        format!("Fictional service {slug}, version {version}, for tests only. ").repeat(6),
    );
    Intervention {
        slug: slug.to_string(),
        title: format!("Fictional service {slug} v{version}"),
        summary: Some(format!("A fictional service, version {version}.")),
        facet_rows: vec![FacetRow {
            target_group: Some(Term::Known(if version % 2 == 0 {
                TargetGroup::PotentialOffenders
            } else {
                TargetGroup::CommunitiesAndFamilies
            })),
            prevention_level: Some(Term::Known(PreventionLevel::Secondary)),
            languages: vec![Term::from_id("en")],
            ..FacetRow::default()
        }],
        sections,
        ..Intervention::default()
    }
}

fn seed_slug(i: usize) -> String {
    format!("seed-{i:03}")
}

/// Import `k` of the writer: new records, changes to some seeds, and the marker; every
/// revision it writes names it as its source.
fn writer_import(k: usize) -> Vec<ImportItem> {
    let source = format!("import-{k}");
    let mut items: Vec<ImportItem> = (0..NEW_PER_IMPORT)
        .map(|j| ImportItem {
            record: record(&format!("new-{k:03}-{j:02}"), k),
            source: source.clone(),
        })
        .collect();
    items.extend((0..CHANGED_PER_IMPORT).map(|j| ImportItem {
        record: record(&seed_slug((k * CHANGED_PER_IMPORT + j) % SEEDS), k),
        source: source.clone(),
    }));
    items.push(ImportItem {
        record: record(MARKER, k),
        source,
    });
    items
}

/// Which writer import wrote a revision (0 for the seeding import).
fn import_of(revision: &Revision) -> usize {
    revision
        .source
        .as_deref()
        .and_then(|s| s.strip_prefix("import-"))
        .and_then(|k| k.parse().ok())
        .unwrap_or(0)
}

/// Everything a store holds, read through the [`Store`] trait.
#[derive(Debug, PartialEq)]
struct Contents {
    count: u64,
    latest_change_id: i64,
    records: Vec<StoredRecord>,
    revisions: BTreeMap<String, Vec<Revision>>,
}

async fn contents(store: &dyn Store) -> Contents {
    let records = store.all_records().await.expect("all records");
    let mut revisions = BTreeMap::new();
    for r in &records {
        let slug = r.record.slug.clone();
        let list = store.revisions(&slug).await.expect("revisions");
        revisions.insert(slug, list);
    }
    Contents {
        count: store.count().await.expect("count"),
        latest_change_id: store.latest_change_id().await.expect("latest revision"),
        records,
        revisions,
    }
}

fn total_revisions(contents: &Contents) -> u64 {
    contents.revisions.values().map(|r| r.len() as u64).sum()
}

/// The contents `original` had right after writer import `m`: its revisions written by
/// imports up to `m`, and each record as its last of those.
fn contents_after_import(
    original: &Contents,
    m: usize,
) -> (Vec<StoredRecord>, BTreeMap<String, Vec<Revision>>) {
    let mut records = Vec::new();
    let mut revisions = BTreeMap::new();
    for stored in &original.records {
        let slug = &stored.record.slug;
        let kept: Vec<Revision> = original.revisions[slug]
            .iter()
            .filter(|r| import_of(r) <= m)
            .cloned()
            .collect();
        let Some(last) = kept.last() else { continue };
        records.push(StoredRecord {
            record: last.record.clone(),
            revision: last.number,
            updated_at: last.created_at.clone(),
            // Imports publish what they write.
            status: preventory_core::lifecycle::Status::Published,
        });
        revisions.insert(slug.clone(), kept);
    }
    (records, revisions)
}

async fn restore_into(db: &Path, backup: &Path) -> SqliteStore {
    let restored = sqlite::restore(db, backup, &RestoreOptions::default())
        .await
        .expect("restore");
    assert_eq!(restored.kept, None);
    SqliteStore::open(db)
        .await
        .expect("open the restored store")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_during_imports_holds_whole_imports_and_restores_every_record_and_revision() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Arc::new(
        SqliteStore::open(&dir.path().join("original.db"))
            .await
            .expect("open"),
    );
    let seeds = (0..SEEDS)
        .map(|i| ImportItem {
            record: record(&seed_slug(i), 0),
            source: String::new(),
        })
        .collect();
    store.import(seeds, "seeder").await.expect("seed");

    let imported = Arc::new(AtomicUsize::new(0));
    let backup_done = Arc::new(AtomicBool::new(false));
    let writer = {
        let store = Arc::clone(&store);
        let imported = Arc::clone(&imported);
        let backup_done = Arc::clone(&backup_done);
        tokio::spawn(async move {
            let mut k = 0;
            // At least one import after the backup, so it cannot hold them all.
            let mut after_backup = 0;
            while k < MIN_IMPORTS || after_backup < 2 {
                k += 1;
                store
                    .import(writer_import(k), "writer")
                    .await
                    .expect("writer import");
                imported.store(k, Ordering::SeqCst);
                if backup_done.load(Ordering::SeqCst) {
                    after_backup += 1;
                }
            }
            k
        })
    };

    // Backups while the writer goes on, after different numbers of its imports.
    let mut during = Vec::new();
    for (n, after_imports) in BACKUPS_AFTER.into_iter().enumerate() {
        while imported.load(Ordering::SeqCst) < after_imports {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let path = dir.path().join(format!("during-{n}.db"));
        let summary = store.backup_to(&path).await.expect("backup during imports");
        during.push((path, summary));
    }
    backup_done.store(true, Ordering::SeqCst);
    let imports = writer.await.expect("writer task");

    // Once the writer is done, a second backup, which must equal the original exactly.
    let after = dir.path().join("after.db");
    let after_summary = store.backup_to(&after).await.expect("backup after imports");
    let original = contents(store.as_ref()).await;
    assert_eq!(
        original.count as usize,
        SEEDS + 1 + imports * NEW_PER_IMPORT
    );
    assert_eq!(after_summary.records, original.count);
    assert_eq!(after_summary.revisions, total_revisions(&original));

    let restored = restore_into(&dir.path().join("restored-after.db"), &after).await;
    let copy = contents(&restored).await;
    assert_eq!(copy.count, original.count);
    assert_eq!(copy.latest_change_id, original.latest_change_id);
    assert_eq!(copy.records.len(), original.records.len());
    for (a, b) in copy.records.iter().zip(&original.records) {
        assert_eq!(a, b, "record {}", b.record.slug);
    }
    for (slug, revisions) in &original.revisions {
        assert_eq!(
            copy.revisions.get(slug),
            Some(revisions),
            "revisions of {slug}"
        );
    }
    assert_eq!(copy, original);
    restored.close().await;

    // Each backup taken during the imports holds imports 1..=m whole, and nothing of later
    // ones: m is the marker's revision.
    for (n, ((path, summary), after_imports)) in during.iter().zip(BACKUPS_AFTER).enumerate() {
        let restored = restore_into(&dir.path().join(format!("restored-{n}.db")), path).await;
        let copy = contents(&restored).await;
        let marker = restored
            .get(MARKER)
            .await
            .expect("get marker")
            .expect("the marker is in the backup");
        let m = usize::try_from(marker.revision).expect("revision");
        assert!(
            (after_imports..imports).contains(&m),
            "backup {n} holds {m} of {imports} imports"
        );
        let (records, revisions) = contents_after_import(&original, m);
        assert_eq!(copy.count as usize, SEEDS + 1 + m * NEW_PER_IMPORT);
        assert_eq!(copy.count as usize, records.len());
        assert_eq!(summary.records, copy.count);
        assert_eq!(summary.revisions, total_revisions(&copy));
        for (a, b) in copy.records.iter().zip(&records) {
            assert_eq!(a, b, "record {}", b.record.slug);
        }
        assert_eq!(copy.records, records);
        assert_eq!(copy.revisions, revisions);
        restored.close().await;
    }
    store.close().await;
}

/// A store with a few records, closed, at `db`.
async fn small_store(db: &Path, version: usize) -> Contents {
    let store = SqliteStore::open(db).await.expect("open");
    let items = (0..5)
        .map(|i| ImportItem {
            record: record(&seed_slug(i), version),
            source: format!("import-{version}"),
        })
        .collect();
    store.import(items, "test").await.expect("import");
    let held = contents(&store).await;
    store.close().await;
    held
}

#[tokio::test]
async fn restore_refuses_a_database_in_use_and_keeps_the_previous_one() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let backup_source = dir.path().join("source.db");
    let source = small_store(&backup_source, 1).await;
    let backup = dir.path().join("backup.db");
    {
        let store = SqliteStore::open(&backup_source).await.expect("open");
        store.backup_to(&backup).await.expect("backup");
        store.close().await;
    }

    let db = dir.path().join("live.db");
    let previous = small_store(&db, 2).await;
    let index = dir.path().join("live.db.index");
    std::fs::create_dir_all(index.join("segment")).expect("index folder");
    let index_revision = dir.path().join("live.db.index.revision");
    std::fs::write(&index_revision, "7").expect("index revision");
    let options = RestoreOptions {
        keep_previous: true,
        derived: vec![index_revision.clone(), index.clone()],
    };

    // An open store, even with an idle pool, and one held open as the server does.
    let live = SqliteStore::open(&db).await.expect("open");
    live.count().await.expect("count");
    let refused = sqlite::restore(&db, &backup, &options).await;
    assert!(
        matches!(refused, Err(StoreError::InUse { .. })),
        "{refused:?}"
    );
    let held = live.hold_open().await.expect("hold open");
    live.close().await;
    let refused = sqlite::restore(&db, &backup, &options).await;
    assert!(
        matches!(refused, Err(StoreError::InUse { .. })),
        "{refused:?}"
    );
    assert!(index.is_dir() && index_revision.is_file());
    drop(held);
    // The connection closes on its worker thread.
    let mut restored = None;
    for _ in 0..100 {
        match sqlite::restore(&db, &backup, &options).await {
            Err(StoreError::InUse { .. }) => tokio::time::sleep(Duration::from_millis(20)).await,
            other => {
                restored = Some(other.expect("restore"));
                break;
            }
        }
    }
    let restored = restored.expect("the lock was released");
    assert_eq!(restored.summary.records, 5);
    assert_eq!(restored.summary.revisions, 5);
    assert!(!index.exists() && !index_revision.exists());
    for stale in ["live.db-wal", "live.db-shm"] {
        assert!(!dir.path().join(stale).exists(), "{stale} left");
    }
    let kept = restored.kept.expect("the previous store is kept");
    assert!(kept
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("live.db.before-restore-")));

    let now = SqliteStore::open(&db).await.expect("open restored");
    assert_eq!(contents(&now).await, source);
    now.close().await;
    let before = SqliteStore::open(&kept).await.expect("open kept");
    assert_eq!(contents(&before).await, previous);
    before.close().await;
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_usable_store_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("live.db");
    let previous = small_store(&db, 1).await;
    let options = RestoreOptions {
        keep_previous: true,
        derived: Vec::new(),
    };
    let refuse = |path: &Path, expected: &str| {
        let path = path.to_path_buf();
        let db = db.clone();
        let options = options.clone();
        let expected = expected.to_string();
        async move {
            match sqlite::restore(&db, &path, &options).await {
                Err(StoreError::NotAStore { message, .. }) => {
                    assert!(message.contains(&expected), "{message}")
                }
                other => panic!("{}: {other:?}", path.display()),
            }
        }
    };

    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "not a database at all, but long enough to look like one. ".repeat(20),
    )
    .expect("write");
    refuse(&text, "not a database").await;

    let plain = dir.path().join("plain.db");
    {
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&plain)
                .create_if_missing(true),
        )
        .await
        .expect("plain database");
        sqlx::query("CREATE TABLE t (x)")
            .execute(&pool)
            .await
            .expect("table");
        pool.close().await;
    }
    refuse(&plain, "no migrations table").await;

    let newer = dir.path().join("newer.db");
    small_store(&newer, 3).await;
    {
        let store = SqliteStore::open(&newer).await.expect("open");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', 1, x'00', 0)",
        )
        .execute(store.pool())
        .await
        .expect("a migration from the future");
        store.close().await;
    }
    refuse(&newer, "newer than this program knows").await;

    let missing = sqlite::restore(&db, &dir.path().join("missing.db"), &options).await;
    assert!(matches!(missing, Err(StoreError::Io { .. })), "{missing:?}");

    // Nothing changed: the same contents, no kept copy, no temporary file left.
    let store = SqliteStore::open(&db).await.expect("open");
    assert_eq!(contents(&store).await, previous);
    store.close().await;
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("live.db"))
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n == "live.db" || n == "live.db-wal" || n == "live.db-shm"),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_backup_refuses_an_existing_file_and_the_copy_is_checked() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("live.db");
    small_store(&db, 1).await;
    let store = SqliteStore::open(&db).await.expect("open");
    let out = dir.path().join("backup.db");
    std::fs::write(&out, "keep me").expect("write");
    let refused = store.backup_to(&out).await;
    assert!(matches!(refused, Err(StoreError::Io { .. })), "{refused:?}");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me");
    std::fs::remove_file(&out).expect("remove");

    let summary = store.backup_to(&out).await.expect("backup");
    assert_eq!(summary.records, 5);
    assert_eq!(summary.revisions, 5);
    assert_eq!(sqlite::inspect(&out).await.expect("inspect"), summary);
    // A backup is a single file: nothing beside it.
    for sidecar in ["backup.db-wal", "backup.db-shm", "backup.db-journal"] {
        assert!(!dir.path().join(sidecar).exists(), "{sidecar}");
    }
    store.close().await;
}
