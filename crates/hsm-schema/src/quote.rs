//! Showing a user's value inside an error message.
//!
//! Every validator in this crate names the offending value in backticks. A value may hold a
//! newline or another control character (that is often *why* it is invalid), and printing it
//! raw would break the message over several lines or hide the culprit, so control characters
//! are escaped the way Rust string literals escape them (`\n`, `\t`, `\u{1b}`). Very long
//! values are shortened: the message must stay readable on one terminal line.

/// Longest value shown in full, in characters.
const MAX_SHOWN: usize = 80;

/// `value` in backticks, control characters escaped, shortened past [`MAX_SHOWN`] characters.
pub(crate) fn code(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(MAX_SHOWN) + 2);
    out.push('`');
    for (i, c) in value.chars().enumerate() {
        if i == MAX_SHOWN {
            out.push('…');
            break;
        }
        if c.is_control() || infra_diag::is_invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// "`part` is not `what`" when `part` is the whole value, "`part` in `whole` is not `what`"
/// when it is a piece of it.
pub(crate) fn not_a(part: &str, whole: &str, what: &str) -> String {
    if part == whole {
        format!("{} is not {what}", code(part))
    } else {
        format!("{} in {} is not {what}", code(part), code(whole))
    }
}

#[cfg(test)]
mod tests {
    use super::{code, not_a};

    #[test]
    fn plain_value_is_backticked() {
        assert_eq!(code("80"), "`80`");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(code("A\nB\t\u{1b}"), "`A\\nB\\t\\u{1b}`");
    }

    #[test]
    fn part_or_whole() {
        assert_eq!(not_a("x", "x", "a port"), "`x` is not a port");
        assert_eq!(not_a("x", "x:1", "a port"), "`x` in `x:1` is not a port");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(200);
        let shown = code(&long);
        assert_eq!(shown.chars().count(), 80 + 3);
        assert!(shown.ends_with("…`"));
    }
}
