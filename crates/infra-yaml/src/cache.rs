//! A content-addressed cache of parsed documents.
//!
//! Parsing YAML costs about 30 µs for a ten-line file, reading the same value back from JSON
//! about 2 µs: on a registry where one command reads a hundred files, the parser is most of
//! the command's time. Documents are keyed by a SHA-256 of the cache's build tag (which
//! program build wrote it, so a changed type never reads an old shape), the document type
//! and the exact text, so an entry can never be stale: an edited file has another key. Only documents that
//! parsed cleanly are stored (an error needs the YAML parser's positions), and every failure
//! of the cache (missing, unreadable, unwritable, corrupt) falls back to parsing.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::YamlError;

/// Parsed documents stored by content, or nothing (disabled).
#[derive(Debug, Clone, Default)]
pub struct ParseCache {
    dir: Option<PathBuf>,
    build: String,
    /// Whether the directory may be trusted (checked once, on first use).
    trusted: std::sync::Arc<std::sync::OnceLock<bool>>,
}

impl ParseCache {
    /// A cache in `dir` (created on first write) for documents read by program build
    /// `build` (anything that changes whenever the program's types may have changed).
    pub fn new(dir: PathBuf, build: impl Into<String>) -> Self {
        Self {
            dir: Some(dir),
            build: build.into(),
            trusted: std::sync::Arc::default(),
        }
    }

    /// No cache: every document is parsed.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The directory, when enabled.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// [`crate::from_str`], answered from the cache when this exact text was parsed before
    /// under the same `tag`.
    pub fn from_str<T: Serialize + DeserializeOwned>(
        &self,
        tag: &str,
        path: &Path,
        text: &str,
    ) -> Result<T, YamlError> {
        let Some(file) = self.file(tag, text) else {
            return crate::from_str(path, text);
        };
        if let Ok(bytes) = std::fs::read(&file)
            && let Ok(value) = serde_json::from_slice::<T>(&bytes)
        {
            return Ok(value);
        }
        let value = crate::from_str(path, text)?;
        store(&file, &value);
        Ok(value)
    }

    /// A value stored with [`ParseCache::put`] under `tag` and `key` (text naming exactly
    /// what the value was computed from), if there is one that reads back.
    pub fn get<T: DeserializeOwned>(&self, tag: &str, key: &str) -> Option<T> {
        let bytes = std::fs::read(self.file(tag, key)?).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores `value` under `tag` and `key`; errors are ignored (the value is recomputed).
    pub fn put<T: Serialize>(&self, tag: &str, key: &str, value: &T) {
        if let Some(file) = self.file(tag, key) {
            store(&file, value);
        }
    }

    fn file(&self, tag: &str, text: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        if !*self.trusted.get_or_init(|| trusted(dir)) {
            return None;
        }
        let mut h = Sha256::new();
        for part in [self.build.as_str(), tag] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.update(text.as_bytes());
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for b in h.finalize() {
            hex.push(char::from(DIGITS[usize::from(b >> 4)]));
            hex.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        Some(dir.join(&hex[..2]).join(&hex[2..]))
    }
}

/// A cache directory is only used when this user owns it and no one else may write to it:
/// whoever can plant an entry decides what hsm believes a registry file says. A missing
/// directory is created private (0700).
fn trusted(dir: &Path) -> bool {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    if !dir.exists() {
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    std::fs::symlink_metadata(dir).is_ok_and(|m| {
        m.is_dir()
            && m.uid() == rustix::process::geteuid().as_raw()
            && m.permissions().mode() & 0o022 == 0
    })
}

/// Writes `value` to `file` through a temporary file and a rename, so a reader never sees a
/// partial entry; any error is ignored (the next run parses again).
fn store<T: Serialize>(file: &Path, value: &T) {
    let Ok(json) = serde_json::to_vec(value) else {
        return;
    };
    let Some(dir) = file.parent() else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Doc {
        name: String,
        #[serde(default)]
        ports: Vec<u16>,
    }

    #[test]
    fn second_read_comes_from_the_cache_and_edits_miss_it() {
        let d = tempfile::tempdir().unwrap();
        let cache = ParseCache::new(d.path().join("c"), "b1");
        let p = Path::new("x.yaml");
        let a: Doc = cache.from_str("t1", p, "name: a\nports: [1]\n").unwrap();
        assert_eq!(
            a,
            Doc {
                name: "a".into(),
                ports: vec![1]
            }
        );
        let file = cache.file("t1", "name: a\nports: [1]\n").unwrap();
        assert!(file.is_file());
        // A doctored entry proves the second read does not parse.
        std::fs::write(&file, r#"{"name":"from-cache","ports":[]}"#).unwrap();
        let b: Doc = cache.from_str("t1", p, "name: a\nports: [1]\n").unwrap();
        assert_eq!(b.name, "from-cache");
        // Another tag or another text is another key.
        let c: Doc = cache.from_str("t2", p, "name: a\nports: [1]\n").unwrap();
        assert_eq!(c.name, "a");
        let e: Doc = cache.from_str("t1", p, "name: b\n").unwrap();
        assert_eq!(e.name, "b");
        // Another build is another key.
        let other = ParseCache::new(d.path().join("c"), "b2");
        let f: Doc = other.from_str("t1", p, "name: a\nports: [1]\n").unwrap();
        assert_eq!(f.name, "a");
    }

    #[test]
    fn corrupt_entries_and_errors_fall_back_to_the_parser() {
        let d = tempfile::tempdir().unwrap();
        let cache = ParseCache::new(d.path().join("c"), "b1");
        let p = Path::new("x.yaml");
        let file = cache.file("t", "name: a\n").unwrap();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "{not json").unwrap();
        let a: Doc = cache.from_str("t", p, "name: a\n").unwrap();
        assert_eq!(a.name, "a");
        // An invalid document is an error with its position, and is not stored.
        let err = cache
            .from_str::<Doc>("t", p, "name: a\nports: [x]\n")
            .unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!cache.file("t", "name: a\nports: [x]\n").unwrap().exists());
        // A directory others may write to is not used at all.
        let shared = d.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::os::unix::fs::PermissionsExt::from_mode(0o777))
            .unwrap();
        let open = ParseCache::new(shared.clone(), "b1");
        let s: Doc = open.from_str("t", p, "name: s\n").unwrap();
        assert_eq!(s.name, "s");
        assert_eq!(
            std::fs::read_dir(&shared).unwrap().count(),
            0,
            "nothing stored"
        );
        // A new one is created private.
        let fresh = d.path().join("new/cache");
        let _: Doc = ParseCache::new(fresh.clone(), "b1")
            .from_str("t", p, "name: n\n")
            .unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o700
        );
        // An unwritable cache directory only costs the parse.
        let blocked = ParseCache::new(PathBuf::from("/proc/no-such-dir/c"), "b1");
        let b: Doc = blocked.from_str("t", p, "name: b\n").unwrap();
        assert_eq!(b.name, "b");
    }
}
