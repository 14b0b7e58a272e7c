//! How much a state takes and how much room the store has: `sqlrs status --cache`.

use std::io;
use std::path::Path;

/// The sum of the apparent sizes of the files under `dir` (links not followed; a file
/// that vanishes meanwhile counts zero).
pub fn apparent_size(dir: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| apparent_size(&e.path())).sum())
        .unwrap_or(0)
}

/// The size and the free space (for an unprivileged user) of the filesystem holding
/// `path`, in bytes.
pub fn space(path: &Path) -> io::Result<(u64, u64)> {
    let st = rustix::fs::statvfs(path)?;
    Ok((st.f_blocks * st.f_frsize, st.f_bavail * st.f_frsize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_add_up_and_the_disk_has_room() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(dir.path().join("a")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("a/x"), [0u8; 1000]).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("y"), [0u8; 24]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(apparent_size(dir.path()), 1024);
        let (total, free) = space(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(total >= free && total > 0);
    }
}
