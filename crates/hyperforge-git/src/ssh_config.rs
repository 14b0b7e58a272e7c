//! Marked Host blocks in `~/.ssh/config`: one per org and forge alias, so
//! `git@github-acme:acme/x.git` picks the org's key. Only text between hyperforge's own
//! markers is ever replaced; every other line stays byte for byte.

use std::path::Path;

/// One block to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostBlock {
    /// The alias (`github-acme`).
    pub alias: String,
    /// The real host (`github.com`).
    pub hostname: String,
    /// The SSH user (`git`).
    pub user: String,
    /// The key for this org.
    pub identity_file: Option<String>,
    /// A port other than 22.
    pub port: Option<u16>,
}

fn begin(alias: &str) -> String {
    format!("# >>> hyperforge {alias} (managed; edits inside are replaced)")
}

fn end(alias: &str) -> String {
    format!("# <<< hyperforge {alias}")
}

fn render(b: &HostBlock) -> String {
    let mut lines = vec![
        begin(&b.alias),
        format!("Host {}", b.alias),
        format!("    HostName {}", b.hostname),
        format!("    User {}", b.user),
    ];
    if let Some(p) = b.port {
        lines.push(format!("    Port {p}"));
    }
    if let Some(k) = &b.identity_file {
        lines.push(format!("    IdentityFile {k}"));
        lines.push("    IdentitiesOnly yes".into());
    }
    lines.push(end(&b.alias));
    lines.join("\n")
}

/// `text` with the block of `block.alias` replaced (or appended when there is none).
pub fn upsert(text: &str, block: &HostBlock) -> String {
    let (start, stop) = (begin(&block.alias), end(&block.alias));
    let rendered = render(block);
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.iter().position(|l| *l == start);
    let to = from.and_then(|f| lines[f..].iter().position(|l| *l == stop).map(|p| f + p));
    let mut out: Vec<String> = match (from, to) {
        (Some(f), Some(t)) => lines[..f]
            .iter()
            .map(|s| s.to_string())
            .chain(std::iter::once(rendered))
            .chain(lines[t + 1..].iter().map(|s| s.to_string()))
            .collect(),
        _ => {
            let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            if v.last().is_some_and(|l| !l.trim().is_empty()) {
                v.push(String::new());
            }
            v.push(rendered);
            v
        }
    };
    if out.last().is_some_and(|l| !l.is_empty()) {
        out.push(String::new());
    }
    out.join("\n")
}

/// Writes `blocks` into the ssh config at `path` (created 0600 if missing); `true` when
/// the file changed. Atomic: a reader sees the old file or the new one.
pub fn write(path: &Path, blocks: &[HostBlock]) -> Result<bool, infra_fs::FsError> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let new = blocks.iter().fold(old.clone(), |text, b| upsert(&text, b));
    if new == old {
        return Ok(false);
    }
    infra_fs::write_atomic(path, new.as_bytes(), Some(0o600))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(key: &str) -> HostBlock {
        HostBlock {
            alias: "github-acme".into(),
            hostname: "github.com".into(),
            user: "git".into(),
            identity_file: Some(key.into()),
            port: None,
        }
    }

    #[test]
    fn blocks_are_appended_replaced_and_other_lines_kept() {
        let mine = "Host *\n    ServerAliveInterval 30\n# my comment\n";
        let once = upsert(mine, &block("~/.ssh/a"));
        assert!(
            once.starts_with(mine),
            "the user's lines come first, untouched:\n{once}"
        );
        assert_eq!(upsert(&once, &block("~/.ssh/a")), once, "idempotent");
        let changed = upsert(&once, &block("~/.ssh/b"));
        assert!(changed.contains("IdentityFile ~/.ssh/b") && !changed.contains("~/.ssh/a"));
        assert!(changed.starts_with(mine));
        assert_eq!(changed.matches(">>> hyperforge github-acme").count(), 1);
    }
}
