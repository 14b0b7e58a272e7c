//! `.hsm/env`: the environment of local processes, with real values.
//!
//! Generated files that may be committed hold `${VAR}` references only (zero-leak, seed
//! case 5). The values live here: a dotenv file with mode 0600 inside the self-ignoring
//! `.hsm/` directory. It carries each package's env, the connection variables of the services
//! local processes consume (127.0.0.1 and the published port for managed services, the
//! profile's values for external ones), every variable the compose file references (so
//! `docker compose --env-file .hsm/env` works), and `COMPOSE_PROFILES`.

use std::collections::BTreeMap;

use hsm_resolve::{Deployment, Stack, connection_vars};
use hsm_schema::ConnectionScope;
use infra_interp::EnvSource;
use infra_yaml::Diagnostic;

use crate::Usage;

/// Path of the env file, relative to the project root.
pub const ENV_FILE: &str = ".hsm/env";

/// Whether a variable name looks like it holds a secret (for redaction).
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE",
        "CREDENTIAL",
        "AUTH",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// The value to show for `name`: redacted when the name looks secret or the value came from
/// a variable whose name looks secret.
pub fn redact_value(name: &str, value: &str, secret_vars: &[String]) -> String {
    if is_secret_name(name) || secret_vars.iter().any(|v| v == name) {
        "<redacted>".to_string()
    } else {
        value.to_string()
    }
}

/// Whether a value comes (at least partly) from an environment variable. Such values are
/// treated as secret wherever hsm displays them; literals from the registry are not.
fn from_variables(text: &str) -> bool {
    infra_interp::parse(text).is_ok_and(|t| !t.vars().is_empty())
}

/// Fully interpolates `text`, written at `key` of `file`, with `lookup`; problems are located
/// errors (the position comes from `index` when given).
pub(crate) fn render_with(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    file: &std::path::Path,
    index: Option<&infra_yaml::PathIndex>,
    key: &str,
) -> Result<String, Diagnostic> {
    let err = |m: String| {
        Diagnostic::new(file, m)
            .at(index.and_then(|i| i.locate(key)))
            .key(key)
    };
    let t = infra_interp::parse(text).map_err(|e| err(e.to_string()))?;
    t.render(lookup).map_err(|e| err(e.to_string()))
}

fn render(
    text: &str,
    env: &EnvSource,
    file: &std::path::Path,
    key: &str,
) -> Result<String, Diagnostic> {
    render_with(text, &|n| env.get(n), file, None, key)
}

/// The variables of `.hsm/env`.
#[derive(Debug, Default)]
pub struct LocalEnv {
    /// Name → value.
    pub vars: BTreeMap<String, String>,
    /// Names whose values came from secret-looking variables.
    pub secret_names: Vec<String>,
}

/// Computes the variables of `.hsm/env`, noting which values came from variables (those are
/// redacted whenever hsm shows them).
pub fn local_env(
    stack: &Stack<'_>,
    scope: ConnectionScope,
    env: &EnvSource,
    compose_usages: &[Usage],
    profiles: &[String],
) -> Result<LocalEnv, Vec<Diagnostic>> {
    let mut out: BTreeMap<String, (String, String)> = BTreeMap::new(); // name → (value, origin)
    let mut secret = Vec::new();
    let mut problems = Vec::new();
    let put = |name: String,
               value: String,
               origin: String,
               out: &mut BTreeMap<String, (String, String)>,
               problems: &mut Vec<Diagnostic>,
               file: &std::path::Path| {
        if let Some((old, old_origin)) = out.get(&name)
            && *old != value
        {
            problems.push(
                Diagnostic::new(
                    file,
                    format!(
                        "`{name}` gets two different values, from {old_origin} and from {origin}"
                    ),
                )
                .hint("make them agree or rename one of the variables"),
            );
            return;
        }
        out.insert(name, (value, origin));
    };
    for p in &stack.packages {
        for (k, v) in &p.spec.env {
            match render(v.as_str(), env, &p.registry_file, &format!("env.{k}")) {
                Ok(val) => {
                    if from_variables(v.as_str()) {
                        secret.push(k.clone());
                    }
                    put(
                        k.clone(),
                        val,
                        format!("package `{}`", p.name),
                        &mut out,
                        &mut problems,
                        &p.registry_file,
                    );
                }
                Err(e) => problems.push(e),
            }
        }
    }
    let consumed: Vec<&str> = match scope {
        ConnectionScope::All => stack.containers.iter().map(|c| c.name.as_str()).collect(),
        // Local processes consume what their packages imply, and every service the project
        // asks for by name in hsm.yaml.
        ConnectionScope::Consumers => stack
            .packages
            .iter()
            .flat_map(|p| p.consumes.iter().map(String::as_str))
            .chain(
                stack
                    .containers
                    .iter()
                    .filter(|c| c.via.is_from_manifest())
                    .map(|c| c.name.as_str()),
            )
            .collect(),
    };
    for c in &stack.containers {
        if !consumed.contains(&c.name.as_str()) {
            continue;
        }
        for var in connection_vars(c) {
            let Some(local) = var.local else { continue };
            let key = match &c.deployment {
                Deployment::External(_) => format!(
                    "deployment_profiles.{}.external",
                    c.profile.clone().unwrap_or_default()
                ),
                Deployment::Managed => "ports".to_string(),
            };
            match render(&local, env, &c.registry_file, &key) {
                Ok(val) => {
                    if is_secret_name(&var.name) || from_variables(&local) {
                        secret.push(var.name.clone());
                    }
                    put(
                        var.name,
                        val,
                        format!("service `{}`", c.name),
                        &mut out,
                        &mut problems,
                        &c.registry_file,
                    );
                }
                Err(e) => problems.push(e),
            }
        }
    }
    for u in compose_usages {
        if let Some(v) = env.get(&u.var) {
            out.entry(u.var.clone())
                .or_insert((v, "environment".into()));
            secret.push(u.var.clone());
        }
    }
    if !profiles.is_empty() {
        out.insert(
            "COMPOSE_PROFILES".into(),
            (profiles.join(","), "compose profiles".into()),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    secret.sort();
    secret.dedup();
    Ok(LocalEnv {
        vars: out.into_iter().map(|(k, (v, _))| (k, v)).collect(),
        secret_names: secret,
    })
}

/// The header line listing which keys hold values from variables (read by `hsm env`).
const SECRET_MARK: &str = "# hsm-secret-keys: ";

/// Renders the dotenv text (sorted, quoted where needed).
pub fn render_env_file(
    vars: &BTreeMap<String, String>,
    secret_names: &[String],
    version: &str,
) -> String {
    let mut s = format!(
        "# Generated by hsm {version}: environment for local processes (`hsm run`, `hsm env`,\n\
         # `docker compose --env-file .hsm/env`). Holds real values: never commit it.\n"
    );
    if !secret_names.is_empty() {
        s.push_str(SECRET_MARK);
        s.push_str(&secret_names.join(","));
        s.push('\n');
    }
    for (k, v) in vars {
        s.push_str(k);
        s.push('=');
        s.push_str(&quote(v));
        s.push('\n');
    }
    s
}

fn quote(v: &str) -> String {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,@+%".contains(c));
    if plain {
        v.to_string()
    } else if !v.contains('\'') && !v.contains('\n') {
        format!("'{v}'")
    } else {
        let esc = v
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('$', "\\$");
        format!("\"{esc}\"")
    }
}

/// The keys `.hsm/env` marks as holding values from variables.
pub fn secret_keys(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix(SECRET_MARK)
                    .map(|r| r.split(',').map(str::to_string).collect())
            })
        })
        .unwrap_or_default()
}

/// Parses `.hsm/env` back (for `hsm run` / `hsm env`).
pub fn parse_env_file(path: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    infra_interp::load_dotenv(path)
        .map(|m| m.into_iter().collect())
        .map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips() {
        let mut m = BTreeMap::new();
        m.insert("A".to_string(), "plain-1.2".to_string());
        m.insert("B".to_string(), "has space $x".to_string());
        m.insert("C".to_string(), "it's \"q\"".to_string());
        m.insert("D".to_string(), String::new());
        let text = render_env_file(&m, &["B".to_string()], "0");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("env");
        std::fs::write(&p, text).unwrap();
        let back: BTreeMap<String, String> = parse_env_file(&p).unwrap().into_iter().collect();
        assert_eq!(back, m);
    }
}
