//! Splitting a configured command line (such as `docker compose` or
//! `'/opt/my tools/compose'`) into a program and its arguments.
//!
//! Users write such values the way they would type them into a shell, so splitting on
//! whitespace alone breaks a path with a space in it. The rules here are the quoting rules
//! of a POSIX shell and nothing more: no variables, globs, command substitution, comments,
//! pipes or redirections. Every character that is not whitespace, a quote or a backslash
//! is taken literally, so `$HOME`, `*` or `;` reach the program unchanged. That keeps the
//! result predictable and means no shell is ever involved in running it.

/// A command line that cannot be split into words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A `'` or `"` was opened and never closed.
    #[error("unterminated `{quote}` quote (opened at byte {offset})")]
    UnterminatedQuote {
        /// The quote character.
        quote: char,
        /// The byte offset of the opening quote.
        offset: usize,
    },
    /// The line ends with a backslash outside quotes, which has nothing to escape.
    #[error("trailing `\\` escapes nothing")]
    TrailingBackslash,
    /// The line contains no words at all.
    #[error("the command is empty")]
    Empty,
    /// The first word (the program) is an empty string, as in `'' compose`.
    #[error("the program name is empty")]
    EmptyProgram,
}

/// Splits `s` into words like a POSIX shell does, without expanding anything.
///
/// - Unquoted spaces, tabs and newlines separate words; runs of them count as one.
/// - `'...'` keeps everything up to the next `'` literally (no escapes inside).
/// - `"..."` keeps everything literally except `\"`, `\\`, `` \$ ``, `` \` `` (the second
///   character) and backslash-newline (removed); any other backslash stays as it is.
/// - Outside quotes a backslash takes the next character literally (`a\ b` is one word);
///   backslash-newline is removed.
/// - Quoted and unquoted parts next to each other form one word (`"x y"z` is `x yz`), and
///   `''` or `""` alone is an empty word.
///
/// Fails on an unterminated quote, a trailing backslash, a line without words and an
/// empty program name.
pub fn split_command_line(s: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    // The word being built; `None` between words, so that `''` still yields a word.
    let mut word: Option<String> = None;
    let mut chars = s.char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => words.extend(word.take()),
            '\\' => match chars.next() {
                Some((_, '\n')) => {}
                Some((_, escaped)) => word.get_or_insert_default().push(escaped),
                None => return Err(SplitError::TrailingBackslash),
            },
            '\'' => {
                let current = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, inner)) => current.push(inner),
                        None => return Err(SplitError::UnterminatedQuote { quote: c, offset }),
                    }
                }
            }
            '"' => {
                let current = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, '\n')) => {}
                            Some((_, escaped @ ('"' | '\\' | '$' | '`'))) => current.push(escaped),
                            Some((_, other)) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err(SplitError::UnterminatedQuote { quote: c, offset }),
                        },
                        Some((_, inner)) => current.push(inner),
                        None => return Err(SplitError::UnterminatedQuote { quote: c, offset }),
                    }
                }
            }
            other => word.get_or_insert_default().push(other),
        }
    }
    words.extend(word);
    match words.first() {
        None => Err(SplitError::Empty),
        Some(program) if program.is_empty() => Err(SplitError::EmptyProgram),
        Some(_) => Ok(words),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cmd;

    fn split(s: &str) -> Vec<String> {
        split_command_line(s).unwrap()
    }

    #[test]
    fn plain_words() {
        assert_eq!(split("docker compose"), ["docker", "compose"]);
        assert_eq!(split("docker-compose"), ["docker-compose"]);
    }

    #[test]
    fn runs_of_whitespace_separate_once() {
        assert_eq!(split("podman  compose"), ["podman", "compose"]);
        assert_eq!(split("  podman\t compose \n"), ["podman", "compose"]);
    }

    #[test]
    fn single_quotes_keep_everything() {
        assert_eq!(split("'/opt/my tools/compose'"), ["/opt/my tools/compose"]);
        assert_eq!(split(r#"'a\b $x \"'"#), [r#"a\b $x \""#]);
        assert_eq!(split(r"'it'\''s'"), ["it's"]);
    }

    #[test]
    fn backslash_outside_quotes_escapes_one_character() {
        assert_eq!(split(r"a\ b"), ["a b"]);
        assert_eq!(split(r"a\\b \'c"), [r"a\b", "'c"]);
        assert_eq!(split("docker \\\ncompose"), ["docker", "compose"]);
    }

    #[test]
    fn double_quotes_with_their_escapes() {
        assert_eq!(split(r#""x y"z"#), ["x yz"]);
        assert_eq!(split(r#""a\"b\\c\$d\`e""#), ["a\"b\\c$d`e"]);
        assert_eq!(split(r#""\n\q""#), [r"\n\q"], "other backslashes stay");
        assert_eq!(split("\"a\\\nb\""), ["ab"]);
    }

    #[test]
    fn nothing_is_expanded() {
        assert_eq!(
            split("run $HOME ~ *.py a;b `x` $(y) # not a comment"),
            [
                "run", "$HOME", "~", "*.py", "a;b", "`x`", "$(y)", "#", "not", "a", "comment"
            ]
        );
    }

    #[test]
    fn empty_quotes_are_empty_words() {
        assert_eq!(split(r#"prog '' "" x''"#), ["prog", "", "", "x"]);
    }

    #[test]
    fn unterminated_quotes_fail() {
        assert_eq!(
            split_command_line("docker 'compose"),
            Err(SplitError::UnterminatedQuote {
                quote: '\'',
                offset: 7
            })
        );
        let err = split_command_line(r#"a "b\""#).unwrap_err();
        assert_eq!(
            err,
            SplitError::UnterminatedQuote {
                quote: '"',
                offset: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "unterminated `\"` quote (opened at byte 2)"
        );
        assert_eq!(
            split_command_line("\"abc\\"),
            Err(SplitError::UnterminatedQuote {
                quote: '"',
                offset: 0
            })
        );
    }

    #[test]
    fn empty_and_degenerate_lines_fail() {
        assert_eq!(split_command_line(""), Err(SplitError::Empty));
        assert_eq!(split_command_line(" \t\n"), Err(SplitError::Empty));
        assert_eq!(
            split_command_line("'' compose"),
            Err(SplitError::EmptyProgram)
        );
        assert_eq!(
            split_command_line(r"docker\"),
            Err(SplitError::TrailingBackslash)
        );
        assert_eq!(SplitError::Empty.to_string(), "the command is empty");
    }

    #[test]
    fn splitting_undoes_display_quoting() {
        let cmd = Cmd::new("/opt/my tools/compose").args([
            "-f",
            "it's here.yml",
            "",
            "$HOME",
            "a\"b",
            "tab\there",
        ]);
        let mut expected = vec![cmd.program().to_string_lossy().into_owned()];
        expected.extend(
            cmd.get_args()
                .iter()
                .map(|a| a.to_string_lossy().into_owned()),
        );
        assert_eq!(split(&cmd.display()), expected);
    }
}
