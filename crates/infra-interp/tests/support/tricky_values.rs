// Shared by the unit test in `src/quote.rs` (through `include!`) and by
// `tests/compose_env_file.rs`, so both readers are checked against the same values.

/// Values the round-trip tests write: the examples that motivated this module, every
/// printable ASCII character alone, inside text and all together, other characters that need care,
/// and every pair and triple drawn from a set of characters special to either reader.
pub fn tricky_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "p${x}w",
        "it's$1",
        "a\"b",
        "back\\slash",
        "with space",
        "#hash",
        "trailing ",
        " leading",
        "line1\nline2",
        "\n",
        "$$",
        "",
        "ünïcödé ✓ 日本",
        "=",
        "a=b=c",
        "`cmd` $(cmd)",
        "x #not a comment",
        "x#y",
        "'single'",
        "\"double\"",
        "\\n is not a newline",
        "$HOME",
        "${HOME",
        "${x:-d}",
        "a${b}c${",
        "$${x}",
        "${a:b}",
        "$ {a}",
        "${:x}",
        "{$}",
        "\t tab",
        "\u{a0}nbsp\u{a0}",
        "\u{feff}bom",
    ]
    .iter()
    .map(|v| v.to_string())
    .collect();
    let printable: String = (0x20u8..0x7f).map(char::from).collect();
    values.push(printable.replace('$', ""));
    values.push(printable.replace('\'', ""));
    values.push(printable);
    for c in (0x20u8..0x7f).map(char::from) {
        values.push(c.to_string());
        values.push(format!("a{c}b"));
        values.push(format!("{c}{c}"));
    }
    for c in [
        '\t', '\n', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{2028}', 'é',
    ] {
        values.push(format!("x{c}y{c}"));
    }
    let parts = [
        "$", "{", "}", ":-", "'", "\"", "\\", "#", " ", "\n", "a", "=", "`", "\t",
    ];
    for a in parts {
        for b in parts {
            values.push(format!("{a}{b}"));
            for c in parts {
                values.push(format!("{a}{b}{c}"));
            }
        }
    }
    values
}
