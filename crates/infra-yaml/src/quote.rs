//! Writing a string as a double-quoted YAML scalar.
//!
//! Both hsm's new `hsm.yaml` and the files `hsm migrate` writes put user text into YAML
//! by hand (to keep comments and order, not through serde): one escaping rule serves both.

use std::fmt::Write;

/// `s` as a double-quoted YAML scalar that reads back as the same string: `"` and `\`
/// escaped, line breaks, tabs and other control characters as escapes.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::double_quoted;

    #[test]
    fn escapes_what_yaml_needs() {
        assert_eq!(
            double_quoted("a\"b\\c\nd\te\r\u{1b}"),
            "\"a\\\"b\\\\c\\nd\\te\\r\\u001b\""
        );
    }
}
