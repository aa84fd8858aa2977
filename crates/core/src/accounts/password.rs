//! The password policy. Hashing is the store's business; this only decides what is accepted.

use std::fmt;

/// Fewest characters (Unicode scalar values) a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Most bytes a password may have: enough for any passphrase, and a bound on the work a
/// sign-in attempt can ask of the password hash.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a new password was refused. The messages never quote the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("the password is too short: it must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// More than [`MAX_PASSWORD_BYTES`] bytes.
    #[error("the password is too long: it may have at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
}

/// A new password that meets the policy.
///
/// It has no `Display`, no serde, and its `Debug` shows nothing of it, so it cannot end up in
/// a log line, an error message or a JSON body by accident; [`Password::expose`] is the one
/// way to the text, for the hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a new password against the policy.
    pub fn new(text: String) -> Result<Password, PasswordError> {
        check(&text)?;
        Ok(Password(text))
    }

    /// The password's text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Checks a new password's text against the policy without keeping it.
pub fn check(text: &str) -> Result<(), PasswordError> {
    if text.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if text.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    Ok(())
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_counts_characters_and_caps_bytes() {
        let cases: [(String, Result<(), PasswordError>); 8] = [
            (String::new(), Err(PasswordError::TooShort)),
            ("a".repeat(11), Err(PasswordError::TooShort)),
            ("a".repeat(12), Ok(())),
            // Twelve characters of two bytes each: characters count, not bytes.
            ("é".repeat(11), Err(PasswordError::TooShort)),
            ("é".repeat(12), Ok(())),
            ("correct horse battery staple".to_string(), Ok(())),
            ("a".repeat(MAX_PASSWORD_BYTES), Ok(())),
            (
                "a".repeat(MAX_PASSWORD_BYTES + 1),
                Err(PasswordError::TooLong),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(check(&text), expected, "{} bytes", text.len());
            assert_eq!(Password::new(text).map(|_| ()), expected);
        }
    }

    #[test]
    fn debug_and_errors_never_show_the_password() {
        let password = Password::new("hunter2hunter2-secret".to_string()).expect("valid");
        assert_eq!(format!("{password:?}"), "Password(<redacted>)");
        assert_eq!(password.expose(), "hunter2hunter2-secret");
        let error = Password::new("xyzzy".to_string()).expect_err("too short");
        assert!(!error.to_string().contains("xyzzy"), "{error}");
        assert!(error.to_string().contains("12"));
    }
}
