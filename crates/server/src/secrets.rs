//! Secrets handed out (session cookies, API tokens, invitation links, CSRF
//! tokens): 32 random bytes from the operating system, as 64 hex digits.
//! Only their SHA-256 is stored, so a copy of the database signs no one in.

use sha2::{Digest, Sha256};

/// A fresh secret.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
}

/// What the store keeps of a secret.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_and_only_their_digest_is_kept() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(digest(&a), a);
        assert_eq!(digest(&a), digest(&a));
        assert!(same(&a, &a.clone()) && !same(&a, &b) && !same(&a, &a[..63]));
    }
}
