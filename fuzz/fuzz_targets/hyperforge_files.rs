//! Any bytes as hyperforge's `config.yaml`, an org's `repos.yaml` and `staged-repos.yaml`,
//! and a saved plan: loading never panics, and a writer never changes a file it cannot
//! read. (`crates/hyperforge-state/tests/garbage.rs` checks the same with seeded
//! mutations in CI.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<hyperforge_plan::Plan>(data);
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let org_dir = dir.path().join("orgs/hm");
    if std::fs::create_dir_all(&org_dir).is_err() {
        return;
    }
    let config = "version: 1\nforges:\n  gh:\n    kind: github\n    api_url: https://x\n    token: env:T\norgs:\n  hm:\n    owner: me\n    forges: [gh]\n    origin: gh\n";
    for target in ["config.yaml", "orgs/hm/repos.yaml", "orgs/hm/staged-repos.yaml"] {
        let _ = std::fs::write(dir.path().join("config.yaml"), config);
        let _ = std::fs::remove_file(org_dir.join("repos.yaml"));
        let _ = std::fs::remove_file(org_dir.join("staged-repos.yaml"));
        let _ = std::fs::write(dir.path().join(target), data);
        let Ok(store) = hyperforge_state::Store::open(dir.path()) else {
            continue;
        };
        let Ok((org, _)) = store.org("hm") else {
            continue;
        };
        let org = org.clone();
        if store.load_repos(&org).is_err() || store.staged(&org).is_err() {
            let _ = store.with_org_lock(&org, |_| Ok::<_, hyperforge_state::StateError>(()));
            let after = std::fs::read(dir.path().join(target)).unwrap_or_default();
            assert_eq!(after, data, "a file the writer could not read was changed");
        }
    }
});
