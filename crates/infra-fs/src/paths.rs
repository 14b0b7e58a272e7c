//! Path helpers: lexical ones for writing portable, relative paths into generated files,
//! and [`resolve`] for finding where a path really leads.
//!
//! The two disagree when a `..` follows a symbolic link to a directory: for `reglink/../libs`
//! the OS goes to the parent of the link's *target*, while dropping `reglink/..` as text
//! lands next to the link. Which answer is right depends on the use:
//!
//! - [`normalize`] / [`relative_to`] are about text: paths shown to the user, compared as
//!   the user wrote them, or written into generated files (where keeping the user's link
//!   layout is the point). They never touch the filesystem.
//! - [`resolve`] is about the filesystem: use it before reading, writing or comparing the
//!   identity of a path that may run through a symlink, and whenever a user-supplied path
//!   contains `..`.

use std::collections::VecDeque;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::is_absent;

/// How many symbolic links one resolution follows before giving up, as Linux does.
const MAX_LINKS: usize = 40;

/// Removes `.` and resolves `..` lexically (the target may not exist yet, e.g. before a
/// clone on demand).
///
/// This is only what the OS does when no directory before a `..` is a symbolic link; use
/// [`resolve`] when the path is about to be used on the filesystem.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves `path` the way the OS does, also when its end does not exist yet.
///
/// The existing part is resolved like [`fs::canonicalize`]: every symbolic link is
/// followed (also a dangling one: the result is then where its target would be created)
/// and `..` goes to the parent of where a link really leads. Components below the first
/// one that does not exist are appended as written, with `.` and `..` handled lexically,
/// which is exact because nothing there exists yet to be a link; a `..` that climbs back
/// into existing directories continues the real resolution from there.
///
/// Meant for absolute paths: callers join a relative path to their own base directory
/// first. A relative `path` is resolved against the current directory (and only
/// normalized lexically if that cannot be determined).
///
/// Never fails and never hangs: when a component cannot be examined (a symlink loop, more
/// than 40 links, a permission error), the rest of the path from there is handled
/// lexically.
pub fn resolve(path: &Path) -> PathBuf {
    resolve_reporting(path).0
}

/// [`resolve`], also returning the error that made it fall back to lexical handling.
pub(crate) fn resolve_reporting(path: &Path) -> (PathBuf, Option<io::Error>) {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(err) => return (normalize(path), Some(err)),
        }
    };

    /// One step still to take: a component of the path or of a link target.
    enum Step {
        Root(OsString),
        Parent,
        Name(OsString),
    }
    fn steps(path: &Path) -> impl Iterator<Item = Step> + '_ {
        path.components().filter_map(|c| match c {
            Component::Prefix(_) | Component::RootDir => Some(Step::Root(c.as_os_str().into())),
            Component::CurDir => None,
            Component::ParentDir => Some(Step::Parent),
            Component::Normal(name) => Some(Step::Name(name.to_owned())),
        })
    }

    let mut todo: VecDeque<Step> = steps(&absolute).collect();
    // The real, existing directory (or file) reached so far; it contains no links.
    let mut resolved = PathBuf::new();
    // Components below `resolved` that do not exist (or could not be examined).
    let mut pending: Vec<OsString> = Vec::new();
    // Set when a component could not be examined: from there on everything is lexical.
    let mut failure: Option<io::Error> = None;
    let mut links = 0;

    while let Some(step) = todo.pop_front() {
        match step {
            Step::Root(root) => {
                resolved = PathBuf::from(root);
                pending.clear();
            }
            Step::Parent => {
                // `resolved` holds no links, so its parent is the real `..`.
                if pending.pop().is_none() {
                    resolved.pop();
                }
            }
            Step::Name(name) => {
                if failure.is_some() || !pending.is_empty() {
                    pending.push(name);
                    continue;
                }
                let candidate = resolved.join(&name);
                match fs::symlink_metadata(&candidate) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        links += 1;
                        let target = if links > MAX_LINKS {
                            Err(io::Error::from(rustix::io::Errno::LOOP))
                        } else {
                            fs::read_link(&candidate)
                        };
                        match target {
                            Ok(target) => {
                                // Continue with the link's target in place of its name; a
                                // relative target is relative to `resolved`.
                                let mut expanded: Vec<Step> = steps(&target).collect();
                                while let Some(step) = expanded.pop() {
                                    todo.push_front(step);
                                }
                            }
                            Err(err) => {
                                failure = Some(err);
                                pending.push(name);
                            }
                        }
                    }
                    Ok(_) => resolved = candidate,
                    Err(err) if is_absent(&err) => pending.push(name),
                    Err(err) => {
                        failure = Some(err);
                        pending.push(name);
                    }
                }
            }
        }
    }
    resolved.extend(pending);
    (resolved, failure)
}

/// `target` relative to directory `base`, both made absolute lexically. Uses `/` separators
/// and returns `.` for the same directory.
pub fn relative_to(target: &Path, base: &Path) -> String {
    let t = normalize(target);
    let b = normalize(base);
    let tc: Vec<_> = t.components().collect();
    let bc: Vec<_> = b.components().collect();
    let common = tc.iter().zip(bc.iter()).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..bc.len() {
        parts.push("..".into());
    }
    for c in &tc[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::time::{Duration, Instant};

    #[test]
    fn relative_paths() {
        let target = normalize(Path::new(
            "/p/registry/packages/../../packages/neo4j-client",
        ));
        assert_eq!(target, PathBuf::from("/p/packages/neo4j-client"));
        assert_eq!(
            relative_to(&target, Path::new("/p")),
            "packages/neo4j-client"
        );
        assert_eq!(
            relative_to(Path::new("/a/b"), Path::new("/a/c/d")),
            "../../b"
        );
        assert_eq!(relative_to(Path::new("/a"), Path::new("/a")), ".");
    }

    /// A temp dir (canonical, so results compare as paths) holding `shared/registry/` and a
    /// symlink `project/reglink` -> `../shared/registry`.
    fn layout() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        fs::create_dir_all(root.join("shared/registry")).unwrap();
        fs::create_dir_all(root.join("shared/libs")).unwrap();
        fs::create_dir_all(root.join("project/libs")).unwrap();
        symlink("../shared/registry", root.join("project/reglink")).unwrap();
        (dir, root)
    }

    #[test]
    fn parent_of_a_symlinked_directory_is_the_parent_of_its_target() {
        let (_dir, root) = layout();
        let path = root.join("project/reglink/../libs");
        assert_eq!(resolve(&path), root.join("shared/libs"));
        assert_eq!(
            resolve(&path),
            path.canonicalize().unwrap(),
            "as the OS does"
        );
        assert_eq!(
            normalize(&path),
            root.join("project/libs"),
            "lexical differs"
        );
    }

    #[test]
    fn plain_paths_resolve_like_normalize() {
        let (_dir, root) = layout();
        let path = root.join("project/./libs/../libs");
        assert_eq!(resolve(&path), normalize(&path));
        assert_eq!(resolve(Path::new("/")), PathBuf::from("/"));
        assert_eq!(resolve(Path::new("/..")), PathBuf::from("/"));
    }

    #[test]
    fn a_missing_tail_is_appended_lexically() {
        let (_dir, root) = layout();
        assert_eq!(
            resolve(&root.join("project/reglink/new/deeper/../file.txt")),
            root.join("shared/registry/new/file.txt")
        );
        // `..` climbing out of the missing part continues the real resolution.
        assert_eq!(
            resolve(&root.join("project/missing/../reglink/../libs")),
            root.join("shared/libs")
        );
        // Nothing can exist below a regular file either.
        fs::write(root.join("project/file"), b"x").unwrap();
        assert_eq!(
            resolve(&root.join("project/file/../x")),
            root.join("project/x")
        );
    }

    #[test]
    fn dangling_links_and_chains_are_followed() {
        let (_dir, root) = layout();
        symlink("../shared/registry/new.toml", root.join("project/dangling")).unwrap();
        assert_eq!(
            resolve(&root.join("project/dangling")),
            root.join("shared/registry/new.toml")
        );
        symlink("reglink", root.join("project/hop1")).unwrap();
        symlink(root.join("project/hop1"), root.join("project/hop2")).unwrap();
        assert_eq!(
            resolve(&root.join("project/hop2/../libs/x")),
            root.join("shared/libs/x")
        );
    }

    #[test]
    fn symlink_loops_fall_back_to_lexical_without_hanging() {
        let (_dir, root) = layout();
        symlink("loop2", root.join("project/loop1")).unwrap();
        symlink("loop1", root.join("project/loop2")).unwrap();
        symlink("self", root.join("project/self")).unwrap();
        let started = Instant::now();
        assert_eq!(
            resolve(&root.join("project/loop1/../libs")),
            root.join("project/libs")
        );
        assert_eq!(
            resolve(&root.join("project/self/x")),
            root.join("project/self/x")
        );
        let (path, err) = resolve_reporting(&root.join("project/loop2"));
        assert_eq!(path, root.join("project/loop2"));
        assert_eq!(
            err.map(|e| e.raw_os_error()),
            Some(Some(rustix::io::Errno::LOOP.raw_os_error()))
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn relative_paths_resolve_against_the_current_directory() {
        let cwd = env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(resolve(Path::new(".")), cwd);
        assert_eq!(
            resolve(Path::new("no-such-dir-4711/x")),
            cwd.join("no-such-dir-4711/x")
        );
    }
}
