//! Turning a file's bytes into text, with a located problem when they are not UTF-8.
//!
//! Every format the products read by hand (YAML, `.env`, TOML) is UTF-8 text. A bare
//! "stream did not contain valid UTF-8" from the standard library says neither where the
//! bad byte is nor what to do; a file saved in Latin-1 by an editor deserves the same
//! located, hinted problem as any other mistake in it.

use std::path::Path;

use crate::{Diagnostic, Loc};

/// The bytes of `file` (shown as `display`) as text, or a problem at the first byte that
/// is not UTF-8.
pub fn utf8_text(display: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        let bytes = err.into_bytes();
        // Everything before `at` is valid, so the position can be counted on that prefix.
        let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let byte = bytes.get(at).copied().unwrap_or_default();
        Diagnostic::new(
            display,
            format!("expected UTF-8 text, found the byte 0x{byte:02x}, which is not valid UTF-8"),
        )
        .at(Some(Loc::of_offset(prefix, at)))
        .hint("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\")")
    })
}

/// Whether `c` reorders or hides text on a terminal (bidirectional overrides and isolates,
/// zero-width marks, a byte order mark): such characters are shown escaped wherever a
/// user's value is printed, so a name cannot pose as another.
pub fn is_invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x061C | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF
    )
}

/// `text` safe to print on one line of a terminal: control characters escaped (`\n`,
/// `\t`, `\r`, others as `\u{1b}`) and [`is_invisible`] characters too (`\u{202e}`);
/// borrowed unchanged when there is none. For values from users and forges in text output
/// (JSON output needs no such thing: serde escapes what JSON requires).
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() || is_invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{escape_invisible, utf8_text};

    #[test]
    fn control_and_invisible_characters_are_escaped() {
        assert!(matches!(
            escape_invisible("plain é ✓"),
            std::borrow::Cow::Borrowed("plain é ✓")
        ));
        assert_eq!(
            escape_invisible("a\nb\tc\r\u{1b}[31mred\u{7f}"),
            "a\\nb\\tc\\r\\u{1b}[31mred\\u{7f}"
        );
        assert_eq!(
            escape_invisible("abc\u{202e}fed\u{2066}\u{200f}\u{61c}\u{feff}"),
            "abc\\u{202e}fed\\u{2066}\\u{200f}\\u{61c}\\u{feff}"
        );
    }
    use std::path::Path;

    #[test]
    fn utf8_is_returned_as_is() {
        let text = utf8_text(Path::new("a.yaml"), "é: 1\n".as_bytes().to_vec()).unwrap();
        assert_eq!(text, "é: 1\n");
    }

    #[test]
    fn the_first_bad_byte_is_located() {
        let err = utf8_text(Path::new("a.yaml"), b"a: 1\nb: [\xff\xfe]\n".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(5)));
        assert_eq!(err.file(), Path::new("a.yaml"));
        assert!(err.message.contains("0xff"), "{}", err.message);
        assert!(!err.hints.is_empty());
    }
}
