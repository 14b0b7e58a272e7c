//! The forgotten-test-file guard: every test source file must actually be compiled.
//!
//! An integration-test directory (`tests/it/main.rs` plus one file per topic) only compiles
//! the files its `main.rs` declares with `mod <name>;`. A new `tests/it/foo.rs` without the
//! declaration is silently ignored: its tests never run and nothing says so. (The same
//! happens to a top-level `tests/foo.rs` when the manifest sets `autotests = false` and has
//! no `[[test]]` for it.) Like jj's `test_no_forgotten_test_files`, each product adds one
//! test calling [`assert_test_files_are_registered`] (or
//! [`assert_test_targets_are_declared`]), which fails listing every such file.
//!
//! What counts as a test source file: each top-level `tests/*.rs`; each `*.rs` directly in
//! a *module directory* — a directory with a `main.rs` (a test target) or a `mod.rs`, and,
//! below those, the directory `x/` beside a module file `x.rs`. Other directories (fixtures, trybuild
//! `ui/` cases) are not looked at. A file is registered when a `mod` declaration chain from
//! a test target reaches it. Declarations are found by a line scan: `mod name;` at the start
//! of a line, after optional attributes (`#[path = "…"]` is honoured) and visibility;
//! declarations inside inline `mod x { … }` blocks are not followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Panics listing every test source file under `tests_dir` that no test target compiles,
/// with Cargo's automatic target discovery: each top-level `tests/*.rs` and each
/// `tests/<dir>/main.rs` is a target.
#[track_caller]
pub fn assert_test_files_are_registered(tests_dir: impl AsRef<Path>) {
    let tests_dir = tests_dir.as_ref();
    let roots = auto_targets(tests_dir);
    report(tests_dir, &forgotten(tests_dir, &roots), false);
}

/// Like [`assert_test_files_are_registered`] for the `tests/` directory beside
/// `manifest_path` (a crate's `Cargo.toml`), taking the manifest's `[[test]]` entries into
/// account: with `autotests = false` only they are test targets, so a top-level test file
/// without an entry is reported too.
#[track_caller]
pub fn assert_test_targets_are_declared(manifest_path: impl AsRef<Path>) {
    let manifest_path = manifest_path.as_ref();
    let text = std::fs::read_to_string(manifest_path)
        .unwrap_or_else(|e| panic!("read {}: {e}", manifest_path.display()));
    let crate_dir = manifest_path.parent().unwrap_or(Path::new("."));
    let tests_dir = crate_dir.join("tests");
    let manifest = scan_manifest(&text);
    let mut roots: BTreeSet<PathBuf> = manifest
        .tests
        .iter()
        .filter_map(|t| t.resolve(crate_dir))
        .collect();
    if manifest.autotests {
        roots.extend(auto_targets(&tests_dir));
    }
    report(
        &tests_dir,
        &forgotten(&tests_dir, &roots),
        !manifest.autotests,
    );
}

/// Top-level `*.rs` files and `<dir>/main.rs` files of `tests_dir`.
fn auto_targets(tests_dir: &Path) -> BTreeSet<PathBuf> {
    let mut roots = BTreeSet::new();
    for p in list(tests_dir) {
        if p.is_dir() {
            if p.join("main.rs").is_file() {
                roots.insert(p.join("main.rs"));
            }
        } else if is_rs(&p) {
            roots.insert(p);
        }
    }
    roots
}

/// Test source files under `tests_dir` that no chain of `mod` declarations from `roots`
/// reaches, each with the file that should declare it (when there is one).
fn forgotten(
    tests_dir: &Path,
    roots: &BTreeSet<PathBuf>,
) -> BTreeMap<PathBuf, Option<(PathBuf, String)>> {
    let candidates = candidates(tests_dir);
    let mut reached = BTreeSet::new();
    let mut todo: Vec<(PathBuf, bool)> = roots.iter().map(|r| (r.clone(), true)).collect();
    while let Some((file, is_root)) = todo.pop() {
        if !reached.insert(file.clone()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let dir = file.parent().unwrap_or(Path::new("."));
        let child_dir = if is_root || is_mod_rs(&file) {
            dir.to_path_buf()
        } else {
            dir.join(stem(&file))
        };
        for decl in mod_decls(&text) {
            let target = match decl.path {
                Some(p) => Some(dir.join(p)),
                None => [
                    child_dir.join(format!("{}.rs", decl.name)),
                    child_dir.join(&decl.name).join("mod.rs"),
                ]
                .into_iter()
                .find(|p| p.is_file()),
            };
            if let Some(t) = target {
                todo.push((t, false));
            }
        }
    }
    candidates
        .into_iter()
        .filter(|c| !reached.contains(c))
        .map(|c| {
            let parent = expected_parent(tests_dir, &c);
            (c, parent)
        })
        .collect()
}

/// Every test source file (see the module docs).
fn candidates(tests_dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut module_dirs = Vec::new();
    for p in list(tests_dir) {
        if p.is_dir() {
            if p.join("main.rs").is_file() || p.join("mod.rs").is_file() {
                module_dirs.push(p);
            }
        } else if is_rs(&p) {
            // A top-level file is a crate root: its modules live in `tests_dir` itself.
            out.insert(p);
        }
    }
    while let Some(dir) = module_dirs.pop() {
        for p in list(&dir) {
            if p.is_dir() {
                if p.join("mod.rs").is_file() {
                    module_dirs.push(p);
                }
            } else if is_rs(&p) {
                if !is_mod_rs(&p) && p.with_extension("").is_dir() {
                    module_dirs.push(p.with_extension(""));
                }
                out.insert(p);
            }
        }
    }
    out
}

/// The file whose `mod` declaration would register `file`, and the declaration.
fn expected_parent(tests_dir: &Path, file: &Path) -> Option<(PathBuf, String)> {
    let (dir, name) = if file.file_name().is_some_and(|n| n == "mod.rs") {
        let module_dir = file.parent()?;
        (
            module_dir.parent()?,
            module_dir.file_name()?.to_string_lossy().into_owned(),
        )
    } else if file.file_name().is_some_and(|n| n == "main.rs") {
        return None; // a test target itself
    } else {
        (file.parent()?, stem(file))
    };
    if dir == tests_dir {
        return None; // a top-level file: a target itself, or shared by several
    }
    let decl = format!("mod {name};");
    for candidate in [dir.join("main.rs"), dir.join("mod.rs")] {
        if candidate.is_file() {
            return Some((candidate, decl));
        }
    }
    let beside = dir.with_extension("rs");
    beside.is_file().then_some((beside, decl))
}

#[track_caller]
fn report(
    tests_dir: &Path,
    forgotten: &BTreeMap<PathBuf, Option<(PathBuf, String)>>,
    explicit_targets: bool,
) {
    if forgotten.is_empty() {
        return;
    }
    let base = tests_dir.parent().unwrap_or(tests_dir);
    let show = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let mut msg = format!(
        "{} test file(s) are never compiled, so their tests never run:\n",
        forgotten.len()
    );
    for (file, parent) in forgotten {
        let fix = match parent {
            Some((parent, decl)) => format!("add `{decl}` to {}", show(parent)),
            None if explicit_targets => {
                "add a [[test]] entry to Cargo.toml (autotests = false), or declare it as a module of a test target".to_string()
            }
            None => "declare it as a module of a test target".to_string(),
        };
        msg.push_str(&format!("  {}: {fix}\n", show(file)));
    }
    panic!("{msg}");
}

#[derive(Debug, PartialEq, Eq)]
struct ModDecl {
    name: String,
    /// From a `#[path = "…"]` attribute.
    path: Option<String>,
}

/// The `mod name;` declarations of a source file (see the module docs).
fn mod_decls(text: &str) -> Vec<ModDecl> {
    let mut out = Vec::new();
    let mut pending_path = None;
    for line in text.lines() {
        let mut rest = line.trim();
        if rest.is_empty() || rest.starts_with("//") {
            continue;
        }
        // Leading attributes, possibly several, possibly alone on the line.
        while let Some(attr_start) = rest.strip_prefix("#[") {
            let Some(end) = attr_start.find(']') else {
                break;
            };
            let attr = &attr_start[..end];
            if let Some(p) = path_attr(attr) {
                pending_path = Some(p);
            }
            rest = attr_start[end + 1..].trim_start();
        }
        if rest.is_empty() || rest.starts_with("//") {
            continue; // attribute lines apply to the next item
        }
        let path = pending_path.take();
        if let Some(name) = mod_item(rest) {
            out.push(ModDecl { name, path });
        }
    }
    out
}

/// `path = "x.rs"` → `x.rs`.
fn path_attr(attr: &str) -> Option<String> {
    let value = attr
        .trim()
        .strip_prefix("path")?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    Some(value.strip_prefix('"')?.strip_suffix('"')?.to_string())
}

/// `pub(crate) mod name; // comment` → `name`.
fn mod_item(item: &str) -> Option<String> {
    let mut rest = item;
    if let Some(r) = rest.strip_prefix("pub") {
        rest = r.trim_start();
        if let Some(r) = rest.strip_prefix('(') {
            rest = r.split_once(')')?.1.trim_start();
        }
    }
    let rest = rest.strip_prefix("mod")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("r#").unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(end);
    let after = after.trim_start();
    (!name.is_empty() && after.starts_with(';')).then(|| name.to_string())
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Manifest {
    autotests: bool,
    tests: Vec<TestTarget>,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct TestTarget {
    name: Option<String>,
    path: Option<String>,
}

impl TestTarget {
    fn resolve(&self, crate_dir: &Path) -> Option<PathBuf> {
        if let Some(p) = &self.path {
            return Some(crate_dir.join(p));
        }
        let name = self.name.as_ref()?;
        let file = crate_dir.join("tests").join(format!("{name}.rs"));
        Some(if file.is_file() {
            file
        } else {
            crate_dir.join("tests").join(name).join("main.rs")
        })
    }
}

/// The `autotests` flag and the `[[test]]` entries, by a line scan (`key = "value"` lines
/// under `[package]` and `[[test]]` headers).
fn scan_manifest(text: &str) -> Manifest {
    let mut m = Manifest {
        autotests: true,
        tests: Vec::new(),
    };
    let mut section = String::new();
    for line in text.lines() {
        let line = strip_toml_comment(line).trim();
        if line.starts_with('[') {
            section = line.split_whitespace().collect();
            if section == "[[test]]" {
                m.tests.push(TestTarget::default());
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let string = || {
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .map(str::to_string)
        };
        match (section.as_str(), key) {
            ("[package]", "autotests") => m.autotests = value != "false",
            ("[[test]]", "name") => {
                if let Some(t) = m.tests.last_mut() {
                    t.name = string();
                }
            }
            ("[[test]]", "path") => {
                if let Some(t) = m.tests.last_mut() {
                    t.path = string();
                }
            }
            _ => {}
        }
    }
    m
}

/// The line up to a `#` that is not inside a string.
fn strip_toml_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return &line[..i],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            _ => {}
        }
    }
    line
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn is_rs(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "rs")
}

fn is_mod_rs(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n == "mod.rs" || n == "main.rs" || n == "lib.rs")
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scratch;

    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let err = std::panic::catch_unwind(f).unwrap_err();
        *err.downcast::<String>().unwrap()
    }

    #[test]
    fn mod_declarations_are_found_in_their_usual_forms() {
        let text = "//! docs: mod not_this;\n#![allow(x)]\n\nmod common;\npub mod a; // why\npub(crate) mod b ;\n\
                    #[cfg(feature = \"x\")]\nmod c;\n#[cfg(unix)] mod d;\n// mod commented;\nmod inline {\n}\n\
                    #[path = \"elsewhere/e.rs\"]\nmod e;\nuse common::*;\nfn module() {}\nmod r#async;\n";
        let decls = mod_decls(text);
        let names: Vec<&str> = decls.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["common", "a", "b", "c", "d", "e", "async"]);
        assert_eq!(decls[5].path.as_deref(), Some("elsewhere/e.rs"));
        assert_eq!(decls[0].path, None);
    }

    #[test]
    fn a_fully_registered_tree_passes() {
        let s = Scratch::new();
        s.write("tests/it/main.rs", "mod common;\nmod cli;\nmod nested;\n");
        s.write("tests/it/common.rs", "");
        s.write("tests/it/cli.rs", "mod sub;\n");
        s.write("tests/it/cli/sub.rs", "");
        s.write("tests/it/nested/mod.rs", "mod deep;\n");
        s.write("tests/it/nested/deep.rs", "");
        s.write("tests/it/fixtures/input.rs", "not a module, just data");
        s.write("tests/ui/compile_fail.rs", "fixture for trybuild");
        s.write("tests/standalone.rs", "mod helpers;\n");
        s.write("tests/helpers/mod.rs", "");
        assert_test_files_are_registered(s.child("tests"));
    }

    #[test]
    fn forgotten_files_are_listed_with_the_fix() {
        let s = Scratch::new();
        s.write(
            "tests/it/main.rs",
            "mod common;\n// mod old;\nmod nested;\n",
        );
        s.write("tests/it/common.rs", "");
        s.write("tests/it/old.rs", "");
        s.write("tests/it/new.rs", "");
        s.write("tests/it/nested/mod.rs", "");
        s.write("tests/it/nested/deep.rs", "");
        s.write("tests/it/group/mod.rs", "");
        s.write("tests/shared/mod.rs", "");
        let tests = s.child("tests");
        let msg = panic_message(move || assert_test_files_are_registered(&tests));
        assert_eq!(
            msg,
            "5 test file(s) are never compiled, so their tests never run:\n  \
             tests/it/group/mod.rs: add `mod group;` to tests/it/main.rs\n  \
             tests/it/nested/deep.rs: add `mod deep;` to tests/it/nested/mod.rs\n  \
             tests/it/new.rs: add `mod new;` to tests/it/main.rs\n  \
             tests/it/old.rs: add `mod old;` to tests/it/main.rs\n  \
             tests/shared/mod.rs: declare it as a module of a test target\n"
        );
    }

    #[test]
    fn manifest_scan_reads_autotests_and_test_entries() {
        let m = scan_manifest(
            "[package]\nname = \"x\" # the name\nautotests = false\n\n[[test]]\nname = \"it\"\n\
             [[ test ]]\nname = 'other'\npath = \"tests/o.rs\"\n[dependencies]\nname = \"nope\"\n",
        );
        assert!(!m.autotests);
        assert_eq!(
            m.tests,
            [
                TestTarget {
                    name: Some("it".into()),
                    path: None
                },
                TestTarget {
                    name: Some("other".into()),
                    path: Some("tests/o.rs".into())
                },
            ]
        );
        assert!(scan_manifest("[package]\nname = \"x\"\n").autotests);
    }

    #[test]
    fn without_autotests_an_undeclared_top_level_file_is_forgotten() {
        let s = Scratch::new();
        s.write("tests/it/main.rs", "mod a;\n");
        s.write("tests/it/a.rs", "");
        s.write("tests/declared.rs", "mod shared;\n");
        s.write("tests/shared.rs", "");
        s.write("tests/forgotten.rs", "");
        s.write("tests/forgotten_dir/main.rs", "");
        let manifest = s.write(
            "Cargo.toml",
            "[package]\nname = \"x\"\nautotests = false\n\n[[test]]\nname = \"it\"\n\n[[test]]\nname = \"declared\"\n",
        );
        let msg = panic_message(move || assert_test_targets_are_declared(&manifest));
        assert_eq!(
            msg,
            "2 test file(s) are never compiled, so their tests never run:\n  \
             tests/forgotten.rs: add a [[test]] entry to Cargo.toml (autotests = false), or declare it as a module of a test target\n  \
             tests/forgotten_dir/main.rs: add a [[test]] entry to Cargo.toml (autotests = false), or declare it as a module of a test target\n"
        );
    }

    #[test]
    fn with_autotests_every_top_level_file_is_a_target() {
        let s = Scratch::new();
        s.write("tests/a.rs", "");
        s.write("tests/b/main.rs", "");
        s.write("Cargo.toml", "[package]\nname = \"x\"\n");
        assert_test_targets_are_declared(s.child("Cargo.toml"));
    }

    #[test]
    fn this_crate_registers_its_own_test_files() {
        assert_test_targets_are_declared(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
    }
}
