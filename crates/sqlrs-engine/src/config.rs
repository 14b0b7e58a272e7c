//! The engine's settings: built-in defaults, overrides persisted in `<store>/config.json`,
//! a JSON schema, and get/set/remove by dotted path (`orchestrator.jobs.maxIdentical`).
//!
//! Every key is declared with its type, default and meaning in [`KEYS`]; a value of the
//! wrong type or an unknown key is refused with the list of what exists, so a typo never
//! becomes a setting nobody reads. Writes are atomic (`infra_fs::write_atomic`).

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use serde_json::{Map, Value, json};

/// The type of a setting's value.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A whole number ≥ 0.
    Count,
    /// A path, or null for "not set".
    OptionalPath,
}

/// One setting: dotted path, type, default, what it does.
struct Key {
    path: &'static str,
    kind: Kind,
    default: fn() -> Value,
    doc: &'static str,
}

/// Every setting.
const KEYS: &[Key] = &[
    Key {
        path: "orchestrator.jobs.maxIdentical",
        kind: Kind::Count,
        default: || json!(2),
        doc: "finished jobs kept per signature (identical requests); older ones are deleted with their events; 0 keeps all",
    },
    Key {
        path: "liquibase.exec",
        kind: Kind::OptionalPath,
        default: || Value::Null,
        doc: "the Liquibase launcher; null: the engine's --liquibase flag, else `liquibase` on PATH",
    },
];

/// Why a config request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No such key.
    #[error("`{path}` is not a setting; the settings are: {}", KEYS.iter().map(|k| k.path).collect::<Vec<_>>().join(", "))]
    Unknown {
        /// What was given.
        path: String,
    },
    /// The value has the wrong type.
    #[error("`{path}` must be {expected}, not {found}")]
    Type {
        /// The key.
        path: String,
        /// What it takes.
        expected: &'static str,
        /// What was given.
        found: String,
    },
    /// `config.json` could not be written.
    #[error("cannot write {}: {message}", .file.display())]
    Write {
        /// The file.
        file: PathBuf,
        /// Why.
        message: String,
    },
}

/// The settings of one engine.
pub struct Config {
    file: PathBuf,
    overrides: Mutex<Map<String, Value>>,
}

fn key(path: &str) -> Result<&'static Key, ConfigError> {
    KEYS.iter()
        .find(|k| k.path == path)
        .ok_or_else(|| ConfigError::Unknown {
            path: path.to_string(),
        })
}

fn check(k: &Key, value: &Value) -> Result<(), ConfigError> {
    let (ok, expected) = match k.kind {
        Kind::Count => (value.as_u64().is_some(), "a whole number ≥ 0"),
        Kind::OptionalPath => (
            value.is_null() || value.as_str().is_some_and(|s| !s.is_empty()),
            "a path (a non-empty string) or null",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Type {
            path: k.path.to_string(),
            expected,
            found: value.to_string(),
        })
    }
}

impl Config {
    /// The settings of `file` (`config.json`); a missing or unreadable file, or keys that
    /// are not settings, count as no override (and are reported once by the caller).
    pub fn load(file: PathBuf) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut overrides = Map::new();
        if let Ok(text) = std::fs::read_to_string(&file) {
            match serde_json::from_str::<Map<String, Value>>(&text) {
                Ok(map) => {
                    for (path, value) in map {
                        match key(&path).and_then(|k| check(k, &value)) {
                            Ok(()) => {
                                overrides.insert(path, value);
                            }
                            Err(e) => problems.push(format!("{}: ignored: {e}", file.display())),
                        }
                    }
                }
                Err(e) => problems.push(format!("{}: ignored: {e}", file.display())),
            }
        }
        let config = Self {
            file,
            overrides: Mutex::new(overrides),
        };
        (config, problems)
    }

    /// The effective value of `path`.
    pub fn effective(&self, path: &str) -> Result<Value, ConfigError> {
        let k = key(path)?;
        let overrides = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(overrides.get(path).cloned().unwrap_or_else(k.default))
    }

    /// Every setting: effective values, or only the overrides.
    pub fn all(&self, effective: bool) -> Value {
        let overrides = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut map = Map::new();
        for k in KEYS {
            match overrides.get(k.path) {
                Some(v) => {
                    map.insert(k.path.to_string(), v.clone());
                }
                None if effective => {
                    map.insert(k.path.to_string(), (k.default)());
                }
                None => {}
            }
        }
        Value::Object(map)
    }

    /// The override of `path` (`null` when there is none) or, with `effective`, its value.
    pub fn get(&self, path: &str, effective: bool) -> Result<Value, ConfigError> {
        if effective {
            return self.effective(path);
        }
        key(path)?;
        let overrides = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(overrides.get(path).cloned().unwrap_or(Value::Null))
    }

    /// Sets `path` to `value` and saves.
    pub fn set(&self, path: &str, value: Value) -> Result<Value, ConfigError> {
        let k = key(path)?;
        check(k, &value)?;
        let mut overrides = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut next = overrides.clone();
        next.insert(path.to_string(), value.clone());
        self.save(&next)?;
        *overrides = next;
        Ok(value)
    }

    /// Removes the override of `path` and saves; returns the value in effect now.
    pub fn remove(&self, path: &str) -> Result<Value, ConfigError> {
        let k = key(path)?;
        let mut overrides = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut next = overrides.clone();
        next.remove(path);
        self.save(&next)?;
        *overrides = next;
        Ok((k.default)())
    }

    fn save(&self, map: &Map<String, Value>) -> Result<(), ConfigError> {
        let text = serde_json::to_string_pretty(map).unwrap_or_default() + "\n";
        infra_fs::write_atomic(&self.file, text.as_bytes(), Some(0o644)).map_err(|e| {
            ConfigError::Write {
                file: self.file.clone(),
                message: e.to_string(),
            }
        })
    }

    /// The JSON schema of `config.json`.
    pub fn schema() -> Value {
        let mut properties = Map::new();
        for k in KEYS {
            let ty = match k.kind {
                Kind::Count => json!({"type": "integer", "minimum": 0}),
                Kind::OptionalPath => json!({"type": ["string", "null"], "minLength": 1}),
            };
            let mut p = ty;
            p["default"] = (k.default)();
            p["description"] = json!(k.doc);
            properties.insert(k.path.to_string(), p);
        }
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "sqlrs engine config.json",
            "type": "object",
            "additionalProperties": false,
            "properties": properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_remove_round_trip_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("config.json");
        let (c, problems) = Config::load(file.clone());
        assert!(problems.is_empty());
        assert_eq!(
            c.get("orchestrator.jobs.maxIdentical", true).ok(),
            Some(json!(2))
        );
        assert_eq!(
            c.get("orchestrator.jobs.maxIdentical", false).ok(),
            Some(Value::Null)
        );
        c.set("orchestrator.jobs.maxIdentical", json!(5))
            .unwrap_or_else(|e| panic!("{e}"));
        let (again, _) = Config::load(file.clone());
        assert_eq!(
            again.effective("orchestrator.jobs.maxIdentical").ok(),
            Some(json!(5))
        );
        assert!(matches!(
            c.set("orchestrator.jobs.maxIdentical", json!("x")),
            Err(ConfigError::Type { .. })
        ));
        assert!(matches!(
            c.set("orchestrator.jobs.maxIdentcal", json!(1)),
            Err(ConfigError::Unknown { .. })
        ));
        assert_eq!(
            c.remove("orchestrator.jobs.maxIdentical").ok(),
            Some(json!(2))
        );
        std::fs::write(&file, "{\"nope\": 1, \"liquibase.exec\": 3}")
            .unwrap_or_else(|e| panic!("{e}"));
        let (_, problems) = Config::load(file);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            Config::schema()["properties"]["liquibase.exec"]["default"],
            Value::Null
        );
    }
}
