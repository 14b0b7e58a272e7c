//! Adding components and queueing what they imply.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use hsm_registry::{Entry, Kind};
use hsm_schema::{ComponentKind, ContainerSpec, Implication, Implies, Mode, PackageSpec};
use indexmap::IndexMap;

use super::{Comp, Key, Resolver, Work};
use crate::Via;
use crate::stack::AutoChange;

/// What one registry lookup yields, whichever the kind.
struct Found<'r> {
    package: Option<&'r PackageSpec>,
    container: Option<&'r ContainerSpec>,
    dir: PathBuf,
    file: PathBuf,
    implies: Implies,
    index: &'r infra_yaml::PathIndex,
}

impl<'r> Found<'r> {
    fn of<T>(
        e: &'r Entry<T>,
        package: Option<&'r PackageSpec>,
        container: Option<&'r ContainerSpec>,
        implies: &Implies,
    ) -> Self {
        Self {
            package,
            container,
            dir: e.dir().to_path_buf(),
            file: e.display.clone(),
            implies: implies.clone(),
            index: &e.index,
        }
    }
}

fn push_params(comp: &mut Comp<'_>, params: IndexMap<String, Vec<String>>, via: &Via) {
    for (p, vals) in params {
        for v in vals {
            comp.params
                .entry(p.clone())
                .or_default()
                .push((v, via.clone()));
        }
    }
}

impl<'r> Resolver<'_, 'r> {
    fn lookup(&mut self, key: &Key, via: &Via) -> Option<Found<'r>> {
        let (kind, name) = (key.0, &key.1);
        let registry = self.registry;
        let looked_up = match kind {
            ComponentKind::Package => registry
                .package(name)
                .map(|o| o.map(|e| Found::of(e, Some(&e.spec), None, &e.spec.implies))),
            ComponentKind::Container => registry
                .container(name)
                .map(|o| o.map(|e| Found::of(e, None, Some(&e.spec), &e.spec.implies))),
        };
        match looked_up {
            Err(e) => {
                self.registry_error(e);
                None
            }
            Ok(None) => {
                self.missing(Kind::Component(kind), name, via);
                None
            }
            Ok(f) => f,
        }
    }

    /// A component that is already in: record the new edge, consumer, params and mode.
    fn add_again(
        &mut self,
        key: &Key,
        via: Via,
        implier: Option<&Key>,
        params: IndexMap<String, Vec<String>>,
        mode: Option<Mode>,
    ) {
        let Some(c) = self.comps.get_mut(key) else {
            return;
        };
        // hsm.yaml asking for it by name is the better explanation than an implication
        // that happened to be processed first.
        if via.is_from_manifest() && !c.via.is_from_manifest() {
            c.via = via.clone();
        }
        if let Some(imp) = implier {
            c.consumers.insert(imp.1.clone());
        }
        push_params(c, params, &via);
        if c.implied_mode.is_none() {
            c.implied_mode = mode;
        }
        if !via.is_from_manifest()
            && let Some(a) = self.auto.iter_mut().find(|a| a.subject == *key)
            && !a.via.contains(&via)
        {
            a.via.push(via);
        }
    }

    pub(super) fn add(
        &mut self,
        key: Key,
        via: Via,
        implier: Option<Key>,
        params: IndexMap<String, Vec<String>>,
        mode: Option<Mode>,
    ) {
        let key = (key.0, self.canonical(key.0, &key.1));
        if let Some(imp) = &implier {
            self.edges.insert((imp.clone(), key.clone()));
        }
        if self.comps.contains_key(&key) {
            self.add_again(&key, via, implier.as_ref(), params, mode);
            return;
        }
        let Some(found) = self.lookup(&key, &via) else {
            return;
        };
        let (kind, name) = (key.0, &key.1);
        if !via.is_direct() && !via.chain.iter().any(|s| s.contains("option")) {
            self.auto.push(AutoChange {
                what: format!("added {kind} `{name}`"),
                subject: key.clone(),
                via: vec![via.clone()],
            });
        }
        let mut comp = Comp {
            index: found.index,
            package: found.package,
            container: found.container,
            dir: found.dir,
            file: found.file.clone(),
            via: via.clone(),
            implied_mode: mode,
            params: BTreeMap::new(),
            consumers: BTreeSet::new(),
            groups: Vec::new(),
        };
        if let Some(imp) = &implier {
            comp.consumers.insert(imp.1.clone());
        }
        push_params(&mut comp, params, &via);
        self.comps.insert(key.clone(), comp);
        let label = format!("{kind} `{name}`");
        for i in &found.implies.0 {
            let ikey = format!("implies.{}", i.target().key());
            let index = Some(found.index.clone());
            let v = via
                .then(
                    label.clone(),
                    found.file.clone(),
                    ikey.clone(),
                    index.clone(),
                )
                .then(
                    format!("implies `{}`", i.target()),
                    found.file.clone(),
                    ikey,
                    index,
                );
            self.enqueue_implication(i, v, Some(key.clone()));
        }
    }

    pub(super) fn enqueue_implication(&mut self, i: &Implication, via: Via, implier: Option<Key>) {
        match i {
            Implication::Container { name, params } => self.queue.push_back(Work::Add {
                key: (ComponentKind::Container, name.clone()),
                via,
                implier,
                params: params.clone(),
                mode: None,
            }),
            Implication::Package { name, mode } => self.queue.push_back(Work::Add {
                key: (ComponentKind::Package, name.clone()),
                via,
                implier,
                params: IndexMap::new(),
                mode: *mode,
            }),
            Implication::Group {
                kind,
                group,
                options,
            } => {
                for o in options {
                    self.queue.push_back(Work::Select {
                        kind: *kind,
                        group: group.clone(),
                        option: o.clone(),
                        via: via.clone(),
                        implier: implier.clone(),
                    });
                }
            }
        }
    }

    pub(super) fn missing(&mut self, kind: Kind, name: &str, via: &Via) {
        // No entry can have this name: say the rule rather than suggest adding it.
        if let Some(problem) = hsm_schema::entry_name_problem(name, kind.noun()) {
            self.problems.push(via.error(problem));
            return;
        }
        let hint = self.registry.suggest(kind, name).map_or_else(
            || format!("add it with `{}`", kind.add_command(name)),
            |s| format!("did you mean `{s}`?"),
        );
        let e = via
            .error(format!(
                "{} `{name}` is not in the registry (looked for `{}`)",
                kind.noun(),
                self.registry
                    .display(&self.registry.path_of(kind, name))
                    .display()
            ))
            .hint(hint);
        self.problems.push(e);
    }
}
