//! The uv adapter: hsm's default package manager.
//!
//! hsm writes its dependencies into `pyproject.toml` (only the ones it owns, see
//! `hsm-pyproject`) with `[tool.uv.sources]` for git and local sources — the per-mode source
//! switching uv itself does not offer — and then runs a real `uv sync`. `uv.lock` stays
//! uv's: hsm backs it up before the run and restores it if anything fails.

#![warn(missing_docs)]

use std::path::{Path, PathBuf};

use hsm_adapter::{AdapterError, Artifact, InstallCtx, PackageAdapter, Requirement};
use infra_process::{Cmd, Interrupt, Output, run};

/// Environment variable naming the uv binary (default `uv` on `PATH`).
pub const UV_ENV: &str = "HSM_UV";

/// Drives uv.
#[derive(Debug, Clone)]
pub struct UvAdapter {
    program: String,
    version: String,
}

impl UvAdapter {
    /// The adapter; `version` is hsm's, for generated-file headers.
    pub fn new(version: &str) -> Self {
        Self {
            program: std::env::var(UV_ENV).unwrap_or_else(|_| "uv".to_string()),
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
}

impl PackageAdapter for UvAdapter {
    fn name(&self) -> &'static str {
        "uv"
    }

    fn program(&self) -> &'static str {
        "uv"
    }

    fn plan(
        &self,
        root: &Path,
        project_name: &str,
        reqs: &[Requirement],
    ) -> Result<Vec<Artifact>, AdapterError> {
        let path = root.join("pyproject.toml");
        let existing = match std::fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(AdapterError::File {
                    path: PathBuf::from("pyproject.toml"),
                    message: format!("cannot read: {e}"),
                    hint: None,
                });
            }
        };
        let base = existing
            .clone()
            .unwrap_or_else(|| hsm_pyproject::minimal_pyproject(project_name, &self.version));
        let text = hsm_pyproject::apply(&base, reqs).map_err(|e| {
            let hint = match &e {
                hsm_pyproject::EditError::UserOwned { name } => Some(format!(
                    "remove `{name}` from `project.dependencies` (hsm will manage it) or from hsm.yaml"
                )),
                _ => None,
            };
            AdapterError::File {
                path: PathBuf::from("pyproject.toml"),
                message: e.to_string(),
                hint,
            }
        })?;
        // No project file and nothing to put in it: do not create one.
        if existing.is_none() && reqs.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![Artifact {
            path: PathBuf::from("pyproject.toml"),
            contents: Some(text),
            mode: None,
            sensitive: false,
        }])
    }

    fn tool_files(&self, root: &Path) -> Vec<PathBuf> {
        vec![root.join("uv.lock")]
    }

    fn install(&self, ctx: &InstallCtx<'_>) -> Result<bool, AdapterError> {
        if !ctx.root.join("pyproject.toml").exists() {
            return Ok(false);
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
        run(&cmd, output, ctx.interrupt)?;
        Ok(true)
    }

    fn status(&self, root: &Path, interrupt: &Interrupt) -> Result<Vec<String>, AdapterError> {
        if !root.join("pyproject.toml").exists() {
            return Ok(Vec::new());
        }
        if !root.join("uv.lock").exists() {
            return Ok(vec!["uv.lock does not exist".into()]);
        }
        let cmd = self.cmd(root).args(["sync", "--check", "--locked"]);
        match run(&cmd, Output::Capture, interrupt) {
            Ok(_) => Ok(Vec::new()),
            Err(infra_process::ProcessError::Failed { output_tail, .. }) => {
                let detail: Vec<String> = output_tail
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with(['+', '-', '~']) || l.contains("error"))
                    .map(|l| format!("uv: {l}"))
                    .collect();
                Ok(if detail.is_empty() {
                    vec!["the environment is not in sync with uv.lock".into()]
                } else {
                    detail
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    fn check(
        &self,
        root: &Path,
        reqs: &[Requirement],
        interrupt: &Interrupt,
    ) -> Result<(), AdapterError> {
        // Resolve the planned pyproject in a scratch copy of the project so nothing the user
        // owns (pyproject.toml, uv.lock, .venv) is touched. Every path source is made absolute.
        let scratch = tempfile::tempdir().map_err(|e| AdapterError::File {
            path: PathBuf::from("pyproject.toml"),
            message: format!("cannot create a scratch directory: {e}"),
            hint: None,
        })?;
        let mut arts = self.plan(root, "hsm-check", reqs)?;
        let Some(art) = arts.pop() else { return Ok(()) };
        let text = hsm_pyproject::absolutize_sources(&art.contents.unwrap_or_default(), root)
            .map_err(|e| AdapterError::File {
                path: PathBuf::from("pyproject.toml"),
                message: e.to_string(),
                hint: None,
            })?;
        let write = |name: &str, text: &[u8]| {
            std::fs::write(scratch.path().join(name), text).map_err(|e| AdapterError::File {
                path: PathBuf::from(name),
                message: format!("cannot write scratch copy: {e}"),
                hint: None,
            })
        };
        write("pyproject.toml", text.as_bytes())?;
        if let Ok(lock) = std::fs::read(root.join("uv.lock")) {
            write("uv.lock", &lock)?;
        }
        let cmd = self.cmd(scratch.path()).args(["lock", "--quiet"]);
        run(&cmd, Output::Capture, interrupt)?;
        Ok(())
    }
}
