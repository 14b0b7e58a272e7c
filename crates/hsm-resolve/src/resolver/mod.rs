//! The resolution pass.
//!
//! One worklist, processed in manifest order: standalone packages, package groups,
//! standalone containers, container groups; then whatever their `implies` bring, breadth
//! first. Each component is added once and remembers the first chain that brought it; later
//! arrivals only add edges (consumers, params). Modes and profiles are settled at the end,
//! when every component is known. Names are canonicalised through the registry first, so
//! `Six` and `six` are one package.

mod components;
mod finish;
mod groups;
mod seed;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use hsm_registry::{Registry, RegistryError};
use hsm_schema::{
    ComponentKind, ContainerSpec, GroupSelection, Implies, Mode, PackageSpec, Strategy,
};
use indexmap::IndexMap;
use infra_yaml::Diagnostic;

use crate::stack::AutoChange;
use crate::{ProjectFile, Stack, Via};

/// Why a project does not resolve.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The manifest or registry entries have problems (every one found, sorted by file and
    /// line).
    #[error("{} found", plural_problems(.0.len()))]
    Invalid(Vec<Diagnostic>),
    /// A registry file could not be read.
    #[error("{0}")]
    Registry(#[from] RegistryError),
}

fn plural_problems(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}

/// Resolves the project against the registry. Returns every problem found, sorted by file
/// and line, when there is at least one.
pub fn resolve<'r>(
    project: &ProjectFile,
    registry: &'r Registry,
) -> Result<Stack<'r>, ResolveError> {
    let mut r = Resolver {
        project,
        registry,
        problems: Vec::new(),
        fatal: None,
        comps: IndexMap::new(),
        groups: IndexMap::new(),
        queue: VecDeque::new(),
        edges: BTreeSet::new(),
        auto: Vec::new(),
        listed: HashMap::new(),
    };
    r.seed();
    r.drain();
    let stack = r.finish();
    if let Some(e) = r.fatal.take() {
        return Err(ResolveError::Registry(e));
    }
    if r.problems.is_empty() {
        return Ok(stack);
    }
    let mut p = std::mem::take(&mut r.problems);
    infra_diag::sort_and_dedup(&mut p);
    Err(ResolveError::Invalid(p))
}

type Key = (ComponentKind, String);

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

/// An option's implications and where they are written.
#[derive(Clone)]
struct OptionImplies {
    implies: Implies,
    file: std::path::PathBuf,
    index_in_group: usize,
    positions: infra_yaml::PathIndex,
}

struct GroupState {
    kind: ComponentKind,
    strategy: Strategy,
    options: Vec<String>,
    adhoc: bool,
    alias: Option<String>,
    selected: IndexMap<String, Via>,
    entry: Option<GroupSelection>,
    manifest_key: Option<String>,
    option_implies: BTreeMap<String, OptionImplies>,
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
        kind: ComponentKind,
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
    /// The first registry file that could not be read: resolution cannot be trusted.
    fatal: Option<RegistryError>,
    comps: IndexMap<Key, Comp<'r>>,
    groups: IndexMap<Key, GroupState>,
    queue: VecDeque<Work>,
    edges: BTreeSet<(Key, Key)>,
    auto: Vec<AutoChange>,
    /// Where each standalone component is listed in hsm.yaml (its first entry), by the
    /// registry's spelling of its name: looked up for every component's mode and profile.
    listed: HashMap<Key, usize>,
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
                    kind,
                    group,
                    option,
                    via,
                    implier,
                } => self.select(kind, &group, option, via, implier),
            }
        }
    }

    /// Records a registry error: a located problem, or an unreadable file (fatal).
    fn registry_error(&mut self, e: RegistryError) {
        match e {
            RegistryError::Invalid(d) => self.problems.push(d),
            other => {
                if self.fatal.is_none() {
                    self.fatal = Some(other);
                }
            }
        }
    }
}
