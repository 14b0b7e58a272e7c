//! `hsm package init <name> [--path DIR]`: a new local Python package, ready to hack on —
//! scaffolded by `uv init --lib` as a project of its own (`--no-workspace`: a workspace
//! member would make the outer `uv sync` manage it and break hsm's sources), registered
//! with an editable dev source and a path prod source, and added to hsm.yaml in dev mode,
//! so the caller's sync installs it editable and an edit shows without syncing again.

use std::path::{Path, PathBuf};

use hsm_schema::{ComponentKind, Mode};
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

/// Scaffolds (unless `dir` already holds a `pyproject.toml`), registers (unless the
/// registry has `name`) and adds package `name`; `uv` is the uv program.
pub fn package_init(
    ctx: &Context<'_>,
    name: &str,
    dir: Option<&Path>,
    uv: &str,
) -> Result<PackageInitReport, OpsError> {
    let root = ctx.root()?;
    let rel_dir: PathBuf = dir.map_or_else(|| Path::new("packages").join(name), Path::to_path_buf);
    let abs = infra_fs::resolve(&root.join(&rel_dir));
    if !abs.starts_with(&root) {
        return Err(OpsError::Usage {
            message: format!("--path {} is outside the project", rel_dir.display()),
        });
    }
    let scaffolded = !abs.join("pyproject.toml").exists();
    if scaffolded {
        if abs.exists() && std::fs::read_dir(&abs).is_ok_and(|mut d| d.next().is_some()) {
            return Err(OpsError::Usage {
                message: format!(
                    "{} exists and is not empty, but holds no pyproject.toml",
                    rel_dir.display()
                ),
            });
        }
        let mut cmd = Cmd::new(uv).args([
            "init",
            "--lib",
            "--no-workspace",
            "--vcs",
            "none",
            "--no-pin-python",
            "--name",
            name,
        ]);
        // The package must not ask for a newer Python than the project allows (uv would
        // write the interpreter it finds), or the project cannot install it.
        if let Some(min) = min_python(&root) {
            cmd = cmd.args(["--python", &min]);
        }
        let cmd = cmd.arg("--").arg(&abs).stdin_null();
        infra_process::run(&cmd, Output::Capture, ctx.interrupt)?;
    }
    let project = ctx.open()?;
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
        let rel = infra_fs::relative_to(&abs, &from);
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
