//! Why a stack cannot be exported.
//!
//! Each error says which container and what to change; the binary picks exit codes and
//! hints in one place (hsm-ops' `cli_error`).

use std::path::PathBuf;

use hsm_schema::Mode;

/// Why the manifests cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// A managed container is built from local code: Kubernetes needs an image.
    #[error(
        "container `{name}` is built from local code in {mode} mode; Kubernetes needs an image"
    )]
    BuildNeedsImage {
        /// Container.
        name: String,
        /// Mode.
        mode: Mode,
        /// What `hsm mode` switches: its group in hsm.yaml, or the container.
        target: String,
        /// Registry file.
        file: PathBuf,
    },
    /// A managed container has nothing to run.
    #[error("container `{name}` has no image for {mode} mode")]
    NoImage {
        /// Container.
        name: String,
        /// Mode.
        mode: Mode,
        /// Registry file.
        file: PathBuf,
    },
    /// A registry value cannot be written to a manifest.
    #[error("{}", diagnostic.message)]
    Template {
        /// Where, located in the registry file.
        diagnostic: Box<infra_yaml::Diagnostic>,
    },
    /// Two objects would be written to the same file.
    #[error("`{file}` would be written twice (for {first} and {second})")]
    Clash {
        /// The file.
        file: String,
        /// The first object.
        first: String,
        /// The second.
        second: String,
    },
    /// A manifest could not be serialised (a bug in hsm).
    #[error("cannot write `{file}`: {message}")]
    Serialize {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
}
