//! Local paths: the original resolved them against the project root, hsm against the
//! registry file that names them.
//!
//! A path is rewritten so that it names the same directory from the registry file's folder.
//! When a file is not plainly the original's (it may already have been migrated, by this
//! project or another sharing the registry), a path is rewritten only if it exists from the
//! project root and not from the registry file — so migrating twice never moves a path twice.

use std::path::Path;

/// Which relative paths of a file are rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// None (telling whether a file is the original's at all).
    Never,
    /// Those that exist from the project root and not from the registry file.
    Guarded,
    /// Every one (a file plainly in the original's vocabulary).
    Always,
}

/// How paths of one registry file are rebased.
pub(crate) struct Rebase<'a> {
    /// The project root the original resolved paths against.
    pub(crate) project_root: &'a Path,
    /// The folder of the converted registry file.
    pub(crate) file_dir: &'a Path,
    /// Which paths to rewrite.
    pub(crate) policy: Policy,
    /// Whether a path exists (the caller's view of the filesystem).
    pub(crate) exists: &'a dyn Fn(&Path) -> bool,
}

impl Rebase<'_> {
    /// The path to write for `path`, or `None` to keep it.
    pub(crate) fn path(&self, path: &str) -> Option<String> {
        if path.is_empty()
            || Path::new(path).is_absolute()
            || path.starts_with('~')
            || path.starts_with('$')
        {
            return None;
        }
        let target = self.project_root.join(path);
        let rewrite = match self.policy {
            Policy::Never => false,
            Policy::Always => true,
            Policy::Guarded => (self.exists)(&target) && !(self.exists)(&self.file_dir.join(path)),
        };
        if !rewrite {
            return None;
        }
        let rel = infra_fs::relative_to(&target, self.file_dir);
        (rel != path).then_some(rel)
    }

    /// Whether `path`, as the converted file will say it, names something that exists.
    pub(crate) fn resolves(&self, path: &str) -> bool {
        (self.exists)(&self.file_dir.join(path))
    }

    /// For a path kept as it was in a file that may already have been migrated: where it
    /// points when that is outside the project (so the original meant something else).
    pub(crate) fn outside(&self, path: &str) -> Option<String> {
        if self.policy != Policy::Guarded || Path::new(path).is_absolute() {
            return None;
        }
        let target = infra_fs::relative_to(&self.file_dir.join(path), self.project_root);
        target.starts_with("..").then_some(target)
    }

    /// A volume in compose short syntax: the host side is rebased when it is a relative path
    /// (`./data:/data`); named volumes and absolute paths stay.
    pub(crate) fn volume(&self, volume: &str) -> Option<String> {
        let (host, rest) = volume.split_once(':')?;
        if !host.starts_with('.') {
            return None;
        }
        let new = self.path(host)?;
        let new = if new.starts_with('.') {
            new
        } else {
            format!("./{new}")
        };
        Some(format!("{new}:{rest}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_move_from_the_project_to_the_registry_file() {
        let never = |_: &Path| false;
        let rb = Rebase {
            project_root: Path::new("/p"),
            file_dir: Path::new("/p/hsm-registry/packages"),
            policy: Policy::Always,
            exists: &never,
        };
        assert_eq!(rb.path("libs/x").as_deref(), Some("../../libs/x"));
        assert_eq!(rb.path("/abs/x"), None);
        assert_eq!(
            rb.volume("./data:/data").as_deref(),
            Some("../../data:/data")
        );
        assert_eq!(rb.volume("pgdata:/var/lib"), None);
    }

    #[test]
    fn unmarked_files_move_only_paths_that_resolve_from_the_project() {
        let exists = |p: &Path| p == Path::new("/p/libs/x");
        let rb = Rebase {
            project_root: Path::new("/p"),
            file_dir: Path::new("/p/hsm-registry/packages"),
            policy: Policy::Guarded,
            exists: &exists,
        };
        assert_eq!(rb.path("libs/x").as_deref(), Some("../../libs/x"));
        assert_eq!(rb.path("../../libs/x"), None);
    }
}
