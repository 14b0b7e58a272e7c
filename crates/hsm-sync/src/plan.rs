//! Computing the whole desired state in memory before anything is written.

use std::path::{Path, PathBuf};

use hsm_adapter::{Artifact, PackageAdapter, Requirement};
use hsm_compose::{ComposeError, GENERATED_FILE, UserCompose, profiles_to_activate};
use hsm_resolve::{Stack, local_note};
use hsm_schema::{ConnectionScope, Mode};
use infra_plan::{FileChange, Plan, Redaction, Step};
use infra_yaml::Diagnostic;

use crate::envfile::{ENV_FILE, LocalEnv, local_env, render_env_file};
use crate::lock::{HSM_GITIGNORE, HSM_GITIGNORE_TEXT, check_generated_file, check_hsm_dir};
use crate::{CloneStep, Loaded, SyncError, UvService, check_vars, requirements, usages};

/// One file the sync wants to exist with given contents (or to be absent).
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Path relative to the project root.
    pub path: PathBuf,
    /// Current bytes (`None` = absent).
    pub before: Option<Vec<u8>>,
    /// Desired text (`None` = absent).
    pub after: Option<String>,
    /// Permission bits when written.
    pub mode: Option<u32>,
    /// Values are secret.
    pub sensitive: bool,
}

impl PlannedFile {
    /// Whether applying it changes the disk.
    pub fn changed(&self) -> bool {
        match (&self.before, &self.after) {
            (None, None) => false,
            (Some(b), Some(a)) => b.as_slice() != a.as_bytes(),
            _ => true,
        }
    }
}

/// What a plan is computed with.
pub struct PlanInput<'a> {
    /// The project's package adapter.
    pub adapter: &'a dyn PackageAdapter,
    /// Every other adapter hsm knows: each cleans up what it owned, should the project have
    /// used it before.
    pub retired: Vec<&'a dyn PackageAdapter>,
    /// The adapter of isolated uv services (`runtime: uv`).
    pub services: &'a dyn PackageAdapter,
    /// hsm's version, for generated-file headers.
    pub version: &'a str,
    /// `--frozen`.
    pub frozen: bool,
}

/// Everything a sync would do.
#[derive(Debug)]
pub struct SyncPlan<'r> {
    /// The resolved stack.
    pub stack: Stack<'r>,
    /// Files, in write order.
    pub files: Vec<PlannedFile>,
    /// Clones on demand.
    pub clones: Vec<CloneStep>,
    /// Package requirements.
    pub requirements: Vec<Requirement>,
    /// Compose profiles activated in the user's compose file.
    pub profiles: Vec<String>,
    /// The user's compose file, if any (relative path).
    pub user_compose: Option<String>,
    /// Names in `.hsm/env` whose values are secret.
    pub secret_names: Vec<String>,
    /// Isolated uv services (`runtime: uv`).
    pub services: Vec<UvService>,
    /// Package adapter name.
    pub adapter: String,
    /// The install step as a command line, `None` when the install runs nothing.
    pub install_step: Option<String>,
    /// Things the user should know that are not errors (a service local processes cannot
    /// reach, …).
    pub notes: Vec<String>,
    /// Project root.
    pub root: PathBuf,
}

impl SyncPlan<'_> {
    /// Whether no file changes and nothing is cloned.
    pub fn is_noop(&self) -> bool {
        self.clones.is_empty() && self.files.iter().all(|f| !f.changed())
    }

    /// The planned text of `path`, if it is planned and not a deletion.
    pub fn planned(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == Path::new(path))
            .and_then(|f| f.after.as_deref())
    }

    /// The plan as renderable data. Real contents decide each file's action (a rotated
    /// secret is an update); in sensitive files the values of secret variables are shown as
    /// `<redacted>` (`<redacted, changed>`), the rest (hosts, ports) as they are.
    pub fn to_plan(&self) -> Plan {
        let changes = self
            .files
            .iter()
            // A file absent before and after (no containers, no compose file) is not news.
            .filter(|f| f.before.is_some() || f.after.is_some())
            .map(|f| {
                let redaction = if f.sensitive {
                    let before = f.before.as_deref().map(String::from_utf8_lossy);
                    Redaction::Keys(crate::envfile::redacted_keys(
                        before.as_deref(),
                        f.after.as_deref(),
                        &self.secret_names,
                    ))
                } else {
                    Redaction::None
                };
                FileChange::with_redaction(
                    f.path.to_string_lossy().into_owned(),
                    f.before
                        .as_ref()
                        .map(|b| String::from_utf8_lossy(b).into_owned()),
                    f.after.clone(),
                    redaction,
                )
            })
            .collect();
        let mut steps: Vec<Step> = self.clones.iter().map(CloneStep::step).collect();
        for s in &self.services {
            steps.push(s.step());
        }
        if let Some(cmd) = &self.install_step {
            steps.push(Step::new(
                "install",
                format!("install Python packages with {}", self.adapter),
                Some(cmd.clone()),
            ));
        }
        Plan { changes, steps }
    }
}

fn read(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, SyncError> {
    Ok(infra_fs::read_optional(&root.join(rel))?)
}

fn compose_problem(e: ComposeError) -> Diagnostic {
    match e {
        ComposeError::NoImage { name, mode, file } => Diagnostic::new(file, format!("container `{name}` has no image for {mode} mode"))
            .key(if mode == Mode::Dev { "sources.dev" } else { "image" })
            .hint("add `image: <ref>` or `sources.prod: {type: image, image: <ref>}` (or a `sources.dev` build for dev mode)"),
        ComposeError::Template { diagnostic } => *diagnostic,
        ComposeError::Serialize(message) => Diagnostic::new(crate::COMPOSE_FILE, message),
    }
}

/// The user's compose file (relative) and the profiles of it the selection switches on.
fn user_compose(
    loaded: &Loaded,
    stack: &Stack<'_>,
    problems: &mut Vec<Diagnostic>,
) -> (Option<String>, Vec<String>) {
    let root = loaded.project.root.as_path();
    let configured = loaded.project.manifest.compose.file.as_deref();
    let Some(rel) = hsm_compose::user_compose_file(root, configured) else {
        return (None, Vec::new());
    };
    let p = root.join(&rel);
    if !p.is_file() {
        if configured.is_some() {
            problems.push(loaded.project.error(
                "compose.file",
                format!("compose file `{rel}` does not exist"),
            ));
        }
        return (None, Vec::new());
    }
    match UserCompose::load(&p, Path::new(&rel)) {
        Ok(u) => {
            let profiles = profiles_to_activate(&u, stack);
            (Some(rel), profiles)
        }
        Err(e) => {
            problems.push(e);
            (Some(rel), Vec::new())
        }
    }
}

/// Notes about managed services local processes use but cannot reach.
fn reachability_notes(stack: &Stack<'_>, scope: ConnectionScope) -> Vec<String> {
    stack
        .containers
        .iter()
        .filter(|c| {
            scope == ConnectionScope::All
                || c.via.is_from_manifest()
                || stack.packages.iter().any(|p| p.consumes.contains(&c.name))
        })
        .filter_map(|c| local_note(c))
        .collect()
}

/// The adapter's files, and what retired adapters leave to clean up.
fn adapter_artifacts(
    loaded: &Loaded,
    input: &PlanInput<'_>,
    stack: &Stack<'_>,
    reqs: &[Requirement],
    problems: &mut Vec<Diagnostic>,
) -> Result<Vec<Artifact>, SyncError> {
    let root = loaded.project.root.as_path();
    let mut arts = match input.adapter.plan(root, &stack.project, reqs) {
        Ok(a) => a,
        // An unreadable file is a failure, not a problem of the user's input.
        Err(e @ hsm_adapter::AdapterError::Io { .. }) => return Err(SyncError::AdapterRead(e)),
        Err(e) => {
            problems.push(adapter_problem(input.adapter, &e));
            Vec::new()
        }
    };
    for old in &input.retired {
        match old.release(root) {
            Ok(released) => {
                for a in released {
                    if !arts.iter().any(|x| x.path == a.path) {
                        arts.push(a);
                    }
                }
            }
            Err(e @ hsm_adapter::AdapterError::Io { .. }) => {
                return Err(SyncError::AdapterRead(e));
            }
            Err(e) => problems.push(adapter_problem(*old, &e)),
        }
    }
    Ok(arts)
}

fn adapter_problem(adapter: &dyn PackageAdapter, e: &hsm_adapter::AdapterError) -> Diagnostic {
    let file = match e {
        hsm_adapter::AdapterError::File { path, message, .. } => {
            return Diagnostic::new(path, message.clone())
                .maybe_hint(adapter.hints(e).into_iter().next());
        }
        hsm_adapter::AdapterError::Syntax {
            path,
            message,
            line,
            column,
        } => {
            return Diagnostic::new(path, message.clone())
                .at(Some(infra_yaml::Loc {
                    line: *line,
                    column: *column,
                }))
                .hint("fix the TOML at this point; hsm edits the file only when it parses");
        }
        hsm_adapter::AdapterError::Io { path, .. } => path.clone(),
        hsm_adapter::AdapterError::Process(_) => PathBuf::from("pyproject.toml"),
    };
    let mut d = Diagnostic::new(file, e.to_string());
    for h in adapter.hints(e) {
        d = d.hint(h);
    }
    d
}

/// Everything that goes into the plan besides the stack itself.
struct Parts {
    reqs: Vec<Requirement>,
    compose: Option<String>,
    user_compose: Option<String>,
    profiles: Vec<String>,
    local: LocalEnv,
    env_text: String,
    artifacts: Vec<Artifact>,
}

fn parts(loaded: &Loaded, input: &PlanInput<'_>, stack: &Stack<'_>) -> Result<Parts, SyncError> {
    let root = loaded.project.root.as_path();
    let manifest = &loaded.project.manifest;
    let mut problems: Vec<Diagnostic> = loaded.registry.listing_problems().to_vec();
    let reqs = requirements(stack, root).unwrap_or_else(|mut p| {
        problems.append(&mut p);
        Vec::new()
    });
    // A project cannot depend on a distribution of its own name: uv reports conflicting
    // URLs for it, pip installs one over the other.
    if let Some(r) = reqs
        .iter()
        .find(|r| hsm_schema::same_name(&r.distribution, &stack.project))
    {
        problems.push(
            loaded
                .project
                .error(
                    "project.name",
                    format!(
                        "the project is named `{}`, like the package `{}` it installs",
                        stack.project, r.name
                    ),
                )
                .hint("rename the project (`project: {name: …}` in hsm.yaml, or `[project] name` in pyproject.toml)"),
        );
    }
    let all = manifest.env.connections == ConnectionScope::All;
    let generated = hsm_compose::generate(stack, root, input.version, all).unwrap_or_else(|e| {
        problems.push(compose_problem(e));
        None
    });
    let (compose, compose_usages) = match generated {
        Some(g) => (Some(g.text), g.usages),
        None => (None, Vec::new()),
    };
    let mut uses = usages(stack);
    uses.extend(compose_usages.iter().cloned());
    if let Err(mut p) = check_vars(&uses, &loaded.env) {
        problems.append(&mut p);
    }
    let (user_compose, profiles) = user_compose(loaded, stack, &mut problems);
    let vars_ok = problems.is_empty();
    let local = match local_env(
        stack,
        manifest.env.connections,
        &loaded.env,
        &compose_usages,
        &profiles,
    ) {
        Ok(v) => v,
        // Unset variables were reported above, once each.
        Err(mut p) => {
            if vars_ok {
                problems.append(&mut p);
            }
            LocalEnv::default()
        }
    };
    let env_text =
        render_env_file(&local.vars, &local.secret_names, input.version).unwrap_or_else(|e| {
            problems.push(e);
            String::new()
        });
    let artifacts = adapter_artifacts(loaded, input, stack, &reqs, &mut problems)?;
    if !problems.is_empty() {
        return Err(SyncError::invalid(problems));
    }
    Ok(Parts {
        reqs,
        compose,
        user_compose,
        profiles,
        local,
        env_text,
        artifacts,
    })
}

/// Refuses to replace or delete a `docker-compose.hsm.yml` hsm did not write (it has no
/// "Generated by hsm" header): someone's own file at that name is theirs, as the
/// dependencies they wrote in `pyproject.toml` are.
fn check_ownership(f: &PlannedFile) -> Result<(), SyncError> {
    let Some(before) = f
        .before
        .as_deref()
        .filter(|_| f.path == Path::new(GENERATED_FILE))
    else {
        return Ok(());
    };
    let head = String::from_utf8_lossy(&before[..before.len().min(512)]);
    if head.contains("Generated by hsm") || !f.changed() {
        return Ok(());
    }
    Err(SyncError::invalid(vec![
        Diagnostic::new(GENERATED_FILE, format!("`{GENERATED_FILE}` was not written by hsm (it has no \"Generated by hsm\" header); hsm does not replace or delete it"))
            .hint(format!("rename your file (and point `compose.file` in hsm.yaml at it), or delete it if it is an old copy: hsm writes `{GENERATED_FILE}` itself")),
    ]))
}

/// Resolves and computes every artifact. Nothing is written.
pub fn plan<'r>(loaded: &'r Loaded, input: &PlanInput<'_>) -> Result<SyncPlan<'r>, SyncError> {
    let root = loaded.project.root.as_path();
    check_hsm_dir(root)?;
    let stack = hsm_resolve::resolve(&loaded.project, &loaded.registry)?;
    let parts = parts(loaded, input, &stack)?;
    let install_step = input
        .adapter
        .install_step(root, &parts.artifacts, input.frozen)
        .map(|c| c.display());
    let mut files = Vec::new();
    for a in parts.artifacts {
        let rel = a.path.to_string_lossy().into_owned();
        files.push(PlannedFile {
            before: read(root, &rel)?,
            path: a.path,
            after: a.contents,
            mode: a.mode,
            sensitive: a.sensitive,
        });
    }
    for (path, after, mode, sensitive) in [
        (GENERATED_FILE, parts.compose, 0o644, false),
        (
            HSM_GITIGNORE,
            Some(HSM_GITIGNORE_TEXT.to_string()),
            0o644,
            false,
        ),
        (ENV_FILE, Some(parts.env_text), 0o600, true),
    ] {
        files.push(PlannedFile {
            before: read(root, path)?,
            path: PathBuf::from(path),
            after,
            mode: Some(mode),
            sensitive,
        });
    }
    let crate::services::Extras {
        clones,
        services,
        files: mut service_files,
    } = crate::services::plan_all(loaded, &stack, input.services)?;
    files.append(&mut service_files);
    for f in &files {
        check_generated_file(root, &f.path)?;
        check_ownership(f)?;
    }
    let notes = reachability_notes(&stack, loaded.project.manifest.env.connections);
    Ok(SyncPlan {
        stack,
        files,
        clones,
        requirements: parts.reqs,
        profiles: parts.profiles,
        user_compose: parts.user_compose,
        secret_names: parts.local.secret_names,
        services,
        adapter: input.adapter.name().to_string(),
        install_step,
        notes,
        root: root.to_path_buf(),
    })
}
