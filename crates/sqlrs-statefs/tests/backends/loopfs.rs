//! Scratch filesystems for the tests, and the guards that take them down again.
//!
//! [`Scratch`] is a temporary directory that unmounts everything mounted under it before
//! it is deleted (an overlay clone a failed test left mounted, a loop filesystem). [`LoopFs`]
//! is a sparse image in a [`Scratch`], made into a filesystem, attached to a loop device
//! and mounted; dropping it unmounts it (and anything mounted inside) and detaches the
//! device, whether the test passed or panicked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

/// Size of the sparse images (XFS wants at least 300 MB; nothing is written up front).
const IMAGE_BYTES: u64 = 1 << 30;

/// A temporary directory whose mounts are undone before it is removed.
pub struct Scratch {
    /// Deleted by its own drop, after ours unmounted what is under it.
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Scratch {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = fs::canonicalize(dir.path()).unwrap();
        Self { _dir: dir, path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        unmount_under(&self.path);
    }
}

/// Which filesystem a [`LoopFs`] holds.
#[derive(Debug, Clone, Copy)]
pub enum Fs {
    Btrfs,
    Xfs { reflink: bool },
}

/// A filesystem on a loop device, mounted at [`LoopFs::path`].
pub struct LoopFs {
    mountpoint: PathBuf,
    device: Option<String>,
    /// Holds the image; dropped (deleted) after our drop unmounted and detached it.
    _scratch: Scratch,
}

impl LoopFs {
    pub fn new(fs: Fs) -> Self {
        let scratch = Scratch::new();
        let image = scratch.path().join("fs.img");
        fs::File::create(&image)
            .unwrap()
            .set_len(IMAGE_BYTES)
            .unwrap();
        match fs {
            Fs::Btrfs => {
                run("mkfs.btrfs", &["-q".as_ref(), image.as_os_str()]);
            }
            Fs::Xfs { reflink } => {
                let option = if reflink { "reflink=1" } else { "reflink=0" };
                run(
                    "mkfs.xfs",
                    &[
                        "-q".as_ref(),
                        "-m".as_ref(),
                        option.as_ref(),
                        image.as_os_str(),
                    ],
                );
            }
        }
        let mountpoint = scratch.path().join("mnt");
        fs::create_dir(&mountpoint).unwrap();
        let mut guard = Self {
            mountpoint,
            device: None,
            _scratch: scratch,
        };
        // Two tests asking for a free device at once could be given the same one.
        static ATTACH: Mutex<()> = Mutex::new(());
        let lock = ATTACH.lock().unwrap_or_else(PoisonError::into_inner);
        let device = run(
            "losetup",
            &["--find".as_ref(), "--show".as_ref(), image.as_os_str()],
        );
        drop(lock);
        guard.device = Some(device.trim().to_string());
        run(
            "mount",
            &[device.trim().as_ref(), guard.mountpoint.as_os_str()],
        );
        guard
    }

    pub fn path(&self) -> &Path {
        &self.mountpoint
    }
}

impl Drop for LoopFs {
    fn drop(&mut self) {
        unmount_under(&self.mountpoint);
        if let Some(device) = &self.device {
            let ok = Command::new("losetup")
                .args(["-d", device])
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                eprintln!("warning: could not detach {device}");
            }
        }
    }
}

/// Runs a tool that must succeed; its stdout.
fn run(tool: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Unmounts every mount at or under `dir`, deepest first (lazily when one is busy).
/// Never panics: it runs in `drop`, maybe while a failed test unwinds.
pub fn unmount_under(dir: &Path) {
    let Ok(table) = fs::read_to_string("/proc/self/mountinfo") else {
        return;
    };
    let mut mounts: Vec<PathBuf> = table
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|p| PathBuf::from(unescape(p)))
        .filter(|p| p.starts_with(dir))
        .collect();
    mounts.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    mounts.dedup();
    for mount in mounts {
        let unmounted = |lazy: bool| {
            let mut cmd = Command::new("umount");
            if lazy {
                cmd.arg("-l");
            }
            cmd.arg(&mount).status().is_ok_and(|s| s.success())
        };
        if !unmounted(false) && !unmounted(true) {
            eprintln!("warning: could not unmount {}", mount.display());
        }
    }
}

/// A mountinfo path: spaces, tabs, newlines and backslashes are octal escapes (`\040`).
fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            std::str::from_utf8(d)
                .ok()
                .and_then(|d| u8::from_str_radix(d, 8).ok())
        });
        match (bytes[i], octal) {
            (b'\\', Some(b)) => {
                out.push(b);
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn mountinfo_escapes_are_undone() {
    assert_eq!(unescape(r"/tmp/a\040b\134c"), r"/tmp/a b\c");
    assert_eq!(unescape("/plain"), "/plain");
}
