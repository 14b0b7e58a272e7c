//! Id formats: 64 hex digits for a state (a content hash), 32 for a job or an instance
//! (random), and the prefixes a user may type for states and instances.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError(pub String);

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdError {}

fn hex_of_len(s: &str, len: usize, what: &str) -> Result<String, IdError> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        let shown: String = s.chars().take(80).flat_map(char::escape_default).collect();
        return Err(IdError(format!(
            "`{shown}` is not a {what}: expected {len} hex digits"
        )));
    }
    Ok(s.to_ascii_lowercase())
}

macro_rules! hex_id {
    ($name:ident, $len:expr, $what:expr, $doc:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks `s` (either case; kept lowercase).
            pub fn parse(s: &str) -> Result<Self, IdError> {
                hex_of_len(s, $len, $what).map(Self)
            }

            /// The id as lowercase hex.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_id!(
    StateId,
    64,
    "state id",
    "A state's id: the SHA-256 of its parent and step."
);
hex_id!(JobId, 32, "job id", "A prepare job's id: 128 random bits.");

impl StateId {
    /// The all-zero id (no state has it).
    pub fn zero() -> Self {
        Self("0".repeat(64))
    }
}
hex_id!(
    InstanceId,
    32,
    "instance id",
    "An instance's id: 128 random bits."
);

/// What a user may type for a state or an instance: at least 8 hex digits, matched as a
/// prefix, case-insensitively (a full job id is never a prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPrefix(String);

impl IdPrefix {
    /// Shortest prefix accepted.
    pub const MIN_LEN: usize = 8;

    /// Checks `s`.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        if s.len() < Self::MIN_LEN || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            let shown: String = s.chars().take(80).flat_map(char::escape_default).collect();
            return Err(IdError(format!(
                "`{shown}` is not an id prefix: expected {} to 64 hex digits",
                Self::MIN_LEN
            )));
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    /// Whether `id` starts with this prefix.
    pub fn matches(&self, id: &str) -> bool {
        id.len() >= self.0.len() && id[..self.0.len()].eq_ignore_ascii_case(&self.0)
    }

    /// The prefix, lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_check_length_and_digits_and_read_either_case() {
        let s = "AB".repeat(32);
        assert_eq!(StateId::parse(&s).unwrap().as_str(), "ab".repeat(32));
        assert!(
            StateId::parse("ab")
                .unwrap_err()
                .0
                .contains("64 hex digits")
        );
        assert!(JobId::parse(&"g".repeat(32)).is_err());
        assert!(InstanceId::parse(&"0".repeat(32)).is_ok());
        let err = serde_json::from_str::<JobId>("\"nope\"").unwrap_err();
        assert!(err.to_string().contains("is not a job id"), "{err}");
    }

    #[test]
    fn prefixes_need_eight_digits_and_match_case_insensitively() {
        let p = IdPrefix::parse("DEADBEEF").unwrap();
        assert!(p.matches("deadbeef00"));
        assert!(!p.matches("deadbee"));
        assert!(IdPrefix::parse("dead").is_err());
        assert!(IdPrefix::parse("deadbeez").is_err());
    }
}
