//! Why an operation did not happen.
//!
//! Variants carry data, not advice: the binary decides the exit code and the hints (one
//! file, `crates/hsm/src/error.rs`), so the same failure reads the same from every command.

use std::path::PathBuf;

use hsm_registry::{Kind, RegistryError};
use hsm_sync::SyncError;
use infra_diag::Diagnostic;
use infra_fs::FsError;
use infra_process::ProcessError;

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Loading, planning or applying failed.
    #[error("{0}")]
    Sync(#[from] SyncError),
    /// The registry could not be opened or read.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// A file could not be written or read.
    #[error("{0}")]
    Fs(#[from] FsError),
    /// `package_manager:` names an adapter hsm does not have.
    #[error("unknown package manager `{name}`")]
    UnknownAdapter {
        /// The name written.
        name: String,
        /// The adapters hsm has.
        known: Vec<String>,
        /// Where it is written, when it is written in hsm.yaml.
        diagnostic: Option<Diagnostic>,
    },
    /// A name is not in the registry.
    #[error("{} `{name}` is not in the registry", kind.noun())]
    NotInRegistry {
        /// What was looked for.
        kind: Kind,
        /// The name given.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// An entry to change or remove does not exist (so "add it" is no advice).
    #[error("{what} `{name}` is not in the registry")]
    NoEntryToChange {
        /// `package`, `container` or `group`.
        what: &'static str,
        /// The name given.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// A name is not any registry entry.
    #[error("`{name}` is not in the registry")]
    NoSuchEntry {
        /// The name given.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// A component or group the command needs is not in hsm.yaml.
    #[error("{what} `{name}` is not in hsm.yaml")]
    NotInManifest {
        /// `package`, `container`, `group`, `container group or standalone container`, …
        what: &'static str,
        /// The name given.
        name: String,
        /// The closest name hsm.yaml has.
        suggestion: Option<String>,
    },
    /// `hsm mode` named something that is neither a group in hsm.yaml nor a component.
    #[error("`{name}` is not a group in hsm.yaml nor a package or container in the registry")]
    NotAModeTarget {
        /// The name given.
        name: String,
        /// The closest name.
        suggestion: Option<String>,
    },
    /// A container has no such deployment profile.
    #[error("container `{container}` has no deployment profile `{profile}`")]
    NoSuchProfile {
        /// The container.
        container: String,
        /// The profile given.
        profile: String,
        /// Its profiles.
        known: Vec<String>,
        /// The closest one.
        suggestion: Option<String>,
    },
    /// An option is not one of the group's.
    #[error("`{option}` is not an option of {} `{group}`", kind.noun())]
    NotAnOption {
        /// The group's kind.
        kind: Kind,
        /// The group.
        group: String,
        /// The option given.
        option: String,
        /// The group's options.
        options: Vec<String>,
        /// The closest option.
        suggestion: Option<String>,
    },
    /// Several options given for a 1-of-N group.
    #[error("group `{group}` is 1-of-N: select one option")]
    OneOfN {
        /// The group.
        group: String,
    },
    /// A group that is neither in hsm.yaml nor in the registry, without `--new`.
    #[error("`{group}` is not a group in hsm.yaml or the registry")]
    UnknownGroup {
        /// The group given.
        group: String,
        /// The closest group name.
        suggestion: Option<String>,
    },
    /// A new ad-hoc group whose options are not all packages or all containers.
    #[error(
        "the options of the new group `{group}` are not all packages or all containers in the registry"
    )]
    MixedOptions {
        /// The group.
        group: String,
    },
    /// An option to unselect is not selected.
    #[error("`{option}` is not selected in group `{group}`")]
    NotSelected {
        /// The group.
        group: String,
        /// The option.
        option: String,
    },
    /// The edit would leave hsm.yaml invalid; nothing was written.
    #[error("the edit would make hsm.yaml invalid; nothing was written")]
    EditInvalid {
        /// The problems of the edited manifest.
        problems: Vec<Diagnostic>,
    },
    /// hsm.yaml cannot be edited where the edit has to go.
    #[error("cannot edit hsm.yaml")]
    Edit(#[from] hsm_edit::ManifestEditError),
    /// A registry group file cannot be edited.
    #[error("cannot edit `{}`", path.display())]
    EditGroupFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: hsm_edit::ManifestEditError,
    },
    /// A registry entry exists already.
    #[error("{} `{name}` already exists at `{}`", kind.noun(), path.display())]
    AlreadyExists {
        /// Its kind.
        kind: Kind,
        /// Its name.
        name: String,
        /// Its file.
        path: PathBuf,
    },
    /// A registry entry is still used by others.
    #[error("{} `{name}` is still referenced by: {}", kind.noun(), by.join(", "))]
    StillReferenced {
        /// Its kind.
        kind: Kind,
        /// Its name.
        name: String,
        /// The files referring to it.
        by: Vec<String>,
    },
    /// An option to remove is not in a registry group.
    #[error("`{option}` is not an option of group `{group}`")]
    GroupOption {
        /// The group.
        group: String,
        /// The option.
        option: String,
    },
    /// A value given on the command line is not valid.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
    },
    /// A registry entry built from flags would not be valid.
    #[error("the {} entry would not be valid", kind.noun())]
    InvalidEntry {
        /// Its kind.
        kind: Kind,
        /// The problems.
        problems: Vec<Diagnostic>,
    },
    /// `.hsm/env` does not exist yet.
    #[error("`{}` does not exist", hsm_sync::ENV_FILE)]
    NoEnvFile,
    /// `.hsm/env` cannot be read back.
    #[error("`{}` cannot be read", hsm_sync::ENV_FILE)]
    EnvFile(#[source] infra_interp::DotenvError),
    /// The generated compose file does not exist.
    #[error("`{}` does not exist", hsm_sync::COMPOSE_FILE)]
    NoComposeFile,
    /// No Compose implementation was found.
    #[error("Docker Compose is not installed")]
    NoCompose,
    /// The Compose command is not a valid command line.
    #[error("{origin} is not a valid command line")]
    ComposeCommand {
        /// Where it came from, quoted (`` `HSM_COMPOSE` ``).
        origin: String,
        /// Where it is written, when hsm.yaml says it.
        diagnostic: Option<Diagnostic>,
        /// Why.
        #[source]
        source: infra_process::SplitError,
    },
    /// A program failed.
    #[error("{0}")]
    Process(#[from] ProcessError),
    /// The project differs from what hsm.yaml asks for.
    #[error("{} from hsm.yaml", count(items.len()))]
    Drift {
        /// One line per difference.
        items: Vec<String>,
        /// Already printed as data (JSON).
        reported: bool,
    },
    /// The packages do not resolve.
    #[error("the packages do not resolve with {adapter}")]
    Unresolvable {
        /// The adapter.
        adapter: String,
        /// What the tool said.
        #[source]
        source: hsm_adapter::AdapterError,
        /// The adapter's hints.
        hints: Vec<String>,
    },
    /// Compose rejects the generated file.
    #[error("Docker Compose rejects the generated {}", hsm_sync::COMPOSE_FILE)]
    ComposeRejects {
        /// What Compose said.
        #[source]
        source: ProcessError,
    },
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 difference".into()
    } else {
        format!("{n} differences")
    }
}

impl From<hsm_resolve::ResolveError> for OpsError {
    fn from(e: hsm_resolve::ResolveError) -> Self {
        OpsError::Sync(e.into())
    }
}
