//! `hyperforge secrets`: where token values live when they are not in the environment.
//!
//! The OS keyring when one is reachable (through `secret-tool`, libsecret's command line,
//! so no D-Bus library is linked and a machine without a keyring costs nothing), else
//! `secrets.yaml` in the config directory, mode 0600, written atomically. Values go in on
//! stdin and come out only to the forge clients: `list` shows keys and where each lives,
//! never a value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use infra_process::{Cmd, Interrupt, Output};
use serde::Serialize;

use crate::{OpsError, Secret};

/// The keyring's attribute naming hyperforge's entries.
const SERVICE: &str = "hyperforge";

/// Where a secret lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretBackend {
    /// The OS keyring.
    Keyring,
    /// `secrets.yaml` (0600).
    File,
}

/// A stored secret's key and where it is (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretEntry {
    /// The key (`keyring:KEY` references it).
    pub key: String,
    /// Where it lives.
    pub backend: SecretBackend,
}

/// The secret stores of a config directory.
#[derive(Debug, Clone)]
pub struct Secrets {
    file: PathBuf,
    keyring: Option<PathBuf>,
}

fn valid_key(key: &str) -> Result<(), OpsError> {
    let ok = !key.is_empty()
        && key.len() <= 128
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(())
    } else {
        Err(OpsError::Invalid {
            what: "secret key".into(),
            value: key.escape_default().to_string(),
            expected: "1–128 characters of letters, digits, `-`, `_`, `.` or `/`".into(),
        })
    }
}

impl Secrets {
    /// The stores of config directory `dir`; `keyring` is the `secret-tool` to use, when
    /// a keyring is reachable.
    pub fn new(dir: &Path, keyring: Option<PathBuf>) -> Self {
        Self {
            file: dir.join("secrets.yaml"),
            keyring,
        }
    }

    /// Where new secrets go.
    pub fn backend(&self) -> SecretBackend {
        if self.keyring.is_some() {
            SecretBackend::Keyring
        } else {
            SecretBackend::File
        }
    }

    fn read_file(&self) -> Result<BTreeMap<String, String>, OpsError> {
        let Some(bytes) = infra_fs::read_text_optional(&self.file).map_err(OpsError::Fs)? else {
            return Ok(BTreeMap::new());
        };
        let text = String::from_utf8_lossy(&bytes);
        infra_yaml::from_str(&self.file, &text).map_err(|e| OpsError::SecretsFile(Box::new(e)))
    }

    fn write_file(&self, map: &BTreeMap<String, String>) -> Result<(), OpsError> {
        // Written in place of a link, never through it: the token values would land
        // wherever the link points, and that file's mode would change.
        if std::fs::symlink_metadata(&self.file).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(OpsError::Invalid {
                what: "secrets file".into(),
                value: self.file.display().to_string(),
                expected: "a regular file, not a symbolic link (remove the link)".into(),
            });
        }
        let mut text = String::from(
            "# hyperforge secrets: token values, written by `hyperforge secrets set`; keep this file private (0600)\n",
        );
        for (k, v) in map {
            text.push_str(&format!("{k}: {}\n", serde_json::Value::String(v.clone())));
        }
        infra_fs::write_atomic(&self.file, text.as_bytes(), Some(0o600)).map_err(OpsError::Fs)
    }

    fn tool(&self, tool: &Path, args: &[&str], stdin: Option<&str>) -> Result<String, OpsError> {
        let mut cmd = Cmd::new(tool).args(args);
        cmd = match stdin {
            Some(v) => cmd.stdin_bytes(v.as_bytes().to_vec()),
            None => cmd.stdin_null(),
        };
        infra_process::run(&cmd, Output::Capture, &Interrupt::none())
            .map(|f| f.stdout)
            .map_err(|e| OpsError::Keyring(e.to_string()))
    }

    /// Stores `value` under `key`; says where.
    pub fn set(&self, key: &str, value: &Secret) -> Result<SecretBackend, OpsError> {
        valid_key(key)?;
        if value.is_empty() {
            return Err(OpsError::Invalid {
                what: "secret value".into(),
                value: "(empty)".into(),
                expected: "a non-empty value on stdin".into(),
            });
        }
        if let Some(tool) = &self.keyring {
            let label = format!("hyperforge {key}");
            self.tool(
                tool,
                &["store", "--label", &label, "service", SERVICE, "key", key],
                Some(value.expose()),
            )?;
            return Ok(SecretBackend::Keyring);
        }
        let mut map = self.read_file()?;
        map.insert(key.to_string(), value.expose().to_string());
        self.write_file(&map)?;
        Ok(SecretBackend::File)
    }

    /// The value of `key`, from the keyring first, then the file.
    pub fn get(&self, key: &str) -> Result<Option<Secret>, OpsError> {
        valid_key(key)?;
        if let Some(tool) = &self.keyring
            && let Ok(v) = self.tool(tool, &["lookup", "service", SERVICE, "key", key], None)
            && !v.is_empty()
        {
            return Ok(Some(Secret::new(v)));
        }
        Ok(self.read_file()?.get(key).map(|v| Secret::new(v.clone())))
    }

    /// Every stored key, sorted, with where it lives.
    pub fn list(&self) -> Result<Vec<SecretEntry>, OpsError> {
        let mut out: BTreeMap<String, SecretBackend> = BTreeMap::new();
        if let Some(tool) = &self.keyring {
            let text = self
                .tool(tool, &["search", "--all", "service", SERVICE], None)
                .unwrap_or_default();
            for line in text.lines() {
                if let Some(k) = line.trim().strip_prefix("attribute.key = ") {
                    out.insert(k.trim().to_string(), SecretBackend::Keyring);
                }
            }
        }
        for k in self.read_file()?.into_keys() {
            out.entry(k).or_insert(SecretBackend::File);
        }
        Ok(out
            .into_iter()
            .map(|(key, backend)| SecretEntry { key, backend })
            .collect())
    }

    /// Removes `key` wherever it is; whether it existed.
    pub fn remove(&self, key: &str) -> Result<bool, OpsError> {
        valid_key(key)?;
        let mut found = false;
        if let Some(tool) = &self.keyring {
            found = self
                .tool(tool, &["lookup", "service", SERVICE, "key", key], None)
                .is_ok_and(|v| !v.is_empty());
            if found {
                self.tool(tool, &["clear", "service", SERVICE, "key", key], None)?;
            }
        }
        let mut map = self.read_file()?;
        if map.remove(key).is_some() {
            found = true;
            self.write_file(&map)?;
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    /// A stand-in for libsecret's `secret-tool` (no keyring daemon runs here): the same
    /// command line, entries as files in a directory, the value on stdin.
    fn fake_secret_tool(dir: &Path) -> PathBuf {
        let store = dir.join("keyring");
        std::fs::create_dir_all(&store).unwrap();
        let tool = dir.join("secret-tool");
        let script = format!(
            "#!/bin/sh\nS={}\ncase \"$1\" in\n  store) shift 3; cat > \"$S/$4\" ;;\n  lookup) [ -f \"$S/$5\" ] && cat \"$S/$5\" ;;\n  clear) rm -f \"$S/$5\" ;;\n  search) for f in \"$S\"/*; do [ -f \"$f\" ] && echo \"attribute.key = ${{f##*/}}\"; done ;;\nesac\nexit 0\n",
            store.display()
        );
        std::fs::write(&tool, script).unwrap();
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        tool
    }

    #[test]
    fn the_keyring_is_used_when_reachable_and_the_file_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::new(dir.path(), Some(fake_secret_tool(dir.path())));
        assert_eq!(s.backend(), SecretBackend::Keyring);
        assert_eq!(
            s.set("gh", &Secret::new("v1")).unwrap(),
            SecretBackend::Keyring
        );
        assert!(
            !dir.path().join("secrets.yaml").exists(),
            "nothing in the file"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("keyring/gh")).unwrap(),
            "v1"
        );
        assert_eq!(s.get("gh").unwrap().unwrap().expose(), "v1");
        let listed = s.list().unwrap();
        assert_eq!(
            listed,
            vec![SecretEntry {
                key: "gh".into(),
                backend: SecretBackend::Keyring
            }]
        );
        assert!(s.remove("gh").unwrap());
        assert!(s.get("gh").unwrap().is_none());
    }

    #[test]
    fn the_file_store_is_private_and_lists_keys_only() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::new(dir.path(), None);
        assert_eq!(
            s.set("gh", &Secret::new("v\"al:ue\n")).unwrap(),
            SecretBackend::File
        );
        s.set("cb", &Secret::new("other")).unwrap();
        let mode = std::fs::metadata(dir.path().join("secrets.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(s.get("gh").unwrap().unwrap().expose(), "v\"al:ue");
        let keys: Vec<String> = s.list().unwrap().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["cb", "gh"]);
        assert!(s.remove("gh").unwrap());
        assert!(!s.remove("gh").unwrap());
        assert!(s.get("gh").unwrap().is_none());
        assert!(s.set("bad key", &Secret::new("x")).is_err());
        assert!(s.set("k", &Secret::new("  ")).is_err());
    }
}
