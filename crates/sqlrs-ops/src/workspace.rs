//! The workspace: a directory with `.sqlrs/config.yaml`, found by walking up from the
//! current directory (as git finds `.git`), whose settings apply to every command run
//! inside it — below flags and environment variables, above the built-in defaults.
//! `sqlrs init` creates it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::OpsError;

/// The directory and file name of a workspace's config.
pub const CONFIG: &str = ".sqlrs/config.yaml";

/// `.sqlrs/config.yaml`. Relative paths are taken from the workspace root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkspaceConfig {
    /// The state store root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<PathBuf>,
    /// The snapshot backend of an engine started here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// Its runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// The image of the docker/podman runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Seconds an engine started here waits idle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<u64>,
    /// The Liquibase launcher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquibase: Option<PathBuf>,
}

impl WorkspaceConfig {
    /// These settings, each missing one taken from `base`.
    #[must_use]
    pub fn over(self, base: WorkspaceConfig) -> WorkspaceConfig {
        WorkspaceConfig {
            store: self.store.or(base.store),
            snapshot: self.snapshot.or(base.snapshot),
            runtime: self.runtime.or(base.runtime),
            image: self.image.or(base.image),
            idle_timeout: self.idle_timeout.or(base.idle_timeout),
            liquibase: self.liquibase.or(base.liquibase),
        }
    }
}

/// The user's settings for every directory: `<config_dir>/config.yaml` (the same keys as a
/// workspace's, relative paths from `config_dir`); none when there is no such file.
pub fn global(config_dir: &Path) -> Result<WorkspaceConfig, OpsError> {
    let path = config_dir.join("config.yaml");
    if !path.is_file() {
        return Ok(WorkspaceConfig::default());
    }
    let bytes = infra_fs::read_text_file(&path).map_err(|source| OpsError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let mut config: WorkspaceConfig =
        infra_yaml::from_str(&path, &String::from_utf8_lossy(&bytes)).map_err(OpsError::Config)?;
    config.store = config.store.map(|p| config_dir.join(p));
    config.liquibase = config.liquibase.map(|p| config_dir.join(p));
    Ok(config)
}

/// A found workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Its root (the directory holding `.sqlrs/`).
    pub root: PathBuf,
    /// Its settings.
    pub config: WorkspaceConfig,
}

/// Reads the config of the workspace rooted at `root`.
pub fn read(root: &Path) -> Result<WorkspaceConfig, OpsError> {
    let path = root.join(CONFIG);
    let bytes = infra_fs::read_text_file(&path).map_err(|source| OpsError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    infra_yaml::from_str(&path, &text).map_err(OpsError::Config)
}

/// The nearest workspace at or above `dir`, if any.
pub fn find(dir: &Path) -> Result<Option<Workspace>, OpsError> {
    for root in dir.ancestors() {
        if root.join(CONFIG).is_file() {
            let config = read(root)?;
            return Ok(Some(Workspace {
                root: root.to_path_buf(),
                config,
            }));
        }
    }
    Ok(None)
}

/// What `sqlrs init` did.
#[derive(Debug, Clone, Serialize)]
pub struct InitReport {
    /// The config file.
    pub config: String,
    /// `created`, or `unchanged` when it was there already.
    pub outcome: &'static str,
}

/// Creates `.sqlrs/config.yaml` in `dir` with `config`. An existing valid config is left
/// as it is (a config that does not read is an error); a workspace above `dir` is refused
/// unless `force` (its settings would silently stop applying here).
pub fn init(dir: &Path, config: &WorkspaceConfig, force: bool) -> Result<InitReport, OpsError> {
    let path = dir.join(CONFIG);
    if path.is_file() {
        let existing = read(dir)?;
        if *config != WorkspaceConfig::default() && existing != *config {
            return Err(OpsError::Usage(format!(
                "{} exists with other settings; edit it, or remove it and run `sqlrs init` again",
                path.display()
            )));
        }
        return Ok(InitReport {
            config: path.display().to_string(),
            outcome: "unchanged",
        });
    }
    if !force
        && let Some(parent) = dir.parent()
        && let Some(outer) = find(parent)?
    {
        return Err(OpsError::Usage(format!(
            "{} is inside the workspace {}; run init there, or pass --force for a nested workspace",
            dir.display(),
            outer.root.display()
        )));
    }
    let yaml = serde_saphyr::to_string(config).map_err(|e| OpsError::Usage(e.to_string()))?;
    let body = if *config == WorkspaceConfig::default() {
        String::new()
    } else {
        yaml
    };
    let text = format!(
        "# sqlrs workspace settings, generated by `sqlrs init`; edit freely.\n\
         # Keys: store, snapshot (auto|copy|reflink|btrfs|overlay), runtime (native|docker|podman),\n\
         # image, idleTimeout (seconds), liquibase. Flags and SQLRS_* variables override them.\n{body}"
    );
    let io = |source| OpsError::Read {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir.join(".sqlrs")).map_err(io)?;
    infra_fs::write_atomic(&path, text.as_bytes(), Some(0o644))
        .map_err(|e| OpsError::Usage(e.to_string()))?;
    Ok(InitReport {
        config: path.display().to_string(),
        outcome: "created",
    })
}
