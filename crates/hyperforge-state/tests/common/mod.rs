//! Shared setup: a config directory with one org, and repos files to write.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use hyperforge_schema::{
    Config, ForgeConfig, ForgeKind, ForgeName, OrgConfig, OrgDefaults, OrgName, Owner, Repo,
    RepoName, ReposFile, Synced, TokenRef, Visibility,
};
use hyperforge_state::{StateError, Store};

pub fn forge(name: &str) -> ForgeName {
    ForgeName::new(name).unwrap()
}

pub fn org_name() -> OrgName {
    OrgName::new("hm").unwrap()
}

/// A store in `dir` whose config defines org `hm` on github and codeberg.
pub fn store_with_org(dir: &Path) -> Store {
    let mut store = Store::open(dir).unwrap();
    store
        .update_config(|config: &mut Config| {
            config.forges.insert(
                forge("github"),
                ForgeConfig {
                    kind: ForgeKind::Github,
                    api_url: "https://api.github.com".into(),
                    token: TokenRef::Env("GITHUB_TOKEN".into()),
                    web_url: None,
                    ssh_host: None,
                },
            );
            config.forges.insert(
                forge("codeberg"),
                ForgeConfig {
                    kind: ForgeKind::Gitea,
                    api_url: "https://codeberg.org/api/v1".into(),
                    token: TokenRef::Keyring("codeberg".into()),
                    web_url: None,
                    ssh_host: None,
                },
            );
            config.orgs.insert(
                org_name(),
                OrgConfig {
                    owner: Owner::Same("hypermemetic".into()),
                    forges: [forge("github"), forge("codeberg")].into(),
                    origin: forge("github"),
                    defaults: OrgDefaults::default(),
                    ssh_key: None,
                },
            );
            Ok::<_, StateError>(())
        })
        .unwrap();
    store
}

/// `n` repos with every kind of field set, inserted in the given order; `tag` changes the
/// descriptions so two files differ.
pub fn repos(n: usize, tag: &str, reverse: bool) -> ReposFile {
    let mut file = ReposFile::default();
    let mut order: Vec<usize> = (0..n).collect();
    if reverse {
        order.reverse();
    }
    for i in order {
        let mut repo = Repo {
            description: Some(format!("{tag} repo {i}: \"quoted\", colon: yes")),
            visibility: Some(if i % 2 == 0 {
                Visibility::Public
            } else {
                Visibility::Private
            }),
            forges: Some([forge("github"), forge("codeberg")].into()),
            protected: Some(i % 3 == 0),
            topics: ["rust".to_owned(), format!("t{i}")].into(),
            ..Repo::default()
        };
        repo.synced.insert(
            forge("github"),
            Synced {
                url: format!("https://github.com/hypermemetic/r{i}"),
                id: Some(format!("R_{i}")),
                synced_at: "2025-01-08T12:00:00Z".into(),
            },
        );
        file.repos
            .insert(RepoName::new(format!("r{i:04}")).unwrap(), repo);
    }
    file
}
