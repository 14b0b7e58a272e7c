//! Computing the whole desired state in memory before anything is written.

use std::path::{Path, PathBuf};

use hsm_adapter::{PackageAdapter, Requirement};
use hsm_compose::{ComposeError, GENERATED_FILE, UserCompose, profiles_to_activate};
use hsm_resolve::{Stack, from_registry, relative_to};
use hsm_schema::{ContainerSource, Mode, PackageSource};
use infra_plan::{FileChange, Plan, Step};
use infra_yaml::Diagnostic;

use crate::envfile::{ENV_FILE, LocalEnv, local_env, render_env_file};
use crate::{Loaded, SyncError, UvService, check_vars, requirements, usages};

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

/// A repository to clone on demand into a dev source path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clone {
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

/// Everything a sync would do.
#[derive(Debug)]
pub struct SyncPlan<'r> {
    /// The resolved stack.
    pub stack: Stack<'r>,
    /// Files, in write order.
    pub files: Vec<PlannedFile>,
    /// Clones on demand.
    pub clones: Vec<Clone>,
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
    /// Project root.
    pub root: PathBuf,
}

impl SyncPlan<'_> {
    /// Whether no file changes and nothing is cloned.
    pub fn is_noop(&self) -> bool {
        self.clones.is_empty() && self.files.iter().all(|f| !f.changed())
    }

    /// The plan as renderable data (the tool run is listed as a step). In sensitive files
    /// only the values of secret variables are redacted, so a diff of `.hsm/env` still shows
    /// hosts, ports and profiles.
    pub fn to_plan(&self, install_step: Option<String>) -> Plan {
        let changes = self
            .files
            .iter()
            .map(|f| {
                let show = |t: String| {
                    if f.sensitive {
                        redact_secrets(&t, &self.secret_names)
                    } else {
                        t
                    }
                };
                FileChange::new(
                    f.path.to_string_lossy().into_owned(),
                    f.before
                        .as_ref()
                        .map(|b| show(String::from_utf8_lossy(b).into_owned())),
                    f.after.clone().map(show),
                    false,
                )
            })
            .collect();
        let mut steps: Vec<Step> = self
            .clones
            .iter()
            .map(|c| {
                let mut cmd = format!("git clone {} {}", c.url, c.display);
                if let Some(r) = &c.reference {
                    cmd.push_str(&format!(" && git -C {} checkout {r}", c.display));
                }
                Step::new(
                    "clone",
                    format!("clone the code of `{}` into `{}`", c.component, c.display),
                    Some(cmd),
                )
            })
            .collect();
        for s in &self.services {
            let deps: Vec<&str> = s.requirements.iter().map(|r| r.name.as_str()).collect();
            steps.push(Step::new(
                "service",
                format!(
                    "install the uv service `{}` in `{}` (dependencies: {})",
                    s.name,
                    s.display,
                    if deps.is_empty() {
                        "none".to_string()
                    } else {
                        deps.join(", ")
                    }
                ),
                Some(format!("uv sync  (in {})", s.display)),
            ));
        }
        if let Some(cmd) = install_step {
            steps.push(Step::new(
                "install",
                format!("install Python packages with {}", self.adapter),
                Some(cmd),
            ));
        }
        Plan { changes, steps }
    }
}

/// Replaces the values of secret variables in dotenv text with `<redacted>`.
fn redact_secrets(text: &str, secret_names: &[String]) -> String {
    text.lines()
        .map(|l| match l.split_once('=') {
            Some((k, _))
                if !l.starts_with('#')
                    && (crate::is_secret_name(k) || secret_names.iter().any(|s| s == k)) =>
            {
                format!("{k}=<redacted>\n")
            }
            _ => format!("{l}\n"),
        })
        .collect()
}

fn read(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, SyncError> {
    infra_fs::read_optional(&root.join(rel)).map_err(|e| SyncError::Step {
        step: format!("read {rel}"),
        source: e.into(),
    })
}

fn compose_problem(e: ComposeError) -> Diagnostic {
    match e {
        ComposeError::NoImage { name, mode, file } => Diagnostic::new(file, format!("container `{name}` has no image for {mode} mode"))
            .key(if mode == Mode::Dev { "sources.dev" } else { "image" })
            .hint("add `image: <ref>` or `sources.prod: {type: image, image: <ref>}` (or a `sources.dev` build for dev mode)"),
        ComposeError::Template { file, key, message } => Diagnostic::new(file, message).key(key),
    }
}

/// Resolves and computes every artifact. Nothing is written.
pub fn plan<'r>(
    loaded: &'r Loaded,
    adapter: &dyn PackageAdapter,
    service_adapter: &dyn PackageAdapter,
    version: &str,
) -> Result<SyncPlan<'r>, SyncError> {
    let root = loaded.project.root.as_path();
    let mut problems: Vec<Diagnostic> = loaded.registry.listing_problems().to_vec();
    let stack = match hsm_resolve::resolve(&loaded.project, &loaded.registry) {
        Ok(s) => s,
        Err(mut p) => {
            problems.append(&mut p);
            return Err(SyncError::invalid(problems));
        }
    };
    let reqs = requirements(&stack, root).unwrap_or_else(|mut p| {
        problems.append(&mut p);
        Vec::new()
    });
    let uses = usages(&stack);
    if let Err(mut p) = check_vars(&uses, &loaded.env) {
        problems.append(&mut p);
    }
    let compose = hsm_compose::generate(
        &stack,
        root,
        version,
        loaded.project.manifest.env.connections == hsm_schema::ConnectionScope::All,
    )
    .unwrap_or_else(|e| {
        problems.push(compose_problem(e));
        None
    });
    // The user's compose file and its profiles.
    let user_compose_rel =
        hsm_compose::user_compose_file(root, loaded.project.manifest.compose.file.as_deref());
    let mut profiles = Vec::new();
    if let Some(rel) = &user_compose_rel {
        let p = root.join(rel);
        if p.is_file() {
            match UserCompose::load(&p, Path::new(rel)) {
                Ok(u) => profiles = profiles_to_activate(&u, &stack),
                Err(e) => problems.push(e),
            }
        } else if loaded.project.manifest.compose.file.is_some() {
            problems.push(loaded.project.error(
                "compose.file",
                format!("compose file `{rel}` does not exist"),
            ));
        }
    }
    let vars_ok = problems.is_empty();
    let LocalEnv {
        vars: env_vars,
        secret_names,
    } = match local_env(
        &stack,
        loaded.project.manifest.env.connections,
        &loaded.env,
        &uses,
        &profiles,
    ) {
        Ok(v) => v,
        // Unset variables were reported above, once each.
        Err(mut p) => {
            if vars_ok {
                problems.append(&mut p);
            }
            Default::default()
        }
    };
    let artifacts = match adapter.plan(root, &stack.project, &reqs) {
        Ok(a) => a,
        Err(hsm_adapter::AdapterError::File {
            path,
            message,
            hint,
        }) => {
            problems.push(Diagnostic::new(path, message).maybe_hint(hint));
            Vec::new()
        }
        Err(e) => {
            problems.push(Diagnostic::new("pyproject.toml", e.to_string()));
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(SyncError::invalid(problems));
    }
    let mut files = Vec::new();
    for a in artifacts {
        let rel = a.path.to_string_lossy().into_owned();
        files.push(PlannedFile {
            before: read(root, &rel)?,
            path: a.path,
            after: a.contents,
            mode: a.mode,
            sensitive: a.sensitive,
        });
    }
    files.push(PlannedFile {
        before: read(root, GENERATED_FILE)?,
        path: PathBuf::from(GENERATED_FILE),
        after: compose,
        mode: Some(0o644),
        sensitive: false,
    });
    files.push(PlannedFile {
        before: read(root, ".hsm/.gitignore")?,
        path: PathBuf::from(".hsm/.gitignore"),
        after: Some(
            "# Generated by hsm: everything in .hsm/ is local state, some of it secret.\n*\n"
                .into(),
        ),
        mode: Some(0o644),
        sensitive: false,
    });
    files.push(PlannedFile {
        before: read(root, ENV_FILE)?,
        path: PathBuf::from(ENV_FILE),
        after: Some(render_env_file(&env_vars, &secret_names, version)),
        mode: Some(0o600),
        sensitive: true,
    });
    let mut clones = clones(&stack, root);
    let mut services = Vec::new();
    let mut service_problems = Vec::new();
    for c in stack.containers.iter().filter(|c| c.is_uv_service()) {
        match crate::services::plan_service(c, &loaded.registry, &loaded.env, root) {
            Ok(svc) => {
                if svc.dir.exists() {
                    match service_adapter.plan(&svc.dir, &svc.name, &svc.requirements) {
                        Ok(arts) => {
                            for a in arts {
                                let abs = svc.dir.join(&a.path);
                                let rel = PathBuf::from(relative_to(&abs, root));
                                files.push(PlannedFile {
                                    before: read(root, &rel.to_string_lossy())?,
                                    path: rel,
                                    after: a.contents,
                                    mode: a.mode,
                                    sensitive: a.sensitive,
                                });
                            }
                        }
                        Err(e) => service_problems.push(Diagnostic::new(
                            &c.registry_file,
                            format!("service `{}`: {e}", c.name),
                        )),
                    }
                } else if let Some((url, reference)) = &svc.clone
                    && !clones.iter().any(|o| o.dir == svc.dir)
                {
                    clones.push(Clone {
                        dir: svc.dir.clone(),
                        display: svc.display.clone(),
                        url: url.clone(),
                        reference: reference.clone(),
                        component: c.name.clone(),
                    });
                }
                services.push(svc);
            }
            Err(mut p) => service_problems.append(&mut p),
        }
    }
    if !service_problems.is_empty() {
        return Err(SyncError::invalid(service_problems));
    }
    Ok(SyncPlan {
        stack,
        files,
        clones,
        requirements: reqs,
        profiles,
        user_compose: user_compose_rel.filter(|r| root.join(r).is_file()),
        secret_names,
        services,
        adapter: adapter.name().to_string(),
        root: root.to_path_buf(),
    })
}

fn clones(stack: &Stack<'_>, root: &Path) -> Vec<Clone> {
    let mut out = Vec::new();
    for p in &stack.packages {
        if p.mode != Mode::Dev {
            continue;
        }
        if let Some(PackageSource::Local {
            path, git: Some(g), ..
        }) = p.source
        {
            let dir = from_registry(&p.registry_dir, path);
            if !dir.exists() {
                out.push(Clone {
                    display: relative_to(&dir, root),
                    dir,
                    url: g.url.clone(),
                    reference: g.reference.clone(),
                    component: p.name.clone(),
                });
            }
        }
    }
    for c in &stack.containers {
        if c.mode != Mode::Dev || !c.in_compose() {
            continue;
        }
        if let Some(ContainerSource::Build {
            path, git: Some(g), ..
        }) = &c.spec.sources.dev
        {
            let dir = from_registry(&c.registry_dir, path);
            if !dir.exists() && !out.iter().any(|o: &Clone| o.dir == dir) {
                out.push(Clone {
                    display: relative_to(&dir, root),
                    dir,
                    url: g.url.clone(),
                    reference: g.reference.clone(),
                    component: c.name.clone(),
                });
            }
        }
    }
    out
}
