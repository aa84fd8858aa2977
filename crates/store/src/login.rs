//! Signing in, in one place for every front end: throttle per account name and per client,
//! check the password in the same time whether or not the account exists, record the attempt
//! (and its audit event), and start a rotated session.
//!
//! The answer tells the caller only [`SignIn::Success`], [`SignIn::Failed`] or
//! [`SignIn::Throttled`]: why a sign-in failed is for the audit log, never for the person
//! signing in.

use crate::accounts::{FailureReason, LoginOutcome, NewSession, SessionLimits, User};
use crate::password::{verify_dummy, verify_password};
use crate::{Store, StoreError};
use preventory_core::accounts::Email;
use std::fmt;
use std::time::Duration;

/// How many failed sign-ins are tolerated, and over how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// The window failures are counted in (at most [`crate::accounts::LOGIN_ATTEMPTS_KEPT`]).
    pub window: Duration,
    /// Failures for one account name within the window after which it is refused.
    pub max_account_failures: u32,
    /// Failures from one client within the window after which it is refused, whatever
    /// the account (higher: several staff may share an office's address).
    pub max_client_failures: u32,
}

impl Default for ThrottlePolicy {
    /// Five failures per account name or twenty per client in fifteen minutes.
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::from_secs(15 * 60),
            max_account_failures: 5,
            max_client_failures: 20,
        }
    }
}

/// A sign-in as it arrives from a form.
#[derive(Clone, Copy)]
pub struct SignInAttempt<'a> {
    /// The address as typed.
    pub email: &'a str,
    /// The password as typed.
    pub password: &'a str,
    /// The client's address (or whatever identifies the client to the front end); only its
    /// keyed hash is kept.
    pub client: &'a str,
    /// The session token the browser already held, if any: it ends (rotation).
    pub previous_token: Option<&'a str>,
}

impl fmt::Debug for SignInAttempt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignInAttempt(<redacted>)")
    }
}

/// What came of a sign-in.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: set the session's cookie.
    Success {
        /// The account.
        user: User,
        /// The new session.
        session: NewSession,
    },
    /// Wrong address or password, or a disabled account: one message for all.
    Failed,
    /// Too many failures for this account name or from this client lately; nothing was
    /// checked. Tell the person to wait, in words that do not say whether the account exists.
    Throttled,
}

/// Signs in; see the module's documentation. The password hash is checked on a blocking
/// thread.
pub async fn sign_in(
    store: &dyn Store,
    attempt: SignInAttempt<'_>,
    policy: &ThrottlePolicy,
    limits: SessionLimits,
) -> Result<SignIn, StoreError> {
    let keys = store.login_keys(attempt.email, attempt.client).await?;
    let failed = store.recent_failed_attempts(&keys, policy.window).await?;
    if failed.account >= policy.max_account_failures || failed.client >= policy.max_client_failures
    {
        return Ok(SignIn::Throttled);
    }
    let credentials = match Email::parse(attempt.email) {
        Ok(email) => store.credentials(&email).await?,
        Err(_) => None,
    };
    let password = attempt.password.to_string();
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    // A disabled account's password is checked all the same, so that its answer takes as long
    // as any other; a panic in the hash counts as a wrong password.
    let right = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_password(&hash, &password),
        None => {
            verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    let outcome = match &credentials {
        None => LoginOutcome::Failed {
            user: None,
            reason: FailureReason::UnknownAccount,
        },
        Some(c) if c.user.disabled => LoginOutcome::Failed {
            user: Some(c.user.id),
            reason: FailureReason::Disabled,
        },
        Some(c) if !right => LoginOutcome::Failed {
            user: Some(c.user.id),
            reason: FailureReason::WrongPassword,
        },
        Some(c) => LoginOutcome::Succeeded(c.user.id),
    };
    store.record_login_attempt(&keys, outcome).await?;
    match (outcome, credentials) {
        (LoginOutcome::Succeeded(id), Some(c)) => {
            let session = store
                .create_session(id, limits, attempt.previous_token)
                .await?;
            Ok(SignIn::Success {
                user: c.user,
                session,
            })
        }
        _ => Ok(SignIn::Failed),
    }
}
