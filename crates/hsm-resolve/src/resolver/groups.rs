//! Groups: what a group offers, and selecting options (1-of-N conflicts, implied selections).

use std::collections::BTreeMap;

use hsm_schema::Strategy;
use indexmap::IndexMap;
use infra_yaml::did_you_mean;

use crate::Via;
use crate::stack::AutoChange;

use super::{GroupState, Key, Resolver, Work, comp_kind, group_kind};

impl<'r> Resolver<'_, 'r> {
    /// Makes sure the group state exists. Returns false when the group is broken.
    pub(super) fn ensure_group(
        &mut self,
        container: bool,
        name: &str,
        manifest_key: Option<&str>,
    ) -> bool {
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

    pub(super) fn select(
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
                subject: (comp_kind(container), option.clone()),
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
}
