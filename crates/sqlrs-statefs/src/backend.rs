//! The snapshot backend seam.

use std::path::Path;

use crate::StateFsError;

/// How file contents are copied by the copy backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReflinkMode {
    /// Byte copies.
    Never,
    /// Reflinks where the filesystem supports them, byte copies elsewhere.
    Auto,
    /// Reflinks only; a filesystem without them is an error (XFS with `reflink=1`, btrfs).
    Always,
}

/// Makes writable clones and immutable snapshots of a data directory.
pub trait Backend: Send + Sync {
    /// Its name (`copy`, `reflink`, `btrfs`, `overlay`), as `status` reports it.
    fn name(&self) -> &'static str;
    /// A writable copy of `src` at `dst` (which must not exist).
    fn clone_tree(&self, src: &Path, dst: &Path) -> Result<(), StateFsError>;
    /// An immutable copy of `src` at `dst` (which must not exist).
    fn snapshot(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        self.clone_tree(src, dst)
    }
    /// What a state made by [`Backend::snapshot`] takes: its apparent size by default; an
    /// overlay state, the layer it added (its lower layers belong to its parents).
    fn size(&self, state: &Path) -> u64 {
        crate::apparent_size(state)
    }
    /// Makes a clone usable again after a reboot (an overlay clone is mounted again);
    /// `true` when something had to be done.
    fn reattach(&self, clone: &Path) -> Result<bool, StateFsError> {
        let _ = clone;
        Ok(false)
    }
    /// Removes what `clone_tree` or `snapshot` made.
    fn remove(&self, path: &Path) -> Result<(), StateFsError> {
        match std::fs::remove_dir_all(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateFsError::new("remove", path, e)),
        }
    }
}
