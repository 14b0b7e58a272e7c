//! `sqlrs ls`: names, instances, states (as a tree), jobs, tasks.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use sqlrs_client::Client;
use sqlrs_schema::{InstanceEntry, NameEntry, PrepareJobEntry, StateEntry, TaskEntry};

use crate::OpsError;

/// Which lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOptions {
    /// Names.
    pub names: bool,
    /// Instances.
    pub instances: bool,
    /// States.
    pub states: bool,
    /// Jobs.
    pub jobs: bool,
    /// Tasks.
    pub tasks: bool,
}

/// `sqlrs ls --output json`: only the selected lists are present.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ListReport {
    /// Names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<NameEntry>>,
    /// Instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<Vec<InstanceEntry>>,
    /// States.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub states: Option<Vec<StateEntry>>,
    /// Jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<Vec<PrepareJobEntry>>,
    /// Tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<TaskEntry>>,
}

/// Fetches the selected lists (instances and states when none is selected).
pub fn list(client: &Client, options: ListOptions) -> Result<ListReport, OpsError> {
    let mut o = options;
    if !(o.names || o.instances || o.states || o.jobs || o.tasks) {
        o.instances = true;
        o.states = true;
    }
    Ok(ListReport {
        names: o.names.then(|| client.names()).transpose()?,
        instances: o.instances.then(|| client.instances()).transpose()?,
        states: o.states.then(|| client.states()).transpose()?,
        jobs: o.jobs.then(|| client.jobs()).transpose()?,
        tasks: o.tasks.then(|| client.tasks(None)).transpose()?,
    })
}

/// States in tree order, each with its drawing prefix: per ancestor level `|` when that
/// ancestor has later siblings (else a space), then `+` for a node with later siblings or
/// `` ` `` for the last one. Roots have no prefix; a state whose parent is gone is a root.
pub fn state_tree(states: &[StateEntry]) -> Vec<(String, &StateEntry)> {
    let ids: HashSet<&str> = states.iter().map(|s| s.state_id.as_str()).collect();
    let mut children: BTreeMap<Option<&str>, Vec<&StateEntry>> = BTreeMap::new();
    for s in states {
        let parent = s
            .parent_state_id
            .as_ref()
            .map(|p| p.as_str())
            .filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(s);
    }
    let mut out = Vec::new();
    walk(&children, None, "", true, &mut out);
    out
}

fn walk<'a>(
    children: &BTreeMap<Option<&str>, Vec<&'a StateEntry>>,
    parent: Option<&str>,
    indent: &str,
    root: bool,
    out: &mut Vec<(String, &'a StateEntry)>,
) {
    let Some(kids) = children.get(&parent) else {
        return;
    };
    for (i, s) in kids.iter().enumerate() {
        let last = i + 1 == kids.len();
        let (prefix, next) = if root {
            (String::new(), String::new())
        } else {
            (
                format!("{indent}{}", if last { '`' } else { '+' }),
                format!("{indent}{}", if last { ' ' } else { '|' }),
            )
        };
        out.push((prefix, s));
        walk(children, Some(s.state_id.as_str()), &next, false, out);
    }
}

#[cfg(test)]
mod tests {
    use sqlrs_schema::{PrepareKind, StateId};

    use super::*;

    fn state(id: char, parent: Option<char>) -> StateEntry {
        StateEntry {
            state_id: StateId::parse(&id.to_string().repeat(64))
                .unwrap_or_else(|_| StateId::zero()),
            parent_state_id: parent.and_then(|p| StateId::parse(&p.to_string().repeat(64)).ok()),
            image_id: "pg".into(),
            prepare_kind: PrepareKind::Psql,
            prepare_args_normalized: String::new(),
            created_at: String::new(),
            size_bytes: None,
            last_used_at: None,
            use_count: None,
            min_retention_until: None,
            refcount: 0,
        }
    }

    #[test]
    fn the_tree_draws_siblings_and_continuing_ancestors() {
        let states = [
            state('a', None),
            state('b', Some('a')),
            state('c', Some('b')),
            state('d', Some('a')),
            state('e', Some('9')),
        ];
        let rows: Vec<(String, char)> = state_tree(&states)
            .into_iter()
            .map(|(p, s)| (p, s.state_id.as_str().chars().next().unwrap_or('?')))
            .collect();
        let want: Vec<(String, char)> = vec![
            (String::new(), 'a'),
            ("+".into(), 'b'),
            ("|`".into(), 'c'),
            ("`".into(), 'd'),
            (String::new(), 'e'),
        ];
        assert_eq!(rows, want);
    }
}
