//! Connection variables: how a consumer reaches a service.
//!
//! "HSM does the dirty work of forwarding env" (seed 001): every consumer of a service gets
//! `<SERVICE>_HOST`, `<SERVICE>_PORT` and, for external profiles, every other key of the
//! profile's `external:` map (`api_key` → `<SERVICE>_API_KEY`) plus the profile's own `env:`
//! as written. A managed service is reached by its compose name (or group alias) and
//! container port from inside compose, and from a local process at the address its port is
//! published on (`127.0.0.1` for all interfaces, `::1` for `[::1]:…`) and the published port
//! (the first of a range). A port that is not published on a fixed host port gives local
//! processes nothing, and [`local_note`] says so. Values are templates: `${VAR}` references
//! stay references until the caller decides where the value may be written.

use std::collections::BTreeMap;

use hsm_schema::PortSpec;

use crate::{Deployment, ResolvedContainer};

/// One variable with its value for each side of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnVar {
    /// Variable name (`QDRANT_HOST`).
    pub name: String,
    /// Value for other compose services.
    pub network: String,
    /// Value for local processes, when the service is reachable from the host.
    pub local: Option<String>,
    /// The registry key the value comes from (for errors about its `${VAR}`s).
    pub key: String,
}

/// The variable prefix under which implication params are substituted.
pub const MERGED_PARAMS_PREFIX: &str = "HSM_MERGED_PARAMS.";

/// The value of `${HSM_MERGED_PARAMS.<key>}`: the merged values joined with `,` (empty when
/// nothing sets the param). `None` for any other variable name.
pub fn merged_param(params: &BTreeMap<String, Vec<String>>, var: &str) -> Option<String> {
    let key = var.strip_prefix(MERGED_PARAMS_PREFIX)?;
    Some(params.get(key).map(|v| v.join(",")).unwrap_or_default())
}

/// `graph-builder-service` → `GRAPH_BUILDER_SERVICE`.
pub fn env_prefix(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A templated port mapping (`${P}:7474`) split into host and container text, on `:`
/// outside `${…}`.
fn split_templated(mapping: &str) -> (Option<String>, String) {
    let m = mapping.split('/').next().unwrap_or(mapping);
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    let mut chars = m.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => {
                depth += 1;
                cur.push(c);
            }
            '}' if depth > 0 => {
                depth -= 1;
                cur.push(c);
            }
            ':' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    let container = parts.pop().unwrap_or_default();
    let host = parts.pop().filter(|h| !h.is_empty());
    (host, container)
}

/// The port mappings in force for a container (a profile's `ports` replace the
/// container's), duplicates removed.
pub fn effective_ports<'a>(c: &ResolvedContainer<'a>) -> Vec<&'a PortSpec> {
    let spec = c.spec;
    let profile_ports = c.active_profile().and_then(|p| p.ports.as_ref());
    let list = profile_ports.unwrap_or(&spec.ports);
    let mut out: Vec<&PortSpec> = Vec::new();
    for p in list {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// How one port is reached: container-side text, and the local address and port if any.
struct Reach {
    container: Option<String>,
    local: Option<(String, String)>,
}

fn reach(p: &PortSpec) -> Reach {
    match p {
        PortSpec::Templated(text) => {
            let (host, container) = split_templated(text);
            Reach {
                container: Some(container),
                local: host.map(|h| ("127.0.0.1".to_string(), h)),
            }
        }
        PortSpec::Mapping(m) => Reach {
            container: Some(m.container_port().to_string()),
            local: m
                .local_address()
                .zip(m.host_port())
                .map(|(a, p)| (a, p.to_string())),
        },
    }
}

/// The port clients connect to: `port:` if set (and the mapping publishing it), else the
/// first mapping.
fn service_port(c: &ResolvedContainer<'_>) -> Option<Reach> {
    let ports = effective_ports(c);
    match c.spec.port {
        Some(p) => {
            let published = ports
                .iter()
                .map(|m| reach(m))
                .find(|r| r.container.as_deref() == Some(p.to_string().as_str()));
            Some(Reach {
                container: Some(p.to_string()),
                local: published.and_then(|r| r.local),
            })
        }
        None => ports.first().map(|p| reach(p)),
    }
}

/// Connection variables of a service, for every name it answers to (its own name, then each
/// group alias), then an external profile's own `env:`.
pub fn connection_vars(c: &ResolvedContainer<'_>) -> Vec<ConnVar> {
    let mut prefixes = vec![env_prefix(&c.name)];
    for a in &c.group_aliases {
        let p = env_prefix(a);
        if !prefixes.contains(&p) {
            prefixes.push(p);
        }
    }
    let mut out = Vec::new();
    match &c.deployment {
        Deployment::External(ext) => {
            let pname = c.profile.clone().unwrap_or_default();
            for prefix in &prefixes {
                for (k, v) in ext {
                    out.push(ConnVar {
                        name: format!("{prefix}_{}", env_prefix(k)),
                        network: v.clone(),
                        local: Some(v.clone()),
                        key: format!("deployment_profiles.{pname}.external.{k}"),
                    });
                }
            }
            let profile = c.spec.deployment_profiles.get(&pname);
            for (k, v) in profile.map(|p| &p.env).into_iter().flatten() {
                out.push(ConnVar {
                    name: k.to_string(),
                    network: v.0.clone(),
                    local: Some(v.0.clone()),
                    key: format!("deployment_profiles.{pname}.env.{k}"),
                });
            }
        }
        Deployment::Managed => {
            let reach = service_port(c);
            let in_network = c
                .group_aliases
                .first()
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            let local = reach.as_ref().and_then(|r| r.local.clone());
            for prefix in &prefixes {
                out.push(ConnVar {
                    name: format!("{prefix}_HOST"),
                    network: in_network.clone(),
                    local: local.as_ref().map(|(a, _)| a.clone()),
                    key: "ports".to_string(),
                });
                if let Some(cp) = reach.as_ref().and_then(|r| r.container.clone()) {
                    out.push(ConnVar {
                        name: format!("{prefix}_PORT"),
                        network: cp,
                        local: local.as_ref().map(|(_, p)| p.clone()),
                        key: "ports".to_string(),
                    });
                }
            }
        }
    }
    out
}

/// Why local processes get no connection variables for a managed container, when that is
/// so: its port is not published on a fixed host port.
pub fn local_note(c: &ResolvedContainer<'_>) -> Option<String> {
    if c.deployment != Deployment::Managed || !c.in_compose() {
        return None;
    }
    let reach = service_port(c)?;
    if reach.local.is_some() {
        return None;
    }
    let port = reach.container.unwrap_or_default();
    let prefix = env_prefix(&c.name);
    Some(format!(
        "container `{}` does not publish port {port} on a fixed host port, so local processes get no `{prefix}_HOST`/`{prefix}_PORT`; write `{port}:{port}` in `ports` to reach it from the host",
        c.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templated_ports_split() {
        assert_eq!(
            split_templated("${P}:7474"),
            (Some("${P}".into()), "7474".into())
        );
        assert_eq!(
            split_templated("${P:-1}:7474"),
            (Some("${P:-1}".into()), "7474".into())
        );
        assert_eq!(env_prefix("graph-builder-service"), "GRAPH_BUILDER_SERVICE");
    }

    #[test]
    fn reach_of_mappings() {
        let r = reach(&PortSpec::parse("[::1]:6001:80").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(r.local, Some(("::1".into(), "6001".into())));
        let r = reach(&PortSpec::parse("8000-8010:8000-8010").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(r.local, Some(("127.0.0.1".into(), "8000".into())));
        assert_eq!(r.container.as_deref(), Some("8000"));
        let r = reach(&PortSpec::parse("5432").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(r.local, None);
        assert_eq!(r.container.as_deref(), Some("5432"));
    }
}
