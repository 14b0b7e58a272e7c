//! The context every operation runs in, and an opened project.

use std::path::{Path, PathBuf};
use std::time::Instant;

use hsm_adapter::PackageAdapter;
use hsm_sync::{Loaded, PlanInput, ProjectLock, RegistryLocation, SyncError, SyncPlan};
use infra_cli::{Printer, Setting};
use infra_process::Interrupt;

use crate::{OpsError, Settings};

/// The package adapters this hsm ships, registered by the binary.
pub struct Tools {
    /// Every adapter, by name.
    pub adapters: Vec<Box<dyn PackageAdapter>>,
    /// The name of the adapter that installs isolated uv services (`runtime: uv`).
    pub services: &'static str,
}

impl Tools {
    /// The adapter called `name`.
    pub fn get(&self, name: &str) -> Option<&dyn PackageAdapter> {
        self.adapters
            .iter()
            .find(|a| a.name() == name)
            .map(|a| a.as_ref())
    }

    /// Every adapter name.
    pub fn names(&self) -> Vec<&'static str> {
        self.adapters.iter().map(|a| a.name()).collect()
    }

    /// The adapter of isolated uv services.
    pub fn service_adapter(&self) -> Result<&dyn PackageAdapter, OpsError> {
        self.get(self.services)
            .ok_or_else(|| OpsError::UnknownAdapter {
                name: self.services.to_string(),
                known: self.names().iter().map(|s| (*s).to_string()).collect(),
                diagnostic: None,
            })
    }
}

/// What an operation runs with.
pub struct Context<'a> {
    /// Settings (working directory, overrides).
    pub settings: &'a Settings,
    /// The adapters.
    pub tools: &'a Tools,
    /// Status, progress and `-v` lines (never data).
    pub printer: &'a Printer,
    /// SIGINT/SIGTERM.
    pub interrupt: &'a Interrupt,
    /// hsm's version, for generated-file headers.
    pub version: &'a str,
}

/// A loaded project and where its registry came from.
pub struct Project {
    /// Manifest, registry and variables.
    pub loaded: Loaded,
    /// The registry directory and its provenance.
    pub registry: Setting<PathBuf>,
}

impl Context<'_> {
    /// The project root: the nearest directory, from the working directory up, holding
    /// `hsm.yaml`.
    pub fn root(&self) -> Result<PathBuf, OpsError> {
        hsm_sync::find_root(&self.settings.cwd).ok_or_else(|| {
            OpsError::Sync(SyncError::NoProject {
                start: self.settings.cwd.clone(),
            })
        })
    }

    /// Loads the project and its registry.
    pub fn open(&self) -> Result<Project, OpsError> {
        let start = Instant::now();
        let root = self.root()?;
        let project = hsm_sync::load_project(&root, &self.settings.cache)?;
        let registry = self.settings.registry(Some(&project), &root);
        let location = RegistryLocation {
            path: registry.value.clone(),
            origin: registry.provenance.to_string(),
        };
        let loaded = hsm_sync::load(project, location, &self.settings.cache)?;
        self.printer.debug(&format!(
            "project {} · registry {} (from {}) · loaded in {:.1} ms",
            root.display(),
            registry.value.display(),
            registry.provenance,
            start.elapsed().as_secs_f64() * 1000.0
        ));
        Ok(Project { loaded, registry })
    }

    /// Takes the lock of the project at `root`, saying so if another hsm holds it.
    pub fn lock(&self, root: &Path) -> Result<ProjectLock, OpsError> {
        let printer = self.printer;
        let mut waiting = || {
            printer.warn("another hsm process is changing this project; waiting for it to finish (Ctrl-C to stop)");
        };
        Ok(ProjectLock::acquire(root, self.interrupt, &mut waiting)?)
    }

    /// Locks the project, then loads it: what a command that writes needs.
    pub fn open_locked(&self) -> Result<(ProjectLock, Project), OpsError> {
        let root = self.root()?;
        let lock = self.lock(&root)?;
        Ok((lock, self.open()?))
    }
}

impl Project {
    /// The project root.
    pub fn root(&self) -> &Path {
        &self.loaded.project.root
    }

    /// The package adapter `package_manager:` names (`uv` by default).
    pub fn adapter<'t>(&self, tools: &'t Tools) -> Result<&'t dyn PackageAdapter, OpsError> {
        let name = self
            .loaded
            .project
            .manifest
            .package_manager
            .as_ref()
            .map_or("uv", |n| n.0.as_str());
        tools.get(name).ok_or_else(|| OpsError::UnknownAdapter {
            name: name.to_string(),
            known: tools.names().iter().map(|s| (*s).to_string()).collect(),
            diagnostic: Some(self.loaded.project.error(
                "package_manager",
                format!("unknown package manager `{name}`"),
            )),
        })
    }

    /// Resolves and plans, with the project's adapter.
    pub fn plan<'p>(&'p self, ctx: &Context<'_>, frozen: bool) -> Result<SyncPlan<'p>, OpsError> {
        let start = Instant::now();
        let adapter = self.adapter(ctx.tools)?;
        let input = PlanInput {
            adapter,
            retired: ctx
                .tools
                .adapters
                .iter()
                .filter(|a| a.name() != adapter.name())
                .map(|a| a.as_ref())
                .collect(),
            services: ctx.tools.service_adapter()?,
            version: ctx.version,
            frozen,
        };
        let plan = hsm_sync::plan(&self.loaded, &input)?;
        ctx.printer.debug(&format!(
            "resolved and planned in {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        ));
        Ok(plan)
    }
}
