//! Failed sign-ins, counted per account name and per client for throttling.

use super::secrets::{keyed, throttle_key};
use super::{audit, clock};
use crate::accounts::{
    FailedAttempts, LoginKeys, LoginOutcome, NewAuditEntry, LOGIN_ATTEMPTS_KEPT,
};
use crate::StoreError;
use preventory_core::accounts::Actor;
use preventory_core::audit::{user_subject, AuditAction, LOGIN_SUBJECT};
use serde_json::json;
use sqlx::SqlitePool;
use std::time::Duration;

/// How much of a key the audit log shows: enough to see that attempts came from one client
/// or went to one account name, not the whole hash.
const KEY_PREFIX: usize = 12;

pub(super) async fn login_keys(
    pool: &SqlitePool,
    account: &str,
    client: &str,
) -> Result<LoginKeys, StoreError> {
    let key = throttle_key(pool).await?;
    Ok(LoginKeys {
        account: keyed(&key, "account", &account.trim().to_lowercase()),
        client: keyed(&key, "client", client),
    })
}

pub(super) async fn record_login_attempt(
    pool: &SqlitePool,
    keys: &LoginKeys,
    outcome: LoginOutcome,
) -> Result<(), StoreError> {
    let now = clock::now();
    let at = clock::format(now)?;
    let oldest_kept = clock::format(clock::before(now, LOGIN_ATTEMPTS_KEPT))?;
    let client = &keys.client[..KEY_PREFIX.min(keys.client.len())];
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let entry = match outcome {
        LoginOutcome::Succeeded(user) => {
            sqlx::query("DELETE FROM login_attempts WHERE account_key = ?")
                .bind(&keys.account)
                .execute(&mut *tx)
                .await?;
            NewAuditEntry {
                actor: Actor::User(user),
                action: AuditAction::LoginSucceeded,
                subject: user_subject(user),
                detail: json!({ "client": client }),
            }
        }
        LoginOutcome::Failed { user, reason } => {
            sqlx::query(
                "INSERT INTO login_attempts (at, account_key, client_key) VALUES (?, ?, ?)",
            )
            .bind(&at)
            .bind(&keys.account)
            .bind(&keys.client)
            .execute(&mut *tx)
            .await?;
            NewAuditEntry {
                actor: Actor::Anonymous,
                action: AuditAction::LoginFailed,
                subject: user.map_or_else(|| LOGIN_SUBJECT.to_string(), user_subject),
                detail: json!({
                    "reason": reason.id(),
                    "account": &keys.account[..KEY_PREFIX.min(keys.account.len())],
                    "client": client,
                }),
            }
        }
    };
    sqlx::query("DELETE FROM login_attempts WHERE at < ?")
        .bind(&oldest_kept)
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, &entry, &at).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn recent_failed_attempts(
    pool: &SqlitePool,
    keys: &LoginKeys,
    window: Duration,
) -> Result<FailedAttempts, StoreError> {
    let since = clock::format(clock::before(clock::now(), window.min(LOGIN_ATTEMPTS_KEPT)))?;
    let (account, client): (i64, i64) = sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM login_attempts WHERE account_key = ? AND at > ?), \
         (SELECT COUNT(*) FROM login_attempts WHERE client_key = ? AND at > ?)",
    )
    .bind(&keys.account)
    .bind(&since)
    .bind(&keys.client)
    .bind(&since)
    .fetch_one(pool)
    .await?;
    Ok(FailedAttempts {
        account: u32::try_from(account).unwrap_or(u32::MAX),
        client: u32::try_from(client).unwrap_or(u32::MAX),
    })
}
