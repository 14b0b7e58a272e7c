//! Executing a plan as one transaction.

use hsm_adapter::{InstallCtx, PackageAdapter};
use infra_fs::Transaction;
use infra_process::{Cmd, Interrupt, Output, run};

use crate::error::StepError;
use crate::{SyncError, SyncPlan};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Files written or removed (relative paths).
    pub written: Vec<String>,
    /// Directories cloned.
    pub cloned: Vec<String>,
    /// Whether the package tool ran.
    pub installed: bool,
}

/// Applies `plan`: clones, writes every changed file atomically, then runs the package
/// tool. On any failure or interruption, every file touched (including the tool's own lock
/// file) is restored byte for byte and fresh clones are removed.
pub fn apply(
    plan: &SyncPlan<'_>,
    adapter: &dyn PackageAdapter,
    service_adapter: &dyn PackageAdapter,
    opts: &ApplyOptions<'_>,
) -> Result<Outcome, SyncError> {
    let root = plan.root.as_path();
    // One writer per project: the manifest itself is the lock file (nothing is created).
    let _lock = match infra_fs::FileLock::try_exclusive(&root.join("hsm.yaml")) {
        Ok(Some(lock)) => lock,
        Ok(None) => return Err(SyncError::Busy),
        Err(e) => {
            return Err(SyncError::Step {
                step: "lock hsm.yaml".into(),
                source: e.into(),
            });
        }
    };
    let mut tx = Transaction::new();
    let mut outcome = Outcome {
        written: Vec::new(),
        cloned: Vec::new(),
        installed: false,
    };
    let result = (|| -> Result<(), (String, StepError)> {
        let service_tool_files = plan
            .services
            .iter()
            .flat_map(|s| service_adapter.tool_files(&s.dir));
        for f in adapter
            .tool_files(root)
            .into_iter()
            .chain(service_tool_files)
        {
            tx.track(&f)
                .map_err(|e| ("back up tool files".to_string(), e.into()))?;
        }
        for c in &plan.clones {
            let step = format!("git clone into {}", c.display);
            check(opts.interrupt, &step)?;
            tx.track_new_dir(&c.dir);
            let clone = Cmd::new("git")
                .arg("clone")
                .arg("--quiet")
                .arg(&c.url)
                .arg(&c.dir)
                .stdin_null();
            run(&clone, Output::Capture, opts.interrupt).map_err(|e| (step.clone(), e.into()))?;
            if let Some(r) = &c.reference {
                let co = Cmd::new("git")
                    .arg("-C")
                    .arg(&c.dir)
                    .args(["checkout", "--quiet", r])
                    .stdin_null();
                run(&co, Output::Capture, opts.interrupt).map_err(|e| (step.clone(), e.into()))?;
            }
            outcome.cloned.push(c.display.clone());
        }
        for f in plan.files.iter().filter(|f| f.changed()) {
            let rel = f.path.to_string_lossy().into_owned();
            let step = format!("write {rel}");
            check(opts.interrupt, &step)?;
            let path = root.join(&f.path);
            match &f.after {
                Some(text) => tx.write(&path, text.as_bytes(), f.mode),
                None => tx.remove(&path),
            }
            .map_err(|e| (step.clone(), e.into()))?;
            outcome.written.push(rel);
        }
        for s in &plan.services {
            let step = format!("uv service `{}`", s.name);
            check(opts.interrupt, &step)?;
            // A service cloned just now had no project file to plan against: edit it now.
            let rel = |p: &std::path::Path| infra_fs::relative_to(&s.dir.join(p), root);
            let planned = |p: &std::path::Path| {
                plan.files
                    .iter()
                    .any(|f| f.path.to_string_lossy() == rel(p))
            };
            let arts = service_adapter
                .plan(&s.dir, &s.name, &s.requirements)
                .map_err(|e| (step.clone(), e.into()))?;
            for a in arts.iter().filter(|a| !planned(&a.path)) {
                let path = s.dir.join(&a.path);
                let bytes = a.contents.as_deref().unwrap_or_default();
                let before =
                    infra_fs::read_optional(&path).map_err(|e| (step.clone(), e.into()))?;
                if before.as_deref() != Some(bytes.as_bytes()) {
                    tx.write(&path, bytes.as_bytes(), a.mode)
                        .map_err(|e| (step.clone(), e.into()))?;
                    outcome.written.push(rel(&a.path));
                }
            }
            for f in service_adapter.tool_files(&s.dir) {
                tx.track(&f).map_err(|e| (step.clone(), e.into()))?;
            }
            let ctx = InstallCtx {
                root: &s.dir,
                frozen: opts.frozen,
                interrupt: opts.interrupt,
                quiet: opts.quiet,
                env: &s.env,
            };
            service_adapter
                .install(&ctx)
                .map_err(|e| (format!("`uv sync` of service `{}`", s.name), e.into()))?;
        }
        let step = format!("{} install", adapter.name());
        check(opts.interrupt, &step)?;
        let ctx = InstallCtx {
            root,
            frozen: opts.frozen,
            interrupt: opts.interrupt,
            quiet: opts.quiet,
            env: &[],
        };
        outcome.installed = adapter
            .install(&ctx)
            .map_err(|e| (step_name(adapter, opts.frozen), e.into()))?;
        check(opts.interrupt, "finalize")?;
        Ok(())
    })();
    match result {
        Ok(()) => {
            tx.commit();
            Ok(outcome)
        }
        Err((step, source)) => {
            let rolled = tx.rollback();
            if let Some(signal) = opts.interrupt.signal() {
                return Err(SyncError::Interrupted { signal, step });
            }
            match rolled {
                Ok(()) => Err(SyncError::Step { step, source }),
                Err(errors) => Err(SyncError::RollbackFailed {
                    step,
                    source,
                    errors,
                }),
            }
        }
    }
}

fn step_name(adapter: &dyn PackageAdapter, frozen: bool) -> String {
    match adapter.name() {
        "uv" if frozen => "`uv sync --frozen`".into(),
        "uv" => "`uv sync`".into(),
        other => format!("`{other}` install"),
    }
}

fn check(interrupt: &Interrupt, step: &str) -> Result<(), (String, StepError)> {
    if interrupt.is_set() {
        Err((
            step.to_string(),
            StepError::Process(infra_process::ProcessError::Interrupted {
                command: step.to_string(),
                signal: interrupt.signal().unwrap_or(15),
            }),
        ))
    } else {
        Ok(())
    }
}
