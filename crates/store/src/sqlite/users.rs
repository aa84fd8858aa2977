//! Staff accounts. Every change writes its audit event in the same transaction.

use super::{audit, clock};
use crate::accounts::{Credentials, NewAuditEntry, NewUser, User};
use crate::password::is_password_hash;
use crate::StoreError;
use preventory_core::accounts::{role_organisation, Actor, Email, Role, UserId};
use preventory_core::audit::{user_subject, AuditAction};
use preventory_core::vocab::Vocabulary;
use serde_json::json;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, SqlitePool};

/// The columns of [`User`], for `SELECT {USER_COLUMNS} FROM users`.
pub(super) const USER_COLUMNS: &str = "id, email, role, organisation, disabled, created_at";

/// A row with [`USER_COLUMNS`] (under those names).
pub(super) fn user_row(row: &SqliteRow) -> Result<User, StoreError> {
    let id: i64 = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    Ok(User {
        id: UserId(id),
        email: row.try_get("email")?,
        role: Role::from_id(&role).ok_or_else(|| StoreError::Corrupt {
            slug: user_subject(UserId(id)),
            message: format!("unknown role {role:?}"),
        })?,
        organisation: row.try_get("organisation")?,
        disabled: row.try_get("disabled")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn user_by_id(conn: &mut SqliteConnection, id: UserId) -> Result<User, StoreError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::UnknownUser(id))?;
    user_row(&row)
}

/// Enabled admins other than `id`.
async fn other_admins(conn: &mut SqliteConnection, id: UserId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?)
}

fn check_hash(password_hash: &str) -> Result<(), StoreError> {
    if is_password_hash(password_hash) {
        Ok(())
    } else {
        Err(StoreError::NotAPasswordHash)
    }
}

pub(super) async fn create_user(
    pool: &SqlitePool,
    new: &NewUser,
    by: Actor,
) -> Result<User, StoreError> {
    let organisation = role_organisation(new.role, new.organisation.as_deref())?;
    check_hash(&new.password_hash)?;
    let at = clock::format(clock::now())?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = lower(?)")
            .bind(new.email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(StoreError::EmailTaken(new.email.to_string()));
    }
    let row = sqlx::query(&format!(
        "INSERT INTO users (email, password_hash, role, organisation, disabled, created_at) \
         VALUES (?, ?, ?, ?, 0, ?) RETURNING {USER_COLUMNS}"
    ))
    .bind(new.email.as_str())
    .bind(&new.password_hash)
    .bind(new.role.id())
    .bind(organisation.as_deref())
    .bind(&at)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match e {
        // The unique index is the last word should another writer have got in first.
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::EmailTaken(new.email.to_string())
        }
        other => StoreError::Database(other),
    })?;
    let user = user_row(&row)?;
    let entry = NewAuditEntry {
        actor: by,
        action: AuditAction::UserCreated,
        subject: user_subject(user.id),
        detail: json!({
            "email": user.email,
            "role": user.role.id(),
            "organisation": user.organisation,
        }),
    };
    audit::append(&mut tx, &entry, &at).await?;
    tx.commit().await?;
    Ok(user)
}

pub(super) async fn find_user_by_email(
    pool: &SqlitePool,
    email: &Email,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower(?)"
    ))
    .bind(email.as_str())
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(user_row).transpose()
}

pub(super) async fn credentials(
    pool: &SqlitePool,
    email: &Email,
) -> Result<Option<Credentials>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE lower(email) = lower(?)"
    ))
    .bind(email.as_str())
    .fetch_optional(pool)
    .await?;
    row.as_ref()
        .map(|row| {
            Ok(Credentials {
                user: user_row(row)?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
}

pub(super) async fn get_user(pool: &SqlitePool, id: UserId) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id.0)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_row).transpose()
}

pub(super) async fn list_users(pool: &SqlitePool) -> Result<Vec<User>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY email, id"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_row).collect()
}

pub(super) async fn set_user_disabled(
    pool: &SqlitePool,
    id: UserId,
    disabled: bool,
    by: Actor,
) -> Result<User, StoreError> {
    let at = clock::format(clock::now())?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let user = user_by_id(&mut tx, id).await?;
    if user.disabled == disabled {
        return Ok(user);
    }
    if disabled && user.role == Role::Admin && other_admins(&mut tx, id).await? == 0 {
        return Err(StoreError::LastAdmin);
    }
    sqlx::query("UPDATE users SET disabled = ? WHERE id = ?")
        .bind(disabled)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    let mut ended = 0;
    if disabled {
        ended = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    let entry = NewAuditEntry {
        actor: by,
        action: if disabled {
            AuditAction::UserDisabled
        } else {
            AuditAction::UserEnabled
        },
        subject: user_subject(id),
        detail: if disabled {
            json!({ "sessions_ended": ended })
        } else {
            json!({})
        },
    };
    audit::append(&mut tx, &entry, &at).await?;
    let user = user_by_id(&mut tx, id).await?;
    tx.commit().await?;
    Ok(user)
}

pub(super) async fn set_user_role(
    pool: &SqlitePool,
    id: UserId,
    role: Role,
    organisation: Option<&str>,
    by: Actor,
) -> Result<User, StoreError> {
    let organisation = role_organisation(role, organisation)?;
    let at = clock::format(clock::now())?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let user = user_by_id(&mut tx, id).await?;
    if user.role == role && user.organisation == organisation {
        return Ok(user);
    }
    if user.role == Role::Admin
        && role != Role::Admin
        && !user.disabled
        && other_admins(&mut tx, id).await? == 0
    {
        return Err(StoreError::LastAdmin);
    }
    sqlx::query("UPDATE users SET role = ?, organisation = ? WHERE id = ?")
        .bind(role.id())
        .bind(organisation.as_deref())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    let entry = NewAuditEntry {
        actor: by,
        action: AuditAction::UserRoleChanged,
        subject: user_subject(id),
        detail: json!({
            "from": user.role.id(),
            "to": role.id(),
            "organisation_from": user.organisation,
            "organisation_to": organisation,
        }),
    };
    audit::append(&mut tx, &entry, &at).await?;
    let user = user_by_id(&mut tx, id).await?;
    tx.commit().await?;
    Ok(user)
}

pub(super) async fn set_password_hash(
    pool: &SqlitePool,
    id: UserId,
    password_hash: &str,
    by: Actor,
) -> Result<(), StoreError> {
    check_hash(password_hash)?;
    let at = clock::format(clock::now())?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    user_by_id(&mut tx, id).await?;
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let entry = NewAuditEntry {
        actor: by,
        action: AuditAction::PasswordChanged,
        subject: user_subject(id),
        detail: json!({ "sessions_ended": ended }),
    };
    audit::append(&mut tx, &entry, &at).await?;
    tx.commit().await?;
    Ok(())
}
