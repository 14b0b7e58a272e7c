//! The part of the Kubernetes API hsm writes, as types.
//!
//! Typed rather than built as maps so a port is always an integer and a field name cannot
//! be misspelt: what `kubernetes-validate --strict` checks in the tests holds by
//! construction. Field order is the order keys appear in the files; empty fields are left
//! out.

use std::collections::BTreeMap;

use serde::Serialize;

/// `metadata`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    /// Name.
    pub name: String,
    /// Namespace, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// One object: `apiVersion`, `kind`, `metadata`, then the kind's own fields.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Object<T: Serialize> {
    /// `apps/v1`, `v1`.
    pub api_version: &'static str,
    /// `Deployment`, `Service`, ….
    pub kind: &'static str,
    /// Name, namespace, labels.
    pub metadata: Meta,
    /// The kind's fields.
    #[serde(flatten)]
    pub body: T,
}

/// A Deployment's body.
#[derive(Debug, Serialize)]
pub struct DeploymentBody {
    /// `spec`.
    pub spec: DeploymentSpec,
}

/// `Deployment.spec`.
#[derive(Debug, Serialize)]
pub struct DeploymentSpec {
    /// Always 1: the stack ran one container per service.
    pub replicas: u32,
    /// Pods it owns.
    pub selector: Selector,
    /// Pods it creates.
    pub template: PodTemplate,
}

/// `matchLabels`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// Labels.
    pub match_labels: BTreeMap<String, String>,
}

/// `spec.template`.
#[derive(Debug, Serialize)]
pub struct PodTemplate {
    /// Labels and annotations of the pod.
    pub metadata: PodMeta,
    /// The pod.
    pub spec: PodSpec,
}

/// A pod template's metadata (no name).
#[derive(Debug, Serialize)]
pub struct PodMeta {
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations (the registry's container labels).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// `PodSpec`.
#[derive(Debug, Serialize)]
pub struct PodSpec {
    /// One container.
    pub containers: Vec<Container>,
    /// Volumes the container mounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
}

/// One container.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// Name.
    pub name: String,
    /// Image.
    pub image: String,
    /// Compose's `command` (it replaces the image's `CMD`, as `args` does).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// The plain environment, from the container's ConfigMap.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<EnvFrom>,
    /// Secret references, and values built from them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// From the healthcheck.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    /// From the resource limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceLimits>,
    /// Mounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
}

/// `containerPort`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    /// Port.
    pub container_port: u16,
    /// `TCP` or `UDP`.
    pub protocol: &'static str,
}

/// `envFrom: [{configMapRef: …}]`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvFrom {
    /// The ConfigMap.
    pub config_map_ref: NameRef,
}

/// `{name: …}`.
#[derive(Debug, Serialize)]
pub struct NameRef {
    /// Name.
    pub name: String,
}

/// One `env` entry: a literal built from earlier entries (`$(VAR)`), or a secret key.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    /// Name.
    pub name: String,
    /// Value with `$(VAR)` references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Or the secret key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ValueFrom>,
}

/// `valueFrom`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueFrom {
    /// The key.
    pub secret_key_ref: SecretKeyRef,
}

/// `secretKeyRef`.
#[derive(Debug, Serialize)]
pub struct SecretKeyRef {
    /// Secret.
    pub name: String,
    /// Key.
    pub key: String,
}

/// `readinessProbe`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// The command.
    pub exec: ExecAction,
    /// `start_period`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<u32>,
    /// `interval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<u32>,
    /// `timeout`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// `retries`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<u32>,
}

/// `exec`.
#[derive(Debug, Serialize)]
pub struct ExecAction {
    /// Argument vector.
    pub command: Vec<String>,
}

/// `resources`.
#[derive(Debug, Serialize)]
pub struct ResourceLimits {
    /// `cpu`, `memory`.
    pub limits: BTreeMap<String, String>,
}

/// `volumeMounts` entry.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMount {
    /// Volume name.
    pub name: String,
    /// Where.
    pub mount_path: String,
    /// `:ro`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

/// A pod volume: a claim or scratch space.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// Name.
    pub name: String,
    /// A named volume's claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<ClaimRef>,
    /// An anonymous volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<Empty>,
}

/// `{claimName: …}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRef {
    /// Claim.
    pub claim_name: String,
}

/// `{}`.
#[derive(Debug, Serialize)]
pub struct Empty {}

/// A Service's body.
#[derive(Debug, Serialize)]
pub struct ServiceBody {
    /// `spec`.
    pub spec: ServiceSpec,
}

/// `Service.spec`: a selector over one Deployment's pods, or an `ExternalName`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// `ExternalName` for an external profile; default (ClusterIP) otherwise.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The external host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    /// Pods.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: BTreeMap<String, String>,
    /// Ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
}

/// `Service.spec.ports` entry.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    /// `<protocol>-<port>`.
    pub name: String,
    /// Port.
    pub port: u16,
    /// Container port.
    pub target_port: u16,
    /// `TCP` or `UDP`.
    pub protocol: &'static str,
}

/// A PersistentVolumeClaim's body.
#[derive(Debug, Serialize)]
pub struct ClaimBody {
    /// `spec`.
    pub spec: ClaimSpec,
}

/// `PersistentVolumeClaim.spec`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimSpec {
    /// `ReadWriteOnce`.
    pub access_modes: Vec<&'static str>,
    /// The size asked for.
    pub resources: ClaimResources,
}

/// `{requests: {storage: …}}`.
#[derive(Debug, Serialize)]
pub struct ClaimResources {
    /// `storage`.
    pub requests: BTreeMap<String, String>,
}

/// A ConfigMap's or a Secret's body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataBody {
    /// `Opaque` for a Secret.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// ConfigMap values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
    /// Secret keys (empty values: hsm never writes a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_data: Option<BTreeMap<String, String>>,
}

/// `kustomization.yaml`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kustomization {
    /// `kustomize.config.k8s.io/v1beta1`.
    pub api_version: &'static str,
    /// `Kustomization`.
    pub kind: &'static str,
    /// `--namespace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Every manifest file.
    pub resources: Vec<String>,
}
