//! `sqlrs config get|set|rm|schema`: the engine's settings.

use serde_json::Value;
use sqlrs_client::Client;

use crate::OpsError;

/// What `sqlrs config` does.
#[derive(Debug, Clone)]
pub enum ConfigAction {
    /// Every setting, or one; overrides only unless `effective`.
    Get {
        /// The key.
        path: Option<String>,
        /// Defaults included.
        effective: bool,
    },
    /// Set `path` (or `path=value` in one word).
    Set {
        /// The key, or `key=value`.
        path: String,
        /// The value: JSON, or a bare word taken as a string.
        value: Option<String>,
    },
    /// Remove an override.
    Rm {
        /// The key.
        path: String,
    },
    /// The JSON schema.
    Schema,
}

/// A value as typed: JSON when it parses (`3`, `true`, `null`, `"x"`), else a bare word
/// as a string (`set liquibase.exec /opt/lb/liquibase`).
pub fn parse_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Runs `action`; the answer as the engine gave it.
pub fn config(client: &Client, action: &ConfigAction) -> Result<Value, OpsError> {
    Ok(match action {
        ConfigAction::Get { path, effective } => client.config_get(path.as_deref(), *effective)?,
        ConfigAction::Set { path, value } => {
            let (path, value) = match (value, path.split_once('=')) {
                (Some(v), _) => (path.as_str(), v.as_str()),
                (None, Some((p, v))) => (p, v),
                (None, None) => {
                    return Err(OpsError::Usage(format!(
                        "give a value: `sqlrs config set {path} VALUE` or `{path}=VALUE`"
                    )));
                }
            };
            client.config_set(path, &parse_value(value))?
        }
        ConfigAction::Rm { path } => client.config_rm(path)?,
        ConfigAction::Schema => client.config_schema()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_or_bare_words() {
        assert_eq!(parse_value("3"), Value::from(3));
        assert_eq!(parse_value("null"), Value::Null);
        assert_eq!(parse_value("/opt/lb"), Value::from("/opt/lb"));
        assert_eq!(parse_value("\"3\""), Value::from("3"));
    }
}
