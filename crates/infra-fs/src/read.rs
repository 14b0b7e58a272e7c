//! Reading a file a user wrote, refusing what is not one.
//!
//! A manifest or registry entry that is a FIFO would block the read forever, one linked to
//! `/dev/zero` would be read until memory runs out. Hand-written text files are regular
//! files of modest size; anything else is refused with an error that says what it is.

use std::fs;
use std::io::{self, Read as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

/// The largest hand-written file read, in bytes.
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;

/// The bytes of the regular file at `path` (links followed), refusing directories, FIFOs,
/// devices and files over [`MAX_TEXT_FILE`] with an `InvalidInput` error saying which.
pub fn read_text_file(path: &Path) -> io::Result<Vec<u8>> {
    read_regular_file(path, MAX_TEXT_FILE, "a text file")
}

/// As [`read_text_file`], with a missing file as `Ok(None)` and errors naming the path: for
/// state files that may not exist yet.
pub fn read_text_optional(path: &Path) -> Result<Option<Vec<u8>>, crate::FsError> {
    match read_text_file(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(crate::FsError::new("read", path, e)),
    }
}

/// The bytes of the regular file at `path` (links followed), refusing directories, FIFOs,
/// devices and files over `max` bytes (`what` names what was expected, for the message).
/// A file that grows while it is read is cut off at `max + 1` bytes and refused too.
pub fn read_regular_file(path: &Path, max: u64, what: &str) -> io::Result<Vec<u8>> {
    // Opened without blocking (a FIFO would wait for a writer), then examined through the
    // descriptor: the `fstat` a plain `fs::read` makes anyway, so the check costs nothing.
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let meta = file.metadata()?;
    let expected = what;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a FIFO, a socket or a device)"
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {what}; expected {expected}"),
        ));
    }
    let too_big = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is larger than {} MiB; expected {expected}",
                max / (1024 * 1024)
            ),
        )
    };
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_the_rest_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        fs::write(&file, "a: 1\n").unwrap();
        assert_eq!(read_text_file(&file).unwrap(), b"a: 1\n");
        let err = read_text_file(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("a directory"), "{err}");
        let err = read_text_file(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let fifo = dir.path().join("f.yaml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = read_text_file(&fifo).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
    }
}
