//! The paths of the state store.

use std::path::{Path, PathBuf};

/// The store rooted at one directory (`SQLRS_STATE_STORE`, or `$XDG_STATE_HOME/sqlrs/store`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

/// A path segment made from a name a user or an image gave: anything but ASCII letters,
/// digits, `.`, `-` and `_` becomes `_`, and `.`/`..` cannot result.
fn segment(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match cleaned.as_str() {
        "" | "." | ".." => format!("_{cleaned}"),
        _ => cleaned,
    }
}

impl Layout {
    /// The store at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `state.db`: the metadata.
    pub fn state_db(&self) -> PathBuf {
        self.root.join("state.db")
    }

    /// `config.json`: the engine's configuration overrides.
    pub fn config_json(&self) -> PathBuf {
        self.root.join("config.json")
    }

    /// `engines/<engine>/<version>`: everything built on one PostgreSQL build.
    pub fn engine_dir(&self, engine: &str, version: &str) -> PathBuf {
        self.root
            .join("engines")
            .join(segment(engine))
            .join(segment(version))
    }

    /// The initialised base of a build.
    pub fn base(&self, engine: &str, version: &str) -> PathBuf {
        self.engine_dir(engine, version).join("base")
    }

    /// Where the states of a build live.
    pub fn states(&self, engine: &str, version: &str) -> PathBuf {
        self.engine_dir(engine, version).join("states")
    }

    /// One state (`id` is a checked 64-hex id).
    pub fn state(&self, engine: &str, version: &str, id: &str) -> PathBuf {
        self.states(engine, version).join(segment(id))
    }

    /// `layers`: the overlay backend's layers, shared by the states of every build.
    pub fn layers(&self) -> PathBuf {
        self.root.join("layers")
    }

    /// A job's scratch runtime (removed with the job; never an instance's data).
    pub fn job_runtime(&self, job: &str) -> PathBuf {
        self.root.join("jobs").join(segment(job)).join("runtime")
    }

    /// An instance's own data directory.
    pub fn instance_data(&self, instance: &str) -> PathBuf {
        self.root
            .join("instances")
            .join(segment(instance))
            .join("data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_layout_and_names_cannot_escape_it() {
        let l = Layout::new("/s");
        assert_eq!(l.state_db(), Path::new("/s/state.db"));
        assert_eq!(
            l.base("postgres", "15.18"),
            Path::new("/s/engines/postgres/15.18/base")
        );
        assert_eq!(
            l.state("postgres", "sha256:ab", "ff"),
            Path::new("/s/engines/postgres/sha256_ab/states/ff")
        );
        assert_eq!(l.job_runtime("j"), Path::new("/s/jobs/j/runtime"));
        assert_eq!(l.layers(), Path::new("/s/layers"));
        assert_eq!(l.instance_data("i"), Path::new("/s/instances/i/data"));
        assert_eq!(
            l.base("..", "a/../../b"),
            Path::new("/s/engines/_../a_.._.._b/base")
        );
    }
}
