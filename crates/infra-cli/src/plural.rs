//! Counting nouns without hand-rolled `if n == 1` branches at every call site.

/// `1 package`, `2 packages`, `0 packages`. `plural` is the noun's plural form
/// (`count(n, "entry", "entries")`).
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts() {
        assert_eq!(super::count(1, "file", "files"), "1 file");
        assert_eq!(super::count(0, "file", "files"), "0 files");
        assert_eq!(super::count(3, "entry", "entries"), "3 entries");
    }
}
