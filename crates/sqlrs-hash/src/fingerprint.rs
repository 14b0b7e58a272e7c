//! The canonical encoding every sqlrs hash is computed over.
//!
//! A text stream like `key=3:abc\n` is easy to get subtly wrong (what separates a list's
//! items? is a missing field the same as an empty one?). Here every hash starts with a
//! schema tag and is a sequence of fields, each written as the key's length, the key, the
//! value's length and the value, lengths as 8-byte big-endian integers. Two different field
//! sequences can never encode to the same bytes, and a change of meaning gets a new tag
//! instead of silently changing ids.

use sha2::{Digest as _, Sha256};

use crate::state_id::Digest;

/// An incremental, unambiguous SHA-256 over tagged, length-prefixed fields.
#[derive(Clone)]
pub struct Fingerprint {
    hasher: Sha256,
}

impl Fingerprint {
    /// Starts a fingerprint of the given schema (e.g. `sqlrs-psql-task-v1`).
    pub fn new(schema: &str) -> Self {
        let mut f = Self {
            hasher: Sha256::new(),
        };
        f.field("schema", schema.as_bytes());
        f
    }

    /// Adds one field.
    pub fn field(&mut self, key: &str, value: &[u8]) -> &mut Self {
        self.bytes(key.as_bytes());
        self.bytes(value);
        self
    }

    /// Adds a list as one field: its length, then each item length-prefixed.
    pub fn list<I, T>(&mut self, key: &str, items: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let items: Vec<T> = items.into_iter().collect();
        self.bytes(key.as_bytes());
        self.hasher.update((items.len() as u64).to_be_bytes());
        for item in &items {
            self.bytes(item.as_ref());
        }
        self
    }

    fn bytes(&mut self, b: &[u8]) {
        self.hasher.update((b.len() as u64).to_be_bytes());
        self.hasher.update(b);
    }

    /// The digest.
    pub fn finish(self) -> Digest {
        Digest::from_bytes(self.hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(fields: &[(&str, &str)]) -> Digest {
        let mut f = Fingerprint::new("t");
        for (k, v) in fields {
            f.field(k, v.as_bytes());
        }
        f.finish()
    }

    #[test]
    fn boundaries_cannot_be_confused() {
        assert_ne!(of(&[("a", "bc")]), of(&[("ab", "c")]));
        assert_ne!(of(&[("a", "b"), ("c", "")]), of(&[("a", "bc")]));
        assert_ne!(of(&[("a", "")]), of(&[]));
    }

    #[test]
    fn lists_keep_their_items_apart() {
        let list = |items: &[&str]| {
            let mut f = Fingerprint::new("t");
            f.list("l", items);
            f.finish()
        };
        assert_ne!(list(&["ab", "c"]), list(&["a", "bc"]));
        assert_ne!(list(&[]), list(&[""]));
    }

    #[test]
    fn the_schema_tag_is_part_of_the_identity() {
        let a = Fingerprint::new("v1").finish();
        let b = Fingerprint::new("v2").finish();
        assert_ne!(a, b);
        assert_eq!(a, Fingerprint::new("v1").finish());
    }
}
