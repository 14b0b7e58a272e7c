//! Executing a plan as one transaction.

use std::path::Path;

use hsm_adapter::{InstallCtx, Installed, PackageAdapter};
use infra_fs::Transaction;
use infra_process::{Interrupt, Output, run};

use crate::error::StepError;
use crate::{ProjectLock, SyncError, SyncPlan, UvService};

/// How to apply.
pub struct ApplyOptions<'a> {
    /// `--frozen`.
    pub frozen: bool,
    /// Capture tool output instead of forwarding it.
    pub quiet: bool,
    /// SIGINT/SIGTERM.
    pub interrupt: &'a Interrupt,
}

/// What a successful apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Files written (relative paths).
    pub written: Vec<String>,
    /// Files removed (relative paths).
    pub removed: Vec<String>,
    /// Directories cloned.
    pub cloned: Vec<String>,
    /// What the package tool did.
    pub installed: Installed,
    /// Time spent waiting for the package tools (for `-v`: hsm's own time is the rest).
    pub tool_time: std::time::Duration,
}

impl Outcome {
    /// Whether nothing changed: no file, no clone, nothing installed or removed.
    pub fn is_noop(&self) -> bool {
        self.written.is_empty()
            && self.removed.is_empty()
            && self.cloned.is_empty()
            && !self.installed.changed
    }
}

/// A failed step: its name, the cause and the failing adapter's hints.
type Failure = (String, StepError, Vec<String>);

fn fail(step: &str, e: impl Into<StepError>) -> Failure {
    (step.to_string(), e.into(), Vec::new())
}

fn check(interrupt: &Interrupt, step: &str) -> Result<(), Failure> {
    match interrupt.signal() {
        Some(signal) => Err(fail(
            step,
            infra_process::ProcessError::Interrupted {
                command: step.to_string(),
                signal,
            },
        )),
        None => Ok(()),
    }
}

struct Run<'a, 'p> {
    plan: &'a SyncPlan<'p>,
    adapter: &'a dyn PackageAdapter,
    services: &'a dyn PackageAdapter,
    opts: &'a ApplyOptions<'a>,
    tx: Transaction,
    outcome: Outcome,
}

impl Run<'_, '_> {
    fn root(&self) -> &Path {
        &self.plan.root
    }

    fn track_tool_files(&mut self) -> Result<(), Failure> {
        let mut files = self.adapter.tool_files(self.root());
        for s in &self.plan.services {
            files.extend(self.services.tool_files(&s.dir));
        }
        for f in files {
            self.tx
                .track(&f)
                .map_err(|e| fail("back up tool files", e))?;
        }
        Ok(())
    }

    fn clones(&mut self) -> Result<(), Failure> {
        for c in &self.plan.clones {
            let step = format!("git clone into {}", c.display);
            check(self.opts.interrupt, &step)?;
            self.tx.track_new_dir(&c.dir);
            run(&c.clone_cmd(), Output::Capture, self.opts.interrupt)
                .map_err(|e| fail(&step, e))?;
            if let Some(co) = c.checkout_cmd() {
                run(&co, Output::Capture, self.opts.interrupt).map_err(|e| fail(&step, e))?;
            }
            self.outcome.cloned.push(c.display.clone());
        }
        Ok(())
    }

    fn files(&mut self) -> Result<(), Failure> {
        for f in self.plan.files.iter().filter(|f| f.changed()) {
            let rel = f.path.to_string_lossy().into_owned();
            let step = format!("write {rel}");
            check(self.opts.interrupt, &step)?;
            let path = self.plan.root.join(&f.path);
            match &f.after {
                Some(text) => {
                    self.tx
                        .write(&path, text.as_bytes(), f.mode)
                        .map_err(|e| fail(&step, e))?;
                    self.outcome.written.push(rel);
                }
                None => {
                    self.tx.remove(&path).map_err(|e| fail(&step, e))?;
                    self.outcome.removed.push(rel);
                }
            }
        }
        Ok(())
    }

    /// A service cloned just now had no project file to plan against: edit it now, then
    /// install it.
    fn service(&mut self, s: &UvService) -> Result<(), Failure> {
        let step = format!("uv service `{}`", s.name);
        check(self.opts.interrupt, &step)?;
        let root = self.plan.root.clone();
        let rel = |p: &Path| infra_fs::relative_to(&s.dir.join(p), &root);
        let arts = self
            .services
            .plan(&s.dir, &s.name, &s.requirements)
            .map_err(|e| fail(&step, e))?;
        for a in arts
            .iter()
            .filter(|a| self.plan.planned(&rel(&a.path)).is_none())
        {
            let path = s.dir.join(&a.path);
            let bytes = a.contents.as_deref().unwrap_or_default();
            let before = infra_fs::read_optional(&path).map_err(|e| fail(&step, e))?;
            if before.as_deref() != Some(bytes.as_bytes()) {
                self.tx
                    .write(&path, bytes.as_bytes(), a.mode)
                    .map_err(|e| fail(&step, e))?;
                self.outcome.written.push(rel(&a.path));
            }
        }
        for f in self.services.tool_files(&s.dir) {
            self.tx.track(&f).map_err(|e| fail(&step, e))?;
        }
        let ctx = InstallCtx {
            root: &s.dir,
            frozen: self.opts.frozen,
            interrupt: self.opts.interrupt,
            quiet: self.opts.quiet,
            env: &s.env,
        };
        let step = format!("`uv sync` of service `{}`", s.name);
        let start = std::time::Instant::now();
        let done = self.services.install(&ctx).map_err(|e| {
            let hints = self.services.hints(&e);
            (step.clone(), StepError::from(e), hints)
        })?;
        self.outcome.tool_time += start.elapsed();
        self.outcome.installed.changed |= done.changed;
        Ok(())
    }

    fn install(&mut self) -> Result<(), Failure> {
        let step = self.plan.install_step.clone().map_or_else(
            || format!("{} install", self.adapter.name()),
            |c| format!("`{c}`"),
        );
        check(self.opts.interrupt, &step)?;
        let ctx = InstallCtx {
            root: &self.plan.root,
            frozen: self.opts.frozen,
            interrupt: self.opts.interrupt,
            quiet: self.opts.quiet,
            env: &[],
        };
        let start = std::time::Instant::now();
        let done = self.adapter.install(&ctx).map_err(|e| {
            let hints = self.adapter.hints(&e);
            (step.clone(), StepError::from(e), hints)
        })?;
        self.outcome.tool_time += start.elapsed();
        self.outcome.installed.ran |= done.ran;
        self.outcome.installed.changed |= done.changed;
        check(self.opts.interrupt, "finalize")
    }

    fn all(&mut self) -> Result<(), Failure> {
        self.track_tool_files()?;
        self.clones()?;
        self.files()?;
        for s in &self.plan.services {
            self.service(s)?;
        }
        self.install()
    }
}

/// Applies `plan` while the caller holds the project's lock: clones, writes every changed
/// file atomically, then runs the package tool. On any failure or interruption, every file
/// touched (including the tool's own lock file) is restored byte for byte and fresh clones
/// are removed.
pub fn apply(
    _lock: &ProjectLock,
    plan: &SyncPlan<'_>,
    adapter: &dyn PackageAdapter,
    services: &dyn PackageAdapter,
    opts: &ApplyOptions<'_>,
) -> Result<Outcome, SyncError> {
    let mut r = Run {
        plan,
        adapter,
        services,
        opts,
        tx: Transaction::new(),
        outcome: Outcome::default(),
    };
    let result = r.all();
    let Run { tx, outcome, .. } = r;
    match result {
        Ok(()) => {
            tx.commit();
            Ok(outcome)
        }
        Err((step, source, hints)) => {
            let rolled = tx.rollback();
            if let Some(signal) = opts.interrupt.signal() {
                return Err(SyncError::Interrupted { signal, step });
            }
            match rolled {
                Ok(()) => Err(SyncError::Step {
                    step,
                    source,
                    hints,
                }),
                Err(errors) => Err(SyncError::RollbackFailed {
                    step,
                    source,
                    errors,
                }),
            }
        }
    }
}
