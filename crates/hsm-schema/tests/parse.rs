//! The seed documents' YAML parses into the schema verbatim.

use std::path::Path;

use hsm_schema::{
    ContainerSpec, GroupSpec, Implication, Manifest, Mode, PackageSource, PackageSpec, StringOrList,
};

fn load<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, infra_yaml::YamlError> {
    infra_yaml::from_str(Path::new("x.yaml"), text)
}

#[test]
fn seed_manifest_forms() {
    let m: Manifest = load(
        r#"
project: {name: demo}
packages: [auth-service, {neo4j-client: dev}]
package_groups: {server: {selection: uvicorn}}
services:
  containers: [redis, {name: pg, mode: dev, profile: managed-dev}]
  container_groups:
    vector-db: {selection: qdrant, profile: external-corp}
    graph-services: {selection: graph-builder-service, profile: managed-dev, mode: dev}
"#,
    )
    .unwrap();
    assert_eq!(m.project.name.as_deref(), Some("demo"));
    assert_eq!(m.packages[1].name, "neo4j-client");
    assert_eq!(m.packages[1].mode, Some(Mode::Dev));
    assert_eq!(
        m.services.containers[1].profile.as_deref(),
        Some("managed-dev")
    );
    let g = &m.services.container_groups["graph-services"];
    assert_eq!(g.mode, Some(Mode::Dev));
    assert_eq!(
        g.selection,
        Some(StringOrList::One("graph-builder-service".into()))
    );
}

#[test]
fn dash_map_form() {
    let m: Manifest = load("packages:\n  - neo4j-client: dev\n  - x\n").unwrap();
    assert_eq!(m.packages[0].mode, Some(Mode::Dev));
    assert_eq!(m.packages[1].name, "x");
}

#[test]
fn seed_virtual_package_and_container_env() {
    let p: PackageSpec = load(
        "name: auth-service\nimplies:\n  container:postgres:\n    params:\n      db_name: \"auth_db\"\n",
    )
    .unwrap();
    assert!(p.sources.prod.is_none());
    assert_eq!(
        p.implies.0[0],
        Implication::Container {
            name: "postgres".into(),
            params: [("db_name".to_string(), vec!["auth_db".to_string()])]
                .into_iter()
                .collect()
        }
    );
    let c: ContainerSpec = load(
        "name: postgres\nenv:\n  POSTGRES_MULTIPLE_DATABASES: \"${HSM_MERGED_PARAMS.db_name}\"\n",
    )
    .unwrap();
    assert_eq!(c.env.len(), 1);
}

#[test]
fn sources_and_profiles() {
    let p: PackageSpec = load(
        "name: neo4j-client\nsources:\n  dev:\n    type: local\n    path: \"../../packages/neo4j-client\"\n    editable: true\n",
    )
    .unwrap();
    assert!(matches!(p.sources.dev, Some(PackageSource::Local { .. })));
    let c: ContainerSpec = load(
        "name: qdrant\ndeployment_profiles:\n  external-corp:\n    mode: external\n    external:\n      host: \"10.0.0.50\"\n      port: 6333\n",
    )
    .unwrap();
    let ext = c.deployment_profiles["external-corp"]
        .external
        .as_ref()
        .unwrap();
    assert_eq!(ext["port"].as_str(), "6333");
}

#[test]
fn group_file() {
    let g: GroupSpec = load(
        "name: database\ntype: container_group\nstrategy: 1-of-N\nalias: db\noptions:\n  - name: postgres\n  - name: mysql\n    implies:\n      package:pymysql: {}\n",
    )
    .unwrap();
    assert_eq!(g.options.len(), 2);
    assert_eq!(g.alias.as_deref(), Some("db"));
}

#[test]
fn errors_are_located() {
    let e = load::<Manifest>("packages:\n  - name: x\n    mdoe: dev\n").unwrap_err();
    assert!(e.message.contains("mdoe"), "{e}");
    assert_eq!(e.line, Some(3), "{e:?}");
    let e = load::<PackageSpec>("name: a\nimplies:\n  service:pg: {}\n").unwrap_err();
    assert!(e.message.contains("unknown implies kind"), "{e}");
    let e = load::<PackageSpec>("name: a\nsources:\n  prod: {type: pipy}\n").unwrap_err();
    assert!(e.message.contains("pipy"), "{e}");
    assert_eq!(e.line, Some(3), "{e:?}");
}
