//! The bearer token: the one thing between a local process and every org's forges, so it
//! is compared in time independent of where (or whether the lengths) the values differ.

use hyperforge_ops::Secret;
use sha2::{Digest, Sha256};

/// Whether an `Authorization` header value is `Bearer TOKEN`; the scheme is matched in
/// any case (RFC 7235: auth schemes are case-insensitive), the token exactly.
pub fn accepts(token: &Secret, header: Option<&[u8]>) -> bool {
    let Some(given) = header.and_then(bearer) else {
        return false;
    };
    equal(given, token.expose().as_bytes())
}

/// The credential after a `Bearer ` scheme (any case, one space), if that is the scheme.
fn bearer(header: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = header.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"Bearer ").then_some(rest)
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
        assert!(!accepts(&t, Some(b"Bearer  s3cret-token-value")));
        assert!(!accepts(&t, Some(b"Bearer\ts3cret-token-value")));
        assert!(!accepts(&t, Some(b"Basic s3cret-token-value")));
        assert!(!accepts(&t, Some(b"Bearers3cret-token-value")));
        assert!(!accepts(&t, Some(b"Bearer")));
        assert!(!accepts(&t, Some(b"")));
        assert!(!accepts(&t, None));
    }

    #[test]
    fn the_bearer_scheme_is_matched_in_any_case() {
        let t = Secret::new("s3cret-token-value");
        for scheme in ["bearer", "BEARER", "bEaReR"] {
            let header = format!("{scheme} s3cret-token-value");
            assert!(accepts(&t, Some(header.as_bytes())), "{scheme}");
            let wrong = format!("{scheme} S3CRET-TOKEN-VALUE");
            assert!(
                !accepts(&t, Some(wrong.as_bytes())),
                "{scheme}: the token is exact"
            );
        }
    }
}
