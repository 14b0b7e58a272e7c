//! The exported Pulumi program of a fixed org, against its golden file
//! (`tests/golden/acme.yaml`; `HYPERFORGE_UPDATE_GOLDEN=1` rewrites it after a reviewed
//! change).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hyperforge_schema::{Config, ReposFile};

const CONFIG: &str = r#"
version: 1
forges:
  github:
    kind: github
    api_url: https://api.github.com
    token: env:GITHUB_TOKEN
  codeberg:
    kind: gitea
    api_url: https://codeberg.org/api/v1
    token: env:CODEBERG_TOKEN
orgs:
  acme:
    owner:
      github: acme-inc
      codeberg: acme
    forges: [github, codeberg]
    origin: github
"#;

const REPOS: &str = r#"
version: 1
owner: acme
repos:
  api:
    description: "The API: v2"
    visibility: private
    protected: true
    topics: [rust, api]
  site.io:
    description: the web site
    forges: [github]
"#;

#[test]
fn the_program_matches_its_golden_file_and_names_no_secret() {
    let config: Config = serde_saphyr::from_str(CONFIG).unwrap();
    let repos: ReposFile = serde_saphyr::from_str(REPOS).unwrap();
    let org = &config.orgs.iter().next().unwrap().1;
    let program = hyperforge_export::pulumi_program(&config, "acme", org, &repos);
    assert!(
        !program.contains("GITHUB_TOKEN") && !program.contains("env:"),
        "no token reference leaks"
    );
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/acme.yaml");
    #[allow(clippy::disallowed_methods, reason = "a test switch")]
    if std::env::var_os("HYPERFORGE_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &program).unwrap();
    }
    assert_eq!(program, std::fs::read_to_string(&golden).unwrap());
}
