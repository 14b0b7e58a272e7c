//! Any bytes as `hsm.yaml`: parsing and key-position lookup must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let root = std::path::Path::new("/nonexistent-project");
    if let Err(e) = hsm_resolve::ProjectFile::parse(root, text.to_string()) {
        let _ = e.to_string();
    }
    let index = infra_yaml::PathIndex::build(text);
    let _ = index.locate("services.container_groups.db.selection");
    let _ = index.locate("packages[3]");
});
