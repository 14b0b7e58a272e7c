//! What the forges accept for a repository's description, topics and default branch.
//!
//! A value a forge refuses used to be staged, written to `repos.yaml` and only refused in
//! the middle of an apply (GitHub answers 422 "Validation Failed"). These rules are the
//! strictest of the supported forges (GitHub's): checked when a change is staged (`repos
//! create|update`, the `repos.create`/`repos.update` JSON-RPC methods) and when
//! `repos.yaml` is read, so a mistake is a located problem before any request is made.
//! Pure functions: no I/O, the callers decide how to report.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The most characters a description may have (GitHub's documented limit; Gitea allows
/// 2048, GitLab 2000).
pub const MAX_DESCRIPTION: usize = 350;
/// The most characters one topic may have.
pub const MAX_TOPIC: usize = 50;
/// The most topics a repository may have.
pub const MAX_TOPICS: usize = 20;
/// The most bytes a branch name may have.
pub const MAX_BRANCH: usize = 255;

/// A value as echoed in a message: at most 64 characters, control and invisible
/// characters escaped (`\n`, `\u{202e}`), so a message cannot rewrite the terminal.
fn shown(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars().take(64) {
        if c.is_ascii_graphic() || c == ' ' || (!c.is_control() && c.escape_debug().len() == 1) {
            out.push(c);
        } else {
            let _ = write!(out, "{}", c.escape_default());
        }
    }
    if value.chars().count() > 64 {
        out.push('…');
    }
    out
}

/// What is wrong with `description`, if anything, as a message naming `repo`.
pub fn description_problem(repo: &str, description: &str) -> Option<String> {
    let n = description.chars().count();
    if n > MAX_DESCRIPTION {
        return Some(format!(
            "the description of repo `{repo}` is {n} characters long: expected at most {MAX_DESCRIPTION} (GitHub's limit)"
        ));
    }
    let bad = description.chars().find(|c| c.is_control())?;
    Some(format!(
        "the description of repo `{repo}` contains the control character `{}`: expected one line of text without control characters",
        bad.escape_default()
    ))
}

/// What is wrong with one topic, if anything, as the end of a sentence.
fn topic_reason(topic: &str) -> Option<&'static str> {
    if topic.is_empty() {
        return Some("is empty");
    }
    if topic.chars().count() > MAX_TOPIC {
        return Some("is longer than 50 characters");
    }
    if topic.starts_with('-') {
        return Some("starts with `-`");
    }
    if !topic
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("has a character other than a lowercase ASCII letter, a digit or `-`");
    }
    None
}

/// What is wrong with `topics`, if anything, as a message naming `repo`: each topic 1 to
/// 50 lowercase ASCII letters, digits and hyphens starting with a letter or digit, at
/// most 20 of them. (Duplicates are refused where a list is read: [`unique_topics`].)
pub fn topics_problem<'a>(
    repo: &str,
    topics: impl IntoIterator<Item = &'a String>,
) -> Option<String> {
    let mut n = 0;
    for topic in topics {
        n += 1;
        if let Some(reason) = topic_reason(topic) {
            return Some(format!(
                "topic `{}` of repo `{repo}` {reason}: expected 1 to {MAX_TOPIC} lowercase ASCII letters, digits and hyphens, starting with a letter or digit",
                shown(topic)
            ));
        }
    }
    (n > MAX_TOPICS).then(|| format!("repo `{repo}` has {n} topics: expected at most {MAX_TOPICS}"))
}

/// Which rule of `git check-ref-format --branch` `name` breaks, as the end of a sentence.
fn branch_reason(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.len() > MAX_BRANCH {
        return Some(format!("is longer than {MAX_BRANCH} bytes"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_ascii_control() || " ~^:?*[\\".contains(*c))
    {
        return Some(format!("contains `{}`", c.escape_default()));
    }
    for bad in ["..", "@{", "//"] {
        if name.contains(bad) {
            return Some(format!("contains `{bad}`"));
        }
    }
    if name == "@" {
        return Some("is `@` alone".into());
    }
    if let Some(c) = ['-', '/', '.'].into_iter().find(|c| name.starts_with(*c)) {
        return Some(format!("starts with `{c}`"));
    }
    if let Some(end) = ["/", ".", ".lock"].into_iter().find(|e| name.ends_with(e)) {
        return Some(format!("ends with `{end}`"));
    }
    if name
        .split('/')
        .any(|part| part.starts_with('.') || part.ends_with(".lock"))
    {
        return Some("has a `/`-separated part starting with `.` or ending with `.lock`".into());
    }
    None
}

/// What is wrong with `branch` as a default branch, if anything, as a message naming
/// `repo`: it must be a valid git branch name (`git check-ref-format --branch`) of at
/// most 255 bytes.
pub fn branch_problem(repo: &str, branch: &str) -> Option<String> {
    branch_reason(branch).map(|reason| {
        format!(
            "default_branch `{}` of repo `{repo}` {reason}: expected a valid git branch name",
            shown(branch)
        )
    })
}

/// The problems of a repository's fields, as (key, message): `key` is `description`,
/// `topics` or `default_branch`. Absent fields are not checked.
pub fn field_problems(
    repo: &str,
    description: Option<&str>,
    topics: Option<&BTreeSet<String>>,
    default_branch: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(p) = description.and_then(|d| description_problem(repo, d)) {
        out.push(("description", p));
    }
    if let Some(p) = topics.and_then(|t| topics_problem(repo, t)) {
        out.push(("topics", p));
    }
    if let Some(p) = default_branch.and_then(|b| branch_problem(repo, b)) {
        out.push(("default_branch", p));
    }
    out
}

/// Reads a list of topics, refusing one listed twice (a set would fold it silently).
pub fn unique_topics<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeSet<String>, D::Error> {
    let list = <Vec<String> as serde::Deserialize>::deserialize(d)?;
    let mut out = BTreeSet::new();
    for topic in list {
        if out.contains(&topic) {
            return Err(serde::de::Error::custom(format!(
                "topic `{}` is listed twice: expected each topic once",
                shown(&topic)
            )));
        }
        out.insert(topic);
    }
    Ok(out)
}

/// As [`unique_topics`], for an optional list.
pub fn unique_topics_opt<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeSet<String>>, D::Error> {
    unique_topics(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_at_most_350_characters_of_one_line() {
        assert_eq!(description_problem("r", &"é".repeat(350)), None);
        assert_eq!(description_problem("r", ""), None);
        assert_eq!(
            description_problem("r", &"a".repeat(351)).unwrap(),
            "the description of repo `r` is 351 characters long: expected at most 350 (GitHub's limit)"
        );
        for (bad, shown) in [
            ("a\nb", "\\n"),
            ("a\tb", "\\t"),
            ("\u{1b}[31mred", "\\u{1b}"),
        ] {
            let p = description_problem("r", bad).unwrap();
            assert!(p.contains(&format!("control character `{shown}`")), "{p}");
        }
    }

    #[test]
    fn topics_follow_githubs_rules() {
        let ok: BTreeSet<String> = ["rust", "a", "web-3", "9lives", &"x".repeat(50)]
            .map(String::from)
            .into();
        assert_eq!(topics_problem("r", &ok), None);
        for bad in [
            "Rust",
            "",
            "-x",
            "a_b",
            "a b",
            "é",
            &"x".repeat(51),
            "a\u{202e}",
        ] {
            let p = topics_problem("r", &[bad.to_string()]).unwrap();
            assert!(p.starts_with("topic `"), "{p}");
            assert!(p.contains("of repo `r`"), "{p}");
            assert!(!p.contains('\u{202e}'), "escaped: {p}");
        }
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert_eq!(
            topics_problem("r", &many).unwrap(),
            "repo `r` has 21 topics: expected at most 20"
        );
        assert_eq!(topics_problem("r", &many[..20]), None);
    }

    #[test]
    fn topics_listed_twice_are_refused() {
        #[derive(Debug, serde::Deserialize)]
        struct T {
            #[serde(deserialize_with = "unique_topics")]
            topics: BTreeSet<String>,
        }
        let load = |text: &str| infra_yaml::from_str::<T>(std::path::Path::new("t.yaml"), text);
        assert_eq!(load("topics: [b, a]\n").unwrap().topics.len(), 2);
        let err = load("topics: [a, b, a]\n").unwrap_err();
        assert!(
            err.to_string().contains("topic `a` is listed twice"),
            "{err}"
        );
    }

    #[test]
    fn branch_names_follow_git_check_ref_format() {
        for ok in ["main", "release/1.x", "feature/a-b_c", "v1.0", "a@b", "ü"] {
            assert_eq!(branch_reason(ok), None, "{ok}");
        }
        assert_eq!(branch_reason(&"a".repeat(255)), None);
        for bad in [
            "",
            "a b",
            "a\tb",
            "a\u{7f}",
            "a~1",
            "a^",
            "a:b",
            "a?",
            "a*",
            "a[b",
            "a\\b",
            "a..b",
            "a@{1}",
            "@",
            "-x",
            "/x",
            ".x",
            "x/",
            "x.",
            "x.lock",
            "a//b",
            "a/.b",
            "a.lock/b",
            &"a".repeat(256),
        ] {
            assert!(branch_reason(bad).is_some(), "{bad:?} accepted");
        }
        assert_eq!(
            branch_problem("r", "a..b").unwrap(),
            "default_branch `a..b` of repo `r` contains `..`: expected a valid git branch name"
        );
        assert!(branch_problem("r", "a\nb").unwrap().contains("`a\\nb`"));
    }

    #[test]
    fn field_problems_name_the_key() {
        let topics: BTreeSet<String> = ["Bad".to_string()].into();
        let keys: Vec<&str> = field_problems("r", Some("ok"), Some(&topics), Some("x.lock"))
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["topics", "default_branch"]);
        assert!(field_problems("r", None, None, None).is_empty());
    }
}
