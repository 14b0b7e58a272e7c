//! Reading what `uv sync` did from its output.
//!
//! uv reports `Installed N packages`, `Uninstalled …`, and one ` + name==version` /
//! ` - name==version` / ` ~ name==version` line per change; a sync that changes nothing says
//! `Audited N packages`. hsm uses this to say "Nothing to change" only when that is true
//! (an interrupted sync's follow-up does install what was missing).

/// Whether uv's output shows that the environment changed.
pub(crate) fn changed(output: &str) -> bool {
    output.lines().map(str::trim_start).any(|l| {
        l.starts_with("Installed ")
            || l.starts_with("Uninstalled ")
            || l.starts_with("Updated ")
            || l.starts_with("+ ")
            || l.starts_with("- ")
            || l.starts_with("~ ")
    })
}

/// The differences `uv sync --check --locked` reports, one line each.
pub(crate) fn drift(output: &str) -> Vec<String> {
    let detail: Vec<String> = output
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(['+', '-', '~']) || l.contains("error"))
        .map(|l| format!("uv: {l}"))
        .collect();
    if detail.is_empty() {
        vec!["the environment is not in sync with uv.lock".into()]
    } else {
        detail
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_changes() {
        assert!(!super::changed(
            "Resolved 3 packages in 1ms\nAudited 3 packages in 0.1ms\n"
        ));
        assert!(super::changed(
            "Resolved 3 packages in 1ms\nInstalled 1 package in 2ms\n + six==1.16.0\n"
        ));
        assert!(super::changed(" - six==1.16.0"));
        assert_eq!(
            super::drift("Would install\n + six==1\n"),
            vec!["uv: + six==1"]
        );
    }
}
