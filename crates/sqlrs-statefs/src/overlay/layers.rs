//! Layers: where they live, which trees use them, and when they go.
//!
//! A layer is a directory in the pool (`<store>/layers/<id>`), named independently of any
//! state, because states are renamed (publication moves a staging directory into place)
//! while clones keep naming their layers. A layered tree — a state or a clone — keeps its
//! chain in `.sqlrs-overlay/layers` (absolute paths, topmost first) and holds each pool
//! layer it uses by a hard link `.sqlrs-overlay/refs/<id>` to the layer's `<id>.ref` file.
//! The link count of `<id>.ref` is then one plus the number of trees holding the layer,
//! kept by the filesystem itself, so no crash can leave it wrong: when a removed tree was
//! the last holder, the layer is deleted. Removing a state therefore never breaks the
//! states built on it, nor the clones running on it; its layers live on while used.
//!
//! A chain may also name a plain directory (the base `initdb` made) as its bottom layer;
//! it is not counted and must outlive its users, as the base does.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::StateFsError;
use crate::sys::unique_name;

/// The metadata directory of a layered tree.
pub(super) const META: &str = ".sqlrs-overlay";
/// The chain file in [`META`].
const LAYERS: &str = "layers";
/// The directory of held references in [`META`].
const REFS: &str = "refs";
/// The chain file's first line: its format.
const HEADER: &str = "sqlrs-overlay-layers 1";

/// The directory holding every layer of a store.
#[derive(Debug, Clone)]
pub(super) struct Pool {
    dir: PathBuf,
}

impl Pool {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The id of `layer` when it is in the pool.
    fn id_of(&self, layer: &Path) -> Option<String> {
        (layer.parent() == Some(self.dir.as_path()))
            .then(|| layer.file_name().map(|n| n.to_string_lossy().into_owned()))
            .flatten()
    }

    fn ref_file(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.ref"))
    }

    /// A new layer's path (not created: the caller moves or copies a directory there),
    /// already held by the tree whose metadata is `meta`.
    pub(super) fn new_layer(&self, meta: &Path) -> Result<PathBuf, StateFsError> {
        fs::create_dir_all(&self.dir).map_err(|e| StateFsError::new("create", &self.dir, e))?;
        let refs = meta.join(REFS);
        fs::create_dir_all(&refs).map_err(|e| StateFsError::new("create", &refs, e))?;
        loop {
            let id = unique_name("l");
            let held = refs.join(&id);
            fs::File::create_new(&held).map_err(|e| StateFsError::new("create", &held, e))?;
            match fs::hard_link(&held, self.ref_file(&id)) {
                Ok(()) => return Ok(self.dir.join(id)),
                Err(e) => {
                    let _ = fs::remove_file(&held);
                    if e.kind() != io::ErrorKind::AlreadyExists {
                        return Err(StateFsError::new("link", self.ref_file(&id), e));
                    }
                }
            }
        }
    }

    /// Makes the tree whose metadata is `meta` use `chain`: holds its pool layers, writes
    /// the chain file, then lets go of the layers it held before and no longer uses.
    pub(super) fn set_chain(&self, meta: &Path, chain: &[PathBuf]) -> Result<(), StateFsError> {
        let refs = meta.join(REFS);
        fs::create_dir_all(&refs).map_err(|e| StateFsError::new("create", &refs, e))?;
        let want: BTreeSet<String> = chain.iter().filter_map(|l| self.id_of(l)).collect();
        let had = held_by(meta)?;
        for id in want.difference(&had) {
            fs::hard_link(self.ref_file(id), refs.join(id))
                .map_err(|e| StateFsError::new("link", self.ref_file(id), e))?;
        }
        write_chain(meta, chain)?;
        let dropped: Vec<String> = had.difference(&want).cloned().collect();
        for id in &dropped {
            let held = refs.join(id);
            fs::remove_file(&held).map_err(|e| StateFsError::new("remove", &held, e))?;
        }
        self.release(&dropped)
    }

    /// Deletes the layers among `ids` that no tree holds any more.
    pub(super) fn release(&self, ids: &[String]) -> Result<(), StateFsError> {
        for id in ids {
            let ref_file = self.ref_file(id);
            match fs::symlink_metadata(&ref_file) {
                Ok(m) if m.nlink() == 1 => {}
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(StateFsError::new("read", &ref_file, e)),
            }
            let layer = self.dir.join(id);
            match fs::remove_dir_all(&layer) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(StateFsError::new("remove", &layer, e));
                }
                _ => {}
            }
            // Last, so a removal cut short leaves a `.ref` no tree holds, not a lost layer.
            fs::remove_file(&ref_file).map_err(|e| StateFsError::new("remove", &ref_file, e))?;
        }
        Ok(())
    }
}

/// The ids of the pool layers the tree whose metadata is `meta` holds.
pub(super) fn held_by(meta: &Path) -> Result<BTreeSet<String>, StateFsError> {
    let refs = meta.join(REFS);
    let entries = match fs::read_dir(&refs) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(StateFsError::new("list", &refs, e)),
    };
    let mut ids = BTreeSet::new();
    for entry in entries {
        let entry = entry.map_err(|e| StateFsError::new("list", &refs, e))?;
        ids.insert(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(ids)
}

/// The chain of the tree whose metadata is `meta`, topmost layer first.
pub(super) fn read_chain(meta: &Path) -> Result<Vec<PathBuf>, StateFsError> {
    let file = meta.join(LAYERS);
    let bytes = fs::read(&file).map_err(|e| StateFsError::new("read", &file, e))?;
    let mut lines = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    if lines.next() != Some(HEADER.as_bytes()) {
        return Err(StateFsError::because(
            "read",
            &file,
            io::ErrorKind::InvalidData,
            format!("not a layer list: expected its first line to be `{HEADER}`"),
        ));
    }
    let chain: Vec<PathBuf> = lines
        .map(|l| PathBuf::from(std::ffi::OsStr::from_bytes(l)))
        .collect();
    if chain.is_empty() {
        return Err(StateFsError::because(
            "read",
            &file,
            io::ErrorKind::InvalidData,
            "the layer list is empty",
        ));
    }
    Ok(chain)
}

/// Writes the chain file whole (a temporary file renamed over it).
fn write_chain(meta: &Path, chain: &[PathBuf]) -> Result<(), StateFsError> {
    let mut text = format!("{HEADER}\n").into_bytes();
    for layer in chain {
        text.extend_from_slice(layer.as_os_str().as_bytes());
        text.push(b'\n');
    }
    let file = meta.join(LAYERS);
    let tmp = meta.join(format!("{LAYERS}.tmp"));
    fs::write(&tmp, text).map_err(|e| StateFsError::new("write", &tmp, e))?;
    fs::rename(&tmp, &file).map_err(|e| StateFsError::new("rename", &tmp, e))
}

/// Whether `path` is a layered tree that is not a clone (it has a chain and no upper).
pub(super) fn has_chain(path: &Path) -> bool {
    path.join(META).join(LAYERS).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_lives_while_a_tree_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::new(dir.path().join("layers"));
        let (a, b) = (
            dir.path().join("a").join(META),
            dir.path().join("b").join(META),
        );
        let layer = pool.new_layer(&a).unwrap();
        fs::create_dir(&layer).unwrap();
        fs::write(layer.join("f"), "x").unwrap();
        let base = dir.path().join("base");
        pool.set_chain(&a, &[layer.clone(), base.clone()]).unwrap();
        pool.set_chain(&b, &[layer.clone(), base.clone()]).unwrap();
        assert_eq!(read_chain(&a).unwrap(), [layer.clone(), base.clone()]);
        assert!(has_chain(&dir.path().join("a")));

        // `a` lets go: `b` still holds it.
        pool.set_chain(&a, std::slice::from_ref(&base)).unwrap();
        assert!(layer.join("f").exists());
        // `b` is removed: nobody holds it.
        let held: Vec<String> = held_by(&b).unwrap().into_iter().collect();
        fs::remove_dir_all(dir.path().join("b")).unwrap();
        pool.release(&held).unwrap();
        assert!(!layer.exists());
        assert_eq!(fs::read_dir(pool.dir()).unwrap().count(), 0);
    }

    #[test]
    fn a_foreign_chain_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(LAYERS), "something else\n/x\n").unwrap();
        let e = read_chain(dir.path()).unwrap_err();
        assert_eq!(e.source.kind(), io::ErrorKind::InvalidData);
        fs::write(dir.path().join(LAYERS), format!("{HEADER}\n")).unwrap();
        assert!(read_chain(dir.path()).is_err());
    }
}
