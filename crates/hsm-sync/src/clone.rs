//! Clones on demand: a dev source whose directory does not exist yet, with a `git:` URL to
//! fill it from.

use std::path::{Path, PathBuf};

use hsm_resolve::{Stack, from_registry};
use hsm_schema::{ContainerSource, GitClone, Mode, PackageSource};
use infra_plan::Step;
use infra_process::Cmd;

/// A repository to clone into a dev source's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneStep {
    /// Absolute target directory.
    pub dir: PathBuf,
    /// Target relative to the project root.
    pub display: String,
    /// Repository URL.
    pub url: String,
    /// Ref to check out.
    pub reference: Option<String>,
    /// Component it is for.
    pub component: String,
}

impl CloneStep {
    /// A clone of `git` into `dir` for `component`.
    pub fn new(dir: PathBuf, root: &Path, git: &GitClone, component: &str) -> Self {
        Self {
            display: infra_fs::relative_to(&dir, root),
            dir,
            url: git.url.as_str().to_string(),
            reference: git.reference.clone(),
            component: component.to_string(),
        }
    }

    /// The `git clone` command. The URL comes after `--`, so it is never read as an option,
    /// and git never prompts (a prompt from a child in its own process group would hang).
    pub fn clone_cmd(&self) -> Cmd {
        Cmd::new("git")
            .args(["clone", "--quiet", "--"])
            .arg(&self.url)
            .arg(&self.dir)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin_null()
    }

    /// The checkout of the wanted ref, if there is one.
    pub fn checkout_cmd(&self) -> Option<Cmd> {
        self.reference.as_ref().map(|r| {
            Cmd::new("git")
                .arg("-C")
                .arg(&self.dir)
                .args(["checkout", "--quiet", r, "--"])
                .env("GIT_TERMINAL_PROMPT", "0")
                .stdin_null()
        })
    }

    /// The plan step.
    pub fn step(&self) -> Step {
        let mut cmd = format!("git clone -- {} {}", self.url, self.display);
        if let Some(r) = &self.reference {
            cmd.push_str(&format!(" && git -C {} checkout {r}", self.display));
        }
        Step::new(
            "clone",
            format!(
                "clone the code of `{}` into `{}`",
                self.component, self.display
            ),
            Some(cmd),
        )
    }
}

/// The clones dev packages and dev builds need.
pub(crate) fn clones(stack: &Stack<'_>, root: &Path) -> Vec<CloneStep> {
    let mut out: Vec<CloneStep> = Vec::new();
    for p in stack.packages.iter().filter(|p| p.mode == Mode::Dev) {
        if let Some(PackageSource::Local {
            path, git: Some(g), ..
        }) = p.source
        {
            let dir = from_registry(&p.registry_dir, path);
            if !dir.exists() {
                out.push(CloneStep::new(dir, root, g, &p.name));
            }
        }
    }
    for c in stack
        .containers
        .iter()
        .filter(|c| c.mode == Mode::Dev && c.in_compose())
    {
        if let Some(ContainerSource::Build {
            path, git: Some(g), ..
        }) = &c.spec.sources.dev
        {
            let dir = from_registry(&c.registry_dir, path);
            if !dir.exists() && !out.iter().any(|o| o.dir == dir) {
                out.push(CloneStep::new(dir, root, g, &c.name));
            }
        }
    }
    out
}
