//! Paths written in registry files.
//!
//! A registry file's paths (`path: ../../libs/x`, build contexts, volumes) are relative to
//! the directory holding that file, so a registry can live anywhere and be shared. They are
//! resolved as the operating system would — through symlinks — because that is where the
//! package tool and Compose will look.

use std::path::{Path, PathBuf};

/// Resolves `written` (from a registry file in `dir`) to an absolute path, following
/// symlinks in the part that exists.
pub fn from_registry(dir: &Path, written: &str) -> PathBuf {
    infra_fs::resolve(&dir.join(written))
}
