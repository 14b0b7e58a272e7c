//! The arguments sqlrs passes to psql, pgbench and Liquibase, checked before anything runs.
//!
//! sqlrs owns the connection (it starts the server and knows its address), so connection
//! options are refused; it owns failure (a step that hits an SQL error must fail, so
//! `ON_ERROR_STOP=1` is enforced); and it needs each input as a separate step (one state
//! per script). The earlier implementation appended its enforced options *after* the
//! inputs, so they reached no step unless the user wrote them first; here every step runs
//! with every option. Problems name the argument by position (`psql_args[3]`), as the API
//! reports them.

#![warn(missing_docs)]

mod composite;
mod error;
mod psql;

pub use composite::{Composite, split_composite};
pub use error::ArgsError;
pub use psql::{PsqlArgs, PsqlInput, parse_psql};

#[cfg(test)]
mod tests {
    use super::*;

    /// Random command lines over words that exercise every rule: nothing panics, refusals
    /// point at an argument that exists, and the two stages always cover every word.
    #[test]
    fn random_command_lines_never_panic() {
        const WORDS: &[&str] = &[
            "-f",
            "a.sql",
            "-",
            "-c",
            "select 1",
            "-v",
            "x=1",
            "ON_ERROR_STOP=0",
            "--set=y=2",
            "-1",
            "-X",
            "-h",
            "--port=1",
            "--",
            "run",
            "run:psql",
            "run:",
            "prepare:psql",
            "--image",
            "-fb.sql",
            "-cé",
            "postgres://x",
            "-vON_ERROR_STOP=1",
            "--frob",
            "",
            "\u{0}",
            "-é",
            "--file=",
            "-v",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5000 {
            let len = (next() % 9) as usize;
            let words: Vec<String> = (0..len)
                .map(|_| WORDS[(next() % WORDS.len() as u64) as usize].to_string())
                .collect();
            for stdin in [false, true] {
                if let Err(e) = parse_psql(&words, stdin) {
                    assert!(e.index.is_none_or(|i| i < words.len()), "{words:?}: {e:?}");
                    assert!(!e.message.is_empty());
                }
            }
            let c = split_composite(&words);
            assert_eq!(c.prepare.len() + c.run.map_or(0, |r| r.len()), words.len());
        }
    }
}
