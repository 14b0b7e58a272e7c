//! Reading files that may not exist and replacing files atomically.
//!
//! Replacing means renaming a finished temporary file over the old one. Renaming over a
//! symbolic link would replace the link itself by a regular file, silently cutting a file
//! the user keeps in a shared folder loose from it, so a write to a link goes to the end of
//! its chain instead, and the link stays.

use std::borrow::Cow;
use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{FsError, is_absent};
use crate::paths::resolve_reporting;

/// Permission mode for newly created files when the caller does not ask for one.
const DEFAULT_MODE: u32 = 0o644;

/// Reads the whole file at `path`, returning `Ok(None)` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, FsError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if is_absent(&err) => Ok(None),
        Err(err) => Err(FsError::new("read", path, err)),
    }
}

/// Replaces the file at `path` with `bytes` so that readers see either the old or the new
/// content, never a mix.
///
/// The bytes go to a temporary file in the same directory, which is flushed to disk, given
/// its permissions and then renamed over `path`. The permission mode is `mode` when given,
/// otherwise that of the existing file, otherwise `0o644`. Missing parent directories are
/// created.
///
/// When `path` is a symbolic link, the link is kept and the file at the end of its chain is
/// replaced the same way (temporary file in the target's directory, renamed over the
/// target); a dangling link gets its target created, parent directories included. A link
/// that cannot be followed (a loop) is an error rather than being replaced.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), FsError> {
    let target = write_target(path)?;
    let path: &Path = &target;
    let dir = parent_dir(path);
    fs::create_dir_all(dir).map_err(|err| FsError::new("create directory", dir, err))?;

    let mode = match mode {
        Some(mode) => mode,
        None => match fs::metadata(path) {
            Ok(meta) => meta.permissions().mode() & 0o7777,
            Err(err) if err.kind() == io::ErrorKind::NotFound => DEFAULT_MODE,
            Err(err) => return Err(FsError::new("read metadata of", path, err)),
        },
    };

    // Named after its file (`.hsm.yaml.tmp-XXXXXX`), so one left by a killed process says
    // what it is; the error keeps only the kind (tempfile's message repeats that random
    // name).
    let stem = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{stem}.tmp-"))
        .tempfile_in(dir)
        .map_err(|err| FsError::new("write in", dir, io::Error::from(err.kind())))?;
    temp.write_all(bytes)
        .map_err(|err| FsError::new("write", path, err))?;
    temp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(|err| FsError::new("set permissions of", path, err))?;
    temp.as_file()
        .sync_all()
        .map_err(|err| FsError::new("sync", path, err))?;
    temp.persist(path)
        .map_err(|err| FsError::new("rename", path, err.error))?;

    // Make the rename itself durable; failure here does not undo a completed write.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Where a write to `path` lands: `path` itself or, when `path` is a symbolic link, the
/// file at the end of its chain, which may not exist yet.
pub(crate) fn write_target(path: &Path) -> Result<Cow<'_, Path>, FsError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match resolve_reporting(path) {
            (target, None) => Ok(Cow::Owned(target)),
            (_, Some(err)) => Err(FsError::new("resolve symlink", path, err)),
        },
        // Anything else (including errors) is for the write itself to find out.
        _ => Ok(Cow::Borrowed(path)),
    }
}

/// The directory that contains `path`, `.` for a bare file name.
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn read_optional_missing_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_optional(&dir.path().join("nope")).unwrap(), None);
    }

    #[test]
    fn read_optional_reads_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"abc").unwrap();
        assert_eq!(read_optional(&path).unwrap(), Some(b"abc".to_vec()));
    }

    #[test]
    fn read_optional_on_directory_reports_read_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_optional(dir.path()).unwrap_err();
        assert_eq!(err.op, "read");
        assert_eq!(err.path, dir.path());
    }

    #[test]
    fn creates_parents_and_uses_default_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/c.txt");
        write_atomic(&path, b"hello", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"hello");
        assert_eq!(mode_of(&path), 0o644);
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn a_refused_temporary_file_is_reported_without_its_random_name() {
        // Even root cannot create a file in /proc.
        let err = write_atomic(Path::new("/proc/hsm-test.txt"), b"x", None).unwrap_err();
        let shown = format!(
            "{err} {:?}",
            std::error::Error::source(&err).map(ToString::to_string)
        );
        assert!(shown.contains("failed to write in `/proc`"), "{shown}");
        assert!(!shown.contains(".tmp"), "{shown}");
    }

    #[test]
    fn keeps_existing_mode_unless_overridden() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, Permissions::from_mode(0o600)).unwrap();

        write_atomic(&path, b"new", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode_of(&path), 0o600);

        write_atomic(&path, b"newer", Some(0o640)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"newer");
        assert_eq!(mode_of(&path), 0o640);
    }

    #[test]
    fn parent_that_is_a_file_fails_with_op_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("blocker");
        fs::write(&blocker, b"x").unwrap();
        let err = write_atomic(&blocker.join("child"), b"y", None).unwrap_err();
        assert_eq!(err.op, "create directory");
        assert_eq!(err.path, blocker);
        assert_eq!(
            err.to_string(),
            format!("failed to create directory `{}`", blocker.display())
        );
    }

    #[test]
    fn writing_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        fs::create_dir(&shared).unwrap();
        let target = shared.join("pyproject.toml");
        fs::write(&target, b"old").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("pyproject.toml");
        symlink("shared/pyproject.toml", &link).unwrap();

        write_atomic(&link, b"new", None).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_link(&link).unwrap(),
            Path::new("shared/pyproject.toml")
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(mode_of(&target), 0o600, "the target's mode is kept");
        // The temporary file was made next to the target, and is gone.
        assert_eq!(fs::read_dir(&shared).unwrap().count(), 1);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn writing_through_a_symlink_chain_reaches_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real/hsm.yaml");
        fs::create_dir(dir.path().join("real")).unwrap();
        fs::write(&target, b"old").unwrap();
        let middle = dir.path().join("middle.yaml");
        let link = dir.path().join("hsm.yaml");
        symlink(&target, &middle).unwrap();
        symlink("middle.yaml", &link).unwrap();

        write_atomic(&link, b"new", Some(0o640)).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(mode_of(&target), 0o640);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::symlink_metadata(&middle)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn writing_through_a_dangling_symlink_creates_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("hsm.yaml");
        symlink("shared/sub/hsm.yaml", &link).unwrap();

        write_atomic(&link, b"created", None).unwrap();
        let target = dir.path().join("shared/sub/hsm.yaml");
        assert_eq!(fs::read(&target).unwrap(), b"created");
        assert_eq!(mode_of(&target), 0o644);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn writing_through_a_symlink_loop_fails_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("loop");
        symlink("loop", &link).unwrap();
        let err = write_atomic(&link, b"x", None).unwrap_err();
        assert_eq!(err.op, "resolve symlink");
        assert_eq!(err.path, link);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn bare_file_name_uses_current_directory() {
        assert_eq!(parent_dir(Path::new("file")), Path::new("."));
        assert_eq!(parent_dir(Path::new("a/file")), Path::new("a"));
    }
}
