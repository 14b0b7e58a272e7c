//! A container's environment split three ways: plain values for its ConfigMap, Secret key
//! references, and values built from those references with `$(VAR)`.
//!
//! Kubernetes expands `$(VAR)` in `env` values and `args` only from entries listed earlier,
//! so the references come first (sorted) and the built values after them (sorted): the
//! order is fixed, and every `$(VAR)` has its entry.

use std::collections::{BTreeMap, BTreeSet};

use crate::KubeError;
use crate::model::{EnvVar, SecretKeyRef, ValueFrom};
use crate::values::{Value, Values};

/// One container's environment as it is built.
#[derive(Debug, Default)]
pub struct EnvBuilder {
    plain: BTreeMap<String, String>,
    secret: BTreeMap<String, String>,
    composite: BTreeMap<String, String>,
    helpers: BTreeSet<String>,
}

impl EnvBuilder {
    /// Sets `name` to `text` (written at `key`), replacing an earlier value.
    pub fn add(
        &mut self,
        v: &mut Values<'_>,
        key: &str,
        name: &str,
        text: &str,
    ) -> Result<(), KubeError> {
        let value = v.value(key, text)?;
        self.plain.remove(name);
        self.secret.remove(name);
        self.composite.remove(name);
        match value {
            Value::Plain(s) => {
                self.plain.insert(name.to_string(), s);
            }
            Value::Secret(k) => {
                self.secret.insert(name.to_string(), k);
            }
            Value::Composite(s, vars) => {
                self.helpers.extend(vars);
                self.composite.insert(name.to_string(), s);
            }
        }
        Ok(())
    }

    /// `text` (written at `key`) for a field that expands `$(VAR)` (`args`): the Secret
    /// keys it uses become entries.
    pub fn reference(
        &mut self,
        v: &mut Values<'_>,
        key: &str,
        text: &str,
    ) -> Result<String, KubeError> {
        Ok(match v.value(key, text)? {
            Value::Plain(s) => s,
            Value::Secret(k) => {
                let out = format!("$({k})");
                self.helpers.insert(k);
                out
            }
            Value::Composite(s, vars) => {
                self.helpers.extend(vars);
                s
            }
        })
    }

    /// Whether `name` is set.
    pub fn has(&self, name: &str) -> bool {
        self.plain.contains_key(name)
            || self.secret.contains_key(name)
            || self.composite.contains_key(name)
    }

    /// The plain values (the ConfigMap's data).
    pub fn plain(&self) -> &BTreeMap<String, String> {
        &self.plain
    }

    /// The `env` entries, referring to the Secret `secret`.
    pub fn entries(&self, secret: &str) -> Vec<EnvVar> {
        let mut refs = self.secret.clone();
        for h in &self.helpers {
            refs.entry(h.clone()).or_insert_with(|| h.clone());
        }
        let mut out: Vec<EnvVar> = refs
            .into_iter()
            .map(|(name, key)| EnvVar {
                name,
                value: None,
                value_from: Some(ValueFrom {
                    secret_key_ref: SecretKeyRef {
                        name: secret.to_string(),
                        key,
                    },
                }),
            })
            .collect();
        out.extend(self.composite.iter().map(|(name, value)| EnvVar {
            name: name.clone(),
            value: Some(value.clone()),
            value_from: None,
        }));
        out
    }
}
