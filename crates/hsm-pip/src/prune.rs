//! Deciding which packages an earlier sync installed may be uninstalled now.
//!
//! A package dropped from the requirements may still be a dependency of something that
//! stays (another requirement, or a package the user installed by hand). pip does not
//! track that, so uninstalling it blindly would break the environment. `pip show` lists
//! the installed distributions requiring each package (`Required-by:`); a candidate is
//! kept while anything outside the removal set requires it.

use std::collections::{BTreeMap, BTreeSet};

use hsm_adapter::normalize_name;

/// For each package in `pip show` output, the normalised names of the installed
/// distributions that require it. Packages pip did not find are absent.
pub(crate) fn required_by(show_output: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in show_output.lines() {
        if let Some(name) = line.strip_prefix("Name:") {
            let name = normalize_name(name);
            map.entry(name.clone()).or_default();
            current = Some(name);
        } else if let Some(list) = line.strip_prefix("Required-by:")
            && let Some(name) = &current
        {
            let requirers = list
                .split(',')
                .map(normalize_name)
                .filter(|requirer| !requirer.is_empty());
            map.entry(name.clone()).or_default().extend(requirers);
        } else if line.trim() == "---" {
            current = None;
        }
    }
    map
}

/// Splits `candidates` into (uninstall, keep): a candidate is kept while a distribution
/// that is not itself being uninstalled requires it.
pub(crate) fn split(
    candidates: &BTreeSet<String>,
    required_by: &BTreeMap<String, BTreeSet<String>>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut remove = candidates.clone();
    let mut keep = BTreeSet::new();
    loop {
        let needed: Vec<String> = remove
            .iter()
            .filter(|name| {
                required_by
                    .get(*name)
                    .is_some_and(|requirers| requirers.iter().any(|r| !remove.contains(r)))
            })
            .cloned()
            .collect();
        if needed.is_empty() {
            return (remove, keep);
        }
        for name in needed {
            remove.remove(&name);
            keep.insert(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    const SHOW: &str = "\
Name: Beta_Pkg
Version: 0.1.0
Summary: 
Location: /p/.venv/lib/python3.11/site-packages
Requires: 
Required-by: gamma, My.App
---
Name: gamma
Version: 0.1.0
Requires: Beta_Pkg
Required-by: 
";

    #[test]
    fn parses_pip_show() {
        let map = required_by(SHOW);
        assert_eq!(map.len(), 2);
        assert_eq!(map["beta-pkg"], set(&["gamma", "my-app"]));
        assert_eq!(map["gamma"], set(&[]));
        assert!(required_by("").is_empty());
    }

    #[test]
    fn keeps_what_a_remaining_package_requires() {
        let map = required_by(SHOW);
        // gamma goes, but my-app (not a candidate) still requires beta-pkg.
        let (remove, keep) = split(&set(&["beta-pkg", "gamma"]), &map);
        assert_eq!(remove, set(&["gamma"]));
        assert_eq!(keep, set(&["beta-pkg"]));
    }

    #[test]
    fn removes_a_whole_chain_nothing_else_needs() {
        let map: BTreeMap<_, _> = [
            ("a".to_owned(), set(&[])),
            ("b".to_owned(), set(&["a"])),
            ("c".to_owned(), set(&["b"])),
        ]
        .into();
        let (remove, keep) = split(&set(&["a", "b", "c"]), &map);
        assert_eq!(remove, set(&["a", "b", "c"]));
        assert!(keep.is_empty());
    }

    #[test]
    fn keeping_one_candidate_keeps_what_it_requires() {
        // x (staying) requires b; b requires c; both b and c are candidates.
        let map: BTreeMap<_, _> = [
            ("b".to_owned(), set(&["x"])),
            ("c".to_owned(), set(&["b"])),
            ("d".to_owned(), set(&[])),
        ]
        .into();
        let (remove, keep) = split(&set(&["b", "c", "d"]), &map);
        assert_eq!(remove, set(&["d"]));
        assert_eq!(keep, set(&["b", "c"]));
    }

    #[test]
    fn unknown_packages_are_removed() {
        let (remove, keep) = split(&set(&["ghost"]), &BTreeMap::new());
        assert_eq!(remove, set(&["ghost"]));
        assert!(keep.is_empty());
    }
}
