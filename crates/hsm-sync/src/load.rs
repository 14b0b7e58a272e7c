//! Finding the project, its registry and its variables.

use std::path::{Path, PathBuf};

use hsm_registry::Registry;
use hsm_resolve::ProjectFile;
use infra_interp::EnvSource;
use infra_yaml::Diagnostic;

use crate::SyncError;

/// Where the registry path came from, for messages.
#[derive(Debug, Clone)]
pub struct RegistryChoice {
    /// The directory.
    pub path: PathBuf,
    /// `--registry`, `HSM_REGISTRY_PATH`, `hsm.yaml registry:` or `default`.
    pub origin: String,
}

/// A loaded project.
#[derive(Debug)]
pub struct Loaded {
    /// The manifest.
    pub project: ProjectFile,
    /// The registry.
    pub registry: Registry,
    /// Where the registry came from.
    pub registry_choice: RegistryChoice,
    /// Variables: process environment, then `.env`.
    pub env: EnvSource,
}

/// Walks up from `start` to the first directory holding `hsm.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join("hsm.yaml").is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Loads the project at `root`. Registry precedence: `flag` (from `--registry`) >
/// `env_var` (`HSM_REGISTRY_PATH`) > `registry:` in `hsm.yaml` > `./hsm-registry`.
pub fn load(root: &Path, flag: Option<&Path>, env_var: Option<&Path>) -> Result<Loaded, SyncError> {
    let project = ProjectFile::load(root).map_err(|e| SyncError::invalid(vec![e]))?;
    let choice = if let Some(p) = flag {
        RegistryChoice {
            path: absolute(
                p,
                &std::env::current_dir().unwrap_or_else(|_| root.to_path_buf()),
            ),
            origin: "--registry".into(),
        }
    } else if let Some(p) = env_var {
        RegistryChoice {
            path: absolute(
                p,
                &std::env::current_dir().unwrap_or_else(|_| root.to_path_buf()),
            ),
            origin: "HSM_REGISTRY_PATH".into(),
        }
    } else if let Some(p) = &project.manifest.registry {
        RegistryChoice {
            path: absolute(Path::new(p), root),
            origin: "`registry:` in hsm.yaml".into(),
        }
    } else {
        RegistryChoice {
            path: root.join("hsm-registry"),
            origin: "the default `./hsm-registry`".into(),
        }
    };
    let registry = Registry::open(&choice.path, root, &choice.origin)?;
    let dotenv = infra_interp::load_dotenv(&root.join(".env")).map_err(|e| {
        SyncError::invalid(vec![Diagnostic {
            file: PathBuf::from(".env"),
            line: e.line.map(|l| l as u64),
            column: None,
            key: None,
            message: e.message.clone(),
            hints: vec!["fix the line; see the dotenv format: KEY=value".into()],
        }])
    })?;
    Ok(Loaded {
        project,
        registry,
        registry_choice: choice,
        env: EnvSource::new(dotenv),
    })
}

fn absolute(p: &Path, base: &Path) -> PathBuf {
    hsm_resolve::normalize(&if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    })
}
