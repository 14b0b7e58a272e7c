//! A throw-away directory per test, and byte-exact snapshots of directory trees.
//!
//! Integration tests run the real binary on real files, so each test needs its own copy of
//! its fixtures that it may freely break, and that disappears afterwards: a [`Scratch`].
//! The products promise that a failed or refused command leaves the user's files exactly as
//! they were; [`TreeSnapshot`] records every directory, file (bytes and permission bits) and
//! symlink of a tree so a test can prove it, and [`assert_unchanged`] says precisely what
//! differs — with the text of each changed file — when the promise is broken.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A temporary directory, deleted on drop.
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Scratch {
    /// A fresh empty directory.
    #[track_caller]
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("testkit-")
            .tempdir()
            .unwrap_or_else(|e| panic!("create a scratch directory: {e}"));
        Self { dir }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` inside the scratch (not created).
    pub fn child(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.path().join(rel)
    }

    /// Writes `contents` to `rel`, creating parent directories; returns the full path.
    #[track_caller]
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.child(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        p
    }

    /// Reads `rel` as text.
    #[track_caller]
    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        let p = self.child(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    /// Copies the contents of the directory `from` into `rel` (`""` for the scratch itself),
    /// leaving out every entry — file, symlink or whole directory — whose *source* path
    /// `skip` accepts. Files keep their permission bits; symlinks are recreated as symlinks.
    /// Returns the destination.
    #[track_caller]
    pub fn copy_tree(
        &self,
        from: impl AsRef<Path>,
        rel: impl AsRef<Path>,
        skip: &dyn Fn(&Path) -> bool,
    ) -> PathBuf {
        let to = self.child(rel);
        copy_dir(from.as_ref(), &to, skip);
        to
    }

    /// Every entry under the scratch.
    #[track_caller]
    pub fn snapshot(&self) -> TreeSnapshot {
        TreeSnapshot::capture(self.path())
    }
}

#[track_caller]
fn copy_dir(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in sorted_entries(from) {
        let src = entry.path();
        if skip(&src) {
            continue;
        }
        let dst = to.join(entry.file_name());
        let ft = entry
            .file_type()
            .unwrap_or_else(|e| panic!("stat {}: {e}", src.display()));
        if ft.is_dir() {
            copy_dir(&src, &dst, skip);
        } else if ft.is_symlink() {
            let target = std::fs::read_link(&src)
                .unwrap_or_else(|e| panic!("readlink {}: {e}", src.display()));
            std::os::unix::fs::symlink(&target, &dst)
                .unwrap_or_else(|e| panic!("symlink {}: {e}", dst.display()));
        } else {
            std::fs::copy(&src, &dst)
                .unwrap_or_else(|e| panic!("copy {} to {}: {e}", src.display(), dst.display()));
        }
    }
}

#[track_caller]
fn sorted_entries(dir: &Path) -> Vec<std::fs::DirEntry> {
    let rd = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("list {}: {e}", dir.display()));
    let mut entries: Vec<_> = rd
        .map(|e| e.unwrap_or_else(|e| panic!("list {}: {e}", dir.display())))
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    entries
}

/// One path of a [`TreeSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A directory.
    Dir,
    /// A regular file: its bytes and permission bits (`mode & 0o7777`).
    File {
        /// The content.
        bytes: Vec<u8>,
        /// Permission bits.
        mode: u32,
    },
    /// A symlink (not followed) and its target.
    Symlink(PathBuf),
}

impl Entry {
    fn kind(&self) -> &'static str {
        match self {
            Entry::Dir => "directory",
            Entry::File { .. } => "file",
            Entry::Symlink(_) => "symlink",
        }
    }
}

/// Every directory, file and symlink under a root, by path relative to it (the root itself
/// is not an entry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeSnapshot {
    /// The entries, by relative path.
    pub entries: BTreeMap<PathBuf, Entry>,
}

impl TreeSnapshot {
    /// Everything under `root` (a missing root gives an empty snapshot).
    #[track_caller]
    pub fn capture(root: impl AsRef<Path>) -> Self {
        Self::capture_skipping(root, &|_| false)
    }

    /// Everything under `root` except the entries (and whole directories) whose path `skip`
    /// accepts — e.g. a virtual environment the test does not care about.
    #[track_caller]
    pub fn capture_skipping(root: impl AsRef<Path>, skip: &dyn Fn(&Path) -> bool) -> Self {
        let root = root.as_ref();
        let mut snap = Self::default();
        if root.is_dir() {
            snap.walk(root, root, skip);
        }
        snap
    }

    #[track_caller]
    fn walk(&mut self, root: &Path, dir: &Path, skip: &dyn Fn(&Path) -> bool) {
        for e in sorted_entries(dir) {
            let p = e.path();
            if skip(&p) {
                continue;
            }
            let rel = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            let ft = e
                .file_type()
                .unwrap_or_else(|err| panic!("stat {}: {err}", p.display()));
            if ft.is_dir() {
                self.entries.insert(rel, Entry::Dir);
                self.walk(root, &p, skip);
            } else if ft.is_symlink() {
                let target = std::fs::read_link(&p)
                    .unwrap_or_else(|err| panic!("readlink {}: {err}", p.display()));
                self.entries.insert(rel, Entry::Symlink(target));
            } else {
                let bytes =
                    std::fs::read(&p).unwrap_or_else(|err| panic!("read {}: {err}", p.display()));
                let mode = e
                    .metadata()
                    .unwrap_or_else(|err| panic!("stat {}: {err}", p.display()))
                    .permissions()
                    .mode()
                    & 0o7777;
                self.entries.insert(rel, Entry::File { bytes, mode });
            }
        }
    }

    /// One line per difference from `self` (before) to `after`, in path order:
    /// `added: P (file)`, `removed: P (directory)`, `changed: P (content)`,
    /// `changed: P (mode 644 -> 755)`, `changed: P (content, mode 644 -> 755)`,
    /// `changed: P (symlink target a -> b)`, `changed: P (file -> directory)`.
    /// Empty when nothing changed.
    pub fn diff(&self, after: &TreeSnapshot) -> Vec<String> {
        let mut out = Vec::new();
        let paths: std::collections::BTreeSet<&PathBuf> =
            self.entries.keys().chain(after.entries.keys()).collect();
        for p in paths {
            let shown = p.display();
            match (self.entries.get(p), after.entries.get(p)) {
                (None, Some(a)) => out.push(format!("added: {shown} ({})", a.kind())),
                (Some(b), None) => out.push(format!("removed: {shown} ({})", b.kind())),
                (Some(b), Some(a)) if b != a => {
                    out.push(format!("changed: {shown} ({})", change(b, a)))
                }
                _ => {}
            }
        }
        out
    }
}

fn change(before: &Entry, after: &Entry) -> String {
    match (before, after) {
        (Entry::File { bytes: b, mode: bm }, Entry::File { bytes: a, mode: am }) => {
            let mut parts = Vec::new();
            if b != a {
                parts.push("content".to_string());
            }
            if bm != am {
                parts.push(format!("mode {bm:o} -> {am:o}"));
            }
            parts.join(", ")
        }
        (Entry::Symlink(b), Entry::Symlink(a)) => {
            format!("symlink target {} -> {}", b.display(), a.display())
        }
        (b, a) => format!("{} -> {}", b.kind(), a.kind()),
    }
}

/// Panics unless `before` and `after` are identical, listing every difference and showing
/// the before/after text of each changed or removed file and each added file.
#[track_caller]
pub fn assert_unchanged(before: &TreeSnapshot, after: &TreeSnapshot) {
    let diff = before.diff(after);
    if diff.is_empty() {
        return;
    }
    let mut msg = format!("the tree changed ({} differences):\n", diff.len());
    for line in &diff {
        let _ = writeln!(msg, "  {line}");
    }
    let paths: std::collections::BTreeSet<&PathBuf> =
        before.entries.keys().chain(after.entries.keys()).collect();
    for p in paths {
        let (b, a) = (before.entries.get(p), after.entries.get(p));
        if b == a {
            continue;
        }
        let b = file_text(b);
        let a = file_text(a);
        if b.is_none() && a.is_none() {
            continue;
        }
        let _ = write!(msg, "\n=== {}\n", p.display());
        for (label, text) in [("before", b), ("after", a)] {
            match text {
                Some(t) => {
                    let _ = write!(msg, "--- {label}\n{t}");
                    if !t.ends_with('\n') {
                        msg.push_str("\n\\ no newline at end\n");
                    }
                }
                None => {
                    let _ = writeln!(msg, "--- {label}: (no file)");
                }
            }
        }
    }
    panic!("{msg}");
}

fn file_text(e: Option<&Entry>) -> Option<String> {
    match e {
        Some(Entry::File { bytes, .. }) => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_creates_parents_and_read_reads() {
        let s = Scratch::new();
        let p = s.write("a/b/c.txt", "hi\n");
        assert_eq!(p, s.child("a/b/c.txt"));
        assert_eq!(s.read("a/b/c.txt"), "hi\n");
    }

    #[test]
    fn copy_tree_skips_what_the_predicate_rejects() {
        let src = Scratch::new();
        src.write("keep.txt", "k");
        src.write("sub/keep.txt", "k2");
        src.write(".venv/lib/x.py", "x");
        src.write("sub/uv.lock", "lock");
        let exe = src.write("run.sh", "#!/bin/sh\n");
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink("keep.txt", src.child("link")).unwrap();

        let dst = Scratch::new();
        let to = dst.copy_tree(src.path(), "copy", &|p| {
            p.file_name()
                .is_some_and(|n| n == ".venv" || n == "uv.lock")
        });
        assert_eq!(to, dst.child("copy"));
        let snap = TreeSnapshot::capture(&to);
        let paths: Vec<_> = snap
            .entries
            .keys()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(paths, ["keep.txt", "link", "run.sh", "sub", "sub/keep.txt"]);
        assert_eq!(
            snap.entries[Path::new("link")],
            Entry::Symlink("keep.txt".into())
        );
        assert!(matches!(
            snap.entries[Path::new("run.sh")],
            Entry::File { mode: 0o755, .. }
        ));
    }

    #[test]
    fn an_untouched_tree_has_no_diff() {
        let s = Scratch::new();
        s.write("a/b", "x");
        assert_eq!(s.snapshot().diff(&s.snapshot()), Vec::<String>::new());
        assert_unchanged(&s.snapshot(), &s.snapshot());
    }

    #[test]
    fn diff_names_every_kind_of_change() {
        let s = Scratch::new();
        s.write("changed", "1");
        s.write("moded", "m");
        s.write("removed", "r");
        s.write("became-dir", "f");
        std::os::unix::fs::symlink("a", s.child("link")).unwrap();
        let before = s.snapshot();

        s.write("changed", "2");
        std::fs::set_permissions(s.child("moded"), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::remove_file(s.child("removed")).unwrap();
        std::fs::remove_file(s.child("became-dir")).unwrap();
        std::fs::create_dir(s.child("became-dir")).unwrap();
        std::fs::remove_file(s.child("link")).unwrap();
        std::os::unix::fs::symlink("b", s.child("link")).unwrap();
        s.write("new/file", "n");
        let after = s.snapshot();

        let mode = before.entries[Path::new("moded")].clone();
        let Entry::File { mode, .. } = mode else {
            panic!()
        };
        assert_eq!(
            before.diff(&after),
            [
                "changed: became-dir (file -> directory)".to_string(),
                "changed: changed (content)".to_string(),
                "changed: link (symlink target a -> b)".to_string(),
                format!("changed: moded (mode {mode:o} -> 600)"),
                "added: new (directory)".to_string(),
                "added: new/file (file)".to_string(),
                "removed: removed (file)".to_string(),
            ]
        );
    }

    #[test]
    fn capture_skipping_leaves_out_whole_directories() {
        let s = Scratch::new();
        s.write(".venv/x", "x");
        s.write("a", "a");
        let snap = TreeSnapshot::capture_skipping(s.path(), &|p| p.ends_with(".venv"));
        assert_eq!(snap.entries.keys().collect::<Vec<_>>(), [Path::new("a")]);
    }

    #[test]
    fn a_missing_root_is_empty() {
        let s = Scratch::new();
        assert!(TreeSnapshot::capture(s.child("nope")).entries.is_empty());
    }

    #[test]
    fn assert_unchanged_shows_the_text_of_changed_files() {
        let s = Scratch::new();
        s.write("pyproject.toml", "old\n");
        let before = s.snapshot();
        s.write("pyproject.toml", "new");
        s.write("left-behind", "junk\n");
        let after = s.snapshot();
        let msg = std::panic::catch_unwind(|| assert_unchanged(&before, &after))
            .unwrap_err()
            .downcast::<String>()
            .unwrap();
        assert_eq!(
            *msg,
            "the tree changed (2 differences):\n  added: left-behind (file)\n  changed: pyproject.toml (content)\n\
             \n=== left-behind\n--- before: (no file)\n--- after\njunk\n\
             \n=== pyproject.toml\n--- before\nold\n--- after\nnew\n\\ no newline at end\n"
        );
    }
}
