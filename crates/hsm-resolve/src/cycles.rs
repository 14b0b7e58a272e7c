//! Cycle detection over the implies graph.
//!
//! Resolution itself terminates on cycles (each component is added once), so a cycle would
//! otherwise go unnoticed. It is still reported: `a` implying `b` implying `a` is almost
//! always a registry mistake, and the message shows the whole loop.

use std::collections::{BTreeMap, BTreeSet};

type Key = (hsm_schema::ComponentKind, String);

/// Every elementary cycle found by a depth-first search in sorted order, each reported once
/// (rotated to start at its smallest node).
pub fn find(edges: &BTreeSet<(Key, Key)>) -> Vec<Vec<Key>> {
    let mut adj: BTreeMap<&Key, Vec<&Key>> = BTreeMap::new();
    for (a, b) in edges {
        adj.entry(a).or_default().push(b);
    }
    let mut found: BTreeSet<Vec<Key>> = BTreeSet::new();
    let mut done: BTreeSet<&Key> = BTreeSet::new();
    let nodes: Vec<&Key> = adj.keys().copied().collect();
    for start in nodes {
        let mut stack: Vec<&Key> = Vec::new();
        dfs(start, &adj, &mut stack, &mut done, &mut found);
    }
    found.into_iter().collect()
}

fn dfs<'a>(
    node: &'a Key,
    adj: &BTreeMap<&'a Key, Vec<&'a Key>>,
    stack: &mut Vec<&'a Key>,
    done: &mut BTreeSet<&'a Key>,
    found: &mut BTreeSet<Vec<Key>>,
) {
    if let Some(pos) = stack.iter().position(|k| *k == node) {
        let mut cyc: Vec<Key> = stack[pos..].iter().map(|k| (*k).clone()).collect();
        if let Some(min) = cyc
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.cmp(b.1))
            .map(|(i, _)| i)
        {
            cyc.rotate_left(min);
        }
        found.insert(cyc);
        return;
    }
    if done.contains(node) {
        return;
    }
    stack.push(node);
    if let Some(next) = adj.get(node) {
        for n in next {
            dfs(n, adj, stack, done, found);
        }
    }
    stack.pop();
    done.insert(node);
}
