//! Argument-parser errors in the JSON envelope.
//!
//! clap renders its own errors for a terminal: a headline, indented lines naming what is
//! missing or allowed, a `tip:`, the usage line and a pointer to `--help`. With `--json` the
//! same facts must reach a program, so the rendered (plain) text is taken apart here rather
//! than in each binary: the headline is the message, the indented lines are details, tips
//! are hints. The usage line and the `--help` pointer become one hint.

use crate::CliError;

/// A usage error from a parser's plain rendered message (`error: …` first).
///
/// `help` is the hint that replaces the parser's own pointer to help
/// (e.g. "run `hsm --help` for usage").
pub fn usage_from_rendered(text: &str, help: &str) -> CliError {
    let mut lines = text.lines();
    let headline = lines
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .trim_end_matches(':')
        .to_string();
    let mut details = Vec::new();
    let mut hints = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        if line.starts_with("Usage:") {
            // Everything after the usage line is advice about help: ours replaces it.
            break;
        }
        match line.strip_prefix("tip:") {
            Some(tip) => hints.push(tip.trim().to_string()),
            None => details.push(line.to_string()),
        }
    }
    hints.push(help.to_string());
    let mut e = CliError::usage(headline).details(details);
    e.hints = hints;
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_argument_is_named() {
        let text = "error: the following required arguments were not provided:\n  --verify\n\nUsage: hsm sync --containers --verify\n\nFor more information, try '--help'.\n";
        let e = usage_from_rendered(text, "run `hsm --help` for usage");
        assert_eq!(
            e.headline(),
            "the following required arguments were not provided"
        );
        assert_eq!(e.details, vec!["--verify".to_string()]);
        assert_eq!(e.hints, vec!["run `hsm --help` for usage".to_string()]);
        assert_eq!(e.code(), 2);
    }

    #[test]
    fn possible_values_and_tips_are_kept() {
        let text = "error: invalid value 'prd' for '[MODE]'\n  [possible values: dev, prod]\n\n  tip: a similar value exists: 'prod'\n\nFor more information, try '--help'.\n";
        let e = usage_from_rendered(text, "see --help");
        assert_eq!(e.headline(), "invalid value 'prd' for '[MODE]'");
        assert_eq!(e.details, vec!["[possible values: dev, prod]".to_string()]);
        assert_eq!(
            e.hints,
            vec![
                "a similar value exists: 'prod'".to_string(),
                "see --help".to_string()
            ]
        );
    }
}
