//! The starter `hsm.yaml` written by `hsm init`.
//!
//! It lists every section empty, each with a one-line comment showing the entry forms, so a
//! user can edit by hand without reading the docs, and so the editor later finds every list in
//! place (an empty `[]`/`{}` is filled in block style by the first edit).

/// The text of a new manifest for project `project_name` (quoted if YAML needs it), with
/// `registry: <path>` when the registry is not the default `./hsm-registry`.
pub fn new_manifest(project_name: &str, registry: Option<&str>) -> String {
    let registry = registry.map_or_else(String::new, |r| {
        format!(
            "# The registry of packages, containers and groups, relative to this file.\nregistry: {}\n",
            yaml_string(r)
        )
    });
    format!(
        "\
# hsm.yaml — the desired stack of this project. Edit by hand or with `hsm package add`, `hsm group select`, …
project: {{name: {name}}}
{registry}
# Standalone packages: `- name`, `- name: dev`, or `- {{name: x, mode: dev}}`.
packages: []

# Package groups: `<group>: {{selection: <option or list>, mode: dev}}`.
package_groups: {{}}

services:
  # Standalone containers: `- name`, `- name: dev`, or `- {{name: x, profile: <profile>}}`.
  containers: []
  # Container groups: `<group>: {{selection: <option or list>, profile: <profile>}}`.
  container_groups: {{}}
",
        name = yaml_string(project_name)
    )
}

/// `s` as a YAML scalar that reads back as the same string, plain when that is safe.
pub(crate) fn yaml_string(s: &str) -> String {
    const SPECIAL: [&str; 11] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "",
    ];
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !SPECIAL.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_string();
    }
    infra_yaml::double_quoted(s)
}
