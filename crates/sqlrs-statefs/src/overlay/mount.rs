//! Mounting and unmounting the overlays of clones.
//!
//! `mount(2)` takes its options in one page (4096 bytes), which caps how many layers an
//! overlay can name by absolute path. So `mount` runs with the layer pool as its working
//! directory and names pool layers relatively (`lowerdir=l1f-…:l1f-…`, ~20 bytes a layer):
//! the 100-layer chains [`OverlayBackend`](super::OverlayBackend) allows fit with room to
//! spare (the kernel's own limit is 500 layers). Unmounting is one syscall.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use infra_process::Cmd;

use crate::sys::{OVERLAY_MAGIC, fs_magic, is_mount_root, is_root};
use crate::{StateFsError, tool};

/// The writable half of a clone's overlay.
pub(super) struct Upper<'a> {
    /// Where writes go.
    pub(super) upper: &'a Path,
    /// The kernel's scratch directory (same filesystem as `upper`).
    pub(super) work: &'a Path,
}

/// Refuses before anything is changed when we may not mount.
pub(super) fn require_root(path: &Path) -> Result<(), StateFsError> {
    if is_root() {
        return Ok(());
    }
    Err(StateFsError::because(
        "mount an overlay at",
        path,
        io::ErrorKind::PermissionDenied,
        "the overlay backend mounts filesystems, which needs root: run sqlrs as root, or \
         use the `copy` or `reflink` backend",
    ))
}

/// Mounts the overlay of `lowers` (topmost first) at `target`: writable with `upper`,
/// read-only without (then at least two layers are needed).
pub(super) fn mount(
    pool: &Path,
    lowers: &[PathBuf],
    upper: Option<Upper<'_>>,
    target: &Path,
) -> Result<(), StateFsError> {
    require_root(target)?;
    let mut options = OsString::from("lowerdir=");
    let mut relative = false;
    for (i, layer) in lowers.iter().enumerate() {
        if i > 0 {
            options.push(":");
        }
        let named = match (layer.parent(), layer.file_name()) {
            (Some(dir), Some(name)) if dir == pool => {
                relative = true;
                name
            }
            _ => layer.as_os_str(),
        };
        options.push(checked(named, layer)?);
    }
    if let Some(u) = upper {
        options.push(",upperdir=");
        options.push(checked(u.upper.as_os_str(), u.upper)?);
        options.push(",workdir=");
        options.push(checked(u.work.as_os_str(), u.work)?);
    }
    let mut cmd = Cmd::new("mount")
        .args(["-t", "overlay", "overlay", "-o"])
        .arg(options)
        .arg(target);
    if relative {
        cmd = cmd.current_dir(pool);
    }
    tool::run(cmd, "mount an overlay at", target)
}

/// `part` when the kernel can parse it in a `lowerdir`/`upperdir` list (no `:` or `,`,
/// which separate entries, no `\`, which escapes, no newline).
fn checked<'a>(
    part: &'a std::ffi::OsStr,
    path: &Path,
) -> Result<&'a std::ffi::OsStr, StateFsError> {
    if part
        .as_bytes()
        .iter()
        .any(|b| matches!(b, b':' | b',' | b'\\' | b'\n'))
    {
        return Err(StateFsError::because(
            "use as an overlay layer",
            path,
            io::ErrorKind::InvalidInput,
            "the path contains `:`, `,`, `\\` or a newline, which overlay options cannot hold",
        ));
    }
    Ok(part)
}

/// Unmounts the overlay at `target`; busy for longer than a second (a server still running
/// in it) is an error. A mount whose files were just closed can be busy for a moment (the
/// kernel releases them lazily, and another process scanning mounts may hold it), so EBUSY
/// is tried again for up to a second; found by a CI run where a fresh flatten was busy.
pub(super) fn unmount(target: &Path) -> Result<(), StateFsError> {
    let mut tries = 0;
    loop {
        match rustix::mount::unmount(target, rustix::mount::UnmountFlags::empty()) {
            Err(rustix::io::Errno::BUSY) if tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other.map_err(|e| StateFsError::new("unmount", target, e.into())),
        }
    }
}

/// Whether an overlay is mounted at `path` (not merely `path` inside one, as everything
/// is when the store itself lives in a container's overlay).
pub(super) fn is_overlay_mount(path: &Path) -> Result<bool, StateFsError> {
    let read = |e| StateFsError::new("read", path, e);
    Ok(fs_magic(path).map_err(read)? == OVERLAY_MAGIC && is_mount_root(path).map_err(read)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_in_a_path_are_refused_before_mounting() {
        for bad in ["/s/a:b", "/s/a,b", "/s/a\\b", "/s/a\nb"] {
            let p = Path::new(bad);
            let e = checked(p.as_os_str(), p).unwrap_err();
            assert_eq!(e.source.kind(), io::ErrorKind::InvalidInput);
        }
        let ok = Path::new("/s/a b/l-1");
        assert!(checked(ok.as_os_str(), ok).is_ok());
    }

    #[test]
    fn a_plain_directory_is_not_an_overlay_mount() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_overlay_mount(dir.path()).unwrap());
    }
}
