//! `hsm set <setting> <value>`: hsm.yaml's top-level settings from the command line
//! (`package-manager`, `mode`, `registry`), with the same lock, comment-keeping editor and
//! check-before-write as every other edit — so nobody has to hand-edit YAML to switch
//! the package manager.

use hsm_schema::Mode;
use infra_yaml::did_you_mean;

use super::{EditReport, Session};
use crate::{Context, OpsError};

/// The settings `hsm set` knows: (name on the command line, key in hsm.yaml).
pub const SETTINGS: [(&str, &str); 3] = [
    ("package-manager", "package_manager"),
    ("mode", "mode"),
    ("registry", "registry"),
];

/// The hsm.yaml key of setting `name` (`package-manager` or `package_manager`).
fn key_of(name: &str) -> Result<&'static str, OpsError> {
    let wanted = name.replace('_', "-");
    SETTINGS
        .iter()
        .find(|(cli, _)| *cli == wanted)
        .map(|(_, key)| *key)
        .ok_or_else(|| {
            let hint = did_you_mean(&wanted, SETTINGS.iter().map(|(c, _)| *c))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            OpsError::Usage {
                message: format!(
                    "`{}` is not a setting hsm can set{hint}; settings: {}",
                    name.escape_default(),
                    SETTINGS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        })
}

/// Checks `value` for `key`.
fn check(ctx: &Context<'_>, key: &str, value: &str) -> Result<(), OpsError> {
    match key {
        // A value from the command line is a usage error (exit 2), for every setting.
        "package_manager" if ctx.tools.get(value).is_none() => Err(OpsError::Usage {
            message: format!(
                "package manager `{}` is not one hsm drives: expected {}",
                value.escape_default(),
                ctx.tools
                    .names()
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        }),
        "mode" if Mode::parse(value).is_none() => Err(OpsError::Usage {
            message: format!(
                "mode `{}` is not valid: expected `dev` or `prod`",
                value.escape_default()
            ),
        }),
        "registry" if value.trim().is_empty() || value.chars().any(|c| c.is_control()) => {
            Err(OpsError::Usage {
                message: "the registry must be a directory path (relative to hsm.yaml)".into(),
            })
        }
        _ => Ok(()),
    }
}

/// Sets (`Some`) or removes (`None`: back to the default) setting `name`.
pub fn set(ctx: &Context<'_>, name: &str, value: Option<&str>) -> Result<EditReport, OpsError> {
    let key = key_of(name)?;
    if let Some(v) = value {
        check(ctx, key, v)?;
    }
    if key == "registry" {
        return set_registry(ctx, value);
    }
    let mut s = Session::open(ctx)?;
    let changed = s.editor.set_top_scalar(key, value)?;
    let cli = key.replace('_', "-");
    let what = match value {
        Some(v) => format!("{cli} is `{v}`"),
        None => format!("{cli} is back to its default"),
    };
    s.save(changed, what)
}

/// `registry`: the new directory must exist; the current one need not (setting the
/// registry is how a project whose registry moved is repaired), so the registry is not
/// loaded — only hsm.yaml is edited, under the project lock.
fn set_registry(ctx: &Context<'_>, value: Option<&str>) -> Result<EditReport, OpsError> {
    let root = ctx.root()?;
    if let Some(v) = value
        && !root.join(v).is_dir()
    {
        return Err(OpsError::Usage {
            message: format!(
                "registry `{}` is not a directory (relative to hsm.yaml's directory)",
                v.escape_default()
            ),
        });
    }
    let _lock = ctx.lock(&root)?;
    let path = root.join(hsm_sync::MANIFEST);
    let bytes = infra_fs::read_text_file(&path)
        .map_err(|e| OpsError::Fs(infra_fs::FsError::new("read", &path, e)))?;
    let text = infra_diag::utf8_text(std::path::Path::new(hsm_sync::MANIFEST), bytes)
        .map_err(|d| OpsError::Sync(hsm_sync::SyncError::invalid(vec![d])))?;
    let mut editor = hsm_edit::ManifestEditor::parse(&text)?;
    let changed = editor.set_top_scalar("registry", value)?;
    let new_text = editor.to_string();
    let message = match value {
        Some(v) => format!("registry is `{v}`"),
        None => "registry is back to its default".to_string(),
    };
    if changed && new_text != text {
        infra_fs::write_atomic(&path, new_text.as_bytes(), None)?;
    }
    Ok(EditReport {
        changed: changed && new_text != text,
        message,
        implied: Vec::new(),
        still_invalid: false,
    })
}
