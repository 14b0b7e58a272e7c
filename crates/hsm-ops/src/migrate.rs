//! `hsm migrate`: the original hsm's project and registry in hsm's vocabulary, as a plan
//! first and then one transaction.
//!
//! The conversion itself is `hsm-migrate` (in memory); this reads the files, refuses when a
//! construct cannot be carried over (exit 3, nothing written), writes every file in one
//! transaction under the project lock, and checks the result as `hsm check --offline`
//! would — rolling everything back if hsm could not read what it wrote.

use std::fs;
use std::path::{Path, PathBuf};

use hsm_migrate::{Finding, Generation, Input, Migration, SourceFile};
use infra_diag::Diagnostic;
use infra_fs::{FsError, Transaction};
use infra_plan::{FileChange, Plan, PlanJson, render_json};
use serde::Serialize;

use crate::{Context, OpsError};

/// `hsm migrate`'s options.
#[derive(Debug, Clone, Copy, Default)]
pub struct MigrateOptions {
    /// Show the plan and write nothing.
    pub dry_run: bool,
}

/// A note about a construct that carried over.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// The file, relative to the project.
    pub file: String,
    /// 1-based line, `null` for the whole file.
    pub line: Option<usize>,
    /// The key path, `null` for the whole file.
    pub key: Option<String>,
    /// What to know.
    pub message: String,
}

impl Note {
    /// `file:line (at `key`): message`.
    pub fn describe(&self) -> String {
        let at = match (self.line, &self.key) {
            (Some(l), Some(k)) => format!("{}:{l} (at `{k}`)", self.file),
            (Some(l), None) => format!("{}:{l}", self.file),
            (None, Some(k)) => format!("{} (at `{k}`)", self.file),
            (None, None) => self.file.clone(),
        };
        format!("{at}: {}", self.message)
    }
}

/// What `hsm migrate` did or would do.
#[derive(Debug)]
pub struct MigrateOutcome {
    /// `0.2`, `0.3/0.4` or `hsm` (hsm.yaml's vocabulary), `null` without a project.
    pub from: Option<&'static str>,
    /// The registry directory, as shown.
    pub registry: String,
    /// File changes.
    pub plan: Plan,
    /// Constructs that carried over with something to know.
    pub notes: Vec<Note>,
    /// Whether the files were written.
    pub applied: bool,
    /// Variables `hsm check` needs that the environment does not set (the files are fine).
    pub unset: Vec<String>,
}

/// The JSON form of a [`MigrateOutcome`].
#[derive(Debug, Serialize)]
pub struct MigrateReport<'a> {
    /// hsm.yaml's vocabulary.
    pub from: Option<&'static str>,
    /// The registry, as shown.
    pub registry: &'a str,
    /// The plan: `changes`, `steps`, `summary`.
    #[serde(flatten)]
    pub plan: PlanJson<'a>,
    /// Notes.
    pub notes: &'a [Note],
    /// Whether the files were written.
    pub applied: bool,
    /// Problems `hsm check --offline` still reports that are about the environment.
    pub unset: &'a [String],
}

impl MigrateOutcome {
    /// The JSON document.
    pub fn report(&self) -> MigrateReport<'_> {
        MigrateReport {
            from: self.from,
            registry: &self.registry,
            plan: render_json(&self.plan),
            notes: &self.notes,
            applied: self.applied,
            unset: &self.unset,
        }
    }
}

/// Runs `hsm migrate`.
pub fn migrate(ctx: &Context<'_>, opts: MigrateOptions) -> Result<MigrateOutcome, OpsError> {
    let root = ctx.root().unwrap_or_else(|_| ctx.settings.cwd.clone());
    let _lock = if opts.dry_run {
        None
    } else {
        Some(ctx.lock(&root)?)
    };
    let mut problems = Vec::new();
    let manifest = match infra_fs::read_text_optional(&root.join("hsm.yaml"))? {
        None => None,
        Some(bytes) => match infra_diag::utf8_text(Path::new("hsm.yaml"), bytes) {
            Ok(t) => Some(t),
            Err(d) => {
                problems.push(d);
                None
            }
        },
    };
    let (registry_dir, origin) = match (
        &ctx.settings.registry,
        manifest.as_deref().and_then(hsm_migrate::manifest_registry),
    ) {
        (Some(r), _) => (r.value.clone(), r.provenance.to_string()),
        (None, Some(r)) => (
            infra_fs::resolve(&root.join(r)),
            "`registry:` in hsm.yaml".into(),
        ),
        (None, None) => (
            root.join("hsm-registry"),
            "the default `./hsm-registry`".into(),
        ),
    };
    if !registry_dir.is_dir() {
        return Err(OpsError::Registry(hsm_registry::RegistryError::Missing {
            path: registry_dir,
            origin,
        }));
    }
    let registry_display = display(&registry_dir, &root);
    let (files, unreadable) = registry_files(&registry_dir, &registry_display)?;
    problems.extend(unreadable);
    let exists = |p: &Path| p.exists();
    let input = Input {
        project_root: &root,
        manifest: manifest.as_deref(),
        registry_dir: &registry_dir,
        registry_display: &registry_display,
        registry: files,
        exists: &exists,
    };
    let migration = hsm_migrate::migrate(&input);
    if migration.is_blocked() || !problems.is_empty() {
        return Err(unconvertible(&migration, problems));
    }
    let plan = Plan {
        changes: migration
            .changes
            .iter()
            .map(|c| FileChange::new(c.display.clone(), c.before.clone(), c.after.clone(), false))
            .collect(),
        steps: Vec::new(),
    };
    let mut outcome = MigrateOutcome {
        from: migration.generation.map(|g| match g {
            Generation::V02 => "0.2",
            Generation::V03 => "0.3/0.4",
            Generation::Current => "hsm",
        }),
        registry: registry_display,
        notes: migration.findings.iter().map(note).collect(),
        plan,
        applied: false,
        unset: Vec::new(),
    };
    if opts.dry_run || outcome.plan.is_noop() {
        return Ok(outcome);
    }
    outcome.unset = apply(ctx, &migration, manifest.is_some())?;
    remove_empty_legacy_folders(&registry_dir);
    outcome.applied = true;
    Ok(outcome)
}

/// Writes every change in one transaction, stopping (and undoing) at a signal; with a
/// project, loads it back (as `hsm check --offline` does) before keeping anything.
fn apply(
    ctx: &Context<'_>,
    migration: &Migration,
    has_project: bool,
) -> Result<Vec<String>, OpsError> {
    let mut tx = Transaction::new();
    let interrupted = || {
        ctx.interrupt.signal().map(|signal| {
            OpsError::Sync(hsm_sync::SyncError::Interrupted {
                signal,
                step: "migrate".into(),
            })
        })
    };
    let written = (|| {
        for c in &migration.changes {
            if let Some(e) = interrupted() {
                return Err(e);
            }
            match &c.after {
                Some(text) => tx.write(&c.path, text.as_bytes(), None)?,
                None => tx.remove(&c.path)?,
            }
        }
        let unset = if has_project {
            loads_back(ctx).map_err(|e| OpsError::MigratedInvalid(Box::new(e)))?
        } else {
            Vec::new()
        };
        interrupted().map_or(Ok(unset), Err)
    })();
    match written {
        Ok(unset) => {
            tx.commit();
            Ok(unset)
        }
        Err(e) => {
            // The error that stopped the migration is the one to report; a failed rollback
            // is reported instead, as it leaves files changed.
            if let Err(errors) = tx.rollback() {
                return Err(errors.into_iter().next().map_or(e, OpsError::Fs));
            }
            Err(e)
        }
    }
}

/// Loads the written project back and plans a sync, as `hsm check --offline` does. Unset
/// variables are the environment's business, not the files': they come back as messages.
fn loads_back(ctx: &Context<'_>) -> Result<Vec<String>, OpsError> {
    let project = ctx.open()?;
    match project.plan(ctx, false) {
        Ok(_) => Ok(Vec::new()),
        Err(OpsError::Sync(hsm_sync::SyncError::Invalid { problems }))
            if problems.iter().all(hsm_sync::is_unset_variable) =>
        {
            Ok(problems.into_iter().map(|d| d.message).collect())
        }
        Err(e) => Err(e),
    }
}

/// Every regular `*.yaml` file (and, in the original's folders, every other file, so it
/// can be reported) under the registry's folders, sorted; and what cannot be read as the
/// original's text. Links in the original's folders are refused: moving a file out of a
/// linked folder would delete it where the link points (another project's registry), and
/// replacing a linked entry with a copy would cut it off from the file it shares.
fn registry_files(
    dir: &Path,
    display: &str,
) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), OpsError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (folder, legacy) in hsm_migrate::registry_folders() {
        let path = dir.join(folder);
        let shown = format!("{display}/{folder}");
        if legacy && path.is_symlink() {
            problems.push(linked(&shown));
            continue;
        }
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for file in names {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name.starts_with('.') || file.is_dir() || (!legacy && !name.ends_with(".yaml")) {
                continue;
            }
            let shown = format!("{shown}/{name}");
            if legacy && file.is_symlink() {
                problems.push(linked(&shown));
                continue;
            }
            let text = if name.ends_with(".yaml") {
                match read_text(&file, &shown)? {
                    Ok(t) => t,
                    Err(d) => {
                        problems.push(d);
                        continue;
                    }
                }
            } else {
                String::new()
            };
            out.push(SourceFile {
                path: format!("{folder}/{name}"),
                text,
            });
        }
    }
    Ok((out, problems))
}

fn linked(shown: &str) -> Diagnostic {
    Diagnostic::new(
        infra_diag::escape_invisible(shown).into_owned(),
        "is a symbolic link: moving its entries would change the files it points to",
    )
    .hint("replace the link with a copy, or migrate the registry it points to where it lives (`hsm --registry DIR migrate`)")
}

/// A file's text, or a located problem when it is not UTF-8.
fn read_text(path: &Path, shown: &str) -> Result<Result<String, Diagnostic>, OpsError> {
    let bytes =
        infra_fs::read_text_file(path).map_err(|e| OpsError::Fs(FsError::new("read", path, e)))?;
    Ok(infra_diag::utf8_text(
        Path::new(&infra_diag::escape_invisible(shown).into_owned()),
        bytes,
    ))
}

/// The original's folders, once their files moved (only when empty).
fn remove_empty_legacy_folders(dir: &Path) {
    for (folder, legacy) in hsm_migrate::registry_folders() {
        if legacy {
            let _ = fs::remove_dir(dir.join(folder));
        }
    }
}

fn display(path: &Path, root: &Path) -> String {
    if path.starts_with(root) {
        infra_fs::relative_to(path, root)
    } else {
        path.display().to_string()
    }
}

fn note(f: &Finding) -> Note {
    Note {
        file: f.file.clone(),
        line: (f.line > 0).then_some(f.line),
        key: (!f.key.is_empty()).then(|| f.key.clone()),
        message: f.message.clone(),
    }
}

fn unconvertible(m: &Migration, mut problems: Vec<Diagnostic>) -> OpsError {
    let found: Vec<Diagnostic> = m
        .findings
        .iter()
        .filter(|f| f.blocking)
        .map(|f| {
            let mut d = Diagnostic::new(&f.file, f.message.clone());
            if f.line > 0 {
                d = d.at_line(f.line as u64);
            }
            if !f.key.is_empty() {
                d = d.key(f.key.clone());
            }
            d.maybe_hint(f.hint.clone())
        })
        .collect();
    problems.extend(found);
    OpsError::Unconvertible {
        diagnostics: problems,
    }
}
