//! Staff accounts as the rules see them: who someone is ([`UserId`], [`Actor`]), what their
//! [`Role`] lets them do ([`Permission`], [`Staff`]), and the checks on what they type
//! ([`Email`], [`Password`]).
//!
//! Pure: hashing passwords, sessions and storing accounts belong to the store.

mod email;
mod password;
mod role;

pub use email::{Email, EmailError, MAX_EMAIL_BYTES};
pub use password::{
    check as check_password, Password, PasswordError, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS,
};
pub use role::{
    role_organisation, same_organisation, EditRight, Permission, Role, RoleError, Staff,
    MAX_ORGANISATION_CHARS,
};

use serde::{Serialize, Serializer};
use std::fmt;

/// The store's number for a staff account. Never reused: accounts are disabled, not deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Who did something, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A signed-in staff member.
    User(UserId),
    /// Someone at the server's terminal, through the `preventory` command.
    Cli,
    /// An import of records from files.
    Import,
    /// Someone not signed in: a failed sign-in, a public submission.
    Anonymous,
}

impl Actor {
    /// The kind of actor as stored: `user`, `cli`, `import` or `anonymous`.
    pub fn kind(self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Cli => "cli",
            Actor::Import => "import",
            Actor::Anonymous => "anonymous",
        }
    }

    /// The account, for [`Actor::User`].
    pub fn user_id(self) -> Option<UserId> {
        match self {
            Actor::User(id) => Some(id),
            _ => None,
        }
    }

    /// The actor from its stored parts ([`Actor::kind`] and [`Actor::user_id`]); `None` when
    /// they do not fit together.
    pub fn from_parts(kind: &str, user: Option<UserId>) -> Option<Actor> {
        match (kind, user) {
            ("user", Some(id)) => Some(Actor::User(id)),
            ("cli", None) => Some(Actor::Cli),
            ("import", None) => Some(Actor::Import),
            ("anonymous", None) => Some(Actor::Anonymous),
            _ => None,
        }
    }
}

/// `user:12`, `cli`, `import` or `anonymous`.
impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            other => f.write_str(other.kind()),
        }
    }
}

/// Serialised as its [`Display`](fmt::Display) form.
impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_round_trip_through_their_stored_parts() {
        for actor in [
            Actor::User(UserId(7)),
            Actor::Cli,
            Actor::Import,
            Actor::Anonymous,
        ] {
            assert_eq!(
                Actor::from_parts(actor.kind(), actor.user_id()),
                Some(actor)
            );
        }
        assert_eq!(Actor::from_parts("user", None), None);
        assert_eq!(Actor::from_parts("cli", Some(UserId(1))), None);
        assert_eq!(Actor::from_parts("robot", None), None);
        assert_eq!(Actor::User(UserId(12)).to_string(), "user:12");
        assert_eq!(Actor::Cli.to_string(), "cli");
    }
}
