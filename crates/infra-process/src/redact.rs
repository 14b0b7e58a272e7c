//! Hiding secret values in what a child prints.
//!
//! A tool given a secret through its environment may quote it back in an error (Compose
//! naming a volume built from a password, a resolver echoing an index URL). What hsm shows
//! of a child's output — forwarded lines, the tail kept for an error, JSON `output` — passes
//! through here first, so the values the caller marked secret never reach a terminal or a log.

use std::borrow::Cow;

/// Shown instead of a secret value.
pub const REDACTED: &str = "<redacted>";

/// Values shorter than this are not searched for: a one- or two-character value would
/// garble every line it happens to occur in, and is no secret worth the name.
const MIN_SECRET_LEN: usize = 3;

/// Whether `value` is long enough to be searched for in output.
pub(crate) fn worth_hiding(value: &str) -> bool {
    value.chars().count() >= MIN_SECRET_LEN
}

/// `text` with every occurrence of each of `secrets` replaced by [`REDACTED`], longest
/// secrets first (so a secret containing another is hidden whole).
pub(crate) fn redact<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    if !secrets.iter().any(|s| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut sorted: Vec<&String> = secrets.iter().collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for s in sorted {
        out = out.replace(s.as_str(), REDACTED);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_is_hidden_longest_first() {
        let secrets = vec![
            "pw".to_string(),
            "S3CR3T".to_string(),
            "S3CR3T-vol".to_string(),
        ];
        assert_eq!(
            redact("Named volume \"S3CR3T-vol:/data:S3CR3T\"", &secrets),
            "Named volume \"<redacted>:/data:<redacted>\""
        );
        assert!(matches!(redact("nothing here", &secrets), Cow::Borrowed(_)));
        assert!(!worth_hiding("pw"));
        assert!(worth_hiding("pw1"));
    }
}
