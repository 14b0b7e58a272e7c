//! The package adapters this binary ships. Adding one is a new crate and one line here; the
//! core (`hsm-sync`) never changes.

use hsm_adapter::PackageAdapter;

/// Known adapter names.
pub const KNOWN: &[&str] = &["uv", "pip"];

/// The adapter for isolated uv services (`runtime: uv`), whatever the project's manager.
pub fn for_services(version: &str) -> Box<dyn PackageAdapter> {
    Box::new(hsm_uv::UvAdapter::new(version))
}

/// The adapter called `name`.
pub fn by_name(name: &str, version: &str) -> Option<Box<dyn PackageAdapter>> {
    match name {
        "uv" => Some(Box::new(hsm_uv::UvAdapter::new(version))),
        "pip" => Some(Box::new(hsm_pip::PipAdapter::new())),
        _ => None,
    }
}
