//! Registry container files: `<registry>/containers/<name>.yaml`.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::{
    Cpus, EnvName, GitClone, Implies, Memory, Mode, PortSpec, RestartPolicy, ScalarString,
    StringOrList,
};

/// A service run as a container, or reached externally through a deployment profile.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSpec {
    /// Name; must match the file name. Also the compose service name.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Production image (shorthand for `sources.prod: {type: image, image}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Port mappings in compose short syntax (`"6379:6379"`).
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ports: Vec<PortSpec>,
    /// The port clients connect to inside the network; defaults to the container side of
    /// the first port mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Volumes in compose short syntax; named volumes are declared at top level.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub volumes: Vec<String>,
    /// Environment; values may use `${VAR}` and `${HSM_MERGED_PARAMS.<key>}`.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub env: BTreeMap<EnvName, ScalarString>,
    /// Health check; dependants wait for `service_healthy` when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// CPU and memory limits (prod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Extra network names this service answers to.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub network_aliases: Vec<String>,
    /// Command override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<StringOrList>,
    /// Restart policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartPolicy>,
    /// Working directory inside the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Fixed container name (prevents scaling; use sparingly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Labels.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, ScalarString>,
    /// Per-mode sources.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub sources: ContainerSources,
    /// Named deployment profiles (`managed-dev`, `external-corp`, …).
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub deployment_profiles: IndexMap<String, Profile>,
    /// Registry packages installed into the service's own environment when a profile runs it
    /// with `runtime: uv`.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub dependencies: Vec<String>,
    /// Declared implication params and how several values merge.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub params: IndexMap<String, ParamDecl>,
    /// What selecting this container brings along.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "Implies::is_empty"
    )]
    pub implies: Implies,
}

/// Per-mode container sources.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSources {
    /// Source in `prod` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prod: Option<ContainerSource>,
    /// Source in `dev` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<ContainerSource>,
}

impl ContainerSources {
    /// The source in force in `mode` (dev falls back to prod).
    pub fn active(&self, mode: Mode) -> Option<&ContainerSource> {
        match mode {
            Mode::Dev => self.dev.as_ref().or(self.prod.as_ref()),
            Mode::Prod => self.prod.as_ref(),
        }
    }

    /// The source for `mode`, if present.
    pub fn for_mode(&self, mode: Mode) -> Option<&ContainerSource> {
        match mode {
            Mode::Dev => self.dev.as_ref(),
            Mode::Prod => self.prod.as_ref(),
        }
    }
}

/// How a container's image is obtained.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ContainerSource {
    /// A published image.
    Image {
        /// Image reference.
        image: String,
        /// Extra environment in this mode.
        #[serde(
            default,
            deserialize_with = "crate::scalar::nullable",
            skip_serializing_if = "crate::scalar::is_default"
        )]
        env: BTreeMap<EnvName, ScalarString>,
        /// Extra volumes in this mode.
        #[serde(
            default,
            deserialize_with = "crate::scalar::nullable",
            skip_serializing_if = "crate::scalar::is_default"
        )]
        volumes: Vec<String>,
    },
    /// Built from local code (dev): `build:` + code volumes + debug env.
    Build {
        /// Build context, relative to the registry file's directory.
        path: String,
        /// Dockerfile name inside the context.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        dockerfile: Option<String>,
        /// Build arguments.
        #[serde(
            default,
            deserialize_with = "crate::scalar::nullable",
            skip_serializing_if = "crate::scalar::is_default"
        )]
        args: BTreeMap<String, ScalarString>,
        /// Volumes (hot reload); host paths relative to the registry file's directory.
        #[serde(
            default,
            deserialize_with = "crate::scalar::nullable",
            skip_serializing_if = "crate::scalar::is_default"
        )]
        volumes: Vec<String>,
        /// Debug environment.
        #[serde(
            default,
            deserialize_with = "crate::scalar::nullable",
            skip_serializing_if = "crate::scalar::is_default"
        )]
        env: BTreeMap<EnvName, ScalarString>,
        /// Clone this repository into `path` when it does not exist yet.
        #[serde(default, skip_serializing_if = "crate::scalar::is_default")]
        git: Option<GitClone>,
    },
}

/// A compose health check.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Healthcheck {
    /// `["CMD", …]`, `["CMD-SHELL", "…"]` or a shell string.
    pub test: StringOrList,
    /// Interval (`5s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Start period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<String>,
}

/// Resource limits.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// CPUs (`"0.5"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<Cpus>,
    /// Memory (`512M`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,
}

/// Whether a profile runs the container here or points at an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeploymentMode {
    /// Run it with Docker Compose.
    #[default]
    Managed,
    /// Do not run it; export the connection details of an existing server.
    External,
}

/// How a managed service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// A container, through Docker Compose.
    #[default]
    Docker,
    /// A local Python project with its own uv environment (its `sources` path holds a
    /// `pyproject.toml`); `dependencies` are installed into it. Not part of compose.
    Uv,
}

/// A named deployment profile of a container.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Managed (run here) or external (connect elsewhere).
    #[serde(default)]
    pub mode: DeploymentMode,
    /// For managed profiles: a container (default) or an isolated uv project.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "crate::scalar::is_default"
    )]
    pub runtime: Runtime,
    /// Connection details of the external server: `host`, `port`, and any other keys
    /// (`api_key`, …), each exported as `<CONTAINER>_<KEY>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<BTreeMap<String, ScalarString>>,
    /// Port mappings replacing the container's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<PortSpec>>,
    /// Extra environment.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub env: BTreeMap<EnvName, ScalarString>,
    /// Volumes replacing the container's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<String>>,
    /// Command override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<StringOrList>,
    /// Image override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Working directory override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Container name override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Extra labels.
    #[serde(
        default,
        deserialize_with = "crate::scalar::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, ScalarString>,
}

/// How values of one implication param from several implying components combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamMerge {
    /// Collect every distinct value (joined with `,` when substituted).
    #[default]
    List,
    /// Exactly one value; two different values are a conflict.
    Scalar,
}

/// Declaration of one implication param.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDecl {
    /// Merge rule.
    #[serde(default)]
    pub merge: ParamMerge,
    /// Value used when nothing sets the param.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<StringOrList>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
