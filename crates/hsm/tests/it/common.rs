//! Test harness: a scratch copy of the examples, the binary with a clean environment,
//! snapshot filters, and helpers for the external tools the tests require.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's `examples/` directory.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Copies a directory tree, leaving out what a sync generates (in case the examples were
/// synced in place): environments, locks, `.hsm/`, and a project's `pyproject.toml`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let is_project = from.join("hsm.yaml").is_file();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        let t = to.join(e.file_name());
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == ".venv"
            || name == "uv.lock"
            || name == ".hsm"
            || name == "__pycache__"
            || name == "docker-compose.hsm.yml"
            || (is_project && name == "pyproject.toml")
        {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_tree(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// A scratch workspace holding a copy of `examples/`.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    /// Copies the examples.
    pub fn examples() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&examples_dir(), dir.path());
        Self { dir }
    }

    /// An empty scratch directory.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
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
}

/// The hsm command with a predictable environment.
pub fn hsm(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hsm"));
    c.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("HSM_REGISTRY_PATH")
        .env_remove("VIRTUAL_ENV")
        .env_remove("HSM_UV")
        .env_remove("HSM_COMPOSE")
        .env("UV_NO_PROGRESS", "1")
        .env("UV_PYTHON_DOWNLOADS", "never");
    // Variables the example registry references; tests that check "unset" remove them.
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

/// Runs and returns the output.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("hsm runs")
}

/// stdout + stderr + exit code, with the scratch path replaced by `[TMP]`.
pub fn transcript(out: &Output, tmp: &Path) -> String {
    let mut s = format!(
        "exit: {}\n",
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string())
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stdout.is_empty() {
        s.push_str("--- stdout\n");
        s.push_str(&stdout);
    }
    if !stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&stderr);
    }
    filter(&s, tmp)
}

/// Replaces machine-specific parts.
pub fn filter(s: &str, tmp: &Path) -> String {
    let real = std::fs::canonicalize(tmp).unwrap_or_else(|_| tmp.to_path_buf());
    s.replace(&real.display().to_string(), "[TMP]")
        .replace(&tmp.display().to_string(), "[TMP]")
        .replace(
            &format!("hsm {}", env!("CARGO_PKG_VERSION")),
            "hsm [VERSION]",
        )
}

/// Asserts success and returns stdout.
#[track_caller]
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "expected success, got {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts an exit code and returns stderr.
#[track_caller]
pub fn fails_with(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Reads a file as text.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// Requires a tool the suite depends on; the test fails (never silently passes) without it.
#[track_caller]
pub fn require(tool: &str) -> PathBuf {
    which(tool).unwrap_or_else(|| {
        panic!("`{tool}` is required by this test; run ./scripts/setup (CI installs it)")
    })
}

/// PATH lookup.
pub fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

/// Validates a compose file set with Debian's docker-compose 1.29 (`config -q`, no daemon).
#[track_caller]
pub fn compose_config(project: &Path, files: &[&str]) {
    let dc = require("docker-compose");
    let mut c = Command::new(dc);
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

/// Every file's bytes and mode under `dir` (skipping .venv), for byte-identity checks.
pub fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, u32)>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_name() == ".venv" || e.file_name() == "__pycache__" {
                continue;
            }
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                out.insert(
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    (b"<dir>".to_vec(), 0),
                );
                walk(base, &p, out);
            } else if ft.is_file() {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode();
                out.insert(
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    (std::fs::read(&p).unwrap(), mode),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Runs git with a fixed identity; fails the test on error.
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new(require("git"))
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
pub fn python(dir: &Path, code: &str) -> String {
    ok(&run(hsm(dir).args([
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
    assert_eq!(python(dir, greeting), "neo4j-client v1");
    let src = scratch
        .path()
        .join("packages/neo4j-client/src/neo4j_client/__init__.py");
    std::fs::write(
        &src,
        read(&src).replace("neo4j-client v1", "neo4j-client v2"),
    )
    .unwrap();
    assert_eq!(
        python(dir, greeting),
        "neo4j-client v2",
        "editable install sees the edit"
    );
}
