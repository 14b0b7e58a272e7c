//! The copy backend on the machine's own filesystem (ext4 here): byte copies, owners kept.

use sqlrs_statefs::{Backend, CopyBackend, ReflinkMode};

use crate::loopfs::Scratch;
use crate::{gate, scenario};

#[test]
fn copy_keeps_everything_and_shares_nothing() {
    if !gate::root_tests(&[]) {
        return;
    }
    for mode in [ReflinkMode::Never, ReflinkMode::Auto] {
        let scratch = Scratch::new();
        let backend = CopyBackend::new(mode);
        assert_eq!(backend.name(), "copy");
        scenario::exercise(&backend, scratch.path());
    }
}
