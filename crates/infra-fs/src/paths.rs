//! Lexical path helpers for writing portable, relative paths into generated files.

use std::path::{Component, Path, PathBuf};

/// Removes `.` and resolves `..` lexically (the target may not exist yet, e.g. before a
/// clone on demand).
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
}
