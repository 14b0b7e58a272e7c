//! "Did you mean" suggestions for misspelt names.

/// Returns the candidate closest to `name` (Levenshtein distance at most a third of its
/// length, minimum 1), if any. Ties resolve to the first candidate in sorted order so the
/// suggestion is deterministic.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = name.chars().count().div_ceil(3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut sorted: Vec<&str> = candidates.into_iter().collect();
    sorted.sort_unstable();
    for cand in sorted {
        let d = distance(name, cand);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let c = ["postgres", "redis", "qdrant"];
        assert_eq!(did_you_mean("postgress", c), Some("postgres".into()));
        assert_eq!(did_you_mean("redsi", c), Some("redis".into()));
        assert_eq!(did_you_mean("mysql", c), None);
    }
}
