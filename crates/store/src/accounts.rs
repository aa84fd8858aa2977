//! The types of the accounts part of the storage port: staff accounts, sessions, sign-in
//! throttling and the audit log (see the account methods of [`crate::Store`]).

use preventory_core::accounts::{Actor, Email, Role, Staff, UserId};
use preventory_core::audit::AuditAction;
use preventory_core::lifecycle::{Status, Transition};
use serde::Serialize;
use std::fmt;
use std::time::Duration;

/// A staff account as stored, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// The account's number.
    pub id: UserId,
    /// The normalised email address (see [`Email`]).
    pub email: String,
    /// The role.
    pub role: Role,
    /// For a provider, their organisation.
    pub organisation: Option<String>,
    /// A disabled account cannot sign in and has no sessions.
    pub disabled: bool,
    /// When the account was added, RFC 3339 UTC.
    pub created_at: String,
}

impl User {
    /// The account as the permission rules see it.
    pub fn staff(&self) -> Staff {
        Staff {
            id: self.id,
            role: self.role,
            organisation: self.organisation.clone(),
        }
    }
}

/// An account to add. The password arrives already hashed ([`crate::password::hash_password`]):
/// the store refuses anything that is not an argon2 PHC string.
#[derive(Clone)]
pub struct NewUser {
    /// The address, normalised.
    pub email: Email,
    /// The PHC string of the password's hash.
    pub password_hash: String,
    /// The role.
    pub role: Role,
    /// The organisation, required for providers and refused for anyone else.
    pub organisation: Option<String>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("role", &self.role)
            .field("organisation", &self.organisation)
            .finish_non_exhaustive()
    }
}

/// An account with its password hash, for checking a sign-in.
#[derive(Clone)]
pub struct Credentials {
    /// The account.
    pub user: User,
    /// The PHC string of the password's hash.
    pub password_hash: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// From sign-in to the end, however busy the session is.
    pub lifetime: Duration,
    /// Without a request for this long, the session ends. Measured to within
    /// [`SESSION_TOUCH_INTERVAL`].
    pub idle: Duration,
}

impl Default for SessionLimits {
    /// Eight hours at most, thirty minutes idle.
    fn default() -> Self {
        SessionLimits {
            lifetime: Duration::from_secs(8 * 60 * 60),
            idle: Duration::from_secs(30 * 60),
        }
    }
}

/// A session's last use is written at most this often, so that a page with many requests
/// writes once; the idle timeout is therefore this precise.
pub const SESSION_TOUCH_INTERVAL: Duration = Duration::from_secs(60);

/// A session's secret token: 32 bytes from the operating system's random generator, as 64
/// lowercase hex digits. Only its hash is stored; this value exists once, in the answer to
/// [`crate::Store::create_session`], and then in the browser's cookie. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(pub(crate) String);

impl SessionToken {
    /// The token, for the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// A session just made at sign-in.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret for the cookie; shown only here.
    pub token: SessionToken,
    /// The session's CSRF token, to put in every form.
    pub csrf_token: String,
    /// When the session ends at the latest, RFC 3339 UTC.
    pub expires_at: String,
}

/// A live session, found by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose it is, as the account is now (role changes apply at once).
    pub user: User,
    /// The CSRF token every form of this session must carry.
    pub csrf_token: String,
    /// Sign-in time, RFC 3339 UTC.
    pub created_at: String,
    /// Last use as recorded (see [`SESSION_TOUCH_INTERVAL`]), RFC 3339 UTC.
    pub last_seen_at: String,
    /// The end at the latest, RFC 3339 UTC.
    pub expires_at: String,
}

impl Session {
    /// Whether a form's CSRF token is this session's, compared in constant time.
    pub fn csrf_matches(&self, candidate: &str) -> bool {
        constant_time_eq(self.csrf_token.as_bytes(), candidate.as_bytes())
    }
}

/// Equality whose time depends only on the lengths, not on where the bytes differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who is trying to sign in, as the throttle knows them: keyed hashes (BLAKE3 with a secret
/// kept in the store) of the account name as typed and of the client's address. Neither is
/// stored or logged in clear. Made by [`crate::Store::login_keys`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginKeys {
    /// The hash of the normalised account name (whether or not such an account exists).
    pub account: String,
    /// The hash of the client's address.
    pub client: String,
}

/// What came of a sign-in attempt, for [`crate::Store::record_login_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    /// The password was right: the account's failures are forgotten.
    Succeeded(UserId),
    /// The password was wrong, the account unknown or disabled.
    Failed {
        /// The account, when there is one.
        user: Option<UserId>,
        /// Why, for the audit log (admins only).
        reason: FailureReason,
    },
}

/// Why a sign-in failed. Only the audit log sees this; the person signing in is told the same
/// thing whatever the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// The account exists but the password is wrong.
    WrongPassword,
    /// No account has that address.
    UnknownAccount,
    /// The account is disabled.
    Disabled,
}

impl FailureReason {
    /// A stable snake_case name.
    pub fn id(self) -> &'static str {
        match self {
            FailureReason::WrongPassword => "wrong_password",
            FailureReason::UnknownAccount => "unknown_account",
            FailureReason::Disabled => "disabled",
        }
    }
}

/// Failed sign-ins within a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailedAttempts {
    /// Against this account name (since its last successful sign-in).
    pub account: u32,
    /// From this client, whatever the account.
    pub client: u32,
}

/// Failed sign-ins are kept this long, then deleted: the longest throttling window that
/// [`crate::Store::recent_failed_attempts`] can see.
pub const LOGIN_ATTEMPTS_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

/// An event to add to the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: AuditAction,
    /// To what: `user:12`, `intervention:slug`, … (see [`preventory_core::audit`]).
    pub subject: String,
    /// Particulars, as a JSON object. Never a password or a token.
    pub detail: serde_json::Value,
}

/// An event of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Grows with every event.
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who (`user:12`, `cli`, `import`, `anonymous`).
    pub actor: Actor,
    /// What: an [`AuditAction`] id (kept as text, so events of a newer version still read).
    pub action: String,
    /// To what.
    pub subject: String,
    /// Particulars.
    pub detail: serde_json::Value,
}

/// Which audit events to read, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only events of this kind.
    pub action: Option<AuditAction>,
    /// Only events by this actor.
    pub actor: Option<Actor>,
    /// Only events about this subject.
    pub subject: Option<String>,
    /// Only events with a larger id (the cursor of an oldest-first walk).
    pub after_id: Option<i64>,
    /// Only events with a smaller id (the cursor of a newest-first walk).
    pub before_id: Option<i64>,
    /// Oldest first (for an export) instead of newest first (for reading).
    pub oldest_first: bool,
    /// At most this many events (at most [`MAX_AUDIT_PAGE`]).
    pub limit: usize,
}

/// The most events one [`crate::Store::list_audit`] call returns.
pub const MAX_AUDIT_PAGE: usize = 10_000;

impl Default for AuditQuery {
    /// The newest 100 events of any kind.
    fn default() -> Self {
        AuditQuery {
            action: None,
            actor: None,
            subject: None,
            after_id: None,
            before_id: None,
            oldest_first: false,
            limit: 100,
        }
    }
}

/// A record's place in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecordState {
    /// The status.
    pub status: Status,
    /// The account that last changed its content, if an account did.
    pub last_author: Option<UserId>,
}

/// What [`crate::Store::set_status`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// The lifecycle step taken.
    pub transition: Transition,
    /// The id of the audit event written with it.
    pub audit_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let token = SessionToken("abcdef0123".to_string());
        assert_eq!(format!("{token:?}"), "SessionToken(<redacted>)");
        let user = NewUser {
            email: Email::parse("a@example.org").expect("email"),
            password_hash: "$argon2id$secret-hash".to_string(),
            role: Role::Editor,
            organisation: None,
        };
        assert!(!format!("{user:?}").contains("secret-hash"));
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
