//! Digests, state ids and the input a step applies to.

use std::fmt;
use std::str::FromStr;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The digest with these bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        s
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl FromStr for Digest {
    type Err = String;

    /// 64 hex digits, either case.
    fn from_str(s: &str) -> Result<Self, String> {
        let bytes = s.as_bytes();
        if bytes.len() != 64 {
            return Err(format!(
                "expected 64 hex digits, found {} characters",
                s.chars().count()
            ));
        }
        let digit = |c: u8| -> Result<u8, String> {
            match c {
                b'0'..=b'9' => Ok(c - b'0'),
                b'a'..=b'f' => Ok(c - b'a' + 10),
                b'A'..=b'F' => Ok(c - b'A' + 10),
                _ => Err(format!(
                    "`{}` is not a hex digit",
                    char::from(c).escape_default()
                )),
            }
        };
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
        }
        Ok(Self(out))
    }
}

/// The id of a state: the digest of its parent and of everything its step applied.
pub type StateId = Digest;

/// What a step applies to: the initialised base of one PostgreSQL build, or a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputRef {
    /// A base, named by what identifies it (the PostgreSQL version and initdb settings for
    /// the native runtime, an image digest for containers).
    Base(String),
    /// An earlier state.
    State(StateId),
}

impl InputRef {
    /// `image`/`state`, as on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Base(_) => "image",
            Self::State(_) => "state",
        }
    }

    /// The id as on the wire.
    pub fn id(&self) -> String {
        match self {
            Self::Base(b) => b.clone(),
            Self::State(s) => s.to_hex(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        let d = Digest::from_bytes([0xab; 32]);
        assert_eq!(d.to_hex().len(), 64);
        assert_eq!(d.to_hex().parse::<Digest>().unwrap(), d);
        assert_eq!(d.to_hex().to_uppercase().parse::<Digest>().unwrap(), d);
        assert!(
            "ab".parse::<Digest>()
                .unwrap_err()
                .contains("64 hex digits")
        );
        let bad = format!("{}g", "a".repeat(63));
        assert!(bad.parse::<Digest>().unwrap_err().contains("`g`"));
    }
}
