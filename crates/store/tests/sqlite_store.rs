//! The SQLite adapter against real database files in temporary directories.
//!
//! Every record here is synthetic and fictional.

use preventory_core::vocab::{
    AgeGroup, Delivery, Gender, Language, PreventionLevel, Subgroup, TargetGroup,
};
use preventory_core::{
    Contact, Facet, FacetRow, Intervention, PartialDate, Rating, Reference, Term,
};
use preventory_store::sqlite::SqliteStore;
use preventory_store::{ImportItem, ImportOutcome, Store, StoreError};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use tempfile::TempDir;

/// A fictional record whose facets, rating and flags vary with `i`.
fn fictional(i: usize) -> Intervention {
    let target_groups = [
        TargetGroup::PotentialOffenders,
        TargetGroup::CommunitiesAndFamilies,
        TargetGroup::ChildrenAndYoungPeople,
        TargetGroup::SituationsAndPlaces,
    ];
    let levels = [
        PreventionLevel::Primary,
        PreventionLevel::Secondary,
        PreventionLevel::Tertiary,
    ];
    let ages = [
        AgeGroup::YoungChildren,
        AgeGroup::Children,
        AgeGroup::YoungPeople,
        AgeGroup::YoungAdults,
        AgeGroup::Adults,
    ];
    let delivery = [
        Delivery::GroupWork,
        Delivery::IndividualWork,
        Delivery::Phone,
        Delivery::Online,
        Delivery::Training,
    ];
    let mut facet_rows = vec![FacetRow {
        target_group: Some(Term::Known(target_groups[i % target_groups.len()])),
        prevention_level: Some(Term::Known(levels[i % levels.len()])),
        age_groups: vec![
            Term::Known(ages[i % ages.len()]),
            Term::Known(ages[(i + 2) % ages.len()]),
        ],
        genders: vec![Term::Known(Gender::Male), Term::Known(Gender::Female)],
        delivery: vec![Term::Known(delivery[i % delivery.len()])],
        subgroups: if i % 4 == 0 {
            vec![Term::Known(Subgroup::ParentsAndCarers)]
        } else {
            vec![]
        },
        languages: vec![Term::from_id("en")],
    }];
    if i % 3 == 0 {
        facet_rows.push(FacetRow {
            target_group: Some(Term::Known(TargetGroup::PotentialOffenders)),
            prevention_level: Some(Term::Known(PreventionLevel::Secondary)),
            age_groups: vec![Term::Known(AgeGroup::Adults)],
            genders: vec![Term::Other(format!("Fictional gender group {}", i % 2))],
            delivery: vec![Term::Known(Delivery::GroupWork)],
            subgroups: vec![Term::Other(format!("Fictional setting {}", i % 5))],
            languages: vec![Term::from_id(if i % 2 == 0 { "de" } else { "nl" })],
        });
    }
    let mut sections = BTreeMap::new();
    sections.insert(
        "description".to_string(),
        format!("Fictional Support Service {i} offers made-up help for testing only. ").repeat(8),
    );
    sections.insert(
        "evaluation".to_string(),
        "No evaluation: this service does not exist.".to_string(),
    );
    Intervention {
        slug: format!("fictional-support-service-{i}"),
        title: format!("Fictional Support Service {i}"),
        summary: Some(format!("A fictional service numbered {i}.")),
        facet_rows,
        intervention_types: if i % 2 == 0 {
            vec![Term::Known(Delivery::Counselling)]
        } else {
            vec![]
        },
        countries: vec![Term::from_id(["GB", "DE", "NL", "IE"][i % 4])],
        sections,
        references: vec![Reference {
            text: format!("Nobody, A. ({}). A fictional study {i}.", 2000 + i % 20),
            authors: vec!["Nobody, A.".to_string()],
            year: u16::try_from(2000 + i % 20).ok(),
            title: Some(format!("A fictional study {i}")),
        }],
        contact: Contact {
            organisation: Some("Fictional Trust".to_string()),
            phones: vec!["0000 000 000".to_string()],
            ..Contact::default()
        },
        rating: match i % 5 {
            0 => None,
            1 => Some(Rating::Effective),
            2 => Some(Rating::Promising),
            3 => Some(Rating::Prudent),
            _ => Some(Rating::Pioneering),
        },
        information_correct_at: PartialDate::new(2018 + (i % 6) as u16, Some((i % 12 + 1) as u8))
            .ok(),
        needs_review: i % 7 == 0,
        ..Intervention::default()
    }
}

fn item(record: Intervention) -> ImportItem {
    let source = format!("fictional/{}.txt", record.slug);
    ImportItem { record, source }
}

fn items(range: std::ops::Range<usize>) -> Vec<ImportItem> {
    range.map(|i| item(fictional(i))).collect()
}

async fn open_temp() -> (TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("preventory.db"))
        .await
        .expect("open store");
    (dir, store)
}

async fn revision_count(store: &SqliteStore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM revisions")
        .fetch_one(store.pool())
        .await
        .expect("count revisions")
}

/// Facet value counts as SQL sees them.
async fn sql_facet_counts(store: &SqliteStore) -> BTreeMap<(String, String), i64> {
    let rows =
        sqlx::query("SELECT facet, value, COUNT(*) AS n FROM facet_values GROUP BY facet, value")
            .fetch_all(store.pool())
            .await
            .expect("facet counts");
    rows.iter()
        .map(|r| {
            (
                (r.get::<String, _>("facet"), r.get::<String, _>("value")),
                r.get::<i64, _>("n"),
            )
        })
        .collect()
}

/// Facet value counts computed from the records, without the store.
fn expected_facet_counts<'a>(
    records: impl IntoIterator<Item = &'a Intervention>,
) -> BTreeMap<(String, String), i64> {
    let mut counts = BTreeMap::new();
    for record in records {
        for facet in Facet::ALL {
            for id in facet.ids_of(record) {
                *counts.entry((facet.param().to_string(), id)).or_insert(0) += 1;
            }
        }
    }
    counts
}

#[tokio::test]
async fn open_creates_the_file_and_migrates() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("new.db");
    assert!(!path.exists());
    let store = SqliteStore::open(&path).await.expect("open");
    assert!(path.exists());

    let tables: BTreeSet<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            .fetch_all(store.pool())
            .await
            .expect("schema")
            .into_iter()
            .collect();
    for name in [
        "interventions",
        "revisions",
        "facet_values",
        "revisions_are_immutable_update",
        "revisions_are_immutable_delete",
    ] {
        assert!(tables.contains(name), "{name} missing from {tables:?}");
    }
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(store.pool())
        .await
        .expect("migrations");
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations folder")
        .filter(|f| {
            f.as_ref()
                .is_ok_and(|f| f.path().extension().is_some_and(|e| e == "sql"))
        })
        .count();
    assert_eq!(migrations, i64::try_from(files).expect("count"));
    assert_eq!(store.count().await.expect("count"), 0);

    // Opening again finds the schema current and keeps the data.
    store.import(items(0..3), "import").await.expect("import");
    store.close().await;
    let again = SqliteStore::open(&path).await.expect("reopen");
    assert_eq!(again.count().await.expect("count"), 3);
}

#[tokio::test]
async fn wal_foreign_keys_and_busy_timeout_are_on() {
    let (_dir, store) = open_temp().await;
    // Every pooled connection is set up alike; hold several at once to look at more than one.
    let mut conns = Vec::new();
    for _ in 0..3 {
        conns.push(store.pool().acquire().await.expect("connection"));
    }
    for conn in &mut conns {
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .expect("journal_mode");
        assert_eq!(mode.to_lowercase(), "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .expect("foreign_keys");
        assert_eq!(fk, 1);
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .expect("synchronous");
        assert_eq!(sync, 1, "NORMAL");
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut **conn)
            .await
            .expect("busy_timeout");
        assert_eq!(busy, 5000);
        let temp_store: i64 = sqlx::query_scalar("PRAGMA temp_store")
            .fetch_one(&mut **conn)
            .await
            .expect("temp_store");
        assert_eq!(temp_store, 2, "MEMORY");
    }
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(store.pool())
        .await
        .expect("page_size");
    assert_eq!(page_size, 32 * 1024);
}

#[tokio::test]
async fn import_creates_records_with_a_first_revision() {
    let (_dir, store) = open_temp().await;
    let outcome = store.import(items(0..3), "import").await.expect("import");
    assert_eq!(
        outcome,
        ImportOutcome {
            created: (0..3)
                .map(|i| format!("fictional-support-service-{i}"))
                .collect(),
            ..ImportOutcome::default()
        }
    );
    assert_eq!(store.count().await.expect("count"), 3);

    let stored = store
        .get("fictional-support-service-1")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.record, fictional(1));
    assert_eq!(stored.revision, 1);
    assert!(stored.updated_at.ends_with('Z'), "{}", stored.updated_at);
    assert!(time::OffsetDateTime::parse(
        &stored.updated_at,
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());

    let revisions = store
        .revisions("fictional-support-service-1")
        .await
        .expect("revisions");
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].number, 1);
    assert_eq!(revisions[0].record, fictional(1));
    assert_eq!(revisions[0].author, "import");
    assert_eq!(
        revisions[0].summary,
        "Imported from fictional/fictional-support-service-1.txt"
    );
    assert_eq!(
        revisions[0].source.as_deref(),
        Some("fictional/fictional-support-service-1.txt")
    );
}

#[tokio::test]
async fn reimporting_identical_records_writes_nothing() {
    let (_dir, store) = open_temp().await;
    store.import(items(0..5), "import").await.expect("import");
    let before = store
        .get("fictional-support-service-2")
        .await
        .expect("get")
        .expect("present");

    let outcome = store
        .import(items(0..5), "someone-else")
        .await
        .expect("re-import");
    assert!(outcome.created.is_empty());
    assert!(outcome.updated.is_empty());
    assert_eq!(outcome.unchanged.len(), 5);
    assert_eq!(revision_count(&store).await, 5);
    let after = store
        .get("fictional-support-service-2")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(after, before);
}

#[tokio::test]
async fn reimporting_a_changed_record_adds_a_revision_and_keeps_the_old_one() {
    let (_dir, store) = open_temp().await;
    store.import(items(0..3), "import").await.expect("import");

    let mut changed = fictional(1);
    changed.title = "Fictional Support Service 1 (renamed)".to_string();
    changed.facet_rows[0].languages = vec![Term::<Language>::from_id("fr")];
    changed.rating = Some(Rating::Effective);
    let batch = vec![
        item(fictional(0)),
        item(changed.clone()),
        item(fictional(3)),
    ];
    let outcome = store
        .import(batch, "editor@example.org")
        .await
        .expect("re-import");
    assert_eq!(outcome.created, vec!["fictional-support-service-3"]);
    assert_eq!(outcome.updated, vec!["fictional-support-service-1"]);
    assert_eq!(outcome.unchanged, vec!["fictional-support-service-0"]);

    let stored = store
        .get("fictional-support-service-1")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.record, changed);
    assert_eq!(stored.revision, 2);

    let revisions = store
        .revisions("fictional-support-service-1")
        .await
        .expect("revisions");
    let numbers: Vec<i64> = revisions.iter().map(|r| r.number).collect();
    assert_eq!(numbers, vec![1, 2]);
    assert_eq!(revisions[0].record, fictional(1));
    assert_eq!(revisions[0].author, "import");
    assert_eq!(revisions[1].record, changed);
    assert_eq!(revisions[1].author, "editor@example.org");
    assert_eq!(
        revisions[1].summary,
        "Changed by a re-import from fictional/fictional-support-service-1.txt"
    );
    assert!(revisions[0].created_at <= revisions[1].created_at);
    assert_eq!(revisions[1].created_at, stored.updated_at);

    // The list and the facet table follow the new content.
    let summary = store
        .list()
        .await
        .expect("list")
        .into_iter()
        .find(|s| s.slug == "fictional-support-service-1")
        .expect("listed");
    assert_eq!(summary.title, changed.title);
    assert_eq!(summary.revision, 2);
    assert_eq!(summary.rating.as_deref(), Some("effective"));
    let records = [fictional(0), changed, fictional(2), fictional(3)];
    assert_eq!(
        sql_facet_counts(&store).await,
        expected_facet_counts(&records)
    );
}

#[tokio::test]
async fn a_batch_with_an_invalid_record_writes_nothing() {
    let (_dir, store) = open_temp().await;
    store.import(items(0..3), "import").await.expect("import");
    let before = store.all_records().await.expect("all");
    let facets_before = sql_facet_counts(&store).await;

    let mut changed = fictional(0);
    changed.title = "Fictional Support Service 0, changed".to_string();
    let mut bad = fictional(9);
    bad.slug = "Bad Slug".to_string();
    let batch = vec![item(changed), item(fictional(5)), item(bad)];
    match store.import(batch, "import").await {
        Err(StoreError::Invalid { slug, message }) => {
            assert_eq!(slug, "Bad Slug");
            assert!(message.contains("slug"), "{message}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }

    assert_eq!(store.count().await.expect("count"), 3);
    assert_eq!(store.all_records().await.expect("all"), before);
    assert!(store
        .get("fictional-support-service-5")
        .await
        .expect("get")
        .is_none());
    assert_eq!(revision_count(&store).await, 3);
    assert_eq!(sql_facet_counts(&store).await, facets_before);
}

#[tokio::test]
async fn a_slug_twice_in_one_batch_is_rejected() {
    let (_dir, store) = open_temp().await;
    let mut twin = fictional(1);
    twin.title = "Another Fictional Service".to_string();
    let batch = vec![item(fictional(0)), item(fictional(1)), item(twin)];
    match store.import(batch, "import").await {
        Err(StoreError::Invalid { slug, .. }) => assert_eq!(slug, "fictional-support-service-1"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(store.count().await.expect("count"), 0);
}

#[tokio::test]
async fn facet_values_match_the_records_over_two_thousand_records() {
    let (_dir, store) = open_temp().await;
    let outcome = store
        .import(items(0..2_000), "import")
        .await
        .expect("import");
    assert_eq!(outcome.created.len(), 2_000);
    assert_eq!(outcome.created[1_234], "fictional-support-service-1234");
    let mut records: Vec<Intervention> = (0..2_000).map(fictional).collect();
    assert_eq!(
        sql_facet_counts(&store).await,
        expected_facet_counts(&records)
    );

    // Every record's own rows, not just the totals.
    let id: i64 = sqlx::query_scalar("SELECT id FROM interventions WHERE slug = ?")
        .bind("fictional-support-service-999")
        .fetch_one(store.pool())
        .await
        .expect("id");
    let own: BTreeSet<(String, String)> =
        sqlx::query("SELECT facet, value FROM facet_values WHERE intervention_id = ?")
            .bind(id)
            .fetch_all(store.pool())
            .await
            .expect("rows")
            .iter()
            .map(|r| (r.get("facet"), r.get("value")))
            .collect();
    let expected: BTreeSet<(String, String)> = Facet::ALL
        .into_iter()
        .flat_map(|f| {
            f.ids_of(&records[999])
                .into_iter()
                .map(move |v| (f.param().to_string(), v))
        })
        .collect();
    assert_eq!(own, expected);

    // Change every tenth record and add a few: the facet table follows.
    // Change the facets of every tenth record and only the summary of every fourth one not
    // already changed, and add a few: the facet table follows.
    let mut changed = 0;
    for (i, record) in records.iter_mut().enumerate() {
        if i % 10 == 0 {
            record.facet_rows[0].age_groups = vec![Term::Known(AgeGroup::Children)];
            record.countries = vec![Term::from_id("FR")];
            changed += 1;
        } else if i % 4 == 0 {
            record.summary = Some(format!("A fictional service, summary revised ({i})."));
            changed += 1;
        }
    }
    records.extend((2_000..2_050).map(fictional));
    let batch: Vec<ImportItem> = records.iter().cloned().map(item).collect();
    let outcome = store.import(batch, "import").await.expect("re-import");
    assert_eq!(outcome.created.len(), 50);
    assert_eq!(outcome.updated.len(), changed);
    assert_eq!(outcome.unchanged.len(), 2_000 - changed);
    assert_eq!(store.count().await.expect("count"), 2_050);
    assert_eq!(revision_count(&store).await, 2_050 + changed as i64);
    assert_eq!(
        sql_facet_counts(&store).await,
        expected_facet_counts(&records)
    );

    let all = store.all_records().await.expect("all");
    let slugs: Vec<&str> = all.iter().map(|s| s.record.slug.as_str()).collect();
    let mut sorted = slugs.clone();
    sorted.sort_unstable();
    assert_eq!(slugs, sorted);
    assert_eq!(all.len(), 2_050);
}

#[tokio::test]
async fn revisions_cannot_be_updated_or_deleted() {
    let (_dir, store) = open_temp().await;
    store.import(items(0..2), "import").await.expect("import");

    let update = sqlx::query("UPDATE revisions SET summary = 'rewritten history'")
        .execute(store.pool())
        .await;
    let message = update.expect_err("update must fail").to_string();
    assert!(message.contains("revisions are immutable"), "{message}");

    let delete = sqlx::query("DELETE FROM revisions")
        .execute(store.pool())
        .await;
    let message = delete.expect_err("delete must fail").to_string();
    assert!(message.contains("revisions are immutable"), "{message}");

    // Nor can a record with history be deleted from under it.
    let delete_record = sqlx::query("DELETE FROM interventions")
        .execute(store.pool())
        .await;
    assert!(delete_record.is_err());
    assert_eq!(revision_count(&store).await, 2);
    assert_eq!(store.count().await.expect("count"), 2);
}

#[tokio::test]
async fn list_is_by_title_ignoring_case() {
    let (_dir, store) = open_temp().await;
    let mut records = vec![fictional(1), fictional(2), fictional(3)];
    records[0].title = "beta fictional service".to_string();
    records[1].title = "Alpha Fictional Service".to_string();
    records[2].title = "Gamma fictional service".to_string();
    store
        .import(records.into_iter().map(item).collect(), "import")
        .await
        .expect("import");
    let list = store.list().await.expect("list");
    let titles: Vec<&str> = list.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Alpha Fictional Service",
            "beta fictional service",
            "Gamma fictional service"
        ]
    );
    let alpha = &list[0];
    assert_eq!(alpha.slug, "fictional-support-service-2");
    assert_eq!(alpha.rating.as_deref(), Some("promising"));
    assert_eq!(alpha.information_correct_at.as_deref(), Some("2020-03"));
    assert!(!alpha.needs_review);
    assert_eq!(alpha.revision, 1);
}

#[tokio::test]
async fn unknown_slugs_and_empty_batches() {
    let (_dir, store) = open_temp().await;
    assert!(store.get("no-such-record").await.expect("get").is_none());
    assert!(store
        .revisions("no-such-record")
        .await
        .expect("revisions")
        .is_empty());
    assert_eq!(
        store.import(Vec::new(), "import").await.expect("empty"),
        ImportOutcome::default()
    );
    assert!(store.list().await.expect("list").is_empty());
}

#[tokio::test]
async fn unreadable_stored_json_is_reported_as_corrupt() {
    let (_dir, store) = open_temp().await;
    store.import(items(0..2), "import").await.expect("import");
    // Damage the stored revision the way only raw access to the file could: the triggers
    // that keep history immutable have to be dropped first.
    sqlx::query("DROP TRIGGER revisions_are_immutable_update")
        .execute(store.pool())
        .await
        .expect("drop trigger");
    sqlx::query(
        "UPDATE revisions SET record_json = '{not json' WHERE intervention_id = \
         (SELECT id FROM interventions WHERE slug = ?)",
    )
    .bind("fictional-support-service-1")
    .execute(store.pool())
    .await
    .expect("damage a record");

    match store.get("fictional-support-service-1").await {
        Err(StoreError::Corrupt { slug, .. }) => assert_eq!(slug, "fictional-support-service-1"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(matches!(
        store.all_records().await,
        Err(StoreError::Corrupt { .. })
    ));
    // The other record is still readable.
    assert!(store
        .get("fictional-support-service-0")
        .await
        .expect("get")
        .is_some());

    // A changed re-import writes a new, readable revision.
    let mut changed = fictional(1);
    changed.summary = Some("A fictional summary, changed to repair the record.".into());
    let outcome = store
        .import(vec![item(changed.clone())], "import")
        .await
        .expect("re-import");
    assert_eq!(outcome.updated, vec!["fictional-support-service-1"]);
    let stored = store
        .get("fictional-support-service-1")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored.record, changed);
    assert_eq!(stored.revision, 2);
}

#[tokio::test]
async fn a_record_without_a_source_gets_a_plain_summary() {
    let (_dir, store) = open_temp().await;
    let batch = vec![ImportItem {
        record: fictional(4),
        source: String::new(),
    }];
    store.import(batch, "import").await.expect("import");
    let revisions = store
        .revisions("fictional-support-service-4")
        .await
        .expect("revisions");
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].summary, "Imported");
    assert_eq!(revisions[0].source, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_imports_are_serialised_not_lost() {
    let (_dir, store) = open_temp().await;
    let first = {
        let store = store.clone();
        tokio::spawn(async move { store.import(items(0..600), "first").await })
    };
    let second = {
        let store = store.clone();
        tokio::spawn(async move { store.import(items(600..1_200), "second").await })
    };
    let first = first.await.expect("join").expect("first import");
    let second = second.await.expect("join").expect("second import");
    assert_eq!(first.created.len(), 600);
    assert_eq!(second.created.len(), 600);
    assert_eq!(store.count().await.expect("count"), 1_200);
    let records: Vec<Intervention> = (0..1_200).map(fictional).collect();
    assert_eq!(
        sql_facet_counts(&store).await,
        expected_facet_counts(&records)
    );
}

#[tokio::test]
async fn batches_are_one_transaction_and_an_abort_rolls_all_back() {
    let (_dir, store) = open_temp().await;
    // Two good batches, then the sender reports a problem: nothing may remain.
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    for batch in [items(0..30), items(30..60)] {
        let _ = sender.send(Ok(batch)).await;
    }
    let _ = sender
        .send(Err("a file could not be read".to_string()))
        .await;
    drop(sender);
    let result = store.import_batches(receiver, "test").await;
    assert!(
        matches!(result, Err(preventory_store::StoreError::Aborted(ref m)) if m.contains("could not be read")),
        "{result:?}"
    );
    assert_eq!(store.count().await.unwrap_or(99), 0);
    assert_eq!(revision_count(&store).await, 0);

    // A slug repeated across batches is caught too, and rolls back the first batch.
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let _ = sender.send(Ok(items(0..10))).await;
    let _ = sender.send(Ok(items(5..15))).await;
    drop(sender);
    let result = store.import_batches(receiver, "test").await;
    assert!(
        matches!(result, Err(preventory_store::StoreError::Invalid { .. })),
        "{result:?}"
    );
    assert_eq!(store.count().await.unwrap_or(99), 0);

    // Good batches land together, in order.
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let _ = sender.send(Ok(items(0..10))).await;
    let _ = sender.send(Ok(items(10..25))).await;
    drop(sender);
    let outcome = store
        .import_batches(receiver, "test")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome.created.len(), 25);
    assert_eq!(store.count().await.unwrap_or(0), 25);
}

#[tokio::test]
async fn public_changes_since_returns_records_with_newer_changes() {
    let (_dir, store) = open_temp().await;
    assert_eq!(store.latest_change_id().await.expect("latest"), 0);
    assert!(store
        .public_changes_since(0)
        .await
        .expect("changed")
        .visible
        .is_empty());

    let items = |records: Vec<Intervention>| {
        records
            .into_iter()
            .map(|record| ImportItem {
                record,
                source: "test".into(),
            })
            .collect::<Vec<_>>()
    };
    store
        .import(items(vec![fictional(0), fictional(1)]), "import")
        .await
        .expect("import");
    let first = store.latest_change_id().await.expect("latest");
    assert!(first >= 1, "an import moves the change counter");
    assert_eq!(
        store
            .public_changes_since(0)
            .await
            .expect("changed")
            .visible
            .len(),
        2
    );
    assert!(store
        .public_changes_since(first)
        .await
        .expect("changed")
        .visible
        .is_empty());

    // Identical content writes no revision, so nothing counts as changed.
    store
        .import(items(vec![fictional(0)]), "import")
        .await
        .expect("import");
    assert_eq!(store.latest_change_id().await.expect("latest"), first);

    let mut changed = fictional(1);
    changed.title.push_str(" (changed)");
    store
        .import(items(vec![changed, fictional(2)]), "import")
        .await
        .expect("import");
    assert!(store.latest_change_id().await.expect("latest") > first);
    let slugs: Vec<String> = store
        .public_changes_since(first)
        .await
        .expect("changed")
        .visible
        .into_iter()
        .map(|s| s.record.slug)
        .collect();
    assert_eq!(slugs, [fictional(1).slug, fictional(2).slug]);
}

#[tokio::test]
async fn public_records_after_pages_through_every_record_in_slug_order() {
    let (_dir, store) = open_temp().await;
    store.import(items(0..23), "import").await.expect("import");
    let all = store.all_records().await.expect("all");
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .public_records_after(after.as_deref(), 5)
            .await
            .expect("page");
        assert!(page.len() <= 5);
        let Some(last) = page.last() else { break };
        after = Some(last.record.slug.clone());
        paged.extend(page);
    }
    assert_eq!(paged.len(), 23);
    assert_eq!(paged, all, "pages differ from all_records");
    assert!(store
        .public_records_after(Some("~"), 5)
        .await
        .expect("past the end")
        .is_empty());
}
