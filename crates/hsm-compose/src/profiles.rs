//! The user's own `docker-compose.yml` and which of its `profiles:` to switch on.
//!
//! Seed 002 §2: hsm activates the compose profiles that match the selected groups. A profile
//! of the user's file is activated when its name is a selected group, a selected container or
//! a group alias. Generated services never carry profiles, so this only affects services the
//! user wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hsm_resolve::Stack;
use infra_yaml::Diagnostic;
use serde::Deserialize;

/// The names Docker Compose looks for, in its order of preference.
const DEFAULT_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The user's own compose file, relative to `root`: `configured` (`compose.file` in hsm.yaml)
/// if given, else the first default name that exists.
pub fn user_compose_file(root: &Path, configured: Option<&str>) -> Option<String> {
    match configured {
        Some(c) => Some(c.to_string()),
        None => DEFAULT_FILES
            .iter()
            .find(|f| root.join(f).is_file())
            .map(|s| (*s).to_string()),
    }
}

/// The parts of the user's compose file hsm reads.
#[derive(Debug, Default, Deserialize)]
pub struct UserCompose {
    /// Services and their profiles.
    #[serde(default)]
    pub services: BTreeMap<String, UserService>,
}

/// One user service.
#[derive(Debug, Default, Deserialize)]
pub struct UserService {
    /// Compose profiles gating the service.
    #[serde(default)]
    pub profiles: Vec<String>,
}

impl UserCompose {
    /// Reads the file (unknown keys are ignored: it is compose's schema, not ours).
    pub fn load(path: &Path, display: &Path) -> Result<Self, Diagnostic> {
        let bytes = infra_fs::read_text_file(path)
            .map_err(|e| Diagnostic::new(display, format!("cannot read compose file: {e}")))?;
        let text = infra_yaml::utf8_text(display, bytes)?;
        infra_yaml::from_str(display, &text).map_err(Diagnostic::from)
    }

    /// Every profile name used.
    pub fn profiles(&self) -> BTreeSet<&str> {
        self.services
            .values()
            .flat_map(|s| s.profiles.iter().map(String::as_str))
            .collect()
    }
}

/// The user's profiles that the selection switches on, sorted.
pub fn profiles_to_activate(user: &UserCompose, stack: &Stack<'_>) -> Vec<String> {
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for g in &stack.groups {
        if !g.selected.is_empty() {
            wanted.insert(&g.name);
        }
        if let Some(a) = &g.alias {
            wanted.insert(a);
        }
    }
    for c in &stack.containers {
        if c.in_compose() {
            wanted.insert(&c.name);
        }
    }
    for p in &stack.packages {
        wanted.insert(&p.name);
    }
    user.profiles()
        .into_iter()
        .filter(|p| wanted.contains(p))
        .map(str::to_string)
        .collect()
}
