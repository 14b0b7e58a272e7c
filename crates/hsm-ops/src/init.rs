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
) -> Result<String, OpsError> {
    if let Some(n) = given {
        if let Some(message) = hsm_schema::entry_name_problem(n, "project") {
            return Err(OpsError::Usage { message });
        }
        return Ok(n.to_string());
    }
    if let Some(m) = manifest {
        return Ok(m.name());
    }
    Ok(std::fs::read_to_string(root.join("pyproject.toml"))
        .ok()
        .and_then(|t| hsm_pyproject::project_name(&t))
        .unwrap_or_else(|| {
            name_from_directory(root.file_name().and_then(|n| n.to_str()).unwrap_or(""))
        }))
}

/// A valid project name made from a directory name: every run of characters a name
/// cannot hold becomes one `-` (`my app` → `my-app`).
fn name_from_directory(dir: &str) -> String {
    let mut name = String::new();
    for c in dir.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let name: String = name.chars().take(hsm_schema::MAX_NAME_LEN).collect();
    let name = name.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if name.is_empty() {
        "project".to_string()
    } else {
        name.to_string()
    }
}

/// `init` runs in freshly cloned directories: it never writes through a link a repository
/// may carry (`.gitignore` pointing at a file elsewhere, a dangling `hsm.yaml`), which
/// would change or create files outside the project.
fn refuse_links(root: &Path) -> Result<(), OpsError> {
    for file in [hsm_sync::MANIFEST, "pyproject.toml", ".gitignore"] {
        let path = root.join(file);
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        // An existing manifest or pyproject.toml behind a link is read, never written.
        let written = file == ".gitignore" || !path.exists();
        if is_link && written {
            return Err(OpsError::Sync(hsm_sync::SyncError::invalid(vec![
                infra_yaml::Diagnostic::new(file, format!("`{file}` is a symbolic link; `hsm init` does not write through links"))
                    .hint(format!("replace the link with a file, or write what `hsm init` would into the file it points to yourself (`{file}`)")),
            ])));
        }
    }
    Ok(())
}

/// What `.gitignore` must hold: hsm's local state and the `.env` secrets are read from.
const IGNORED: [(&str, &str); 2] = [
    (".hsm/", "# hsm local state (secrets live here)"),
    (
        ".env",
        "# values of ${VAR} in hsm.yaml and the registry (secrets)",
    ),
];

/// Adds `.hsm/` and `.env` to `.gitignore` unless they are there; what was done, if anything.
fn ignore_local_files(root: &Path) -> Result<Option<String>, OpsError> {
    let gi = root.join(".gitignore");
    let current = infra_fs::read_optional(&gi)?
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let listed = |entry: &str| {
        let bare = entry.trim_end_matches('/');
        current.lines().any(|l| {
            let l = l.trim().trim_start_matches('/').trim_end_matches('/');
            l == bare
        })
    };
    let missing: Vec<_> = IGNORED.iter().filter(|(e, _)| !listed(e)).collect();
    if missing.is_empty() {
        return Ok(None);
    }
    let mut text = current.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for (entry, comment) in &missing {
        text.push_str(&format!("{comment}\n{entry}\n"));
    }
    infra_fs::write_atomic(&gi, text.as_bytes(), None)?;
    let names: Vec<&str> = missing.iter().map(|(e, _)| *e).collect();
    Ok(Some(if current.is_empty() {
        ".gitignore".into()
    } else {
        format!(".gitignore (added {})", names.join(", "))
    }))
}

/// Creates hsm.yaml, the registry folders, `pyproject.toml` and the `.gitignore` entry,
/// each only where missing.
pub fn init(ctx: &Context<'_>, name: Option<&str>) -> Result<InitReport, OpsError> {
    let root = ctx.settings.cwd.clone();
    let _lock = ctx.lock(&root)?;
    refuse_links(&root)?;
    let manifest_path = root.join(hsm_sync::MANIFEST);
    let existing = if manifest_path.is_file() {
        hsm_sync::load_project(&root, &ctx.settings.cache).ok()
    } else {
        None
    };
    let name = project_name(&root, name, existing.as_ref())?;
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
    created.extend(ignore_local_files(&root)?);
    Ok(InitReport {
        created,
        project: name,
    })
}

#[cfg(test)]
mod tests {
    use super::name_from_directory;

    #[test]
    fn directory_names_become_valid_project_names() {
        assert_eq!(name_from_directory("myapp"), "myapp");
        assert_eq!(name_from_directory("my app (copy)"), "my-app-copy");
        assert_eq!(name_from_directory("-ünï-"), "n");
        assert_eq!(name_from_directory("(ü)"), "project");
        assert_eq!(name_from_directory("x.y_z"), "x.y_z");
        assert_eq!(
            name_from_directory(&"a".repeat(300)).len(),
            hsm_schema::MAX_NAME_LEN
        );
    }
}
