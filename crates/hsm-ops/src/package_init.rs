//! `hsm package init <name> [--path DIR]`: a new local Python package, ready to hack on —
//! scaffolded by `uv init --lib` as a project of its own (`--no-workspace`: a workspace
//! member would make the outer `uv sync` manage it and break hsm's sources), registered
//! with an editable dev source and a path prod source, and added to hsm.yaml in dev mode,
//! so the caller's sync installs it editable and an edit shows without syncing again.

use std::path::{Path, PathBuf};

use hsm_schema::{ComponentKind, Mode};
use infra_fs::Transaction;
use infra_process::{Cmd, Output};
use serde::Serialize;

use crate::edit::{EditReport, add_component};
use crate::registry::{NewPackage, ProdSource, WrittenReport, add_package};
use crate::{Context, OpsError};

/// What `package init` did.
#[derive(Debug, Serialize)]
pub struct PackageInitReport {
    /// The package.
    pub name: String,
    /// Its directory, relative to the project.
    pub path: String,
    /// Whether `uv init` made it (`false`: a uv project was there already).
    pub scaffolded: bool,
    /// The registry entry (absent when one was there already).
    pub registered: Option<WrittenReport>,
    /// The hsm.yaml edit.
    pub added: EditReport,
}

/// The lowest Python the project's `pyproject.toml` allows (`requires-python = ">=3.10"` →
/// `3.10`).
fn min_python(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("pyproject.toml")).ok()?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("requires-python"))?;
    let after = line.split(">=").nth(1)?;
    let version: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    (!version.is_empty()).then_some(version)
}

/// Where the package goes, checked: inside the project, neither the project root nor hsm's
/// own `.hsm/`, and either empty, absent or a uv project of this very name.
fn place(root: &Path, name: &str, dir: Option<&Path>) -> Result<(PathBuf, PathBuf), OpsError> {
    if let Some(problem) = hsm_schema::entry_name_problem(name, "package") {
        return Err(OpsError::Usage { message: problem });
    }
    let rel_dir: PathBuf = dir.map_or_else(|| Path::new("packages").join(name), Path::to_path_buf);
    let abs = infra_fs::resolve(&root.join(&rel_dir));
    let usage = |why: &str| OpsError::Usage {
        message: format!("--path `{}` {why}", rel_dir.display()),
    };
    if !abs.starts_with(root) {
        return Err(usage("is outside the project"));
    }
    if abs == root {
        return Err(usage(
            "is the project itself: a package needs a directory of its own",
        ));
    }
    if abs.starts_with(root.join(hsm_sync::HSM_DIR)) {
        return Err(usage("is inside hsm's own state directory"));
    }
    let pyproject = abs.join("pyproject.toml");
    if pyproject.exists() {
        let text = std::fs::read_to_string(&pyproject).unwrap_or_default();
        let found = hsm_pyproject::project_name(&text).unwrap_or_default();
        if hsm_schema::normalize_name(&found) != hsm_schema::normalize_name(name) {
            return Err(usage(&format!(
                "holds the Python project `{found}`, not `{name}`: pass its name, or another --path"
            )));
        }
    } else if std::fs::read_dir(&abs).is_ok_and(|mut d| d.next().is_some()) {
        return Err(usage(
            "exists and is not empty, but holds no pyproject.toml",
        ));
    }
    Ok((rel_dir, abs))
}

/// A `package init` not yet kept: the hsm.yaml and registry edits and the scaffold, undone
/// together when what follows (the sync) fails.
pub struct Pending(Transaction);

impl Pending {
    /// Keeps everything.
    pub fn keep(self) {
        self.0.commit();
    }

    /// Restores hsm.yaml and the registry entry, and removes the scaffold it made.
    pub fn undo(self) -> Result<(), OpsError> {
        match self.0.rollback() {
            Ok(()) => Ok(()),
            // An empty list would mean nothing failed.
            Err(errors) => errors
                .into_iter()
                .next()
                .map_or(Ok(()), |e| Err(OpsError::Fs(e))),
        }
    }
}

/// Scaffolds (unless `dir` already holds this package's `pyproject.toml`), registers
/// (unless the registry has `name`) and adds package `name`; `uv` is the uv program. What
/// it changed is kept only once the caller says so ([`Pending`]).
pub fn package_init(
    ctx: &Context<'_>,
    name: &str,
    dir: Option<&Path>,
    uv: &str,
) -> Result<(PackageInitReport, Pending), OpsError> {
    let root = ctx.root()?;
    let (rel_dir, abs) = place(&root, name, dir)?;
    let project = ctx.open()?;
    let mut tx = Transaction::new();
    tx.track(&root.join("hsm.yaml"))?;
    tx.track(
        &project
            .registry
            .value
            .join("packages")
            .join(format!("{name}.yaml")),
    )?;
    tx.track_new_dir(&abs);
    match steps(ctx, &project, name, &rel_dir, &abs, uv) {
        Ok(report) => Ok((report, Pending(tx))),
        Err(e) => {
            // The error is what to report; a failed rollback leaves files to name instead.
            if let Err(errors) = tx.rollback() {
                return Err(errors.into_iter().next().map_or(e, OpsError::Fs));
            }
            Err(e)
        }
    }
}

fn steps(
    ctx: &Context<'_>,
    project: &crate::Project,
    name: &str,
    rel_dir: &Path,
    abs: &Path,
    uv: &str,
) -> Result<PackageInitReport, OpsError> {
    let root = project.root();
    let scaffolded = !abs.join("pyproject.toml").exists();
    if scaffolded {
        let mut cmd = Cmd::new(uv).args([
            "init",
            "--lib",
            "--no-workspace",
            "--vcs",
            "none",
            "--no-pin-python",
        ]);
        cmd = cmd.arg(format!("--name={name}"));
        // The package must not ask for a newer Python than the project allows (uv would
        // write the interpreter it finds), or the project cannot install it.
        if let Some(min) = min_python(root) {
            cmd = cmd.args(["--python", &min]);
        }
        let cmd = cmd.arg("--").arg(abs).stdin_null();
        infra_process::run(&cmd, Output::Capture, ctx.interrupt)?;
    }
    let registered = if project
        .loaded
        .registry
        .names(hsm_registry::Kind::PACKAGE)
        .contains(&name)
    {
        None
    } else {
        // Paths in a registry entry are relative to its file: `<registry>/packages/`.
        let from = project.registry.value.join("packages");
        let rel = infra_fs::relative_to(abs, &from);
        let new = NewPackage {
            name: name.to_string(),
            version: None,
            description: Some(format!(
                "local package made by `hsm package init` in {}",
                rel_dir.display()
            )),
            distribution: None,
            prod: Some(ProdSource::Path(rel.clone())),
            dev_path: Some(rel),
            dev_git: None,
            env: Vec::new(),
            implies: Vec::new(),
            force: false,
        };
        Some(add_package(ctx, &new)?)
    };
    let added = add_component(ctx, ComponentKind::Package, name, Some(Mode::Dev), None)?;
    Ok(PackageInitReport {
        name: name.to_string(),
        path: rel_dir.display().to_string(),
        scaffolded,
        registered,
        added,
    })
}
