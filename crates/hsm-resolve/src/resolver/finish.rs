//! Settling modes, profiles, params and cycles once every component is known.

use std::collections::BTreeMap;

use hsm_registry::Kind;
use hsm_schema::{
    ComponentKind, ContainerSpec, DeploymentMode, Mode, PackageSource, ParamMerge, Runtime,
};
use infra_yaml::{Diagnostic, did_you_mean};

use super::{Comp, Key, Resolver};
use crate::stack::{AutoChange, Deployment, ResolvedContainer, ResolvedGroup};
use crate::{ResolvedPackage, Stack, Via, cycles};

/// A container's deployment as chosen by its profile.
struct Deployed {
    profile: Option<String>,
    deployment: Deployment,
    runtime: Runtime,
}

impl<'r> Resolver<'_, 'r> {
    /// Whether `written` (a name in hsm.yaml) is the component `canonical`: package names
    /// are compared as Python does (`Six` is `six`), container names exactly. No registry
    /// lookup: this runs for every pair of component and manifest entry.
    fn names(kind: ComponentKind, written: &str, canonical: &str) -> bool {
        written == canonical
            || (kind == ComponentKind::Package && hsm_schema::same_name(written, canonical))
    }

    /// Mode precedence: `modes:` > the component's entry > its group's entry > the mode an
    /// implication asked for > the project's `mode:` > prod.
    pub(super) fn mode_of(&self, key: &Key, comp: &Comp<'r>) -> Mode {
        let m = &self.project.manifest;
        let (kind, name) = (key.0, key.1.as_str());
        let over = m.modes.iter().find(|(n, _)| Self::names(kind, n, name));
        if let Some((_, mode)) = over {
            return *mode;
        }
        let refs = match kind {
            ComponentKind::Package => &m.packages,
            ComponentKind::Container => &m.services.containers,
        };
        let entry = self
            .listed
            .get(&(kind, name.to_string()))
            .and_then(|&i| refs.get(i));
        if let Some(mode) = entry.and_then(|r| r.mode) {
            return mode;
        }
        for g in self.groups.values() {
            if g.kind == kind
                && g.selected.contains_key(name)
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
        let standalone = self
            .listed
            .get(&(ComponentKind::Container, name.to_string()))
            .and_then(|&i| m.services.containers.get(i).map(|r| (i, r)));
        if let Some((i, r)) = standalone
            && let Some(p) = &r.profile
        {
            return Some((p.clone(), format!("services.containers[{i}]")));
        }
        for ((kind, gname), g) in &self.groups {
            if *kind == ComponentKind::Container
                && g.selected.contains_key(name)
                && let Some(p) = g.entry.as_ref().and_then(|e| e.profile.clone())
            {
                return Some((p, format!("services.container_groups.{gname}.profile")));
            }
        }
        None
    }

    fn report_cycles(&mut self) {
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
    }

    fn resolved_groups(&self) -> Vec<ResolvedGroup> {
        let mut groups: Vec<ResolvedGroup> = self
            .groups
            .iter()
            .map(|((kind, name), g)| ResolvedGroup {
                name: name.clone(),
                kind: *kind,
                strategy: g.strategy,
                selected: g.selected.keys().cloned().collect(),
                alias: g.alias.clone(),
                adhoc: g.adhoc,
                in_manifest: g.manifest_key.is_some(),
            })
            .collect();
        groups.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        groups
    }

    /// Only what hsm.yaml does not ask for itself is an automatic change.
    fn auto_changes(&mut self) -> Vec<AutoChange> {
        let mut auto = std::mem::take(&mut self.auto);
        auto.retain(|a| {
            self.comps
                .get(&a.subject)
                .is_none_or(|c| !c.via.is_from_manifest())
        });
        auto
    }

    pub(super) fn finish(&mut self) -> Stack<'r> {
        self.report_cycles();
        for ((kind, gname), g) in &self.groups {
            for opt in g.selected.keys() {
                if let Some(c) = self.comps.get_mut(&(*kind, opt.clone())) {
                    c.groups.push(gname.clone());
                }
            }
        }
        let mut packages = Vec::new();
        let mut containers = Vec::new();
        for (key, comp) in &self.comps {
            let mode = self.mode_of(key, comp);
            let consumes: Vec<String> = self
                .edges
                .iter()
                .filter(|(a, b)| a == key && b.0 == ComponentKind::Container)
                .map(|(_, b)| b.1.clone())
                .collect();
            if let Some(spec) = comp.package {
                packages.push(ResolvedPackage {
                    name: key.1.clone(),
                    mode,
                    spec,
                    registry_dir: comp.dir.clone(),
                    registry_file: comp.file.clone(),
                    index: comp.index,
                    source: spec.sources.active(mode),
                    via: comp.via.clone(),
                    consumes,
                });
            } else if let Some(spec) = comp.container {
                containers.push(self.finish_container(key, comp, spec, mode, consumes));
            }
        }
        let mut kept = Vec::new();
        for c in containers {
            match c {
                Ok(c) => kept.push(c),
                Err(mut e) => self.problems.append(&mut e),
            }
        }
        self.check_sources(&packages);
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        kept.sort_by(|a, b| a.name.cmp(&b.name));
        Stack {
            project: self.project.name(),
            packages,
            containers: kept,
            groups: self.resolved_groups(),
            auto: self.auto_changes(),
        }
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

    /// The profile a container runs with, and what it makes of it.
    fn deployed(
        &self,
        name: &str,
        comp: &Comp<'r>,
        spec: &ContainerSpec,
        problems: &mut Vec<Diagnostic>,
    ) -> Deployed {
        let mut out = Deployed {
            profile: None,
            deployment: Deployment::Managed,
            runtime: Runtime::Docker,
        };
        let Some((pname, mkey)) = self.profile_of(name) else {
            return out;
        };
        let Some(p) = spec.deployment_profiles.get(&pname) else {
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
            return out;
        };
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
                    .at(comp.index.locate(&k))
                    .key(k)
                    .hint("add `external: {host: <address>, port: <port>}`"),
                );
            }
            out.deployment = Deployment::External(ext);
        }
        out.runtime = p.runtime;
        out.profile = Some(pname);
        out
    }

    /// Dependencies of an isolated uv service must be registry packages.
    fn check_dependencies(
        &self,
        name: &str,
        comp: &Comp<'r>,
        spec: &ContainerSpec,
        problems: &mut Vec<Diagnostic>,
    ) {
        for (i, d) in spec.dependencies.iter().enumerate() {
            if self.registry.contains(Kind::PACKAGE, d) {
                continue;
            }
            let k = format!("dependencies[{i}]");
            problems.push(
                Diagnostic::new(
                    &comp.file,
                    format!(
                        "dependency `{d}` of container `{name}` is not a package in the registry"
                    ),
                )
                .at(comp.index.locate(&k))
                .key(k)
                .maybe_hint(
                    self.registry
                        .suggest(Kind::PACKAGE, d)
                        .map(|s| format!("did you mean `{s}`?")),
                ),
            );
        }
    }

    /// Params from every implier, merged by the container's declarations.
    fn merged_params(
        &self,
        name: &str,
        comp: &Comp<'r>,
        spec: &ContainerSpec,
        problems: &mut Vec<Diagnostic>,
    ) -> BTreeMap<String, Vec<String>> {
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
        params
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
        let deployed = self.deployed(name, comp, spec, &mut problems);
        self.check_dependencies(name, comp, spec, &mut problems);
        let params = self.merged_params(name, comp, spec, &mut problems);
        let group_aliases: Vec<String> = self
            .groups
            .iter()
            .filter(|((k, _), g)| *k == ComponentKind::Container && g.selected.contains_key(name))
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
            profile: deployed.profile,
            deployment: deployed.deployment,
            runtime: deployed.runtime,
            params,
            group_aliases,
            groups: comp.groups.clone(),
            depends_on,
            consumers: comp.consumers.iter().cloned().collect(),
            via: comp.via.clone(),
        })
    }
}
