//! Adding components and queueing what they imply.

use std::collections::{BTreeMap, BTreeSet};

use hsm_registry::Kind;
use hsm_schema::{Implication, Implies, Mode};
use indexmap::IndexMap;

use crate::Via;
use crate::stack::{AutoChange, CompKind};

use super::{Comp, Key, Resolver, Work, reg_kind};

impl<'r> Resolver<'_, 'r> {
    pub(super) fn add(
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
            // hsm.yaml asking for it by name is the better explanation than an implication
            // that happened to be processed first.
            if via.is_from_manifest() && !c.via.is_from_manifest() {
                c.via = via.clone();
            }
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
                subject: key.clone(),
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

    pub(super) fn enqueue_implication(&mut self, i: &Implication, via: Via, implier: Option<Key>) {
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

    pub(super) fn missing(&mut self, kind: Kind, name: &str, via: &Via) {
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
}
