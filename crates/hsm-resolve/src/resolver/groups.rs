//! Groups: what a group offers, and selecting options (1-of-N conflicts, implied selections).

use std::collections::BTreeMap;

use hsm_registry::Kind;
use hsm_schema::{ComponentKind, Strategy};
use indexmap::IndexMap;
use infra_yaml::did_you_mean;

use super::{GroupState, Key, OptionImplies, Resolver, Work};
use crate::Via;
use crate::stack::AutoChange;

impl<'r> Resolver<'_, 'r> {
    /// Makes sure the group state exists. Returns false when the group is broken.
    pub(super) fn ensure_group(
        &mut self,
        kind: ComponentKind,
        name: &str,
        manifest_key: Option<&str>,
    ) -> bool {
        let gk = (kind, name.to_string());
        if self.groups.contains_key(&gk) {
            return true;
        }
        let registry = self.registry;
        let (choices, entry) = match (registry.choices(kind, name), registry.group(kind, name)) {
            (Ok(c), Ok(e)) => (c, e),
            (Err(e), _) | (_, Err(e)) => {
                self.registry_error(e);
                return false;
            }
        };
        let mut option_implies = BTreeMap::new();
        let mut alias = None;
        if let Some(entry) = entry {
            for (i, o) in entry.spec.options.iter().enumerate() {
                let canonical = registry
                    .canonical(Kind::Component(kind), &o.name)
                    .unwrap_or(&o.name);
                option_implies.insert(
                    canonical.to_string(),
                    OptionImplies {
                        implies: o.implies.clone(),
                        file: entry.display.clone(),
                        index_in_group: i,
                        positions: entry.index.clone(),
                    },
                );
            }
            if kind == ComponentKind::Package && entry.spec.alias.is_some() {
                self.problems
                    .push(entry.error("alias", "only container groups can have an `alias`"));
            }
            alias.clone_from(&entry.spec.alias);
        }
        let state = GroupState {
            kind,
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

    /// Reports an option that the group does not offer.
    fn not_an_option(&mut self, g_key: &Key, option: &str, via: &Via) {
        let Some(g) = self.groups.get(g_key) else {
            return;
        };
        let (kind, group) = (g_key.0, &g_key.1);
        let hint = did_you_mean(option, g.options.iter().map(String::as_str));
        let msg = if g.adhoc {
            format!(
                "`{option}` is not a {kind} in the registry (group `{group}` has no registry file, so any {kind} may be chosen)"
            )
        } else {
            format!(
                "`{option}` is not an option of {} `{group}`; options: {}",
                kind.group_noun(),
                g.options.join(", ")
            )
        };
        self.problems.push(
            via.error(msg)
                .maybe_hint(hint.map(|h| format!("did you mean `{h}`?"))),
        );
    }

    pub(super) fn select(
        &mut self,
        kind: ComponentKind,
        group: &str,
        option: String,
        via: Via,
        implier: Option<Key>,
    ) {
        if !self.ensure_group(kind, group, None) {
            return;
        }
        let option = self.canonical(kind, &option);
        let gk = (kind, group.to_string());
        let Some(g) = self.groups.get(&gk) else {
            return;
        };
        if !g.options.contains(&option) {
            self.not_an_option(&gk, &option, &via);
            return;
        }
        if g.selected.contains_key(&option) {
            // Already chosen: still record who relies on it (consumers, depends_on).
            if implier.is_some() {
                self.queue.push_back(Work::Add {
                    key: (kind, option),
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
                    "{} `{group}` is 1-of-N, but two options are forced: `{other}` (by {other_via}) and `{option}` (by {via})",
                    kind.group_noun()
                ))
                .hint("remove one of the implications, or change the selection in hsm.yaml"),
            );
            return;
        }
        let in_manifest = g.manifest_key.is_some();
        let option_implies = g.option_implies.get(&option).cloned();
        if !via.is_direct() && !in_manifest {
            self.auto.push(AutoChange {
                what: format!("selected `{option}` in {} `{group}`", kind.group_noun()),
                subject: (kind, option.clone()),
                via: vec![via.clone()],
            });
        }
        if let Some(g) = self.groups.get_mut(&gk) {
            g.selected.insert(option.clone(), via.clone());
        }
        let step = via.then(
            format!("{} `{group}` option `{option}`", kind.group_noun()),
            via.file.clone(),
            via.key.clone(),
            via.index.clone(),
        );
        let ck = (kind, option);
        self.queue.push_back(Work::Add {
            key: ck.clone(),
            via: step.clone(),
            implier,
            params: IndexMap::new(),
            mode: None,
        });
        if let Some(oi) = option_implies {
            for i in &oi.implies.0 {
                let key = format!(
                    "options[{}].implies.{}",
                    oi.index_in_group,
                    i.target().key()
                );
                let v = step.then(
                    format!("implies `{}`", i.target()),
                    oi.file.clone(),
                    key,
                    Some(oi.positions.clone()),
                );
                self.enqueue_implication(i, v, Some(ck.clone()));
            }
        }
    }
}
