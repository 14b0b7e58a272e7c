//! The uv adapter: hsm's default package manager.
//!
//! hsm writes its dependencies into `pyproject.toml` (only the ones it owns, see
//! `hsm-pyproject`) with `[tool.uv.sources]` for git, local and custom-index sources — the
//! per-mode source switching uv itself does not offer — and then runs a real `uv sync`.
//! `uv.lock` stays uv's: hsm backs it up before the run and restores it if anything fails.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod check;
mod outcome;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use hsm_adapter::{AdapterError, Artifact, InstallCtx, Installed, PackageAdapter, Requirement};
use infra_process::{Cmd, Interrupt, Output, ProcessError, run};

/// The project file uv reads.
const PYPROJECT: &str = "pyproject.toml";
/// uv's lock file.
const LOCK: &str = "uv.lock";

/// Drives uv.
#[derive(Debug, Clone)]
pub struct UvAdapter {
    program: String,
    version: String,
}

impl UvAdapter {
    /// The adapter running `program` (`uv` on `PATH` by default); `version` is hsm's, for
    /// generated-file headers.
    pub fn new(program: impl Into<String>, version: &str) -> Self {
        Self {
            program: program.into(),
            version: version.to_string(),
        }
    }

    fn cmd(&self, root: &Path) -> Cmd {
        // A caller's activated venv must not redirect the project's environment.
        Cmd::new(&self.program)
            .current_dir(root)
            .env_remove("VIRTUAL_ENV")
            .stdin_null()
    }

    fn read_pyproject(root: &Path) -> Result<Option<String>, AdapterError> {
        match std::fs::read_to_string(root.join(PYPROJECT)) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(AdapterError::Io {
                op: "read",
                path: PathBuf::from(PYPROJECT),
                source,
            }),
        }
    }

    fn edited(text: &str, reqs: &[Requirement]) -> Result<String, AdapterError> {
        hsm_pyproject::apply(text, reqs).map_err(|e| {
            if let hsm_pyproject::PyprojectError::Parse {
                message,
                at: Some((line, column)),
            } = &e
            {
                return AdapterError::Syntax {
                    path: PathBuf::from(PYPROJECT),
                    message: format!("not valid TOML: {message}"),
                    line: *line,
                    column: *column,
                };
            }
            let hint = match &e {
                hsm_pyproject::PyprojectError::UserOwned { name } => Some(format!(
                    "remove `{name}` from `project.dependencies` (hsm will manage it) or from hsm.yaml"
                )),
                hsm_pyproject::PyprojectError::UserIndex { name } => Some(format!(
                    "rename your `[[tool.uv.index]]` `{name}` or the registry entry's index"
                )),
                _ => None,
            };
            AdapterError::File {
                path: PathBuf::from(PYPROJECT),
                message: e.to_string(),
                hint,
            }
        })
    }
}

impl PackageAdapter for UvAdapter {
    fn name(&self) -> &'static str {
        "uv"
    }

    fn program(&self) -> &str {
        &self.program
    }

    fn plan(
        &self,
        root: &Path,
        project_name: &str,
        reqs: &[Requirement],
    ) -> Result<Vec<Artifact>, AdapterError> {
        let existing = Self::read_pyproject(root)?;
        // No project file and nothing to put in it: do not create one.
        if existing.is_none() && reqs.is_empty() {
            return Ok(Vec::new());
        }
        let base = existing
            .unwrap_or_else(|| hsm_pyproject::minimal_pyproject(project_name, &self.version));
        Ok(vec![Artifact {
            path: PathBuf::from(PYPROJECT),
            contents: Some(Self::edited(&base, reqs)?),
            mode: None,
            sensitive: false,
        }])
    }

    fn release(&self, root: &Path) -> Result<Vec<Artifact>, AdapterError> {
        let Some(text) = Self::read_pyproject(root)? else {
            return Ok(Vec::new());
        };
        let released = Self::edited(&text, &[])?;
        Ok(if released == text {
            Vec::new()
        } else {
            vec![Artifact {
                path: PathBuf::from(PYPROJECT),
                contents: Some(released),
                mode: None,
                sensitive: false,
            }]
        })
    }

    fn tool_files(&self, root: &Path) -> Vec<PathBuf> {
        vec![root.join(LOCK)]
    }

    fn install_step(&self, root: &Path, planned: &[Artifact], frozen: bool) -> Option<Cmd> {
        let planned_pyproject = planned
            .iter()
            .find(|a| a.path == Path::new(PYPROJECT))
            .map(|a| a.contents.is_some());
        let will_exist = planned_pyproject.unwrap_or_else(|| root.join(PYPROJECT).exists());
        if !will_exist {
            return None;
        }
        let cmd = Cmd::new(&self.program).arg("sync");
        Some(if frozen { cmd.arg("--frozen") } else { cmd })
    }

    fn install(&self, ctx: &InstallCtx<'_>) -> Result<Installed, AdapterError> {
        if !ctx.root.join(PYPROJECT).exists() {
            return Ok(Installed::default());
        }
        let mut cmd = self.cmd(ctx.root).arg("sync");
        for (k, v) in ctx.env {
            cmd = cmd.env(k, v);
        }
        if ctx.frozen {
            cmd = cmd.arg("--frozen");
        }
        let output = if ctx.quiet {
            Output::Capture
        } else {
            Output::Forward {
                prefix: "  uv │ ".into(),
            }
        };
        let done = run(&cmd, output, ctx.interrupt)?;
        Ok(Installed {
            ran: true,
            changed: outcome::changed(&done.stderr),
        })
    }

    fn status(&self, root: &Path, interrupt: &Interrupt) -> Result<Vec<String>, AdapterError> {
        if !root.join(PYPROJECT).exists() {
            return Ok(Vec::new());
        }
        if !root.join(LOCK).exists() {
            return Ok(vec!["uv.lock does not exist".into()]);
        }
        let cmd = self.cmd(root).args(["sync", "--check", "--locked"]);
        match run(&cmd, Output::Capture, interrupt) {
            Ok(_) => Ok(Vec::new()),
            Err(ProcessError::Failed { output_tail, .. }) => Ok(outcome::drift(&output_tail)),
            Err(e) => Err(e.into()),
        }
    }

    fn check(
        &self,
        root: &Path,
        reqs: &[Requirement],
        interrupt: &Interrupt,
    ) -> Result<(), AdapterError> {
        let Some(art) = self.plan(root, "hsm-check", reqs)?.pop() else {
            return Ok(());
        };
        let text = art.contents.unwrap_or_default();
        check::lock_in_scratch(&self.cmd(root), root, &text, interrupt)
    }

    fn activation(&self, root: &Path, path: Option<&OsStr>) -> Vec<(String, OsString)> {
        hsm_adapter::activate_venv(root, path)
    }

    fn hints(&self, err: &AdapterError) -> Vec<String> {
        match err {
            AdapterError::Process(ProcessError::NotFound { .. }) => vec![format!(
                "install uv (`pip install uv`), point `--uv`/`HSM_UV` at it, or set `package_manager: pip` in hsm.yaml"
            )],
            AdapterError::File { hint: Some(h), .. } => vec![h.clone()],
            _ => Vec::new(),
        }
    }
}
