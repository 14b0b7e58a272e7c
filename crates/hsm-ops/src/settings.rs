//! Settings with provenance, resolved the same way for every command.
//!
//! Precedence is flag > environment > `hsm.yaml` > default. Flags and environment
//! variables arrive resolved by the binary (clap reads both and says which one was used);
//! the file layer needs the manifest, so it is resolved here, once the project is found.
//! Relative paths from flags and environment are taken relative to the directory hsm runs
//! in (`-C`), as git and cargo do; paths in `hsm.yaml` are relative to `hsm.yaml`.

use std::path::{Path, PathBuf};

use hsm_resolve::ProjectFile;
use infra_cli::{Provenance, Setting};

/// A registry directory given by flag or environment.
pub type RegistryOverride = Setting<PathBuf>;

/// What every command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The directory hsm runs in (after `-C`), absolute and resolved as the OS does.
    pub cwd: PathBuf,
    /// `--registry` / `HSM_REGISTRY_PATH`, made absolute against `cwd`.
    pub registry: Option<RegistryOverride>,
    /// `--compose-command` / `HSM_COMPOSE`.
    pub compose: Option<Setting<String>>,
    /// Parsed files kept between runs (`--cache-dir`, `--no-cache`).
    pub cache: infra_yaml::ParseCache,
}

impl Settings {
    /// A path from a flag or environment variable, relative to where hsm runs.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        infra_fs::resolve(&self.cwd.join(path))
    }

    /// The registry: flag > environment > `registry:` in hsm.yaml > `./hsm-registry` next to
    /// hsm.yaml (or the working directory without a project).
    pub fn registry(&self, project: Option<&ProjectFile>, root: &Path) -> Setting<PathBuf> {
        if let Some(r) = &self.registry {
            return r.clone();
        }
        if let Some(p) = project
            && let Some(reg) = &p.manifest.registry
        {
            return Setting::new(
                infra_fs::resolve(&root.join(reg)),
                Provenance::File {
                    file: "hsm.yaml".into(),
                    key: "registry".into(),
                },
            );
        }
        Setting::new(
            infra_fs::resolve(&root.join("hsm-registry")),
            Provenance::Default("./hsm-registry"),
        )
    }

    /// The Compose command: flag > environment > `compose.command` in hsm.yaml; `None` means
    /// "find one" (`docker compose`, else `docker-compose`).
    pub fn compose_command(&self, project: Option<&ProjectFile>) -> Option<Setting<String>> {
        if let Some(c) = &self.compose {
            return Some(c.clone());
        }
        let text = project?.manifest.compose.command.clone()?;
        Some(Setting::new(
            text,
            Provenance::File {
                file: "hsm.yaml".into(),
                key: "compose.command".into(),
            },
        ))
    }
}
