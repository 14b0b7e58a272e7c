//! Values quoted by `quote_dotenv_value` must read back unchanged through Docker Compose
//! 1.29's `--env-file` (python-dotenv), not only through `load_dotenv` (dotenvy): hsm
//! writes `.hsm/env` once and both read it. This runs the real `docker-compose config`,
//! which needs no daemon, and reads each value back through a `${KEY}` in a Compose file,
//! which is how generated Compose files use them.
//!
//! Gated: runs when `HSM_TEST_COMPOSE=1` or `CI=true`, and then fails if `docker-compose`
//! is missing.
#![allow(clippy::unwrap_used)]
#![allow(
    clippy::disallowed_methods,
    reason = "the gate and the check read the test process's environment"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;

use infra_interp::{load_dotenv, quote_dotenv_value};

mod support {
    include!("support/tricky_values.rs");
}

#[derive(serde::Deserialize)]
struct Config {
    services: BTreeMap<String, Service>,
}

#[derive(serde::Deserialize)]
struct Service {
    #[serde(default)]
    environment: BTreeMap<String, String>,
}

fn enabled() -> bool {
    std::env::var("HSM_TEST_COMPOSE").is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Characters `docker-compose config` cannot show faithfully: its YAML printer (PyYAML)
/// writes them raw inside single-quoted scalars, where a YAML reader folds them into a
/// space. The env-file reader itself keeps them, but this test cannot see that.
fn config_output_mangles(value: &str) -> bool {
    value.contains(['\u{85}', '\u{2028}', '\u{2029}'])
}

#[test]
fn quoted_values_read_back_unchanged_by_docker_compose_and_load_dotenv() {
    if !enabled() {
        println!("skipped: needs HSM_TEST_COMPOSE=1");
        return;
    }
    let mut expected = BTreeMap::new();
    let mut env_file = String::from("# written by quote_dotenv_value\n");
    let mut compose = String::from("services:\n  s:\n    image: x\n    environment:\n");
    let mut refused = 0;
    for (i, value) in support::tricky_values().into_iter().enumerate() {
        if config_output_mangles(&value) {
            continue;
        }
        let Ok(quoted) = quote_dotenv_value(&value) else {
            refused += 1;
            continue;
        };
        let key = format!("INFRA_INTERP_RT_{i}");
        assert!(
            std::env::var_os(&key).is_none(),
            "`{key}` is set in the environment and would override the env file"
        );
        writeln!(env_file, "{key}={quoted}").unwrap();
        writeln!(compose, "      K{i}: \"${{{key}}}\"").unwrap();
        expected.insert(format!("K{i}"), (key, value));
    }
    assert!(
        expected.len() > refused,
        "most values must be representable"
    );

    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join("env");
    let compose_path = dir.path().join("compose.yaml");
    std::fs::write(&env_path, &env_file).unwrap();
    std::fs::write(&compose_path, &compose).unwrap();

    let output = match Command::new("docker-compose")
        .arg("--env-file")
        .arg(&env_path)
        .arg("-f")
        .arg(&compose_path)
        .arg("config")
        .current_dir(dir.path())
        .output()
    {
        Ok(output) => output,
        Err(err) => panic!("HSM_TEST_COMPOSE=1 (or CI) but `docker-compose` cannot run: {err}"),
    };
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "docker-compose config failed:\n{stderr}"
    );

    let config: Config = serde_saphyr::from_str(&stdout).unwrap();
    let environment = &config.services["s"].environment;
    let dotenvy = load_dotenv(&env_path).unwrap();
    let mut mismatches = Vec::new();
    for (name, (key, value)) in &expected {
        // `config` prints `$` as `$$` so that its output stays a valid Compose file.
        let compose_value = environment.get(name).map(|v| v.replace("$$", "$"));
        if compose_value.as_ref() != Some(value) {
            mismatches.push(format!(
                "compose: {value:?} written as {:?} read back as {compose_value:?}",
                quote_dotenv_value(value).unwrap()
            ));
        }
        if dotenvy.get(key) != Some(value) {
            mismatches.push(format!(
                "dotenvy: {value:?} written as {:?} read back as {:?}",
                quote_dotenv_value(value).unwrap(),
                dotenvy.get(key)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}\n{stderr}", mismatches.join("\n"));
    // python-dotenv skips lines it cannot parse with a warning; Compose warns about unset
    // variables. Either means a value did not make it.
    assert!(stderr.trim().is_empty(), "docker-compose warned:\n{stderr}");
    assert_eq!(environment.len(), expected.len());
}
