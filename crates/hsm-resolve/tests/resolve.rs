//! Library-level edge cases of resolution, on small registries written to a temp dir.

#![allow(clippy::unwrap_used)]

use hsm_registry::Registry;
use hsm_resolve::{Deployment, ProjectFile, connection_vars, resolve};
use hsm_schema::Mode;

/// The located problems of a failed resolution.
fn problems(e: hsm_resolve::ResolveError) -> Vec<infra_yaml::Diagnostic> {
    match e {
        hsm_resolve::ResolveError::Invalid(p) => p,
        other => panic!("expected problems, got {other:?}"),
    }
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = dir.path().join("reg").join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        Self { dir }
    }

    fn registry(&self) -> Registry {
        Registry::open(&self.dir.path().join("reg"), self.dir.path(), "test").unwrap()
    }

    fn project(&self, manifest: &str) -> ProjectFile {
        ProjectFile::parse(self.dir.path(), manifest.to_string()).unwrap()
    }
}

const REG: &[(&str, &str)] = &[
    (
        "packages/app.yaml",
        "name: app\nimplies:\n  package:lib: {}\n  container_group:db: postgres\n",
    ),
    (
        "packages/lib.yaml",
        "name: lib\nsources:\n  prod: {type: pypi}\n  dev: {type: local, path: ../../lib}\nimplies:\n  container:cache: {params: {ns: lib}}\n",
    ),
    (
        "packages/other.yaml",
        "name: other\nimplies:\n  container:cache: {params: {ns: other}}\n  container:postgres: {params: {db_name: other_db}}\n",
    ),
    (
        "containers/cache.yaml",
        "name: cache\nimage: redis:7\nports: [\"6379:6379\"]\nparams:\n  ns: {merge: list}\n  tier: {merge: scalar, default: small}\n",
    ),
    (
        "containers/postgres.yaml",
        "name: postgres\nimage: postgres:16\nports: [\"127.0.0.1:15432:5432\"]\nhealthcheck: {test: pg_isready}\ndeployment_profiles:\n  corp: {mode: external, external: {host: db.corp, port: 5432, api_key: \"${PG_KEY}\"}}\nimplies:\n  container:cache: {}\n",
    ),
    ("containers/mysql.yaml", "name: mysql\nimage: mysql:8\n"),
    (
        "container_groups/db.yaml",
        "name: db\ntype: container_group\nstrategy: 1-of-N\nalias: database\ndefault: mysql\noptions: [{name: postgres}, {name: mysql}]\n",
    ),
];

#[test]
fn transitive_implies_consumers_and_depends_on() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let p = f.project("packages: [app]\n");
    let s = resolve(&p, &reg).unwrap();
    let names: Vec<&str> = s.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["app", "lib"]);
    let containers: Vec<&str> = s.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(containers, ["cache", "postgres"]);
    let pg = s.container("postgres").unwrap();
    assert_eq!(
        pg.group_aliases,
        ["database"],
        "selected through the group implied by app"
    );
    assert_eq!(pg.depends_on, ["cache"]);
    let cache = s.container("cache").unwrap();
    assert_eq!(cache.consumers, ["lib", "postgres"]);
    assert_eq!(cache.params["ns"], ["lib"]);
    assert_eq!(cache.params["tier"], ["small"], "default of an unset param");
    assert!(
        s.auto
            .iter()
            .any(|a| a.what == "selected `postgres` in container group `db`"),
        "{:?}",
        s.auto
    );
    let db = s.groups.iter().find(|g| g.name == "db").unwrap();
    assert!(!db.in_manifest);
}

#[test]
fn params_merge_sorted_and_independent_of_manifest_order() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let a = resolve(&f.project("packages: [other, lib]\n"), &reg).unwrap();
    let reg2 = f.registry();
    let b = resolve(&f.project("packages: [lib, other]\n"), &reg2).unwrap();
    assert_eq!(a.container("cache").unwrap().params["ns"], ["lib", "other"]);
    assert_eq!(
        a.container("cache").unwrap().params,
        b.container("cache").unwrap().params
    );
}

#[test]
fn mode_precedence() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let m = |manifest: &str| {
        let s = resolve(&f.project(manifest), &reg).unwrap();
        s.packages.iter().find(|p| p.name == "lib").map(|p| p.mode)
    };
    assert_eq!(m("packages: [lib]\n"), Some(Mode::Prod), "default");
    assert_eq!(
        m("mode: dev\npackages: [lib]\n"),
        Some(Mode::Dev),
        "project default"
    );
    assert_eq!(
        m("mode: dev\npackages: [lib: prod]\n"),
        Some(Mode::Prod),
        "entry beats project"
    );
    assert_eq!(
        m("packages: [lib: prod]\nmodes: {lib: dev}\n"),
        Some(Mode::Dev),
        "modes map beats entry"
    );
    assert_eq!(
        m("packages: [app]\nmodes: {lib: dev}\n"),
        Some(Mode::Dev),
        "implied component via modes map"
    );
}

#[test]
fn dev_falls_back_to_prod_source_and_virtual_has_none() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let s = resolve(&f.project("mode: dev\npackages: [app, other]\n"), &reg).unwrap();
    let lib = s.packages.iter().find(|p| p.name == "lib").unwrap();
    assert!(lib.source.is_some());
    let app = s.packages.iter().find(|p| p.name == "app").unwrap();
    assert!(app.source.is_none(), "virtual");
}

#[test]
fn external_profile_and_connection_vars() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let s = resolve(
        &f.project(
            "services:\n  container_groups:\n    db: {selection: postgres, profile: corp}\n",
        ),
        &reg,
    )
    .unwrap();
    let pg = s.container("postgres").unwrap();
    assert!(matches!(&pg.deployment, Deployment::External(e) if e["host"] == "db.corp"));
    let vars: Vec<(String, String)> = connection_vars(pg)
        .into_iter()
        .map(|v| (v.name, v.network))
        .collect();
    assert!(vars.contains(&("POSTGRES_HOST".into(), "db.corp".into())));
    assert!(
        vars.contains(&("POSTGRES_API_KEY".into(), "${PG_KEY}".into())),
        "references stay references"
    );
    assert!(
        vars.contains(&("DATABASE_HOST".into(), "db.corp".into())),
        "alias prefix too"
    );
    let s = resolve(
        &f.project("services:\n  container_groups:\n    db: {selection: postgres}\n"),
        &reg,
    )
    .unwrap();
    let vars = connection_vars(s.container("postgres").unwrap());
    let host = vars.iter().find(|v| v.name == "POSTGRES_HOST").unwrap();
    assert_eq!(
        (host.network.as_str(), host.local.as_deref()),
        ("database", Some("127.0.0.1"))
    );
    let port = vars.iter().find(|v| v.name == "POSTGRES_PORT").unwrap();
    assert_eq!(
        (port.network.as_str(), port.local.as_deref()),
        ("5432", Some("15432"))
    );
}

#[test]
fn group_default_and_adhoc_groups() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let s = resolve(
        &f.project(
            "services:\n  container_groups:\n    db: {}\n    anything: {selection: cache}\n",
        ),
        &reg,
    )
    .unwrap();
    assert!(s.container("mysql").is_some(), "group default");
    let adhoc = s.groups.iter().find(|g| g.name == "anything").unwrap();
    assert!(adhoc.adhoc);
    let errs = resolve(
        &f.project("services:\n  container_groups:\n    anything: {selection: nothing}\n"),
        &reg,
    )
    .unwrap_err();
    let errs = problems(errs);
    assert!(
        errs[0].message.contains("not a container in the registry"),
        "{errs:?}"
    );
}

#[test]
fn three_node_cycle_is_reported_once() {
    let f = Fixture::new(&[
        ("packages/a.yaml", "name: a\nimplies: {package:b: {}}\n"),
        ("packages/b.yaml", "name: b\nimplies: {package:c: {}}\n"),
        ("packages/c.yaml", "name: c\nimplies: {package:a: {}}\n"),
    ]);
    let reg = f.registry();
    let errs = problems(resolve(&f.project("packages: [b]\n"), &reg).unwrap_err());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0]
            .message
            .contains("package `a` → package `b` → package `c` → package `a`"),
        "{}",
        errs[0].message
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let f = Fixture::new(REG);
    let reg = f.registry();
    let errs = resolve(
        &f.project(
            "packages: [nope, nada]\nservices:\n  containers: [{name: cache, profile: missing}]\n",
        ),
        &reg,
    )
    .unwrap_err();
    let errs = problems(errs);
    assert_eq!(errs.len(), 3, "{errs:?}");
}
