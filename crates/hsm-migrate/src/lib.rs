//! `hsm migrate`: a project and registry written for the original Python hsm (0.2, 0.3,
//! 0.4) in hsm's vocabulary.
//!
//! Teams that used the original have every `hsm.yaml` and registry file in its vocabulary,
//! and hsm rejects them (it validates what it reads). This crate converts them in memory —
//! no I/O here: the caller reads the files, shows the plan, and writes the result in one
//! transaction. What cannot be carried over is reported with its file, line and what to do,
//! and then nothing is written; what carries over with a different meaning (because the
//! original ignored it, or got it wrong) is reported as a note. Comments move with the keys
//! they describe. A file that is hsm's already converts to itself and is left untouched, so
//! a second migration changes nothing.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

mod comments;
mod container;
mod emit;
mod finding;
mod group;
mod implies;
mod package;
mod project;
mod rebase;
mod registry;
mod tree;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use finding::Finding;
pub use project::Generation;

use crate::container::Registry;
use crate::finding::Report;
use crate::registry::{FileJob, blocking, folder};

/// A file read by the caller.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the registry directory (`libraries/redis.yaml`).
    pub path: String,
    /// Its text.
    pub text: String,
}

/// What to migrate.
pub struct Input<'a> {
    /// The project root (where the original resolved relative paths).
    pub project_root: &'a Path,
    /// `hsm.yaml`'s text, when there is a project.
    pub manifest: Option<&'a str>,
    /// The registry directory.
    pub registry_dir: &'a Path,
    /// How the registry directory is shown (`hsm-registry`).
    pub registry_display: &'a str,
    /// Every file under the registry's folders.
    pub registry: Vec<SourceFile>,
    /// Whether a path exists.
    pub exists: &'a dyn Fn(&Path) -> bool,
}

/// One file the migration writes, moves or removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Absolute path.
    pub path: PathBuf,
    /// The path as shown (relative to the project).
    pub display: String,
    /// Its text now (`None`: it does not exist).
    pub before: Option<String>,
    /// Its text after (`None`: removed).
    pub after: Option<String>,
}

/// The migration of a project and its registry.
#[derive(Debug, Clone, Default)]
pub struct Migration {
    /// The vocabulary `hsm.yaml` was in, when there is one.
    pub generation: Option<Generation>,
    /// Files to write and remove, in order.
    pub changes: Vec<Change>,
    /// Notes and refusals, by file and line.
    pub findings: Vec<Finding>,
}

impl Migration {
    /// Whether a construct cannot be carried over (then nothing may be written).
    pub fn is_blocked(&self) -> bool {
        self.findings.iter().any(|f| f.blocking)
    }
}

/// Converts everything `input` holds.
pub fn migrate(input: &Input<'_>) -> Migration {
    let mut m = Migration::default();
    let parsed = parse_registry(input, &mut m);
    let packages: BTreeSet<String> = parsed
        .iter()
        .filter(|p| matches!(p.folder.holds, registry::Holds::Package))
        .map(|p| p.stem.clone())
        .collect();
    let default_profiles: BTreeSet<String> = parsed
        .iter()
        .filter(|p| matches!(p.folder.holds, registry::Holds::Container))
        .filter(|p| {
            p.value
                .get("deployment_profiles")
                .is_some_and(|d| d.value.get("default").is_some())
        })
        .map(|p| p.stem.clone())
        .collect();
    let implying: BTreeSet<String> = parsed
        .iter()
        .filter(|p| matches!(p.folder.holds, registry::Holds::Package))
        .filter(|p| p.value.get("implies").is_some_and(|i| !i.value.is_empty()))
        .map(|p| p.stem.clone())
        .collect();
    let names: BTreeSet<String> = parsed.iter().map(|p| p.stem.clone()).collect();
    let known = project::Known {
        default_profiles: &default_profiles,
        implying: &implying,
        names: &names,
    };
    let project_legacy = migrate_manifest(input, &known, &mut m);
    if project_legacy && !input.registry_dir.starts_with(input.project_root) {
        m.findings.push(Finding {
            file: finding::shown(input.registry_display),
            line: 0,
            key: String::new(),
            message: "the registry is outside this project: its relative paths are rebased against this project, and other projects sharing it will resolve them there too".into(),
            hint: None,
            blocking: false,
        });
    }
    let reg = Registry {
        packages: &packages,
    };
    let mut targets = BTreeSet::new();
    for p in &parsed {
        migrate_file(input, p, &reg, project_legacy, &mut targets, &mut m);
    }
    order(&mut m.changes);
    m
}

/// Writes first, `hsm.yaml` after the registry, removals last: a run stopped anywhere (even
/// by `kill -9`) never leaves an entry without a file, and a project that still reads as the
/// original's until its registry is done — so running `hsm migrate` again finishes the job.
fn order(changes: &mut [Change]) {
    changes.sort_by_key(|c| match (&c.after, c.display.as_str()) {
        (None, _) => 2,
        (Some(_), "hsm.yaml") => 1,
        (Some(_), _) => 0,
    });
}

struct Parsed<'a> {
    folder: &'static registry::Folder,
    stem: String,
    file: &'a SourceFile,
    value: tree::Value,
}

fn parse_registry<'a>(input: &'a Input<'_>, m: &mut Migration) -> Vec<Parsed<'a>> {
    let mut out: Vec<Parsed<'a>> = Vec::new();
    for file in &input.registry {
        let display = format!("{}/{}", input.registry_display, finding::shown(&file.path));
        let Some((dir, name)) = file.path.split_once('/') else {
            continue;
        };
        let Some(folder) = folder(dir) else { continue };
        let Some(stem) = name.strip_suffix(".yaml") else {
            if folder.legacy {
                m.findings.push(Finding {
                    file: display,
                    line: 0,
                    key: String::new(),
                    message: "left where it is: the original read only `.yaml` files".into(),
                    hint: None,
                    blocking: false,
                });
            }
            continue;
        };
        if let Some(value) = registry::parse(&display, &file.text, &mut m.findings) {
            out.push(Parsed {
                folder,
                stem: stem.to_string(),
                file,
                value,
            });
        }
    }
    out
}

/// Converts `hsm.yaml`; returns whether it was the original's.
fn migrate_manifest(input: &Input<'_>, known: &project::Known<'_>, m: &mut Migration) -> bool {
    let Some(text) = input.manifest else {
        return false;
    };
    let value = match tree::parse(text) {
        Ok(v) if v.entries().is_some() || v.is_null() => v,
        Ok(_) => {
            m.findings.push(blocking(
                "hsm.yaml",
                1,
                "hsm.yaml is not a YAML mapping",
                "write its keys at the top level",
            ));
            return false;
        }
        Err(p) => {
            m.findings.push(blocking(
                "hsm.yaml",
                p.line,
                &p.message,
                "rewrite it as plain YAML (no anchors, aliases, tags or repeated keys), then run `hsm migrate` again",
            ));
            return false;
        }
    };
    let generation = project::generation(&value);
    m.generation = Some(generation);
    if generation == Generation::Current {
        return false;
    }
    let mut r = Report {
        file: "hsm.yaml".into(),
        findings: &mut m.findings,
    };
    let converted = project::convert(&value, known, &mut r);
    let (after, lost) = emit::emit(&converted, &comments::Comments::of(text), &[]);
    registry::lost_comments("hsm.yaml", lost, &mut m.findings);
    m.changes.push(Change {
        path: input.project_root.join("hsm.yaml"),
        display: "hsm.yaml".into(),
        before: Some(text.to_string()),
        after: Some(after),
    });
    true
}

fn migrate_file(
    input: &Input<'_>,
    p: &Parsed<'_>,
    reg: &Registry<'_>,
    project_legacy: bool,
    targets: &mut BTreeSet<String>,
    m: &mut Migration,
) {
    let display = format!(
        "{}/{}",
        input.registry_display,
        finding::shown(&p.file.path)
    );
    let new_dir = input.registry_dir.join(p.folder.new_dir);
    let job = FileJob {
        folder: p.folder,
        stem: &p.stem,
        display: display.clone(),
        text: &p.file.text,
        parsed: &p.value,
        new_dir: &new_dir,
        project_root: input.project_root,
        project_legacy,
        registry: reg,
        exists: input.exists,
    };
    let Some(after) = registry::convert_file(&job, &mut m.findings) else {
        return;
    };
    let old = input.registry_dir.join(&p.file.path);
    if p.folder.legacy {
        let new_rel = format!("{}/{}.yaml", p.folder.new_dir, p.stem);
        let new = input.registry_dir.join(&new_rel);
        let there = input.registry.iter().find(|f| f.path == new_rel);
        let finished = there.is_some_and(|f| f.text == after);
        if !targets.insert(new_rel.clone()) || ((input.exists)(&new) && !finished) {
            m.findings.push(blocking(
                &display,
                0,
                &format!("`{new_rel}` exists already, with other content"),
                "keep one of the two (they name the same entry; the original read the first folder it found)",
            ));
            return;
        }
        m.changes.push(Change {
            path: old,
            display,
            before: Some(p.file.text.clone()),
            after: None,
        });
        if !finished {
            m.changes.push(Change {
                path: new,
                display: format!("{}/{}", input.registry_display, finding::shown(&new_rel)),
                before: None,
                after: Some(after),
            });
        }
    } else {
        m.changes.push(Change {
            path: old,
            display,
            before: Some(p.file.text.clone()),
            after: Some(after),
        });
    }
}

/// The registry folders either vocabulary uses, and whether only the original used it: the
/// caller reads every `*.yaml` file in them.
pub fn registry_folders() -> impl Iterator<Item = (&'static str, bool)> {
    registry::FOLDERS.iter().map(|f| (f.dir, f.legacy))
}

/// The `registry:` an `hsm.yaml` in hsm's vocabulary names (the original's had none).
pub fn manifest_registry(text: &str) -> Option<String> {
    let root = tree::parse(text).ok()?;
    root.get("registry")?.value.as_str().map(str::to_string)
}
