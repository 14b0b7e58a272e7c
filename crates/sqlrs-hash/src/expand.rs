//! psql scripts read once, with their includes inlined.
//!
//! psql's `\i` / `\ir` / `\include` / `\include_relative` read other files while the script
//! runs. Hashing the top file alone would miss a change in an included one; re-reading the
//! files at execution would run whatever an editor saved in between. So a script is
//! expanded here, every file read exactly once: each include line is replaced by the
//! included file's expanded text between `-- sqlrs: include-boundary` comment lines, and the
//! result is both what is hashed and what psql executes (from stdin). A map from each line
//! of the result back to its file and line lets an error from psql (`<stdin>:57`) be
//! reported as `schema/users.sql:12`.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The marker line around an included file's text.
const BOUNDARY: &[u8] = b"-- sqlrs: include-boundary";

/// Deeper includes than this are refused (a cycle through different spellings of a path).
const MAX_DEPTH: usize = 64;

/// A script with its includes inlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The text that is hashed and executed.
    pub bytes: Vec<u8>,
    /// Every file read, in the order first read (the script first).
    pub files: Vec<PathBuf>,
    /// For each line of `bytes` (1-based line `n` is `lines[n - 1]`), where it came from;
    /// `None` for the boundary lines sqlrs added.
    pub lines: Vec<Option<LineOrigin>>,
}

/// A line of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineOrigin {
    /// Index into [`Expanded::files`].
    pub file: usize,
    /// 1-based line in that file.
    pub line: usize,
}

impl Expanded {
    /// The file and line that line `n` (1-based) of the expanded text came from.
    pub fn origin(&self, n: usize) -> Option<(&Path, usize)> {
        let o = (*self.lines.get(n.checked_sub(1)?)?)?;
        Some((self.files.get(o.file)?.as_path(), o.line))
    }
}

/// Why a script could not be expanded.
#[derive(Debug, thiserror::Error)]
pub enum ExpandError {
    /// A file could not be read.
    #[error("cannot read `{}`{}", path.display(), included_from(from))]
    Read {
        /// The file.
        path: PathBuf,
        /// The file and line of the include that named it, if it was included.
        from: Option<(PathBuf, usize)>,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A file includes itself, directly or not.
    #[error("`{}` includes itself (through {})", path.display(), chain.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(" -> "))]
    Recursive {
        /// The file.
        path: PathBuf,
        /// The files that led back to it.
        chain: Vec<PathBuf>,
    },
    /// Includes nest deeper than sqlrs follows.
    #[error("includes nest deeper than {MAX_DEPTH} files at `{}`", path.display())]
    TooDeep {
        /// Where it stopped.
        path: PathBuf,
    },
}

fn included_from(from: &Option<(PathBuf, usize)>) -> String {
    match from {
        Some((file, line)) => format!(" (included from `{}`:{line})", file.display()),
        None => String::new(),
    }
}

/// Expands the script `file`. Plain includes (`\i`, `\include`) resolve against `work_dir`,
/// relative ones (`\ir`, `\include_relative`) against the including file's directory, as
/// psql resolves them; `read` reads a file (so the caller decides how, and tests can use
/// memory).
pub fn expand(
    file: &Path,
    work_dir: &Path,
    read: &mut dyn FnMut(&Path) -> io::Result<Vec<u8>>,
) -> Result<Expanded, ExpandError> {
    let mut out = Expanded {
        bytes: Vec::new(),
        files: Vec::new(),
        lines: Vec::new(),
    };
    let mut stack = Vec::new();
    let file = normalize(&work_dir.join(file));
    expand_into(&file, None, work_dir, read, &mut stack, &mut out)?;
    Ok(out)
}

fn expand_into(
    file: &Path,
    from: Option<(PathBuf, usize)>,
    work_dir: &Path,
    read: &mut dyn FnMut(&Path) -> io::Result<Vec<u8>>,
    stack: &mut Vec<PathBuf>,
    out: &mut Expanded,
) -> Result<(), ExpandError> {
    if stack.iter().any(|p| p == file) {
        return Err(ExpandError::Recursive {
            path: file.to_path_buf(),
            chain: stack.clone(),
        });
    }
    if stack.len() >= MAX_DEPTH {
        return Err(ExpandError::TooDeep {
            path: file.to_path_buf(),
        });
    }
    let text = read(file).map_err(|source| ExpandError::Read {
        path: file.to_path_buf(),
        from,
        source,
    })?;
    let index = out.files.len();
    out.files.push(file.to_path_buf());
    stack.push(file.to_path_buf());
    let dir = file.parent().unwrap_or(work_dir).to_path_buf();
    for (n, line) in text.split_inclusive(|b| *b == b'\n').enumerate() {
        match include_target(line) {
            Some((relative, target)) => {
                let base = if relative { &dir } else { work_dir };
                let target = normalize(&base.join(target));
                push_line(out, BOUNDARY, None);
                expand_into(
                    &target,
                    Some((file.to_path_buf(), n + 1)),
                    work_dir,
                    read,
                    stack,
                    out,
                )?;
                push_line(out, BOUNDARY, None);
            }
            None => push_line(
                out,
                line,
                Some(LineOrigin {
                    file: index,
                    line: n + 1,
                }),
            ),
        }
    }
    stack.pop();
    Ok(())
}

/// Appends `line` (with its line break, or one added) to the output.
fn push_line(out: &mut Expanded, line: &[u8], origin: Option<LineOrigin>) {
    if !out.bytes.is_empty() && !out.bytes.ends_with(b"\n") {
        out.bytes.push(b'\n');
    }
    out.bytes.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        out.bytes.push(b'\n');
    }
    out.lines.push(origin);
}

/// `Some((relative, path))` when `line` is an include meta-command.
fn include_target(line: &[u8]) -> Option<(bool, PathBuf)> {
    let text = std::str::from_utf8(line).ok()?.trim();
    let (command, rest) = text.split_once(char::is_whitespace)?;
    let relative = match command {
        "\\i" | "\\include" => false,
        "\\ir" | "\\include_relative" => true,
        _ => return None,
    };
    let rest = rest.trim();
    let path = match rest.strip_prefix('\'') {
        Some(quoted) => quoted.strip_suffix('\'')?.replace("''", "'"),
        None => rest.to_string(),
    };
    (!path.is_empty()).then(|| (relative, PathBuf::from(path)))
}

/// `path` with `.` and `..` removed lexically (includes name files, not directories that
/// could be links, and two spellings of one file must be recognised as one).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn files(pairs: &[(&str, &str)]) -> HashMap<PathBuf, Vec<u8>> {
        pairs
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.as_bytes().to_vec()))
            .collect()
    }

    fn run(
        fs: &HashMap<PathBuf, Vec<u8>>,
        file: &str,
    ) -> Result<(Expanded, Vec<PathBuf>), ExpandError> {
        let mut reads = Vec::new();
        let e = expand(Path::new(file), Path::new("/w"), &mut |p| {
            reads.push(p.to_path_buf());
            fs.get(p)
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        })?;
        Ok((e, reads))
    }

    #[test]
    fn includes_are_inlined_between_boundaries_and_mapped_back() {
        let fs = files(&[
            (
                "/w/main.sql",
                "create table a();\n\\ir sub/b.sql\nselect 1;\n",
            ),
            ("/w/sub/b.sql", "create table b();\n\\i 'c.sql'\n"),
            ("/w/c.sql", "create table c();"),
        ]);
        let (e, reads) = run(&fs, "main.sql").unwrap();
        assert_eq!(
            String::from_utf8(e.bytes.clone()).unwrap(),
            "create table a();\n-- sqlrs: include-boundary\ncreate table b();\n\
             -- sqlrs: include-boundary\ncreate table c();\n-- sqlrs: include-boundary\n\
             -- sqlrs: include-boundary\nselect 1;\n"
        );
        assert_eq!(reads.len(), 3, "each file read once");
        assert_eq!(e.origin(3), Some((Path::new("/w/sub/b.sql"), 1)));
        assert_eq!(e.origin(5), Some((Path::new("/w/c.sql"), 1)));
        assert_eq!(e.origin(8), Some((Path::new("/w/main.sql"), 3)));
        assert_eq!(e.origin(9), None);
        assert_eq!(e.origin(2), None);
    }

    #[test]
    fn the_text_depends_on_content_not_on_how_includes_are_spelt() {
        let a = files(&[("/w/m.sql", "\\i x.sql\n"), ("/w/x.sql", "select 1;\n")]);
        let b = files(&[
            ("/w/m.sql", "\\include ./d/../x.sql\n"),
            ("/w/x.sql", "select 1;\n"),
        ]);
        assert_eq!(
            run(&a, "m.sql").unwrap().0.bytes,
            run(&b, "m.sql").unwrap().0.bytes
        );
    }

    #[test]
    fn recursion_and_missing_files_are_errors_that_say_where() {
        let fs = files(&[("/w/a.sql", "\\i b.sql\n"), ("/w/b.sql", "\\ir a.sql\n")]);
        let err = run(&fs, "a.sql").unwrap_err();
        assert!(
            err.to_string().contains("`/w/a.sql` includes itself"),
            "{err}"
        );
        let fs = files(&[("/w/a.sql", "select 1;\n\\i missing.sql\n")]);
        let err = run(&fs, "a.sql").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read `/w/missing.sql` (included from `/w/a.sql`:2)"
        );
    }

    #[test]
    fn meta_commands_that_are_not_includes_stay() {
        let fs = files(&[("/w/a.sql", "\\set x 1\n\\if true\n\\echo \\i not\n\\i\n")]);
        let (e, _) = run(&fs, "a.sql").unwrap();
        assert_eq!(e.bytes, b"\\set x 1\n\\if true\n\\echo \\i not\n\\i\n");
    }
}
