//! `sqlrs prepare:psql … run:psql …`: one command line, two stages.
//!
//! The run stage starts at the first `run` or `run:<kind>` word that is not the value of a
//! prepare option (`-c run:psql` is SQL, `--image run` an image name). Everything before it
//! is the prepare stage, `--` and tool arguments included.

/// A command line split into its prepare stage and, when there is one, its run stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composite {
    /// The prepare stage, starting with its verb.
    pub prepare: Vec<String>,
    /// The run stage, starting with its verb.
    pub run: Option<Vec<String>>,
}

/// Options of a prepare stage (sqlrs's own, psql's and Liquibase's) whose value is the
/// next word.
const TAKES_VALUE: &[&str] = &[
    "--image",
    "--name",
    "-f",
    "--file",
    "-c",
    "--command",
    "-v",
    "--set",
    "--variable",
    "-P",
    "--pset",
    "-F",
    "--field-separator",
    "-R",
    "--record-separator",
    "-T",
    "--table-attr",
    "--changelog-file",
    "--defaults-file",
    "--searchPath",
    "--search-path",
    "--contexts",
    "--labels",
];

fn is_run_verb(word: &str) -> bool {
    word == "run" || word.strip_prefix("run:").is_some_and(|k| !k.is_empty())
}

/// Splits `words` (the prepare verb first) at the run stage, if any.
pub fn split_composite(words: &[String]) -> Composite {
    let mut i = 1;
    while i < words.len() {
        let w = words[i].as_str();
        if TAKES_VALUE.contains(&w) {
            i += 2;
            continue;
        }
        if is_run_verb(w) {
            return Composite {
                prepare: words[..i].to_vec(),
                run: Some(words[i..].to_vec()),
            };
        }
        i += 1;
    }
    Composite {
        prepare: words.to_vec(),
        run: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(words: &[&str]) -> (Vec<String>, Option<Vec<String>>) {
        let words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        let c = split_composite(&words);
        (c.prepare, c.run)
    }

    #[test]
    fn the_run_stage_starts_at_the_first_run_verb_that_is_not_a_value() {
        let (prepare, run) = split(&[
            "prepare:psql",
            "--",
            "-c",
            "run:psql",
            "-f",
            "run",
            "run:psql",
            "--",
            "-c",
            "select 1",
        ]);
        assert_eq!(
            prepare,
            ["prepare:psql", "--", "-c", "run:psql", "-f", "run"]
        );
        assert_eq!(run.unwrap(), ["run:psql", "--", "-c", "select 1"]);
    }

    #[test]
    fn without_a_run_verb_there_is_one_stage() {
        let (prepare, run) = split(&["prepare:psql", "--image", "run", "--", "-f", "a.sql"]);
        assert_eq!(prepare.len(), 6);
        assert!(run.is_none());
        assert!(split(&["prepare:psql", "run:"]).1.is_none());
    }
}
