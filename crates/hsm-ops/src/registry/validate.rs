//! `hsm registry validate`: every file parses, every value is valid, every name it refers
//! to exists, and every package source makes a requirement.

use hsm_registry::Kind;
use hsm_schema::Mode;
use hsm_sync::{PackageRef, requirement};
use serde::Serialize;

use crate::{Context, OpsError};

/// A valid registry.
#[derive(Debug, Serialize)]
pub struct ValidateReport {
    /// Always `true` (problems are an error).
    pub ok: bool,
    /// How many entries it holds.
    pub entries: usize,
}

/// Checks the whole registry.
pub fn validate(ctx: &Context<'_>) -> Result<ValidateReport, OpsError> {
    let reg = super::open(ctx)?;
    let mut problems = reg.validate_all()?;
    problems.extend(super::references::dangling(&reg));
    for n in reg.names(Kind::PACKAGE) {
        let Ok(Some(e)) = reg.package(n) else {
            continue;
        };
        for mode in [Mode::Prod, Mode::Dev] {
            if e.spec.sources.for_mode(mode).is_none() {
                continue;
            }
            let r = PackageRef {
                name: n,
                spec: &e.spec,
                mode,
                registry_dir: e.dir(),
                registry_file: &e.display,
                index: &e.index,
                check_paths: false,
            };
            if let Err(mut p) = requirement(&r, e.dir()) {
                problems.append(&mut p);
            }
        }
    }
    if !problems.is_empty() {
        infra_diag::sort_and_dedup(&mut problems);
        return Err(OpsError::Sync(hsm_sync::SyncError::invalid(problems)));
    }
    let entries = Kind::ALL.iter().map(|k| reg.names(*k).len()).sum();
    Ok(ValidateReport { ok: true, entries })
}
