//! Shared fixtures for the golden tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use hsm_edit::{ManifestEditError, ManifestEditor};

/// The example manifest of the design brief.
pub const EX: &str = "# my project
project: {name: demo}
packages:
  - auth-service          # the auth backend
  - neo4j-client: dev
  - {name: qdrant-client, mode: prod}
package_groups:
  server: {selection: uvicorn}
services:
  containers: [redis]
  container_groups:
    vector-db:
      selection: qdrant
      profile: external-corp   # corp cluster
    graph-services: {selection: graph-builder-service, profile: managed-dev, mode: dev}
modes:
  postgres: dev
";

/// Asserts that `text` loads as a manifest.
pub fn assert_manifest(text: &str) -> hsm_schema::Manifest {
    infra_yaml::from_str::<hsm_schema::Manifest>(Path::new("hsm.yaml"), text)
        .unwrap_or_else(|e| panic!("not a valid manifest: {e}\n{text}"))
}

/// Runs one edit on `text`; returns what it reported and the resulting text, which is
/// checked to load as a manifest.
pub fn edit(
    text: &str,
    f: impl FnOnce(&mut ManifestEditor) -> Result<bool, ManifestEditError>,
) -> (bool, String) {
    let mut editor = ManifestEditor::parse(text).unwrap();
    let changed = f(&mut editor).unwrap();
    let out = editor.to_string();
    assert_manifest(&out);
    if !changed {
        assert_eq!(
            out, text,
            "an edit that reports no change must not change the text"
        );
    }
    (changed, out)
}

/// `EX` with `from` replaced by `to` (exactly once).
pub fn ex_with(from: &str, to: &str) -> String {
    assert_eq!(
        EX.matches(from).count(),
        1,
        "fixture must contain {from:?} once"
    );
    EX.replacen(from, to, 1)
}

/// Asserts that the comments of `EX` that were not part of the edited entry survived.
pub fn assert_comments(out: &str) {
    for c in ["# my project\n", "# the auth backend\n", "# corp cluster\n"] {
        assert!(out.contains(c), "lost comment {c:?} in\n{out}");
    }
}
