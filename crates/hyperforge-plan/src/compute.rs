//! Desired vs observed → steps; and the inverse used by the tests, applying steps to an
//! observed state as a forge would.

use std::collections::{BTreeMap, BTreeSet};

use hyperforge_forge::RemoteRepo;
use serde_json::json;

use crate::{DesiredRepo, FieldChange, Observed, Plan, Step};

/// The field changes that make `actual` what `want` declares.
fn changes(want: &DesiredRepo, actual: &RemoteRepo) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let desc = |d: &Option<String>| d.clone().filter(|s| !s.is_empty());
    if desc(&want.description) != desc(&actual.description) {
        out.push(FieldChange {
            field: "description".into(),
            from: json!(desc(&actual.description)),
            to: json!(desc(&want.description)),
        });
    }
    if want.private != actual.private {
        out.push(FieldChange {
            field: "private".into(),
            from: json!(actual.private),
            to: json!(want.private),
        });
    }
    if want.archived != actual.archived {
        out.push(FieldChange {
            field: "archived".into(),
            from: json!(actual.archived),
            to: json!(want.archived),
        });
    }
    out
}

/// The steps bringing `want` about on each of its forges (a rename where only the old
/// name is held, a create where neither is); whether it is in sync already.
fn steps_for(want: &DesiredRepo, observed: &Observed, steps: &mut Vec<Step>) -> bool {
    let mut same = true;
    for forge in &want.forges {
        let held = observed.0.get(forge);
        let current = held.and_then(|repos| repos.get(&want.name));
        let before = want
            .renamed_from
            .as_ref()
            .and_then(|old| Some((old, held?.get(old)?)));
        match (current, before) {
            (None, None) => {
                same = false;
                steps.push(Step::Create {
                    forge: forge.clone(),
                    name: want.name.clone(),
                    description: want.description.clone(),
                    private: want.private,
                    archived: want.archived,
                });
            }
            (Some(actual), _) | (None, Some((_, actual))) => {
                if current.is_none()
                    && let Some((old, _)) = before
                {
                    same = false;
                    steps.push(Step::Rename {
                        forge: forge.clone(),
                        from: old.clone(),
                        name: want.name.clone(),
                    });
                }
                let c = changes(want, actual);
                if !c.is_empty() {
                    same = false;
                    steps.push(Step::Update {
                        forge: forge.clone(),
                        name: want.name.clone(),
                        changes: c,
                    });
                }
            }
        }
    }
    same
}

/// The plan for `org`: `desired` repositories on their forges, `removals` (staged
/// deletions, by name) gone from every forge that has them, against `observed`.
pub fn plan(
    org: &str,
    desired: &[DesiredRepo],
    removals: &BTreeSet<String>,
    observed: &Observed,
) -> Plan {
    let mut steps = Vec::new();
    let mut in_sync = Vec::new();
    // (forge, name) of every declared copy: a copy on a forge its repository is not
    // declared on (its `forges` changed) is untracked too — listed, never deleted.
    let declared: BTreeSet<(&str, &str)> = desired
        .iter()
        .flat_map(|d| {
            let names = std::iter::once(d.name.as_str()).chain(d.renamed_from.as_deref());
            names.flat_map(move |n| d.forges.iter().map(move |f| (f.as_str(), n)))
        })
        .collect();
    for want in desired {
        if steps_for(want, observed, &mut steps) {
            in_sync.push(want.name.clone());
        }
    }
    let protected: BTreeSet<&str> = desired
        .iter()
        .filter(|d| d.protected)
        .map(|d| d.name.as_str())
        .collect();
    let mut untracked = Vec::new();
    for (forge, repos) in &observed.0 {
        for name in repos.keys() {
            if removals.contains(name) {
                steps.push(Step::Delete {
                    forge: forge.clone(),
                    name: name.clone(),
                    protected: protected.contains(name.as_str()),
                });
            } else if !declared.contains(&(forge.as_str(), name.as_str())) {
                untracked.push(format!("{forge}/{name}"));
            }
        }
    }
    steps.sort_by(|a, b| (a.name(), a.forge()).cmp(&(b.name(), b.forge())));
    in_sync.sort();
    Plan {
        org: org.to_string(),
        observed_hash: observed.hash(),
        steps,
        in_sync,
        untracked_remote: untracked,
        mirrors: Vec::new(),
    }
}

/// `observed` after `steps`, as the forges would hold it (owner `owner`); ids and URLs of
/// created repositories are made up.
pub fn apply_to(observed: &Observed, steps: &[Step], owner: &str) -> Observed {
    let mut out: BTreeMap<String, BTreeMap<String, RemoteRepo>> = observed.0.clone();
    for step in steps {
        let repos = out.entry(step.forge().to_string()).or_default();
        match step {
            Step::Create {
                name,
                description,
                private,
                archived,
                forge,
            } => {
                repos.insert(
                    name.clone(),
                    RemoteRepo {
                        name: name.clone(),
                        owner: owner.to_string(),
                        id: format!("{forge}-{name}"),
                        description: description.clone(),
                        private: *private,
                        archived: *archived,
                        default_branch: Some("main".into()),
                        html_url: format!("https://{forge}/{owner}/{name}"),
                        clone_url: format!("https://{forge}/{owner}/{name}.git"),
                    },
                );
            }
            Step::Update { name, changes, .. } => {
                if let Some(r) = repos.get_mut(name) {
                    for c in changes {
                        match c.field.as_str() {
                            "description" => r.description = c.to.as_str().map(str::to_string),
                            "private" => r.private = c.to.as_bool().unwrap_or(r.private),
                            "archived" => r.archived = c.to.as_bool().unwrap_or(r.archived),
                            _ => {}
                        }
                    }
                }
            }
            Step::Rename { from, name, forge } => {
                if let Some(mut r) = repos.remove(from) {
                    r.name = name.clone();
                    r.html_url = format!("https://{forge}/{owner}/{name}");
                    r.clone_url = format!("https://{forge}/{owner}/{name}.git");
                    repos.insert(name.clone(), r);
                }
            }
            Step::Delete { name, .. } => {
                repos.remove(name);
            }
        }
    }
    Observed(out)
}
