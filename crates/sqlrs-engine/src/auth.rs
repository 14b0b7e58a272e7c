//! The bearer token.

use std::io::Read as _;

/// A random 256-bit token, as 64 hex digits.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// A fresh token from the kernel's random source.
    pub fn generate() -> std::io::Result<Self> {
        let mut bytes = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok(Self(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether an `Authorization` header value is `Bearer <this token>`.
    pub fn accepts(&self, header: Option<&str>) -> bool {
        header
            .and_then(|h| h.strip_prefix("Bearer "))
            .is_some_and(|given| tokens_equal(given.as_bytes(), self.0.as_bytes()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Compares in time that depends only on the lengths, never on where the bytes differ.
pub fn tokens_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_is_accepted() {
        let t = Token::generate().unwrap();
        assert_eq!(t.as_str().len(), 64);
        assert!(t.accepts(Some(&format!("Bearer {}", t.as_str()))));
        assert!(!t.accepts(Some(t.as_str())));
        assert!(!t.accepts(Some("Bearer x")));
        assert!(!t.accepts(None));
        assert!(!format!("{t:?}").contains(t.as_str()));
    }
}
