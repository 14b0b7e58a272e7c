//! Finding the project, reading its manifest, opening its registry and its variables.

use std::path::{Path, PathBuf};

use hsm_registry::Registry;
use hsm_resolve::ProjectFile;
use infra_interp::EnvSource;
use infra_yaml::{Diagnostic, ParseCache};

use crate::SyncError;

/// The manifest's file name.
pub const MANIFEST: &str = "hsm.yaml";

/// Where the registry is, and why there (for messages and `-v`).
#[derive(Debug, Clone)]
pub struct RegistryLocation {
    /// The directory, absolute.
    pub path: PathBuf,
    /// Where the path came from (`` `--registry` ``, `` `registry:` in hsm.yaml ``, …).
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
    pub registry_location: RegistryLocation,
    /// Variables: process environment, then `.env`.
    pub env: EnvSource,
}

/// Walks up from `start` to the first directory holding an `hsm.yaml` entry of any kind.
/// One that is not a readable file (a dangling link, a directory) stops the walk too, and
/// is then reported when read: climbing past it would act on another project.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(MANIFEST)).is_ok())
        .map(Path::to_path_buf)
}

/// Reads and parses `root/hsm.yaml` (through `cache`).
pub fn load_project(root: &Path, cache: &ParseCache) -> Result<ProjectFile, SyncError> {
    let path = root.join(MANIFEST);
    let bytes =
        infra_fs::read_text_file(&path).map_err(|e| infra_fs::FsError::new("read", MANIFEST, e))?;
    let text = infra_yaml::utf8_text(Path::new(MANIFEST), bytes)
        .map_err(|e| SyncError::invalid(vec![e]))?;
    ProjectFile::parse_with(root, text, cache).map_err(|e| SyncError::invalid(vec![e]))
}

/// The project's `.env` variables; a malformed line is a located problem naming the file,
/// the line and the key, never the value.
fn dotenv(root: &Path) -> Result<EnvSource, SyncError> {
    let vars = infra_interp::load_dotenv(&root.join(".env")).map_err(|e| {
        let syntax = [
            "expected `KEY=value`",
            "unquoted whitespace",
            "unterminated",
        ]
        .iter()
        .any(|s| e.message.contains(s));
        let mut d = Diagnostic::new(".env", e.message.clone());
        if syntax {
            d = d.hint("each line is `KEY=value`; quote values with spaces: `KEY=\"a value\"`");
        }
        if let Some(line) = e.line {
            d = d.at_line(line as u64);
        }
        if let Some(key) = &e.key {
            d = d.key(key.clone());
        }
        SyncError::invalid(vec![d])
    })?;
    Ok(EnvSource::new(vars))
}

/// Opens the registry at `registry` for `project` (its files parsed through `cache`) and
/// reads the project's variables.
pub fn load(
    project: ProjectFile,
    registry: RegistryLocation,
    cache: &ParseCache,
) -> Result<Loaded, SyncError> {
    let reg = Registry::open_with(
        &registry.path,
        &project.root,
        &registry.origin,
        cache.clone(),
    )?;
    let env = dotenv(&project.root)?;
    Ok(Loaded {
        project,
        registry: reg,
        registry_location: registry,
        env,
    })
}
