//! Tests that need a real external tool (uv, git, docker, …), gated by an opt-in variable.
//!
//! Some behaviour can only be proven against the real tool, but a contributor without it
//! should still get a green `cargo test`, and CI must never go green because a tool was
//! silently missing. So each such test calls [`require_tool`] with its product's gate
//! variable (e.g. `MYTOOL_TEST_UV`):
//!
//! - gate unset (and not in CI): the test prints `skipped: <tool> tests need <GATE>=1` and
//!   returns early;
//! - gate set to `1`, or `CI=true`: the tool is required — a missing tool fails the test
//!   with how to install it;
//! - otherwise the tool's path is returned.
//!
//! ```no_run
//! # use infra_testkit::require_tool;
//! let Some(uv) = require_tool("uv", "MYTOOL_TEST_UV") else { return };
//! ```

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Install hints for tools the products' suites use.
const HINTS: [(&str, &str); 6] = [
    (
        "uv",
        "curl -LsSf https://astral.sh/uv/install.sh | sh  (or: pipx install uv)",
    ),
    (
        "git",
        "apt-get install git  (or your platform's package manager)",
    ),
    (
        "docker",
        "install Docker Engine: https://docs.docker.com/engine/install/",
    ),
    ("docker-compose", "apt-get install docker-compose"),
    ("python3", "apt-get install python3 python3-venv"),
    ("chattr", "apt-get install e2fsprogs"),
];

/// The test's path to `tool`, or `None` when the test should return early.
///
/// - `gate_var` unset (or not `1`) and not in CI: prints `skipped: <tool> tests need
///   <gate_var>=1` to stderr and returns `None`, whether or not the tool is installed;
/// - `gate_var=1`, or `CI=true`: the tool is required — when it is not on `PATH` the test
///   fails with how to install it (a built-in hint for uv, git, docker, docker-compose,
///   python3 and chattr; see [`require_tool_with_hint`] for a product's own);
/// - otherwise returns the tool's path.
#[track_caller]
pub fn require_tool(tool: &str, gate_var: &str) -> Option<PathBuf> {
    let hint = HINTS
        .iter()
        .find(|(t, _)| *t == tool)
        .map_or("install it and put it on PATH", |(_, h)| h);
    require_tool_with_hint(tool, gate_var, hint)
}

/// [`require_tool`] with the product's own install hint (e.g. `run ./scripts/setup`).
#[track_caller]
pub fn require_tool_with_hint(tool: &str, gate_var: &str, install_hint: &str) -> Option<PathBuf> {
    let gate = std::env::var(gate_var).ok();
    let ci = std::env::var("CI").ok();
    match decide(gate.as_deref(), ci.as_deref(), || which(tool)) {
        Decision::Skip => {
            eprintln!("skipped: {tool} tests need {gate_var}=1");
            None
        }
        Decision::Run(path) => Some(path),
        Decision::Missing => panic!(
            "{}",
            missing_message(tool, gate_var, install_hint, ci.as_deref())
        ),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Skip,
    Run(PathBuf),
    Missing,
}

fn decide(
    gate: Option<&str>,
    ci: Option<&str>,
    find: impl FnOnce() -> Option<PathBuf>,
) -> Decision {
    let required = gate == Some("1") || matches!(ci, Some("true" | "1"));
    if !required {
        return Decision::Skip;
    }
    find().map_or(Decision::Missing, Decision::Run)
}

fn missing_message(tool: &str, gate_var: &str, hint: &str, ci: Option<&str>) -> String {
    let why = if matches!(ci, Some("true" | "1")) {
        "CI is set".to_string()
    } else {
        format!("{gate_var}=1 is set")
    };
    format!("`{tool}` is required ({why}) but is not on PATH; install it: {hint}")
}

/// The first executable file named `tool` on `PATH` (or `tool` itself when it contains a
/// `/` and is executable).
pub fn which(tool: &str) -> Option<PathBuf> {
    which_in(tool, std::env::var_os("PATH").as_deref())
}

fn which_in(tool: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    if tool.contains('/') {
        return is_executable(Path::new(tool)).then(|| PathBuf::from(tool));
    }
    std::env::split_paths(path?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(tool))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found() -> Option<PathBuf> {
        Some(PathBuf::from("/usr/bin/uv"))
    }

    #[test]
    fn without_the_gate_the_test_skips_even_if_the_tool_exists() {
        assert_eq!(decide(None, None, found), Decision::Skip);
        assert_eq!(decide(Some("0"), Some("false"), found), Decision::Skip);
    }

    #[test]
    fn the_gate_or_ci_makes_the_tool_required() {
        assert_eq!(
            decide(Some("1"), None, found),
            Decision::Run("/usr/bin/uv".into())
        );
        assert_eq!(decide(Some("1"), None, || None), Decision::Missing);
        assert_eq!(decide(None, Some("true"), || None), Decision::Missing);
    }

    #[test]
    fn the_missing_message_says_why_and_how() {
        assert_eq!(
            missing_message("uv", "MYTOOL_TEST_UV", "pipx install uv", None),
            "`uv` is required (MYTOOL_TEST_UV=1 is set) but is not on PATH; install it: pipx install uv"
        );
        assert!(missing_message("uv", "G", "h", Some("true")).contains("(CI is set)"));
    }

    #[test]
    fn which_finds_only_executable_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("tool"), "").unwrap(); // not executable
        std::fs::create_dir(a.join("dir-tool")).unwrap();
        std::fs::write(b.join("tool"), "").unwrap();
        std::fs::set_permissions(b.join("tool"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        assert_eq!(which_in("tool", Some(&path)), Some(b.join("tool")));
        assert_eq!(which_in("dir-tool", Some(&path)), None);
        assert_eq!(which_in("tool", None), None);
        let direct = b.join("tool");
        assert_eq!(which_in(direct.to_str().unwrap(), None), Some(direct));
    }

    #[test]
    fn which_finds_sh() {
        assert!(which("sh").is_some());
    }
}
