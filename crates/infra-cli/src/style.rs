//! The styles of the family, as `anstyle` values.
//!
//! Colour carries emphasis only: every message is complete without it (backticks stay,
//! `error:` stays), so `NO_COLOR` output reads the same.

use anstyle::{AnsiColor, Style};

/// `error:` labels.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// `warning:` labels.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// `hint:` labels and `-->` arrows.
pub const HINT: Style = AnsiColor::Cyan.on_default().bold();
/// The check mark of success lines.
pub const SUCCESS: Style = AnsiColor::Green.on_default().bold();
/// The headline of an error.
pub const EMPHASIS: Style = Style::new().bold();
/// Secondary text (the gutter of child output).
pub const DIM: Style = Style::new().dimmed();

/// `text` in `style` when `color` is on, plain otherwise.
pub fn paint(style: Style, text: &str, color: bool) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_without_colour() {
        assert_eq!(paint(ERROR, "error", false), "error");
        assert!(paint(ERROR, "error", true).contains("error"));
        assert_ne!(paint(ERROR, "error", true), "error");
    }
}
