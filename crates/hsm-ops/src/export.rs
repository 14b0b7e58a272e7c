//! `hsm export kubernetes`: the resolved stack as manifests in a directory.
//!
//! The manifests are computed whole (`hsm-kube`) before anything is written; then each file
//! is written atomically. A file already there is replaced only when it carries hsm's
//! header, and files of an earlier export that this one no longer writes are removed, so
//! the directory always holds exactly one export.

use std::path::{Path, PathBuf};

use hsm_schema::ConnectionScope;
use serde::Serialize;

use crate::{Context, OpsError};

/// What to export.
#[derive(Debug)]
pub struct ExportOptions {
    /// The output directory (created if missing), relative to the working directory.
    pub out: PathBuf,
    /// The namespace of every object.
    pub namespace: Option<String>,
}

/// What `hsm export kubernetes` wrote.
#[derive(Debug, Serialize)]
pub struct ExportReport {
    /// The directory, as given.
    pub directory: String,
    /// The namespace, when given.
    pub namespace: Option<String>,
    /// Every file written, sorted.
    pub files: Vec<String>,
    /// Files of an earlier export removed.
    pub removed: Vec<String>,
    /// The Secret the Deployments refer to.
    pub secret: String,
    /// Its keys (never values).
    pub secret_keys: Vec<String>,
    /// What was left out, and why.
    pub notes: Vec<String>,
}

/// Exports the project's stack as Kubernetes manifests into `opts.out`.
pub fn kubernetes(ctx: &Context<'_>, opts: &ExportOptions) -> Result<ExportReport, OpsError> {
    let project = ctx.open()?;
    let stack = hsm_resolve::resolve(&project.loaded.project, &project.loaded.registry)?;
    let manifest = &project.loaded.project.manifest;
    let export = hsm_kube::export(
        &stack,
        hsm_kube::Options {
            version: ctx.version,
            namespace: opts.namespace.as_deref(),
            all_connections: manifest.env.connections == ConnectionScope::All,
        },
    )?;
    let dir = ctx.settings.cwd.join(&opts.out);
    let shown = opts.out.display().to_string();
    let resolved = infra_fs::resolve(&dir);
    if resolved.parent().is_none() {
        return Err(OpsError::Usage {
            message: format!("`-o {shown}` is the filesystem root: give a directory of its own"),
        });
    }
    if resolved.exists() && !resolved.is_dir() {
        return Err(OpsError::Usage {
            message: format!("`-o {shown}` is not a directory"),
        });
    }
    for (name, _) in &export.files {
        refuse_foreign(&dir.join(name), &shown, name)?;
    }
    let mut removed = Vec::new();
    for old in earlier_export(&dir)? {
        if !export.files.iter().any(|(n, _)| *n == old) {
            std::fs::remove_file(dir.join(&old))
                .map_err(|e| infra_fs::FsError::new("remove", dir.join(&old), e))?;
            removed.push(old);
        }
    }
    for (name, text) in &export.files {
        infra_fs::write_atomic(&dir.join(name), text.as_bytes(), None)?;
    }
    Ok(ExportReport {
        directory: shown,
        namespace: opts.namespace.clone(),
        files: export.files.into_iter().map(|(n, _)| n).collect(),
        removed,
        secret: export.secret,
        secret_keys: export.secret_keys,
        notes: export.notes,
    })
}

fn generated(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.starts_with(hsm_kube::HEADER_MARK))
}

/// Refuses to replace a file hsm did not write (or a link).
fn refuse_foreign(path: &Path, dir: &str, name: &str) -> Result<(), OpsError> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let file = format!("{}/{name}", dir.trim_end_matches('/'));
    if meta.file_type().is_symlink() {
        return Err(OpsError::ExportFileIsLink { file });
    }
    if !generated(path) {
        return Err(OpsError::ForeignExportFile { file });
    }
    Ok(())
}

/// The `.yaml` files of the directory an earlier export wrote (they carry the header).
fn earlier_export(dir: &Path) -> Result<Vec<String>, OpsError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(infra_fs::FsError::new("read", dir, e).into()),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && name.ends_with(".yaml") && generated(&entry.path()) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}
