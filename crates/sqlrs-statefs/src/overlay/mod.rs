//! The overlay backend: a state is a stack of layers, a clone is an overlay mount of it.
//!
//! overlayfs makes a writable tree from read-only layers plus an upper directory that
//! takes every write, on any filesystem (ext4 included) and in constant time. So:
//!
//! - a **state** is a chain of layers (`.sqlrs-overlay/layers` in its directory; see
//!   [`layers`] for where layers live and how long);
//! - a **clone** is the overlay of its source's chain with a fresh upper and work directory,
//!   mounted at the destination itself. Its metadata (`.sqlrs-overlay/{upper,work,layers}`)
//!   sits in the destination *under* the mount, so the clone is one directory: unmounted it
//!   shows its parts, mounted it shows the data. A plain source directory (the base) is
//!   used as the bottom layer as it is;
//! - a **snapshot of a clone** unmounts it (its server is stopped: snapshots need that
//!   anyway), *promotes* its upper directory to a new layer by a rename (no data is copied),
//!   records the chain `[new layer, …the clone's chain]` as the state, and mounts the clone
//!   again on that chain with an empty upper: it shows the same data and goes on;
//! - **remove** unmounts a clone and deletes the directory; layers go with their last user.
//!
//! **Depth.** Each snapshot of a clone adds a layer. The kernel accepts at most 500 lower
//! layers, `mount(2)` takes its options in one page, and every lookup of a file that is
//! not in the upper walks the chain, so a chain is kept to [`OverlayBackend::MAX_LAYERS`]
//! (100): a snapshot that would make it deeper *flattens* instead — the chain is mounted
//! read-only and copied (by reflink where the filesystem can) into one new layer, which
//! becomes both the state's chain and the clone's. That costs one full copy every 100
//! snapshots of a lineage.
//!
//! Mounting needs root (or `CAP_SYS_ADMIN`); every operation that mounts says so when it is
//! refused. A snapshot of a clone whose server still runs fails (the mount is busy). After
//! a reboot clones are no longer mounted: their data is in their upper directory and their
//! chain; [`OverlayBackend::remount`] mounts one again, and a snapshot or a removal works
//! on them as they are. A chain holds a plain bottom directory (the base) by path: it must
//! not change or go while states use it.

mod layers;
mod mount;

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt, lchown};
use std::path::{Path, PathBuf};

use self::layers::{META, Pool, has_chain, held_by, read_chain};
use self::mount::{Upper, is_overlay_mount, mount, require_root, unmount};
use crate::sys::unique_name;
use crate::{Backend, CopyBackend, ReflinkMode, StateFsError};

/// The upper directory of a clone, in its [`META`].
const UPPER: &str = "upper";
/// The work directory of a clone, in its [`META`].
const WORK: &str = "work";

/// Makes states overlay layers and clones overlay mounts.
#[derive(Debug, Clone)]
pub struct OverlayBackend {
    pool: Pool,
}

/// What a path holds, as this backend sees it.
enum Tree {
    /// A clone, mounted.
    Mounted,
    /// A clone, not mounted (after a reboot, or between the steps of a snapshot).
    Clone,
    /// A state: a chain of layers.
    State,
    /// Anything else: a directory used as a layer as it is.
    Plain,
}

impl OverlayBackend {
    /// Chains deeper than this are flattened into one layer (see the module's docs).
    pub const MAX_LAYERS: usize = 100;

    /// The backend keeping its layers in `layers_dir` ([`Layout::layers`]); it must be on
    /// the same filesystem as the states and clones (layers are moved there by rename and
    /// held by hard links).
    ///
    /// [`Layout::layers`]: crate::Layout::layers
    pub fn new(layers_dir: impl Into<PathBuf>) -> Self {
        Self {
            pool: Pool::new(layers_dir.into()),
        }
    }

    /// How many layers the state at `state` stacks (1 right after a flattening); an error
    /// for a directory this backend did not make, and for a mounted clone (its chain is
    /// under its mount: ask a snapshot of it).
    pub fn depth(&self, state: &Path) -> Result<usize, StateFsError> {
        if is_overlay_mount(state)? {
            return Err(StateFsError::because(
                "read the layers of",
                state,
                io::ErrorKind::InvalidInput,
                "it is a mounted clone, whose layer list is hidden by its mount",
            ));
        }
        Ok(read_chain(&state.join(META))?.len())
    }

    /// Mounts the clone at `clone` again when it is not mounted (after a reboot); `false`
    /// when it already was. An error for anything but a clone this backend made.
    pub fn remount(&self, clone: &Path) -> Result<bool, StateFsError> {
        match Self::tree(clone)? {
            Tree::Mounted => Ok(false),
            Tree::Clone => {
                let chain = read_chain(&clone.join(META))?;
                self.mount_clone(clone, &chain).map(|()| true)
            }
            Tree::State | Tree::Plain => Err(StateFsError::because(
                "mount",
                clone,
                io::ErrorKind::InvalidInput,
                "not an overlay clone",
            )),
        }
    }

    /// Mounts and removes a scratch clone in `dir`: whether this kernel, this filesystem
    /// and this process can make clones at all (root, overlayfs, an upper-capable
    /// filesystem: overlayfs itself is not one).
    pub fn probe(&self, dir: &Path) -> Result<(), StateFsError> {
        require_root(dir)?;
        let scratch = dir.join(unique_name(".sqlrs-overlay-probe-"));
        let lower = scratch.join("lower");
        let result = fs::create_dir_all(&lower)
            .map_err(|e| StateFsError::new("create", &lower, e))
            .and_then(|()| {
                let clone = scratch.join("clone");
                self.clone_tree(&lower, &clone)?;
                self.remove(&clone)
            });
        let _ = fs::remove_dir_all(&scratch);
        result
    }

    fn tree(path: &Path) -> Result<Tree, StateFsError> {
        if is_overlay_mount(path)? {
            return Ok(Tree::Mounted);
        }
        if path.join(META).join(UPPER).is_dir() {
            return Ok(Tree::Clone);
        }
        if has_chain(path) {
            return Ok(Tree::State);
        }
        Ok(Tree::Plain)
    }

    /// The chain a copy of `src` starts from.
    fn chain_of(src: &Path) -> Result<Vec<PathBuf>, StateFsError> {
        match Self::tree(src)? {
            Tree::State => read_chain(&src.join(META)),
            Tree::Plain => {
                let meta = fs::metadata(src).map_err(|e| StateFsError::new("read", src, e))?;
                if !meta.is_dir() {
                    return Err(StateFsError::because(
                        "clone",
                        src,
                        io::ErrorKind::NotADirectory,
                        "not a directory",
                    ));
                }
                let abs = fs::canonicalize(src).map_err(|e| StateFsError::new("read", src, e))?;
                Ok(vec![abs])
            }
            Tree::Mounted | Tree::Clone => Err(StateFsError::because(
                "clone",
                src,
                io::ErrorKind::InvalidInput,
                "it is an overlay clone: snapshot it, then clone the snapshot",
            )),
        }
    }

    /// Mounts the clone at `clone` (metadata in place) on `chain`.
    fn mount_clone(&self, clone: &Path, chain: &[PathBuf]) -> Result<(), StateFsError> {
        let meta = clone.join(META);
        let (upper, work) = (meta.join(UPPER), meta.join(WORK));
        let writable = Upper {
            upper: &upper,
            work: &work,
        };
        mount(self.pool.dir(), chain, Some(writable), clone)
    }

    /// Gives `clone` an empty upper (with the owner and mode of the chain's top, which the
    /// mount shows as its root) and work directory, and the chain `chain`.
    fn fresh_upper(&self, clone: &Path, chain: &[PathBuf]) -> Result<(), StateFsError> {
        let meta = clone.join(META);
        let (upper, work) = (meta.join(UPPER), meta.join(WORK));
        for dir in [&upper, &work] {
            match fs::remove_dir_all(dir) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(StateFsError::new("remove", dir, e));
                }
                _ => {}
            }
            fs::create_dir_all(dir).map_err(|e| StateFsError::new("create", dir, e))?;
        }
        if let Some(top) = chain.first() {
            same_owner_and_mode(top, &upper)?;
        }
        self.pool.set_chain(&meta, chain)
    }

    fn clone_into(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let chain = Self::chain_of(src)?;
        self.fresh_upper(dst, &chain)?;
        self.mount_clone(dst, &chain)
    }

    /// Records `chain` as the state at `dst` (an existing directory).
    fn record_state(&self, dst: &Path, chain: &[PathBuf]) -> Result<(), StateFsError> {
        self.pool.set_chain(&dst.join(META), chain)
    }

    /// Snapshot of a clone: promote its upper to a layer (see the module's docs); the clone
    /// is mounted again afterwards on the chain its metadata names: the new one, or its old
    /// one when the promotion was undone.
    fn snapshot_clone(&self, clone: &Path, dst: &Path, mounted: bool) -> Result<(), StateFsError> {
        require_root(clone)?;
        if mounted {
            unmount(clone)?;
        }
        let meta = clone.join(META);
        let old = read_chain(&meta)?;
        let promoted = self.promote(clone, &old, dst);
        let remounted = read_chain(&meta).and_then(|chain| self.mount_clone(clone, &chain));
        promoted.and(remounted)
    }

    /// Moves the clone's upper into the pool as the new top of `old`, resets the clone onto
    /// the new chain, then records the state at `dst`. Returns the new chain. Until the
    /// clone is reset, a failure puts its upper back: the clone stays as it was.
    fn promote(
        &self,
        clone: &Path,
        old: &[PathBuf],
        dst: &Path,
    ) -> Result<Vec<PathBuf>, StateFsError> {
        fs::create_dir(dst).map_err(|e| StateFsError::new("create", dst, e))?;
        let meta = dst.join(META);
        let upper = clone.join(META).join(UPPER);
        let moved = self.pool.new_layer(&meta).and_then(|layer| {
            fs::rename(&upper, &layer).map_err(|e| StateFsError::new("move", &upper, e))?;
            Ok(layer)
        });
        let layer = match moved {
            Ok(layer) => layer,
            Err(e) => {
                let _ = self.remove(dst);
                return Err(e);
            }
        };
        let reset = self.stack(&layer, old, &meta).and_then(|chain| {
            self.fresh_upper(clone, &chain)?;
            Ok(chain)
        });
        let chain = match reset {
            Ok(chain) => chain,
            Err(e) => {
                // Only an empty upper of ours can be in the way. Should the writes not go
                // back, the unfinished state keeps holding them rather than lose them.
                let _ = fs::remove_dir_all(&upper);
                if fs::rename(&layer, &upper).is_ok() {
                    let _ = self.pool.set_chain(&clone.join(META), old);
                    let _ = self.remove(dst);
                }
                return Err(e);
            }
        };
        if let Err(e) = self.record_state(dst, &chain) {
            let _ = self.remove(dst);
            return Err(e);
        }
        Ok(chain)
    }

    /// `layer` on top of `old`, flattened into one new layer (held by `meta`) when that
    /// would be deeper than [`Self::MAX_LAYERS`].
    fn stack(
        &self,
        layer: &Path,
        old: &[PathBuf],
        meta: &Path,
    ) -> Result<Vec<PathBuf>, StateFsError> {
        let mut chain = Vec::with_capacity(old.len() + 1);
        chain.push(layer.to_path_buf());
        chain.extend_from_slice(old);
        if chain.len() > Self::MAX_LAYERS {
            chain = vec![self.flatten(&chain, meta)?];
        }
        Ok(chain)
    }

    /// One new layer (held by `meta`) with what `chain` shows: mounted read-only, copied.
    fn flatten(&self, chain: &[PathBuf], meta: &Path) -> Result<PathBuf, StateFsError> {
        let layer = self.pool.new_layer(meta)?;
        let view = PathBuf::from(format!("{}.flatten", layer.display()));
        fs::create_dir(&view).map_err(|e| StateFsError::new("create", &view, e))?;
        let copied = mount(self.pool.dir(), chain, None, &view).and_then(|()| {
            let copied = CopyBackend::new(ReflinkMode::Auto).clone_tree(&view, &layer);
            unmount(&view).and(copied)
        });
        let _ = fs::remove_dir(&view);
        copied.map(|()| layer)
    }

    /// A state from a plain directory: a new layer copying it.
    fn snapshot_plain(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        let meta = dst.join(META);
        fs::create_dir(dst).map_err(|e| StateFsError::new("create", dst, e))?;
        let result = self.pool.new_layer(&meta).and_then(|layer| {
            CopyBackend::new(ReflinkMode::Auto).clone_tree(src, &layer)?;
            self.record_state(dst, &[layer])
        });
        if result.is_err() {
            let _ = self.remove(dst);
        }
        result
    }
}

/// Gives `dst` the owner and mode of `src`.
fn same_owner_and_mode(src: &Path, dst: &Path) -> Result<(), StateFsError> {
    let meta = fs::metadata(src).map_err(|e| StateFsError::new("read", src, e))?;
    lchown(dst, Some(meta.uid()), Some(meta.gid()))
        .map_err(|e| StateFsError::new("change the owner of", dst, e))?;
    fs::set_permissions(dst, fs::Permissions::from_mode(meta.permissions().mode()))
        .map_err(|e| StateFsError::new("set permissions of", dst, e))
}

impl Backend for OverlayBackend {
    fn name(&self) -> &'static str {
        "overlay"
    }

    fn reattach(&self, clone: &Path) -> Result<bool, StateFsError> {
        self.remount(clone)
    }

    fn size(&self, state: &Path) -> u64 {
        read_chain(&state.join(META))
            .ok()
            .and_then(|chain| chain.into_iter().next())
            .map_or_else(
                || crate::apparent_size(state),
                |top| crate::apparent_size(&top),
            )
    }

    fn clone_tree(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        require_root(dst)?;
        fs::create_dir(dst).map_err(|e| StateFsError::new("create", dst, e))?;
        let result = self.clone_into(src, dst);
        if result.is_err() {
            let _ = self.remove(dst);
        }
        result
    }

    fn snapshot(&self, src: &Path, dst: &Path) -> Result<(), StateFsError> {
        match Self::tree(src)? {
            Tree::Mounted => self.snapshot_clone(src, dst, true),
            Tree::Clone => self.snapshot_clone(src, dst, false),
            Tree::State => {
                let chain = read_chain(&src.join(META))?;
                fs::create_dir(dst).map_err(|e| StateFsError::new("create", dst, e))?;
                let result = self.record_state(dst, &chain);
                if result.is_err() {
                    let _ = self.remove(dst);
                }
                result
            }
            Tree::Plain => self.snapshot_plain(src, dst),
        }
    }

    fn remove(&self, path: &Path) -> Result<(), StateFsError> {
        match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StateFsError::new("remove", path, e)),
            Ok(_) => {}
        }
        if is_overlay_mount(path)? {
            unmount(path)?;
        }
        let held: Vec<String> = held_by(&path.join(META))?.into_iter().collect();
        match fs::remove_dir_all(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(StateFsError::new("remove", path, e));
            }
            _ => {}
        }
        self.pool.release(&held)
    }
}
