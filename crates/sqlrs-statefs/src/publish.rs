//! Making a built state visible, all or nothing.
//!
//! A state is snapshotted into a staging directory beside its final place, the filesystem
//! is synced, and the staging directory is renamed into place; only then does the engine
//! commit the state's row. A crash before the rename leaves a staging directory, one after
//! it and before the commit a directory no row names: [`reconcile`] removes both at start,
//! so no half-published state is ever taken for a state.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Backend, StateFsError};

/// The prefix of staging directories.
const STAGING: &str = ".staging-";

/// Publishes a snapshot of `src` as state `id` in `states_dir`. `false` when the state is
/// already there (another job built it first); the snapshot is then discarded.
pub fn publish(
    backend: &dyn Backend,
    src: &Path,
    states_dir: &Path,
    id: &str,
) -> Result<bool, StateFsError> {
    fs::create_dir_all(states_dir).map_err(|e| StateFsError::new("create", states_dir, e))?;
    let target = states_dir.join(id);
    if target.exists() {
        return Ok(false);
    }
    let staging = states_dir.join(format!("{STAGING}{id}-{}", std::process::id()));
    backend.remove(&staging)?;
    backend.snapshot(src, &staging)?;
    sync(&staging)?;
    if let Err(e) = fs::rename(&staging, &target) {
        backend.remove(&staging)?;
        if target.exists() {
            return Ok(false);
        }
        return Err(StateFsError::new("rename", &staging, e));
    }
    sync(states_dir)?;
    Ok(true)
}

/// Flushes the filesystem holding `path` (one `syncfs`, not a walk over every file).
fn sync(path: &Path) -> Result<(), StateFsError> {
    let dir = fs::File::open(path).map_err(|e| StateFsError::new("open", path, e))?;
    rustix::fs::syncfs(&dir).map_err(|e| StateFsError::new("sync", path, e.into()))
}

/// Removes staging leftovers and state directories in `states_dir` that `known` does not
/// name (published, then the engine died before recording them). Returns what was removed.
pub fn reconcile(
    backend: &dyn Backend,
    states_dir: &Path,
    known: &dyn Fn(&str) -> bool,
) -> Result<Vec<PathBuf>, StateFsError> {
    let entries = match fs::read_dir(states_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StateFsError::new("list", states_dir, e)),
    };
    let mut removed = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StateFsError::new("list", states_dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(STAGING) || !known(&name) {
            backend.remove(&entry.path())?;
            removed.push(entry.path());
        }
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CopyBackend, ReflinkMode};

    #[test]
    fn a_state_is_published_once_and_leftovers_are_reconciled() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("runtime");
        fs::create_dir(&src).unwrap();
        fs::write(src.join("PG_VERSION"), "15\n").unwrap();
        let states = dir.path().join("states");
        let b = CopyBackend::new(ReflinkMode::Auto);
        assert!(publish(&b, &src, &states, "aa").unwrap());
        assert!(
            !publish(&b, &src, &states, "aa").unwrap(),
            "already published"
        );
        assert_eq!(
            fs::read_to_string(states.join("aa/PG_VERSION")).unwrap(),
            "15\n"
        );
        // A crash left a staging directory and a directory no row names.
        fs::create_dir_all(states.join(".staging-bb-1")).unwrap();
        fs::create_dir_all(states.join("cc")).unwrap();
        let removed = reconcile(&b, &states, &|id| id == "aa").unwrap();
        assert_eq!(removed, [states.join(".staging-bb-1"), states.join("cc")]);
        assert!(states.join("aa").exists());
        assert_eq!(fs::read_dir(&states).unwrap().count(), 1);
    }
}
