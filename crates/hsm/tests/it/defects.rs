//! Regressions for defects found in review, one test per defect (numbered as in the review).
//! Each pins the fixed behaviour; a test marked `#[ignore = "BUG: …"]` shows a defect that is
//! still there (run it with `--ignored` to see it fail).

use std::path::{Path, PathBuf};

use crate::common::*;

/// A project directory `projects/<name>` in the examples copy with `manifest` as `hsm.yaml`.
fn project(s: &Scratch, name: &str, manifest: &str) -> PathBuf {
    let dir = s.project(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hsm.yaml"), manifest).unwrap();
    dir
}

/// An executable shell script at `path`.
fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// The `pyproject.toml` diff of a `plan --json` run.
fn pyproject_diff(t: &Transcript) -> String {
    ok(t);
    let v = t.json();
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "pyproject.toml")
        .unwrap_or_else(|| panic!("no pyproject.toml in the plan:\n{}", t.render()))["diff"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

// 2 ────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d02_dotdot_behind_a_symlinked_registry_resolves_like_the_os() {
    let s = Scratch::empty();
    s.write(
        "real/registry/packages/x.yaml",
        "name: x\nsources:\n  prod: {type: local, path: ../../libs/x}\n",
    );
    s.write(
        "real/registry/containers/svc.yaml",
        "name: svc\nimage: svc:1\nsources:\n  dev:\n    type: build\n    path: ../../services/svc\n    volumes: [\"../../services/svc/src:/app/src\"]\n",
    );
    s.write(
        "real/libs/x/pyproject.toml",
        "[project]\nname = \"x\"\nversion = \"0.1\"\n",
    );
    // Where a lexical `..` would lead: a decoy that must not be picked.
    s.write(
        "links/libs/x/pyproject.toml",
        "[project]\nname = \"decoy\"\nversion = \"0.1\"\n",
    );
    std::fs::create_dir_all(s.path().join("links")).unwrap();
    std::os::unix::fs::symlink("../real/registry", s.path().join("links/reglink")).unwrap();
    let want = "x = { path = \"../real/libs/x\" }";
    // `registry:` in hsm.yaml.
    let a = s.path().join("a");
    s.write("a/hsm.yaml", "registry: ../links/reglink\npackages: [x]\n");
    let d = pyproject_diff(&run(s.hsm(&a).args(["plan", "--json"])));
    assert!(d.contains(want) && !d.contains("links/libs"), "{d}");
    // `--registry`, `HSM_REGISTRY_PATH` and `-C` (paths of flags are relative to `-C`).
    let b = s.path().join("b");
    s.write("b/hsm.yaml", "packages: [x]\n");
    for t in [
        run(s
            .hsm(&b)
            .args(["plan", "--json", "--registry", "../links/reglink"])),
        run(s
            .hsm(&b)
            .args(["plan", "--json"])
            .env("HSM_REGISTRY_PATH", "../links/reglink")),
        run(s.hsm(s.path()).args([
            "-C",
            "b",
            "--registry",
            "../links/reglink",
            "plan",
            "--json",
        ])),
        run(s
            .hsm(s.path())
            .args(["-C", "b", "plan", "--json"])
            .env("HSM_REGISTRY_PATH", "../links/reglink")),
    ] {
        let d = pyproject_diff(&t);
        assert!(d.contains(want) && !d.contains("links/libs"), "{d}");
    }
    // A symlink inside the project, and a container's build context and volume.
    std::os::unix::fs::symlink("../real/registry", s.path().join("a/reglink")).unwrap();
    std::fs::write(
        a.join("hsm.yaml"),
        "registry: reglink\npackages: [x]\nservices:\n  containers: [{name: svc, mode: dev}]\n",
    )
    .unwrap();
    ok(&run(s.hsm(&a).args(["sync", "-q", "--uv", "true"])));
    assert!(read(&a.join("pyproject.toml")).contains(want));
    let compose = read(&a.join("docker-compose.hsm.yml"));
    assert!(
        compose.contains("context: ../real/services/svc")
            && compose.contains("- ../real/services/svc/src:/app/src"),
        "{compose}"
    );
}

// 3 ────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d03_a_malformed_env_line_is_located_and_its_value_never_shown() {
    let s = Scratch::examples();
    let dir = s.project("zero-leak");
    std::fs::write(
        dir.join(".env"),
        "A=1\nTOKEN=\"unterminated SECRETVALUE\nB=2\n",
    )
    .unwrap();
    let before = snapshot_tree(&dir);
    let t = run(s.hsm(&dir).arg("plan"));
    insta::assert_snapshot!(t.render(), @r#"
    exit: 3
    --- stderr
    error: unterminated double quote in the value of `TOKEN`
      --> .env:2 (at `TOKEN`)
      hint: each line is `KEY=value`; quote values with spaces: `KEY="a value"`
    "#);
    let j = run(s.hsm(&dir).args(["plan", "--json"]));
    fails_with(&j, 3);
    let d = &j.json()["error"]["diagnostics"][0];
    assert_eq!(
        (&d["file"], &d["line"], &d["key"]),
        (&".env".into(), &2.into(), &"TOKEN".into()),
        "{}",
        j.render()
    );
    unchanged(&before, &dir);
    std::fs::write(dir.join(".env"), "TOKEN='unterminated SECRETVALUE\n").unwrap();
    let before = snapshot_tree(&dir);
    for args in [
        &["plan"][..],
        &["plan", "--json"],
        &["check", "--offline", "--json"],
        &["sync", "--json"],
        &["status", "--json"],
    ] {
        let t = run(s.hsm(&dir).args(args));
        assert_eq!(t.code, Some(3), "{args:?}\n{}", t.render());
        assert!(t.render().contains("TOKEN"), "{args:?}\n{}", t.render());
        assert!(
            !t.render().contains("SECRETVALUE"),
            "{args:?}\n{}",
            t.render()
        );
    }
    unchanged(&before, &dir);
}

// 4 ────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d04_a_rotated_secret_is_a_redacted_update_and_drift() {
    let s = Scratch::examples();
    let dir = s.project("zero-leak");
    ok(&run(s
        .hsm(&dir)
        .args(["sync", "-q", "--uv", "true"])
        .env("NEO4J_PROD_PASSWORD", "old-pw-aaa")));
    std::fs::write(dir.join("uv.lock"), "").unwrap();
    ok(&run(s
        .hsm(&dir)
        .args(["status", "--uv", "true"])
        .env("NEO4J_PROD_PASSWORD", "old-pw-aaa")));
    let before = snapshot_tree(&dir);
    let rotated = |args: &[&str]| {
        let t = run(s
            .hsm(&dir)
            .args(args)
            .env("NEO4J_PROD_PASSWORD", "new-pw-bbb"));
        let all = t.render();
        assert!(
            !all.contains("old-pw-aaa") && !all.contains("new-pw-bbb"),
            "{args:?} shows a value:\n{all}"
        );
        t
    };
    let plan = rotated(&["plan"]);
    insta::assert_snapshot!(plan.render(), @"
        exit: 0
        --- stdout
        unchanged  pyproject.toml
        unchanged  docker-compose.hsm.yml
        unchanged  .hsm/.gitignore
        update     .hsm/env (values redacted)
        --- a/.hsm/env
        +++ b/.hsm/env
        @@ -3,7 +3,7 @@
         # hsm-secret-keys: GRAPH_BUILDER_SERVICE_PORT,NEO4J_PASSWORD,NEO4J_PORT,NEO4J_PROD_PASSWORD,NEO4J_PROD_PORT
         GRAPH_BUILDER_SERVICE_HOST=127.0.0.1
         GRAPH_BUILDER_SERVICE_PORT=<redacted>
        -NEO4J_PASSWORD=<redacted>
        +NEO4J_PASSWORD=<redacted, changed>
         NEO4J_PORT=<redacted>
        -NEO4J_PROD_PASSWORD=<redacted>
        +NEO4J_PROD_PASSWORD=<redacted, changed>
         NEO4J_PROD_PORT=<redacted>

        Steps:
          - install Python packages with uv
            $ uv sync

        0 to create, 1 to update, 0 to delete, 3 unchanged
        ");
    let json = rotated(&["plan", "--json"]).json();
    let env = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == ".hsm/env")
        .unwrap();
    assert_eq!(env["action"], "update", "{json}");
    assert_eq!(env["sensitive"], true, "{json}");
    assert!(
        env["diff"]
            .as_str()
            .unwrap()
            .contains("<redacted, changed>")
    );
    let dry = rotated(&["sync", "--dry-run", "--uv", "true"]);
    let out = ok(&dry);
    assert!(
        out.contains("update     .hsm/env (values redacted)")
            && out.contains("+NEO4J_PROD_PASSWORD=<redacted, changed>"),
        "{out}"
    );
    let status = rotated(&["status", "--uv", "true"]);
    insta::assert_snapshot!(status.render(), @r"
    exit: 1
    --- stderr
    error: 1 difference from hsm.yaml
      - .hsm/env differs from what hsm.yaml asks for
    hint: run `hsm sync` (and `hsm up` for containers)
    ");
    unchanged(&before, &dir);
}

// 6 ────────────────────────────────────────────────────────────────────────────────────────

const VARS_CONTAINER: &str = r#"name: svc
image: busybox:1
command: ["run", "${CMD_ARG}"]
working_dir: "${WORK_DIR}"
labels:
  team: "${TEAM_LABEL}"
healthcheck:
  test: ["CMD", "check", "${HC_ARG}"]
deployment_profiles:
  managed-x:
    mode: managed
    command: "serve ${PROF_CMD}"
    labels:
      owner: "${PROF_LABEL}"
"#;

#[test]
fn d06_variables_in_command_working_dir_labels_and_healthcheck_are_checked_and_kept() {
    let s = Scratch::examples();
    s.write("registry/containers/svc.yaml", VARS_CONTAINER);
    let dir = project(
        &s,
        "vars",
        "registry: ../../registry\nservices:\n  containers: [svc]\n",
    );
    let t = run(s.hsm(&dir).args(["check", "--offline"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: variable `CMD_ARG` is not set; used by ../../registry/containers/svc.yaml `command[1]`
      --> ../../registry/containers/svc.yaml:3:18 (at `command[1]`)
      hint: export CMD_ARG=… or add `CMD_ARG=…` to the project's `.env` (it stays out of generated files)
    error: variable `HC_ARG` is not set; used by ../../registry/containers/svc.yaml `healthcheck.test[2]`
      --> ../../registry/containers/svc.yaml:8:26 (at `healthcheck.test[2]`)
      hint: export HC_ARG=… or add `HC_ARG=…` to the project's `.env` (it stays out of generated files)
    error: variable `TEAM_LABEL` is not set; used by ../../registry/containers/svc.yaml `labels.team`
      --> ../../registry/containers/svc.yaml:6:3 (at `labels.team`)
      hint: export TEAM_LABEL=… or add `TEAM_LABEL=…` to the project's `.env` (it stays out of generated files)
    error: variable `WORK_DIR` is not set; used by ../../registry/containers/svc.yaml `working_dir`
      --> ../../registry/containers/svc.yaml:4:1 (at `working_dir`)
      hint: export WORK_DIR=… or add `WORK_DIR=…` to the project's `.env` (it stays out of generated files)
    error: the project is invalid (4 problems)
    ");
    let profiled =
        "registry: ../../registry\nservices:\n  containers: [{name: svc, profile: managed-x}]\n";
    std::fs::write(dir.join("hsm.yaml"), profiled).unwrap();
    let err = fails_with(&run(s.hsm(&dir).args(["check", "--offline"])), 3);
    for (var, key) in [
        ("PROF_CMD", "`deployment_profiles.managed-x.command`"),
        ("PROF_LABEL", "`deployment_profiles.managed-x.labels.owner`"),
    ] {
        assert!(
            err.contains(&format!("variable `{var}` is not set")) && err.contains(key),
            "{var}:\n{err}"
        );
    }
    std::fs::write(
        dir.join(".env"),
        "CMD_ARG=c1\nWORK_DIR=/w\nTEAM_LABEL=t\nHC_ARG=h\nPROF_CMD=p\nPROF_LABEL=pl\n",
    )
    .unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let env = read(&dir.join(".hsm/env"));
    for line in [
        "HC_ARG=h",
        "PROF_CMD=p",
        "PROF_LABEL=pl",
        "TEAM_LABEL=t",
        "WORK_DIR=/w",
    ] {
        assert!(env.lines().any(|l| l == line), "{line}:\n{env}");
    }
    let compose = read(&dir.join("docker-compose.hsm.yml"));
    assert!(
        compose.contains("command: serve ${PROF_CMD}") && compose.contains("owner: ${PROF_LABEL}"),
        "references, not values:\n{compose}"
    );
    compose_config(&dir, &["docker-compose.hsm.yml"]);
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\nservices:\n  containers: [svc]\n",
    )
    .unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    assert!(read(&dir.join(".hsm/env")).contains("\nCMD_ARG=c1\n"));
    compose_config(&dir, &["docker-compose.hsm.yml"]);
}

#[test]
fn d06_variables_in_network_aliases_are_checked_and_kept() {
    let s = Scratch::examples();
    s.write(
        "registry/containers/svc.yaml",
        "name: svc\nimage: busybox:1\nnetwork_aliases: [\"${ALIAS}\"]\n",
    );
    let dir = project(
        &s,
        "vars",
        "registry: ../../registry\nservices:\n  containers: [svc]\n",
    );
    let t = run(s.hsm(&dir).args(["check", "--offline"]));
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr.contains("`ALIAS` is not set") && t.stderr.contains("network_aliases"),
        "{}",
        t.render()
    );
    ok(&run(s
        .hsm(&dir)
        .args(["sync", "-q", "--uv", "true"])
        .env("ALIAS", "myalias")));
    let env = read(&dir.join(".hsm/env"));
    assert!(env.contains("\nALIAS=myalias\n"), "{env}");
}

#[test]
fn d06_variables_in_a_build_path_are_checked() {
    let s = Scratch::examples();
    s.write(
        "registry/containers/svc.yaml",
        "name: svc\nimage: svc:1\nsources:\n  dev: {type: build, path: \"${CTX}\"}\n",
    );
    let dir = project(
        &s,
        "vars",
        "registry: ../../registry\nservices:\n  containers: [{name: svc, mode: dev}]\n",
    );
    let t = run(s.hsm(&dir).args(["check", "--offline"]));
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(t.stderr.contains("`CTX`"), "{}", t.render());
}

// 7 ────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d07_a_git_url_starting_with_a_dash_is_refused_at_load() {
    let s = Scratch::examples();
    let marker = s.kit.child("pwned");
    s.write(
        "registry/packages/evil.yaml",
        &format!(
            "name: evil\nsources:\n  dev:\n    type: local\n    path: ../../packages/evil\n    git: {{url: \"--upload-pack=touch {}\"}}\n",
            marker.display()
        ),
    );
    s.write(
        "registry/packages/evil2.yaml",
        "name: evil2\nsources:\n  prod:\n    type: git\n    url: \"--upload-pack=evil\"\n",
    );
    s.write(
        "registry/containers/evilc.yaml",
        "name: evilc\nimage: x:1\nsources:\n  dev:\n    type: build\n    path: ../../services/evilc\n    git: {url: \"-uevil\"}\n",
    );
    let dir = project(
        &s,
        "g",
        "registry: ../../registry\npackages:\n  - evil: dev\n",
    );
    let before = snapshot_tree(s.path());
    let t = run(s.hsm(&dir).arg("sync"));
    insta::assert_snapshot!(s.filter(&t.render()).replace(&marker.display().to_string(), "[MARKER]"), @r"
    exit: 3
    --- stderr
    error: `--upload-pack=touch [MARKER]` is not a repository URL: a value starting with `-` would be read as an option by `git clone`
      --> ../../registry/packages/evil.yaml:4:5 (at `sources.dev`)
    ");
    for (manifest, name) in [
        ("packages: [evil2]", "evil2.yaml"),
        (
            "services:\n  containers: [{name: evilc, mode: dev}]",
            "evilc.yaml",
        ),
    ] {
        std::fs::write(
            dir.join("hsm.yaml"),
            format!("registry: ../../registry\n{manifest}\n"),
        )
        .unwrap();
        let err = fails_with(&run(s.hsm(&dir).args(["sync", "--uv", "true"])), 3);
        assert!(
            err.contains(name) && err.contains("would be read as an option by `git clone`"),
            "{err}"
        );
    }
    let err = fails_with(&run(s.hsm(&dir).args(["registry", "validate"])), 3);
    for name in ["evil.yaml:4:", "evil2.yaml:4:", "evilc.yaml:5:"] {
        assert!(err.contains(name), "{name}:\n{err}");
    }
    assert!(!marker.exists(), "git ran");
    assert!(!s.path().join("packages/evil").exists());
    assert!(!s.path().join("services/evilc").exists());
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages:\n  - evil: dev\n",
    )
    .unwrap();
    unchanged(&before, &s.path());
}

#[test]
fn d07_a_git_ref_starting_with_a_dash_is_refused_at_load() {
    let s = Scratch::examples();
    s.write(
        "registry/packages/evil.yaml",
        "name: evil\nsources:\n  dev:\n    type: local\n    path: ../../packages/evil\n    git: {url: \"https://example.invalid/x.git\", ref: \"--output=/tmp/x\"}\n",
    );
    let dir = project(
        &s,
        "g",
        "registry: ../../registry\npackages:\n  - evil: dev\n",
    );
    let t = run(s.hsm(&dir).args(["check", "--offline"]));
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(t.stderr.contains("evil.yaml:"), "{}", t.render());
}

// 8 ────────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d08_bad_env_keys_are_located_schema_errors() {
    let s = Scratch::examples();
    let dir = project(&s, "e", "registry: ../../registry\npackages: [bad]\n");
    let mut all = String::new();
    for key in ["\"BAD KEY\": x", "\"X=Y\": 1", "\"A\\nB\": 1"] {
        s.write(
            "registry/packages/bad.yaml",
            &format!("name: bad\nenv:\n  OK: 1\n  {key}\n"),
        );
        for args in [&["check", "--offline"][..], &["registry", "validate"]] {
            let t = run(s.hsm(&dir).args(args));
            let err = fails_with(&t, 3);
            assert!(
                err.contains("../../registry/packages/bad.yaml:4:3") && err.contains("env."),
                "{key} {args:?}:\n{err}"
            );
        }
        let j = run(s.hsm(&dir).args(["check", "--offline", "--json"])).json();
        all.push_str(&format!(
            "{key} -> {} | {}\n",
            j["error"]["diagnostics"][0]["key"], j["error"]["diagnostics"][0]["message"]
        ));
    }
    insta::assert_snapshot!(all, @r#"
    "BAD KEY": x -> "env.BAD KEY" | "`BAD KEY` is not an environment variable name: it contains whitespace; expected letters, digits and `_`, not starting with a digit"
    "X=Y": 1 -> "env.X=Y" | "`X=Y` is not an environment variable name: `=` separates a name from its value; write `X: <value>`"
    "A\nB": 1 -> "env.A\nB" | "`A\\nB` is not an environment variable name: it contains whitespace; expected letters, digits and `_`, not starting with a digit"
    "#);
}

#[test]
fn d08_a_key_with_a_newline_is_shown_escaped_in_the_location() {
    let s = Scratch::examples();
    let dir = project(&s, "e", "registry: ../../registry\npackages: [bad]\n");
    s.write(
        "registry/packages/bad.yaml",
        "name: bad\nenv:\n  \"A\\nB\": 1\n",
    );
    let err = fails_with(&run(s.hsm(&dir).args(["check", "--offline"])), 3);
    assert!(
        err.lines().all(|l| l.starts_with("error: ")
            || l.starts_with("  --> ")
            || l.starts_with("  hint: ")),
        "every line is a message, location or hint line:\n{err}"
    );
}

// 9 ────────────────────────────────────────────────────────────────────────────────────────

const PYPI: &str = "sources:\n  prod: {type: pypi, spec: \">=1\"}\n";

#[test]
fn d09_names_are_compared_the_way_python_does() {
    let s = Scratch::examples();
    s.write("registry/packages/Six.yaml", &format!("name: Six\n{PYPI}"));
    s.write("registry/packages/six.yaml", &format!("name: six\n{PYPI}"));
    let dir = project(&s, "n", "registry: ../../registry\npackages: [six]\n");
    let t = run(s.hsm(&dir).args(["check", "--offline"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: package `six` is defined twice: `../../registry/packages/Six.yaml` and `../../registry/packages/six.yaml` (package names are compared the way Python does: case, `-`, `_` and `.` do not matter)
      --> ../../registry/packages/six.yaml
      hint: keep one of the two files
    ");
    for args in [&["registry", "validate"][..], &["plan"]] {
        let err = fails_with(&run(s.hsm(&dir).args(args)), 3);
        assert!(err.contains("is defined twice"), "{args:?}:\n{err}");
    }
    std::fs::remove_file(s.path().join("registry/packages/Six.yaml")).unwrap();
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages: [Six, six]\n",
    )
    .unwrap();
    let t = run(s.hsm(&dir).args(["check", "--offline"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: package `six` is listed twice (as `Six` and `six`)
      --> hsm.yaml:2:17 (at `packages[1]`)
      hint: remove one of `packages[0]` and `packages[1]`
    ");
    // An edit takes the registry's spelling.
    s.write(
        "registry/packages/pkg-e.yaml",
        &format!("name: pkg-e\n{PYPI}"),
    );
    std::fs::write(dir.join("hsm.yaml"), "registry: ../../registry\n").unwrap();
    ok(&run(s.hsm(&dir).args(["package", "add", "Pkg_E"])));
    let out = run(s.hsm(&dir).args(["package", "add", "PKG.e"]));
    ok(&out);
    assert!(out.stderr.contains("Nothing to change"), "{}", out.render());
    assert_eq!(
        read(&dir.join("hsm.yaml")),
        "registry: ../../registry\npackages:\n  - pkg-e\n"
    );
    // One entry per distribution in pyproject.toml, whatever the spelling before.
    std::fs::write(
        dir.join("hsm.yaml"),
        "registry: ../../registry\npackages: [SIX]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"n\"\nversion = \"0\"\ndependencies = [\"SIX>=1\"]\n[tool.hsm]\nmanaged-dependencies = [\"SIX\"]\n",
    )
    .unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let py = read(&dir.join("pyproject.toml"));
    assert!(py.contains("dependencies = [\"six>=1\"]"), "{py}");
    // The user's own entry for the same distribution is a conflict, not a second entry.
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"n\"\nversion = \"0\"\ndependencies = [\"Six[extra] >=1\"]\n",
    )
    .unwrap();
    let err = fails_with(&run(s.hsm(&dir).arg("plan")), 3);
    assert!(
        err.contains("`six` is declared in `project.dependencies` by you"),
        "{err}"
    );
}

#[test]
fn d09_an_edit_reports_a_name_clash_in_the_registry() {
    let s = Scratch::examples();
    s.write("registry/packages/Six.yaml", &format!("name: Six\n{PYPI}"));
    s.write("registry/packages/six.yaml", &format!("name: six\n{PYPI}"));
    let dir = project(&s, "n", "registry: ../../registry\n");
    let before = snapshot_tree(&dir);
    let t = run(s.hsm(&dir).args(["package", "add", "six"]));
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(t.stderr.contains("is defined twice"), "{}", t.render());
    unchanged(&before, &dir);
}

#[test]
fn d09_a_user_entry_with_leading_whitespace_is_the_same_distribution() {
    let s = Scratch::examples();
    s.write("registry/packages/six.yaml", &format!("name: six\n{PYPI}"));
    let dir = project(&s, "n", "registry: ../../registry\npackages: [six]\n");
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"n\"\nversion = \"0\"\ndependencies = [\" six>=1\"]\n",
    )
    .unwrap();
    let t = run(s.hsm(&dir).arg("plan"));
    assert_eq!(t.code, Some(3), "{}", t.render());
    assert!(
        t.stderr
            .contains("`six` is declared in `project.dependencies` by you"),
        "{}",
        t.render()
    );
}

// 10 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d10_bad_registry_values_from_flags_are_usage_errors_and_write_nothing() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    let before = snapshot_tree(&dir);
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["registry", "package", "add", "x", "--pypi", "not a spec!!"],
            "--pypi",
            "not a spec!!",
        ),
        (
            &[
                "registry",
                "container",
                "add",
                "web",
                "--image",
                "i",
                "--port",
                "notaport",
            ],
            "--port",
            "notaport",
        ),
        (
            &[
                "registry",
                "container",
                "add",
                "web",
                "--image",
                "i",
                "--port",
                "99999:80",
            ],
            "--port",
            "99999:80",
        ),
        (
            &[
                "registry",
                "container",
                "add",
                "web",
                "--image",
                "i",
                "--memory",
                "lots",
            ],
            "--memory",
            "lots",
        ),
    ];
    for (args, flag, value) in cases {
        let err = fails_with(&run(s.hsm(&dir).args(*args)), 2);
        assert!(
            err.contains(&format!("invalid value '{value}' for '{flag}")),
            "{args:?}:\n{err}"
        );
    }
    let t = run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "web",
        "--image",
        "i",
        "--port",
        "99999:80",
    ]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 2
    --- stderr
    error: invalid value '99999:80' for '--port <HOST:CONTAINER>': `99999` in `99999:80` is not a port: expected a number from 1 to 65535

    For more information, try '--help'.
    ");
    unchanged(&before, &dir);
}

#[test]
fn d10_bad_registry_values_in_files_are_located() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    s.write(
        "hsm-registry/containers/web.yaml",
        "name: web\nimage: i:1\nports: [\"99999:80\"]\n",
    );
    s.write(
        "hsm-registry/containers/big.yaml",
        "name: big\nimage: i:1\nresources: {memory: lots}\n",
    );
    let t = run(s.hsm(&dir).args(["registry", "validate"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: `lots` is not a memory size: expected a number with an optional unit `b`, `k`, `m`, `g`, `t` or `p` (also `kb`, `kib`, … in any case), as in `512m` or `1.5g`
      --> hsm-registry/containers/big.yaml:3:21 (at `resources.memory`)
    error: `99999` in `99999:80` is not a port: expected a number from 1 to 65535
      --> hsm-registry/containers/web.yaml:3:9 (at `ports[0]`)
    error: the project is invalid (2 problems)
    ");
    for (name, at) in [("web", "web.yaml:3:9"), ("big", "big.yaml:3:21")] {
        std::fs::write(
            dir.join("hsm.yaml"),
            format!("project: {{name: w}}\nservices:\n  containers: [{name}]\n"),
        )
        .unwrap();
        let err = fails_with(&run(s.hsm(&dir).args(["check", "--offline"])), 3);
        assert!(err.contains(at), "{name}:\n{err}");
    }
}

#[test]
fn d10_check_with_compose_never_names_a_temporary_path() {
    need!("docker-compose", "HSM_TEST_COMPOSE");
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    // Valid for hsm, rejected by Compose.
    s.write(
        "hsm-registry/containers/web.yaml",
        "name: web\nimage: i:1\nvolumes: [\"::::\"]\n",
    );
    std::fs::write(
        dir.join("hsm.yaml"),
        "project: {name: w}\nservices:\n  containers: [web]\n",
    )
    .unwrap();
    let t = run(s.hsm(&dir).args([
        "check",
        "--uv",
        "true",
        "--compose-command",
        "docker-compose",
    ]));
    let err = fails_with(&t, 3);
    assert!(err.contains("Docker Compose rejects"), "{err}");
    let shown = t.render();
    let tmp = std::env::temp_dir();
    assert!(
        !shown.contains(tmp.to_str().unwrap()),
        "a temporary path is named:\n{shown}"
    );
}

#[test]
fn d10_a_component_named_y_can_be_added() {
    let s = Scratch::empty();
    let dir = s.path();
    ok(&run(s.hsm(&dir).args(["init", "-q"])));
    ok(&run(s.hsm(&dir).args([
        "registry",
        "container",
        "add",
        "y",
        "--image",
        "i:1",
    ])));
    ok(&run(s.hsm(&dir).args(["container", "add", "y"])));
    ok(&run(s.hsm(&dir).args(["check", "--offline"])));
}

// 11 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d11_a_misspelt_group_suggests_the_right_one_and_new_creates_one() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let before = snapshot_tree(&dir);
    let t = run(s.hsm(&dir).args(["group", "select", "databse", "mysql"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 3
    --- stderr
    error: `databse` is not a group in hsm.yaml or the registry
    hint: did you mean `database`?
    hint: to start a new ad-hoc group choosing among registry components, pass `--new`
    ");
    unchanged(&before, &dir);
    ok(&run(s
        .hsm(&dir)
        .args(["group", "select", "newgrp", "redis", "--new"])));
    let m = read(&dir.join("hsm.yaml"));
    assert!(m.contains("    newgrp:\n      selection: redis\n"), "{m}");
    let list = ok(&run(s.hsm(&dir).arg("list")));
    assert!(
        list.contains("newgrp (container, 1-of-N, ad hoc) → redis"),
        "{list}"
    );
}

// 13 ───────────────────────────────────────────────────────────────────────────────────────

fn is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p)
        .unwrap()
        .file_type()
        .is_symlink()
}

#[test]
fn d13_symlinked_pyproject_and_manifest_stay_symlinks() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let shared = s.path().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::rename(dir.join("hsm.yaml"), shared.join("hsm.yaml")).unwrap();
    std::fs::write(
        shared.join("pyproject.toml"),
        "[project]\nname = \"sd\"\nversion = \"0.1.0\"\ndependencies = []\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../../shared/hsm.yaml", dir.join("hsm.yaml")).unwrap();
    std::os::unix::fs::symlink("../../shared/pyproject.toml", dir.join("pyproject.toml")).unwrap();
    let links = |when: &str| {
        for f in ["hsm.yaml", "pyproject.toml"] {
            assert!(
                is_symlink(&dir.join(f)),
                "{f} is no longer a symlink {when}"
            );
        }
    };
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    links("after sync");
    assert!(read(&shared.join("pyproject.toml")).contains("[tool.hsm]"));
    ok(&run(s.hsm(&dir).args(["package", "add", "gunicorn"])));
    links("after an edit");
    assert!(read(&shared.join("hsm.yaml")).contains("  - gunicorn\n"));
    // A failing sync restores the target, not the link.
    let before = read(&shared.join("pyproject.toml"));
    fails_with(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "false"])), 1);
    links("after a rolled-back sync");
    assert_eq!(before, read(&shared.join("pyproject.toml")));
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    links("after the second sync");
    assert!(read(&shared.join("pyproject.toml")).contains("\"gunicorn>=22\""));
}

// 14 ───────────────────────────────────────────────────────────────────────────────────────

/// A `python3` that makes `-m venv DIR` a venv whose python accepts anything.
fn fake_python(s: &Scratch) -> PathBuf {
    let p = s.kit.child("tools/python3");
    script(
        &p,
        "if [ \"$1\" = -m ] && [ \"$2\" = venv ]; then mkdir -p \"$3/bin\"; printf '#!/bin/sh\\nexit 0\\n' > \"$3/bin/python\"; chmod +x \"$3/bin/python\"; fi\nexit 0\n",
    );
    p
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "one switch each way, with the plan shown whole"
)]
fn d14_switching_the_package_manager_cleans_up_after_the_other() {
    let s = Scratch::examples();
    let py = fake_python(&s);
    let dir = s.project("hybrid-stack");
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"hs\"\nversion = \"0.1.0\"\ndependencies = [\"requests\"]\n",
    )
    .unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    std::fs::write(dir.join("uv.lock"), "").unwrap();
    ok(&run(s.hsm(&dir).args(["status", "--uv", "true"])));
    let manifest = read(&dir.join("hsm.yaml"));
    let pip = manifest.replace(
        "registry: ../../registry\n",
        "registry: ../../registry\npackage_manager: pip\n",
    );
    std::fs::write(dir.join("hsm.yaml"), &pip).unwrap();
    let t = run(s
        .hsm(&dir)
        .args(["status", "--uv", "true"])
        .arg("--python")
        .arg(&py));
    insta::assert_snapshot!(t.render(), @r"
    exit: 1
    --- stderr
    error: 2 differences from hsm.yaml
      - .hsm/requirements.txt is missing
      - pyproject.toml differs from what hsm.yaml asks for
    hint: run `hsm sync` (and `hsm up` for containers)
    ");
    let t = run(s.hsm(&dir).arg("plan"));
    insta::assert_snapshot!(t.render(), @r#"
    exit: 0
    --- stdout
    create     .hsm/requirements.txt
    --- /dev/null
    +++ b/.hsm/requirements.txt
    @@ -0,0 +1,4 @@
    +# Generated by hsm from hsm.yaml for the pip adapter. Do not edit: `hsm sync` rewrites it.
    +../../packages/neo4j-client  # neo4j-client
    +../../packages/qdrant-client  # qdrant-client
    +-e ../../packages/tree-sitter-chunker  # tree-sitter-chunker
    update     pyproject.toml
    --- a/pyproject.toml
    +++ b/pyproject.toml
    @@ -1,13 +1,4 @@
     [project]
     name = "hs"
     version = "0.1.0"
    -dependencies = ["requests", "neo4j-client", "qdrant-client", "tree-sitter-chunker"]
    -
    -[tool.uv.sources]
    -neo4j-client = { path = "../../packages/neo4j-client" }
    -qdrant-client = { path = "../../packages/qdrant-client" }
    -tree-sitter-chunker = { path = "../../packages/tree-sitter-chunker", editable = true }
    -
    -# Written by hsm: the dependencies it manages. Do not edit by hand.
    -[tool.hsm]
    -managed-dependencies = ["neo4j-client", "qdrant-client", "tree-sitter-chunker"]
    +dependencies = ["requests"]
    unchanged  docker-compose.hsm.yml
    unchanged  .hsm/.gitignore
    unchanged  .hsm/env

    Steps:
      - install Python packages with pip
        $ .venv/bin/python -m pip install -r .hsm/requirements.txt

    1 to create, 1 to update, 0 to delete, 3 unchanged
    "#);
    ok(&run(s
        .hsm(&dir)
        .args(["sync", "-q"])
        .arg("--python")
        .arg(&py)));
    assert!(dir.join(".hsm/requirements.txt").is_file());
    assert!(!read(&dir.join("pyproject.toml")).contains("tool.hsm"));
    // pip → uv: the pip adapter's files go.
    std::fs::write(dir.join("hsm.yaml"), &manifest).unwrap();
    let out = ok(&run(s.hsm(&dir).arg("plan")));
    assert!(out.contains("delete     .hsm/requirements.txt"), "{out}");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    assert!(!dir.join(".hsm/requirements.txt").exists());
    assert!(read(&dir.join("pyproject.toml")).contains("[tool.hsm]"));
}

// 15 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d15_values_with_dollars_and_quotes_survive_exactly() {
    let s = Scratch::examples();
    s.write(
        "registry/containers/vault.yaml",
        "name: vault\nimage: busybox:1\nenv:\n  PASS: \"${P1}\"\n  PASS2: \"${P2}\"\n",
    );
    let dir = project(
        &s,
        "q",
        "registry: ../../registry\nservices:\n  containers: [vault]\n",
    );
    std::fs::write(dir.join(".env"), "P1='p${x}w'\nP2=\"it's\\$1\"\n").unwrap();
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let shown = ok(&run(s.hsm(&dir).args(["env", "--show-secrets"])));
    assert_eq!(shown, "P1=p${x}w\nP2=it's$1\n");
    let json = run(s.hsm(&dir).args(["env", "--show-secrets", "--json"])).json();
    assert_eq!(json["P1"], "p${x}w");
    assert_eq!(json["P2"], "it's$1");
    let Some(dc) = tool("docker-compose", "HSM_TEST_COMPOSE") else {
        return;
    };
    ok(&run(s.hsm(&dir).args([
        "check",
        "--uv",
        "true",
        "--compose-command",
        "docker-compose",
    ])));
    let mut c = std::process::Command::new(dc);
    c.current_dir(&dir).env_clear().env("PATH", "/usr/bin:/bin");
    for (k, v) in json.as_object().unwrap() {
        c.env(k, v.as_str().unwrap());
    }
    let out = c
        .args([
            "--env-file",
            ".hsm/env",
            "-f",
            "docker-compose.hsm.yml",
            "config",
        ])
        .output()
        .unwrap();
    let config = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `config` prints a literal `$` as `$$`.
    assert!(
        config.contains("PASS: p$${x}w") && config.contains("PASS2: it's$$1"),
        "{config}"
    );
}

/// The `note:` lines of stderr.
fn notes(t: &Transcript) -> String {
    t.stderr
        .lines()
        .filter(|l| l.starts_with("  note: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

// 16 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d16_ports_give_local_host_and_port_or_a_note_why_not() {
    let s = Scratch::examples();
    for (name, ports) in [
        ("v6", "ports: [\"[::1]:6001:80\"]"),
        ("rng", "ports: [\"8000-8010:8000-8010\"]"),
        ("bare", "ports: [\"5432\"]"),
        ("long", "ports:\n  - {target: 80, published: 8080}"),
    ] {
        s.write(
            &format!("registry/containers/{name}.yaml"),
            &format!("name: {name}\nimage: i:1\n{ports}\n"),
        );
    }
    let dir = project(
        &s,
        "p",
        "registry: ../../registry\nservices:\n  containers: [v6, rng, bare, long]\n",
    );
    let t = run(s.hsm(&dir).arg("plan"));
    ok(&t);
    assert_eq!(
        notes(&t),
        "  note: container `bare` does not publish port 5432 on a fixed host port, so local processes get no `BARE_HOST`/`BARE_PORT`; write `5432:5432` in `ports` to reach it from the host\n"
    );
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let env = read(&dir.join(".hsm/env"));
    let vars: Vec<&str> = env.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        vars,
        [
            "LONG_HOST=127.0.0.1",
            "LONG_PORT=8080",
            "RNG_HOST=127.0.0.1",
            "RNG_PORT=8000",
            "V6_HOST=::1",
            "V6_PORT=6001"
        ]
    );
    compose_config(&dir, &["docker-compose.hsm.yml"]);
}

// 17 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d17_unknown_names_exit_3_everywhere_with_did_you_mean() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let before = snapshot_tree(&dir);
    fails_with(
        &run(s.hsm(&dir).args(["mode", "--all", "dev", "postgres"])),
        2,
    );
    let mut all = String::new();
    for args in [
        &["package", "add", "nosuch"][..],
        &["container", "add", "nosuch"],
        &["registry", "show", "nosuch"],
        &["package", "add", "neo4j-clent"],
        &["container", "add", "redis-x"],
        &["registry", "show", "qdrnt"],
    ] {
        let t = run(s.hsm(&dir).args(args));
        all.push_str(&format!("$ hsm {}\n{}", args.join(" "), t.render()));
    }
    insta::assert_snapshot!(all, @r"
    $ hsm package add nosuch
    exit: 3
    --- stderr
    error: package `nosuch` is not in the registry
    hint: add it with `hsm registry package add nosuch`
    $ hsm container add nosuch
    exit: 3
    --- stderr
    error: container `nosuch` is not in the registry
    hint: add it with `hsm registry container add nosuch --image IMAGE`
    $ hsm registry show nosuch
    exit: 3
    --- stderr
    error: `nosuch` is not in the registry
    hint: see `hsm registry list`
    $ hsm package add neo4j-clent
    exit: 3
    --- stderr
    error: package `neo4j-clent` is not in the registry
    hint: did you mean `neo4j-client`?
    $ hsm container add redis-x
    exit: 3
    --- stderr
    error: container `redis-x` is not in the registry
    hint: did you mean `redis`?
    $ hsm registry show qdrnt
    exit: 3
    --- stderr
    error: `qdrnt` is not in the registry
    hint: did you mean `qdrant`?
    ");
    unchanged(&before, &dir);
}

/// The command a `hint: … `hsm …`` line names, as arguments.
fn hinted_command(stderr: &str) -> Vec<String> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("hint:") && l.contains("`hsm "))
        .unwrap_or_else(|| panic!("no hint naming a command:\n{stderr}"));
    let start = line.find("`hsm ").unwrap() + 5;
    let end = start + line[start..].find('`').unwrap();
    line[start..end]
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn d17_a_command_a_hint_names_runs_as_written() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let err = fails_with(&run(s.hsm(&dir).args(["package", "add", "nosuch"])), 3);
    let cmd = hinted_command(&err);
    assert_eq!(cmd, ["registry", "package", "add", "nosuch"]);
    ok(&run(s.hsm(&dir).args(&cmd)));
    ok(&run(s.hsm(&dir).args(["package", "add", "nosuch"])));
    let err = fails_with(
        &run(s
            .hsm(&dir)
            .args(["registry", "group", "remove-option", "nosuchgrp", "x"])),
        3,
    );
    let cmd = hinted_command(&err);
    assert_eq!(cmd, ["registry", "list"]);
    ok(&run(s.hsm(&dir).args(&cmd)));
    let err = fails_with(&run(s.hsm(&dir).args(["container", "add", "nosuch"])), 3);
    ok(&run(s.hsm(&dir).args(hinted_command(&err)).arg("--help")));
}

#[test]
fn d17_the_container_hint_runs_as_written() {
    let s = Scratch::examples();
    let dir = s.project("hybrid-stack");
    let err = fails_with(&run(s.hsm(&dir).args(["container", "add", "nosuch"])), 3);
    ok(&run(s.hsm(&dir).args(hinted_command(&err))));
}

// 18 ───────────────────────────────────────────────────────────────────────────────────────

/// Library wording a message must never show.
const LEAKS: &[&str] = &[
    "from_str_multiple",
    "externally tagged",
    "serde",
    "Some(",
    "Error(",
    "Option<",
    "target enum",
    "for unit",
    "unit value",
    "in Options",
    "deserialize",
];

fn assert_clean_message(what: &str, t: &Transcript) {
    let err = t.stderr.clone();
    for leak in LEAKS {
        assert!(!err.contains(leak), "{what}: `{leak}` in\n{err}");
    }
    for line in err.lines().filter(|l| l.starts_with("error: ")) {
        let last = line.trim_end().chars().last().unwrap();
        assert!(
            last.is_alphanumeric() || "`)\"'".contains(last),
            "{what}: cut short? {line}"
        );
    }
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "the cases and their transcripts, side by side"
)]
fn d18_yaml_errors_speak_the_users_language() {
    let s = Scratch::examples();
    s.write("registry/packages/tg.yaml", "name: tg\n");
    let dir = project(&s, "y", "");
    let cases: &[(&str, &str, &str)] = &[
        ("list", "hsm.yaml", "- registry: ../../registry\n- b\n"),
        (
            "number item",
            "hsm.yaml",
            "registry: ../../registry\npackages:\n  - 5\n",
        ),
        (
            "documents",
            "hsm.yaml",
            "registry: ../../registry\n---\npackages: []\n---\n",
        ),
        (
            "empty services",
            "hsm.yaml",
            "registry: ../../registry\nservices:\n",
        ),
        (
            "services ~",
            "hsm.yaml",
            "registry: ../../registry\nservices: ~\n",
        ),
        (
            "packages null",
            "hsm.yaml",
            "registry: ../../registry\npackages:\n",
        ),
        (
            "commented services",
            "hsm.yaml",
            "registry: ../../registry\nservices:\n  # containers: []\n",
        ),
        (
            "tagged entry",
            "../../registry/packages/tg.yaml",
            "name: tg\nsources:\n  prod: !pypi {spec: \">=1\"}\n",
        ),
    ];
    let mut all = String::new();
    for (what, file, text) in cases {
        std::fs::write(
            dir.join("hsm.yaml"),
            "registry: ../../registry\npackages: [tg]\n",
        )
        .unwrap();
        std::fs::write(dir.join(file), text).unwrap();
        let t = run(s.hsm(&dir).args(["check", "--offline", "-q"]));
        assert_clean_message(what, &t);
        all.push_str(&format!("=== {what}\n{}", t.render()));
    }
    insta::assert_snapshot!(all, @"
        === list
        exit: 3
        --- stderr
        error: expected a mapping (key: value pairs)
          --> hsm.yaml:1:1
        === number item
        exit: 3
        --- stderr
        error: expected a name, `name: dev|prod`, or `{name, mode, profile}`, found `5`
          --> hsm.yaml:3:5 (at `packages[0]`)
        === documents
        exit: 3
        --- stderr
        error: the file holds several YAML documents (separated by `---`); expected one
          --> hsm.yaml:3:1
          hint: remove the extra `---` documents, or merge them into one
        === empty services
        exit: 0
        === services ~
        exit: 0
        === packages null
        exit: 0
        === commented services
        exit: 0
        === tagged entry
        exit: 3
        --- stderr
        error: missing field `type`
          --> ../../registry/packages/tg.yaml:3:16 (at `sources.prod`)
          hint: add the required key
        ");
}

#[test]
fn d18_tagged_values_and_nulls_speak_the_users_language() {
    let s = Scratch::examples();
    s.write("registry/containers/tc.yaml", "name: tc\nimage: i:1\n");
    s.write("registry/packages/tg.yaml", "name: tg\n");
    let dir = project(&s, "y", "");
    let base = "registry: ../../registry\npackages: [tg]\nservices:\n  containers: [tc]\n";
    let cases: &[(&str, &str)] = &[
        ("hsm.yaml", "registry: ../../registry\nmode: !dev x\n"),
        ("hsm.yaml", "registry: ../../registry\npackages: [!tg]\n"),
        (
            "hsm.yaml",
            "registry: ../../registry\npackages: [{name: tg, mode: !x dev}]\n",
        ),
        ("../../registry/packages/tg.yaml", "name: ~\n"),
        ("../../registry/packages/tg.yaml", "name: !!binary /w==\n"),
        (
            "../../registry/containers/tc.yaml",
            "name: tc\nimage: i:1\ndeployment_profiles:\n  p: {mode: !bogus x}\n",
        ),
        (
            "../../registry/containers/tc.yaml",
            "name: tc\nimage: i:1\ndeployment_profiles:\n  p: {mode: {managed: 1}}\n",
        ),
    ];
    let mut leaks = Vec::new();
    for (file, text) in cases {
        std::fs::write(dir.join("hsm.yaml"), base).unwrap();
        s.write("registry/packages/tg.yaml", "name: tg\n");
        s.write("registry/containers/tc.yaml", "name: tc\nimage: i:1\n");
        std::fs::write(dir.join(file), text).unwrap();
        let t = run(s.hsm(&dir).args(["check", "--offline", "-q"]));
        assert_eq!(t.code, Some(3), "{text}\n{}", t.render());
        if LEAKS.iter().any(|l| t.stderr.contains(l)) {
            leaks.push(format!("{text:?}\n{}", t.render()));
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

// 19 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d19_init_takes_registry_and_name_from_existing_files() {
    let s = Scratch::empty();
    s.write("proj/hsm.yaml", "registry: ../shared\n");
    let proj = s.path().join("proj");
    ok(&run(s.hsm(&proj).arg("init")));
    for f in [
        "packages",
        "containers",
        "package_groups",
        "container_groups",
    ] {
        assert!(s.path().join("shared").join(f).is_dir(), "{f}");
    }
    assert!(!proj.join("hsm-registry").exists());
    assert_eq!(read(&proj.join("hsm.yaml")), "registry: ../shared\n");
    s.write(
        "p2/pyproject.toml",
        "[project]\nname = \"fromtoml\"\nversion = \"0.3\"\n",
    );
    let p2 = s.path().join("p2");
    let t = run(s.hsm(&p2).arg("init"));
    ok(&t);
    assert!(
        t.stderr.contains("✓ Initialised hsm project `fromtoml`"),
        "{}",
        t.render()
    );
    assert!(read(&p2.join("hsm.yaml")).contains("project: {name: fromtoml}"));
}

#[test]
fn d19_a_project_without_python_packages_runs_no_uv() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    let plan = ok(&run(s.hsm(&dir).arg("plan")));
    assert!(
        !plan.contains("Steps:") && !plan.contains("uv sync"),
        "{plan}"
    );
    // uv is never started: a failing one does not matter.
    let t = run(s.hsm(&dir).args(["sync", "--uv", "false"]));
    ok(&t);
    assert!(
        t.stderr.contains("(no Python project to install)"),
        "{}",
        t.render()
    );
}

// 20 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d20_an_external_profiles_own_env_reaches_every_consumer() {
    let s = Scratch::examples();
    let qdrant = read(&s.path().join("registry/containers/qdrant.yaml")).replace(
        "      host: \"10.0.0.50\"\n      port: 6333\n",
        "      host: \"10.0.0.50\"\n      port: 6333\n    env:\n      QDRANT_URL: \"http://10.0.0.50:6333\"\n      QDRANT_TOKEN: \"${CORP_TOKEN}\"\n",
    );
    assert!(qdrant.contains("QDRANT_URL"), "fixture");
    s.write("registry/containers/qdrant.yaml", &qdrant);
    s.write(
        "registry/containers/chunk-svc.yaml",
        "name: chunk-svc\nimage: c:1\nimplies:\n  container:qdrant: {}\n",
    );
    let dir = project(
        &s,
        "external-db",
        "registry: ../../registry\npackages: [qdrant-client]\nservices:\n  containers: [chunk-svc]\n  container_groups:\n    vector-db: {selection: qdrant, profile: external-corp}\n",
    );
    ok(&run(s
        .hsm(&dir)
        .args(["sync", "-q", "--uv", "true"])
        .env("CORP_TOKEN", "tok-secret-123")));
    let env = read(&dir.join(".hsm/env"));
    assert!(
        env.contains("\nQDRANT_URL=http://10.0.0.50:6333\n")
            && env.contains("\nQDRANT_TOKEN=tok-secret-123\n"),
        "{env}"
    );
    let compose = read(&dir.join("docker-compose.hsm.yml"));
    assert!(
        compose.contains("      QDRANT_URL: http://10.0.0.50:6333\n")
            && compose.contains("      QDRANT_TOKEN: ${CORP_TOKEN}\n")
            && !compose.contains("tok-secret-123"),
        "{compose}"
    );
    let shown = ok(&run(s.hsm(&dir).arg("env")));
    assert!(
        shown.contains("QDRANT_TOKEN=<redacted>\n")
            && shown.contains("QDRANT_URL=http://10.0.0.50:6333\n"),
        "{shown}"
    );
    compose_config(&dir, &["docker-compose.hsm.yml"]);
}

// 21 ───────────────────────────────────────────────────────────────────────────────────────

#[test]
fn d21_removing_the_last_container_says_removed() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    ok(&run(s.hsm(&dir).args(["sync", "-q", "--uv", "true"])));
    let list = ok(&run(s.hsm(&dir).arg("list")));
    assert!(
        !list.contains(" = "),
        "no param line for unset params:\n{list}"
    );
    ok(&run(s
        .hsm(&dir)
        .args(["group", "unselect", "database", "postgres"])));
    let t = run(s.hsm(&dir).args(["sync", "--uv", "true"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 0
    --- stderr
      wrote   .hsm/env
      removed docker-compose.hsm.yml
    ✓ Synced 0 packages, 0 containers (no Python project to install)
    ");
    assert!(!dir.join("docker-compose.hsm.yml").exists());
}

#[test]
fn d21_a_container_implied_twice_names_both_and_a_no_op_sync_says_one_line() {
    let s = Scratch::examples();
    let dir = s.project("shared-db");
    let t = run(s.hsm(&dir).arg("plan"));
    ok(&t);
    assert_eq!(
        notes(&t),
        "  note: added container `postgres` (by hsm.yaml `packages[0]` → package `auth-service` → implies `container:postgres`; by hsm.yaml `packages[1]` → package `billing-service` → implies `container:postgres`)\n"
    );
    ok(&run(s.hsm(&dir).args(["sync", "--uv", "true"])));
    let t = run(s.hsm(&dir).args(["sync", "--uv", "true"]));
    insta::assert_snapshot!(t.render(), @r"
    exit: 0
    --- stderr
    ✓ Nothing to change: every artifact is up to date (2 packages, 1 container; no Python project to install)
    ");
}

// Also ─────────────────────────────────────────────────────────────────────────────────────

#[test]
fn dash_c_and_registry_resolve_the_same_registry_for_every_command() {
    let s = Scratch::empty();
    let tr = s.path().join("try");
    std::fs::create_dir_all(&tr).unwrap();
    ok(&run(s.hsm(&tr).args(["init", "-q"])));
    ok(&run(s.hsm(&tr).args([
        "registry", "package", "add", "onlyhere", "--pypi", ">=1",
    ])));
    // A decoy registry where a path relative to the working directory would lead.
    s.write("hsm-registry/packages/decoy.yaml", "name: decoy\n");
    let c = ["-C", "try", "--registry", "hsm-registry"];
    let list = ok(&run(s.hsm(s.path()).args(c).args(["registry", "list"])));
    assert_eq!(list, "packages:\n  onlyhere\n");
    let t = run(s.hsm(s.path()).args(c).args(["-v", "plan"]));
    ok(&t);
    assert!(
        s.filter(&t.stderr)
            .contains("registry [TMP]/try/hsm-registry (from `--registry`)"),
        "{}",
        t.render()
    );
    ok(&run(s
        .hsm(s.path())
        .args(c)
        .args(["package", "add", "onlyhere"])));
    ok(&run(s.hsm(s.path()).args(c).args(["check", "--offline"])));
}

#[test]
fn the_same_io_failure_gives_the_same_code_and_message_everywhere() {
    let s = Scratch::empty();
    let tr = s.path().join("try");
    std::fs::create_dir_all(&tr).unwrap();
    ok(&run(s.hsm(&tr).args(["init", "-q"])));
    std::fs::create_dir_all(tr.join("hsm-registry/packages/broken.yaml")).unwrap();
    let want = "error: failed to read `hsm-registry/packages/broken.yaml`\n  Caused by: it is a directory; expected a text file\n";
    for (cwd, pre) in [(&tr, &[][..]), (&s.path(), &["-C", "try"][..])] {
        for args in [
            &["package", "add", "broken"][..],
            &["registry", "show", "broken"],
            &["registry", "validate"],
        ] {
            let t = run(s.hsm(cwd).args(pre).args(args));
            assert_eq!(fails_with(&t, 1), want, "{pre:?} {args:?}");
        }
    }
}
