//! Random tokens, their hashes, and the store's own secret keys.

use crate::StoreError;
use rand::RngCore;
use sqlx::SqlitePool;

/// Bytes of randomness in a session token and a CSRF token.
pub(super) const TOKEN_BYTES: usize = 32;

/// Lowercase hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    text
}

/// The bytes of a hex text, if it is one of exactly `N` bytes.
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut bytes = [0u8; N];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        bytes[i] = u8::try_from(high * 16 + low).ok()?;
    }
    Some(bytes)
}

/// `TOKEN_BYTES` bytes from the operating system's random generator, as hex.
pub(super) fn random_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What is stored of a session token: its BLAKE3 hash, as hex. A fast hash is right here:
/// the token has 256 random bits, so there is nothing to guess.
pub(super) fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// The name of the key of the sign-in throttle's hashes in the `secrets` table.
const THROTTLE_KEY: &str = "login_throttle_key";

/// The key of the sign-in throttle's hashes, made on first use.
pub(super) async fn throttle_key(pool: &SqlitePool) -> Result<[u8; 32], StoreError> {
    let stored: Option<String> = sqlx::query_scalar("SELECT value FROM secrets WHERE name = ?")
        .bind(THROTTLE_KEY)
        .fetch_optional(pool)
        .await?;
    let text = match stored {
        Some(text) => text,
        None => {
            // Two processes may get here at once: the first insert wins and both read it.
            sqlx::query(
                "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            )
            .bind(THROTTLE_KEY)
            .bind(random_token())
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT value FROM secrets WHERE name = ?")
                .bind(THROTTLE_KEY)
                .fetch_one(pool)
                .await?
        }
    };
    unhex::<32>(&text).ok_or_else(|| StoreError::Corrupt {
        slug: format!("secrets:{THROTTLE_KEY}"),
        message: "not 32 bytes of hex".to_string(),
    })
}

/// A keyed hash of `text` in the domain `purpose`, as hex.
pub(super) fn keyed(key: &[u8; 32], purpose: &str, text: &str) -> String {
    let mut hasher = blake3::Hasher::new_keyed(key);
    hasher.update(purpose.as_bytes());
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.finalize().to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = hex(&bytes[..32]);
        assert_eq!(&text[..6], "000102");
        assert_eq!(
            unhex::<32>(&text).map(|b| b.to_vec()),
            Some(bytes[..32].to_vec())
        );
        assert_eq!(unhex::<2>("zz00"), None);
        assert_eq!(unhex::<2>("000"), None);
        assert_eq!(hex(&[0xab, 0x0f]), "ab0f");
    }

    #[test]
    fn tokens_are_random_and_hashes_differ_from_them() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_purpose() {
        let k1 = [1u8; 32];
        let k2 = [2u8; 32];
        assert_ne!(keyed(&k1, "client", "x"), keyed(&k2, "client", "x"));
        assert_ne!(keyed(&k1, "client", "x"), keyed(&k1, "account", "x"));
        assert_eq!(keyed(&k1, "client", "x"), keyed(&k1, "client", "x"));
    }
}
