//! CPU limits (`deploy.resources.limits.cpus`, `cpus`): a positive decimal number of CPUs.
//!
//! Registry files used to hold CPUs as free text, so `lots`, `0` or `-1` reached the compose
//! file and failed there, or worse, `0` silently meant "no limit". [`Cpus`] checks the value
//! when the registry is read.
//!
//! The engine stores CPU limits in billionths of a CPU (`NanoCPUs`), and `docker run --cpus`
//! refuses more than nine decimal places; [`Cpus`] holds that integer, so values compare
//! exactly (`0.50 == 0.5`) and print in their shortest form.
//!
//! Accepted: digits with an optional `.` and up to nine decimals, as a YAML number or string
//! (`0.5`, `2`, `"1.25"`). Rejected: `0`, signs (`-1`, `+2`), exponents (`1e-1`), a bare
//! `.5`, and anything else. The upper bound depends on the machine, so it is left to Docker.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::quote::code;

const NANOS_PER_CPU: u64 = 1_000_000_000;
const EXPECTED: &str = "expected a positive number such as `0.5` or `2`";

/// A positive number of CPUs, exact to a billionth.
#[derive(Debug, Clone)]
pub struct Cpus {
    nanos: u64,
    /// As written (trimmed): what a generated file repeats.
    text: String,
}

impl Cpus {
    /// Parses a decimal such as `0.5` or `2` (see the module documentation).
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err(format!("an empty CPU count: {EXPECTED}"));
        }
        let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
        let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (t.contains('.') && !digits(fraction)) {
            return Err(format!("{} is not a CPU count: {EXPECTED}", code(s)));
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > 9 {
            return Err(format!(
                "{} is too precise: Docker takes at most 9 decimal places",
                code(s)
            ));
        }
        let nanos = whole
            .parse::<u64>()
            .ok()
            .and_then(|w| w.checked_mul(NANOS_PER_CPU))
            .and_then(|w| {
                let f = if fraction.is_empty() {
                    0
                } else {
                    format!("{fraction:0<9}").parse::<u64>().ok()?
                };
                w.checked_add(f)
            })
            .filter(|n| i64::try_from(*n).is_ok())
            .ok_or_else(|| format!("{} is too large for a CPU count", code(s)))?;
        if nanos == 0 {
            return Err(format!("{} is not a CPU count: {EXPECTED}", code(s)));
        }
        Ok(Self {
            nanos,
            text: t.to_string(),
        })
    }

    /// The value in billionths of a CPU (Docker's `NanoCPUs`).
    pub fn nanos(&self) -> u64 {
        self.nanos
    }

    /// The value as a float (for display or arithmetic; not exact for every value).
    pub fn as_f64(&self) -> f64 {
        // Exact up to 2^53 nanos, about nine million CPUs.
        self.nanos as f64 / 1e9
    }
}

impl PartialEq for Cpus {
    /// The same count, however written (`0.5` and `0.50`).
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Cpus {}

impl PartialOrd for Cpus {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cpus {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl std::hash::Hash for Cpus {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl fmt::Display for Cpus {
    /// As written: `0.5`, `2`, `1.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Cpus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl Serialize for Cpus {
    /// The shortest decimal as a string (Compose accepts a number or a string; a string keeps
    /// `0.1` from being re-read as a float with a different spelling).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

struct CpusVisitor;

impl Visitor<'_> for CpusVisitor {
    type Value = Cpus;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a positive number of CPUs such as `0.5` or `2`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cpus, E> {
        Cpus::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cpus, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cpus, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cpus, E> {
        // `Display` of f64 never uses an exponent and gives the shortest round-trip digits.
        self.visit_str(&v.to_string())
    }
}

impl<'de> Deserialize<'de> for Cpus {
    /// A number or a string.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CpusVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn c(s: &str) -> Cpus {
        Cpus::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn values() {
        assert_eq!(c("0.5").nanos(), 500_000_000);
        assert_eq!(c("2").nanos(), 2_000_000_000);
        assert_eq!(c("0.50"), c("0.5"));
        assert_eq!(c("1.250").to_string(), "1.250", "written form kept");
        assert_eq!(c(" 2.0 ").to_string(), "2.0");
        assert_eq!(c("0.000000001").to_string(), "0.000000001");
        assert!((c("0.25").as_f64() - 0.25).abs() < f64::EPSILON);
        assert!(c("2") > c("1.5"));
    }

    #[test]
    fn errors() {
        assert_eq!(
            Cpus::parse("lots").unwrap_err(),
            "`lots` is not a CPU count: expected a positive number such as `0.5` or `2`"
        );
        assert_eq!(
            Cpus::parse("0").unwrap_err(),
            "`0` is not a CPU count: expected a positive number such as `0.5` or `2`"
        );
        assert_eq!(
            Cpus::parse("-1").unwrap_err(),
            "`-1` is not a CPU count: expected a positive number such as `0.5` or `2`"
        );
        assert_eq!(
            Cpus::parse("0.0000000001").unwrap_err(),
            "`0.0000000001` is too precise: Docker takes at most 9 decimal places"
        );
        for bad in [
            "", "0.0", "+1", "1e3", ".5", "5.", "1,5", "1.2.3", "one", "1 cpu",
        ] {
            assert!(Cpus::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Cpus::parse("99999999999")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Limits {
        cpus: Vec<Cpus>,
    }

    fn load(text: &str) -> Result<Limits, infra_yaml::YamlError> {
        infra_yaml::from_str(Path::new("r.yaml"), text)
    }

    #[test]
    fn yaml_numbers_and_strings() {
        let l = load("cpus: [0.5, 2, \"1.25\", 0.1]\n").unwrap();
        let shown: Vec<String> = l.cpus.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["0.5", "2", "1.25", "0.1"]);
    }

    #[test]
    fn yaml_bad_value_is_located() {
        let e = load("cpus:\n  - 1\n  - lots\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("cpus[1]"), "{e:?}");
        assert_eq!(e.line, Some(3), "{e:?}");
        assert_eq!(
            e.message,
            "`lots` is not a CPU count: expected a positive number such as `0.5` or `2`"
        );
        let e = load("cpus: [-0.5]\n").unwrap_err();
        assert!(e.message.starts_with("`-0.5` is not a CPU count"), "{e:?}");
    }

    #[test]
    fn yaml_round_trip() {
        let l = load("cpus: [0.5, 2]\n").unwrap();
        let yaml = serde_saphyr::to_string(&l).unwrap();
        assert_eq!(load(&yaml).unwrap(), l, "{yaml}");
    }
}
