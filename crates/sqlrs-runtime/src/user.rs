//! Who PostgreSQL runs as.

use std::path::Path;

use crate::RuntimeError;

/// The user and group the server and its tools run as, when sqlrs runs as root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunAs {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

impl RunAs {
    /// `None` when not root (the tools run as the current user); otherwise the ids of
    /// `user` from `/etc/passwd`.
    pub fn for_current_process(user: &str) -> Result<Option<Self>, RuntimeError> {
        if !effective_root() {
            return Ok(None);
        }
        let passwd = std::fs::read_to_string("/etc/passwd")
            .map_err(|e| RuntimeError::io("read", "/etc/passwd", e))?;
        Self::lookup(&passwd, user)
            .map(Some)
            .ok_or_else(|| RuntimeError::NoUser(user.to_string()))
    }

    /// The ids of `user` in a passwd text.
    fn lookup(passwd: &str, user: &str) -> Option<Self> {
        passwd.lines().find_map(|line| {
            let mut f = line.split(':');
            (f.next()? == user).then_some(())?;
            let _password = f.next()?;
            let uid = f.next()?.parse().ok()?;
            let gid = f.next()?.parse().ok()?;
            Some(Self { uid, gid })
        })
    }

    /// Gives `path` (not following links) to this user.
    /// Nothing is written when it already does (on an overlay clone a chown would copy
    /// the file up).
    pub fn own(&self, path: &Path) -> Result<(), RuntimeError> {
        use std::os::unix::fs::MetadataExt as _;
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.uid() == self.uid && m.gid() == self.gid)
        {
            return Ok(());
        }
        std::os::unix::fs::lchown(path, Some(self.uid), Some(self.gid))
            .map_err(|e| RuntimeError::io("change the owner of", path, e))
    }

    /// Gives `path` and everything under it to this user.
    pub fn own_tree(&self, path: &Path) -> Result<(), RuntimeError> {
        self.own(path)?;
        let meta =
            std::fs::symlink_metadata(path).map_err(|e| RuntimeError::io("read", path, e))?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| RuntimeError::io("list", path, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| RuntimeError::io("list", path, e))?;
                self.own_tree(&entry.path())?;
            }
        }
        Ok(())
    }
}

/// Whether the effective user is root, from `/proc/self/status` (no libc call needed).
fn effective_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_found_in_passwd_text() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nsqlrs:x:999:995::/home/sqlrs:/bin/false\n";
        assert_eq!(
            RunAs::lookup(passwd, "sqlrs"),
            Some(RunAs { uid: 999, gid: 995 })
        );
        assert_eq!(RunAs::lookup(passwd, "sql"), None);
    }
}
