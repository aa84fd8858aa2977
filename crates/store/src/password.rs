//! Password hashes: argon2id with the `argon2` crate's default cost (19 MiB of memory, two
//! passes, one lane — OWASP's recommendation), stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), which carry their own parameters, so a
//! later change of cost still verifies old hashes.
//!
//! Hashing costs tens of milliseconds of CPU on purpose: async code should call these
//! functions on a blocking thread (`tokio::task::spawn_blocking`), as [`crate::login`] does.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use preventory_core::accounts::{Password, MAX_PASSWORD_BYTES};
use std::sync::OnceLock;

/// A password could not be hashed (only if the operating system's random generator or the
/// hash itself fails; the message never holds the password).
#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

/// The hasher: argon2id, version 0x13, default cost.
fn argon2() -> Argon2<'static> {
    Argon2::default()
}

/// Hashes a new password with a fresh random salt; returns the PHC string to store.
pub fn hash_password(password: &Password) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `candidate` is the password hashed in `phc`. The hash comparison takes the same
/// time wherever the bytes differ. Any text may be tried (an old password may predate the
/// current policy), but nothing longer than [`MAX_PASSWORD_BYTES`] is hashed. A stored
/// value that is not a PHC string verifies nothing.
pub fn verify_password(phc: &str, candidate: &str) -> bool {
    if candidate.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(hash) => argon2()
            .verify_password(candidate.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// Does the work of [`verify_password`] against a hash of no one's password, and returns
/// nothing: for a sign-in to an account that does not exist (or is disabled), so that its
/// answer takes as long as a wrong password for a real account and timing does not tell
/// which addresses have accounts.
pub fn verify_dummy(candidate: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        let mut secret = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
        let text: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        Password::new(text)
            .ok()
            .and_then(|p| hash_password(&p).ok())
            // Without a random generator nothing else would work either; a fixed, valid
            // PHC string still costs the same to check.
            .unwrap_or_else(|| FALLBACK_DUMMY.to_string())
    });
    let _ = verify_password(phc, candidate);
}

/// A valid argon2id hash of a random password with the default cost, used only if a dummy
/// cannot be made at run time.
const FALLBACK_DUMMY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3eFY6rN8e8n2m1h0bsxOSGnpN3h6rl1sVQ0Rb3Eqgpo";

/// Whether `text` is an argon2 PHC string, as the store requires of every stored hash (so a
/// password in clear can never be stored by mistake).
pub fn is_password_hash(text: &str) -> bool {
    PasswordHash::new(text).is_ok_and(|hash| hash.algorithm.as_str().starts_with("argon2"))
}

/// Whether a stored hash was made with other parameters than today's, so it should be
/// hashed again the next time its password is known (at a successful sign-in).
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let current = argon2::Params::default();
    let params = argon2::Params::try_from(&hash);
    hash.algorithm.as_str() != "argon2id"
        || hash.version != Some(argon2::Version::V0x13.into())
        || params.map_or(true, |p| {
            p.m_cost() != current.m_cost()
                || p.t_cost() != current.t_cost()
                || p.p_cost() != current.p_cost()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(text: &str) -> Password {
        Password::new(text.to_string()).expect("valid password")
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let phc = hash_password(&password("correct horse battery")).expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(!phc.contains("correct horse"));
        assert!(is_password_hash(&phc));
        assert!(!needs_rehash(&phc));
        assert!(verify_password(&phc, "correct horse battery"));
        assert!(!verify_password(&phc, "correct horse batterY"));
        assert!(!verify_password(&phc, ""));
        assert!(!verify_password(&phc, &"x".repeat(MAX_PASSWORD_BYTES + 1)));
        // Salted: the same password hashes differently each time.
        let again = hash_password(&password("correct horse battery")).expect("hash");
        assert_ne!(phc, again);
        assert!(verify_password(&again, "correct horse battery"));
    }

    #[test]
    fn anything_but_a_phc_string_verifies_nothing() {
        assert!(!is_password_hash("correct horse battery"));
        assert!(!is_password_hash(""));
        assert!(!verify_password(
            "correct horse battery",
            "correct horse battery"
        ));
        assert!(is_password_hash(FALLBACK_DUMMY));
        assert!(needs_rehash("nonsense"));
        assert!(needs_rehash(
            "$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$3eFY6rN8e8n2m1h0bsxOSGnpN3h6rl1sVQ0Rb3Eqgpo"
        ));
        // The dummy check runs and matches nothing.
        verify_dummy("correct horse battery");
    }
}
