//! `hsm init`: a new project in the working directory, or what is missing of one.

use std::path::Path;

use hsm_registry::Kind;
use serde::Serialize;

use crate::{Context, OpsError};

/// What `hsm init` created.
#[derive(Debug, Serialize)]
pub struct InitReport {
    /// Files and folders created, relative to the project (folders end with `/`).
    pub created: Vec<String>,
    /// The project name.
    pub project: String,
}

/// The project name: `--name`, else hsm.yaml's, else `[project] name` of an existing
/// `pyproject.toml`, else the directory name.
fn project_name(
    root: &Path,
    given: Option<&str>,
    manifest: Option<&hsm_resolve::ProjectFile>,
) -> String {
    if let Some(n) = given {
        return n.to_string();
    }
    if let Some(m) = manifest {
        return m.name();
    }
    std::fs::read_to_string(root.join("pyproject.toml"))
        .ok()
        .and_then(|t| hsm_pyproject::project_name(&t))
        .unwrap_or_else(|| {
            root.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("project")
                .to_string()
        })
}

/// Adds `.hsm/` to `.gitignore` unless it is there; what was done, if anything.
fn ignore_hsm_dir(root: &Path) -> Result<Option<String>, OpsError> {
    let gi = root.join(".gitignore");
    let current = infra_fs::read_optional(&gi)?
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if current
        .lines()
        .any(|l| matches!(l.trim(), ".hsm" | ".hsm/" | "/.hsm" | "/.hsm/"))
    {
        return Ok(None);
    }
    let mut text = current.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# hsm local state (secrets live here)\n.hsm/\n");
    infra_fs::write_atomic(&gi, text.as_bytes(), None)?;
    Ok(Some(if current.is_empty() {
        ".gitignore".into()
    } else {
        ".gitignore (added .hsm/)".into()
    }))
}

/// Creates hsm.yaml, the registry folders, `pyproject.toml` and the `.gitignore` entry,
/// each only where missing.
pub fn init(ctx: &Context<'_>, name: Option<&str>) -> Result<InitReport, OpsError> {
    let root = ctx.settings.cwd.clone();
    let _lock = ctx.lock(&root)?;
    let manifest_path = root.join(hsm_sync::MANIFEST);
    let existing = if manifest_path.is_file() {
        hsm_sync::load_project(&root, &ctx.settings.cache).ok()
    } else {
        None
    };
    let name = project_name(&root, name, existing.as_ref());
    let mut created = Vec::new();
    let setting = ctx.settings.registry(existing.as_ref(), &root);
    let registry = setting.value;
    if !manifest_path.exists() {
        // A registry named on the command line is recorded, so the next command finds it
        // without the flag (the environment variable keeps applying by itself).
        let recorded = matches!(setting.provenance, infra_cli::Provenance::Flag(_))
            .then(|| infra_fs::relative_to(&registry, &root));
        infra_fs::write_atomic(
            &manifest_path,
            hsm_edit::new_manifest(&name, recorded.as_deref()).as_bytes(),
            None,
        )?;
        created.push(hsm_sync::MANIFEST.to_string());
    }
    for kind in Kind::ALL {
        let d = registry.join(kind.folder());
        if !d.is_dir() {
            std::fs::create_dir_all(&d)
                .map_err(|e| infra_fs::FsError::new("create directory", &d, e))?;
            created.push(format!("{}/", infra_fs::relative_to(&d, &root)));
        }
    }
    let pyproject = root.join("pyproject.toml");
    if !pyproject.exists() {
        let text = hsm_pyproject::minimal_pyproject(&name, ctx.version);
        infra_fs::write_atomic(&pyproject, text.as_bytes(), None)?;
        created.push("pyproject.toml".into());
    }
    created.extend(ignore_hsm_dir(&root)?);
    Ok(InitReport {
        created,
        project: name,
    })
}
