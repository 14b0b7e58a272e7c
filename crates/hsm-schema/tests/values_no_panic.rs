//! The value parsers return errors, never panic, on arbitrary text (a cheap stand-in for
//! fuzzing: registry files are hand-written and may hold anything).

use hsm_schema::{
    Cpus, EnvName, GitUrl, Memory, PortMapping, PortRange, PortSpec, RequirementSpec,
    RestartPolicy, is_valid_version, normalize_name,
};

/// Characters that matter to at least one parser, plus some multi-byte ones.
const ALPHABET: &[char] = &[
    '0', '1', '5', '9', ':', '-', '/', '.', '[', ']', '$', '{', '}', '@', ';', ',', '(', ')', '=',
    '<', '>', '!', '~', '*', '+', '"', '\'', ' ', '\n', 'a', 'k', 'g', 'b', 'i', 'v', 'r', 'c',
    't', 'p', 'u', 'd', 'e', 'x', '_', 'Ä', '€', '\u{0}',
];

fn strings() -> impl Iterator<Item = String> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..20_000).map(move |_| {
        let len = next() % 16;
        (0..len)
            .map(|_| {
                let i = next() % ALPHABET.len() as u64;
                ALPHABET[i as usize]
            })
            .collect()
    })
}

#[test]
fn parsers_never_panic() {
    for s in strings() {
        let _ = PortSpec::parse(&s);
        let _ = PortMapping::parse_short(&s);
        let _ = PortRange::parse(&s);
        let _ = Memory::parse(&s);
        let _ = Cpus::parse(&s);
        let _ = RestartPolicy::parse(&s);
        let _ = EnvName::parse(&s);
        let _ = GitUrl::parse(&s);
        let _ = is_valid_version(&s);
        let _ = normalize_name(&s);
        if let Ok(spec) = RequirementSpec::parse(&s) {
            // The normal form reads back as the same value.
            assert_eq!(RequirementSpec::parse(&spec.to_string()), Ok(spec), "{s:?}");
        }
        if let Ok(m) = Memory::parse(&s) {
            assert_eq!(Memory::parse(m.as_str()), Ok(m), "{s:?}");
        }
        if let Ok(c) = Cpus::parse(&s) {
            assert_eq!(Cpus::parse(&c.to_string()), Ok(c), "{s:?}");
        }
        if let Ok(PortSpec::Mapping(m)) = PortSpec::parse(&s) {
            assert_eq!(PortMapping::parse_short(&m.to_string()), Ok(m), "{s:?}");
        }
    }
}
