//! The step log: which steps of which plan are done, one JSON line per step, appended and
//! flushed as each finishes, so a resumed apply skips exactly those.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hyperforge_forge::RemoteRepo;
use serde::{Deserialize, Serialize};

/// One finished step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// The hash of the plan ([`hyperforge_plan::Plan::hash`]; a log of another plan is
    /// ignored).
    pub plan: String,
    /// The step's index in the plan.
    pub step: usize,
    /// What the forge returned (created or updated repositories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<RemoteRepo>,
}

/// The log of a plan's apply.
#[derive(Debug)]
pub struct StepLog {
    path: PathBuf,
    plan: String,
    done: BTreeMap<usize, Option<RemoteRepo>>,
}

impl StepLog {
    /// The log at `path` for the plan hashed `plan` (lines of other plans, or torn last
    /// lines of a crash, are ignored).
    pub fn open(path: &Path, plan: &str) -> Self {
        let mut done = BTreeMap::new();
        if let Ok(text) = std::fs::read_to_string(path) {
            for line in text.lines() {
                if let Ok(d) = serde_json::from_str::<Done>(line)
                    && d.plan == plan
                {
                    done.insert(d.step, d.result);
                }
            }
        }
        Self {
            path: path.to_path_buf(),
            plan: plan.to_string(),
            done,
        }
    }

    /// Whether any step of this plan is done (an apply of it was interrupted).
    pub fn any_done(&self) -> bool {
        !self.done.is_empty()
    }

    /// Whether step `i` is done.
    pub fn is_done(&self, i: usize) -> bool {
        self.done.contains_key(&i)
    }

    /// What step `i` returned, when it is done.
    pub fn result(&self, i: usize) -> Option<&RemoteRepo> {
        self.done.get(&i).and_then(Option::as_ref)
    }

    /// Records step `i` as done (appended and flushed before returning).
    pub fn record(&mut self, i: usize, result: Option<RemoteRepo>) -> std::io::Result<()> {
        let line = serde_json::to_string(&Done {
            plan: self.plan.clone(),
            step: i,
            result: result.clone(),
        })
        .map_err(std::io::Error::other)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(format!("{line}\n").as_bytes())?;
        file.sync_data()?;
        self.done.insert(i, result);
        Ok(())
    }

    /// Removes the log (the apply finished).
    pub fn finish(self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopened_log_knows_what_is_done_and_ignores_other_plans_and_torn_lines() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("apply.log");
        let mut log = StepLog::open(&path, "p1");
        log.record(0, None).unwrap_or_else(|e| panic!("{e}"));
        log.record(2, None).unwrap_or_else(|e| panic!("{e}"));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(b"{\"plan\":\"p2\",\"step\":1}\n{\"plan\":\"p1\",\"st")
            .unwrap_or_else(|e| panic!("{e}"));
        let again = StepLog::open(&path, "p1");
        assert!(again.is_done(0) && again.is_done(2) && !again.is_done(1));
        again.finish().unwrap_or_else(|e| panic!("{e}"));
        assert!(!path.exists());
    }
}
