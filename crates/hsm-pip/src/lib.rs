//! The pip adapter (`package_manager: pip` in hsm.yaml).
//!
//! This crate exists to prove the package-adapter seam of `hsm-adapter`: a second,
//! quite different package manager plugged in without touching any core crate. Where the
//! uv adapter edits `pyproject.toml` and lets `uv sync` own a lock file, this one writes a
//! generated `.hsm/requirements.txt`, keeps a virtual environment at `.venv`, and drives
//! plain pip in it:
//!
//! * [`PackageAdapter::plan`] renders the requirements file (sorted, deterministic; path
//!   requirements carry their package name as a trailing comment because pip cannot tell
//!   it from a directory).
//! * [`PackageAdapter::install`] creates `.venv` when missing, runs
//!   `pip install -r .hsm/requirements.txt`, and then uninstalls what an earlier sync
//!   installed but the requirements no longer name (pip itself never removes anything).
//!   The names it manages are remembered in `.hsm/requirements.installed`. A dropped
//!   package that an installed distribution still requires is kept (and stays managed).
//! * [`PackageAdapter::check`] asks pip for a dry-run resolution of the same requirements
//!   with the base interpreter, leaving the project and its `.venv` alone.
//!
//! pip has no lock file, so `--frozen` changes nothing here: every sync installs exactly
//! what the requirements file says, and already-installed packages are not upgraded
//! unless a requirement demands it.

#![warn(missing_docs)]

mod prune;
mod requirements;

use std::collections::BTreeSet;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use std::ffi::{OsStr, OsString};

use hsm_adapter::{AdapterError, Artifact, InstallCtx, Installed, PackageAdapter, Requirement};
use infra_process::{Cmd, Finished, Interrupt, Output, ProcessError, run};

/// The generated requirements file, relative to the project root.
pub const REQUIREMENTS_FILE: &str = ".hsm/requirements.txt";

/// The normalised names of the packages the last successful sync installed, one per
/// line, relative to the project root.
pub const INSTALLED_FILE: &str = ".hsm/requirements.installed";

/// The project's virtual environment, relative to the project root.
pub const VENV_DIR: &str = ".venv";

/// Prefix of pip's forwarded output lines.
const PREFIX: &str = "  pip │ ";

/// Drives pip in the project's `.venv`.
#[derive(Debug, Clone)]
pub struct PipAdapter {
    /// The base interpreter that creates `.venv` and runs the dry-run check.
    python: String,
}

impl PipAdapter {
    /// The adapter using `python` (`python3` on `PATH` by default) as the base interpreter.
    pub fn new(python: impl Into<String>) -> Self {
        Self {
            python: python.into(),
        }
    }

    /// The base interpreter.
    pub fn python(&self) -> &str {
        &self.python
    }

    /// A command running the project's venv interpreter with `-m pip`, in `root`.
    ///
    /// The interpreter path is absolute: a relative program path combined with a working
    /// directory is resolved differently across platforms.
    fn venv_pip(&self, root: &Path) -> Result<Cmd, AdapterError> {
        let python = absolute(root)?.join(VENV_DIR).join("bin/python");
        Ok(Cmd::new(python)
            .args(["-m", "pip"])
            .current_dir(root)
            .stdin_null())
    }

    /// Creates `.venv` unless its interpreter already exists.
    /// Creates `.venv` unless its interpreter already exists; whether it created it.
    fn ensure_venv(&self, ctx: &InstallCtx<'_>, output: &Output) -> Result<bool, AdapterError> {
        if ctx.root.join(VENV_DIR).join("bin/python").exists() {
            return Ok(false);
        }
        let cmd = Cmd::new(&self.python)
            .args(["-m", "venv", VENV_DIR])
            .current_dir(ctx.root)
            .stdin_null();
        run(&cmd, output.clone(), ctx.interrupt)?;
        Ok(true)
    }

    /// Uninstalls `candidates` except those an installed distribution outside the set
    /// still requires; returns the kept ones.
    fn prune(
        &self,
        ctx: &InstallCtx<'_>,
        candidates: &BTreeSet<String>,
        output: &Output,
    ) -> Result<BTreeSet<String>, AdapterError> {
        if candidates.is_empty() {
            return Ok(BTreeSet::new());
        }
        let show = self
            .venv_pip(ctx.root)?
            .args(["show", "--disable-pip-version-check"])
            .args(candidates);
        let shown = match run(&show, Output::Capture, ctx.interrupt) {
            Ok(Finished { stdout, .. }) => stdout,
            // pip show exits 1 when none of the packages is installed.
            Err(ProcessError::Failed { code: Some(1), .. }) => String::new(),
            Err(err) => return Err(err.into()),
        };
        let (remove, keep) = prune::split(candidates, &prune::required_by(&shown));
        if !remove.is_empty() {
            let uninstall = self
                .venv_pip(ctx.root)?
                .args(["uninstall", "--yes", "--disable-pip-version-check"])
                .args(&remove);
            run(&uninstall, output.clone(), ctx.interrupt)?;
        }
        Ok(keep)
    }
}

impl PackageAdapter for PipAdapter {
    fn name(&self) -> &'static str {
        "pip"
    }

    fn plan(
        &self,
        _root: &Path,
        _project_name: &str,
        reqs: &[Requirement],
    ) -> Result<Vec<Artifact>, AdapterError> {
        Ok(vec![Artifact {
            path: PathBuf::from(REQUIREMENTS_FILE),
            contents: Some(requirements::render(reqs)),
            mode: Some(0o644),
            sensitive: false,
        }])
    }

    fn tool_files(&self, root: &Path) -> Vec<PathBuf> {
        vec![root.join(INSTALLED_FILE)]
    }

    /// Creates `.venv` if needed, installs `.hsm/requirements.txt` into it and uninstalls
    /// packages an earlier sync installed that are no longer required. `ctx.frozen` is
    /// accepted and ignored: pip has no lock file to honour.
    fn install(&self, ctx: &InstallCtx<'_>) -> Result<Installed, AdapterError> {
        let wanted = requirements::parse(&read(ctx.root, REQUIREMENTS_FILE, false)?);
        let installed = requirements::parse_installed(&read(ctx.root, INSTALLED_FILE, true)?);
        let output = if ctx.quiet {
            Output::Capture
        } else {
            Output::Forward {
                prefix: PREFIX.to_owned(),
            }
        };
        let mut changed = self.ensure_venv(ctx, &output)?;
        if wanted.lines > 0 {
            let install = self.venv_pip(ctx.root)?.args([
                "install",
                "--disable-pip-version-check",
                "-r",
                REQUIREMENTS_FILE,
            ]);
            let done = run(&install, output.clone(), ctx.interrupt)?;
            changed |= done.stdout.contains("Successfully installed")
                || done.stderr.contains("Successfully installed");
        }
        let dropped: BTreeSet<String> = installed.difference(&wanted.names).cloned().collect();
        let kept = self.prune(ctx, &dropped, &output)?;
        changed |= dropped.len() > kept.len();
        let managed = wanted.names.union(&kept).cloned().collect();
        write(
            ctx.root,
            INSTALLED_FILE,
            &requirements::render_installed(&managed),
        )?;
        Ok(Installed { ran: true, changed })
    }

    /// Runs `<python> -m pip install --dry-run --ignore-installed` on the requirements in
    /// a temporary file, from `root` so relative paths resolve. A pip too old for
    /// `--dry-run` (before 22.2) makes this a no-op.
    fn check(
        &self,
        root: &Path,
        reqs: &[Requirement],
        interrupt: &Interrupt,
    ) -> Result<(), AdapterError> {
        if reqs.is_empty() {
            return Ok(());
        }
        let file = temp_requirements(&requirements::render(reqs))?;
        let cmd = Cmd::new(&self.python)
            .args([
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--quiet",
                "--disable-pip-version-check",
                "--ignore-installed",
                "-r",
            ])
            .arg(file.path())
            .current_dir(root)
            .stdin_null();
        match run(&cmd, Output::Capture, interrupt) {
            Ok(_) => Ok(()),
            Err(ProcessError::Failed { output_tail, .. })
                if output_tail.contains("no such option: --dry-run") =>
            {
                Ok(())
            }
            Err(err) => Err(err.into()),
        }
    }

    fn program(&self) -> &str {
        &self.python
    }

    fn release(&self, root: &Path) -> Result<Vec<Artifact>, AdapterError> {
        Ok([REQUIREMENTS_FILE, INSTALLED_FILE]
            .into_iter()
            .filter(|f| root.join(f).exists())
            .map(|f| Artifact {
                path: PathBuf::from(f),
                contents: None,
                mode: None,
                sensitive: false,
            })
            .collect())
    }

    fn install_step(&self, _root: &Path, _planned: &[Artifact], _frozen: bool) -> Option<Cmd> {
        Some(Cmd::new(format!("{VENV_DIR}/bin/python")).args([
            "-m",
            "pip",
            "install",
            "-r",
            REQUIREMENTS_FILE,
        ]))
    }

    fn activation(&self, root: &Path, path: Option<&OsStr>) -> Vec<(String, OsString)> {
        hsm_adapter::activate_venv(root, path)
    }

    fn hints(&self, err: &AdapterError) -> Vec<String> {
        match err {
            AdapterError::Process(ProcessError::NotFound { .. }) => vec![format!(
                "install Python 3, or point `--python`/`HSM_PYTHON` at an interpreter"
            )],
            AdapterError::File { hint: Some(h), .. } => vec![h.clone()],
            _ => Vec::new(),
        }
    }

    /// The venv exists and every requirement was installed by the last successful sync.
    fn status(&self, root: &Path, _interrupt: &Interrupt) -> Result<Vec<String>, AdapterError> {
        let wanted = requirements::parse(&read(root, REQUIREMENTS_FILE, true)?);
        if wanted.lines == 0 {
            return Ok(Vec::new());
        }
        if !root.join(VENV_DIR).join("bin").join("python").exists() {
            return Ok(vec![format!("no virtual environment at {VENV_DIR}")]);
        }
        let installed = requirements::parse_installed(&read(root, INSTALLED_FILE, true)?);
        Ok(wanted
            .names
            .difference(&installed)
            .map(|n| format!("`{n}` is required but not installed"))
            .collect())
    }
}

/// `root` made absolute against our working directory.
fn absolute(root: &Path) -> Result<PathBuf, AdapterError> {
    std::path::absolute(root).map_err(|err| AdapterError::File {
        path: root.to_path_buf(),
        message: format!("cannot resolve the project root: {err}"),
        hint: None,
    })
}

/// Reads `relative` under `root`; a missing file is empty when `optional`.
fn read(root: &Path, relative: &str, optional: bool) -> Result<String, AdapterError> {
    match std::fs::read_to_string(root.join(relative)) {
        Ok(text) => Ok(text),
        Err(err) if optional && err.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Err(AdapterError::File {
            path: PathBuf::from(relative),
            message: "does not exist".to_owned(),
            hint: Some("run `hsm sync`, which writes it before installing".to_owned()),
        }),
        Err(source) => Err(AdapterError::Io {
            op: "read",
            path: PathBuf::from(relative),
            source,
        }),
    }
}

/// Writes `relative` under `root`, creating its directory.
fn write(root: &Path, relative: &str, contents: &str) -> Result<(), AdapterError> {
    let path = root.join(relative);
    let result = match path.parent() {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    }
    .and_then(|()| std::fs::write(&path, contents));
    result.map_err(|err| AdapterError::File {
        path: PathBuf::from(relative),
        message: format!("cannot write: {err}"),
        hint: None,
    })
}

/// A temporary requirements file holding `contents`, deleted on drop.
fn temp_requirements(contents: &str) -> Result<tempfile::NamedTempFile, AdapterError> {
    let file_error = |err: io::Error| AdapterError::File {
        path: std::env::temp_dir(),
        message: format!("cannot write a temporary requirements file: {err}"),
        hint: None,
    };
    let mut file = tempfile::Builder::new()
        .prefix("hsm-requirements-")
        .suffix(".txt")
        .tempfile()
        .map_err(file_error)?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.flush())
        .map_err(file_error)?;
    Ok(file)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use hsm_adapter::ReqKind;
    use std::os::unix::fs::PermissionsExt;

    fn reqs() -> Vec<Requirement> {
        vec![
            Requirement::new(
                "beta",
                ReqKind::Path {
                    path: "pkgs/beta".into(),
                    editable: false,
                },
            ),
            Requirement::new(
                "Alpha",
                ReqKind::Index {
                    spec: "Alpha>=1".into(),
                    index: None,
                },
            ),
        ]
    }

    #[test]
    fn names_and_files() {
        let adapter = PipAdapter::new("/opt/py/bin/python3.12");
        assert_eq!(adapter.name(), "pip");
        assert_eq!(adapter.program(), "/opt/py/bin/python3.12");
        assert_eq!(
            adapter.tool_files(Path::new("/p")),
            [PathBuf::from("/p/.hsm/requirements.installed")]
        );
    }

    #[test]
    fn plan_is_one_requirements_file() {
        let artifacts = PipAdapter::new("python3")
            .plan(Path::new("/p"), "demo", &reqs())
            .unwrap();
        assert_eq!(
            artifacts,
            [Artifact {
                path: PathBuf::from(".hsm/requirements.txt"),
                contents: Some(format!(
                    "{}\nAlpha>=1\n./pkgs/beta  # beta\n",
                    requirements::HEADER
                )),
                mode: Some(0o644),
                sensitive: false,
            }]
        );
        let empty = PipAdapter::new("python3")
            .plan(Path::new("/p"), "demo", &[])
            .unwrap();
        assert_eq!(
            empty[0].contents.as_deref(),
            Some(format!("{}\n", requirements::HEADER).as_str())
        );
    }

    /// A fake interpreter: a shell script printing `stderr` and exiting with `code`.
    fn fake_python(dir: &Path, stderr: &str, code: i32) -> PipAdapter {
        let script = dir.join("python");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' '{stderr}' >&2\nexit {code}\n"),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        PipAdapter::new(script.to_str().unwrap())
    }

    #[test]
    fn check_without_dry_run_support_passes() {
        let dir = tempfile::tempdir().unwrap();
        let adapter = fake_python(
            dir.path(),
            "Usage: pip install [options]\nno such option: --dry-run",
            2,
        );
        adapter
            .check(dir.path(), &reqs(), &Interrupt::none())
            .unwrap();
    }

    #[test]
    fn check_failure_names_the_command() {
        let dir = tempfile::tempdir().unwrap();
        let adapter = fake_python(dir.path(), "ERROR: No matching distribution found", 1);
        let err = adapter
            .check(dir.path(), &reqs(), &Interrupt::none())
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
            command.contains("-m pip install --dry-run --quiet --disable-pip-version-check --ignore-installed -r /"),
            "{command}"
        );
        assert!(output_tail.contains("No matching distribution"));
    }

    #[test]
    fn check_with_no_requirements_runs_nothing() {
        let adapter = PipAdapter::new("/definitely/not/python");
        adapter
            .check(Path::new("/"), &[], &Interrupt::none())
            .unwrap();
    }

    #[test]
    fn missing_python_is_reported() {
        let adapter = PipAdapter::new("no-such-python-4711");
        let err = adapter
            .check(Path::new("/"), &reqs(), &Interrupt::none())
            .unwrap_err();
        assert!(matches!(
            err,
            AdapterError::Process(ProcessError::NotFound { ref program }) if program == "no-such-python-4711"
        ));
    }

    fn quiet_ctx<'a>(root: &'a Path, interrupt: &'a Interrupt) -> InstallCtx<'a> {
        InstallCtx {
            root,
            frozen: false,
            interrupt,
            quiet: true,
            env: &[],
        }
    }

    #[test]
    fn install_without_requirements_file_explains() {
        let dir = tempfile::tempdir().unwrap();
        let interrupt = Interrupt::none();
        let ctx = quiet_ctx(dir.path(), &interrupt);
        let err = PipAdapter::new("no-such-python-4711")
            .install(&ctx)
            .unwrap_err();
        let AdapterError::File { path, hint, .. } = err else {
            panic!("unexpected {err:?}");
        };
        assert_eq!(path, PathBuf::from(".hsm/requirements.txt"));
        assert!(hint.unwrap().contains("hsm sync"));
    }

    #[test]
    fn interrupted_install_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), REQUIREMENTS_FILE, "x==1\n").unwrap();
        let interrupt = Interrupt::none();
        interrupt.trigger(2);
        let ctx = quiet_ctx(dir.path(), &interrupt);
        let err = PipAdapter::new("python3").install(&ctx).unwrap_err();
        assert!(matches!(
            err,
            AdapterError::Process(ProcessError::Interrupted { signal: 2, .. })
        ));
        assert!(!dir.path().join(VENV_DIR).exists());
        assert!(!dir.path().join(INSTALLED_FILE).exists());
    }
}
