//! Whether the root-only tests run here.

/// Whether a root-only test needing `tools` runs: `SQLRS_TEST_ROOT=1`, root, every tool on
/// `PATH`. Otherwise prints why it is skipped, or, under `CI=true` with the gate set, fails
/// (CI must not go green because a tool was missing).
#[track_caller]
pub fn root_tests(tools: &[&str]) -> bool {
    #[allow(
        clippy::disallowed_methods,
        reason = "the test gate is the test process's own environment"
    )]
    let var = |name: &str| std::env::var(name).ok();
    if var("SQLRS_TEST_ROOT").as_deref() != Some("1") {
        eprintln!("skipped: root filesystem tests need SQLRS_TEST_ROOT=1 (and root)");
        return false;
    }
    let ci = matches!(var("CI").as_deref(), Some("true" | "1"));
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| infra_testkit::which(t).is_none())
        .collect();
    let problem = if !rustix::process::geteuid().is_root() {
        "SQLRS_TEST_ROOT=1 is set but the tests do not run as root".to_string()
    } else if !missing.is_empty() {
        let mut packages: Vec<&str> = missing.iter().map(|t| package(t)).collect();
        packages.sort_unstable();
        packages.dedup();
        format!(
            "`{}` not found on PATH (apt-get install -y {})",
            missing.join("`, `"),
            packages.join(" ")
        )
    } else {
        return true;
    };
    assert!(!ci, "{problem}, and CI=true requires these tests to run");
    eprintln!("skipped: {problem}");
    false
}

/// The Debian package with `tool`.
fn package(tool: &str) -> &'static str {
    match tool {
        "btrfs" | "mkfs.btrfs" => "btrfs-progs",
        "mkfs.xfs" => "xfsprogs",
        "filefrag" => "e2fsprogs",
        _ => "mount", // losetup, mount, umount
    }
}
