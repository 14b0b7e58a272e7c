//! Settling modes, profiles, params and cycles once every component is known.

use std::collections::BTreeMap;

use hsm_registry::Kind;
use hsm_schema::{ContainerSpec, DeploymentMode, Mode, PackageSource, ParamMerge};
use infra_yaml::{Diagnostic, did_you_mean};

use crate::stack::{CompKind, Deployment, ResolvedContainer, ResolvedGroup};
use crate::{ResolvedPackage, Stack, Via, cycles};

use super::{Comp, Key, Resolver, comp_kind};

impl<'r> Resolver<'_, 'r> {
    pub(super) fn mode_of(&self, key: &Key, comp: &Comp<'r>) -> Mode {
        let m = &self.project.manifest;
        if let Some(mode) = m.modes.get(&key.1) {
            return *mode;
        }
        let refs = match key.0 {
            CompKind::Package => &m.packages,
            CompKind::Container => &m.services.containers,
        };
        if let Some(mode) = refs.iter().find(|r| r.name == key.1).and_then(|r| r.mode) {
            return mode;
        }
        for g in self.groups.values() {
            if (g.container == (key.0 == CompKind::Container))
                && g.selected.contains_key(&key.1)
                && let Some(mode) = g.entry.as_ref().and_then(|e| e.mode)
            {
                return mode;
            }
        }
        comp.implied_mode.or(m.mode).unwrap_or_default()
    }

    /// The profile for a container and the manifest key that chose it.
    pub(super) fn profile_of(&self, name: &str) -> Option<(String, String)> {
        let m = &self.project.manifest;
        if let Some((i, r)) = m
            .services
            .containers
            .iter()
            .enumerate()
            .find(|(_, r)| r.name == name)
            && let Some(p) = &r.profile
        {
            return Some((p.clone(), format!("services.containers[{i}]")));
        }
        for ((container, gname), g) in &self.groups {
            if *container
                && g.selected.contains_key(name)
                && let Some(p) = g.entry.as_ref().and_then(|e| e.profile.clone())
            {
                return Some((p, format!("services.container_groups.{gname}.profile")));
            }
        }
        None
    }

    pub(super) fn finish(&mut self) -> Result<Stack<'r>, ()> {
        for cyc in cycles::find(&self.edges) {
            let first = &cyc[0];
            let path: Vec<String> = cyc
                .iter()
                .chain(std::iter::once(first))
                .map(|(k, n)| format!("{k} `{n}`"))
                .collect();
            let file = self
                .comps
                .get(first)
                .map(|c| c.file.clone())
                .unwrap_or_default();
            self.problems.push(
                Diagnostic::new(file, format!("implies cycle: {}", path.join(" → ")))
                    .key("implies")
                    .hint("an implication must not lead back to the component that makes it; remove one edge"),
            );
        }
        for ((container, gname), g) in &self.groups {
            for opt in g.selected.keys() {
                if let Some(c) = self.comps.get_mut(&(comp_kind(*container), opt.clone())) {
                    c.groups.push(gname.clone());
                }
            }
        }
        let mut packages = Vec::new();
        let mut containers = Vec::new();
        let keys: Vec<Key> = self.comps.keys().cloned().collect();
        for key in &keys {
            let Some(comp) = self.comps.get(key) else {
                continue;
            };
            let mode = self.mode_of(key, comp);
            let consumes: Vec<String> = self
                .edges
                .iter()
                .filter(|(a, b)| a == key && b.0 == CompKind::Container)
                .map(|(_, b)| b.1.clone())
                .collect();
            if let Some(spec) = comp.package {
                let source = spec.sources.active(mode);
                packages.push(ResolvedPackage {
                    name: key.1.clone(),
                    mode,
                    spec,
                    registry_dir: comp.dir.clone(),
                    registry_file: comp.file.clone(),
                    index: comp.index,
                    source,
                    via: comp.via.clone(),
                    consumes,
                });
            } else if let Some(spec) = comp.container {
                let rc = self.finish_container(key, comp, spec, mode, consumes);
                containers.push(rc);
            }
        }
        let mut problems = Vec::new();
        let containers: Vec<ResolvedContainer<'r>> = containers
            .into_iter()
            .filter_map(|r| match r {
                Ok(c) => Some(c),
                Err(mut e) => {
                    problems.append(&mut e);
                    None
                }
            })
            .collect();
        self.problems.append(&mut problems);
        self.check_sources(&packages);
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        let mut containers = containers;
        containers.sort_by(|a, b| a.name.cmp(&b.name));
        let mut groups: Vec<ResolvedGroup> = self
            .groups
            .iter()
            .map(|((container, name), g)| ResolvedGroup {
                name: name.clone(),
                container: *container,
                strategy: g.strategy,
                selected: g.selected.keys().cloned().collect(),
                alias: g.alias.clone(),
                adhoc: g.adhoc,
                in_manifest: g.manifest_key.is_some(),
            })
            .collect();
        groups.sort_by(|a, b| (a.container, &a.name).cmp(&(b.container, &b.name)));
        Ok(Stack {
            project: self.project.name(),
            packages,
            containers,
            groups,
            auto: {
                // Only what hsm.yaml does not ask for itself is an automatic change.
                let mut auto = std::mem::take(&mut self.auto);
                auto.retain(|a| {
                    self.comps
                        .get(&a.subject)
                        .is_none_or(|c| !c.via.is_from_manifest())
                });
                auto
            },
        })
    }

    pub(super) fn check_sources(&mut self, packages: &[ResolvedPackage<'_>]) {
        for p in packages {
            if let Some(PackageSource::Git {
                reference,
                tag,
                branch,
                rev,
                ..
            }) = p.source
            {
                let n = [reference, tag, branch, rev]
                    .iter()
                    .filter(|x| x.is_some())
                    .count();
                if n > 1 {
                    self.problems.push(
                        Diagnostic::new(
                            &p.registry_file,
                            "a git source takes at most one of `ref`, `tag`, `branch`, `rev`",
                        )
                        .key(format!("sources.{}", p.mode)),
                    );
                }
            }
        }
    }

    pub(super) fn finish_container(
        &self,
        key: &Key,
        comp: &Comp<'r>,
        spec: &'r ContainerSpec,
        mode: Mode,
        depends_on: Vec<String>,
    ) -> Result<ResolvedContainer<'r>, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let name = &key.1;
        let reg_entry = self.registry.container(name).ok().flatten();
        let locate = |k: &str| reg_entry.and_then(|e| e.loc(k));
        // Profile.
        let mut profile = None;
        let mut deployment = Deployment::Managed;
        let mut runtime = hsm_schema::Runtime::Docker;
        if let Some((pname, mkey)) = self.profile_of(name) {
            match spec.deployment_profiles.get(&pname) {
                None => {
                    let known: Vec<&str> = spec
                        .deployment_profiles
                        .keys()
                        .map(String::as_str)
                        .collect();
                    let hint = did_you_mean(&pname, known.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            if known.is_empty() {
                                format!("container `{name}` defines no `deployment_profiles`")
                            } else {
                                format!("profiles of `{name}`: {}", known.join(", "))
                            }
                        });
                    problems.push(
                        self.project
                            .error(
                                &mkey,
                                format!("container `{name}` has no deployment profile `{pname}`"),
                            )
                            .hint(hint),
                    );
                }
                Some(p) => {
                    if p.mode == DeploymentMode::External {
                        let ext: BTreeMap<String, String> = p
                            .external
                            .as_ref()
                            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect())
                            .unwrap_or_default();
                        if !ext.contains_key("host") {
                            let k = format!("deployment_profiles.{pname}.external");
                            problems.push(
                                Diagnostic::new(
                                    &comp.file,
                                    format!("external profile `{pname}` needs `external.host`"),
                                )
                                .at(locate(&k))
                                .key(k)
                                .hint("add `external: {host: <address>, port: <port>}`"),
                            );
                        }
                        deployment = Deployment::External(ext);
                    }
                    runtime = p.runtime;
                    profile = Some(pname);
                }
            }
        }
        // Dependencies of an isolated uv service must exist.
        for (i, d) in spec.dependencies.iter().enumerate() {
            if !self.registry.contains(Kind::Package, d) {
                let k = format!("dependencies[{i}]");
                problems.push(
                    Diagnostic::new(&comp.file, format!("dependency `{d}` of container `{name}` is not a package in the registry"))
                        .at(locate(&k))
                        .key(k)
                        .maybe_hint(self.registry.suggest(Kind::Package, d).map(|s| format!("did you mean `{s}`?"))),
                );
            }
        }
        // Params.
        let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (p, vals) in &comp.params {
            let decl = spec.params.get(p);
            if !spec.params.is_empty() && decl.is_none() {
                let (_, v) = &vals[0];
                let known: Vec<&str> = spec.params.keys().map(String::as_str).collect();
                problems.push(
                    v.error(format!(
                        "container `{name}` declares no param `{p}`; declared: {}",
                        known.join(", ")
                    ))
                    .maybe_hint(
                        did_you_mean(p, known.iter().copied())
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                );
                continue;
            }
            let mut distinct: Vec<(String, Via)> = Vec::new();
            for (v, via) in vals {
                if !distinct.iter().any(|(d, _)| d == v) {
                    distinct.push((v.clone(), via.clone()));
                }
            }
            if decl.map(|d| d.merge) == Some(ParamMerge::Scalar) && distinct.len() > 1 {
                let (v1, via1) = &distinct[0];
                let (v2, via2) = &distinct[1];
                problems.push(
                    via2.error(format!(
                        "param `{p}` of container `{name}` takes one value, but it is given `{v1}` (by {via1}) and `{v2}` (by {via2})"
                    ))
                    .hint("make the implications agree, or declare the param `merge: list`"),
                );
                continue;
            }
            let mut values: Vec<String> = distinct.into_iter().map(|(v, _)| v).collect();
            values.sort();
            params.insert(p.clone(), values);
        }
        for (p, decl) in &spec.params {
            if !params.contains_key(p)
                && let Some(d) = &decl.default
            {
                params.insert(p.clone(), d.to_vec());
            }
        }
        let group_aliases: Vec<String> = self
            .groups
            .iter()
            .filter(|((c, _), g)| *c && g.selected.contains_key(name))
            .filter_map(|(_, g)| g.alias.clone())
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ResolvedContainer {
            name: name.clone(),
            mode,
            spec,
            registry_dir: comp.dir.clone(),
            registry_file: comp.file.clone(),
            index: comp.index,
            profile,
            deployment,
            runtime,
            params,
            group_aliases,
            groups: comp.groups.clone(),
            depends_on,
            consumers: comp.consumers.iter().cloned().collect(),
            via: comp.via.clone(),
        })
    }
}
