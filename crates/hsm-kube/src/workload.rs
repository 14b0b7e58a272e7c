//! One managed container as a pod's container: image, command, env, ports, volumes, probe,
//! limits.
//!
//! It reads the resolved container as `hsm-compose` does (a deployment profile's values
//! over the container's, the mode's source over the base), so the pod runs what
//! `docker compose up` would, minus what needs a local machine: a build from local code is
//! refused (Kubernetes pulls an image) and bind mounts of local paths are left out with a
//! note.

use std::collections::{BTreeMap, BTreeSet};

use hsm_resolve::{ResolvedContainer, Stack, connection_vars, effective_ports};
use hsm_schema::{ContainerSource, Mode, Profile, Protocol, StringOrList};

use crate::KubeError;
use crate::env::EnvBuilder;
use crate::model::{ContainerPort, Volume, VolumeMount};
use crate::names::object_name;
use crate::values::Values;

/// What one managed container needs in the cluster.
#[derive(Debug, Default)]
pub struct Workload {
    /// Image.
    pub image: String,
    /// Command (`args`), `$(VAR)` references allowed.
    pub args: Vec<String>,
    /// Working directory.
    pub working_dir: Option<String>,
    /// Ports, deduplicated.
    pub ports: Vec<ContainerPort>,
    /// Environment.
    pub env: EnvBuilder,
    /// Mounts and the pod volumes behind them.
    pub mounts: Vec<(VolumeMount, Volume)>,
    /// Named volumes (claims to write).
    pub claims: BTreeSet<String>,
    /// The registry's container labels (pod annotations).
    pub annotations: BTreeMap<String, String>,
    /// What was left out, for the report.
    pub notes: Vec<String>,
}

/// The environment, volumes and image of `c`; Secret keys used are added to `keys`.
pub fn workload(
    stack: &Stack<'_>,
    c: &ResolvedContainer<'_>,
    all_connections: bool,
    keys: &mut BTreeSet<String>,
) -> Result<Workload, KubeError> {
    let spec = c.spec;
    let pname = c.profile.clone().unwrap_or_default();
    let profile = c.active_profile();
    let pkey = |k: &str| format!("deployment_profiles.{pname}.{k}");
    let mut w = Workload::default();
    let mut v = Values::new(&c.registry_file, c.index, &c.params, keys);
    for (k, val) in &spec.env {
        w.env.add(&mut v, &format!("env.{k}"), k.as_ref(), &val.0)?;
    }
    let mut volumes: Vec<(String, String)> = match profile.and_then(|p| p.volumes.as_ref()) {
        Some(l) => indexed(&pkey("volumes"), l),
        None => indexed("volumes", &spec.volumes),
    };
    source(c, profile, &mut v, &mut w, &mut volumes)?;
    if let Some(p) = profile {
        for (k, val) in &p.env {
            w.env
                .add(&mut v, &pkey(&format!("env.{k}")), k.as_ref(), &val.0)?;
        }
    }
    let command = match profile.and_then(|p| p.command.as_ref()) {
        Some(cmd) => Some((pkey("command"), cmd)),
        None => spec
            .command
            .as_ref()
            .map(|cmd| ("command".to_string(), cmd)),
    };
    if let Some((key, cmd)) = command {
        w.args = args(&mut v, &mut w.env, &key, cmd)?;
    }
    w.working_dir = match profile.and_then(|p| p.working_dir.as_deref()) {
        Some(d) => Some(v.literal(&pkey("working_dir"), d, "a working directory")?),
        None => spec
            .working_dir
            .as_deref()
            .map(|d| v.literal("working_dir", d, "a working directory"))
            .transpose()?,
    };
    for (k, val) in &spec.labels {
        let text = v.literal(&format!("labels.{k}"), &val.0, "a label")?;
        w.annotations.insert(k.clone(), text);
    }
    w.ports = ports(c, &v)?;
    for (key, vol) in volumes {
        let vol = v.literal(&key, &vol, "a volume")?;
        mount(c, &vol, &mut w);
    }
    connections(stack, c, all_connections, keys, &mut w.env)?;
    Ok(w)
}

fn indexed(base: &str, l: &[String]) -> Vec<(String, String)> {
    l.iter()
        .enumerate()
        .map(|(i, s)| (format!("{base}[{i}]"), s.clone()))
        .collect()
}

/// The image, and the mode source's env and volumes.
fn source(
    c: &ResolvedContainer<'_>,
    profile: Option<&Profile>,
    v: &mut Values<'_>,
    w: &mut Workload,
    volumes: &mut Vec<(String, String)>,
) -> Result<(), KubeError> {
    let spec = c.spec;
    if let Some(img) = profile.and_then(|p| p.image.as_ref()) {
        let key = format!(
            "deployment_profiles.{}.image",
            c.profile.clone().unwrap_or_default()
        );
        w.image = v.literal(&key, img, "an image")?;
        return Ok(());
    }
    let mode = if spec.sources.for_mode(c.mode).is_some() {
        c.mode
    } else {
        Mode::Prod
    };
    let base = format!("sources.{mode}");
    match spec.sources.active(c.mode) {
        Some(ContainerSource::Build { .. }) => Err(KubeError::BuildNeedsImage {
            name: c.name.clone(),
            mode: c.mode,
            target: c.groups.first().unwrap_or(&c.name).clone(),
            file: c.registry_file.clone(),
        }),
        Some(ContainerSource::Image {
            image,
            env,
            volumes: sv,
        }) => {
            w.image = v.literal(&format!("{base}.image"), image, "an image")?;
            volumes.extend(indexed(&format!("{base}.volumes"), sv));
            for (k, val) in env {
                w.env
                    .add(v, &format!("{base}.env.{k}"), k.as_ref(), &val.0)?;
            }
            Ok(())
        }
        None => match &spec.image {
            Some(img) => {
                w.image = v.literal("image", img, "an image")?;
                Ok(())
            }
            None => Err(KubeError::NoImage {
                name: c.name.clone(),
                mode: c.mode,
                file: c.registry_file.clone(),
            }),
        },
    }
}

/// Compose's `command` as `args`: a list as written, a string split at spaces.
fn args(
    v: &mut Values<'_>,
    env: &mut EnvBuilder,
    key: &str,
    cmd: &StringOrList,
) -> Result<Vec<String>, KubeError> {
    let words: Vec<(String, String)> = match cmd {
        StringOrList::One(s) => s
            .split_whitespace()
            .map(|w| (key.to_string(), w.to_string()))
            .collect(),
        StringOrList::Many(l) => indexed(key, l),
    };
    words
        .into_iter()
        .map(|(k, w)| env.reference(v, &k, &w))
        .collect()
}

/// Container ports: the container side of each mapping in force, and `port:`.
fn ports(c: &ResolvedContainer<'_>, v: &Values<'_>) -> Result<Vec<ContainerPort>, KubeError> {
    let mut out: Vec<ContainerPort> = Vec::new();
    let mut push = |port: u16, protocol: &'static str| {
        if !out
            .iter()
            .any(|p| p.container_port == port && p.protocol == protocol)
        {
            out.push(ContainerPort {
                container_port: port,
                protocol,
            });
        }
    };
    for (i, p) in effective_ports(c).iter().enumerate() {
        let Some(port) = p.container_port() else {
            return Err(v.error(
                &format!("ports[{i}]"),
                format!("the container side of `{p}` cannot use variables in Kubernetes: a `containerPort` is a number"),
            ));
        };
        let protocol = match p.mapping().and_then(|m| m.protocol) {
            Some(Protocol::Udp) => "UDP",
            Some(Protocol::Sctp) => "SCTP",
            _ => "TCP",
        };
        push(port, protocol);
    }
    if let Some(p) = c.spec.port {
        push(p, "TCP");
    }
    Ok(out)
}

/// One Compose volume: a named volume is a claim, an anonymous one scratch space, a bind
/// mount of a local path a note.
fn mount(c: &ResolvedContainer<'_>, vol: &str, w: &mut Workload) {
    let parts: Vec<&str> = vol.split(':').collect();
    let (host, path, ro) = match parts.as_slice() {
        [path] => (None, *path, false),
        [host, path] => (Some(*host), *path, false),
        [host, path, mode, ..] => (Some(*host), *path, mode.split(',').any(|m| m == "ro")),
        [] => return,
    };
    let volume = match host {
        None => Volume {
            name: format!("scratch-{}", w.mounts.len()),
            persistent_volume_claim: None,
            empty_dir: Some(crate::model::Empty {}),
        },
        Some(h) if h.starts_with(['.', '/', '~']) => {
            w.notes.push(format!(
                "container `{}`: the bind mount `{vol}` is left out (a pod cannot mount a path of this machine)",
                c.name
            ));
            return;
        }
        Some(h) => {
            let claim = object_name(h);
            w.claims.insert(claim.clone());
            Volume {
                name: claim.clone(),
                persistent_volume_claim: Some(crate::model::ClaimRef { claim_name: claim }),
                empty_dir: None,
            }
        }
    };
    if w.mounts.iter().any(|(_, v)| v.name == volume.name) {
        return;
    }
    let mount = VolumeMount {
        name: volume.name.clone(),
        mount_path: path.to_string(),
        read_only: ro,
    };
    w.mounts.push((mount, volume));
}

/// The connection variables of the services `c` uses (or of every other one).
fn connections(
    stack: &Stack<'_>,
    c: &ResolvedContainer<'_>,
    all: bool,
    keys: &mut BTreeSet<String>,
    env: &mut EnvBuilder,
) -> Result<(), KubeError> {
    let consumed: Vec<&ResolvedContainer<'_>> = if all {
        stack
            .containers
            .iter()
            .filter(|d| d.name != c.name)
            .collect()
    } else {
        c.depends_on
            .iter()
            .filter_map(|d| stack.container(d))
            .collect()
    };
    for d in consumed {
        let mut v = Values::new(&d.registry_file, d.index, &d.params, keys);
        for var in connection_vars(d) {
            if !env.has(&var.name) {
                env.add(&mut v, &var.key, &var.name, &var.network)?;
            }
        }
    }
    Ok(())
}
