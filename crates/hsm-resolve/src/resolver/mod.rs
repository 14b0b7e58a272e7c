//! The resolution pass.
//!
//! One worklist, processed in manifest order: standalone packages, package groups,
//! standalone containers, container groups; then whatever their `implies` bring, breadth
//! first. Each component is added once and remembers the first chain that brought it; later
//! arrivals only add edges (consumers, params). Modes and profiles are settled at the end,
//! when every component is known.

mod components;
mod finish;
mod groups;
mod seed;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use hsm_registry::{Kind, Registry};
use hsm_schema::{ContainerSpec, GroupSelection, Implies, Mode, PackageSpec, Strategy};
use indexmap::IndexMap;
use infra_yaml::Diagnostic;

use crate::stack::{AutoChange, CompKind};
use crate::{ProjectFile, Stack, Via};

/// Resolves the project against the registry. Returns every problem found, sorted by file
/// and line, when there is at least one.
pub fn resolve<'r>(
    project: &ProjectFile,
    registry: &'r Registry,
) -> Result<Stack<'r>, Vec<Diagnostic>> {
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
            infra_diag::sort_and_dedup(&mut p);
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
    problems: Vec<Diagnostic>,
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

impl Resolver<'_, '_> {
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
}
