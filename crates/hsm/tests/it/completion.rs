//! Name completion through the script the shell sources (`source <(COMPLETE=bash hsm)`):
//! bash itself runs the registered function and the candidates are the registry's and the
//! project's names, not only commands and flags.

use std::process::Command;

use crate::common::Scratch;

/// Completes `words` (the last one being typed) in `dir` with bash and the real binary.
fn complete(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <(COMPLETE=bash '{bin}')\n\
         COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); COMP_TYPE=9\n\
         _clap_complete_hsm hsm \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        bin = env!("CARGO_BIN_EXE_hsm"),
        words = quoted.join(" ")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env_remove("HSM_REGISTRY_PATH")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.starts_with('-'))
        .collect()
}

#[test]
fn bash_completes_registry_and_project_names() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    assert_eq!(
        complete(&dir, &["hsm", "group", "select", ""]),
        ["database", "graph-services", "server", "vector-db"]
    );
    let options = complete(&dir, &["hsm", "group", "select", "database", ""]);
    assert!(
        options.contains(&"mysql".to_string()) && options.contains(&"postgres".to_string()),
        "{options:?}"
    );
    let packages = complete(&dir, &["hsm", "package", "add", ""]);
    assert!(
        packages.contains(&"neo4j-client".to_string()),
        "{packages:?}"
    );
    assert_eq!(complete(&dir, &["hsm", "set", "pa"]), ["package-manager"]);
    let profiles = complete(&dir, &["hsm", "profile", "db", ""]);
    assert!(
        profiles.contains(&"external-prod".to_string()),
        "{profiles:?}"
    );
    assert!(complete(&dir, &["hsm", "mode", ""]).contains(&"database".to_string()));
    // Commands still complete, and outside a project names complete to nothing.
    assert!(complete(&dir, &["hsm", "gr"]).contains(&"group".to_string()));
    assert!(complete(&s.path(), &["hsm", "group", "select", ""]).is_empty());
}

#[test]
fn zsh_and_fish_registrations_are_printed() {
    for shell in ["zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_hsm"))
            .env("COMPLETE", shell)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("hsm") && text.contains("COMPLETE"),
            "{shell}: {text}"
        );
    }
}

#[test]
fn completion_offers_the_right_kind_skips_unprintable_names_and_completes_set_values() {
    let s = Scratch::examples();
    let dir = s.project("db-switch");
    for bad in ["esc\u{1b}[31mred", "new\nline", "tab\tbed", "rtl\u{202e}x"] {
        s.write(&format!("registry/packages/{bad}.yaml"), "name: x\n");
    }
    let packages = complete(&dir, &["hsm", "package", "add", ""]);
    assert!(
        packages.contains(&"neo4j-client".to_string()),
        "{packages:?}"
    );
    assert!(
        !packages.contains(&"postgres".to_string()),
        "no containers: {packages:?}"
    );
    assert!(
        packages
            .iter()
            .all(|p| !p.chars().any(|c| c.is_control() || c == '\u{202e}')),
        "{packages:?}"
    );
    assert!(
        !packages
            .iter()
            .any(|p| p.starts_with("esc") || p.starts_with("new") || p.starts_with("rtl")),
        "{packages:?}"
    );
    let containers = complete(&dir, &["hsm", "container", "add", ""]);
    assert!(
        containers.contains(&"postgres".to_string()),
        "{containers:?}"
    );
    assert!(
        !containers.contains(&"neo4j-client".to_string()),
        "no packages: {containers:?}"
    );
    assert_eq!(complete(&dir, &["hsm", "set", "mode", ""]), ["dev", "prod"]);
    assert_eq!(
        complete(&dir, &["hsm", "set", "package-manager", ""]),
        ["uv", "pip"]
    );
}
