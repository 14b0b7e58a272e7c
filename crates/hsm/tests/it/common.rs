//! Test harness: a scratch copy of the examples, the `hsm` binary in a clean environment
//! (`infra-testkit`), and gates for the external tools some tests need.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use infra_testkit::{Filters, TestCommand};
pub use infra_testkit::{Transcript, TreeSnapshot};

/// The hsm examples.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hsm")
}

/// Whether `name` (a file or folder name) is something a sync generates, so a copy of the
/// examples starts clean even after they were synced in place.
fn generated(p: &Path, project: bool) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    matches!(
        name,
        ".venv" | "uv.lock" | ".hsm" | "__pycache__" | "docker-compose.hsm.yml"
    ) || (project && name == "pyproject.toml")
}

/// Copies a directory tree, leaving out what a sync generates.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let is_project = from.join("hsm.yaml").is_file();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if generated(&p, is_project) {
            continue;
        }
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// A scratch workspace: `work/` (what tests look at) and `env/` (the isolated HOME and
/// XDG directories of the commands).
pub struct Scratch {
    pub kit: infra_testkit::Scratch,
}

impl Scratch {
    /// A copy of the examples in `work/`.
    pub fn examples() -> Self {
        let s = Self::empty();
        copy_tree(&examples_dir(), &s.path());
        s
    }

    /// An empty `work/`.
    pub fn empty() -> Self {
        let kit = infra_testkit::Scratch::new();
        std::fs::create_dir_all(kit.child("work")).unwrap();
        Self { kit }
    }

    /// The work directory.
    pub fn path(&self) -> PathBuf {
        self.kit.child("work")
    }

    /// The isolated environment's root.
    pub fn env_root(&self) -> PathBuf {
        self.kit.child("env")
    }

    /// A project directory inside the examples copy.
    pub fn project(&self, name: &str) -> PathBuf {
        self.path().join("projects").join(name)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// `hsm` started in `cwd`, in this scratch's isolated environment.
    pub fn hsm(&self, cwd: impl AsRef<Path>) -> TestCommand {
        hsm_in(cwd.as_ref(), &self.env_root(), &self.path())
    }
}

/// Variables of the test process the commands keep: where Python and the caches are, and
/// how to reach the package index and a Docker engine.
const PASSED: &[&str] = &[
    "PYENV_ROOT",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "PIP_FIND_LINKS",
    "PIP_CERT",
    "PIP_INDEX_URL",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "DOCKER_HOST",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
];

/// `hsm` in `cwd` with a clean environment rooted at `env_root`; paths under `work` show as
/// `[TMP]` in transcripts.
pub fn hsm_in(cwd: &Path, env_root: &Path, work: &Path) -> TestCommand {
    let mut c = TestCommand::new(env!("CARGO_BIN_EXE_hsm"), env_root);
    c.current_dir(cwd)
        .env("UV_NO_PROGRESS", "1")
        .env("UV_PYTHON_DOWNLOADS", "never")
        // An edit of an editable package's source must show at once, even within the
        // same second and at the same size as the cached bytecode.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // One uv cache for the whole suite: a fresh one per test would download every
        // package again.
        .env(
            "UV_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("uv-cache"),
        )
        .filters(
            &Filters::new()
                .path(work, "[TMP]")
                .version("hsm", env!("CARGO_PKG_VERSION")),
        );
    for v in PASSED {
        c.pass_env(v);
    }
    for (k, v) in demo_env() {
        c.env(k, v);
    }
    c
}

/// Values for the variables the example registry uses.
pub fn demo_env() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("NEO4J_PROD_PASSWORD", "s3cr3t-neo4j-pw"),
        ("NEO4J_PROD_PORT", "17474"),
        ("QDRANT_API_KEY", "s3cr3t-qdrant-key"),
    ])
}

/// Runs and returns the transcript.
pub fn run(cmd: &mut TestCommand) -> Transcript {
    cmd.output()
}

/// The filtered transcript (exit code, stdout, stderr).
pub fn transcript(out: &Transcript) -> String {
    out.render()
}

/// Asserts success and returns stdout.
#[track_caller]
pub fn ok(out: &Transcript) -> String {
    out.success().to_string()
}

/// Asserts an exit code and returns stderr.
#[track_caller]
pub fn fails_with(out: &Transcript, code: i32) -> String {
    out.failure(code).to_string()
}

/// Reads a file as text.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// A real tool the test needs, when its gate is on (`HSM_TEST_UV`, `HSM_TEST_COMPOSE`,
/// `HSM_TEST_GIT`); `None` means the test skips. Under `CI=true` a missing tool fails.
pub fn tool(name: &str, gate: &str) -> Option<PathBuf> {
    infra_testkit::require_tool(name, gate)
}

/// Validates a compose file set with Debian's docker-compose 1.29 (`config -q`, no daemon),
/// when the compose gate is on.
#[track_caller]
pub fn compose_config(project: &Path, files: &[&str]) {
    let Some(dc) = tool("docker-compose", "HSM_TEST_COMPOSE") else {
        return;
    };
    let mut c = std::process::Command::new(dc);
    c.current_dir(project);
    for f in files {
        c.arg("-f").arg(f);
    }
    if project.join(".hsm/env").is_file() {
        c.arg("--env-file").arg(".hsm/env");
    }
    let out = c.args(["config", "-q"]).output().unwrap();
    assert!(
        out.status.success(),
        "docker-compose config rejected {files:?} in {}:\n{}\n--- file:\n{}",
        project.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(project.join(files[files.len() - 1])).unwrap_or_default()
    );
}

/// Asserts that `dir` is byte for byte (and mode for mode) as `before` recorded it.
#[track_caller]
pub fn unchanged(before: &TreeSnapshot, dir: &Path) {
    infra_testkit::assert_unchanged(before, &snapshot_tree(dir));
}

/// Every file's bytes and mode under `dir` (skipping `.venv` and caches).
pub fn snapshot_tree(dir: impl AsRef<Path>) -> TreeSnapshot {
    TreeSnapshot::capture_skipping(dir.as_ref(), &|p| {
        p.file_name()
            .is_some_and(|n| n == ".venv" || n == "__pycache__")
    })
}

/// Runs git with a fixed identity; fails the test on error.
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Python code run in the project's environment through `hsm run`.
pub fn python(s: &Scratch, dir: &Path, code: &str) -> String {
    ok(&run(s.hsm(dir).args([
        "run",
        "--",
        ".venv/bin/python",
        "-c",
        code,
    ])))
    .trim()
    .to_string()
}

/// The example package `neo4j-client` is installed editable in `dir`'s environment: an edit
/// of its source in the scratch copy is visible at once, without a re-sync.
#[track_caller]
pub fn assert_neo4j_client_editable(scratch: &Scratch, dir: &Path) {
    let greeting = "import neo4j_client; print(neo4j_client.GREETING)";
    assert_eq!(python(scratch, dir, greeting), "neo4j-client v1");
    let src = scratch
        .path()
        .join("packages/neo4j-client/src/neo4j_client/__init__.py");
    std::fs::write(
        &src,
        read(&src).replace("neo4j-client v1", "neo4j-client v2"),
    )
    .unwrap();
    assert_eq!(
        python(scratch, dir, greeting),
        "neo4j-client v2",
        "editable install sees the edit"
    );
}

/// A tool a helper needs (the test gated on it already); panics when it is missing.
#[track_caller]
pub fn require(name: &str) -> PathBuf {
    infra_testkit::which(name).unwrap_or_else(|| panic!("`{name}` is required by this test"))
}

/// Returns from the test (it is skipped) unless the tool's gate is on; under `CI=true` or
/// with the gate on, a missing tool fails the test.
macro_rules! need {
    ($tool:expr, $gate:expr) => {
        if $crate::common::tool($tool, $gate).is_none() {
            return;
        }
    };
}
pub(crate) use need;

impl Scratch {
    /// `text` with the work directory shown as `[TMP]` and the version as `[VERSION]`.
    pub fn filter(&self, text: &str) -> String {
        Filters::new()
            .path(self.path(), "[TMP]")
            .version("hsm", env!("CARGO_PKG_VERSION"))
            .apply(text)
    }
}
