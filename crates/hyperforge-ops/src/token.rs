//! Token references (`env:VAR`, `file:PATH`, `keyring:KEY`) resolved to values, at the
//! moment a client needs one. Errors name the reference, never a value.

use std::path::Path;
use std::sync::Arc;

use hyperforge_schema::TokenRef;

use crate::{OpsError, Secret, Secrets};

/// Reads an environment variable (the binary passes its `Environment`; libraries do not
/// read the process environment).
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The value `reference` points at; `base` anchors a relative `file:` path.
pub fn resolve(
    reference: &TokenRef,
    env: &EnvLookup,
    secrets: &Secrets,
    base: &Path,
) -> Result<Secret, OpsError> {
    let missing = |why: String| OpsError::Token {
        reference: reference.to_string(),
        why,
    };
    let value = match reference {
        TokenRef::Env(var) => env(var)
            .map(Secret::new)
            .ok_or_else(|| missing(format!("the environment variable {var} is not set")))?,
        TokenRef::File(path) => {
            let path = if path.is_absolute() {
                path.clone()
            } else {
                base.join(path)
            };
            let bytes = infra_fs::read_regular_file(&path, 64 * 1024, "a token file")
                .map_err(|e| missing(format!("cannot read {}: {e}", path.display())))?;
            Secret::new(String::from_utf8_lossy(&bytes).trim().to_string())
        }
        TokenRef::Keyring(key) => secrets.get(key)?.ok_or_else(|| {
            missing(format!(
                "no secret `{key}` is stored (`hyperforge secrets set {key}` stores one)"
            ))
        })?,
    };
    if value.is_empty() {
        return Err(missing("it is empty".into()));
    }
    if value.expose().chars().any(char::is_control) {
        return Err(missing(
            "it contains control characters (a carriage return or a second line?)".into(),
        ));
    }
    Ok(value)
}
