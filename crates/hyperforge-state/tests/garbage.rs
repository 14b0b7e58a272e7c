//! Damaged files never panic the loaders: thousands of seeded mutations (bytes replaced,
//! inserted, deleted, the file cut short) of valid `config.yaml`, `repos.yaml` and
//! `staged-repos.yaml` load to a value or to a located error, and a writer refuses a file
//! it cannot read without changing it. (`fuzz/fuzz_targets/hyperforge_files.rs` runs the
//! same property under libFuzzer.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use hyperforge_state::Store;

const CONFIG: &str = "version: 1\ndefault_org: hm\nforges:\n  codeberg:\n    kind: gitea\n    api_url: https://codeberg.org/api/v1\n    token: keyring:codeberg\n  github:\n    kind: github\n    api_url: https://api.github.com\n    token: env:GITHUB_TOKEN\norgs:\n  hm:\n    owner:\n      codeberg: hm-mirror\n      github: hypermemetic\n    forges: [github, codeberg]\n    origin: github\n    defaults:\n      visibility: private\n      delete_grace_days: 3\nworkspaces:\n  /src/hm: hm\n";
const REPOS: &str = "version: 1\nrepos:\n  substrate:\n    description: \"Core\"\n    visibility: public\n    forges: [github, codeberg]\n    protected: true\n    retired_at: \"2026-01-01T00:00:00Z\"\n    _synced:\n      github:\n        url: https://github.com/hypermemetic/substrate\n        id: R_kg\n        synced_at: \"2025-01-08T12:00:00Z\"\n    _discovered:\n      github: true\n      last_refresh: \"2025-01-08T12:00:00Z\"\n";
const STAGED: &str = "version: 1\nchanges:\n  new-repo:\n    create:\n      description: x\n      visibility: private\n  old:\n    remove\n  a:\n    rename: b\n";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap()
    }
}

const NOISE: &[u8] = b" \n\t:-[]{}\"'#&*!|>%@`,?0123456789abcxyz\xc3\xa9\x00\xff";

fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(4) {
            0 if at < b.len() => b[at] = NOISE[rng.below(NOISE.len())],
            1 => b.insert(at, NOISE[rng.below(NOISE.len())]),
            2 if at < b.len() => {
                b.remove(at);
            }
            _ => b.truncate(at),
        }
    }
    b
}

#[test]
fn mutated_files_load_or_fail_cleanly() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let dir = tempfile::tempdir().unwrap();
    let org = common::org_name();
    let org_dir = dir.path().join("orgs/hm");
    std::fs::create_dir_all(&org_dir).unwrap();
    let mut loaded = 0;
    for i in 0..1500 {
        let (config, repos, staged) = match i % 3 {
            0 => (
                mutate(&mut rng, CONFIG),
                REPOS.as_bytes().to_vec(),
                STAGED.as_bytes().to_vec(),
            ),
            1 => (
                CONFIG.as_bytes().to_vec(),
                mutate(&mut rng, REPOS),
                STAGED.as_bytes().to_vec(),
            ),
            _ => (
                CONFIG.as_bytes().to_vec(),
                REPOS.as_bytes().to_vec(),
                mutate(&mut rng, STAGED),
            ),
        };
        std::fs::write(dir.path().join("config.yaml"), &config).unwrap();
        std::fs::write(org_dir.join("repos.yaml"), &repos).unwrap();
        std::fs::write(org_dir.join("staged-repos.yaml"), &staged).unwrap();
        let Ok(store) = Store::open(dir.path()) else {
            continue;
        };
        let _ = store.config_problems();
        if store.org("hm").is_err() {
            continue;
        }
        let (r, s) = (store.load_repos(&org), store.staged(&org));
        if r.is_ok() && s.is_ok() {
            loaded += 1;
            let _ = store.repos_problems(&org);
        } else {
            // A writer refuses what it cannot read, and leaves both files as they were.
            let _ = store.with_org_lock(&org, |_| Ok::<_, hyperforge_state::StateError>(()));
            assert_eq!(std::fs::read(org_dir.join("repos.yaml")).unwrap(), repos);
            assert_eq!(
                std::fs::read(org_dir.join("staged-repos.yaml")).unwrap(),
                staged
            );
        }
    }
    assert!(loaded > 100, "the mutations are not all fatal: {loaded}");
}
