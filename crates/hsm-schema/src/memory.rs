//! Memory sizes as Compose reads them (`deploy.resources.limits.memory`, `mem_limit`, …).
//!
//! A resource limit written as `512M` in a registry file used to be copied into the compose
//! file untouched, so `512 MB`, `1,5g` or `lots` only failed when Compose loaded the whole
//! stack. [`Memory`] checks the size when the registry is read and knows its value in bytes.
//!
//! # Accepted forms
//!
//! Compose parses sizes with go-units' `RAMInBytes`: a decimal number and an optional unit,
//! case-insensitive, every multiple binary (`1k` is 1024 bytes):
//!
//! | unit                  | factor |
//! |-----------------------|--------|
//! | none, `b`             | 1      |
//! | `k`, `kb`, `kib`      | 2^10   |
//! | `m`, `mb`, `mib`      | 2^20   |
//! | `g`, `gb`, `gib`      | 2^30   |
//! | `t`, `tb`, `tib`      | 2^40   |
//! | `p`, `pb`, `pib`      | 2^50   |
//!
//! So `512m`, `1g`, `1.5gb`, `2048`, `100k`, `1024b`, `512 MiB` are all sizes; a YAML
//! integer is a number of bytes. A fractional size is rounded down to whole bytes, as Compose
//! does.
//!
//! # Where this is stricter than Compose
//!
//! * `0` and negative sizes are rejected: a zero limit means "no limit" to the engine, which
//!   is better said by omitting the key, and `-1` only means something for `memswap_limit`.
//! * A fractional number of bytes (`1.5`, `1.5b`) is rejected instead of truncated: it is
//!   almost always a size whose unit was forgotten.
//! * The number must have digits on both sides of a `.` (`0.5g`, not `.5g` or `5.g`) and no
//!   exponent (`1e3`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::quote::code;

const EXPECTED: &str = "expected a number with an optional unit `b`, `k`, `m`, `g`, `t` or `p` \
                        (also `kb`, `kib`, … in any case), as in `512m` or `1.5g`";

/// A memory size: its value in bytes and its normalised text.
///
/// The text keeps the number as written and spells the unit as one lower-case letter (`1.5GB`
/// becomes `1.5g`, `512 MiB` becomes `512m`, `1024b` becomes `1024`), which Compose reads as
/// the same size. Sizes compare, order and hash by their number of bytes: `1g == 1024m`.
#[derive(Debug, Clone)]
pub struct Memory {
    bytes: u64,
    text: String,
}

impl Memory {
    /// Parses a size such as `512m`, `1.5gb` or `2048` (see the module documentation).
    pub fn parse(s: &str) -> Result<Self, String> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err("an empty memory size: expected a size such as `512m` or `1g`".into());
        }
        let split = trimmed
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let unit = unit.trim_start();
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (number.contains('.') && !digits(fraction)) {
            return Err(format!("{} is not a memory size: {EXPECTED}", code(s)));
        }
        let shift = match unit.to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "k" | "kb" | "kib" => 10,
            "m" | "mb" | "mib" => 20,
            "g" | "gb" | "gib" => 30,
            "t" | "tb" | "tib" => 40,
            "p" | "pb" | "pib" => 50,
            _ => {
                return Err(format!(
                    "{} in {} is not a memory unit: expected `b`, `k`, `m`, `g`, `t` or `p`, \
                     optionally followed by `b` or `ib`, in any case",
                    code(unit),
                    code(s)
                ));
            }
        };
        if shift == 0 && fraction.bytes().any(|b| b != b'0') {
            return Err(format!(
                "{} is not a whole number of bytes: add a unit, as in `{number}g` or \
                 `{number}m`",
                code(s)
            ));
        }
        let bytes = to_bytes(whole, fraction, shift)
            .ok_or_else(|| format!("{} is too large for a memory size", code(s)))?;
        Self::checked(bytes, s.trim().to_string(), s)
    }

    /// A size of `bytes` bytes, written as that integer.
    pub fn from_bytes(bytes: u64) -> Result<Self, String> {
        let text = bytes.to_string();
        Self::checked(bytes, text.clone(), &text)
    }

    fn checked(bytes: u64, text: String, written: &str) -> Result<Self, String> {
        if bytes == 0 {
            return Err(format!(
                "{} is not a memory size: expected a positive size such as `512m`; omit the key \
                 for no limit",
                code(written)
            ));
        }
        if i64::try_from(bytes).is_err() {
            return Err(format!("{} is too large for a memory size", code(written)));
        }
        Ok(Self { bytes, text })
    }

    /// The size in bytes (fractions rounded down).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The size as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `whole.fraction` times 2^shift, rounded down; `None` on overflow.
fn to_bytes(whole: &str, fraction: &str, shift: u32) -> Option<u64> {
    let factor = 1u128 << shift;
    let whole: u128 = whole.parse().ok()?;
    let mut bytes = whole.checked_mul(factor)?;
    // Digits past the 20th cannot add a whole byte for any factor up to 2^50.
    let fraction = &fraction[..fraction.len().min(20)];
    if !fraction.is_empty() {
        let numerator: u128 = fraction.parse().ok()?;
        let denominator = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
        bytes = bytes.checked_add(numerator.checked_mul(factor)? / denominator)?;
    }
    u64::try_from(bytes).ok()
}

impl PartialEq for Memory {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Memory {}

impl Hash for Memory {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl PartialOrd for Memory {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Memory {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bytes.cmp(&other.bytes)
    }
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Memory {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for Memory {
    /// Always a string: the Compose schema types `deploy.resources.limits.memory` as a string
    /// and rejects an integer there.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

struct MemoryVisitor;

impl Visitor<'_> for MemoryVisitor {
    type Value = Memory;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a memory size such as `512m` or a number of bytes")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Memory, E> {
        Memory::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Memory, E> {
        Memory::from_bytes(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Memory, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::custom(format!(
                "`{v}` is not a memory size: expected a positive size such as `512m`"
            ))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Memory, E> {
        self.visit_str(&v.to_string())
    }
}

impl<'de> Deserialize<'de> for Memory {
    /// A size string or an integer number of bytes.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MemoryVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn m(s: &str) -> Memory {
        Memory::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn units_and_values() {
        for (s, bytes, text) in [
            ("512m", 512 << 20, "512m"),
            ("1g", 1 << 30, "1g"),
            ("1.5gb", 3 << 29, "1.5g"),
            ("1.5GB", 3 << 29, "1.5g"),
            ("2048", 2048, "2048"),
            ("100k", 100 << 10, "100k"),
            ("100KiB", 100 << 10, "100k"),
            ("1024b", 1024, "1024"),
            ("1024B", 1024, "1024"),
            ("512 MiB", 512 << 20, "512m"),
            ("2t", 2 << 40, "2t"),
            ("1p", 1 << 50, "1p"),
            ("0.5m", 1 << 19, "0.5m"),
            ("1.0", 1, "1.0"),
            ("0.0000001k", 0, ""),
        ] {
            if bytes == 0 {
                assert!(Memory::parse(s).is_err(), "{s}");
                continue;
            }
            let v = m(s);
            assert_eq!(v.bytes(), bytes, "{s}");
            assert_eq!(v.to_string(), s.trim(), "written form kept");
            assert_eq!(m(text), v, "{text} reads back as the same size");
        }
    }

    #[test]
    fn fractions_round_down() {
        assert_eq!(m("1.0001k").bytes(), 1024);
        assert_eq!(m("0.3k").bytes(), 307);
    }

    #[test]
    fn equality_is_by_value() {
        assert_eq!(m("1g"), m("1024m"));
        assert!(m("1g") > m("1000m"));
    }

    #[test]
    fn errors() {
        assert_eq!(
            Memory::parse("lots").unwrap_err(),
            "`lots` is not a memory size: expected a number with an optional unit `b`, `k`, \
             `m`, `g`, `t` or `p` (also `kb`, `kib`, … in any case), as in `512m` or `1.5g`"
        );
        assert_eq!(
            Memory::parse("512x").unwrap_err(),
            "`x` in `512x` is not a memory unit: expected `b`, `k`, `m`, `g`, `t` or `p`, \
             optionally followed by `b` or `ib`, in any case"
        );
        assert_eq!(
            Memory::parse("1.5").unwrap_err(),
            "`1.5` is not a whole number of bytes: add a unit, as in `1.5g` or `1.5m`"
        );
        assert_eq!(
            Memory::parse("0").unwrap_err(),
            "`0` is not a memory size: expected a positive size such as `512m`; omit the key \
             for no limit"
        );
        assert_eq!(
            Memory::parse("").unwrap_err(),
            "an empty memory size: expected a size such as `512m` or `1g`"
        );
        for bad in [
            "-1", ".5g", "5.g", "1e3", "1,5g", "1..5g", "g", "1gbb", "1mbi", "1 g b", "1.5.g",
        ] {
            assert!(Memory::parse(bad).is_err(), "{bad}");
        }
        assert!(Memory::parse("9000000p").unwrap_err().contains("too large"));
        assert!(Memory::parse("99999999999999999999999999999999999999999").is_err());
        assert!(
            Memory::from_bytes(u64::MAX)
                .unwrap_err()
                .contains("too large")
        );
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Limits {
        memory: Vec<Memory>,
    }

    fn load(text: &str) -> Result<Limits, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("r.yaml"), text)
    }

    #[test]
    fn yaml_strings_and_integers() {
        let l = load("memory: [512M, 1.5gb, 2048, \"100k\"]\n").unwrap();
        let bytes: Vec<u64> = l.memory.iter().map(Memory::bytes).collect();
        assert_eq!(bytes, [512 << 20, 3 << 29, 2048, 100 << 10]);
    }

    #[test]
    fn yaml_bad_value_is_located() {
        let e = load("memory:\n  - 1g\n  - 12 parsecs\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("memory[1]"), "{e:?}");
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.starts_with("`parsecs` in `12 parsecs`"), "{e:?}");
        let e = load("memory: [-5]\n").unwrap_err();
        assert_eq!(
            e.message,
            "`-5` is not a memory size: expected a positive size such as `512m`"
        );
        let e = load("memory: [0.5]\n").unwrap_err();
        assert!(e.message.contains("add a unit"), "{e:?}");
    }

    #[test]
    fn yaml_round_trip_writes_strings() {
        let l = load("memory: [512M, 2048]\n").unwrap();
        let yaml = serde_saphyr::to_string(&l).unwrap();
        assert!(yaml.contains("\"2048\""), "{yaml}");
        let back = load(&yaml).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.memory[0].as_str(), "512M");
    }
}
