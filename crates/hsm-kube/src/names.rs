//! Kubernetes object names and labels.
//!
//! Registry names are already lowercase words joined by `-` in practice, but Kubernetes
//! refuses anything else (RFC 1123 labels, at most 63 characters), so every name written
//! passes through [`object_name`]; the labels are the recommended `app.kubernetes.io/*`
//! ones, so `kubectl get -l app.kubernetes.io/managed-by=hsm` finds what hsm exported.

use std::collections::BTreeMap;

/// `name` as an RFC 1123 label: lowercase, `-` for anything else, trimmed, at most 63.
pub fn object_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(63);
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "hsm".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The label selecting one container's pods.
pub fn selector(container: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_string(), object_name(container))])
}

/// Labels of every object: what it is part of and who manages it.
pub fn labels(project: &str, container: Option<&str>) -> BTreeMap<String, String> {
    let mut l = BTreeMap::from([
        (
            "app.kubernetes.io/managed-by".to_string(),
            "hsm".to_string(),
        ),
        (
            "app.kubernetes.io/part-of".to_string(),
            object_name(project),
        ),
    ]);
    if let Some(c) = container {
        l.extend(selector(c));
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_rfc1123_labels() {
        assert_eq!(object_name("pg_data"), "pg-data");
        assert_eq!(object_name("My.Service"), "my-service");
        assert_eq!(object_name("__"), "hsm");
        assert_eq!(object_name(&"a".repeat(70)).len(), 63);
    }
}
