//! Mirror set-ups not yet carried out, kept in `orgs/<org>/pending-mirrors.json` from
//! before the apply that creates the mirror until its content has been pushed: an apply
//! killed between the create and the push (or a push that failed) leaves the mirror empty,
//! and the next sync retries it instead of calling it in sync.

use std::path::PathBuf;

use hyperforge_plan::Mirror;
use hyperforge_schema::OrgName;
use hyperforge_state::Store;

use crate::OpsError;

fn path(store: &Store, org: &OrgName) -> PathBuf {
    store.repos_path(org).with_file_name("pending-mirrors.json")
}

/// The pending set-ups (none when the file is missing or unreadable: it is only a
/// reminder, and the plan lists new ones again).
pub(crate) fn read(store: &Store, org: &OrgName) -> Vec<Mirror> {
    infra_fs::read_text_optional(&path(store, org))
        .ok()
        .flatten()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Records `mirrors` as the pending set-ups (removing the file when there are none).
pub(crate) fn write(store: &Store, org: &OrgName, mirrors: &[Mirror]) -> Result<(), OpsError> {
    let p = path(store, org);
    if mirrors.is_empty() {
        return match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(OpsError::Fs(infra_fs::FsError::new("remove", &p, e)))
            }
            _ => Ok(()),
        };
    }
    let mut text = serde_json::to_string_pretty(mirrors).unwrap_or_default();
    text.push('\n');
    infra_fs::write_atomic(&p, text.as_bytes(), None).map_err(OpsError::Fs)
}

/// Adds `mirrors` to the pending set-ups.
pub(crate) fn add(store: &Store, org: &OrgName, mirrors: &[Mirror]) -> Result<(), OpsError> {
    if mirrors.is_empty() {
        return Ok(());
    }
    let mut all = read(store, org);
    for m in mirrors {
        if !all.contains(m) {
            all.push(m.clone());
        }
    }
    write(store, org, &all)
}
