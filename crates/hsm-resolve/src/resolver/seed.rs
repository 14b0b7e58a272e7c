//! Seeding the worklist from hsm.yaml, in manifest order.

use std::collections::BTreeMap;

use hsm_registry::Kind;
use hsm_schema::{ComponentKind, ComponentRef, GroupSelection, Strategy};
use indexmap::IndexMap;
use infra_yaml::did_you_mean;

use super::{Resolver, Work};
use crate::Via;

impl<'r> Resolver<'_, 'r> {
    pub(super) fn manifest_via(&self, key: &str, label: String) -> Via {
        Via::root(
            self.project.display.clone(),
            key.to_string(),
            Some(self.project.index.clone()),
            label,
        )
    }

    /// The registry's spelling of a component name, or the name as written when unknown.
    pub(super) fn canonical(&self, kind: ComponentKind, name: &str) -> String {
        self.registry
            .canonical(Kind::Component(kind), name)
            .unwrap_or(name)
            .to_string()
    }

    pub(super) fn seed(&mut self) {
        let m = &self.project.manifest;
        if let Some(problem) = m
            .project
            .name
            .as_deref()
            .and_then(|n| hsm_schema::entry_name_problem(n, "project"))
        {
            let hint = "it becomes the Python project's name: write it as on PyPI, e.g. `my-app`";
            let e = self.project.error("project.name", problem).hint(hint);
            self.problems.push(e);
        }
        if let Some(name) = m.compose.project_name.as_deref() {
            let ok = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && name.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_')
                });
            if !ok {
                let e = self
                    .project
                    .error(
                        "compose.project_name",
                        format!(
                            "`{}` is not a Compose project name: expected lowercase letters, \
                             digits, `-` and `_`, starting with a letter or a digit",
                            name.escape_default()
                        ),
                    )
                    .hint("Compose rejects other names; `${VAR}` is not expanded here");
                self.problems.push(e);
            }
        }
        self.seed_refs(&m.packages, "packages", ComponentKind::Package);
        for (g, sel) in &m.package_groups {
            self.seed_group(
                ComponentKind::Package,
                g,
                sel,
                &format!("package_groups.{g}"),
            );
        }
        self.seed_refs(
            &m.services.containers,
            "services.containers",
            ComponentKind::Container,
        );
        for (g, sel) in &m.services.container_groups {
            let key = format!("services.container_groups.{g}");
            self.seed_group(ComponentKind::Container, g, sel, &key);
        }
        self.check_mode_overrides();
    }

    fn check_mode_overrides(&mut self) {
        for name in self.project.manifest.modes.keys() {
            let known = self.registry.contains(Kind::PACKAGE, name)
                || self.registry.contains(Kind::CONTAINER, name);
            if known {
                continue;
            }
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

    pub(super) fn seed_refs(&mut self, refs: &[ComponentRef], base: &str, kind: ComponentKind) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, r) in refs.iter().enumerate() {
            let key = format!("{base}[{i}]");
            let name = self.canonical(kind, &r.name);
            self.listed.entry((kind, name.clone())).or_insert(i);
            if let Some(first) = seen.insert(name.clone(), i) {
                let same = if refs[first].name == r.name {
                    String::new()
                } else {
                    format!(" (as `{}` and `{}`)", refs[first].name, r.name)
                };
                self.problems.push(
                    self.project
                        .error(&key, format!("{kind} `{name}` is listed twice{same}"))
                        .hint(format!("remove one of `{base}[{first}]` and `{base}[{i}]`")),
                );
                continue;
            }
            if kind == ComponentKind::Package && r.profile.is_some() {
                self.problems.push(
                    self.project
                        .error(&key, format!("package `{}` has a `profile`, but only containers have deployment profiles", r.name))
                        .hint("remove `profile` or move the entry to `services.containers`"),
                );
            }
            let via = self.manifest_via(&key, format!("hsm.yaml `{key}`"));
            self.queue.push_back(Work::Add {
                key: (kind, name),
                via,
                implier: None,
                params: IndexMap::new(),
                mode: None,
            });
        }
    }

    /// The options a manifest group entry selects: its `selection`, else the registry
    /// group's `default`. `None` after reporting a problem.
    fn selected_options(
        &mut self,
        kind: ComponentKind,
        name: &str,
        sel: &GroupSelection,
        key: &str,
    ) -> Option<Vec<String>> {
        let sel_key = format!("{key}.selection");
        if let Some(s) = &sel.selection {
            let strategy = self
                .groups
                .get(&(kind, name.to_string()))
                .map(|g| g.strategy);
            let n = s.to_vec().len();
            if s.is_list() && strategy == Some(Strategy::OneOfN) && n > 1 {
                self.problems.push(
                    self.project
                        .error(&sel_key, format!("group `{name}` is 1-of-N, so `selection` must be one option, found a list of {n}"))
                        .hint("pick one option, or make the group `strategy: M-of-N` in the registry"),
                );
                return None;
            }
            return Some(s.to_vec());
        }
        let default = match self.registry.group(kind, name) {
            Ok(e) => e.and_then(|e| e.spec.default.clone()),
            Err(e) => {
                self.registry_error(e);
                return None;
            }
        };
        if default.is_none() {
            self.problems.push(
                self.project
                    .error(key, format!("group `{name}` has no `selection` and the registry gives it no `default`"))
                    .hint(format!("add `selection: <option>` under `{key}`")),
            );
        }
        default.map(|d| d.to_vec())
    }

    pub(super) fn seed_group(
        &mut self,
        kind: ComponentKind,
        name: &str,
        sel: &GroupSelection,
        key: &str,
    ) {
        if !self.ensure_group(kind, name, Some(key)) {
            return;
        }
        if let Some(g) = self.groups.get_mut(&(kind, name.to_string())) {
            g.entry = Some(sel.clone());
            g.manifest_key = Some(key.to_string());
        }
        let Some(options) = self.selected_options(kind, name, sel, key) else {
            return;
        };
        let sel_key = format!("{key}.selection");
        for (i, opt) in options.into_iter().enumerate() {
            let k = match &sel.selection {
                Some(s) if s.is_list() => format!("{sel_key}[{i}]"),
                Some(_) => sel_key.clone(),
                None => key.to_string(),
            };
            let via = self.manifest_via(&k, format!("hsm.yaml `{key}`"));
            self.queue.push_back(Work::Select {
                kind,
                group: name.to_string(),
                option: opt,
                via,
                implier: None,
            });
        }
    }
}
