//! Passwords: Argon2id with the crate's default cost (19 MiB, 2 passes, the
//! OWASP minimum) and a fresh salt each, stored as a PHC string. Hashing
//! takes tens of milliseconds of one core, so it runs on tokio's blocking
//! pool, never on the threads that serve requests.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password accepted (NIST SP 800-63B's minimum for chosen ones).
pub const MIN_LEN: usize = 8;
/// Longest: Argon2 takes any length, but a megabyte "password" is a way to
/// spend the server's time.
pub const MAX_LEN: usize = 1024;

/// Why a password is refused, or nothing.
pub fn check(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(format!("a password needs at least {MIN_LEN} characters"));
    }
    if password.len() > MAX_LEN {
        return Err(format!("a password may have at most {MAX_LEN} bytes"));
    }
    Ok(())
}

pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).expect("Argon2 with default parameters").to_string()
    })
    .await
    .expect("the hashing task")
}

/// Whether `password` is the one `stored` was made from (false for a
/// stored value that is not a PHC string).
pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of no one's password, verified against when the name given at
/// sign-in does not exist: the answer takes as long as for a wrong password,
/// so timing does not tell which names exist.
pub const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0nRzN6ITxjyfMH0zT1WpW9mR1cPdT3ZTCjU3LqQ6/yM";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse".into()).await;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), stored.clone()).await);
        assert!(!verify("correct hors".into(), stored.clone()).await);
        assert!(!verify("anything".into(), "not a hash".into()).await);
        assert!(!verify("anything".into(), DECOY.into()).await);
        assert_ne!(hash("correct horse".into()).await, stored, "every hash has its own salt");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(check("1234567").is_err());
        assert!(check("12345678").is_ok());
        assert!(check("ééééééé").is_err(), "counted in characters");
        assert!(check(&"x".repeat(MAX_LEN + 1)).is_err());
    }
}
