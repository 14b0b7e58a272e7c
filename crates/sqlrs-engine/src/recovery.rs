//! What a restarted engine does before it serves: stop the servers and remove the
//! scratch directories a killed engine left in `jobs/`, remove half-published states,
//! and resume the jobs that were queued or running.
//!
//! A resumed job is planned again from its stored request: the states it published before
//! the crash are cache hits, so it continues where it stopped. One whose request no
//! longer plans (a script was deleted) fails with the reason.

use std::path::Path;
use std::sync::Arc;

use infra_process::Interrupt;
use sqlrs_runtime::Owner;
use sqlrs_schema::{ErrorCode, Event, PrepareRequest, time};
use sqlrs_statefs::reconcile;

use crate::Engine;

impl Engine {
    /// Cleans up after a crash and resumes unfinished jobs; returns what it did, a line
    /// each, for the engine's log.
    pub fn recover(self: &Arc<Self>) -> Vec<String> {
        let mut done = self.reap_orphans();
        done.extend(self.clean_job_dirs());
        done.extend(self.clean_instance_dirs());
        done.extend(self.reconcile_states());
        done.extend(self.resume_jobs());
        done
    }

    /// Removes the runtime's servers whose job is gone (no job runs yet) or whose instance
    /// is no longer stored (containers; the native runtime has none to find).
    fn reap_orphans(&self) -> Vec<String> {
        let alive = |owner: &Owner| match owner {
            Owner::Job(_) => false,
            Owner::Instance(id) => sqlrs_schema::InstanceId::parse(id)
                .ok()
                .and_then(|id| self.store.instance(&id).ok().flatten())
                .is_some(),
        };
        match self.runtime.reap_orphans(&alive, &Interrupt::none()) {
            Ok(removed) => removed
                .into_iter()
                .map(|r| format!("removed the orphaned server {r}"))
                .collect(),
            Err(e) => vec![format!("cannot look for orphaned servers: {e}")],
        }
    }

    /// Stops any server still running in a job's scratch directory and removes it.
    fn clean_job_dirs(&self) -> Vec<String> {
        let probe = self.layout.job_runtime("probe");
        let Some(jobs) = probe.parent().and_then(Path::parent) else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(jobs) else {
            return Vec::new();
        };
        let mut done = Vec::new();
        for entry in entries.flatten() {
            let runtime = entry.path().join("runtime");
            if runtime.join("pgdata").join("postmaster.pid").exists() {
                let _ = self.runtime.stop(&runtime, &Interrupt::none());
                done.push(format!("stopped the server left in {}", runtime.display()));
            }
            let _ = self.backend.remove(&runtime);
            if std::fs::remove_dir_all(entry.path()).is_ok() {
                done.push(format!("removed {}", entry.path().display()));
            }
        }
        done
    }

    /// Removes instance directories no stored instance owns (a crash between the clone
    /// and its record).
    fn clean_instance_dirs(&self) -> Vec<String> {
        let probe = self.layout.instance_data("probe");
        let Some(instances) = probe.parent().and_then(Path::parent) else {
            return Vec::new();
        };
        let mut done = Vec::new();
        for dir in read_dirs(instances) {
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
            let known = name
                .as_deref()
                .and_then(|n| sqlrs_schema::InstanceId::parse(n).ok())
                .and_then(|id| self.store.instance(&id).ok().flatten())
                .is_some();
            if known {
                continue;
            }
            let data = dir.join("data");
            if data.join("pgdata").join("postmaster.pid").exists() {
                let _ = self.runtime.stop(&data, &Interrupt::none());
            }
            let _ = self.backend.remove(&data);
            if std::fs::remove_dir_all(&dir).is_ok() {
                done.push(format!("removed the unrecorded instance {}", dir.display()));
            }
        }
        done
    }

    /// Removes half-published states under every `engines/<engine>/<version>/states`.
    fn reconcile_states(&self) -> Vec<String> {
        let engines = self.layout.root().join("engines");
        let mut done = Vec::new();
        for engine in read_dirs(&engines) {
            for version in read_dirs(&engine) {
                let states = version.join("states");
                let known = |id: &str| {
                    sqlrs_schema::StateId::parse(id)
                        .ok()
                        .and_then(|id| self.store.state(&id).ok().flatten())
                        .is_some()
                };
                if let Ok(removed) = reconcile(&*self.backend, &states, &known) {
                    done.extend(
                        removed
                            .iter()
                            .map(|p| format!("removed the unrecorded state {}", p.display())),
                    );
                }
            }
        }
        done
    }

    /// Plans and starts every queued or running job again.
    fn resume_jobs(self: &Arc<Self>) -> Vec<String> {
        let Ok(jobs) = self.store.unfinished_jobs() else {
            return vec!["cannot list unfinished jobs".into()];
        };
        let mut done = Vec::new();
        for (job, request_json) in jobs {
            self.event(
                &job,
                &Event::log(time::now(), "engine restarted: resuming the job"),
            );
            let planned = serde_json::from_str::<PrepareRequest>(&request_json)
                .map_err(|e| e.to_string())
                .and_then(|r| self.plan(&r).map(|p| (p, r)).map_err(|e| e.to_string()));
            match planned {
                Ok((plan, request)) => {
                    let _ = self.store.set_tasks(&job, &plan.tasks());
                    self.spawn(job.clone(), plan, request.name().0.map(str::to_string));
                    done.push(format!("resumed job {job}"));
                }
                Err(e) => {
                    self.fail_job(
                        &job,
                        ErrorCode::InternalError,
                        &format!("cannot resume after a restart: {e}"),
                    );
                    done.push(format!("failed job {job}: {e}"));
                }
            }
        }
        done
    }
}

/// The subdirectories of `dir` (none when it cannot be read).
fn read_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default()
}
