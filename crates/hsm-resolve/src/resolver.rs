//! The resolution pass.
//!
//! One worklist, processed in manifest order: standalone packages, package groups,
//! standalone containers, container groups; then whatever their `implies` bring, breadth
//! first. Each component is added once and remembers the first chain that brought it; later
//! arrivals only add edges (consumers, params). Modes and profiles are settled at the end,
//! when every component is known.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use hsm_registry::{Kind, Registry};
use hsm_schema::{
    ComponentRef, ContainerSpec, DeploymentMode, GroupSelection, Implication, Implies, Mode,
    PackageSource, PackageSpec, ParamMerge, Strategy,
};
use indexmap::IndexMap;
use infra_yaml::{YamlError, did_you_mean};

use crate::stack::{AutoChange, CompKind, Deployment, ResolvedContainer, ResolvedGroup};
use crate::{ProjectFile, ResolvedPackage, Stack, Via, cycles};

/// Resolves the project against the registry. Returns every problem found, sorted by file
/// and line, when there is at least one.
pub fn resolve<'r>(
    project: &ProjectFile,
    registry: &'r Registry,
) -> Result<Stack<'r>, Vec<YamlError>> {
    let mut r = Resolver {
        project,
        registry,
        problems: Vec::new(),
        comps: IndexMap::new(),
        groups: IndexMap::new(),
        queue: VecDeque::new(),
        edges: BTreeSet::new(),
        auto: Vec::new(),
    };
    r.seed();
    r.drain();
    let stack = r.finish();
    match stack {
        Ok(s) if r.problems.is_empty() => Ok(s),
        _ => {
            let mut p = std::mem::take(&mut r.problems);
            p.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
            p.dedup();
            Err(p)
        }
    }
}

type Key = (CompKind, String);

struct Comp<'r> {
    index: &'r infra_yaml::PathIndex,
    package: Option<&'r PackageSpec>,
    container: Option<&'r ContainerSpec>,
    dir: std::path::PathBuf,
    file: std::path::PathBuf,
    via: Via,
    implied_mode: Option<Mode>,
    /// param → [(value, via)]
    params: BTreeMap<String, Vec<(String, Via)>>,
    consumers: BTreeSet<String>,
    groups: Vec<String>,
}

struct GroupState {
    container: bool,
    strategy: Strategy,
    options: Vec<String>,
    adhoc: bool,
    alias: Option<String>,
    selected: IndexMap<String, Via>,
    entry: Option<GroupSelection>,
    manifest_key: Option<String>,
    option_implies: BTreeMap<String, (Implies, std::path::PathBuf, usize, infra_yaml::PathIndex)>,
}

enum Work {
    Add {
        key: Key,
        via: Via,
        implier: Option<Key>,
        params: IndexMap<String, Vec<String>>,
        mode: Option<Mode>,
    },
    Select {
        container: bool,
        group: String,
        option: String,
        via: Via,
        implier: Option<Key>,
    },
}

struct Resolver<'p, 'r> {
    project: &'p ProjectFile,
    registry: &'r Registry,
    problems: Vec<YamlError>,
    comps: IndexMap<Key, Comp<'r>>,
    groups: IndexMap<(bool, String), GroupState>,
    queue: VecDeque<Work>,
    edges: BTreeSet<(Key, Key)>,
    auto: Vec<AutoChange>,
}

fn group_kind(container: bool) -> Kind {
    if container {
        Kind::ContainerGroup
    } else {
        Kind::PackageGroup
    }
}

fn comp_kind(container: bool) -> CompKind {
    if container {
        CompKind::Container
    } else {
        CompKind::Package
    }
}

fn reg_kind(k: CompKind) -> Kind {
    match k {
        CompKind::Package => Kind::Package,
        CompKind::Container => Kind::Container,
    }
}

impl<'r> Resolver<'_, 'r> {
    fn manifest_via(&self, key: &str, label: String) -> Via {
        Via::root(
            self.project.display.clone(),
            key.to_string(),
            Some(self.project.index.clone()),
            label,
        )
    }

    fn seed(&mut self) {
        let m = &self.project.manifest;
        self.seed_refs(&m.packages, "packages", CompKind::Package);
        for (g, sel) in &m.package_groups {
            self.seed_group(false, g, sel, &format!("package_groups.{g}"));
        }
        self.seed_refs(
            &m.services.containers,
            "services.containers",
            CompKind::Container,
        );
        for (g, sel) in &m.services.container_groups {
            self.seed_group(true, g, sel, &format!("services.container_groups.{g}"));
        }
        for (name, _) in &m.modes {
            let known = self.registry.contains(Kind::Package, name)
                || self.registry.contains(Kind::Container, name);
            if !known {
                let key = format!("modes.{name}");
                let mut all: Vec<&str> = self.registry.names(Kind::Package);
                all.extend(self.registry.names(Kind::Container));
                let e = self
                    .project
                    .error(
                        &key,
                        format!("`{name}` is not a package or container in the registry"),
                    )
                    .maybe_hint(did_you_mean(name, all).map(|s| format!("did you mean `{s}`?")));
                self.problems.push(e);
            }
        }
    }

    fn seed_refs(&mut self, refs: &[ComponentRef], base: &str, kind: CompKind) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, r) in refs.iter().enumerate() {
            let key = format!("{base}[{i}]");
            if let Some(first) = seen.insert(&r.name, i) {
                self.problems.push(
                    self.project
                        .error(&key, format!("{kind} `{}` is listed twice", r.name))
                        .hint(format!("remove one of `{base}[{first}]` and `{base}[{i}]`")),
                );
                continue;
            }
            if kind == CompKind::Package && r.profile.is_some() {
                self.problems.push(
                    self.project
                        .error(&key, format!("package `{}` has a `profile`, but only containers have deployment profiles", r.name))
                        .hint("remove `profile` or move the entry to `services.containers`"),
                );
            }
            let via = self.manifest_via(&key, format!("hsm.yaml `{key}`"));
            self.queue.push_back(Work::Add {
                key: (kind, r.name.clone()),
                via,
                implier: None,
                params: IndexMap::new(),
                mode: None,
            });
        }
    }

    fn seed_group(&mut self, container: bool, name: &str, sel: &GroupSelection, key: &str) {
        if !self.ensure_group(container, name, Some(key)) {
            return;
        }
        let gk = (container, name.to_string());
        if let Some(g) = self.groups.get_mut(&gk) {
            g.entry = Some(sel.clone());
            g.manifest_key = Some(key.to_string());
        }
        let sel_key = format!("{key}.selection");
        let options: Vec<String> = match &sel.selection {
            Some(s) => {
                let strategy = self.groups.get(&gk).map(|g| g.strategy);
                if s.is_list() && strategy == Some(Strategy::OneOfN) && s.to_vec().len() > 1 {
                    self.problems.push(
                        self.project
                            .error(&sel_key, format!("group `{name}` is 1-of-N, so `selection` must be one option, found a list of {}", s.to_vec().len()))
                            .hint("pick one option, or make the group `strategy: M-of-N` in the registry"),
                    );
                    return;
                }
                s.to_vec()
            }
            None => {
                let default = self
                    .registry
                    .group(group_kind(container), name)
                    .ok()
                    .flatten()
                    .and_then(|e| e.spec.default.clone());
                match default {
                    Some(d) => d.to_vec(),
                    None => {
                        self.problems.push(
                            self.project
                                .error(key, format!("group `{name}` has no `selection` and the registry gives it no `default`"))
                                .hint(format!("add `selection: <option>` under `{key}`")),
                        );
                        return;
                    }
                }
            }
        };
        for (i, opt) in options.into_iter().enumerate() {
            let k = match &sel.selection {
                Some(s) if s.is_list() => format!("{sel_key}[{i}]"),
                Some(_) => sel_key.clone(),
                None => key.to_string(),
            };
            let via = self.manifest_via(&k, format!("hsm.yaml `{key}`"));
            self.queue.push_back(Work::Select {
                container,
                group: name.to_string(),
                option: opt,
                via,
                implier: None,
            });
        }
    }

    /// Makes sure the group state exists. Returns false when the group is broken.
    fn ensure_group(&mut self, container: bool, name: &str, manifest_key: Option<&str>) -> bool {
        let gk = (container, name.to_string());
        if self.groups.contains_key(&gk) {
            return true;
        }
        let kind = group_kind(container);
        let (choices, entry) = match (
            self.registry.choices(kind, name),
            self.registry.group(kind, name),
        ) {
            (Ok(c), Ok(e)) => (c, e),
            (Err(e), _) | (_, Err(e)) => {
                self.problems.push(e);
                return false;
            }
        };
        let mut option_implies = BTreeMap::new();
        let mut alias = None;
        if let Some(entry) = entry {
            for (i, o) in entry.spec.options.iter().enumerate() {
                option_implies.insert(
                    o.name.clone(),
                    (
                        o.implies.clone(),
                        entry.display.clone(),
                        i,
                        entry.index.clone(),
                    ),
                );
            }
            if !container && entry.spec.alias.is_some() {
                self.problems
                    .push(entry.error("alias", "only container groups can have an `alias`"));
            }
            alias.clone_from(&entry.spec.alias);
        }
        let state = GroupState {
            container,
            strategy: choices.strategy,
            options: choices.options,
            adhoc: choices.adhoc,
            alias,
            selected: IndexMap::new(),
            entry: None,
            manifest_key: manifest_key.map(str::to_string),
            option_implies,
        };
        self.groups.insert(gk, state);
        true
    }

    fn drain(&mut self) {
        while let Some(w) = self.queue.pop_front() {
            match w {
                Work::Add {
                    key,
                    via,
                    implier,
                    params,
                    mode,
                } => self.add(key, via, implier, params, mode),
                Work::Select {
                    container,
                    group,
                    option,
                    via,
                    implier,
                } => self.select(container, &group, option, via, implier),
            }
        }
    }

    fn select(
        &mut self,
        container: bool,
        group: &str,
        option: String,
        via: Via,
        implier: Option<Key>,
    ) {
        if !self.ensure_group(container, group, None) {
            return;
        }
        let gk = (container, group.to_string());
        let Some(g) = self.groups.get(&gk) else {
            return;
        };
        let kind_word = if container {
            "container group"
        } else {
            "package group"
        };
        if !g.options.contains(&option) {
            let hint = did_you_mean(&option, g.options.iter().map(String::as_str));
            let msg = if g.adhoc {
                format!(
                    "`{option}` is not a {} in the registry (group `{group}` has no registry file, so any {} may be chosen)",
                    if container { "container" } else { "package" },
                    if container { "container" } else { "package" },
                )
            } else {
                format!(
                    "`{option}` is not an option of {kind_word} `{group}`; options: {}",
                    g.options.join(", ")
                )
            };
            self.problems.push(
                via.error(msg)
                    .maybe_hint(hint.map(|h| format!("did you mean `{h}`?"))),
            );
            return;
        }
        if g.selected.contains_key(&option) {
            // Already chosen: still record who relies on it (consumers, depends_on).
            if implier.is_some() {
                self.queue.push_back(Work::Add {
                    key: (comp_kind(container), option),
                    via,
                    implier,
                    params: IndexMap::new(),
                    mode: None,
                });
            }
            return;
        }
        if g.strategy == Strategy::OneOfN
            && let Some((other, other_via)) = g.selected.first()
        {
            self.problems.push(
                via.error(format!(
                    "{kind_word} `{group}` is 1-of-N, but two options are forced: `{other}` (by {other_via}) and `{option}` (by {via})"
                ))
                .hint("remove one of the implications, or change the selection in hsm.yaml"),
            );
            return;
        }
        let in_manifest = g.manifest_key.is_some();
        let option_implies = g.option_implies.get(&option).cloned();
        if !via.is_direct() && !in_manifest {
            self.auto.push(AutoChange {
                what: format!("selected `{option}` in {kind_word} `{group}`"),
                via: via.clone(),
            });
        }
        if let Some(g) = self.groups.get_mut(&gk) {
            g.selected.insert(option.clone(), via.clone());
        }
        let step = via.then(
            format!("{kind_word} `{group}` option `{option}`"),
            via.file.clone(),
            via.key.clone(),
            via.index.clone(),
        );
        let ck = (comp_kind(container), option.clone());
        self.queue.push_back(Work::Add {
            key: ck.clone(),
            via: step.clone(),
            implier: implier.clone(),
            params: IndexMap::new(),
            mode: None,
        });
        // Remember the group on the component once it exists (done in finish()).
        if let Some((imp, file, idx, index)) = option_implies {
            for i in &imp.0 {
                let key = format!("options[{idx}].implies.{}", i.target().key());
                let v = step.then(
                    format!("implies `{}`", i.target()),
                    file.clone(),
                    key.clone(),
                    Some(index.clone()),
                );
                self.enqueue_implication(i, v, Some(ck.clone()));
            }
        }
    }

    fn add(
        &mut self,
        key: Key,
        via: Via,
        implier: Option<Key>,
        params: IndexMap<String, Vec<String>>,
        mode: Option<Mode>,
    ) {
        if let Some(imp) = &implier {
            self.edges.insert((imp.clone(), key.clone()));
        }
        if let Some(c) = self.comps.get_mut(&key) {
            if let Some(imp) = &implier {
                c.consumers.insert(imp.1.clone());
            }
            for (p, vals) in params {
                for v in vals {
                    c.params
                        .entry(p.clone())
                        .or_default()
                        .push((v, via.clone()));
                }
            }
            if c.implied_mode.is_none() {
                c.implied_mode = mode;
            }
            return;
        }
        let (kind, name) = (&key.0, &key.1);
        let rk = reg_kind(*kind);
        // One registry lookup, whichever the kind: the entry's spec, location and implies.
        fn found<'a, T>(
            e: &'a hsm_registry::Entry<T>,
            implies: &Implies,
        ) -> (
            std::path::PathBuf,
            std::path::PathBuf,
            Implies,
            &'a infra_yaml::PathIndex,
        ) {
            (
                e.dir().to_path_buf(),
                e.display.clone(),
                implies.clone(),
                &e.index,
            )
        }
        let looked_up = match kind {
            CompKind::Package => self
                .registry
                .package(name)
                .map(|o| o.map(|e| (Some(&e.spec), None, found(e, &e.spec.implies)))),
            CompKind::Container => self
                .registry
                .container(name)
                .map(|o| o.map(|e| (None, Some(&e.spec), found(e, &e.spec.implies)))),
        };
        let (package, container, (dir, file, implies, index_ref)) = match looked_up {
            Err(e) => {
                self.problems.push(e);
                return;
            }
            Ok(None) => {
                self.missing(rk, name, &via);
                return;
            }
            Ok(Some(f)) => f,
        };
        let index = index_ref.clone();
        if !via.is_direct() && !via.chain.iter().any(|s| s.contains("option")) {
            self.auto.push(AutoChange {
                what: format!("added {kind} `{name}`"),
                via: via.clone(),
            });
        }
        let mut comp = Comp {
            index: index_ref,
            package,
            container,
            dir,
            file: file.clone(),
            via: via.clone(),
            implied_mode: mode,
            params: BTreeMap::new(),
            consumers: BTreeSet::new(),
            groups: Vec::new(),
        };
        if let Some(imp) = &implier {
            comp.consumers.insert(imp.1.clone());
        }
        for (p, vals) in params {
            for v in vals {
                comp.params
                    .entry(p.clone())
                    .or_default()
                    .push((v, via.clone()));
            }
        }
        self.comps.insert(key.clone(), comp);
        let label = format!("{kind} `{name}`");
        for i in &implies.0 {
            let ikey = format!("implies.{}", i.target().key());
            let v = via
                .then(
                    label.clone(),
                    file.clone(),
                    ikey.clone(),
                    Some(index.clone()),
                )
                .then(
                    format!("implies `{}`", i.target()),
                    file.clone(),
                    ikey.clone(),
                    Some(index.clone()),
                );
            self.enqueue_implication(i, v, Some(key.clone()));
        }
    }

    fn enqueue_implication(&mut self, i: &Implication, via: Via, implier: Option<Key>) {
        match i {
            Implication::Container { name, params } => self.queue.push_back(Work::Add {
                key: (CompKind::Container, name.clone()),
                via,
                implier,
                params: params.clone(),
                mode: None,
            }),
            Implication::Package { name, mode } => self.queue.push_back(Work::Add {
                key: (CompKind::Package, name.clone()),
                via,
                implier,
                params: IndexMap::new(),
                mode: *mode,
            }),
            Implication::Group {
                container,
                group,
                options,
            } => {
                for o in options {
                    self.queue.push_back(Work::Select {
                        container: *container,
                        group: group.clone(),
                        option: o.clone(),
                        via: via.clone(),
                        implier: implier.clone(),
                    });
                }
            }
        }
    }

    fn missing(&mut self, kind: Kind, name: &str, via: &Via) {
        let hint = self
            .registry
            .suggest(kind, name)
            .map(|s| format!("did you mean `{s}`?"));
        let e = via
            .error(format!(
                "{} `{name}` is not in the registry (looked for `{}`)",
                kind.noun(),
                self.registry
                    .display(&self.registry.path_of(kind, name))
                    .display()
            ))
            .maybe_hint(hint.or_else(|| {
                Some(format!(
                    "add it with `hsm registry {} add {name}`",
                    kind.noun()
                ))
            }));
        self.problems.push(e);
    }

    fn mode_of(&self, key: &Key, comp: &Comp<'r>) -> Mode {
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
    fn profile_of(&self, name: &str) -> Option<(String, String)> {
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

    fn finish(&mut self) -> Result<Stack<'r>, ()> {
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
                YamlError::new(file, format!("implies cycle: {}", path.join(" → ")))
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
            auto: std::mem::take(&mut self.auto),
        })
    }

    fn check_sources(&mut self, packages: &[ResolvedPackage<'_>]) {
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
                        YamlError::new(
                            &p.registry_file,
                            "a git source takes at most one of `ref`, `tag`, `branch`, `rev`",
                        )
                        .key(format!("sources.{}", p.mode)),
                    );
                }
            }
        }
    }

    fn finish_container(
        &self,
        key: &Key,
        comp: &Comp<'r>,
        spec: &'r ContainerSpec,
        mode: Mode,
        depends_on: Vec<String>,
    ) -> Result<ResolvedContainer<'r>, Vec<YamlError>> {
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
                                YamlError::new(
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
                    YamlError::new(&comp.file, format!("dependency `{d}` of container `{name}` is not a package in the registry"))
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
