//! The bearer token: the one thing between a local process and every org's forges, so it
//! is compared in time independent of where (or whether the lengths) the values differ.

use hyperforge_ops::Secret;
use sha2::{Digest, Sha256};

/// Whether an `Authorization` header value is `Bearer <token>`.
pub fn accepts(token: &Secret, header: Option<&[u8]>) -> bool {
    let Some(given) = header.and_then(|h| h.strip_prefix(b"Bearer ")) else {
        return false;
    };
    equal(given, token.expose().as_bytes())
}

/// Compares SHA-256 digests byte by byte without an early exit: the time depends neither
/// on the first differing byte nor on the lengths.
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    let (da, db) = (Sha256::digest(a), Sha256::digest(b));
    da.iter()
        .zip(db.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_is_accepted() {
        let t = Secret::new("s3cret-token-value");
        assert!(accepts(&t, Some(b"Bearer s3cret-token-value")));
        assert!(!accepts(&t, Some(b"s3cret-token-value")));
        assert!(!accepts(&t, Some(b"Bearer s3cret-token-valu")));
        assert!(!accepts(&t, Some(b"Bearer s3cret-token-value ")));
        assert!(!accepts(&t, Some(b"bearer s3cret-token-value")));
        assert!(!accepts(&t, None));
    }
}
