//! The parsed project manifest together with where it lives.

use std::path::{Path, PathBuf};

use hsm_schema::Manifest;
use infra_yaml::{Diagnostic, Loc, ParseCache, PathIndex};

/// `hsm.yaml`, parsed, with its key positions.
#[derive(Debug, Clone)]
pub struct ProjectFile {
    /// The typed manifest.
    pub manifest: Manifest,
    /// The project root (the directory holding `hsm.yaml`).
    pub root: PathBuf,
    /// The path shown in messages (`hsm.yaml`).
    pub display: PathBuf,
    /// Key positions.
    pub index: PathIndex,
    /// The raw text (kept for comment-preserving edits).
    pub text: String,
}

impl ProjectFile {
    /// Parses `text` as the manifest at `root/hsm.yaml`.
    pub fn parse(root: &Path, text: String) -> Result<Self, Diagnostic> {
        Self::parse_with(root, text, &ParseCache::disabled())
    }

    /// [`ProjectFile::parse`], reading the parsed manifest from `cache` when this text was
    /// parsed before.
    pub fn parse_with(root: &Path, text: String, cache: &ParseCache) -> Result<Self, Diagnostic> {
        let display = PathBuf::from("hsm.yaml");
        let manifest: Manifest = cache.from_str("manifest", &display, &text)?;
        if let Some(v) = manifest.schema_version
            && v != 1
        {
            let index = PathIndex::build(&text);
            return Err(Diagnostic::new(
                &display,
                format!("expected `schema_version: 1`, found `{v}`"),
            )
            .at(index.locate("schema_version"))
            .key("schema_version")
            .hint("this hsm understands manifest schema version 1"));
        }
        Ok(Self {
            manifest,
            root: root.to_path_buf(),
            display,
            index: PathIndex::build(&text),
            text,
        })
    }

    /// Reads and parses `root/hsm.yaml`.
    pub fn load(root: &Path) -> Result<Self, Diagnostic> {
        let path = root.join("hsm.yaml");
        let bytes = infra_fs::read_text_file(&path)
            .map_err(|e| Diagnostic::new("hsm.yaml", format!("cannot read the manifest: {e}")))?;
        let text = infra_yaml::utf8_text(Path::new("hsm.yaml"), bytes)?;
        Self::parse(root, text)
    }

    /// Where `key` is written.
    pub fn loc(&self, key: &str) -> Option<Loc> {
        self.index.locate(key)
    }

    /// A located error about `key`.
    pub fn error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        self.index.error(&self.display, key, message)
    }

    /// The project name: `project.name`, else the directory name.
    pub fn name(&self) -> String {
        self.manifest.project.name.clone().unwrap_or_else(|| {
            self.root
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("project")
                .to_string()
        })
    }
}
