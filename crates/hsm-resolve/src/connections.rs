//! Connection variables: how a consumer reaches a service.
//!
//! "HSM does the dirty work of forwarding env" (seed 001): every consumer of a service gets
//! `<SERVICE>_HOST`, `<SERVICE>_PORT` and, for external profiles, every other key of the
//! profile's `external:` map (`api_key` → `<SERVICE>_API_KEY`). A managed service is reached
//! by its compose name (or group alias) and container port from inside compose, and at
//! 127.0.0.1 and its published port from a local process. Values are templates: `${VAR}`
//! references stay references until the caller decides where the value may be written.

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
}

/// The variable prefix under which implication params are substituted.
pub const MERGED_PARAMS_PREFIX: &str = "HSM_MERGED_PARAMS.";

/// The value of `${HSM_MERGED_PARAMS.<key>}`: the merged values joined with `,` (empty when
/// nothing sets the param). `None` for any other variable name.
pub fn merged_param(
    params: &std::collections::BTreeMap<String, Vec<String>>,
    var: &str,
) -> Option<String> {
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

/// A port mapping split into (host side, container side).
pub fn split_port(mapping: &str) -> (Option<String>, String) {
    let m = mapping.split('/').next().unwrap_or(mapping);
    // Split on ':' outside `${...}`.
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

/// The port mappings in force for a container (profile overrides the container's).
pub fn effective_ports(c: &ResolvedContainer<'_>) -> Vec<String> {
    let profile_ports = c
        .profile
        .as_ref()
        .and_then(|p| c.spec.deployment_profiles.get(p))
        .and_then(|p| p.ports.as_ref());
    let list = profile_ports.unwrap_or(&c.spec.ports);
    let mut out: Vec<String> = Vec::new();
    for p in list {
        if !out.contains(&p.0) {
            out.push(p.0.clone());
        }
    }
    out
}

/// Connection variables of a service, for every name it answers to (its own name, then each
/// group alias).
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
            for prefix in &prefixes {
                for (k, v) in ext {
                    out.push(ConnVar {
                        name: format!("{prefix}_{}", env_prefix(k)),
                        network: v.clone(),
                        local: Some(v.clone()),
                    });
                }
            }
        }
        Deployment::Managed => {
            let ports = effective_ports(c);
            let first = ports.first().map(|p| split_port(p));
            let container_port = c
                .spec
                .port
                .map(|p| p.to_string())
                .or_else(|| first.as_ref().map(|(_, cp)| cp.clone()));
            let host_port = match c.spec.port {
                Some(p) => ports
                    .iter()
                    .map(|m| split_port(m))
                    .find(|(_, cp)| *cp == p.to_string())
                    .and_then(|(h, _)| h),
                None => first.and_then(|(h, _)| h),
            };
            let in_network = c
                .group_aliases
                .first()
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            for prefix in &prefixes {
                out.push(ConnVar {
                    name: format!("{prefix}_HOST"),
                    network: in_network.clone(),
                    local: host_port.as_ref().map(|_| "127.0.0.1".to_string()),
                });
                if let Some(cp) = &container_port {
                    out.push(ConnVar {
                        name: format!("{prefix}_PORT"),
                        network: cp.clone(),
                        local: host_port.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_split() {
        assert_eq!(
            split_port("6379:6379"),
            (Some("6379".into()), "6379".into())
        );
        assert_eq!(split_port("127.0.0.1:8080:80/tcp").1, "80");
        assert_eq!(
            split_port("${P}:7474"),
            (Some("${P}".into()), "7474".into())
        );
        assert_eq!(
            split_port("${P:-1}:7474"),
            (Some("${P:-1}".into()), "7474".into())
        );
        assert_eq!(split_port("80"), (None, "80".into()));
        assert_eq!(env_prefix("graph-builder-service"), "GRAPH_BUILDER_SERVICE");
    }
}
