//! The parse cache stores parsed files as JSON: every schema type must read back from its
//! own JSON exactly as it was parsed from YAML, or a cached run would see another registry.
//! Checked on every bundled example and on files that use every field.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use hsm_schema::{ContainerSpec, GroupSpec, Manifest, PackageSpec};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses `text` as YAML, writes it as JSON, reads that back, and checks that both values
/// serialise identically (as JSON and as YAML).
fn roundtrip<T: Serialize + DeserializeOwned>(name: &str, text: &str) {
    let from_yaml: T = infra_yaml::from_str(Path::new(name), text)
        .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
    let json = serde_json::to_string(&from_yaml).unwrap();
    let from_json: T = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{name}: its JSON does not read back: {e}\n{json}"));
    assert_eq!(json, serde_json::to_string(&from_json).unwrap(), "{name}");
    assert_eq!(
        serde_saphyr::to_string(&from_yaml).unwrap(),
        serde_saphyr::to_string(&from_json).unwrap(),
        "{name}"
    );
}

fn each_file(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            each_file(&p, f);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            f(&p, &std::fs::read_to_string(&p).unwrap());
        }
    }
}

#[test]
fn bundled_examples_read_back_from_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hsm");
    let mut seen = 0;
    each_file(&root, &mut |p, text| {
        let name = p.display().to_string();
        let folder = p
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str());
        match (folder, p.file_name().and_then(|n| n.to_str())) {
            (_, Some("hsm.yaml")) => roundtrip::<Manifest>(&name, text),
            (Some("packages"), _) => roundtrip::<PackageSpec>(&name, text),
            (Some("containers"), _) => roundtrip::<ContainerSpec>(&name, text),
            (Some("package_groups" | "container_groups"), _) => {
                roundtrip::<GroupSpec>(&name, text);
            }
            _ => return,
        }
        seen += 1;
    });
    assert!(seen >= 25, "only {seen} files checked");
}

#[test]
fn every_package_field_reads_back_from_json() {
    roundtrip::<PackageSpec>(
        "packages/full.yaml",
        r#"
name: Full_Pkg
version: 1.2
distribution: torch
description: every field
sources:
  prod: {type: pypi, spec: ">=2,<3", index: {name: cpu, url: "https://example.org/simple"}}
  dev:
    type: local
    path: ../../libs/full
    editable: true
    git: {url: "https://example.org/full.git", ref: v1}
env:
  FULL_URL: "http://${HOST:-localhost}:${PORT}"
  N: 3
  EMPTY: ""
implies:
  container:pg:
    params: {db_name: [a, b]}
  package:six: {mode: dev}
  container_group:db: pg
"#,
    );
}

#[test]
fn every_container_field_reads_back_from_json() {
    roundtrip::<ContainerSpec>(
        "containers/full.yaml",
        r#"
name: full
description: every field
image: "ghcr.io/x/full:1.0@sha256:0123"
ports:
  - "8080:80"
  - "[::1]:6001:80/udp"
  - "8000-8010:9000-9010"
  - 5432
  - {target: 80, published: "8081", protocol: tcp, host_ip: 127.0.0.1, mode: host}
port: 80
volumes: ["data:/data", "./conf:/etc/conf:ro"]
env:
  PASSWORD: "${FULL_PASSWORD:?set it}"
  NUM: 1
  FLAG: true
healthcheck: {test: ["CMD", "pg_isready"], interval: 5s, timeout: 2s, retries: 3, start_period: 10s}
resources: {cpus: 1.5, memory: 512m}
network_aliases: [db, store]
command: ["run", "--fast"]
restart: on-failure:3
working_dir: /app
container_name: full-1
labels: {team: core, n: 2}
sources:
  prod: {type: image, image: "full:1"}
  dev:
    type: build
    path: ../../services/full
    dockerfile: Dockerfile.dev
    args: {A: "1"}
    volumes: ["./src:/app/src"]
    env: {DEBUG: "1"}
deployment_profiles:
  managed-dev: {}
  cloud:
    mode: external
    external: {host: db.example.com, port: 5432}
    env: {FULL_URL: "postgres://db.example.com"}
  local-uv: {runtime: uv, command: "serve --port 1", working_dir: /w, image: other:2, ports: ["1:1"], volumes: [], labels: {a: b}, container_name: c}
dependencies: [fastapi, uvicorn]
params:
  db_name: {merge: list, default: app, description: databases}
  users: {merge: scalar, default: a}
implies:
  package:psycopg: {}
"#,
    );
}

#[test]
fn every_group_and_manifest_field_reads_back_from_json() {
    roundtrip::<GroupSpec>(
        "container_groups/full.yaml",
        "name: g\ntype: container_group\nstrategy: M-of-N\nalias: svc\ndescription: d\ndefault: [a, b]\noptions:\n  - name: a\n    description: x\n    implies:\n      package:six: {}\n  - name: b\n",
    );
    roundtrip::<Manifest>(
        "hsm.yaml",
        r#"
schema_version: 1
project: {name: p, version: 2}
registry: ../reg
package_manager: pip
mode: dev
packages: [a, {b: dev}, {name: c, mode: prod}]
package_groups:
  web: {selection: [x, y], mode: dev}
  one: x
services:
  containers: [pg, {name: redis, profile: cloud}]
  container_groups:
    db: {selection: pg, profile: managed-dev, mode: prod}
modes: {a: dev}
compose: {file: my-compose.yml, project_name: demo, command: "docker compose"}
env: {connections: all}
"#,
    );
}
