//! `hsm list` as a tree.

use std::fmt::Write as _;

use hsm_ops::list::{ContainerItem, StackReport};

fn branch(i: usize, n: usize) -> &'static str {
    if i + 1 == n { "└──" } else { "├──" }
}

fn container_line(c: &ContainerItem) -> String {
    let deployment = match (c.deployment, c.runtime) {
        ("external", _) => format!("external {}", c.host.clone().unwrap_or_default()),
        (_, "uv") => "managed, uv".to_string(),
        _ => "managed".to_string(),
    };
    let profile = c
        .profile
        .as_ref()
        .map(|p| format!(", profile {p}"))
        .unwrap_or_default();
    let alias = if c.aliases.is_empty() {
        String::new()
    } else {
        format!(", as {}", c.aliases.join("/"))
    };
    format!("{} [{}, {deployment}{profile}{alias}]", c.name, c.mode)
}

/// The tree: packages, containers (with their merged params), groups.
pub fn render(r: &StackReport) -> String {
    let mut s = format!("Project: {}\n├── Packages\n", r.project);
    let np = r.packages.len();
    for (i, p) in r.packages.iter().enumerate() {
        let why = match p.via.len() {
            0 | 1 => String::new(),
            n => format!("  ← {}", p.via[n - 2]),
        };
        let _ = writeln!(
            s,
            "│   {} {} [{}, {}]{why}",
            branch(i, np),
            p.name,
            p.mode,
            p.source
        );
    }
    s.push_str("├── Containers\n");
    let nc = r.containers.len();
    for (i, c) in r.containers.iter().enumerate() {
        let _ = writeln!(s, "│   {} {}", branch(i, nc), container_line(c));
        let rail = if i + 1 == nc { " " } else { "│" };
        for (k, v) in &c.params {
            let _ = writeln!(s, "│   {rail}     {k} = {}", v.join(","));
        }
    }
    s.push_str("└── Groups\n");
    let ng = r.groups.len();
    for (i, g) in r.groups.iter().enumerate() {
        let kind = g.kind.trim_end_matches("_group");
        let adhoc = if g.adhoc { ", ad hoc" } else { "" };
        let _ = writeln!(
            s,
            "    {} {} ({kind}, {}{adhoc}) → {}",
            branch(i, ng),
            g.name,
            g.strategy,
            g.selected.join(", ")
        );
    }
    s
}
