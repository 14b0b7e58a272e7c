//! Isolated uv services (`runtime: uv`), the port of hsm-original.md §6.5 case 11: a service
//! gets its own `uv.lock` and `.venv`, its dependencies come from the registry, its env is
//! visible to build backends (a canary package refuses to build without it), a git source
//! is cloned on demand, and the service is not part of the compose file.

use std::path::Path;

use crate::common::*;

/// A PEP 517 backend that only builds when `HSM_CANARY_VAR=FLYING` reaches it.
const CANARY_BACKEND: &str = r#"
import base64, hashlib, os, zipfile

NAME, VERSION = "canary_pkg", "0.1.0"


def _check():
    if os.environ.get("HSM_CANARY_VAR") != "FLYING":
        raise RuntimeError("CANARY_DIED: HSM_CANARY_VAR did not reach the build backend")


def _wheel(directory, files):
    dist = f"{NAME}-{VERSION}.dist-info"
    files[f"{dist}/METADATA"] = f"Metadata-Version: 2.1\nName: canary-pkg\nVersion: {VERSION}\n".encode()
    files[f"{dist}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: canary\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}\n" for p, d in files.items()]
    files[f"{dist}/RECORD"] = ("".join(record) + f"{dist}/RECORD,,\n").encode()
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w") as w:
        for p, d in files.items():
            w.writestr(p, d)
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _check()
    return _wheel(wheel_directory, {f"{NAME}/__init__.py": b"ALIVE = True\n"})


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _check()
    return _wheel(wheel_directory, {f"__editable__.{NAME}.pth": (os.path.abspath(".") + "\n").encode()})
"#;

fn service_project(s: &Scratch, name: &str) {
    s.write(
        &format!("services/{name}/pyproject.toml"),
        &format!("[project]\nname = \"{name}\"\nversion = \"0.1.0\"\nrequires-python = \">=3.10\"\ndependencies = []\n"),
    );
}

fn fixture(s: &Scratch, with_env: bool) -> std::path::PathBuf {
    s.write("canary/pyproject.toml", "[project]\nname = \"canary-pkg\"\nversion = \"0.1.0\"\n\n[build-system]\nrequires = []\nbuild-backend = \"canary_backend\"\nbackend-path = [\".\"]\n");
    s.write("canary/canary_backend.py", CANARY_BACKEND);
    s.write("canary/canary_pkg/__init__.py", "ALIVE = True\n");
    s.write(
        "registry/packages/canary-pkg.yaml",
        "name: canary-pkg\nsources:\n  prod: {type: local, path: ../../canary}\n",
    );
    service_project(s, "env-service");
    let env = if with_env {
        "env:\n  HSM_CANARY_VAR: FLYING\n"
    } else {
        ""
    };
    s.write(
        "registry/containers/env-service.yaml",
        &format!("name: env-service\n{env}sources:\n  dev: {{type: build, path: ../../services/env-service}}\ndeployment_profiles:\n  local: {{mode: managed, runtime: uv}}\ndependencies: [canary-pkg]\n"),
    );
    s.write("project/hsm.yaml", "registry: ../registry\nservices:\n  containers:\n    - {name: env-service, mode: dev, profile: local}\n");
    s.path().join("project")
}

fn pip_list(dir: &Path) -> String {
    let out = std::process::Command::new(require("uv"))
        .args(["pip", "list", "--python", ".venv/bin/python"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn uv_service_gets_its_own_environment_with_env_visible_to_builds() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::empty();
    let cache = s.path().join("uv-cache");
    // Without the env the canary dies, and everything is restored.
    let dir = fixture(&s, false);
    let before = snapshot_tree(s.path());
    let out = run(s.hsm(&dir).arg("sync").env("UV_CACHE_DIR", &cache));
    let err = fails_with(&out, 1);
    assert!(
        err.contains("`uv sync` of service `env-service` failed"),
        "{err}"
    );
    assert!(err.contains("CANARY_DIED"), "{err}");
    let mut after = snapshot_tree(s.path());
    after.entries.retain(|k, _| !k.starts_with("uv-cache"));
    assert_eq!(before, after, "rolled back");
    // With it, the service gets its own lock and venv holding the dependency.
    let dir = fixture(&s, true);
    ok(&run(s
        .hsm(&dir)
        .args(["sync", "-q"])
        .env("UV_CACHE_DIR", &cache)));
    let svc = s.path().join("services/env-service");
    assert!(svc.join("uv.lock").is_file() && svc.join(".venv").is_dir());
    assert!(pip_list(&svc).contains("canary-pkg"), "{}", pip_list(&svc));
    let py = read(&svc.join("pyproject.toml"));
    assert!(
        py.contains("canary-pkg = { path = \"../../canary\", editable = true }"),
        "paths relative to the service, editable in dev:\n{py}"
    );
    // Not a compose service, and the project's own environment is untouched.
    assert!(!dir.join("docker-compose.hsm.yml").exists());
    assert!(!dir.join(".venv").exists() && !dir.join("pyproject.toml").exists());
    let list = ok(&run(s.hsm(&dir).arg("list")));
    assert!(
        list.contains("env-service [dev, managed, uv, profile local]"),
        "{list}"
    );
    ok(&run(s.hsm(&dir).arg("status").env("UV_CACHE_DIR", &cache)));
}

#[test]
fn uv_service_from_git_is_cloned() {
    need!("uv", "HSM_TEST_UV");
    let s = Scratch::empty();
    let upstream = s.path().join("upstream");
    std::fs::create_dir_all(&upstream).unwrap();
    std::fs::write(upstream.join("pyproject.toml"), "[project]\nname = \"git-service\"\nversion = \"0.1.0\"\nrequires-python = \">=3.10\"\ndependencies = []\n").unwrap();
    std::fs::write(upstream.join("README.md"), "# Git Service\n").unwrap();
    git(&upstream, &["init", "-q", "-b", "main"]);
    git(&upstream, &["add", "."]);
    git(&upstream, &["commit", "-q", "-m", "init"]);
    s.write(
        "registry/containers/git-service.yaml",
        &format!("name: git-service\nsources:\n  prod:\n    type: build\n    path: ../../services/git-service\n    git: {{url: \"file://{}\"}}\ndeployment_profiles:\n  local: {{mode: managed, runtime: uv}}\n", upstream.display()),
    );
    s.write("project/hsm.yaml", "registry: ../registry\nservices:\n  containers:\n    - {name: git-service, profile: local}\n");
    let dir = s.path().join("project");
    ok(&run(s.hsm(&dir).args(["sync", "-q"])));
    let svc = s.path().join("services/git-service");
    assert!(svc.join(".git").is_dir());
    assert_eq!(read(&svc.join("README.md")), "# Git Service\n");
    assert!(svc.join("uv.lock").is_file(), "synced after cloning");
}
