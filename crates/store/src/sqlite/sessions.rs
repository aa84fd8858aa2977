//! Sessions: a random token handed out once, stored only as its hash, ended by its lifetime,
//! by idleness, at sign-out, or when its account is disabled or its password changes.

use super::secrets::{random_token, token_hash};
use super::{clock, users};
use crate::accounts::{NewSession, Session, SessionLimits, SessionToken, SESSION_TOUCH_INTERVAL};
use crate::StoreError;
use preventory_core::accounts::UserId;
use sqlx::{Row, SqlitePool};
use std::time::Duration;

/// Longest token looked up: anything longer is not one of ours and is not even hashed.
const MAX_TOKEN_LEN: usize = 256;

pub(super) async fn create_session(
    pool: &SqlitePool,
    user: UserId,
    limits: SessionLimits,
    replaces: Option<&str>,
) -> Result<NewSession, StoreError> {
    let token = random_token();
    let csrf_token = random_token();
    let now = clock::now();
    let at = clock::format(now)?;
    let expires_at = clock::format(clock::after(now, limits.lifetime))?;
    let idle = i64::try_from(limits.idle.as_secs().max(1)).unwrap_or(i64::MAX);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let disabled: Option<bool> = sqlx::query_scalar("SELECT disabled FROM users WHERE id = ?")
        .bind(user.0)
        .fetch_optional(&mut *tx)
        .await?;
    match disabled {
        None => return Err(StoreError::UnknownUser(user)),
        Some(true) => return Err(StoreError::UserDisabled(user)),
        Some(false) => {}
    }
    // Rotation: the session the browser had before signing in (if any) ends here, so a token
    // planted before sign-in is worth nothing after it.
    if let Some(old) = replaces.filter(|t| t.len() <= MAX_TOKEN_LEN) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash(old))
            .execute(&mut *tx)
            .await?;
    }
    // Housekeeping: sessions past their lifetime, whoever's they are.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, \
         expires_at, idle_timeout_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(user.0)
    .bind(&csrf_token)
    .bind(&at)
    .bind(&at)
    .bind(&expires_at)
    .bind(idle)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        token: SessionToken(token),
        csrf_token,
        expires_at,
    })
}

pub(super) async fn session_by_token(
    pool: &SqlitePool,
    token: &str,
) -> Result<Option<Session>, StoreError> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Ok(None);
    }
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.expires_at, \
         s.idle_timeout_seconds, u.id, u.email, u.role, u.organisation, u.disabled, u.created_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
    )
    .bind(&hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let user = users::user_row(&row)?;
    let last_seen_at: String = row.try_get("last_seen_at")?;
    let expires_at: String = row.try_get("expires_at")?;
    let idle: i64 = row.try_get("idle_timeout_seconds")?;
    let now = clock::now();
    let idle = Duration::from_secs(u64::try_from(idle).unwrap_or(0));
    // A timestamp that does not parse counts as long past: the session ends.
    let last_seen = clock::parse(&last_seen_at);
    let alive = !user.disabled
        && clock::parse(&expires_at).is_some_and(|end| now < end)
        && last_seen.is_some_and(|seen| now < clock::after(seen, idle));
    if !alive {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(&hash)
            .execute(pool)
            .await?;
        return Ok(None);
    }
    let mut session = Session {
        user,
        csrf_token: row.try_get("csrf_token")?,
        created_at: row.try_get("session_created_at")?,
        last_seen_at,
        expires_at,
    };
    if last_seen.is_some_and(|seen| now >= clock::after(seen, SESSION_TOUCH_INTERVAL)) {
        let at = clock::format(now)?;
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(&at)
            .bind(&hash)
            .execute(pool)
            .await?;
        session.last_seen_at = at;
    }
    Ok(Some(session))
}

pub(super) async fn delete_session(pool: &SqlitePool, token: &str) -> Result<bool, StoreError> {
    if token.len() > MAX_TOKEN_LEN {
        return Ok(false);
    }
    let done = sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash(token))
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub(super) async fn delete_user_sessions(
    pool: &SqlitePool,
    user: UserId,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user.0)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
