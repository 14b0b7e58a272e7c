//! The names of the snapshot backends, as configuration spells them.
//!
//! `snapshot.backend` is a closed set; parsing it here gives every caller (the engine's
//! config, a CLI flag's possible values) the same names and the same error.

use std::fmt;
use std::str::FromStr;

use crate::error::UnknownBackend;

/// Which snapshot backend to use; [`choose`](crate::choose) makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BackendKind {
    /// The best the store's filesystem offers: `btrfs` on btrfs, `reflink` where `FICLONE`
    /// works (XFS with `reflink=1`), `copy` elsewhere.
    #[default]
    Auto,
    /// Byte copies: works everywhere, costs time in proportion to the data.
    Copy,
    /// Copies sharing data blocks (`FICLONE`); the store's filesystem must support it.
    Reflink,
    /// btrfs subvolumes and snapshots; the store must be on btrfs.
    Btrfs,
    /// overlayfs layers; needs root.
    Overlay,
}

impl BackendKind {
    /// Every kind, in the order the names are listed.
    pub const ALL: [BackendKind; 5] = [
        BackendKind::Auto,
        BackendKind::Copy,
        BackendKind::Reflink,
        BackendKind::Btrfs,
        BackendKind::Overlay,
    ];

    /// Its name: `auto`, `copy`, `reflink`, `btrfs` or `overlay`.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Auto => "auto",
            BackendKind::Copy => "copy",
            BackendKind::Reflink => "reflink",
            BackendKind::Btrfs => "btrfs",
            BackendKind::Overlay => "overlay",
        }
    }
}

/// The names, in backticks, comma-separated: for messages.
pub(crate) fn listed() -> String {
    BackendKind::ALL
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BackendKind {
    type Err = UnknownBackend;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownBackend(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_nothing_else_does() {
        for kind in BackendKind::ALL {
            assert_eq!(kind.name().parse::<BackendKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
        }
        for bad in ["", "zfs", "Btrfs", " copy", "overlayfs"] {
            let err = bad.parse::<BackendKind>().unwrap_err();
            assert_eq!(err, UnknownBackend(bad.to_string()));
        }
        assert!(
            "zfs"
                .parse::<BackendKind>()
                .unwrap_err()
                .to_string()
                .ends_with("expected one of `auto`, `copy`, `reflink`, `btrfs`, `overlay`")
        );
    }
}
