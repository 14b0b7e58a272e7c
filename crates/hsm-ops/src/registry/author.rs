//! Writing registry entries from typed options, and editing group options.
//!
//! Entries are built as the schema's own types and serialised, so what `hsm registry …
//! add` writes is exactly what hsm reads; the text is read back before it is written. Values
//! arrive typed (ports, memory, specs, URLs, variable names are parsed on the command line),
//! so an invalid one never reaches a file.

use std::collections::BTreeMap;

use hsm_registry::{Kind, Registry};
use hsm_schema::{
    ComponentKind, ContainerSource, ContainerSpec, Cpus, DeploymentMode, DistributionName, EnvName,
    GitClone, GitUrl, GroupOption, GroupSpec, Healthcheck, Implication, Implies, ImpliesTarget,
    Memory, PackageIndex, PackageSource, PackageSpec, ParamDecl, ParamMerge, PortSpec, Profile,
    RequirementSpec, Resources, RestartPolicy, Runtime, ScalarString, Strategy, StringOrList,
};
use indexmap::IndexMap;
use serde::Serialize;

use crate::{Context, OpsError};

/// What was written.
#[derive(Debug, Serialize)]
pub struct WrittenReport {
    /// Its kind (`package`, `container_group`, … in JSON).
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its file, as shown.
    pub written: String,
    /// Whether the file changed (adding an option that is there already changes nothing).
    pub changed: bool,
}

/// Parses `--implies`: `container:NAME[:KEY=VALUE,…]`, `package:NAME`,
/// `container_group:GROUP=OPTION[,…]`, `package_group:GROUP=OPTION[,…]`.
pub fn parse_implication(spec: &str) -> Result<Implication, String> {
    let bad = || {
        format!(
            "`{spec}` is not an implication: expected `container:NAME[:KEY=VALUE,…]`, `package:NAME`, `container_group:GROUP=OPTION[,…]` or `package_group:GROUP=OPTION[,…]`"
        )
    };
    if let Some((g, opts)) = spec.split_once('=')
        && let Ok(ImpliesTarget::Group(kind, group)) = ImpliesTarget::parse(g)
    {
        let options: Vec<String> = opts
            .split(',')
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect();
        if options.is_empty() {
            return Err(bad());
        }
        return Ok(Implication::Group {
            kind,
            group,
            options,
        });
    }
    let (target, params) = match spec.strip_prefix("container:") {
        Some(rest) => match rest.split_once(':') {
            Some((n, p)) => (format!("container:{n}"), Some(p)),
            None => (spec.to_string(), None),
        },
        None => (spec.to_string(), None),
    };
    match ImpliesTarget::parse(&target).map_err(|_| bad())? {
        ImpliesTarget::Component(ComponentKind::Container, name) => {
            let mut map: IndexMap<String, Vec<String>> = IndexMap::new();
            for kv in params.into_iter().flat_map(|p| p.split(',')) {
                let (k, v) = kv.split_once('=').ok_or_else(bad)?;
                map.entry(k.to_string()).or_default().push(v.to_string());
            }
            Ok(Implication::Container { name, params: map })
        }
        ImpliesTarget::Component(ComponentKind::Package, name) => {
            Ok(Implication::Package { name, mode: None })
        }
        ImpliesTarget::Group(..) => Err(bad()),
    }
}

/// Where a new package comes from in prod.
#[derive(Debug, Clone)]
pub enum ProdSource {
    /// A package index.
    Pypi {
        /// Specifier or requirement.
        spec: Option<RequirementSpec>,
        /// An index other than the default.
        index: Option<PackageIndex>,
    },
    /// A git repository.
    Git {
        /// Clone URL.
        url: GitUrl,
        /// Commit, tag or branch.
        reference: Option<String>,
        /// Sub-directory holding the package.
        subdirectory: Option<String>,
    },
    /// A local directory (relative to the registry file).
    Path(String),
}

/// `hsm registry package add`.
#[derive(Debug, Clone, Default)]
pub struct NewPackage {
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The distribution it installs, when not its name.
    pub distribution: Option<DistributionName>,
    /// Prod source.
    pub prod: Option<ProdSource>,
    /// Dev source: a local directory, editable.
    pub dev_path: Option<String>,
    /// Clone this into `dev_path` when missing.
    pub dev_git: Option<GitUrl>,
    /// Environment of local processes.
    pub env: Vec<(EnvName, String)>,
    /// Implications.
    pub implies: Vec<Implication>,
    /// Overwrite an existing entry.
    pub force: bool,
}

fn env_map(list: &[(EnvName, String)]) -> BTreeMap<EnvName, ScalarString> {
    list.iter()
        .map(|(k, v)| (k.clone(), ScalarString(v.clone())))
        .collect()
}

impl NewPackage {
    fn spec(&self) -> PackageSpec {
        let prod = self.prod.clone().map(|p| match p {
            ProdSource::Pypi { spec, index } => PackageSource::Pypi { spec, index },
            ProdSource::Git {
                url,
                reference,
                subdirectory,
            } => PackageSource::Git {
                url,
                reference,
                tag: None,
                branch: None,
                rev: None,
                subdirectory,
            },
            ProdSource::Path(path) => PackageSource::Local {
                path,
                editable: None,
                git: None,
            },
        });
        let dev = self.dev_path.clone().map(|path| PackageSource::Local {
            path,
            editable: Some(true),
            git: self.dev_git.clone().map(|url| GitClone {
                url,
                reference: None,
            }),
        });
        PackageSpec {
            name: self.name.clone(),
            version: self.version.clone().map(ScalarString),
            distribution: self.distribution.clone(),
            description: self.description.clone(),
            sources: hsm_schema::PackageSources { prod, dev },
            env: env_map(&self.env),
            implies: Implies(self.implies.clone()),
        }
    }
}

/// `hsm registry container add`.
#[derive(Debug, Clone, Default)]
pub struct NewContainer {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Prod image.
    pub image: Option<String>,
    /// Port mappings.
    pub ports: Vec<PortSpec>,
    /// The port clients connect to.
    pub service_port: Option<u16>,
    /// Volumes.
    pub volumes: Vec<String>,
    /// Environment.
    pub env: Vec<(EnvName, String)>,
    /// Health check command (`CMD-SHELL`).
    pub healthcheck: Option<String>,
    /// Network aliases.
    pub aliases: Vec<String>,
    /// Dev build context.
    pub build: Option<String>,
    /// Dockerfile of the build.
    pub dockerfile: Option<String>,
    /// Dev volumes.
    pub dev_volumes: Vec<String>,
    /// Dev environment.
    pub dev_env: Vec<(EnvName, String)>,
    /// Clone this into the build context when missing.
    pub dev_git: Option<GitUrl>,
    /// External profiles: name, host, port.
    pub external: Vec<(String, String, u16)>,
    /// Managed profiles.
    pub managed: Vec<String>,
    /// Managed profiles running the service as a uv project.
    pub uv_profiles: Vec<String>,
    /// Command (a shell string).
    pub command: Option<String>,
    /// Restart policy.
    pub restart: Option<RestartPolicy>,
    /// Working directory.
    pub working_dir: Option<String>,
    /// CPU limit.
    pub cpus: Option<Cpus>,
    /// Memory limit.
    pub memory: Option<Memory>,
    /// Labels.
    pub labels: Vec<(String, String)>,
    /// Declared params.
    pub params: Vec<(String, ParamMerge)>,
    /// Packages of a uv service.
    pub dependencies: Vec<String>,
    /// Implications.
    pub implies: Vec<Implication>,
    /// Overwrite an existing entry.
    pub force: bool,
}

impl NewContainer {
    fn profiles(&self) -> IndexMap<String, Profile> {
        let mut out = IndexMap::new();
        for (name, host, port) in &self.external {
            let external = BTreeMap::from([
                ("host".to_string(), ScalarString(host.clone())),
                ("port".to_string(), ScalarString(port.to_string())),
            ]);
            out.insert(
                name.clone(),
                Profile {
                    mode: DeploymentMode::External,
                    external: Some(external),
                    ..Profile::default()
                },
            );
        }
        for m in &self.managed {
            out.insert(m.clone(), Profile::default());
        }
        for u in &self.uv_profiles {
            out.insert(
                u.clone(),
                Profile {
                    runtime: Runtime::Uv,
                    ..Profile::default()
                },
            );
        }
        out
    }

    fn spec(&self) -> ContainerSpec {
        let dev = self.build.clone().map(|path| ContainerSource::Build {
            path,
            dockerfile: self.dockerfile.clone(),
            args: BTreeMap::new(),
            volumes: self.dev_volumes.clone(),
            env: env_map(&self.dev_env),
            git: self.dev_git.clone().map(|url| GitClone {
                url,
                reference: None,
            }),
        });
        ContainerSpec {
            name: self.name.clone(),
            description: self.description.clone(),
            image: self.image.clone(),
            ports: self.ports.clone(),
            port: self.service_port,
            volumes: self.volumes.clone(),
            env: env_map(&self.env),
            healthcheck: self.healthcheck.clone().map(|h| Healthcheck {
                test: StringOrList::Many(vec!["CMD-SHELL".into(), h]),
                interval: Some("5s".into()),
                timeout: Some("5s".into()),
                retries: Some(10),
                start_period: None,
            }),
            resources: (self.cpus.is_some() || self.memory.is_some()).then(|| Resources {
                cpus: self.cpus.clone(),
                memory: self.memory.clone(),
            }),
            network_aliases: self.aliases.clone(),
            command: self.command.clone().map(StringOrList::One),
            restart: self.restart,
            working_dir: self.working_dir.clone(),
            labels: self
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), ScalarString(v.clone())))
                .collect(),
            sources: hsm_schema::ContainerSources { prod: None, dev },
            deployment_profiles: self.profiles(),
            dependencies: self.dependencies.clone(),
            params: self
                .params
                .iter()
                .map(|(n, m)| {
                    (
                        n.clone(),
                        ParamDecl {
                            merge: *m,
                            ..ParamDecl::default()
                        },
                    )
                })
                .collect(),
            implies: Implies(self.implies.clone()),
            ..ContainerSpec::default()
        }
    }
}

/// `hsm registry group add`.
#[derive(Debug, Clone)]
pub struct NewGroup {
    /// Name.
    pub name: String,
    /// What it chooses among.
    pub kind: ComponentKind,
    /// 1-of-N or M-of-N.
    pub strategy: Strategy,
    /// Options.
    pub options: Vec<String>,
    /// Network alias (container groups).
    pub alias: Option<String>,
    /// Default selection.
    pub default: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Overwrite an existing entry.
    pub force: bool,
}

fn check_name(name: &str, kind: Kind) -> Result<(), OpsError> {
    match hsm_schema::entry_name_problem(name, kind.noun()) {
        Some(message) => Err(OpsError::Usage { message }),
        None => Ok(()),
    }
}

/// Serialises `spec`, reads it back, and writes it to the entry's file.
fn write_entry<T: Serialize + serde::de::DeserializeOwned>(
    reg: &Registry,
    kind: Kind,
    name: &str,
    force: bool,
    spec: &T,
) -> Result<WrittenReport, OpsError> {
    check_name(name, kind)?;
    let path = reg.path_of(kind, name);
    let display = reg.display(&path);
    if path.exists() && !force {
        return Err(OpsError::AlreadyExists {
            kind,
            name: name.to_string(),
            path: display,
        });
    }
    let body = serde_saphyr::to_string(spec).map_err(|e| OpsError::Usage {
        message: format!("cannot write the entry: {e}"),
    })?;
    let command = match kind {
        Kind::Component(k) => format!("hsm registry {} add", k.noun()),
        Kind::Group(_) => "hsm registry group add".to_string(),
    };
    let text = format!("# Written by `{command}`; edit freely.\n{body}");
    // Never write a file hsm itself could not read back.
    infra_yaml::from_str::<T>(&display, &text).map_err(|e| OpsError::InvalidEntry {
        kind,
        problems: vec![e.into()],
    })?;
    // Nor one `hsm registry validate` would then reject.
    let problems = super::references::problems_of_new(reg, kind, name, &display, &text);
    if !problems.is_empty() {
        return Err(OpsError::InvalidEntry { kind, problems });
    }
    infra_fs::write_atomic(&path, text.as_bytes(), None)?;
    Ok(WrittenReport {
        kind,
        name: name.to_string(),
        written: display.display().to_string(),
        changed: true,
    })
}

/// Writes `packages/<name>.yaml`.
pub fn add_package(ctx: &Context<'_>, p: &NewPackage) -> Result<WrittenReport, OpsError> {
    let (_lock, reg) = super::open_for_write(ctx)?;
    write_entry(&reg, Kind::PACKAGE, &p.name, p.force, &p.spec())
}

/// Writes `containers/<name>.yaml`.
pub fn add_container(ctx: &Context<'_>, c: &NewContainer) -> Result<WrittenReport, OpsError> {
    if c.image.is_none() && c.build.is_none() && c.external.is_empty() {
        return Err(OpsError::Usage {
            message: "give `--image`, `--build` or `--external`: a container needs something to run or connect to".into(),
        });
    }
    if let Some(image) = &c.image
        && (image.is_empty()
            || image
                .chars()
                .any(|ch| ch.is_whitespace() || ch.is_control()))
    {
        return Err(OpsError::Usage {
            message: if image.is_empty() {
                "`--image` is empty: give an image reference (e.g. `redis:7`, `ghcr.io/org/app:1.2`)"
                    .to_string()
            } else {
                format!(
                    "`--image {}` is not an image reference (e.g. `redis:7`, `ghcr.io/org/app:1.2`)",
                    image.escape_default()
                )
            },
        });
    }
    let mut seen: Vec<&str> = Vec::new();
    let profiles = c
        .external
        .iter()
        .map(|(n, _, _)| n)
        .chain(&c.managed)
        .chain(&c.uv_profiles);
    for name in profiles {
        if seen.contains(&name.as_str()) {
            return Err(OpsError::Usage {
                message: format!(
                    "deployment profile `{name}` is given twice (`--external`, `--managed` and `--uv-profile` each define one)"
                ),
            });
        }
        seen.push(name);
    }
    let (_lock, reg) = super::open_for_write(ctx)?;
    write_entry(&reg, Kind::CONTAINER, &c.name, c.force, &c.spec())
}

/// A network alias: what Compose and DNS accept as a host name label.
fn check_alias(alias: &str) -> Result<(), OpsError> {
    let ok = alias
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && alias
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(OpsError::Usage {
            message: format!(
                "`--alias {}` is not a network alias: use letters, digits, `-`, `_` and `.`, starting with a letter or digit",
                alias.escape_default()
            ),
        })
    }
}

/// Writes `<kind>_groups/<name>.yaml`; every option must be a registry entry of the kind.
pub fn add_group(ctx: &Context<'_>, g: &NewGroup) -> Result<WrittenReport, OpsError> {
    if g.alias.is_some() && g.kind == ComponentKind::Package {
        return Err(OpsError::Usage {
            message: "`--alias` applies to container groups only".into(),
        });
    }
    if let Some(alias) = &g.alias {
        check_alias(alias)?;
    }
    let (_lock, reg) = super::open_for_write(ctx)?;
    let member = Kind::Component(g.kind);
    for o in g.options.iter().chain(&g.default) {
        if !reg.contains(member, o) {
            return Err(OpsError::NotInRegistry {
                kind: member,
                name: o.clone(),
                suggestion: reg.suggest(member, o),
            });
        }
    }
    let spec = GroupSpec {
        name: g.name.clone(),
        kind: g.kind,
        strategy: g.strategy,
        description: g.description.clone(),
        alias: g.alias.clone(),
        default: g.default.clone().map(StringOrList::One),
        options: g
            .options
            .iter()
            .map(|o| GroupOption {
                name: o.clone(),
                description: None,
                implies: Implies::default(),
            })
            .collect(),
    };
    check_group(&reg, g.kind, &g.name, &spec)?;
    write_entry(&reg, Kind::Group(g.kind), &g.name, g.force, &spec)
}

/// Refuses a group that contradicts itself (a default that is not an option, …).
fn check_group(
    reg: &Registry,
    kind: ComponentKind,
    name: &str,
    spec: &GroupSpec,
) -> Result<(), OpsError> {
    match spec.inconsistency() {
        None => Ok(()),
        Some(bad) => Err(OpsError::InvalidEntry {
            kind: Kind::Group(kind),
            problems: vec![
                infra_yaml::Diagnostic::new(
                    reg.display(&reg.path_of(Kind::Group(kind), name)),
                    bad.message,
                )
                .key(bad.key)
                .hint(bad.hint),
            ],
        }),
    }
}

/// Adds (`add`) or removes an option of a registry group, keeping the file's comments.
pub fn group_option(
    ctx: &Context<'_>,
    group: &str,
    option: &str,
    description: Option<&str>,
    add: bool,
) -> Result<WrittenReport, OpsError> {
    let (_lock, reg) = super::open_for_write(ctx)?;
    let Some(kind) = ComponentKind::ALL
        .into_iter()
        .find(|k| reg.contains(Kind::Group(*k), group))
    else {
        return Err(super::no_such_group(&reg, group));
    };
    let member = Kind::Component(kind);
    if add && !reg.contains(member, option) {
        return Err(OpsError::NotInRegistry {
            kind: member,
            name: option.to_string(),
            suggestion: reg.suggest(member, option),
        });
    }
    if !add {
        let by = super::references::option_references(&reg, kind, group, option);
        if !by.is_empty() {
            return Err(OpsError::StillReferenced {
                kind: member,
                name: option.to_string(),
                by,
            });
        }
    }
    let path = reg.path_of(Kind::Group(kind), group);
    let display = reg.display(&path);
    // A file that is already invalid is reported as it is, at its own path, before an
    // edit could be blamed for it.
    reg.group(kind, group)?;
    let text = reg.text(Kind::Group(kind), group)?;
    let edited = if add {
        hsm_edit::add_group_option(&text, option, description)
    } else {
        hsm_edit::remove_group_option(&text, option)
    };
    let (new, changed) = edited.map_err(|source| OpsError::EditGroupFile {
        path: display.clone(),
        source,
    })?;
    if !changed && add {
        return Ok(WrittenReport {
            kind: Kind::Group(kind),
            name: group.to_string(),
            written: display.display().to_string(),
            changed: false,
        });
    }
    if !changed {
        return Err(OpsError::GroupOption {
            group: group.to_string(),
            option: option.to_string(),
        });
    }
    let spec =
        infra_yaml::from_str::<GroupSpec>(&display, &new).map_err(|e| OpsError::InvalidEntry {
            kind: Kind::Group(kind),
            problems: vec![e.into()],
        })?;
    check_group(&reg, kind, group, &spec)?;
    infra_fs::write_atomic(&path, new.as_bytes(), None)?;
    Ok(WrittenReport {
        kind: Kind::Group(kind),
        name: group.to_string(),
        written: display.display().to_string(),
        changed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implications_from_flags() {
        assert_eq!(
            parse_implication("container:postgres:db_name=auth,db_name=x").unwrap(),
            Implication::Container {
                name: "postgres".into(),
                params: IndexMap::from([(
                    "db_name".to_string(),
                    vec!["auth".to_string(), "x".to_string()]
                )]),
            }
        );
        assert_eq!(
            parse_implication("package:six").unwrap(),
            Implication::Package {
                name: "six".into(),
                mode: None
            }
        );
        assert_eq!(
            parse_implication("container_group:db=postgres").unwrap(),
            Implication::Group {
                kind: ComponentKind::Container,
                group: "db".into(),
                options: vec!["postgres".into()]
            }
        );
        assert!(parse_implication("service:x").is_err());
        assert!(parse_implication("container_group:db").is_err());
    }
}
