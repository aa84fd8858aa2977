//! Email addresses of staff accounts: normalised so that one address is one account.

use serde::{Serialize, Serializer};
use std::fmt;

/// Longest address accepted, in bytes (the limit of SMTP paths).
pub const MAX_EMAIL_BYTES: usize = 254;

/// Longest local part (before the `@`), in bytes.
const MAX_LOCAL_BYTES: usize = 64;

/// Why an address was refused. Messages are written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but white space.
    #[error("the email address is empty")]
    Empty,
    /// Longer than [`MAX_EMAIL_BYTES`], or a local part longer than 64 bytes.
    #[error("the email address is too long")]
    TooLong,
    /// Not of the form `name@domain.example`.
    #[error("{0:?} is not an email address (name@domain.example)")]
    Malformed(String),
}

/// A normalised email address: trimmed and lower-cased, one `@`, a domain with a dot, no
/// white space or control characters. Two spellings of one address that differ only in case
/// are the same [`Email`], so they are the same account.
///
/// Lower-casing the local part is, strictly, more than RFC 5321 allows, but no mail system a
/// service's staff use tells case apart, and one account per address matters more.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Checks and normalises an address as typed.
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        let normalised = trimmed.to_lowercase();
        if normalised.len() > MAX_EMAIL_BYTES {
            return Err(EmailError::TooLong);
        }
        let malformed = || EmailError::Malformed(trimmed.to_string());
        if normalised
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','))
        {
            return Err(malformed());
        }
        let Some((local, domain)) = normalised.split_once('@') else {
            return Err(malformed());
        };
        if local.len() > MAX_LOCAL_BYTES {
            return Err(EmailError::TooLong);
        }
        let local_ok = !local.is_empty()
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = !domain.contains('@')
            && labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(malformed());
        }
        Ok(Email(normalised))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let cases = [
            ("alice@example.org", "alice@example.org"),
            ("  Alice@Example.ORG \n", "alice@example.org"),
            ("a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk"),
            ("ÉVA@exämple.de", "éva@exämple.de"),
            ("x@a-b.example", "x@a-b.example"),
        ];
        for (typed, normalised) in cases {
            assert_eq!(
                Email::parse(typed).map(|e| e.to_string()),
                Ok(normalised.to_string()),
                "{typed:?}"
            );
        }
        assert_eq!(
            Email::parse("Bob@Example.org"),
            Email::parse("bob@EXAMPLE.org")
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        for typed in [
            "alice",
            "alice@",
            "@example.org",
            "alice@example",
            "alice@@example.org",
            "al ice@example.org",
            "alice@exa mple.org",
            "alice@example..org",
            "alice@.example.org",
            "alice@example.org.",
            "alice@-example.org",
            ".alice@example.org",
            "alice.@example.org",
            "al..ice@example.org",
            "alice@exam_ple.org",
            "alice\u{0}@example.org",
            "alice@example.org\u{7}",
            "<alice@example.org>",
            "\"alice\"@example.org",
            "alice@example.org, bob@example.org",
        ] {
            assert!(
                matches!(Email::parse(typed), Err(EmailError::Malformed(_))),
                "{typed:?} was accepted"
            );
        }
        let long_local = format!("{}@example.org", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::TooLong));
        let long = format!("a@{}.org", "b".repeat(260));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let longest = format!("{}@{}.org", "a".repeat(64), "b".repeat(185));
        assert_eq!(longest.len(), MAX_EMAIL_BYTES);
        assert!(Email::parse(&longest).is_ok());
    }
}
