//! Regressions for what the hostile new-user review of issue 6 found (a user and an
//! attacker driving the binary without having seen the tests). One test per finding, named
//! after the behaviour it pins.

use std::os::unix::fs::symlink;
use std::path::PathBuf;

use crate::common::*;

/// `hsm init` in an empty scratch, with one container whose password is `${DB_PW}`.
fn project_with_secret(s: &Scratch) -> PathBuf {
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "db",
        "--image",
        "postgres:16",
        "--port",
        "5432:5432",
        "--env",
        "POSTGRES_PASSWORD=${DB_PW}",
    ])));
    ok(&run(s.hsm(&dir).args(["container", "add", "db"])));
    std::fs::write(dir.join(".env"), "DB_PW=S3CR3T-removed-42\n").unwrap();
    dir
}

#[test]
fn generated_files_that_are_links_are_refused_and_their_targets_untouched() {
    for generated in ["docker-compose.hsm.yml", ".hsm/env"] {
        let s = Scratch::empty();
        let dir = project_with_secret(&s);
        std::fs::create_dir_all(dir.join(".hsm")).unwrap();
        let victim = s.kit.child("victim-bashrc");
        std::fs::write(&victim, "export PS1=x\n").unwrap();
        symlink(&victim, dir.join(generated)).unwrap();
        for args in [&["plan"][..], &["sync", "--uv", "true"]] {
            let err = fails_with(&run(s.hsm(&dir).args(args)), 3);
            assert!(
                err.contains(&format!("`{generated}` is a symbolic link")),
                "{err}"
            );
            assert!(err.contains(&format!("rm {generated}")), "{err}");
        }
        assert_eq!(read(&victim), "export PS1=x\n", "{generated}");
    }
}

#[test]
fn env_and_run_refuse_a_linked_hsm_dir_as_sync_does() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    let elsewhere = s.kit.child("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("env"), "A=1\n").unwrap();
    symlink(&elsewhere, dir.join(".hsm")).unwrap();
    for args in [&["env"][..], &["run", "--", "true"]] {
        let err = fails_with(&run(s.hsm(&dir).args(args)), 3);
        assert!(err.contains("`.hsm` is a symbolic link"), "{err}");
    }
}

#[test]
fn names_no_entry_can_have_are_refused_with_the_rule_not_an_add_hint() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    std::fs::write(
        dir.join("hsm.yaml"),
        "project: {name: \"../x\"}\npackages: [\"requests\\u202e\", \"../y\"]\n",
    )
    .unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("plan")), 3);
    assert!(err.contains("`../x` is not a valid project name"), "{err}");
    assert!(err.contains("hsm.yaml:1:11 (at `project.name`)"), "{err}");
    // The right-to-left override is shown escaped, never sent to the terminal.
    assert!(
        err.contains("`requests\\u{202e}` is not a valid package name"),
        "{err}"
    );
    assert!(!err.contains('\u{202e}'), "{err}");
    assert!(err.contains("`../y` is not a valid package name"), "{err}");
    assert!(!err.contains("add it with"), "{err}");
    for args in [
        &["package", "add", "ünï"][..],
        &["registry", "package", "add", "ünï", "--pypi", ">=1"],
        &["init", "--name", "a b"],
    ] {
        let err = fails_with(&run(s.hsm(&dir).args(args)), 2);
        assert!(err.contains("is not a valid"), "{args:?}: {err}");
    }
    let long = "a".repeat(300);
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "package", "add", &long, "--pypi", ">=1"])),
        2,
    );
    assert!(err.contains("longer than 100 characters"), "{err}");
    assert!(err.len() < 400, "{err}");
}

#[test]
fn a_manifest_that_is_not_utf8_is_a_located_validation_error() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    std::fs::write(dir.join("hsm.yaml"), b"packages: [\xff\xfe]\n").unwrap();
    let t = run(s.hsm(&dir).arg("plan"));
    insta::assert_snapshot!(t.render(), @r#"
    exit: 3
    --- stderr
    error: expected UTF-8 text, found the byte 0xff, which is not valid UTF-8
      --> hsm.yaml:1:12
      hint: save the file as UTF-8 (editors call it "UTF-8" or "Unicode")
    "#);
}

#[test]
fn a_problem_in_a_registry_entry_an_edit_brings_in_is_shown_where_it_is() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "postgres",
        "--image",
        "postgres:16",
    ])));
    std::fs::write(
        dir.join("hsm-registry/packages/bomb.yaml"),
        "name: bomb\nimplies:\n  container:postgres:\n    params:\n      a: &a [lol, lol]\n      b: [*a, *a]\n",
    )
    .unwrap();
    let before = read(&dir.join("hsm.yaml"));
    let t = run(s.hsm(&dir).args(["package", "add", "bomb"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: expected a string, number or boolean, found a list (through the alias whose anchor is on line 5)
      --> hsm-registry/packages/bomb.yaml:6:11 (at `implies.container:postgres.params.b[0]`)
    ");
    assert_eq!(before, read(&dir.join("hsm.yaml")));
}

#[test]
fn a_dollar_in_dotenv_that_starts_no_variable_is_refused_not_dropped() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    std::fs::write(dir.join(".env"), "DB_PW=S3CR3T$\n").unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("plan")), 3);
    assert!(
        err.contains("a `$` in the value of `DB_PW` starts no variable"),
        "{err}"
    );
    assert!(err.contains(".env:1 (at `DB_PW`)"), "{err}");
    assert!(!err.contains("S3CR3T"), "{err}");
    std::fs::write(dir.join(".env"), "DB_PW='S3CR3T$'\n").unwrap();
    ok(&run(s.hsm(&dir).arg("plan")));
}

#[test]
fn a_secret_no_longer_used_stays_redacted_in_the_plan() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    // A line added by hand is treated as secret too.
    let env = dir.join(".hsm/env");
    let mut text = read(&env);
    text.push_str("BY_HAND=S3CR3T-by-hand\n");
    std::fs::write(&env, text).unwrap();
    ok(&run(s.hsm(&dir).args(["container", "remove", "db"])));
    for args in [&["plan"][..], &["plan", "--json"], &["sync", "--dry-run"]] {
        let t = run(s.hsm(&dir).args(args));
        ok(&t);
        let all = t.render();
        assert!(!all.contains("S3CR3T"), "{args:?}:\n{all}");
        assert!(all.contains("-DB_PW=<redacted>"), "{args:?}:\n{all}");
    }
}

#[test]
fn a_value_built_from_a_variable_is_secret_wherever_it_goes() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    s.write(
        "hsm-registry/containers/c.yaml",
        "name: c\nimage: busybox\nports: [\"${PORT_SEC}:80\"]\n",
    );
    ok(&run(s.hsm(&dir).args(["container", "add", "c"])));
    let t = run(s.hsm(&dir).arg("plan").env("PORT_SEC", "43210"));
    let plan = ok(&t);
    assert!(!plan.contains("43210"), "{plan}");
    assert!(plan.contains("+C_PORT=<redacted>"), "{plan}");
}

#[test]
fn init_keeps_dotenv_out_of_git() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    let ignore = read(&dir.join(".gitignore"));
    assert!(ignore.lines().any(|l| l == ".env"), "{ignore}");
    assert!(ignore.lines().any(|l| l == ".hsm/"), "{ignore}");
    // An existing .gitignore gets what it lacks, once.
    std::fs::write(dir.join(".gitignore"), "/.hsm\n").unwrap();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    let ignore = read(&dir.join(".gitignore"));
    assert_eq!(ignore.matches(".env").count(), 1, "{ignore}");
    assert!(!ignore.contains(".hsm/"), "{ignore}");
}

#[test]
fn output_that_cannot_be_written_is_a_failure_a_closed_pipe_is_not() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    let hsm = |stdout: std::process::Stdio| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hsm"))
            .args(["plan", "--json"])
            .current_dir(&dir)
            .env_clear()
            .env("HOME", s.env_root())
            .env("HSM_NO_CACHE", "1")
            .stdout(stdout)
            .output()
            .unwrap()
    };
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = hsm(full.into());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not write the output to stdout"),
        "{err}"
    );
    // A reader that has gone away is not an error.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = hsm(writer.into());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn repeated_verbose_is_accepted() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    ok(&run(s.hsm(&dir).args(["plan", "-vv"])));
}

#[test]
fn flags_compose_shares_with_hsm_are_refused_after_compose_commands() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    for (verb, flag) in [("down", "-v"), ("ps", "-q"), ("logs", "--color=never")] {
        let err = fails_with(&run(s.hsm(&dir).args([verb, flag])), 2);
        assert!(
            err.contains(&format!(
                "write `hsm {verb} -- {flag}` to pass it to Compose"
            )),
            "{err}"
        );
    }
}

#[test]
fn authoring_refuses_entries_validate_would_reject() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    for (args, words) in [
        (
            &[
                "registry",
                "package",
                "add",
                "priv",
                "--pypi",
                ">=1",
                "--index",
                "corp=https://u:${IDX_PW}@pypi.example/simple",
            ][..],
            "uses a variable",
        ),
        (
            &[
                "registry",
                "package",
                "add",
                "p2",
                "--implies",
                "container:nosuch",
            ],
            "implies container `nosuch`, which is not in the registry",
        ),
        (
            &[
                "registry",
                "package",
                "add",
                "p3",
                "--implies",
                "container:nosuch2:db=${X}",
            ],
            "`${…}` is not expanded in `params`",
        ),
        (
            &[
                "registry",
                "container",
                "add",
                "c",
                "--image",
                "x",
                "--dependency",
                "nopkg",
            ],
            "dependency `nopkg` is not a package in the registry",
        ),
    ] {
        let err = fails_with(&run(s.hsm(&dir).args(args)), 3);
        assert!(err.contains(words), "{args:?}: {err}");
    }
    let left: Vec<_> = ["packages", "containers"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.join("hsm-registry").join(d)).unwrap())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn removing_what_is_still_used_is_refused() {
    let s = Scratch::examples();
    let dir = s.project("review-remove");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\nservices: {containers: [redis]}\n",
    )
    .unwrap();
    let reg = s.path().join("registry");
    let before = snapshot_tree(&reg);
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "group", "remove-option", "database", "mysql"])),
        3,
    );
    assert!(err.contains("legacy-reports.yaml"), "{err}");
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "container", "remove", "redis", "-y"])),
        3,
    );
    assert!(err.contains("this project's `hsm.yaml`"), "{err}");
    unchanged(&before, &reg);
}

#[test]
fn secrets_are_hidden_in_the_output_of_tools_hsm_shows() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    let compose = s.kit.child("echo-compose");
    std::fs::write(
        &compose,
        "#!/bin/sh\necho \"volume $DB_PW is used but not declared\" >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&compose, std::fs::Permissions::from_mode(0o755)).unwrap();
    for json in [false, true] {
        let mut cmd = s.hsm(&dir);
        cmd.args(["check", "--uv", "true", "--compose-command"])
            .arg(&compose);
        if json {
            cmd.arg("--json");
        }
        let t = run(&mut cmd);
        let all = t.render();
        assert_ne!(t.code, Some(0), "{all}");
        assert!(all.contains("volume <redacted> is used"), "{all}");
        assert!(!all.contains("S3CR3T"), "{all}");
    }
}

/// Spawns `hsm args` in `dir`, sends `signal` to hsm alone once `ready` holds, and returns
/// its exit code and how long it took to stop.
fn signalled(
    s: &Scratch,
    dir: &std::path::Path,
    args: &[&str],
    ready: &dyn Fn() -> bool,
    signal: infra_testkit::Signal,
) -> (Option<i32>, std::time::Duration) {
    use std::time::{Duration, Instant};
    let mut child = s.hsm(dir).args(args).spawn();
    infra_testkit::wait_for("the command to start", Duration::from_secs(20), ready);
    let start = Instant::now();
    infra_testkit::signal_process(child.id(), signal);
    let status = child.wait().unwrap();
    (status.code(), start.elapsed())
}

#[test]
fn a_signal_sent_to_hsm_run_reaches_the_command_and_its_status_is_mirrored() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let started = s.kit.child("started");
    let script = format!("touch {}; sleep 30", started.display());
    let (code, took) = signalled(
        &s,
        &dir,
        &["run", "--", "sh", "-c", &script],
        &|| started.exists(),
        infra_testkit::Signal::TERM,
    );
    assert_eq!(code, Some(143));
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
}

#[test]
fn fifos_and_devices_are_refused_not_read_forever() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    let mkfifo = |p: &std::path::Path| {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .unwrap()
                .success()
        );
    };
    mkfifo(&dir.join("hsm-registry/packages/f.yaml"));
    std::fs::remove_file(dir.join(".env")).unwrap();
    mkfifo(&dir.join(".env"));
    for args in [&["registry", "validate"][..], &["plan"]] {
        let t = run(s
            .hsm(&dir)
            .args(args)
            .timeout(std::time::Duration::from_secs(20)));
        assert_ne!(t.code, Some(0), "{}", t.render());
        assert!(t.stderr.contains("not a regular file"), "{}", t.render());
    }
}

#[test]
fn a_broken_pyproject_is_located() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    std::fs::write(dir.join("pyproject.toml"), "[project\nname = \"x\"\n").unwrap();
    let t = run(s.hsm(&dir).arg("plan"));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: not valid TOML: unclosed table, expected `]`
      --> pyproject.toml:1:9
      hint: fix the TOML at this point; hsm edits the file only when it parses
    ");
}

#[test]
fn init_writes_through_no_link_and_a_broken_manifest_stops_the_search_upwards() {
    let s = Scratch::empty();
    let dir = s.path();
    let victim = s.kit.child("victim");
    std::fs::write(&victim, "V\n").unwrap();
    symlink(&victim, dir.join(".gitignore")).unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("init")), 3);
    assert!(err.contains("`.gitignore` is a symbolic link"), "{err}");
    assert_eq!(read(&victim), "V\n");
    std::fs::remove_file(dir.join(".gitignore")).unwrap();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    ok(&run(s.hsm(&dir).args([
        "registry", "package", "add", "six", "--pypi", ">=1",
    ])));
    ok(&run(s.hsm(&dir).args(["package", "add", "six"])));
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    symlink(s.kit.child("missing.yaml"), sub.join("hsm.yaml")).unwrap();
    let before = read(&dir.join("hsm.yaml"));
    fails_with(&run(s.hsm(&sub).args(["package", "remove", "six"])), 1);
    assert_eq!(
        before,
        read(&dir.join("hsm.yaml")),
        "the parent project was edited"
    );
}

#[test]
fn two_projects_editing_one_registry_at_once_lose_nothing() {
    let s = Scratch::empty();
    let reg = s.path().join("shared-registry");
    let projects = ["pa", "pb"].map(|p| s.path().join(p));
    for p in &projects {
        std::fs::create_dir_all(p).unwrap();
        ok(&run(s.hsm(p).args(["init", "-q", "--registry"]).arg(&reg)));
    }
    for i in 1..=8 {
        ok(&run(s.hsm(&projects[0]).args([
            "registry",
            "package",
            "add",
            &format!("o{i}"),
            "--pypi",
            ">=1",
        ])));
    }
    ok(&run(s.hsm(&projects[0]).args([
        "registry", "group", "add", "g", "--kind", "package", "--option", "o1",
    ])));
    let children: Vec<_> = (2..=8)
        .map(|i| {
            s.hsm(&projects[i % 2])
                .args([
                    "registry",
                    "group",
                    "add-option",
                    "g",
                    &format!("o{i}"),
                    "-q",
                ])
                .spawn()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let group = read(&reg.join("package_groups/g.yaml"));
    for i in 1..=8 {
        assert!(
            group.contains(&format!("- name: o{i}\n")),
            "o{i} lost:\n{group}"
        );
    }
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    for var in [
        "HSM_CACHE_DIR",
        "HSM_REGISTRY_PATH",
        "HSM_UV",
        "HSM_PYTHON",
        "HSM_COMPOSE",
    ] {
        ok(&run(s.hsm(&dir).arg("list").env(var, "")));
    }
}

#[test]
fn small_usage_and_validation_rules() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["group", "select", "--new", "--", "a b", "db"])),
        2,
    );
    assert!(err.contains("`a b` is not a valid group name"), "{err}");
    let err = fails_with(
        &run(s.hsm(&dir).args([
            "registry",
            "container",
            "add",
            "c2",
            "--image",
            "x",
            "--service-port",
            "0",
        ])),
        2,
    );
    assert!(
        err.contains("`0` is not a port: expected a number from 1 to 65535"),
        "{err}"
    );
    let manifest = read(&dir.join("hsm.yaml"));
    std::fs::write(
        dir.join("hsm.yaml"),
        format!("{manifest}compose: {{project_name: \"Bad Name!\"}}\n"),
    )
    .unwrap();
    let err = fails_with(&run(s.hsm(&dir).args(["check", "--offline"])), 3);
    assert!(err.contains("is not a Compose project name"), "{err}");
    assert!(err.contains("(at `compose.project_name`)"), "{err}");
}

#[test]
fn hsm_run_is_transparent_about_the_commands_status() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let t = run(s
        .hsm(&dir)
        .args(["run", "--", "sh", "-c", "echo out; exit 7"]));
    assert_eq!(t.code, Some(7));
    assert_eq!(t.stderr, "", "the command's failure is its own to report");
    let t = run(s.hsm(&dir).args(["run", "--", "no-such-command-xyz"]));
    assert_eq!(t.code, Some(127), "{}", t.render());
    assert!(
        t.stderr
            .contains("`no-such-command-xyz` was not found on PATH"),
        "{}",
        t.render()
    );
    let t = run(s.hsm(&dir).args(["run", "--"]).arg(s.path()));
    assert_eq!(t.code, Some(126), "{}", t.render());
}

#[test]
fn a_compose_file_hsm_did_not_write_is_not_replaced() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    let mine = "services:\n  mine:\n    image: my-precious\n";
    std::fs::write(dir.join("docker-compose.hsm.yml"), mine).unwrap();
    let err = fails_with(&run(s.hsm(&dir).args(["sync", "--uv", "true"])), 3);
    assert!(err.contains("was not written by hsm"), "{err}");
    assert_eq!(read(&dir.join("docker-compose.hsm.yml")), mine);
}

#[test]
fn a_dotenv_value_no_env_file_can_hold_is_located_in_dotenv() {
    let s = Scratch::empty();
    let dir = project_with_secret(&s);
    std::fs::write(dir.join(".env"), "A=1\nDB_PW=S3CR\0ET\n").unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("plan")), 3);
    assert!(err.contains("--> .env:2 (at `DB_PW`)"), "{err}");
    assert!(!err.contains("S3CR"), "{err}");
    assert!(!err.contains("hint: each line"), "{err}");
}

#[test]
fn an_edit_never_goes_through_a_yaml_alias_or_merge_key() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    for name in ["six", "requests"] {
        ok(&run(s.hsm(&dir).args([
            "registry", "package", "add", name, "--pypi", ">=1",
        ])));
    }
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "six",
        "--image",
        "busybox",
    ])));
    for text in [
        "packages: &p\n  - six\nservices:\n  containers: *p\n",
        "packages: [six]\nproject:\n  <<: {name: x}\n",
    ] {
        std::fs::write(dir.join("hsm.yaml"), text).unwrap();
        let err = fails_with(&run(s.hsm(&dir).args(["package", "add", "requests"])), 3);
        assert!(err.contains("uses a YAML alias or merge key"), "{err}");
        assert!(err.contains("hint: edit hsm.yaml by hand"), "{err}");
        assert_eq!(read(&dir.join("hsm.yaml")), text);
    }
}

/// A registry entry whose name is no PEP 508 name (`odd name`) is refused where it is
/// written, by check and validate alike, before uv would choke on it.
#[test]
fn registry_names_that_break_pep_508_are_refused_where_written() {
    let s = Scratch::empty();
    let dir = s.path().join("p");
    s.write(
        "p/hsm-registry/packages/odd name.yaml",
        "name: odd name\nsources:\n  prod: {type: pypi}\n",
    );
    s.write("p/hsm.yaml", "packages:\n  - \"odd name\"\n");
    let err = fails_with(&run(s.hsm(&dir).args(["check", "--offline"])), 3);
    assert!(
        err.contains("hsm-registry/packages/odd name.yaml:1")
            && err.contains("is not a valid package name"),
        "{err}"
    );
    let err = fails_with(&run(s.hsm(&dir).args(["registry", "validate"])), 3);
    assert!(err.contains("is not a valid package name"), "{err}");
}
