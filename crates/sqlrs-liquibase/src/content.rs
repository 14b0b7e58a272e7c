//! The changelog files under the search path, read once per plan.
//!
//! Liquibase reads the changelog itself, so sqlrs cannot hand it "exactly the hashed bytes"
//! as it does psql. Instead every file under the search-path directories is read and
//! digested before `update-sql` and again after it: if the digests differ, an editor saved
//! in between and the plan is refused. The digests serve two purposes: a changeset that
//! Liquibase itself must apply (its rendered SQL is not the whole story) hashes all of
//! them, and each changelog file is scanned for the attributes that `update-sql` does not
//! render (preconditions, `failOnError`, `runInTransaction`), which send the changesets
//! they may touch to Liquibase (see `classify`).

use std::path::{Path, PathBuf};

use sqlrs_hash::{Digest, Fingerprint};

use crate::LbError;

/// More files than this under the search path are refused (a search path that is a whole
/// repository or home directory is a mistake, and hashing it would be slow).
const MAX_FILES: usize = 20_000;
/// More bytes than this are refused, for the same reason.
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Changelog attributes `update-sql` does not show in its output, lowercase.
pub(crate) const UNRENDERED_ATTRIBUTES: &[&str] =
    &["precondition", "failonerror", "runintransaction"];

/// A file under the search path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its search-path directory.
    pub root: PathBuf,
    /// Its path relative to its search-path directory, `/`-separated.
    pub path: String,
    /// The digest of its bytes.
    pub digest: Digest,
    /// Which of the unrendered attributes it mentions (changelog files only: `.xml`,
    /// `.yaml`, `.yml`, `.json`, `.sql`).
    pub attributes: Vec<&'static str>,
    /// Whether it may include other changelogs (it mentions `include`).
    pub includes: bool,
}

/// Every file under the search path, digested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangelogContent {
    /// The files, by search-path directory, then path.
    pub files: Vec<SourceFile>,
    /// The digest of all of them (paths and digests, in order).
    pub digest: Digest,
}

impl ChangelogContent {
    /// Reads every regular file under `search_path` (hidden entries, such as `.git`, and
    /// links to directories are skipped).
    pub fn read(search_path: &[PathBuf]) -> Result<Self, LbError> {
        let mut files = Vec::new();
        let mut all = Fingerprint::new("sqlrs-lb-content-v1");
        for dir in search_path {
            let mut found = Vec::new();
            let mut bytes = 0;
            walk(dir, dir, &mut found, &mut bytes)?;
            found.sort_by(|a, b| a.path.cmp(&b.path));
            all.list(
                "files",
                found.iter().map(|f| {
                    let mut item = f.path.as_bytes().to_vec();
                    item.push(0);
                    item.extend_from_slice(f.digest.as_bytes());
                    item
                }),
            );
            files.extend(found);
        }
        Ok(Self {
            files,
            digest: all.finish(),
        })
    }

    /// The file a changeset names (`path` as Liquibase prints it: relative to a
    /// search-path directory, or absolute).
    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        let path = path.strip_prefix("classpath:").unwrap_or(path);
        self.files.iter().find(|f| {
            let rel = Path::new(path)
                .strip_prefix(&f.root)
                .unwrap_or(Path::new(path));
            rel.to_str() == Some(f.path.as_str())
        })
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<SourceFile>,
    bytes: &mut u64,
) -> Result<(), LbError> {
    let io = |op, path: &Path| {
        let path = path.to_path_buf();
        move |source| LbError::Io { op, path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(io("list", dir))? {
        let entry = entry.map_err(io("list", dir))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(io("read", &path))?;
        if kind.is_dir() {
            walk(root, &path, out, bytes)?;
            continue;
        }
        // Links to files are followed (Liquibase follows them); links to directories are not.
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let data = std::fs::read(&path).map_err(io("read", &path))?;
        *bytes += data.len() as u64;
        if out.len() >= MAX_FILES || *bytes > MAX_BYTES {
            return Err(LbError::TooLarge {
                dir: root.to_path_buf(),
                limit: if out.len() >= MAX_FILES {
                    format!("{MAX_FILES} files")
                } else {
                    format!("{} MiB", MAX_BYTES / 1024 / 1024)
                },
            });
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push(source_file(root, rel.join("/"), &data));
    }
    Ok(())
}

fn source_file(root: &Path, path: String, data: &[u8]) -> SourceFile {
    let mut f = Fingerprint::new("sqlrs-lb-file-v1");
    f.field("bytes", data);
    let changelog = [".xml", ".yaml", ".yml", ".json", ".sql"]
        .iter()
        .any(|e| path.to_ascii_lowercase().ends_with(e));
    let lower = if changelog {
        data.to_ascii_lowercase()
    } else {
        Vec::new()
    };
    let mentions = |word: &str| lower.windows(word.len()).any(|w| w == word.as_bytes());
    SourceFile {
        attributes: UNRENDERED_ATTRIBUTES
            .iter()
            .copied()
            .filter(|a| mentions(a))
            .collect(),
        includes: mentions("include"),
        digest: f.finish(),
        root: root.to_path_buf(),
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_listed_relative_and_scanned_for_unrendered_attributes() {
        let dir = tempfile::tempdir().unwrap();
        let w = |p: &str, t: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        };
        w("master.xml", "<include file=\"a/one.yaml\"/>");
        w(
            "a/one.yaml",
            "- changeSet:\n    preConditions:\n      - onFail: MARK_RAN\n",
        );
        w(
            "a/two.sql",
            "--changeset a:1 runInTransaction:false failOnError:false\n",
        );
        w("a/data.csv", "precondition\n");
        w(".git/HEAD", "x");
        let c = ChangelogContent::read(&[dir.path().to_path_buf()]).unwrap();
        let paths: Vec<&str> = c.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["a/data.csv", "a/one.yaml", "a/two.sql", "master.xml"]
        );
        assert_eq!(
            c.files[0].attributes,
            Vec::<&str>::new(),
            "data is not a changelog"
        );
        assert_eq!(c.files[1].attributes, ["precondition"]);
        assert_eq!(c.files[2].attributes, ["failonerror", "runintransaction"]);
        assert!(c.files[3].includes && !c.files[1].includes);
        assert_eq!(c.file("a/one.yaml").unwrap().path, "a/one.yaml");
        assert_eq!(c.file("classpath:a/one.yaml").unwrap().path, "a/one.yaml");
        let abs = dir.path().join("a/two.sql");
        assert_eq!(c.file(abs.to_str().unwrap()).unwrap().path, "a/two.sql");
        assert!(c.file("b/a/one.yaml").is_none());

        let before = c.digest;
        w("a/data.csv", "changed\n");
        assert_ne!(
            ChangelogContent::read(&[dir.path().to_path_buf()])
                .unwrap()
                .digest,
            before
        );
    }
}
