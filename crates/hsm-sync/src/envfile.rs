//! `.hsm/env`: the environment of local processes, with real values.
//!
//! Generated files that may be committed hold `${VAR}` references only (zero-leak, seed
//! case 5). The values live here: a dotenv file with mode 0600 inside the self-ignoring
//! `.hsm/` directory. It carries each package's env, the connection variables of the services
//! local processes consume (the published address and port for managed services, the
//! profile's values and `env:` for external ones), every variable the compose file
//! references (so `docker compose --env-file .hsm/env` works), and `COMPOSE_PROFILES`.

use std::collections::BTreeMap;

use hsm_resolve::{Stack, Usage, connection_vars};
use hsm_schema::ConnectionScope;
use infra_interp::EnvSource;
use infra_yaml::Diagnostic;

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
/// a variable.
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
/// diagnostics (the position comes from `index` when given).
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

/// The variables of `.hsm/env`.
#[derive(Debug, Default)]
pub struct LocalEnv {
    /// Name → value.
    pub vars: BTreeMap<String, String>,
    /// Names whose values came from variables or look secret.
    pub secret_names: Vec<String>,
}

/// Values collected for `.hsm/env`, with where each came from (for conflict messages).
#[derive(Default)]
struct Collector {
    values: BTreeMap<String, (String, String)>,
    secret: Vec<String>,
    problems: Vec<Diagnostic>,
}

impl Collector {
    fn put(&mut self, name: &str, value: String, origin: String, file: &std::path::Path) {
        if let Some((old, old_origin)) = self.values.get(name)
            && *old != value
        {
            self.problems.push(
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
        self.values.insert(name.to_string(), (value, origin));
    }

    fn packages(&mut self, stack: &Stack<'_>, env: &EnvSource) {
        for p in &stack.packages {
            for (k, v) in &p.spec.env {
                let key = format!("env.{k}");
                match render_with(
                    v.as_str(),
                    &|n| env.get(n),
                    &p.registry_file,
                    Some(p.index),
                    &key,
                ) {
                    Ok(val) => {
                        if from_variables(v.as_str()) {
                            self.secret.push(k.to_string());
                        }
                        self.put(
                            k.as_str(),
                            val,
                            format!("package `{}`", p.name),
                            &p.registry_file,
                        );
                    }
                    Err(e) => self.problems.push(e),
                }
            }
        }
    }

    fn connections(&mut self, stack: &Stack<'_>, scope: ConnectionScope, env: &EnvSource) {
        let consumed: Vec<&str> = match scope {
            ConnectionScope::All => stack.containers.iter().map(|c| c.name.as_str()).collect(),
            // Local processes consume what their packages imply, and every service the
            // project asks for by name in hsm.yaml.
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
        for c in stack
            .containers
            .iter()
            .filter(|c| consumed.contains(&c.name.as_str()))
        {
            for var in connection_vars(c) {
                let Some(local) = var.local else { continue };
                match render_with(
                    &local,
                    &|n| env.get(n),
                    &c.registry_file,
                    Some(c.index),
                    &var.key,
                ) {
                    Ok(val) => {
                        // A value built from a variable is treated as that variable is:
                        // secret (a host port from `${PORT}` included).
                        if is_secret_name(&var.name) || from_variables(&local) {
                            self.secret.push(var.name.clone());
                        }
                        self.put(
                            &var.name,
                            val,
                            format!("service `{}`", c.name),
                            &c.registry_file,
                        );
                    }
                    Err(e) => self.problems.push(e),
                }
            }
        }
    }
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
    let mut c = Collector::default();
    c.packages(stack, env);
    c.connections(stack, scope, env);
    for u in compose_usages {
        if let Some(v) = env.get(&u.var) {
            c.values
                .entry(u.var.clone())
                .or_insert((v, "environment".into()));
            c.secret.push(u.var.clone());
        }
    }
    if !profiles.is_empty() {
        c.values.insert(
            "COMPOSE_PROFILES".into(),
            (profiles.join(","), "compose profiles".into()),
        );
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    c.secret.sort();
    c.secret.dedup();
    Ok(LocalEnv {
        vars: c.values.into_iter().map(|(k, (v, _))| (k, v)).collect(),
        secret_names: c.secret,
    })
}

/// The header line listing which keys hold values from variables (read by `hsm env`).
const SECRET_MARK: &str = "# hsm-secret-keys: ";
/// The header line listing keys `docker-compose --env-file` would read differently; hsm
/// hands them to Compose through its environment instead.
const ENV_ONLY_MARK: &str = "# hsm-environment-only: ";

/// A value written so that hsm's reader (dotenvy) gets it back exactly, for values no
/// quoting can make both readers agree on: double quotes with `\\`, `\"`, `\n`, `\$`.
fn dotenvy_only(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '$' => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Renders the dotenv text (sorted). Every value reads back exactly with dotenvy; values
/// docker-compose 1.29 would read differently are listed in a header so hsm can pass them
/// to Compose through the environment. A value no dotenv file can hold (a carriage return,
/// a NUL byte) is a problem naming the key, never the value.
pub fn render_env_file(
    vars: &BTreeMap<String, String>,
    secret_names: &[String],
    version: &str,
) -> Result<String, Diagnostic> {
    let mut body = String::new();
    let mut env_only = Vec::new();
    for (k, v) in vars {
        let quoted = match infra_interp::quote_dotenv_value(v) {
            Ok(q) => q,
            Err(
                infra_interp::UnrepresentableValue::CarriageReturn
                | infra_interp::UnrepresentableValue::Nul,
            ) => {
                return Err(Diagnostic::new(ENV_FILE, format!("the value of `{k}` contains a carriage return or a NUL byte, which no .env file can hold"))
                    .key(k.clone())
                    .hint("remove the character from the variable (or from the registry value it comes from)"));
            }
            Err(_) => {
                env_only.push(k.clone());
                dotenvy_only(v)
            }
        };
        body.push_str(k);
        body.push('=');
        body.push_str(&quoted);
        body.push('\n');
    }
    let mut s = format!(
        "# Generated by hsm {version}: environment for local processes (`hsm run`, `hsm env`,\n\
         # `docker compose --env-file .hsm/env`). Holds real values: never commit it.\n"
    );
    if !secret_names.is_empty() {
        s.push_str(SECRET_MARK);
        s.push_str(&secret_names.join(","));
        s.push('\n');
    }
    if !env_only.is_empty() {
        s.push_str(ENV_ONLY_MARK);
        s.push_str(&env_only.join(","));
        s.push('\n');
    }
    s.push_str(&body);
    Ok(s)
}

/// The keys a header line of `.hsm/env` lists.
fn marked_keys(path: &std::path::Path, mark: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| marked_keys_in(&t, mark))
        .unwrap_or_default()
}

/// The keys the header line `mark` of an `.hsm/env` text lists.
fn marked_keys_in(text: &str, mark: &str) -> Vec<String> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(mark)
                .map(|r| r.split(',').map(str::to_string).collect())
        })
        .unwrap_or_default()
}

/// The keys whose values a diff of `.hsm/env` from `before` to `after` must hide: the
/// secret ones of the new file, those the old file marked secret (a secret no longer used
/// is still a secret), and every key only the old file has (a line added by hand, or one
/// whose origin is gone). Only values known not to be secret on both sides are shown.
pub fn redacted_keys(before: Option<&str>, after: Option<&str>, secret: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = secret.to_vec();
    if let Some(before) = before {
        keys.extend(marked_keys_in(before, SECRET_MARK));
        let after_keys: Vec<&str> =
            after.map_or_else(Vec::new, |a| a.lines().filter_map(key_of).collect());
        keys.extend(
            before
                .lines()
                .filter_map(key_of)
                .filter(|k| !after_keys.contains(k))
                .map(str::to_string),
        );
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The key of an assignment line (`KEY=…`, `export KEY=…`).
fn key_of(line: &str) -> Option<&str> {
    let line = line.trim_start();
    if line.starts_with('#') {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (key, _) = line.split_once('=')?;
    Some(key.trim())
}

/// The keys `.hsm/env` marks as holding values from variables.
pub fn secret_keys(path: &std::path::Path) -> Vec<String> {
    marked_keys(path, SECRET_MARK)
}

/// Parses `.hsm/env` back (for `hsm run`, `hsm env` and Compose's environment).
pub fn parse_env_file(
    path: &std::path::Path,
) -> Result<Vec<(String, String)>, infra_interp::DotenvError> {
    infra_interp::load_dotenv(path).map(|m| m.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_hsms_reader() {
        let mut m = BTreeMap::new();
        for (i, v) in [
            "plain-1.2",
            "has space $x",
            "it's \"q\"",
            "",
            "p${x}w",
            "it's$1",
            "back\\",
            "a\nb",
            "$$",
        ]
        .iter()
        .enumerate()
        {
            m.insert(format!("K{i}"), (*v).to_string());
        }
        let text = render_env_file(&m, &["K1".to_string()], "0").unwrap_or_default();
        assert!(
            text.contains("# hsm-environment-only: K4,K5,K6\n"),
            "{text}"
        );
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("env");
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        let back: BTreeMap<String, String> =
            parse_env_file(&p).unwrap_or_default().into_iter().collect();
        assert_eq!(back, m);
    }

    #[test]
    fn an_unwritable_value_names_the_key_not_the_value() {
        let m = BTreeMap::from([("TOKEN".to_string(), "s3cr3t\rx".to_string())]);
        let e = render_env_file(&m, &[], "0")
            .err()
            .unwrap_or_else(|| panic!("expected an error"));
        assert!(e.message.contains("`TOKEN`"));
        assert!(!e.to_string().contains("s3cr3t"));
    }
}
