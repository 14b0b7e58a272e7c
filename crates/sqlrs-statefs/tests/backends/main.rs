//! The snapshot backends on real filesystems: each backend clones, snapshots (through
//! `publish`) and removes a data-directory-like tree, keeping contents, modes, owners and
//! links, with a clone's writes never showing in its source; `auto` picks per filesystem.
//!
//! btrfs and XFS (`reflink=1`) come from sparse images on loop devices in a temporary
//! directory, unmounted and detached again by a guard even when a test fails. That needs
//! root and `losetup`, `mkfs.btrfs`, `btrfs`, `mkfs.xfs`: the tests run only with
//! `SQLRS_TEST_ROOT=1` (and print a skip line otherwise); with `CI=true` as well, a missing
//! tool or privilege fails them instead of skipping.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gate;
mod loopfs;
mod scenario;
mod tree;

mod auto;
mod btrfs;
mod copy;
mod overlay;
mod reflink;

#[test]
fn every_test_file_is_part_of_a_test_target() {
    infra_testkit::assert_test_files_are_registered(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
}
