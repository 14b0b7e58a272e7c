//! Reading files that may not exist and replacing files atomically.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::FsError;

/// Permission mode for newly created files when the caller does not ask for one.
const DEFAULT_MODE: u32 = 0o644;

/// Reads the whole file at `path`, returning `Ok(None)` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, FsError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        // A path under a regular file cannot exist either.
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
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
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), FsError> {
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

    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|err| FsError::new("create a temporary file in", dir, err))?;
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
    fn bare_file_name_uses_current_directory() {
        assert_eq!(parent_dir(Path::new("file")), Path::new("."));
        assert_eq!(parent_dir(Path::new("a/file")), Path::new("a"));
    }
}
