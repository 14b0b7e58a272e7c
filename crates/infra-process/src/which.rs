//! Finding programs on `PATH`.

use std::env;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Finds `program` the way a shell would: a name containing `/` is checked as given,
/// anything else is searched for in each `PATH` directory. Only regular files with an
/// executable bit count.
#[allow(
    clippy::disallowed_methods,
    reason = "looking a program up on `PATH`, as a shell does"
)]
pub fn which(program: &str) -> Option<PathBuf> {
    if program.is_empty() {
        return None;
    }
    if program.contains('/') {
        let path = Path::new(program);
        return is_executable(path).then(|| path.to_path_buf());
    }
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(".").join(program)
            } else {
                dir.join(program)
            }
        })
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_sh_on_path() {
        let found = which("sh").unwrap();
        assert!(found.is_absolute() || found.starts_with("."));
        assert!(found.ends_with("sh"));
    }

    #[test]
    fn missing_program_is_none() {
        assert_eq!(which("definitely-not-a-real-program-4711"), None);
        assert_eq!(which(""), None);
    }

    #[test]
    fn paths_with_slash_are_checked_as_given() {
        assert_eq!(which("/bin/sh"), Some(PathBuf::from("/bin/sh")));
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("script");
        fs::write(&script, "#!/bin/sh\n").unwrap();
        let as_str = script.to_str().unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(which(as_str), None, "not executable");
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(which(as_str), Some(script.clone()));
        assert_eq!(which(dir.path().to_str().unwrap()), None, "a directory");
    }
}
