//! Accounts, sessions, sign-in throttling, the audit log and record status in the SQLite
//! adapter, against real database files in temporary directories.
//!
//! Every record, address and password here is fictional.

use preventory_core::accounts::{Actor, Email, Password, Role, RoleError, Staff, UserId};
use preventory_core::audit::AuditAction;
use preventory_core::lifecycle::{Status, Transition, TransitionError};
use preventory_core::{Contact, Intervention};
use preventory_store::accounts::{
    AuditQuery, FailedAttempts, FailureReason, LoginOutcome, NewAuditEntry, NewUser, SessionLimits,
    User, LOGIN_ATTEMPTS_KEPT,
};
use preventory_store::login::{sign_in, SignIn, SignInAttempt, ThrottlePolicy};
use preventory_store::password::hash_password;
use preventory_store::sqlite::SqliteStore;
use preventory_store::{ImportItem, Store, StoreError};
use serde_json::json;
use sqlx::Row;
use std::time::Duration;
use tempfile::TempDir;

const PASSWORD: &str = "fictional-passphrase-for-tests";

async fn open_temp() -> (TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("preventory.db"))
        .await
        .expect("open store");
    (dir, store)
}

fn email(text: &str) -> Email {
    Email::parse(text).expect("email")
}

fn phc(password: &str) -> String {
    hash_password(&Password::new(password.to_string()).expect("password")).expect("hash")
}

async fn add_user(store: &SqliteStore, address: &str, role: Role, org: Option<&str>) -> User {
    let new = NewUser {
        email: email(address),
        password_hash: phc(PASSWORD),
        role,
        organisation: org.map(str::to_string),
    };
    store
        .create_user(&new, Actor::Cli)
        .await
        .expect("create user")
}

fn record(slug: &str, organisation: &str) -> Intervention {
    Intervention {
        slug: slug.to_string(),
        title: format!("Fictional service {slug}"),
        contact: Contact {
            organisation: Some(organisation.to_string()),
            ..Contact::default()
        },
        ..Intervention::default()
    }
}

async fn import(store: &SqliteStore, records: Vec<Intervention>) {
    let items = records
        .into_iter()
        .map(|record| ImportItem {
            source: format!("fictional/{}.json", record.slug),
            record,
        })
        .collect();
    store.import(items, "import").await.expect("import");
}

async fn audit(
    store: &SqliteStore,
    action: AuditAction,
) -> Vec<preventory_store::accounts::AuditEntry> {
    store
        .list_audit(&AuditQuery {
            action: Some(action),
            limit: 1000,
            ..AuditQuery::default()
        })
        .await
        .expect("audit")
}

async fn audit_count(store: &SqliteStore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(store.pool())
        .await
        .expect("count")
}

/// Moves a table's timestamp column back by `seconds` for the rows `filter` selects, as if
/// that much time had passed.
async fn age(store: &SqliteStore, table_column: &str, seconds: i64) {
    let (table, column) = table_column.split_once('.').expect("table.column");
    let sql = format!(
        "UPDATE {table} SET {column} = strftime('%Y-%m-%dT%H:%M:%fZ', {column}, '-{seconds} seconds')"
    );
    sqlx::query(&sql)
        .execute(store.pool())
        .await
        .expect("age rows");
    // strftime's %f has three decimals; the store writes six. Pad to keep text order right.
    let pad = format!(
        "UPDATE {table} SET {column} = substr({column}, 1, 23) || '000Z' WHERE length({column}) = 24"
    );
    sqlx::query(&pad).execute(store.pool()).await.expect("pad");
}

// ---------------------------------------------------------------- migration

#[tokio::test]
async fn the_accounts_migration_applies_to_a_store_made_by_the_first_schema() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A store as the first release made it: only 0001, with records in it.
    let first = dir.path().join("first");
    std::fs::create_dir(&first).expect("folder");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/0001_init.sql"),
        first.join("0001_init.sql"),
    )
    .expect("copy 0001");
    let path = dir.path().join("old.db");
    {
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true),
        )
        .await
        .expect("old store");
        sqlx::migrate::Migrator::new(first.as_path())
            .await
            .expect("migrator")
            .run(&pool)
            .await
            .expect("0001");
        for (id, slug) in [(1, "old-fictional-one"), (2, "old-fictional-two")] {
            let json = serde_json::to_string(&record(slug, "Fictional Trust")).expect("json");
            sqlx::query(
                "INSERT INTO interventions (id, slug, title, current_revision, created_at, \
                 updated_at, content_hash) VALUES (?, ?, ?, 1, '2024-01-01T00:00:00.000000Z', \
                 '2024-01-01T00:00:00.000000Z', ?)",
            )
            .bind(id)
            .bind(slug)
            .bind(format!("Fictional service {slug}"))
            .bind(blake3::hash(json.as_bytes()).as_bytes().to_vec())
            .execute(&pool)
            .await
            .expect("old record");
            sqlx::query(
                "INSERT INTO revisions (intervention_id, number, author, summary, created_at, \
                 record_json) VALUES (?, 1, 'import', 'Imported', '2024-01-01T00:00:00.000000Z', ?)",
            )
            .bind(id)
            .bind(json)
            .execute(&pool)
            .await
            .expect("old revision");
        }
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info('interventions')")
                .fetch_all(&pool)
                .await
                .expect("columns");
        assert!(!columns.contains(&"status".to_string()));
        pool.close().await;
    }

    let store = SqliteStore::open(&path).await.expect("open migrates");
    assert_eq!(store.count().await.expect("count"), 2);
    for slug in ["old-fictional-one", "old-fictional-two"] {
        let state = store
            .record_state(slug)
            .await
            .expect("state")
            .expect("known");
        assert_eq!(state.status, Status::Published, "{slug}");
        assert_eq!(state.last_author, None);
        assert!(store.get(slug).await.expect("get").is_some());
        // Migration 0003 keeps every published record public, at its current revision.
        let public = store
            .get_public(slug)
            .await
            .expect("public")
            .expect("still public after the editing migration");
        assert_eq!(public.revision, 1);
        assert_eq!(public.status, Status::Published);
    }
    assert!(store.latest_change_id().await.expect("change id") >= 2);
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await
            .expect("versions");
    assert_eq!(versions, [1, 2, 3, 4]);
    for table in [
        "users",
        "sessions",
        "login_attempts",
        "audit_log",
        "secrets",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .expect("new table");
        assert_eq!(n, 0, "{table}");
    }
    // The old records still take changes, and new ones arrive published.
    let mut changed = record("old-fictional-one", "Fictional Trust");
    changed.summary = Some("Changed after the migration.".to_string());
    import(
        &store,
        vec![changed, record("new-fictional", "Fictional Trust")],
    )
    .await;
    assert_eq!(
        store
            .revisions("old-fictional-one")
            .await
            .expect("revisions")
            .len(),
        2
    );
    let new = store
        .record_state("new-fictional")
        .await
        .expect("state")
        .expect("known");
    assert_eq!(new.status, Status::Published);
}

// ---------------------------------------------------------------- users

#[tokio::test]
async fn accounts_are_unique_by_address_in_any_case() {
    let (_dir, store) = open_temp().await;
    let alice = add_user(&store, "Alice@Example.org", Role::Editor, None).await;
    assert_eq!(alice.email, "alice@example.org");
    assert!(!alice.disabled);

    let again = NewUser {
        email: email("ALICE@example.ORG"),
        password_hash: phc(PASSWORD),
        role: Role::Reviewer,
        organisation: None,
    };
    let refused = store.create_user(&again, Actor::Cli).await;
    assert!(
        matches!(refused, Err(StoreError::EmailTaken(ref e)) if e == "alice@example.org"),
        "{refused:?}"
    );

    // The database itself refuses a second spelling, whatever the code above it does.
    let raw = sqlx::query(
        "INSERT INTO users (email, password_hash, role, created_at) \
         VALUES ('ALICE@EXAMPLE.ORG', 'x', 'editor', '2025-01-01T00:00:00.000000Z')",
    )
    .execute(store.pool())
    .await;
    assert!(raw.is_err(), "the unique index let a second spelling in");

    let found = store
        .find_user_by_email(&email("alice@EXAMPLE.org"))
        .await
        .expect("find")
        .expect("found");
    assert_eq!(found, alice);
    assert_eq!(
        store.get_user(alice.id).await.expect("get"),
        Some(alice.clone())
    );
    assert_eq!(store.get_user(UserId(999)).await.expect("get"), None);
    assert_eq!(
        store
            .find_user_by_email(&email("bob@example.org"))
            .await
            .expect("find"),
        None
    );
    let credentials = store
        .credentials(&email("alice@example.org"))
        .await
        .expect("credentials")
        .expect("found");
    assert!(credentials.password_hash.starts_with("$argon2id$"));
    assert!(!format!("{credentials:?}").contains("argon2id"));
    assert_eq!(store.list_users().await.expect("list").len(), 1);
}

#[tokio::test]
async fn accounts_need_a_hash_and_a_fitting_organisation_and_are_audited() {
    let (_dir, store) = open_temp().await;
    let plain = NewUser {
        email: email("plain@example.org"),
        password_hash: PASSWORD.to_string(),
        role: Role::Editor,
        organisation: None,
    };
    assert!(matches!(
        store.create_user(&plain, Actor::Cli).await,
        Err(StoreError::NotAPasswordHash)
    ));
    let provider = NewUser {
        email: email("provider@example.org"),
        password_hash: phc(PASSWORD),
        role: Role::Provider,
        organisation: None,
    };
    assert!(matches!(
        store.create_user(&provider, Actor::Cli).await,
        Err(StoreError::Role(RoleError::ProviderNeedsOrganisation))
    ));
    let editor = NewUser {
        email: email("editor@example.org"),
        password_hash: phc(PASSWORD),
        role: Role::Editor,
        organisation: Some("Fictional Trust".to_string()),
    };
    assert!(matches!(
        store.create_user(&editor, Actor::Cli).await,
        Err(StoreError::Role(RoleError::OrganisationOnlyForProviders(
            Role::Editor
        )))
    ));
    assert_eq!(audit_count(&store).await, 0, "refusals write nothing");

    let provider = add_user(
        &store,
        "provider@example.org",
        Role::Provider,
        Some(" Fictional Trust "),
    )
    .await;
    assert_eq!(provider.organisation.as_deref(), Some("Fictional Trust"));
    let admin = add_user(&store, "admin@example.org", Role::Admin, None).await;
    let emails: Vec<String> = store
        .list_users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(emails, ["admin@example.org", "provider@example.org"]);

    let created = audit(&store, AuditAction::UserCreated).await;
    assert_eq!(created.len(), 2);
    assert_eq!(created[0].subject, format!("user:{}", admin.id));
    assert_eq!(created[0].actor, Actor::Cli);
    assert_eq!(created[1].detail["email"], "provider@example.org");
    assert_eq!(created[1].detail["role"], "provider");
    assert_eq!(created[1].detail["organisation"], "Fictional Trust");
    for entry in &created {
        assert!(!entry.detail.to_string().contains("argon2"), "{entry:?}");
    }
}

#[tokio::test]
async fn roles_change_with_an_audit_event_and_the_last_admin_stays() {
    let (_dir, store) = open_temp().await;
    let admin = add_user(&store, "admin@example.org", Role::Admin, None).await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;

    let demoted = store
        .set_user_role(admin.id, Role::Editor, None, Actor::Cli)
        .await;
    assert!(matches!(demoted, Err(StoreError::LastAdmin)), "{demoted:?}");
    let disabled = store.set_user_disabled(admin.id, true, Actor::Cli).await;
    assert!(
        matches!(disabled, Err(StoreError::LastAdmin)),
        "{disabled:?}"
    );

    let reviewer = store
        .set_user_role(editor.id, Role::Reviewer, None, Actor::User(admin.id))
        .await
        .expect("role");
    assert_eq!(reviewer.role, Role::Reviewer);
    let provider = store
        .set_user_role(editor.id, Role::Provider, None, Actor::Cli)
        .await;
    assert!(matches!(
        provider,
        Err(StoreError::Role(RoleError::ProviderNeedsOrganisation))
    ));
    let provider = store
        .set_user_role(
            editor.id,
            Role::Provider,
            Some("Fictional Trust"),
            Actor::Cli,
        )
        .await
        .expect("provider");
    assert_eq!(provider.organisation.as_deref(), Some("Fictional Trust"));
    // No change, no event.
    store
        .set_user_role(
            editor.id,
            Role::Provider,
            Some("Fictional Trust"),
            Actor::Cli,
        )
        .await
        .expect("same");
    assert!(matches!(
        store
            .set_user_role(UserId(999), Role::Editor, None, Actor::Cli)
            .await,
        Err(StoreError::UnknownUser(UserId(999)))
    ));

    let changes = audit(&store, AuditAction::UserRoleChanged).await;
    assert_eq!(changes.len(), 2);
    // Newest first.
    assert_eq!(changes[0].detail["from"], "reviewer");
    assert_eq!(changes[0].detail["to"], "provider");
    assert_eq!(changes[0].detail["organisation_to"], "Fictional Trust");
    assert_eq!(changes[1].actor, Actor::User(admin.id));
    assert_eq!(
        changes[1].detail,
        json!({"from": "editor", "to": "reviewer", "organisation_from": null, "organisation_to": null})
    );

    // With a second admin, the first may step down.
    let second = add_user(&store, "second@example.org", Role::Admin, None).await;
    store
        .set_user_role(admin.id, Role::Editor, None, Actor::Cli)
        .await
        .expect("demote");
    assert!(matches!(
        store.set_user_disabled(second.id, true, Actor::Cli).await,
        Err(StoreError::LastAdmin)
    ));
}

#[tokio::test]
async fn disabling_ends_sessions_and_refuses_new_ones_until_enabled() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let one = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    let two = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");

    let disabled = store
        .set_user_disabled(editor.id, true, Actor::Cli)
        .await
        .expect("disable");
    assert!(disabled.disabled);
    for token in [&one.token, &two.token] {
        assert!(store
            .session_by_token(token.expose())
            .await
            .expect("lookup")
            .is_none());
    }
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(left, 0);
    assert!(matches!(
        store
            .create_session(editor.id, SessionLimits::default(), None)
            .await,
        Err(StoreError::UserDisabled(_))
    ));
    // Disabling twice changes nothing and writes no second event.
    store
        .set_user_disabled(editor.id, true, Actor::Cli)
        .await
        .expect("again");
    let events = audit(&store, AuditAction::UserDisabled).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].detail["sessions_ended"], 2);

    let enabled = store
        .set_user_disabled(editor.id, false, Actor::Cli)
        .await
        .expect("enable");
    assert!(!enabled.disabled);
    assert_eq!(audit(&store, AuditAction::UserEnabled).await.len(), 1);
    assert!(store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_new_password_hash_ends_every_session() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let session = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    assert!(matches!(
        store
            .set_password_hash(editor.id, "not a hash at all", Actor::Cli)
            .await,
        Err(StoreError::NotAPasswordHash)
    ));
    let new_hash = phc("another fictional passphrase");
    store
        .set_password_hash(editor.id, &new_hash, Actor::User(editor.id))
        .await
        .expect("set");
    assert!(store
        .session_by_token(session.token.expose())
        .await
        .expect("lookup")
        .is_none());
    let stored = store
        .credentials(&email("editor@example.org"))
        .await
        .expect("c")
        .expect("found");
    assert_eq!(stored.password_hash, new_hash);
    let events = audit(&store, AuditAction::PasswordChanged).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, Actor::User(editor.id));
    assert!(matches!(
        store
            .set_password_hash(UserId(42), &new_hash, Actor::Cli)
            .await,
        Err(StoreError::UnknownUser(UserId(42)))
    ));
}

// ---------------------------------------------------------------- sessions

#[tokio::test]
async fn session_tokens_are_random_and_stored_only_as_hashes() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let a = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    let b = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    for new in [&a, &b] {
        assert_eq!(new.token.expose().len(), 64);
        assert!(new.token.expose().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(new.csrf_token.len(), 64);
        assert_ne!(new.token.expose(), new.csrf_token);
        assert!(!format!("{new:?}").contains(new.token.expose()));
    }
    assert_ne!(a.token, b.token);
    assert_ne!(a.csrf_token, b.csrf_token);

    // Nothing in the table holds a token, in any column.
    let rows = sqlx::query("SELECT * FROM sessions")
        .fetch_all(store.pool())
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2);
    let mut hashes = Vec::new();
    for row in &rows {
        for i in 0..row.len() {
            let text: Option<String> = row.try_get::<String, _>(i).ok();
            if let Some(text) = text {
                for token in [a.token.expose(), b.token.expose()] {
                    assert!(!text.contains(token), "a token stored in clear");
                }
            }
        }
        hashes.push(row.get::<String, _>("token_hash"));
    }
    for token in [a.token.expose(), b.token.expose()] {
        assert!(hashes.contains(&blake3::hash(token.as_bytes()).to_hex().to_string()));
    }

    let found = store
        .session_by_token(a.token.expose())
        .await
        .expect("lookup")
        .expect("live");
    assert_eq!(found.user, editor);
    assert_eq!(found.csrf_token, a.csrf_token);
    assert_eq!(found.expires_at, a.expires_at);
    assert!(found.csrf_matches(&a.csrf_token));
    assert!(!found.csrf_matches(&b.csrf_token));
    assert!(!found.csrf_matches(""));
    // A hash offered as a token is not the token.
    assert!(store
        .session_by_token(&hashes[0])
        .await
        .expect("lookup")
        .is_none());
    assert!(store.session_by_token("").await.expect("lookup").is_none());
    assert!(store
        .session_by_token(&"f".repeat(10_000))
        .await
        .expect("lookup")
        .is_none());

    assert!(store
        .delete_session(a.token.expose())
        .await
        .expect("delete"));
    assert!(!store
        .delete_session(a.token.expose())
        .await
        .expect("delete"));
    assert!(store
        .session_by_token(a.token.expose())
        .await
        .expect("lookup")
        .is_none());
    assert!(store
        .session_by_token(b.token.expose())
        .await
        .expect("lookup")
        .is_some());
    assert_eq!(
        store
            .delete_user_sessions(editor.id)
            .await
            .expect("delete all"),
        1
    );
    assert!(store
        .session_by_token(b.token.expose())
        .await
        .expect("lookup")
        .is_none());
}

#[tokio::test]
async fn sessions_end_at_their_lifetime_and_when_idle_and_are_touched_when_used() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let limits = SessionLimits {
        lifetime: Duration::from_secs(8 * 3600),
        idle: Duration::from_secs(30 * 60),
    };

    // Used ten minutes ago: alive, and its last use moves to now.
    let busy = store
        .create_session(editor.id, limits, None)
        .await
        .expect("session");
    age(&store, "sessions.last_seen_at", 600).await;
    let before: String = sqlx::query_scalar("SELECT last_seen_at FROM sessions")
        .fetch_one(store.pool())
        .await
        .expect("last seen");
    let found = store
        .session_by_token(busy.token.expose())
        .await
        .expect("lookup")
        .expect("alive");
    assert!(
        found.last_seen_at > before,
        "{} ≤ {before}",
        found.last_seen_at
    );
    let after: String = sqlx::query_scalar("SELECT last_seen_at FROM sessions")
        .fetch_one(store.pool())
        .await
        .expect("last seen");
    assert_eq!(after, found.last_seen_at);

    // Idle for 31 minutes: gone, and its row deleted.
    age(&store, "sessions.last_seen_at", 31 * 60).await;
    assert!(store
        .session_by_token(busy.token.expose())
        .await
        .expect("lookup")
        .is_none());
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(rows, 0);

    // Busy all along but past its lifetime: gone.
    let old = store
        .create_session(editor.id, limits, None)
        .await
        .expect("session");
    age(&store, "sessions.expires_at", 8 * 3600 + 1).await;
    assert!(store
        .session_by_token(old.token.expose())
        .await
        .expect("lookup")
        .is_none());

    // Expired sessions are swept out when anyone signs in.
    let stale = store
        .create_session(editor.id, limits, None)
        .await
        .expect("session");
    age(&store, "sessions.expires_at", 9 * 3600).await;
    let fresh = store
        .create_session(editor.id, limits, None)
        .await
        .expect("session");
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(store.pool())
        .await
        .expect("hashes");
    assert_eq!(
        hashes,
        [blake3::hash(fresh.token.expose().as_bytes())
            .to_hex()
            .to_string()]
    );
    assert!(store
        .session_by_token(stale.token.expose())
        .await
        .expect("lookup")
        .is_none());
}

#[tokio::test]
async fn a_session_carries_the_accounts_current_role() {
    let (_dir, store) = open_temp().await;
    let admin = add_user(&store, "admin@example.org", Role::Admin, None).await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let session = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    store
        .set_user_role(editor.id, Role::Reviewer, None, Actor::User(admin.id))
        .await
        .expect("role");
    let found = store
        .session_by_token(session.token.expose())
        .await
        .expect("lookup")
        .expect("alive");
    assert_eq!(found.user.role, Role::Reviewer);
    assert_eq!(found.user.staff().role, Role::Reviewer);
}

#[tokio::test]
async fn signing_in_rotates_the_session() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let other_device = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    let before = store
        .create_session(editor.id, SessionLimits::default(), None)
        .await
        .expect("session");
    let after = store
        .create_session(
            editor.id,
            SessionLimits::default(),
            Some(before.token.expose()),
        )
        .await
        .expect("rotated");
    assert_ne!(after.token, before.token);
    assert_ne!(after.csrf_token, before.csrf_token);
    assert!(store
        .session_by_token(before.token.expose())
        .await
        .expect("lookup")
        .is_none());
    assert!(store
        .session_by_token(after.token.expose())
        .await
        .expect("lookup")
        .is_some());
    // Only the browser's own old session ends, not the account's others.
    assert!(store
        .session_by_token(other_device.token.expose())
        .await
        .expect("lookup")
        .is_some());
    assert!(matches!(
        store
            .create_session(UserId(77), SessionLimits::default(), None)
            .await,
        Err(StoreError::UnknownUser(UserId(77)))
    ));
}

// ---------------------------------------------------------------- audit log

#[tokio::test]
async fn the_audit_log_is_append_only_in_the_database() {
    let (_dir, store) = open_temp().await;
    let id = store
        .append_audit(&NewAuditEntry {
            actor: Actor::Cli,
            action: AuditAction::RecordsImported,
            subject: "import".to_string(),
            detail: json!({"records": 3}),
        })
        .await
        .expect("append");
    let update = sqlx::query("UPDATE audit_log SET subject = 'rewritten' WHERE id = ?")
        .bind(id)
        .execute(store.pool())
        .await;
    let message = update.expect_err("update refused").to_string();
    assert!(message.contains("append-only"), "{message}");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(store.pool())
        .await;
    let message = delete.expect_err("delete refused").to_string();
    assert!(message.contains("append-only"), "{message}");
    let entries = store
        .list_audit(&AuditQuery::default())
        .await
        .expect("list");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].subject, "import");
    assert_eq!(entries[0].detail, json!({"records": 3}));
    assert_eq!(entries[0].action, "records_imported");
    // The check constraint keeps actor and account together.
    let odd = sqlx::query(
        "INSERT INTO audit_log (at, actor, actor_user_id, action, subject) \
         VALUES ('2025-01-01T00:00:00.000000Z', 'cli', 1, 'x', 'y')",
    )
    .execute(store.pool())
    .await;
    assert!(odd.is_err());
}

#[tokio::test]
async fn the_audit_log_pages_and_filters() {
    let (_dir, store) = open_temp().await;
    let admin = add_user(&store, "admin@example.org", Role::Admin, None).await;
    for i in 0..25 {
        store
            .append_audit(&NewAuditEntry {
                actor: if i % 2 == 0 {
                    Actor::User(admin.id)
                } else {
                    Actor::Import
                },
                action: AuditAction::RecordChanged,
                subject: format!("intervention:fictional-{}", i % 5),
                detail: json!({"i": i}),
            })
            .await
            .expect("append");
    }
    // Newest first, a page at a time.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .list_audit(&AuditQuery {
                action: Some(AuditAction::RecordChanged),
                before_id: before,
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .expect("page");
        if page.is_empty() {
            break;
        }
        before = page.last().map(|e| e.id);
        seen.extend(
            page.into_iter()
                .map(|e| e.detail["i"].as_i64().unwrap_or(-1)),
        );
    }
    assert_eq!(seen, (0..25).rev().collect::<Vec<i64>>());
    // Oldest first, for an export.
    let mut exported = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_audit(&AuditQuery {
                after_id: after,
                oldest_first: true,
                limit: 7,
                ..AuditQuery::default()
            })
            .await
            .expect("page");
        if page.is_empty() {
            break;
        }
        after = page.last().map(|e| e.id);
        exported.extend(page);
    }
    assert_eq!(exported.len(), 26, "25 changes and the account's creation");
    assert!(exported.windows(2).all(|w| w[0].id < w[1].id));
    let by_import = store
        .list_audit(&AuditQuery {
            actor: Some(Actor::Import),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .expect("filter");
    assert_eq!(by_import.len(), 12);
    let by_admin = store
        .list_audit(&AuditQuery {
            actor: Some(Actor::User(admin.id)),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .expect("filter");
    assert_eq!(by_admin.len(), 13);
    let about = store
        .list_audit(&AuditQuery {
            subject: Some("intervention:fictional-3".to_string()),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .expect("filter");
    assert_eq!(about.len(), 5);
    let json = serde_json::to_value(&about[0]).expect("serialise");
    assert_eq!(json["actor"], "import");
}

// ---------------------------------------------------------------- throttling

#[tokio::test]
async fn failed_sign_ins_are_counted_per_account_and_client_within_the_window() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let keys = store
        .login_keys(" Editor@Example.org ", "192.0.2.7")
        .await
        .expect("keys");
    assert_eq!(
        keys,
        store
            .login_keys("editor@example.org", "192.0.2.7")
            .await
            .expect("keys")
    );
    assert!(!keys.account.contains("editor") && !keys.client.contains("192.0.2.7"));
    let elsewhere = store
        .login_keys("editor@example.org", "198.51.100.1")
        .await
        .expect("keys");
    assert_eq!(elsewhere.account, keys.account);
    assert_ne!(elsewhere.client, keys.client);
    let someone_else = store
        .login_keys("nobody@example.org", "192.0.2.7")
        .await
        .expect("keys");

    let window = Duration::from_secs(15 * 60);
    let failed = LoginOutcome::Failed {
        user: Some(editor.id),
        reason: FailureReason::WrongPassword,
    };
    for _ in 0..3 {
        store
            .record_login_attempt(&keys, failed)
            .await
            .expect("record");
    }
    store
        .record_login_attempt(&elsewhere, failed)
        .await
        .expect("record");
    store
        .record_login_attempt(
            &someone_else,
            LoginOutcome::Failed {
                user: None,
                reason: FailureReason::UnknownAccount,
            },
        )
        .await
        .expect("record");
    assert_eq!(
        store
            .recent_failed_attempts(&keys, window)
            .await
            .expect("count"),
        FailedAttempts {
            account: 4,
            client: 4
        }
    );
    assert_eq!(
        store
            .recent_failed_attempts(&elsewhere, window)
            .await
            .expect("count"),
        FailedAttempts {
            account: 4,
            client: 1
        }
    );

    // Twenty minutes later the window holds none of them.
    age(&store, "login_attempts.at", 20 * 60).await;
    store
        .record_login_attempt(&keys, failed)
        .await
        .expect("record");
    assert_eq!(
        store
            .recent_failed_attempts(&keys, window)
            .await
            .expect("count"),
        FailedAttempts {
            account: 1,
            client: 1
        }
    );
    assert_eq!(
        store
            .recent_failed_attempts(&keys, Duration::from_secs(3600))
            .await
            .expect("count"),
        FailedAttempts {
            account: 5,
            client: 5
        }
    );

    // A success forgets the account's failures, not the client's.
    store
        .record_login_attempt(&keys, LoginOutcome::Succeeded(editor.id))
        .await
        .expect("record");
    assert_eq!(
        store
            .recent_failed_attempts(&keys, Duration::from_secs(3600))
            .await
            .expect("count"),
        FailedAttempts {
            account: 0,
            client: 1
        }
    );

    // Only what the longest window needs is kept.
    age(
        &store,
        "login_attempts.at",
        i64::try_from(LOGIN_ATTEMPTS_KEPT.as_secs()).expect("secs"),
    )
    .await;
    store
        .record_login_attempt(
            &someone_else,
            LoginOutcome::Failed {
                user: None,
                reason: FailureReason::UnknownAccount,
            },
        )
        .await
        .expect("record");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(kept, 1);

    // Nothing in the table or the log names the account or the client in clear.
    let texts: Vec<String> = sqlx::query_scalar(
        "SELECT account_key || ' ' || client_key FROM login_attempts \
         UNION ALL SELECT detail FROM audit_log UNION ALL SELECT subject FROM audit_log",
    )
    .fetch_all(store.pool())
    .await
    .expect("texts");
    for text in &texts {
        for clear in ["192.0.2.7", "198.51.100.1", "nobody@example.org"] {
            assert!(!text.contains(clear), "{text}");
        }
    }
    let failures = audit(&store, AuditAction::LoginFailed).await;
    assert_eq!(failures.len(), 7);
    assert!(failures.iter().all(|e| e.actor == Actor::Anonymous));
    assert_eq!(failures[0].subject, "login");
    assert_eq!(failures[0].detail["reason"], "unknown_account");
    assert_eq!(
        failures.last().map(|e| e.subject.clone()),
        Some(format!("user:{}", editor.id))
    );
    let successes = audit(&store, AuditAction::LoginSucceeded).await;
    assert_eq!(successes.len(), 1);
    assert_eq!(successes[0].actor, Actor::User(editor.id));
}

#[tokio::test]
async fn sign_in_checks_throttles_records_and_rotates() {
    let (_dir, store) = open_temp().await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let gone = add_user(&store, "gone@example.org", Role::Editor, None).await;
    store
        .set_user_disabled(gone.id, true, Actor::Cli)
        .await
        .expect("disable");
    let policy = ThrottlePolicy::default();
    let limits = SessionLimits::default();
    let attempt =
        |email: &'static str, password: &'static str, client: &'static str| SignInAttempt {
            email,
            password,
            client,
            previous_token: None,
        };

    let ok = sign_in(
        &store,
        attempt("Editor@Example.org", PASSWORD, "192.0.2.1"),
        &policy,
        limits,
    )
    .await
    .expect("sign in");
    let SignIn::Success { user, session } = ok else {
        panic!("expected success, got {ok:?}");
    };
    assert_eq!(user, editor);
    assert!(store
        .session_by_token(session.token.expose())
        .await
        .expect("lookup")
        .is_some());

    for (email, password) in [
        ("editor@example.org", "wrong fictional passphrase"),
        ("nobody@example.org", PASSWORD),
        ("gone@example.org", PASSWORD),
        ("not an address", PASSWORD),
    ] {
        let result = sign_in(
            &store,
            SignInAttempt {
                email,
                password,
                client: "192.0.2.2",
                previous_token: None,
            },
            &policy,
            limits,
        )
        .await
        .expect("sign in");
        assert!(matches!(result, SignIn::Failed), "{email}: {result:?}");
    }
    let reasons: Vec<String> = audit(&store, AuditAction::LoginFailed)
        .await
        .into_iter()
        .rev()
        .map(|e| e.detail["reason"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "wrong_password",
            "unknown_account",
            "disabled",
            "unknown_account"
        ]
    );

    // Five failures for one account: refused even with the right password, from anywhere.
    for _ in 0..4 {
        let result = sign_in(
            &store,
            attempt(
                "editor@example.org",
                "wrong fictional passphrase",
                "192.0.2.3",
            ),
            &policy,
            limits,
        )
        .await
        .expect("sign in");
        assert!(matches!(result, SignIn::Failed));
    }
    let throttled = sign_in(
        &store,
        attempt("editor@example.org", PASSWORD, "203.0.113.9"),
        &policy,
        limits,
    )
    .await
    .expect("sign in");
    assert!(matches!(throttled, SignIn::Throttled), "{throttled:?}");
    let events = audit_count(&store).await;
    let again = sign_in(
        &store,
        attempt("editor@example.org", PASSWORD, "203.0.113.9"),
        &policy,
        limits,
    )
    .await
    .expect("sign in");
    assert!(matches!(again, SignIn::Throttled));
    assert_eq!(
        audit_count(&store).await,
        events,
        "throttled attempts are not checked or logged"
    );

    // Twenty failures from one client: refused for any account from there.
    let strict = ThrottlePolicy {
        max_client_failures: 3,
        ..policy
    };
    let other = add_user(&store, "other@example.org", Role::Reviewer, None).await;
    let from_bad_client = sign_in(
        &store,
        attempt("other@example.org", PASSWORD, "192.0.2.3"),
        &strict,
        limits,
    )
    .await
    .expect("sign in");
    assert!(matches!(from_bad_client, SignIn::Throttled));
    let previous = store
        .create_session(other.id, limits, None)
        .await
        .expect("session");
    let elsewhere = sign_in(
        &store,
        SignInAttempt {
            email: "other@example.org",
            password: PASSWORD,
            client: "192.0.2.200",
            previous_token: Some(previous.token.expose()),
        },
        &strict,
        limits,
    )
    .await
    .expect("sign in");
    let SignIn::Success { session, .. } = elsewhere else {
        panic!("expected success");
    };
    assert!(store
        .session_by_token(previous.token.expose())
        .await
        .expect("lookup")
        .is_none());
    assert!(store
        .session_by_token(session.token.expose())
        .await
        .expect("lookup")
        .is_some());
}

// ---------------------------------------------------------------- status

fn staff(user: &User) -> Staff {
    user.staff()
}

async fn status(store: &SqliteStore, slug: &str) -> Status {
    store
        .record_state(slug)
        .await
        .expect("state")
        .expect("known")
        .status
}

#[tokio::test]
async fn status_changes_follow_the_lifecycle_and_are_audited_with_four_eyes() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("fictional-a", "Fictional Trust")]).await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let reviewer = add_user(&store, "reviewer@example.org", Role::Reviewer, None).await;
    let second = add_user(&store, "second@example.org", Role::Reviewer, None).await;
    let slug = "fictional-a";
    assert_eq!(status(&store, slug).await, Status::Published);

    // An editor may not discontinue; a reviewer may.
    let refused = store
        .set_status(slug, Status::Discontinued, &staff(&editor))
        .await;
    assert!(
        matches!(
            refused,
            Err(StoreError::Transition(TransitionError::Forbidden { .. }))
        ),
        "{refused:?}"
    );
    let change = store
        .set_status(slug, Status::Discontinued, &staff(&reviewer))
        .await
        .expect("discontinue");
    assert_eq!(change.transition, Transition::Discontinue);
    let event = store
        .list_audit(&AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        })
        .await
        .expect("audit")
        .remove(0);
    assert_eq!(event.id, change.audit_id);
    assert_eq!(event.action, "status_changed");
    assert_eq!(event.actor, Actor::User(reviewer.id));
    assert_eq!(event.subject, "intervention:fictional-a");
    assert_eq!(
        event.detail,
        json!({"from": "published", "to": "discontinued", "transition": "discontinue"})
    );

    // Not a step of the lifecycle.
    let jump = store
        .set_status(slug, Status::Published, &staff(&reviewer))
        .await;
    assert!(matches!(
        jump,
        Err(StoreError::Transition(TransitionError::NotAllowed { .. }))
    ));

    store
        .set_status(slug, Status::Draft, &staff(&editor))
        .await
        .expect("reinstate");
    store
        .set_status(slug, Status::InReview, &staff(&editor))
        .await
        .expect("submit");
    // The reviewer edited it last: they may not publish it.
    sqlx::query("UPDATE interventions SET last_author = ? WHERE slug = ?")
        .bind(reviewer.id.0)
        .bind(slug)
        .execute(store.pool())
        .await
        .expect("last author");
    assert_eq!(
        store
            .record_state(slug)
            .await
            .expect("state")
            .expect("known")
            .last_author,
        Some(reviewer.id)
    );
    let before = audit_count(&store).await;
    let own = store
        .set_status(slug, Status::Published, &staff(&reviewer))
        .await;
    assert!(
        matches!(own, Err(StoreError::Transition(TransitionError::FourEyes))),
        "{own:?}"
    );
    assert_eq!(status(&store, slug).await, Status::InReview);
    assert_eq!(
        audit_count(&store).await,
        before,
        "a refusal writes no event"
    );
    store
        .set_status(slug, Status::Published, &staff(&second))
        .await
        .expect("publish");
    assert_eq!(status(&store, slug).await, Status::Published);
    assert!(matches!(
        store
            .set_status("no-such-record", Status::Draft, &staff(&editor))
            .await,
        Err(StoreError::UnknownRecord(_))
    ));

    // Every status change is in the log, in order.
    let moves: Vec<String> = audit(&store, AuditAction::StatusChanged)
        .await
        .into_iter()
        .rev()
        .map(|e| {
            e.detail["transition"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(moves, ["discontinue", "reinstate", "submit", "publish"]);

    // A re-import that changes the record clears the last author: an import wrote it.
    let mut changed = record(slug, "Fictional Trust");
    changed.summary = Some("Changed by a fictional import.".to_string());
    import(&store, vec![changed]).await;
    let state = store
        .record_state(slug)
        .await
        .expect("state")
        .expect("known");
    assert_eq!(state.last_author, None);
    assert_eq!(
        state.status,
        Status::Published,
        "an import leaves the status alone"
    );
}

#[tokio::test]
async fn a_status_change_and_its_audit_event_are_one_transaction() {
    let (_dir, store) = open_temp().await;
    import(&store, vec![record("fictional-b", "Fictional Trust")]).await;
    let reviewer = add_user(&store, "reviewer@example.org", Role::Reviewer, None).await;
    // Make every audit insert fail: the status change must not happen without its event.
    sqlx::query(
        "CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_log \
         BEGIN SELECT RAISE(ABORT, 'fictional audit failure'); END",
    )
    .execute(store.pool())
    .await
    .expect("trigger");
    let result = store
        .set_status("fictional-b", Status::Discontinued, &staff(&reviewer))
        .await;
    assert!(matches!(result, Err(StoreError::Database(_))), "{result:?}");
    assert_eq!(status(&store, "fictional-b").await, Status::Published);
    // Likewise an account change.
    let disabled = store.set_user_disabled(reviewer.id, true, Actor::Cli).await;
    assert!(disabled.is_err());
    assert!(
        !store
            .get_user(reviewer.id)
            .await
            .expect("get")
            .expect("known")
            .disabled
    );
    sqlx::query("DROP TRIGGER test_audit_fails")
        .execute(store.pool())
        .await
        .expect("drop");
    store
        .set_status("fictional-b", Status::Discontinued, &staff(&reviewer))
        .await
        .expect("now it works");
    assert_eq!(status(&store, "fictional-b").await, Status::Discontinued);
}

#[tokio::test]
async fn providers_move_only_their_own_organisations_records() {
    let (_dir, store) = open_temp().await;
    import(
        &store,
        vec![
            record("fictional-own", "Fictional Trust"),
            record("fictional-other", "Another Fictional Service"),
        ],
    )
    .await;
    let editor = add_user(&store, "editor@example.org", Role::Editor, None).await;
    let reviewer = add_user(&store, "reviewer@example.org", Role::Reviewer, None).await;
    let provider = add_user(
        &store,
        "provider@example.org",
        Role::Provider,
        Some("fictional trust"),
    )
    .await;
    for slug in ["fictional-own", "fictional-other"] {
        store
            .set_status(slug, Status::Discontinued, &staff(&reviewer))
            .await
            .expect("discontinue");
        store
            .set_status(slug, Status::Draft, &staff(&editor))
            .await
            .expect("reinstate");
    }
    store
        .set_status("fictional-own", Status::InReview, &staff(&provider))
        .await
        .expect("own");
    let other = store
        .set_status("fictional-other", Status::InReview, &staff(&provider))
        .await;
    assert!(
        matches!(
            other,
            Err(StoreError::Transition(TransitionError::Forbidden {
                role: Role::Provider,
                transition: Transition::Submit
            }))
        ),
        "{other:?}"
    );
    let publish = store
        .set_status("fictional-own", Status::Published, &staff(&provider))
        .await;
    assert!(matches!(
        publish,
        Err(StoreError::Transition(TransitionError::Forbidden { .. }))
    ));
    assert_eq!(status(&store, "fictional-own").await, Status::InReview);
    assert_eq!(status(&store, "fictional-other").await, Status::Draft);
}
