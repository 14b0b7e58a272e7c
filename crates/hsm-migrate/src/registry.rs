//! The registry: which folder holds what, in the original's layouts and hsm's, and the
//! conversion of one file.
//!
//! Files in the original's folders (`libraries/`, `services/`, `library_groups/`,
//! `service_groups/`, `service_group/`) are the original's by definition: converted and
//! moved. Files in hsm's folders (which 0.2 used too) are converted when converting them
//! changes something; a file that converts to itself is hsm's already and stays
//! byte-for-byte as it is, which makes a second `hsm migrate` a no-op.

use std::path::Path;

use crate::comments::Comments;
use crate::container::{self, Registry};
use crate::emit::emit;
use crate::finding::{Finding, Report};
use crate::rebase::{Policy, Rebase};
use crate::tree::{Entry, Value};
use crate::{group, package, tree};

/// What a registry folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holds {
    Package,
    Container,
    Group(&'static str),
}

/// A registry folder: its name, where its files go in hsm, what they are, and whether it
/// is one only the original used.
pub(crate) struct Folder {
    pub(crate) dir: &'static str,
    pub(crate) new_dir: &'static str,
    pub(crate) holds: Holds,
    pub(crate) legacy: bool,
}

/// Every folder either vocabulary uses.
pub(crate) const FOLDERS: [Folder; 9] = [
    Folder {
        dir: "libraries",
        new_dir: "packages",
        holds: Holds::Package,
        legacy: true,
    },
    Folder {
        dir: "services",
        new_dir: "containers",
        holds: Holds::Container,
        legacy: true,
    },
    Folder {
        dir: "library_groups",
        new_dir: "package_groups",
        holds: Holds::Group("package_group"),
        legacy: true,
    },
    Folder {
        dir: "service_groups",
        new_dir: "container_groups",
        holds: Holds::Group("container_group"),
        legacy: true,
    },
    Folder {
        dir: "service_group",
        new_dir: "container_groups",
        holds: Holds::Group("container_group"),
        legacy: true,
    },
    Folder {
        dir: "packages",
        new_dir: "packages",
        holds: Holds::Package,
        legacy: false,
    },
    Folder {
        dir: "containers",
        new_dir: "containers",
        holds: Holds::Container,
        legacy: false,
    },
    Folder {
        dir: "package_groups",
        new_dir: "package_groups",
        holds: Holds::Group("package_group"),
        legacy: false,
    },
    Folder {
        dir: "container_groups",
        new_dir: "container_groups",
        holds: Holds::Group("container_group"),
        legacy: false,
    },
];

/// The folder of `dir`, if it is one.
pub(crate) fn folder(dir: &str) -> Option<&'static Folder> {
    FOLDERS.iter().find(|f| f.dir == dir)
}

/// Adds `name: <stem>` first when the file has no `name`.
pub(crate) fn ensure_name(root: &Value, stem: &str, out: &mut Value, r: &mut Report<'_>) {
    if root.get("name").is_none() {
        r.note(
            0,
            "name",
            format!("`name: {stem}` added (the file name, which the original used)"),
        );
        out.set("name", Value::text(stem));
    }
}

/// `name`, set to the file name (which the original used whatever `name` said).
pub(crate) fn name_entry(e: &Entry, stem: &str, r: &mut Report<'_>) -> Entry {
    if e.value.as_str() == Some(stem) {
        return e.clone();
    }
    r.note(
        e.line,
        "name",
        format!("`name` is now `{stem}`: the original identified entries by their file name"),
    );
    Entry {
        value: Value::text(stem),
        ..e.clone()
    }
}

/// `sources` of a library or service: each `prod`/`dev` source converted by `convert`
/// (given the source and its key path), null ones dropped, other keys refused.
pub(crate) fn convert_sources(
    e: &Entry,
    r: &mut Report<'_>,
    mut convert: impl FnMut(&Value, &str, &mut Report<'_>) -> Option<Value>,
) -> Value {
    let mut out = Value::map_like(&e.value);
    for s in e.value.entries().unwrap_or_default() {
        let path = format!("sources.{}", s.key);
        if !matches!(s.key.as_str(), "prod" | "dev") {
            r.refuse(
                s.line,
                &path,
                format!("`{}` is not a mode", s.key),
                "sources are `prod` and `dev`",
            );
            continue;
        }
        if s.value.is_null() {
            continue;
        }
        if let Some(v) = convert(&s.value, &path, r) {
            out.set_entry(Entry {
                value: v,
                ..s.clone()
            });
        }
    }
    out
}

/// One registry file to convert.
pub(crate) struct FileJob<'a> {
    pub(crate) folder: &'static Folder,
    pub(crate) stem: &'a str,
    pub(crate) display: String,
    pub(crate) text: &'a str,
    pub(crate) parsed: &'a Value,
    pub(crate) new_dir: &'a Path,
    pub(crate) project_root: &'a Path,
    pub(crate) project_legacy: bool,
    pub(crate) registry: &'a Registry<'a>,
    pub(crate) exists: &'a dyn Fn(&Path) -> bool,
}

/// The converted text of a file, `None` when it stays as it is.
pub(crate) fn convert_file(job: &FileJob<'_>, findings: &mut Vec<Finding>) -> Option<String> {
    let run = |policy: Policy, legacy: bool, findings: &mut Vec<Finding>| {
        let rb = Rebase {
            project_root: job.project_root,
            file_dir: job.new_dir,
            policy,
            exists: job.exists,
        };
        let mut r = Report {
            file: job.display.clone(),
            findings,
        };
        match job.folder.holds {
            Holds::Package => (
                pruned(package::convert(job.parsed, job.stem, &rb, &mut r), legacy),
                Vec::new(),
            ),
            Holds::Container => (
                pruned(
                    container::convert(job.parsed, job.stem, job.registry, &rb, &mut r),
                    legacy,
                ),
                Vec::new(),
            ),
            Holds::Group(t) => group::convert(job.parsed, job.stem, t, legacy, &mut r),
        }
    };
    let mut found = Vec::new();
    let mut guarded = false;
    let (value, header) = if job.folder.legacy {
        run(Policy::Always, true, &mut found)
    } else {
        let (probe, probe_header) = run(Policy::Never, false, &mut found);
        if probe != *job.parsed || !probe_header.is_empty() {
            found.clear();
            run(Policy::Always, true, &mut found)
        } else if job.project_legacy {
            found.clear();
            guarded = true;
            run(Policy::Guarded, false, &mut found)
        } else {
            (probe, probe_header)
        }
    };
    if value == *job.parsed && header.is_empty() && !job.folder.legacy {
        // hsm's already. Its notes still matter to a project that was the original's (what
        // its entries mean changed for it); otherwise only refusals do.
        findings.extend(found.into_iter().filter(|f| f.blocking || guarded));
        return None;
    }
    findings.extend(found);
    let comments = Comments::of(job.text);
    let (text, lost) = emit(&value, &comments, &header);
    lost_comments(&job.display, lost, findings);
    Some(text)
}

/// The original's tools wrote every key, empty or not (`network_aliases: []`,
/// `container_name: null`); in a file that is plainly the original's, those go.
fn pruned(mut v: Value, legacy: bool) -> Value {
    if legacy && let Value::Map(entries, _) = &mut v {
        entries.retain(|e| e.key == "name" || !e.value.is_empty());
    }
    v
}

/// A note for comments that belonged to keys the migration removed.
pub(crate) fn lost_comments(file: &str, lost: usize, findings: &mut Vec<Finding>) {
    if lost > 0 {
        findings.push(Finding {
            file: file.to_string(),
            line: 0,
            key: String::new(),
            message: format!(
                "{lost} comment{} on removed keys could not be kept",
                if lost == 1 { "" } else { "s" }
            ),
            hint: None,
            blocking: false,
        });
    }
}

/// Parses a registry file, or records why it cannot be read.
pub(crate) fn parse(display: &str, text: &str, findings: &mut Vec<Finding>) -> Option<Value> {
    match tree::parse(text) {
        Ok(v) if v.entries().is_some() => Some(v),
        Ok(_) => {
            findings.push(blocking(
                display,
                1,
                "the file is not a YAML mapping",
                "write the entry's keys at the top level",
            ));
            None
        }
        Err(p) => {
            findings.push(blocking(
                display,
                p.line,
                &p.message,
                "rewrite it as plain YAML (no anchors, aliases, tags or repeated keys), then run `hsm migrate` again",
            ));
            None
        }
    }
}

pub(crate) fn blocking(file: &str, line: usize, message: &str, hint: &str) -> Finding {
    Finding {
        file: crate::finding::shown(file),
        line,
        key: String::new(),
        message: crate::finding::shown(message),
        hint: Some(hint.to_string()),
        blocking: true,
    }
}
