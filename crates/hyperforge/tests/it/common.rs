//! One isolated hyperforge world: two emulated forges, a clean environment for the binary
//! (its config directory under the test's XDG_CONFIG_HOME), the forge tokens in
//! environment variables, and helpers to look at the forges directly.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hyperforge_emulator::Running;
use hyperforge_forge::{Dialect, Forge, NewRepo, RemoteRepo, RepoPatch, RestForge, RetryPolicy};
use infra_testkit::{Scratch, TestCommand, Transcript};

pub const GH_TOKEN: &str = "gh-secret-token-1234";
pub const CB_TOKEN: &str = "cb-secret-token-5678";

/// The emulator binary, built once per test run.
fn emulator_bin() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let ok = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "hyperforge-emulator"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap()
            .success();
        assert!(ok, "cargo build -p hyperforge-emulator failed");
    });
    Path::new(env!("CARGO_BIN_EXE_hyperforge")).with_file_name("forge-emulator")
}

pub struct World {
    pub scratch: Scratch,
    pub gh: Running,
    pub cb: Running,
    /// A workspace directory (not bound until a test binds it).
    pub ws: PathBuf,
}

impl World {
    /// Two forges: `acme` is an org owned by alice on GitHub, `acme-mirror` on Gitea.
    pub fn new() -> Self {
        let bin = emulator_bin();
        let gh = Running::start(
            &bin,
            "github",
            &[&format!("alice:{GH_TOKEN}")],
            &["acme:alice"],
        )
        .unwrap();
        let cb = Running::start(
            &bin,
            "gitea",
            &[&format!("alice:{CB_TOKEN}")],
            &["acme-mirror:alice"],
        )
        .unwrap();
        let scratch = Scratch::new();
        let ws = scratch.path().join("ws");
        std::fs::create_dir_all(&ws).unwrap();
        Self {
            scratch,
            gh,
            cb,
            ws,
        }
    }

    /// A world with forges `github` and `codeberg` added and org `hm` created (owner
    /// `acme` on GitHub, `acme-mirror` on Codeberg).
    pub fn with_org() -> Self {
        let w = Self::new();
        w.ok(&[
            "forge",
            "add",
            "github",
            "--kind",
            "github",
            "--api-url",
            &w.gh.api,
            "--token-ref",
            "env:GH_TOKEN",
        ]);
        w.ok(&[
            "forge",
            "add",
            "codeberg",
            "--kind",
            "gitea",
            "--api-url",
            &w.cb.api,
            "--token-ref",
            "env:CB_TOKEN",
        ]);
        w.ok(&[
            "org",
            "create",
            "hm",
            "--owner",
            "github=acme,codeberg=acme-mirror",
            "--forges",
            "github,codeberg",
            "--origin",
            "github",
        ]);
        w
    }

    pub fn cmd(&self) -> TestCommand {
        let mut c = TestCommand::new(
            env!("CARGO_BIN_EXE_hyperforge"),
            self.scratch.path().join("env"),
        );
        c.env("GH_TOKEN", GH_TOKEN)
            .env("CB_TOKEN", CB_TOKEN)
            .env("HYPERFORGE_SECRETS", "file")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .timeout(Duration::from_secs(120));
        c
    }

    /// Runs hyperforge with `args`; every output is checked for the tokens.
    pub fn run(&self, args: &[&str]) -> Transcript {
        let t = self.cmd().args(args).output();
        for secret in [GH_TOKEN, CB_TOKEN] {
            assert!(
                !t.stdout.contains(secret) && !t.stderr.contains(secret),
                "a token leaked: {}",
                t.render()
            );
        }
        t
    }

    /// Runs hyperforge and expects success.
    pub fn ok(&self, args: &[&str]) -> Transcript {
        let t = self.run(args);
        t.success();
        t
    }

    /// The config directory (the default under XDG_CONFIG_HOME).
    pub fn config_dir(&self) -> PathBuf {
        self.scratch.path().join("env/xdg/config/hyperforge")
    }

    pub fn repos_yaml(&self) -> String {
        std::fs::read_to_string(self.config_dir().join("orgs/hm/repos.yaml")).unwrap_or_default()
    }

    pub fn staged_yaml(&self) -> String {
        std::fs::read_to_string(self.config_dir().join("orgs/hm/staged-repos.yaml"))
            .unwrap_or_default()
    }

    fn client(&self, which: &str) -> RestForge {
        let retry = RetryPolicy {
            attempts: 1,
            base: Duration::from_millis(10),
            max_wait: Duration::from_secs(1),
        };
        let (dialect, api, token) = match which {
            "github" => (Dialect::GitHub, &self.gh.api, GH_TOKEN),
            _ => (Dialect::Gitea, &self.cb.api, CB_TOKEN),
        };
        RestForge::new(dialect, api, token, Duration::from_secs(10), retry).unwrap()
    }

    fn owner(which: &str) -> &'static str {
        if which == "github" {
            "acme"
        } else {
            "acme-mirror"
        }
    }

    /// What forge `which` (`github` or `codeberg`) holds for the org.
    pub fn remote(&self, which: &str) -> Vec<RemoteRepo> {
        self.client(which).list_repos(Self::owner(which)).unwrap()
    }

    pub fn remote_repo(&self, which: &str, name: &str) -> Option<RemoteRepo> {
        self.remote(which).into_iter().find(|r| r.name == name)
    }

    /// Creates a repository directly on a forge (as someone using its web UI would).
    pub fn create_on(&self, which: &str, name: &str, description: Option<&str>, private: bool) {
        let new = NewRepo {
            name: name.into(),
            description: description.map(Into::into),
            private,
        };
        self.client(which)
            .create_repo(Self::owner(which), &new)
            .unwrap();
    }

    /// Changes a repository directly on a forge.
    pub fn patch_on(&self, which: &str, name: &str, patch: &RepoPatch) {
        self.client(which)
            .update_repo(Self::owner(which), name, patch)
            .unwrap();
    }

    /// Arms a fault on an emulator (`/_emulator/faults`, the admin token is the first user's).
    pub fn arm(&self, which: &str, fault: &serde_json::Value) {
        let (url, token) = if which == "github" {
            (&self.gh.url, GH_TOKEN)
        } else {
            (&self.cb.url, CB_TOKEN)
        };
        curl(&[
            "-X",
            "POST",
            "-H",
            &format!("Authorization: token {token}"),
            "-H",
            "content-type: application/json",
            "-d",
            &fault.to_string(),
            &format!("{url}/_emulator/faults"),
        ]);
    }

    pub fn disarm(&self, which: &str) {
        let (url, token) = if which == "github" {
            (&self.gh.url, GH_TOKEN)
        } else {
            (&self.cb.url, CB_TOKEN)
        };
        curl(&[
            "-X",
            "DELETE",
            "-H",
            &format!("Authorization: token {token}"),
            &format!("{url}/_emulator/faults"),
        ]);
    }
}

fn curl(args: &[&str]) {
    let out = Command::new("curl")
        .args(["-sS", "-f", "-o", "/dev/null"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs git in `dir`; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new clone-to-be at `dir` with one commit on `main`.
pub fn repo_with_commit(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::write(dir.join(file), text).unwrap();
    git(dir, &["add", file]);
    git(dir, &["commit", "--quiet", "-m", "first"]);
}

/// NDJSON lines of a `--json` run, parsed.
pub fn events(t: &Transcript) -> Vec<serde_json::Value> {
    t.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The last event of type `ty`.
pub fn last(t: &Transcript, ty: &str) -> serde_json::Value {
    events(t)
        .into_iter()
        .rev()
        .find(|e| e["type"] == ty)
        .unwrap_or_else(|| panic!("no `{ty}` event in {}", t.render()))
}
