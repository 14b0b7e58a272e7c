//! The resolved stack: the single source of truth every adapter generates from.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hsm_schema::{ComponentKind, ContainerSpec, Mode, PackageSource, PackageSpec, Strategy};

use crate::Via;

/// Everything the project's stack consists of, sorted by name.
#[derive(Debug)]
pub struct Stack<'r> {
    /// Project name.
    pub project: String,
    /// Packages.
    pub packages: Vec<ResolvedPackage<'r>>,
    /// Containers (managed and external).
    pub containers: Vec<ResolvedContainer<'r>>,
    /// Groups with their final selections.
    pub groups: Vec<ResolvedGroup>,
    /// What implications added or selected beyond what `hsm.yaml` says.
    pub auto: Vec<AutoChange>,
}

impl<'r> ResolvedContainer<'r> {
    /// The deployment profile the project chose for it, if any.
    pub fn active_profile(&self) -> Option<&'r hsm_schema::Profile> {
        let spec: &'r ContainerSpec = self.spec;
        self.profile
            .as_ref()
            .and_then(|p| spec.deployment_profiles.get(p))
    }

    /// Whether Docker Compose runs it (managed, container runtime).
    pub fn in_compose(&self) -> bool {
        self.deployment == Deployment::Managed && self.runtime == hsm_schema::Runtime::Docker
    }

    /// Whether it is an isolated uv project (managed, `runtime: uv`).
    pub fn is_uv_service(&self) -> bool {
        self.deployment == Deployment::Managed && self.runtime == hsm_schema::Runtime::Uv
    }
}

impl Stack<'_> {
    /// A container by name.
    pub fn container(&self, name: &str) -> Option<&ResolvedContainer<'_>> {
        self.containers.iter().find(|c| c.name == name)
    }
}

/// A package in the stack.
#[derive(Debug)]
pub struct ResolvedPackage<'r> {
    /// Name.
    pub name: String,
    /// Active mode.
    pub mode: Mode,
    /// The registry file.
    pub spec: &'r PackageSpec,
    /// Directory of the registry file (registry paths are relative to it).
    pub registry_dir: PathBuf,
    /// Registry file as shown in messages.
    pub registry_file: PathBuf,
    /// Key positions in the registry file.
    pub index: &'r infra_yaml::PathIndex,
    /// Active source; `None` = virtual (contributes implies and env only).
    pub source: Option<&'r PackageSource>,
    /// Why it is here.
    pub via: Via,
    /// Containers it implies (it receives their connection env).
    pub consumes: Vec<String>,
}

/// How a container is deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deployment {
    /// Run by Docker Compose.
    Managed,
    /// Reached at an existing server; the map holds `host`, `port`, … as written.
    External(BTreeMap<String, String>),
}

/// A container in the stack.
#[derive(Debug)]
pub struct ResolvedContainer<'r> {
    /// Name (the compose service name).
    pub name: String,
    /// Active mode.
    pub mode: Mode,
    /// The registry file.
    pub spec: &'r ContainerSpec,
    /// Directory of the registry file.
    pub registry_dir: PathBuf,
    /// Registry file as shown in messages.
    pub registry_file: PathBuf,
    /// Key positions in the registry file.
    pub index: &'r infra_yaml::PathIndex,
    /// Active deployment profile name.
    pub profile: Option<String>,
    /// Managed or external.
    pub deployment: Deployment,
    /// For managed services: a container or an isolated uv project.
    pub runtime: hsm_schema::Runtime,
    /// Merged implication params, values sorted and de-duplicated.
    pub params: BTreeMap<String, Vec<String>>,
    /// Network aliases from container groups (`alias:`).
    pub group_aliases: Vec<String>,
    /// Groups that selected it.
    pub groups: Vec<String>,
    /// Containers it implies (compose `depends_on`).
    pub depends_on: Vec<String>,
    /// Components that imply it.
    pub consumers: Vec<String>,
    /// Why it is here.
    pub via: Via,
}

/// A group and its final selection.
#[derive(Debug, Clone)]
pub struct ResolvedGroup {
    /// Group name.
    pub name: String,
    /// What the group chooses among.
    pub kind: ComponentKind,
    /// Strategy.
    pub strategy: Strategy,
    /// Selected options, in selection order.
    pub selected: Vec<String>,
    /// Network alias of the selected option (container groups).
    pub alias: Option<String>,
    /// No registry file: a 1-of-N choice among every registry component of its kind.
    pub adhoc: bool,
    /// Whether `hsm.yaml` names it (otherwise an implication created it).
    pub in_manifest: bool,
}

/// An automatic change made by implications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoChange {
    /// What was added or selected.
    pub what: String,
    /// The component it concerns.
    pub subject: (ComponentKind, String),
    /// Every chain responsible, the first one first.
    pub via: Vec<Via>,
}

impl AutoChange {
    /// `added container `x` (by a → b; by c → d)`.
    pub fn describe(&self) -> String {
        let by: Vec<String> = self.via.iter().map(|v| format!("by {v}")).collect();
        format!("{} ({})", self.what, by.join("; "))
    }
}
