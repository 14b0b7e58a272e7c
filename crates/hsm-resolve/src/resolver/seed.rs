//! Seeding the worklist from hsm.yaml, in manifest order.

use std::collections::BTreeMap;

use hsm_registry::Kind;
use hsm_schema::{ComponentRef, GroupSelection, Strategy};
use indexmap::IndexMap;
use infra_yaml::did_you_mean;

use crate::Via;
use crate::stack::CompKind;

use super::{Resolver, Work, group_kind};

impl<'r> Resolver<'_, 'r> {
    pub(super) fn manifest_via(&self, key: &str, label: String) -> Via {
        Via::root(
            self.project.display.clone(),
            key.to_string(),
            Some(self.project.index.clone()),
            label,
        )
    }

    pub(super) fn seed(&mut self) {
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
                let all = self.registry.component_names();
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

    pub(super) fn seed_refs(&mut self, refs: &[ComponentRef], base: &str, kind: CompKind) {
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

    pub(super) fn seed_group(
        &mut self,
        container: bool,
        name: &str,
        sel: &GroupSelection,
        key: &str,
    ) {
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
}
