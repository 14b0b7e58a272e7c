//! A journal of filesystem changes that can be undone as a whole.
//!
//! Snapshots are taken of what a change really touches. A write through a symbolic link
//! changes the file at the end of the link's chain (see [`write_atomic`]), so that file's
//! bytes and mode are what gets saved and restored, while the link is left alone; removing
//! a link removes only the link, so the link (where it points) is what gets saved and put
//! back.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use crate::atomic::{parent_dir, write_atomic, write_target};
use crate::error::{FsError, is_absent};

/// What a snapshotted path looked like before the transaction first touched it.
#[derive(Debug)]
enum Original {
    /// Nothing existed at the path.
    Absent,
    /// A file with these exact bytes and permission bits.
    File { bytes: Vec<u8>, mode: u32 },
    /// A symbolic link with this content (its target as written in the link).
    Link { dest: PathBuf },
}

/// A directory the transaction is responsible for removing on rollback.
#[derive(Debug)]
enum DirRecord {
    /// Created by [`Transaction::write`]; removed only if empty.
    Created(PathBuf),
    /// Announced with [`Transaction::track_new_dir`]; removed recursively.
    New(PathBuf),
}

/// Records the original state of every path it touches so that all changes can be undone.
///
/// Each path is snapshotted exactly once, before its first change: later snapshots of the
/// same path are ignored, so rollback always returns to the state before the transaction.
/// Call [`commit`](Transaction::commit) when everything succeeded; a transaction dropped
/// without being committed or rolled back rolls back on its own, best-effort.
///
/// Symbolic links are kept: a write through a link changes (and rollback restores) the file
/// at the end of its chain, and the link itself is never replaced.
#[derive(Debug, Default)]
pub struct Transaction {
    /// Snapshots in the order they were taken; restored in reverse.
    snapshots: Vec<(PathBuf, Original)>,
    /// The paths in `snapshots`.
    snapshotted: HashSet<PathBuf>,
    /// The paths callers passed, in the order they were first touched.
    touched: Vec<PathBuf>,
    dirs: Vec<DirRecord>,
    finished: bool,
}

impl Transaction {
    /// Starts an empty transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Snapshots `path` now unless it is already tracked (the first snapshot wins), for a
    /// change made by someone else (such as a tool rewriting its lock file).
    ///
    /// When `path` is a symbolic link both the link and the file at the end of its chain
    /// are saved, so rollback puts back the target's content and also the link, should
    /// the change have replaced it.
    pub fn track(&mut self, path: &Path) -> Result<(), FsError> {
        if is_symlink(path) {
            self.snapshot_link(path)?;
        }
        let target = write_target(path)?;
        self.snapshot_file(&target)?;
        self.touch(path);
        Ok(())
    }

    /// Replaces the content of `path` atomically with [`write_atomic`], after snapshotting
    /// it and creating its missing parent directories (both undone on rollback).
    ///
    /// When `path` is a symbolic link, the file at the end of its chain is what gets
    /// snapshotted and written (created, with its parents, when the link dangles); the
    /// link is left untouched.
    pub fn write(&mut self, path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), FsError> {
        let target = write_target(path)?.into_owned();
        self.snapshot_file(&target)?;
        self.touch(path);
        self.create_parents(parent_dir(&target))?;
        write_atomic(&target, bytes, mode)
    }

    /// Snapshots `path` and deletes it; a missing file is not an error.
    ///
    /// A symbolic link is removed as a link: the file it points to stays as it is, and
    /// rollback recreates the link.
    pub fn remove(&mut self, path: &Path) -> Result<(), FsError> {
        if is_symlink(path) {
            self.snapshot_link(path)?;
        } else {
            self.snapshot_file(path)?;
        }
        self.touch(path);
        remove_if_exists(path, |p| fs::remove_file(p))
    }

    /// Remembers a directory that something outside this transaction (such as `git clone`)
    /// is about to create.
    ///
    /// If `dir` does not exist now, rollback removes it recursively; if it already exists
    /// (or its existence cannot be determined) rollback leaves it alone.
    pub fn track_new_dir(&mut self, dir: &Path) {
        let already = self
            .dirs
            .iter()
            .any(|record| matches!(record, DirRecord::New(p) if p == dir));
        if already {
            return;
        }
        if let Err(err) = fs::symlink_metadata(dir)
            && is_absent(&err)
        {
            self.dirs.push(DirRecord::New(dir.to_path_buf()));
        }
    }

    /// The paths passed to [`track`](Transaction::track), [`write`](Transaction::write)
    /// and [`remove`](Transaction::remove), in the order they were first touched (as
    /// given, even when they are symbolic links).
    pub fn touched(&self) -> Vec<PathBuf> {
        self.touched.clone()
    }

    /// Keeps every change and forgets the backups.
    pub fn commit(mut self) {
        self.finished = true;
        self.snapshots.clear();
        self.dirs.clear();
    }

    /// Undoes every change: files that existed get their original bytes and permission mode
    /// back, files that did not exist are deleted, removed links are recreated, then
    /// directories are removed (most recent first). Continues past individual failures and
    /// returns all of them.
    pub fn rollback(mut self) -> Result<(), Vec<FsError>> {
        let errors = self.undo();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Records `path` as touched by the caller.
    fn touch(&mut self, path: &Path) {
        if !self.touched.iter().any(|p| p == path) {
            self.touched.push(path.to_path_buf());
        }
    }

    /// Saves the content and mode of the file at `path` (following links), or its absence.
    fn snapshot_file(&mut self, path: &Path) -> Result<(), FsError> {
        if self.snapshotted.contains(path) {
            return Ok(());
        }
        let original = match fs::read(path) {
            Ok(bytes) => {
                let meta = fs::metadata(path)
                    .map_err(|err| FsError::new("read metadata of", path, err))?;
                Original::File {
                    bytes,
                    mode: meta.permissions().mode() & 0o7777,
                }
            }
            Err(err) if is_absent(&err) => Original::Absent,
            Err(err) => return Err(FsError::new("read", path, err)),
        };
        self.remember(path, original);
        Ok(())
    }

    /// Saves where the symbolic link at `path` points.
    fn snapshot_link(&mut self, path: &Path) -> Result<(), FsError> {
        if self.snapshotted.contains(path) {
            return Ok(());
        }
        let dest = fs::read_link(path).map_err(|err| FsError::new("read link", path, err))?;
        self.remember(path, Original::Link { dest });
        Ok(())
    }

    fn remember(&mut self, path: &Path, original: Original) {
        self.snapshotted.insert(path.to_path_buf());
        self.snapshots.push((path.to_path_buf(), original));
    }

    /// Creates every missing directory from the deepest existing ancestor of `dir` down to
    /// `dir`, recording each one it created.
    fn create_parents(&mut self, dir: &Path) -> Result<(), FsError> {
        let mut missing = Vec::new();
        for ancestor in dir.ancestors() {
            if ancestor.as_os_str().is_empty() || fs::symlink_metadata(ancestor).is_ok() {
                break;
            }
            missing.push(ancestor);
        }
        for created in missing.into_iter().rev() {
            match fs::create_dir(created) {
                Ok(()) => self.dirs.push(DirRecord::Created(created.to_path_buf())),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(FsError::new("create directory", created, err)),
            }
        }
        Ok(())
    }

    fn undo(&mut self) -> Vec<FsError> {
        self.finished = true;
        let mut errors = Vec::new();
        for (path, original) in self.snapshots.drain(..).rev() {
            let result = match original {
                // A file that still holds its original bytes and mode (its write never
                // happened, or failed) is left alone: no rewrite, mtime kept.
                Original::File { bytes, mode } if unchanged(&path, &bytes, mode) => Ok(()),
                Original::File { bytes, mode } => write_atomic(&path, &bytes, Some(mode))
                    .map_err(|err| FsError::new("restore", path, err.source)),
                Original::Absent => remove_if_exists(&path, |p| fs::remove_file(p)),
                Original::Link { dest } => restore_link(&path, &dest),
            };
            errors.extend(result.err());
        }
        for record in self.dirs.drain(..).rev() {
            let result = match record {
                DirRecord::Created(dir) => remove_if_exists(&dir, |p| fs::remove_dir(p)),
                DirRecord::New(dir) => remove_if_exists(&dir, |p| fs::remove_dir_all(p)),
            };
            errors.extend(result.err());
        }
        self.snapshotted.clear();
        errors
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.undo();
        }
    }
}

fn remove_if_exists(path: &Path, remove: fn(&Path) -> io::Result<()>) -> Result<(), FsError> {
    match remove(path) {
        Ok(()) => Ok(()),
        Err(err) if is_absent(&err) => Ok(()),
        Err(err) => Err(FsError::new("remove", path, err)),
    }
}

/// Whether `path` itself (not what it points to) is a symbolic link.
fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// Puts the symbolic link `path` -> `dest` back unless it is still there; a file that took
/// its place is replaced.
fn restore_link(path: &Path, dest: &Path) -> Result<(), FsError> {
    if fs::read_link(path).is_ok_and(|current| current == dest) {
        return Ok(());
    }
    remove_if_exists(path, |p| fs::remove_file(p))?;
    symlink(dest, path).map_err(|err| FsError::new("restore", path, err))
}

/// Whether `path` holds exactly `bytes` with permission bits `mode`.
fn unchanged(path: &Path, bytes: &[u8], mode: u32) -> bool {
    fs::metadata(path)
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o7777 == mode & 0o7777)
        && fs::read(path).is_ok_and(|b| b == bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::Permissions;

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn is_link(path: &Path) -> bool {
        fs::symlink_metadata(path).unwrap().file_type().is_symlink()
    }

    /// A temp dir with `shared/pyproject.toml` (mode 0o600) and a link `project/pyproject.toml`
    /// pointing at it through a relative path.
    fn linked_file() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("shared")).unwrap();
        fs::create_dir(dir.path().join("project")).unwrap();
        let target = dir.path().join("shared/pyproject.toml");
        fs::write(&target, b"original").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("project/pyproject.toml");
        symlink("../shared/pyproject.toml", &link).unwrap();
        (dir, link, target)
    }

    #[test]
    fn write_through_a_symlink_changes_the_target_and_rollback_restores_it() {
        let (_dir, link, target) = linked_file();
        let mut tx = Transaction::new();
        tx.write(&link, b"changed", Some(0o644)).unwrap();
        assert!(is_link(&link));
        assert_eq!(fs::read(&target).unwrap(), b"changed");
        assert_eq!(mode_of(&target), 0o644);
        assert_eq!(tx.touched(), vec![link.clone()]);

        tx.rollback().unwrap();
        assert!(is_link(&link));
        assert_eq!(
            fs::read_link(&link).unwrap(),
            Path::new("../shared/pyproject.toml")
        );
        assert_eq!(fs::read(&target).unwrap(), b"original");
        assert_eq!(mode_of(&target), 0o600);
    }

    #[test]
    fn write_through_a_symlink_chain_and_the_target_itself_rolls_back_once() {
        let (dir, link, target) = linked_file();
        let outer = dir.path().join("outer.toml");
        symlink(&link, &outer).unwrap();

        let mut tx = Transaction::new();
        tx.write(&outer, b"one", None).unwrap();
        tx.write(&target, b"two", None).unwrap();
        tx.write(&link, b"three", None).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"three");
        assert!(is_link(&outer) && is_link(&link));
        tx.rollback().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"original");
        assert_eq!(mode_of(&target), 0o600);
        assert!(is_link(&outer) && is_link(&link));
    }

    #[test]
    fn write_through_a_dangling_symlink_is_undone_completely() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("hsm.yaml");
        symlink("shared/new/hsm.yaml", &link).unwrap();

        let mut tx = Transaction::new();
        tx.write(&link, b"created", None).unwrap();
        assert_eq!(
            fs::read(dir.path().join("shared/new/hsm.yaml")).unwrap(),
            b"created"
        );
        tx.rollback().unwrap();
        assert!(is_link(&link), "the dangling link stays");
        assert!(
            !dir.path().join("shared").exists(),
            "created target and dirs go"
        );
    }

    #[test]
    fn remove_of_a_symlink_removes_only_the_link_and_rollback_recreates_it() {
        let (_dir, link, target) = linked_file();
        let mut tx = Transaction::new();
        tx.remove(&link).unwrap();
        assert!(fs::symlink_metadata(&link).is_err());
        assert_eq!(fs::read(&target).unwrap(), b"original");
        tx.rollback().unwrap();
        assert!(is_link(&link));
        assert_eq!(
            fs::read_link(&link).unwrap(),
            Path::new("../shared/pyproject.toml")
        );
        assert_eq!(fs::read(&target).unwrap(), b"original");
    }

    #[test]
    fn track_of_a_symlink_restores_link_and_target_after_outside_changes() {
        let (_dir, link, target) = linked_file();
        let mut tx = Transaction::new();
        tx.track(&link).unwrap();
        // A tool writes through the link, then replaces the link by a regular file.
        fs::write(&link, b"through").unwrap();
        fs::remove_file(&link).unwrap();
        fs::write(&link, b"replaced").unwrap();
        tx.rollback().unwrap();
        assert!(is_link(&link));
        assert_eq!(fs::read(&target).unwrap(), b"original");
        assert_eq!(mode_of(&target), 0o600);
    }

    #[test]
    fn rollback_restores_bytes_and_mode_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.env");
        let plain = dir.path().join("plain.txt");
        fs::write(&secret, b"TOKEN=abc\n\x00\xff").unwrap();
        fs::set_permissions(&secret, Permissions::from_mode(0o600)).unwrap();
        fs::write(&plain, b"plain").unwrap();
        fs::set_permissions(&plain, Permissions::from_mode(0o755)).unwrap();

        let mut tx = Transaction::new();
        tx.write(&secret, b"TOKEN=changed", Some(0o644)).unwrap();
        tx.write(&plain, b"other", None).unwrap();
        assert_eq!(mode_of(&secret), 0o644);
        tx.rollback().unwrap();

        assert_eq!(fs::read(&secret).unwrap(), b"TOKEN=abc\n\x00\xff");
        assert_eq!(mode_of(&secret), 0o600);
        assert_eq!(fs::read(&plain).unwrap(), b"plain");
        assert_eq!(mode_of(&plain), 0o755);
    }

    #[test]
    fn rollback_deletes_created_files_and_parent_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c/file.txt");
        let sibling = dir.path().join("top.txt");

        let mut tx = Transaction::new();
        tx.write(&nested, b"x", None).unwrap();
        tx.write(&sibling, b"y", None).unwrap();
        assert!(nested.exists());
        tx.rollback().unwrap();

        assert!(!nested.exists());
        assert!(!sibling.exists());
        assert!(!dir.path().join("a").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn rollback_keeps_directories_that_already_existed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        let mut tx = Transaction::new();
        tx.write(&dir.path().join("a/b/f"), b"x", None).unwrap();
        tx.rollback().unwrap();
        assert!(dir.path().join("a").is_dir());
        assert!(!dir.path().join("a/b").exists());
    }

    #[test]
    fn rollback_restores_removed_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keep.txt");
        fs::write(&path, b"original").unwrap();
        fs::set_permissions(&path, Permissions::from_mode(0o600)).unwrap();

        let mut tx = Transaction::new();
        tx.remove(&path).unwrap();
        tx.remove(&dir.path().join("never-existed")).unwrap();
        assert!(!path.exists());
        tx.rollback().unwrap();

        assert_eq!(fs::read(&path).unwrap(), b"original");
        assert_eq!(mode_of(&path), 0o600);
        assert!(!dir.path().join("never-existed").exists());
    }

    #[test]
    fn first_snapshot_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"v1").unwrap();

        let mut tx = Transaction::new();
        tx.track(&path).unwrap();
        fs::write(&path, b"v2").unwrap();
        tx.track(&path).unwrap();
        tx.write(&path, b"v3", None).unwrap();
        tx.write(&path, b"v4", None).unwrap();
        assert_eq!(tx.touched(), vec![path.clone()]);
        tx.rollback().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"v1");
    }

    #[test]
    fn touched_is_in_first_touched_order() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        let mut tx = Transaction::new();
        tx.write(&b, b"", None).unwrap();
        tx.remove(&a).unwrap();
        tx.write(&b, b"again", None).unwrap();
        tx.track(&c).unwrap();
        assert_eq!(tx.touched(), vec![b, a, c]);
        tx.commit();
    }

    #[test]
    fn write_failure_carries_op_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("blocker");
        fs::write(&blocker, b"a regular file").unwrap();

        let mut tx = Transaction::new();
        let err = tx.write(&blocker.join("sub/file"), b"x", None).unwrap_err();
        assert_eq!(err.op, "create directory");
        assert_eq!(err.path, blocker.join("sub"));
        assert!(err.to_string().starts_with("failed to create directory `"));
        tx.rollback().unwrap();
        assert_eq!(fs::read(&blocker).unwrap(), b"a regular file");
    }

    #[test]
    fn rollback_reports_every_error_and_continues() {
        let dir = tempfile::tempdir().unwrap();
        let created = dir.path().join("created");
        let restored = dir.path().join("restored");
        fs::write(&restored, b"orig").unwrap();

        let mut tx = Transaction::new();
        tx.write(&created, b"new", None).unwrap();
        tx.write(&restored, b"changed", None).unwrap();
        // Replace the new file by a non-empty directory so that deleting it fails.
        fs::remove_file(&created).unwrap();
        fs::create_dir(&created).unwrap();
        fs::write(created.join("inner"), b"").unwrap();

        let errors = tx.rollback().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].op, "remove");
        assert_eq!(errors[0].path, created);
        // The other path was still restored.
        assert_eq!(fs::read(&restored).unwrap(), b"orig");
    }

    #[test]
    fn commit_keeps_new_contents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/f");
        let mut tx = Transaction::new();
        tx.write(&path, b"new", None).unwrap();
        tx.commit();
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn drop_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("existing");
        let fresh = dir.path().join("fresh/file");
        fs::write(&existing, b"before").unwrap();
        {
            let mut tx = Transaction::new();
            tx.write(&existing, b"after", None).unwrap();
            tx.write(&fresh, b"new", None).unwrap();
        }
        assert_eq!(fs::read(&existing).unwrap(), b"before");
        assert!(!dir.path().join("fresh").exists());
    }

    #[test]
    fn track_new_dir_removes_only_dirs_that_did_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        let clone = dir.path().join("clone");
        let existing = dir.path().join("existing");
        fs::create_dir(&existing).unwrap();

        let mut tx = Transaction::new();
        tx.track_new_dir(&clone);
        tx.track_new_dir(&existing);
        fs::create_dir_all(clone.join("deep/tree")).unwrap();
        fs::write(clone.join("deep/tree/file"), b"x").unwrap();
        fs::write(existing.join("file"), b"x").unwrap();
        tx.rollback().unwrap();

        assert!(!clone.exists());
        assert!(existing.join("file").exists());
    }

    #[test]
    fn new_dir_inside_created_dir_is_removed_first() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path().join("vendor");
        let mut tx = Transaction::new();
        tx.write(&parent.join("lock"), b"x", None).unwrap();
        tx.track_new_dir(&parent.join("repo"));
        fs::create_dir_all(parent.join("repo/.git")).unwrap();
        tx.rollback().unwrap();
        assert!(!parent.exists());
    }
}
