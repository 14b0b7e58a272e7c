//! Any words as psql arguments and as a `prepare … run …` command line, and any bytes as a
//! psql script with includes: normalising, splitting and expanding must never panic, and a
//! refusal always names an argument that exists.
#![no_main]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let words: Vec<String> = text.split('\0').map(str::to_string).collect();
    for stdin in [false, true] {
        if let Err(e) = sqlrs_args::parse_psql(&words, stdin) {
            assert!(e.index.is_none_or(|i| i < words.len()));
        }
    }
    let c = sqlrs_args::split_composite(&words);
    assert_eq!(c.prepare.len() + c.run.map_or(0, |r| r.len()), words.len());
    // Two files that may include each other, in any way the bytes say.
    let (a, b) = data.split_at(data.len() / 2);
    let files: HashMap<PathBuf, Vec<u8>> =
        [("/w/a.sql", a), ("/w/b.sql", b)].into_iter().map(|(p, t)| (PathBuf::from(p), t.to_vec())).collect();
    if let Ok(e) = sqlrs_hash::expand(Path::new("a.sql"), Path::new("/w"), &mut |p| {
        files.get(p).cloned().ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }) {
        assert!(e.bytes.iter().filter(|b| **b == b'\n').count() == e.lines.len());
    }
});
