//! Reading and writing one state file: versions, migrations, the canonical text.
//!
//! Loading checks the `version:` first (with a lenient probe, so a newer file with fields
//! this build does not know is reported as newer, not as a typo), migrates an older file's
//! text up to [`SCHEMA_VERSION`], then parses it strictly. Writing is the header line plus
//! `serde-saphyr`'s rendering of types whose maps are all `BTreeMap`s, which is what makes
//! the output independent of insertion order.

use std::path::Path;

use hyperforge_schema::SCHEMA_VERSION;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::StateError;

/// The first line of every file hyperforge writes.
pub const HEADER: &str =
    "# Written by hyperforge. Comments are not kept when hyperforge rewrites this file.\n";

/// Which state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `config.yaml`.
    Config,
    /// `orgs/<org>/repos.yaml`.
    Repos,
    /// `orgs/<org>/staged-repos.yaml`.
    Staged,
}

/// Rewrites a file's text from one schema version to the next (`Err` says why it cannot).
pub type Migration = fn(&str) -> Result<String, String>;

/// The migration of a `kind` file from version `from` to `from + 1`, if there is one.
///
/// Version 0 (no `version:` key, as the earlier implementation wrote) has the same shape as
/// version 1 for repos and staged files, so their migration is the identity. A version-0
/// `config.yaml` is also read as is: the keys that changed (`organizations:`, forges as a
/// fixed enum) are then reported as unknown fields, at their line.
pub fn migration(kind: FileKind, from: u32) -> Option<Migration> {
    match (kind, from) {
        (_, 0) => Some(|text| Ok(text.to_owned())),
        _ => None,
    }
}

#[derive(serde::Deserialize)]
struct VersionProbe {
    #[serde(default)]
    version: u32,
}

/// The schema version from a plain top-level `version: N` line, without parsing the whole
/// document a second time (a file of 1,000 repositories parses in tens of milliseconds;
/// the probe would double that). `None` when there is no such line or it is not a plain
/// number, so the full parse decides (and locates any error).
fn scan_version(text: &str) -> Option<u32> {
    let mut found = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("version:") {
            if found.is_some() {
                return None;
            }
            let value = rest.split('#').next().unwrap_or_default().trim();
            found = Some(value.parse().ok()?);
        }
    }
    found
}

/// Parses `text` (the contents of `path`) into `T`, migrating older versions.
pub(crate) fn parse<T: DeserializeOwned>(
    kind: FileKind,
    path: &Path,
    text: &str,
) -> Result<T, StateError> {
    let probe = match scan_version(text) {
        Some(version) => VersionProbe { version },
        None => infra_yaml::from_str(path, text)?,
    };
    if probe.version > SCHEMA_VERSION {
        return Err(StateError::TooNew {
            file: path.to_owned(),
            found: probe.version,
            supported: SCHEMA_VERSION,
        });
    }
    let mut text = text.to_owned();
    for from in probe.version..SCHEMA_VERSION {
        let Some(step) = migration(kind, from) else {
            return Err(StateError::Migration {
                file: path.to_owned(),
                from,
                message: "no migration is known".to_owned(),
            });
        };
        text = step(&text).map_err(|message| StateError::Migration {
            file: path.to_owned(),
            from,
            message,
        })?;
    }
    Ok(infra_yaml::from_str(path, &text)?)
}

/// Reads and parses the file at `path`; `Ok(None)` when it does not exist.
pub(crate) fn load<T: DeserializeOwned>(
    kind: FileKind,
    path: &Path,
) -> Result<Option<T>, StateError> {
    let Some(bytes) = infra_fs::read_text_optional(path)? else {
        return Ok(None);
    };
    let text = infra_yaml::utf8_text(path, bytes).map_err(infra_yaml::YamlError::from)?;
    parse(kind, path, &text).map(Some)
}

/// The canonical text of `value`, header included.
pub(crate) fn render<T: Serialize>(path: &Path, value: &T) -> Result<String, StateError> {
    let body = serde_saphyr::to_string(value).map_err(|e| StateError::Render {
        file: path.to_owned(),
        message: e.to_string(),
    })?;
    Ok(format!("{HEADER}{body}"))
}

#[cfg(test)]
mod tests {
    use super::scan_version;

    #[test]
    fn the_version_line_is_read_without_a_second_parse() {
        assert_eq!(scan_version("# header\nversion: 1\nrepos: {}\n"), Some(1));
        assert_eq!(scan_version("version: 7 # newer\n"), Some(7));
        // Anything unusual goes to the full parse, which locates errors.
        assert_eq!(scan_version("version: one\n"), None);
        assert_eq!(scan_version("version: 1\nversion: 2\n"), None);
        assert_eq!(scan_version("{version: 1}\n"), None);
        assert_eq!(scan_version("repos: {}\n"), None);
    }
}
