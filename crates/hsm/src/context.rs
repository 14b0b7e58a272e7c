//! Settings resolved once per invocation: working directory, registry choice, printer,
//! interrupt handling.

use std::path::{Path, PathBuf};

use hsm_adapter::PackageAdapter;
use hsm_sync::{Loaded, SyncError};
use infra_process::Interrupt;

use crate::cli::Cli;
use crate::error::CliError;
use crate::printer::Printer;

/// hsm's version, written into generated-file headers.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Environment variable naming the registry.
pub const REGISTRY_ENV: &str = "HSM_REGISTRY_PATH";

/// Per-invocation context.
pub struct Ctx {
    /// Directory hsm runs in (`-C`).
    pub cwd: PathBuf,
    /// Output.
    pub printer: Printer,
    /// `--registry`.
    pub registry_flag: Option<PathBuf>,
    /// SIGINT/SIGTERM.
    pub interrupt: Interrupt,
}

impl Ctx {
    /// Builds the context from the parsed arguments.
    pub fn new(cli: &Cli, printer: Printer) -> Result<Self, CliError> {
        let base = std::env::current_dir()
            .map_err(|e| CliError::failure(format!("cannot read the current directory: {e}")))?;
        let cwd = match &cli.directory {
            Some(d) if d.is_absolute() => d.clone(),
            Some(d) => base.join(d),
            None => base,
        };
        if !cwd.is_dir() {
            return Err(CliError::usage(format!(
                "`-C {}`: not a directory",
                cwd.display()
            )));
        }
        let interrupt = Interrupt::install().unwrap_or_else(|_| Interrupt::none());
        Ok(Self {
            cwd: hsm_resolve::normalize(&cwd),
            printer,
            registry_flag: cli.registry.clone(),
            interrupt,
        })
    }

    /// The project root (walking up to `hsm.yaml`).
    pub fn root(&self) -> Result<PathBuf, CliError> {
        hsm_sync::find_root(&self.cwd).ok_or_else(|| {
            SyncError::NoProject {
                start: self.cwd.clone(),
            }
            .into()
        })
    }

    /// The registry directory from flag or environment, if given.
    pub fn registry_override(&self) -> (Option<PathBuf>, Option<PathBuf>) {
        let env = std::env::var_os(REGISTRY_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        (self.registry_flag.clone(), env)
    }

    /// Loads the project and its registry.
    pub fn load(&self) -> Result<Loaded, CliError> {
        let start = std::time::Instant::now();
        let root = self.root()?;
        let (flag, env) = self.registry_override();
        let loaded = hsm_sync::load(&root, flag.as_deref(), env.as_deref())?;
        self.printer.debug(&format!(
            "project {} · registry {} (from {}) · loaded in {:.1} ms",
            root.display(),
            loaded.registry_choice.path.display(),
            loaded.registry_choice.origin,
            start.elapsed().as_secs_f64() * 1000.0
        ));
        Ok(loaded)
    }

    /// The package adapter named by the manifest.
    pub fn adapter(&self, loaded: &Loaded) -> Result<Box<dyn PackageAdapter>, CliError> {
        let name = loaded
            .project
            .manifest
            .package_manager
            .as_ref()
            .map_or("uv", |n| n.0.as_str());
        crate::adapters::by_name(name, VERSION).ok_or_else(|| {
            let loc = loaded.project.error(
                "package_manager",
                format!("unknown package manager `{name}`"),
            );
            let mut e = CliError::problems(vec![loc.hint(format!(
                "known package managers: {}",
                crate::adapters::KNOWN.join(", ")
            ))]);
            e.message = format!("unknown package manager `{name}`");
            e
        })
    }

    /// The adapter that installs isolated uv services (`runtime: uv`).
    pub fn service_adapter(&self) -> Box<dyn PackageAdapter> {
        crate::adapters::for_services(VERSION)
    }

    /// Resolves and plans, with the project's adapter and the uv-services adapter.
    pub fn plan<'r>(
        &self,
        loaded: &'r Loaded,
        adapter: &dyn PackageAdapter,
    ) -> Result<hsm_sync::SyncPlan<'r>, CliError> {
        let t = std::time::Instant::now();
        let services = self.service_adapter();
        let plan = hsm_sync::plan(loaded, adapter, services.as_ref(), VERSION)?;
        self.printer.debug(&format!(
            "resolved and planned in {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        ));
        Ok(plan)
    }

    /// A path relative to the working directory for messages.
    pub fn show(&self, p: &Path) -> String {
        p.strip_prefix(&self.cwd).unwrap_or(p).display().to_string()
    }
}
