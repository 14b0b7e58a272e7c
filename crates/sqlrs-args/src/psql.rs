//! psql's arguments: options for every step, and the inputs that become steps.

use std::path::PathBuf;

use crate::ArgsError;

/// One input of a prepare, in order: each becomes one step, hence one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PsqlInput {
    /// `-f FILE`.
    File(PathBuf),
    /// `-c SQL`.
    Command(String),
    /// `-f -`: the request's stdin.
    Stdin,
}

/// psql's arguments, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsqlArgs {
    /// The options every step runs with, enforced ones first: `-X` (no `~/.psqlrc`),
    /// `-v ON_ERROR_STOP=1`, then the user's options in order (variables, flags).
    pub options: Vec<String>,
    /// The inputs, in order.
    pub inputs: Vec<PsqlInput>,
}

/// Options sqlrs always passes.
const ENFORCED: [&str; 3] = ["-X", "-v", "ON_ERROR_STOP=1"];

/// Options that take a value (short, long).
const WITH_VALUE: &[(&str, &str)] = &[
    ("-v", "--set"),
    ("-v", "--variable"),
    ("-P", "--pset"),
    ("-F", "--field-separator"),
    ("-R", "--record-separator"),
    ("-T", "--table-attr"),
];

/// Flags without a value that change nothing sqlrs relies on.
const FLAGS: &[(&str, &str)] = &[
    ("-1", "--single-transaction"),
    ("-a", "--echo-all"),
    ("-b", "--echo-errors"),
    ("-e", "--echo-queries"),
    ("-E", "--echo-hidden"),
    ("-n", "--no-readline"),
    ("-q", "--quiet"),
    ("-s", "--single-step"),
    ("-S", "--single-line"),
    ("-A", "--no-align"),
    ("-H", "--html"),
    ("-t", "--tuples-only"),
    ("-x", "--expanded"),
    ("-z", "--field-separator-zero"),
    ("-0", "--record-separator-zero"),
    ("-X", "--no-psqlrc"),
    ("-w", "--no-password"),
];

/// Options sqlrs refuses, and why.
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "-h",
        "--host",
        "sqlrs connects psql to the instance it prepares",
    ),
    (
        "-p",
        "--port",
        "sqlrs connects psql to the instance it prepares",
    ),
    (
        "-U",
        "--username",
        "sqlrs connects psql to the instance it prepares",
    ),
    (
        "-d",
        "--dbname",
        "sqlrs connects psql to the instance it prepares",
    ),
    ("-o", "--output", "output goes to sqlrs, which shows it"),
    ("-L", "--log-file", "output goes to sqlrs, which shows it"),
    ("-W", "--password", "sqlrs gives psql its credentials"),
    ("-l", "--list", "only scripts and commands prepare a state"),
];

/// The option `arg` names (`-v`, `--set`), and its value when attached (`-vX=1`,
/// `--set=X=1`).
fn split_option(arg: &str) -> (&str, Option<&str>) {
    if let Some(long) = arg.strip_prefix("--") {
        return match long.split_once('=') {
            Some((name, value)) => (&arg[..2 + name.len()], Some(value)),
            None => (arg, None),
        };
    }
    if arg.len() > 2 && arg.is_char_boundary(2) {
        return (&arg[..2], Some(&arg[2..]));
    }
    (arg, None)
}

/// Which of a `(short, long)` table `name` is, as the short name.
fn lookup<'t>(table: &'t [(&'t str, &'t str)], name: &str) -> Option<&'t str> {
    table
        .iter()
        .find(|(s, l)| *s == name || *l == name)
        .map(|(s, _)| *s)
}

/// Normalises psql arguments for a prepare. `stdin_given` says whether the request carries
/// stdin (it must exactly when an input is `-f -`).
pub fn parse_psql(args: &[String], stdin_given: bool) -> Result<PsqlArgs, ArgsError> {
    let mut options: Vec<String> = ENFORCED.iter().map(|s| s.to_string()).collect();
    let mut inputs = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let at = i;
        if arg == "--" {
            return Err(ArgsError::at(
                i,
                "nothing may follow `--` in psql's arguments",
            ));
        }
        if !arg.starts_with('-') || arg == "-" {
            return Err(ArgsError::at(
                i,
                format!(
                    "`{}` is a positional argument (a database name or a connection string); sqlrs connects psql itself: give scripts with `-f FILE` and SQL with `-c SQL`",
                    shown(arg)
                ),
            ));
        }
        let (name, attached) = split_option(arg);
        let mut value = |what: &str| -> Result<String, ArgsError> {
            if let Some(v) = attached {
                return Ok(v.to_string());
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| ArgsError::at(at, format!("`{name}` needs {what}")))
        };
        match name {
            "-f" | "--file" => {
                let v = value("a file (or `-` for stdin)")?;
                inputs.push(if v == "-" {
                    PsqlInput::Stdin
                } else {
                    PsqlInput::File(PathBuf::from(v))
                });
            }
            "-c" | "--command" => inputs.push(PsqlInput::Command(value("an SQL command")?)),
            _ => {
                if let Some((_, _, why)) = REFUSED.iter().find(|(s, l, _)| *s == name || *l == name)
                {
                    return Err(ArgsError::at(
                        at,
                        format!("`{name}` is not accepted: {why}"),
                    ));
                }
                if let Some(short) = lookup(WITH_VALUE, name) {
                    let v = value("a value")?;
                    if short == "-v" {
                        check_variable(at, &v)?;
                        if is_on_error_stop(&v) {
                            i += 1;
                            continue;
                        }
                    }
                    options.push(short.to_string());
                    options.push(v);
                } else if let Some(short) = lookup(FLAGS, name).filter(|_| attached.is_none()) {
                    if short != "-X" {
                        options.push(short.to_string());
                    }
                } else {
                    return Err(ArgsError::at(
                        at,
                        format!(
                            "`{}` is not a psql option sqlrs knows; options that change what a script does are accepted (`-v`, `-1`, `-P`, …), connection and output options are not",
                            shown(arg)
                        ),
                    ));
                }
            }
        }
        i += 1;
    }
    finish(options, inputs, stdin_given)
}

fn finish(
    options: Vec<String>,
    inputs: Vec<PsqlInput>,
    stdin_given: bool,
) -> Result<PsqlArgs, ArgsError> {
    if inputs.is_empty() {
        return Err(ArgsError::whole(
            "give at least one input: `-f FILE`, `-c SQL` or `-f -` (stdin)",
        ));
    }
    let reads_stdin = inputs.iter().filter(|i| **i == PsqlInput::Stdin).count();
    if reads_stdin > 1 {
        return Err(ArgsError::whole("`-f -` (stdin) may be given once"));
    }
    if reads_stdin == 1 && !stdin_given {
        return Err(ArgsError::whole("`-f -` reads stdin, but none was given"));
    }
    if reads_stdin == 0 && stdin_given {
        return Err(ArgsError::whole(
            "stdin was given but no input reads it: add `-f -` where it belongs",
        ));
    }
    Ok(PsqlArgs { options, inputs })
}

/// A `-v` value must be `NAME=VALUE` (psql's bare `NAME` unsets, which means nothing
/// here), and `ON_ERROR_STOP` can only be on.
fn check_variable(i: usize, v: &str) -> Result<(), ArgsError> {
    let Some((name, value)) = v.split_once('=') else {
        return Err(ArgsError::at(
            i,
            format!("`-v {}` needs `NAME=VALUE`", shown(v)),
        ));
    };
    if name.is_empty() {
        return Err(ArgsError::at(i, "`-v` needs a variable name before `=`"));
    }
    if name == "ON_ERROR_STOP" && !matches!(value, "1" | "on" | "true") {
        return Err(ArgsError::at(
            i,
            format!(
                "`ON_ERROR_STOP={}` is not accepted: sqlrs stops a step at its first error, so a failing script never becomes a state",
                shown(value)
            ),
        ));
    }
    Ok(())
}

fn is_on_error_stop(v: &str) -> bool {
    v.split_once('=').is_some_and(|(n, _)| n == "ON_ERROR_STOP")
}

/// A user's argument for a message: control characters escaped, long ones shortened.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(60).flat_map(char::escape_default).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<PsqlArgs, ArgsError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_psql(&args, false)
    }

    #[test]
    fn every_step_runs_with_the_enforced_options_and_the_users_wherever_written() {
        let p = parse(&[
            "-f",
            "a.sql",
            "-v",
            "x=1",
            "--file=b.sql",
            "-1",
            "-cselect 1",
        ])
        .unwrap();
        assert_eq!(
            p.options,
            ["-X", "-v", "ON_ERROR_STOP=1", "-v", "x=1", "-1"]
        );
        assert_eq!(
            p.inputs,
            [
                PsqlInput::File("a.sql".into()),
                PsqlInput::File("b.sql".into()),
                PsqlInput::Command("select 1".into()),
            ]
        );
    }

    #[test]
    fn the_same_options_normalise_the_same() {
        let a = parse(&["--set=x=1", "--no-psqlrc", "-f", "a.sql"]).unwrap();
        let b = parse(&["-vx=1", "-f", "a.sql", "-v", "ON_ERROR_STOP=1"]).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn connection_output_and_positional_arguments_are_refused_by_position() {
        for (args, index, words) in [
            (&["-f", "a.sql", "-h", "db"][..], 2, "`-h` is not accepted"),
            (&["-hdb", "-f", "a.sql"], 0, "`-h` is not accepted"),
            (&["--port=5", "-f", "a.sql"], 0, "`--port` is not accepted"),
            (&["-f", "a.sql", "postgres://x"], 2, "positional argument"),
            (&["-f", "a.sql", "-o", "/etc/x"], 2, "`-o` is not accepted"),
            (&["-f", "a.sql", "--", "x"], 2, "nothing may follow `--`"),
            (
                &["-v", "ON_ERROR_STOP=0", "-f", "a.sql"],
                0,
                "`ON_ERROR_STOP=0` is not accepted",
            ),
            (&["--frobnicate", "-f", "a.sql"], 0, "not a psql option"),
            (&["-f"], 0, "`-f` needs a file"),
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.index, Some(index), "{args:?}: {err}");
            assert!(err.message.contains(words), "{args:?}: {err}");
        }
    }

    #[test]
    fn stdin_is_given_exactly_when_read() {
        let args: Vec<String> = ["-f", "-"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parse_psql(&args, true).unwrap().inputs, [PsqlInput::Stdin]);
        assert!(
            parse_psql(&args, false)
                .unwrap_err()
                .message
                .contains("none was given")
        );
        let args: Vec<String> = ["-f", "a.sql"].iter().map(|s| s.to_string()).collect();
        assert!(
            parse_psql(&args, true)
                .unwrap_err()
                .message
                .contains("no input reads it")
        );
        assert!(
            parse(&["-1"])
                .unwrap_err()
                .message
                .contains("at least one input")
        );
    }
}
