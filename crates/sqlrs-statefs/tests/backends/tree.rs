//! A data-directory-like tree, and a description of a tree to compare copies by.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, lchown, symlink};
use std::path::{Path, PathBuf};

/// The owner of most of the fixture: not root, not us, so keeping it is visible.
pub const OWNER: (u32, u32) = (4242, 4343);

/// What a path is, with what matters to PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// One path of a tree: kind, permission bits (0 for a link), owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub mode: u32,
    pub owner: (u32, u32),
}

/// Every path under a root (the root itself as ``), in order.
pub type Tree = BTreeMap<PathBuf, Entry>;

/// Bytes that do not compress or repeat (a reflink test must not be fooled by holes).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

fn put(path: &Path, contents: &[u8], mode: u32, owner: (u32, u32)) {
    fs::write(path, contents).unwrap();
    lchown(path, Some(owner.0), Some(owner.1)).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn dir(path: &Path, mode: u32, owner: (u32, u32)) {
    fs::create_dir_all(path).unwrap();
    lchown(path, Some(owner.0), Some(owner.1)).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Creates `root` holding a small PostgreSQL-like data directory: modes 0700/0600, a
/// link, an empty directory, a file owned by root among files owned by [`OWNER`].
pub fn fixture(root: &Path) {
    dir(root, 0o750, OWNER);
    let pg = root.join("pgdata");
    dir(&pg.join("base/1"), 0o700, OWNER);
    dir(&pg.join("base"), 0o700, OWNER);
    dir(&pg.join("global"), 0o700, OWNER);
    dir(&pg.join("pg_tblspc"), 0o700, OWNER);
    dir(&pg, 0o700, OWNER);
    put(&pg.join("PG_VERSION"), b"15\n", 0o600, OWNER);
    put(&pg.join("base/1/1259"), &[7u8; 70_000], 0o600, OWNER);
    put(&pg.join("global/big"), &noise(4 << 20, 1), 0o600, OWNER);
    put(&pg.join("postgresql.conf"), b"port = 5432\n", 0o644, (0, 0));
    symlink("base/1", pg.join("link")).unwrap();
    lchown(pg.join("link"), Some(OWNER.0), Some(OWNER.1)).unwrap();
}

/// The description of everything under `root`.
pub fn describe(root: &Path) -> Tree {
    let mut tree = Tree::new();
    walk(root, Path::new(""), &mut tree);
    tree
}

fn walk(root: &Path, rel: &Path, tree: &mut Tree) {
    let path = root.join(rel);
    let meta = fs::symlink_metadata(&path).unwrap();
    let kind = if meta.is_dir() {
        Kind::Dir
    } else if meta.file_type().is_symlink() {
        Kind::Link(fs::read_link(&path).unwrap())
    } else {
        Kind::File(fs::read(&path).unwrap())
    };
    let mode = match kind {
        Kind::Link(_) => 0,
        _ => meta.permissions().mode() & 0o7777,
    };
    let owner = (meta.uid(), meta.gid());
    let is_dir = kind == Kind::Dir;
    tree.insert(rel.to_path_buf(), Entry { kind, mode, owner });
    if is_dir {
        for entry in fs::read_dir(&path).unwrap() {
            walk(root, &rel.join(entry.unwrap().file_name()), tree);
        }
    }
}

/// Panics naming the first path where `got` and `want` differ.
#[track_caller]
pub fn assert_same(got: &Tree, want: &Tree, what: &str) {
    for (path, w) in want {
        match got.get(path) {
            None => panic!("{what}: `{}` is missing", path.display()),
            Some(g) if g != w => panic!(
                "{what}: `{}` differs:\n  got  {}\n  want {}",
                path.display(),
                short(g),
                short(w)
            ),
            Some(_) => {}
        }
    }
    if let Some(extra) = got.keys().find(|p| !want.contains_key(*p)) {
        panic!("{what}: `{}` should not be there", extra.display());
    }
}

fn short(e: &Entry) -> String {
    let kind = match &e.kind {
        Kind::Dir => "dir".to_string(),
        Kind::File(b) => format!("file of {} bytes", b.len()),
        Kind::Link(t) => format!("link to {}", t.display()),
    };
    format!(
        "{kind}, mode {:o}, owner {}:{}",
        e.mode, e.owner.0, e.owner.1
    )
}
