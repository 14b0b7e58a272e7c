//! RFC 8288 `Link` headers, as GitHub and Gitea paginate with them.

/// The `rel="next"` target of a `Link` header value, if any.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let url = target.strip_prefix('<')?.strip_suffix('>')?;
        pieces
            .map(str::trim)
            .any(|p| p == "rel=\"next\"" || p == "rel=next")
            .then(|| url.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_found_among_other_relations() {
        let h = r#"<https://api.example/user/repos?page=3&per_page=100>; rel="next", <https://api.example/user/repos?page=9&per_page=100>; rel="last", <https://api.example/user/repos?page=1>; rel="first""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.example/user/repos?page=3&per_page=100")
        );
        assert_eq!(next_link(r#"<https://x/a?page=1>; rel="prev""#), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage; rel=\"next\""), None);
    }
}
