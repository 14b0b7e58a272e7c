//! The part of the Compose file format hsm writes, as types.
//!
//! Field order is the order keys appear in the generated file; empty fields are left out.

use std::collections::BTreeMap;

use hsm_schema::StringOrList;
use serde::Serialize;

/// A whole `docker-compose.hsm.yml`.
#[derive(Debug, Default, Serialize)]
pub struct ComposeFile {
    /// One service per managed container, sorted by name.
    pub services: BTreeMap<String, Service>,
    /// Named volumes the services use.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Empty>,
}

/// `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// One service.
#[derive(Debug, Default, Serialize)]
pub struct Service {
    /// Image to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Or the build that makes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<Build>,
    /// Command override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<StringOrList>,
    /// Environment (values may hold `${VAR}` references for Compose to fill in).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Port mappings, short syntax.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
    /// Volumes, short syntax, host paths relative to the compose file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    /// Network aliases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub networks: Option<Networks>,
    /// Start order and readiness.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: BTreeMap<String, DependsOn>,
    /// Health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// Restart policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
    /// Working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Fixed container name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Resource limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Deploy>,
}

/// `build:`.
#[derive(Debug, Default, Serialize)]
pub struct Build {
    /// Context, relative to the compose file.
    pub context: String,
    /// Dockerfile inside the context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<String>,
    /// Build arguments.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

/// `networks: {default: {aliases: […]}}`.
#[derive(Debug, Serialize)]
pub struct Networks {
    /// The default network.
    pub default: NetworkAliases,
}

/// Aliases on one network.
#[derive(Debug, Serialize)]
pub struct NetworkAliases {
    /// Extra names the service answers to.
    pub aliases: Vec<String>,
}

/// `depends_on.<service>`.
#[derive(Debug, Serialize)]
pub struct DependsOn {
    /// `service_healthy` when the dependency has a health check, else `service_started`.
    pub condition: &'static str,
}

/// `healthcheck:`.
#[derive(Debug, Serialize)]
pub struct Healthcheck {
    /// The test.
    pub test: StringOrList,
    /// Interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Start period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_period: Option<String>,
    /// Retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
}

/// `deploy: {resources: {limits: …}}`.
#[derive(Debug, Serialize)]
pub struct Deploy {
    /// Resources.
    pub resources: Resources,
}

/// `resources: {limits: …}`.
#[derive(Debug, Serialize)]
pub struct Resources {
    /// Limits.
    pub limits: Limits,
}

/// CPU and memory limits.
#[derive(Debug, Serialize)]
pub struct Limits {
    /// CPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpus: Option<String>,
    /// Memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}
