//! Registry values on their way into a manifest: params filled in, `${VAR}` kept secret.
//!
//! Compose fills `${VAR}` in at `up` time from `.hsm/env`; Kubernetes has no such step, but
//! a container's `env` can take a value from a Secret key and build another value from
//! earlier entries with `$(VAR)`. So every `${VAR}` (defaults included, which may be demo
//! passwords) becomes a reference to the key `VAR` of the project's Secret and its value is
//! never written: zero-leak holds for the manifests as for the compose file. Only hsm's own
//! `${HSM_MERGED_PARAMS.<key>}` is substituted. Fields Kubernetes cannot build from the
//! environment (image, ports, paths) refuse variables, with the registry key that used one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hsm_resolve::{MERGED_PARAMS_PREFIX, merged_param};
use infra_yaml::PathIndex;

use crate::KubeError;

/// A value ready for a container's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// No variables: it goes to the ConfigMap.
    Plain(String),
    /// Exactly one variable: a Secret key reference.
    Secret(String),
    /// Text around variables: `$(VAR)` references to the Secret keys listed.
    Composite(String, Vec<String>),
}

/// Translates one container's registry values, recording the Secret keys they use.
pub struct Values<'a> {
    file: &'a Path,
    index: &'a PathIndex,
    params: &'a BTreeMap<String, Vec<String>>,
    keys: &'a mut BTreeSet<String>,
}

impl<'a> Values<'a> {
    /// For values of `file`; secret keys are added to `keys`.
    pub fn new(
        file: &'a Path,
        index: &'a PathIndex,
        params: &'a BTreeMap<String, Vec<String>>,
        keys: &'a mut BTreeSet<String>,
    ) -> Self {
        Self {
            file,
            index,
            params,
            keys,
        }
    }

    /// `text`, written at `key`, as an environment value.
    pub fn value(&mut self, key: &str, text: &str) -> Result<Value, KubeError> {
        if !text.contains('$') {
            return Ok(Value::Plain(text.to_string()));
        }
        let t = infra_interp::parse(text).map_err(|e| self.error(key, e.to_string()))?;
        let params = self.params;
        let rendered = t
            .render(&|name| merged_param(params, name).or_else(|| Some(format!("$({name})"))))
            .map_err(|e| self.error(key, e.to_string()))?;
        let mut vars: Vec<String> = t
            .vars()
            .into_iter()
            .map(|v| v.name)
            .filter(|n| !n.starts_with(MERGED_PARAMS_PREFIX))
            .filter(|n| rendered.contains(&format!("$({n})")))
            .collect();
        vars.dedup();
        self.keys.extend(vars.iter().cloned());
        Ok(match vars.as_slice() {
            [] => Value::Plain(rendered),
            [one] if rendered == format!("$({one})") => Value::Secret(one.clone()),
            _ => Value::Composite(rendered, vars),
        })
    }

    /// `text`, written at `key`, for a field Kubernetes takes literally (`what`).
    pub fn literal(&mut self, key: &str, text: &str, what: &str) -> Result<String, KubeError> {
        match self.value(key, text)? {
            Value::Plain(s) => Ok(s),
            other => {
                let v = match other {
                    Value::Composite(_, v) => v,
                    Value::Secret(k) => vec![k],
                    Value::Plain(_) => Vec::new(),
                };
                let vars: Vec<String> = v.iter().map(|n| format!("`${{{n}}}`")).collect();
                Err(self.error(
                    key,
                    format!(
                        "{what} cannot use variables in Kubernetes ({}): only environment values and the command can refer to secrets",
                        vars.join(", ")
                    ),
                ))
            }
        }
    }

    /// A located error at `key`.
    pub fn error(&self, key: &str, message: String) -> KubeError {
        KubeError::Template {
            diagnostic: Box::new(self.index.error(self.file, key, message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(text: &str) -> (Result<Value, KubeError>, BTreeSet<String>) {
        let index = PathIndex::default();
        let params = BTreeMap::from([("db_name".to_string(), vec!["a".into(), "b".into()])]);
        let mut keys = BTreeSet::new();
        let v = Values::new(Path::new("x.yaml"), &index, &params, &mut keys).value("env.K", text);
        (v, keys)
    }

    #[test]
    fn params_are_filled_in_and_variables_become_secret_keys() {
        assert_eq!(
            with("${HSM_MERGED_PARAMS.db_name}").0.unwrap(),
            Value::Plain("a,b".into())
        );
        let (v, keys) = with("${POSTGRES_PASSWORD:-postgres}");
        assert_eq!(v.unwrap(), Value::Secret("POSTGRES_PASSWORD".into()));
        assert_eq!(keys, BTreeSet::from(["POSTGRES_PASSWORD".to_string()]));
        let (v, _) = with("postgres://u:${PW}@db/${DB:-x}");
        assert_eq!(
            v.unwrap(),
            Value::Composite(
                "postgres://u:$(PW)@db/$(DB)".into(),
                vec!["PW".into(), "DB".into()]
            )
        );
    }

    #[test]
    fn defaults_never_reach_the_output() {
        let (v, _) = with("${PW:-hunter2}");
        assert!(!format!("{v:?}").contains("hunter2"));
    }
}
