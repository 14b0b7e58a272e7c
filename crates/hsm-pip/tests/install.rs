//! The pip adapter against real pip in real virtual environments.
//!
//! No network: the packages are local directories built by a tiny in-tree PEP 517 /
//! PEP 660 backend ([`BACKEND`]) with no build requirements, so pip's isolated build
//! environments need nothing from an index, and the packages depend only on each other.
//! This also works on Python 3.12+, whose venvs no longer ship setuptools.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;
use std::process::Command;

use hsm_adapter::{AdapterError, InstallCtx, PackageAdapter, ReqKind, Requirement};
use hsm_pip::PipAdapter;
use infra_process::{Interrupt, ProcessError, which};

/// A PEP 517 build backend (with PEP 660 editable wheels) using only the standard library:
/// reads `[project]` from pyproject.toml and zips the package (or, for editable installs,
/// a `.pth` file pointing at the source tree) into a wheel.
const BACKEND: &str = r#"
import base64
import hashlib
import os
import tomllib
import zipfile


def _project():
    with open("pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _wheel(directory, files):
    project = _project()
    name, version = project["name"], project["version"]
    dist_info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    for dependency in project.get("dependencies", []):
        metadata += f"Requires-Dist: {dependency}\n"
    files[f"{dist_info}/METADATA"] = metadata.encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: hsm-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(data)}\n")
    record.append(f"{dist_info}/RECORD,,\n")
    files[f"{dist_info}/RECORD"] = "".join(record).encode()
    filename = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    package = _project()["name"]
    files = {}
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            with open(os.path.join(package, name), "rb") as f:
                files[f"{package}/{name}"] = f.read()
    return _wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    package = _project()["name"]
    pth = (os.path.abspath(".") + "\n").encode()
    return _wheel(wheel_directory, {f"__editable__.{package}.pth": pth})
"#;

/// Fails (never skips) when the interpreter is missing: CI installs it.
fn adapter() -> PipAdapter {
    let adapter = PipAdapter::new("python3");
    assert!(
        which(adapter.python()).is_some(),
        "`{}` (Python >= 3.11 with pip) is required by the hsm-pip tests; install it \
         (python3 on PATH)",
        adapter.python()
    );
    adapter
}

/// Writes package `name` to `root/pkgs/<name>`: `VALUE = '<value>'`, depending on `deps`.
fn package(root: &Path, name: &str, deps: &[&str], value: &str) {
    let dir = root.join("pkgs").join(name);
    fs::create_dir_all(dir.join(name)).unwrap();
    let deps = deps
        .iter()
        .map(|dep| format!("\"{dep}\""))
        .collect::<Vec<_>>()
        .join(", ");
    fs::write(
        dir.join("pyproject.toml"),
        format!(
            "[build-system]\nrequires = []\nbuild-backend = \"hsm_test_backend\"\n\
             backend-path = [\".\"]\n\n[project]\nname = \"{name}\"\nversion = \"0.1.0\"\n\
             dependencies = [{deps}]\n"
        ),
    )
    .unwrap();
    fs::write(dir.join("hsm_test_backend.py"), BACKEND).unwrap();
    set_value(root, name, value);
}

fn set_value(root: &Path, name: &str, value: &str) {
    let init = root.join("pkgs").join(name).join(name).join("__init__.py");
    fs::write(init, format!("VALUE = {value:?}\n")).unwrap();
}

fn local(name: &str, editable: bool) -> Requirement {
    Requirement::new(
        name,
        ReqKind::Path {
            path: format!("pkgs/{name}"),
            editable,
        },
    )
}

/// What the core does on `hsm sync`: write the planned artifacts, then install.
fn sync(adapter: &PipAdapter, root: &Path, reqs: &[Requirement]) {
    for artifact in adapter.plan(root, "demo", reqs).unwrap() {
        let path = root.join(&artifact.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, artifact.contents.unwrap()).unwrap();
    }
    let interrupt = Interrupt::none();
    let ctx = InstallCtx {
        root,
        frozen: false,
        interrupt: &interrupt,
        quiet: true,
        env: &[],
    };
    if let Err(err) = adapter.install(&ctx) {
        match err {
            AdapterError::Process(ProcessError::Failed {
                command,
                output_tail,
                ..
            }) => panic!("`{command}` failed:\n{output_tail}"),
            err => panic!("install failed: {err}"),
        }
    }
}

/// Runs `code` with the project's venv interpreter; `Err(stderr)` when it fails.
fn venv_python(root: &Path, code: &str) -> Result<String, String> {
    let output = Command::new(root.join(".venv/bin/python"))
        .args(["-c", code])
        .current_dir(root)
        .output()
        .unwrap();
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).unwrap().trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn installed_list(root: &Path) -> String {
    fs::read_to_string(root.join(".hsm/requirements.installed")).unwrap()
}

#[test]
fn editable_and_regular_packages_install_and_removed_ones_are_uninstalled() {
    let adapter = adapter();
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    package(root, "alpha", &[], "alpha v1");
    package(root, "beta", &[], "beta v1");

    // First sync creates the venv and installs both.
    sync(
        &adapter,
        root,
        &[local("beta", false), local("alpha", true)],
    );
    assert!(root.join(".venv/bin/python").exists());
    assert_eq!(
        venv_python(
            root,
            "import alpha, beta; print(alpha.VALUE, '|', beta.VALUE)"
        )
        .unwrap(),
        "alpha v1 | beta v1"
    );
    assert_eq!(installed_list(root), "alpha\nbeta\n");

    // The editable package is imported from its source tree, the other from site-packages.
    let files = venv_python(
        root,
        "import alpha, beta; print(alpha.__file__); print(beta.__file__)",
    )
    .unwrap();
    let mut files = files.lines();
    let source = root
        .join("pkgs/alpha/alpha/__init__.py")
        .canonicalize()
        .unwrap();
    assert_eq!(
        Path::new(files.next().unwrap()).canonicalize().unwrap(),
        source
    );
    assert!(files.next().unwrap().contains("site-packages"));

    // Editing the editable package's source shows without reinstalling; not so for beta.
    set_value(root, "alpha", "alpha v2");
    set_value(root, "beta", "beta v2");
    assert_eq!(
        venv_python(
            root,
            "import alpha, beta; print(alpha.VALUE, '|', beta.VALUE)"
        )
        .unwrap(),
        "alpha v2 | beta v1"
    );

    // A resolution check of the current requirements passes and leaves .venv alone.
    adapter
        .check(
            root,
            &[local("alpha", true), local("beta", false)],
            &Interrupt::none(),
        )
        .unwrap();

    // Second sync without beta: it is uninstalled, alpha stays editable.
    sync(&adapter, root, &[local("alpha", true)]);
    let err = venv_python(root, "import beta").unwrap_err();
    assert!(err.contains("No module named 'beta'"), "{err}");
    assert_eq!(
        venv_python(root, "import alpha; print(alpha.VALUE)").unwrap(),
        "alpha v2"
    );
    assert_eq!(installed_list(root), "alpha\n");
}

#[test]
fn a_dropped_package_still_required_is_kept_until_nothing_needs_it() {
    let adapter = adapter();
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    package(root, "beta", &[], "beta v1");
    package(root, "gamma", &["beta"], "gamma v1");

    sync(
        &adapter,
        root,
        &[local("beta", false), local("gamma", false)],
    );
    assert_eq!(installed_list(root), "beta\ngamma\n");

    // beta is no longer named, but gamma requires it: kept, and still managed by hsm.
    sync(&adapter, root, &[local("gamma", false)]);
    assert_eq!(
        venv_python(
            root,
            "import beta, gamma; print(beta.VALUE, '|', gamma.VALUE)"
        )
        .unwrap(),
        "beta v1 | gamma v1"
    );
    assert_eq!(installed_list(root), "beta\ngamma\n");

    // Nothing required: the header-only file is installed as nothing, both go.
    sync(&adapter, root, &[]);
    let requirements = fs::read_to_string(root.join(".hsm/requirements.txt")).unwrap();
    assert_eq!(requirements.lines().count(), 1, "{requirements}");
    assert!(venv_python(root, "import gamma").is_err());
    assert!(venv_python(root, "import beta").is_err());
    assert_eq!(installed_list(root), "");
}

#[test]
fn check_reports_an_unresolvable_requirement_with_the_command() {
    let adapter = adapter();
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    let err = adapter
        .check(root, &[local("missing", false)], &Interrupt::none())
        .unwrap_err();
    let AdapterError::Process(ProcessError::Failed {
        command,
        output_tail,
        ..
    }) = &err
    else {
        panic!("unexpected {err:?}");
    };
    assert!(
        command.contains(" -m pip install --dry-run --quiet"),
        "{command}"
    );
    assert!(output_tail.contains("pkgs/missing"), "{output_tail}");
    assert!(!root.join(".venv").exists(), "check must not create a venv");
}
