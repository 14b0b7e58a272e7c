//! Compose resource limits as Kubernetes quantities.
//!
//! Compose's `512m` is 512 MiB and `1.5` CPUs is 1.5 cores; Kubernetes' `512M` would be
//! megabytes, so sizes are written in binary units (`Mi`) and CPUs in millicores, exactly.

use std::collections::BTreeMap;

use hsm_schema::Resources;

use crate::model::ResourceLimits;

/// The limits, or `None` when neither is set.
pub fn limits(r: Option<&Resources>) -> Option<ResourceLimits> {
    let r = r?;
    let mut limits = BTreeMap::new();
    if let Some(c) = &r.cpus {
        limits.insert("cpu".to_string(), cpu(c.nanos()));
    }
    if let Some(m) = &r.memory {
        limits.insert("memory".to_string(), memory(m.bytes()));
    }
    (!limits.is_empty()).then_some(ResourceLimits { limits })
}

/// Nano-CPUs as millicores (`1.5` → `1500m`), rounded up to at least `1m`.
fn cpu(nanos: u64) -> String {
    format!("{}m", nanos.div_ceil(1_000_000).max(1))
}

/// Bytes in the largest binary unit that divides them exactly.
fn memory(bytes: u64) -> String {
    for (shift, unit) in [(40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_units_become_exact_quantities() {
        assert_eq!(cpu(1_500_000_000), "1500m");
        assert_eq!(cpu(1), "1m");
        assert_eq!(memory(512 << 20), "512Mi");
        assert_eq!(memory(1 << 30), "1Gi");
        assert_eq!(memory(1536 << 20), "1536Mi");
        assert_eq!(memory(1000), "1000");
    }
}
