//! How an operation's failure is told to the client: the message ops wrote (with its
//! causes, never a token value — ops names references only), a code a client can act on
//! (the safety rules apart from other failures), and the kind of failure as data.

use hyperforge_ops::OpsError;
use hyperforge_ops::error::chain;
use serde_json::json;

use crate::rpc::{INVALID_PARAMS, OPERATION_FAILED, RpcError, SAFETY_REFUSED};

/// A short name for the kind of failure (`data.kind`).
fn kind(e: &OpsError) -> &'static str {
    match e {
        OpsError::State(_) | OpsError::Fs(_) | OpsError::PlanFile { .. } => "state",
        OpsError::Forge(_) | OpsError::BadName(_) => "forge",
        OpsError::Apply(_) => "apply",
        OpsError::Safety(_) => "safety",
        OpsError::Git(_) => "git",
        OpsError::Drift(_) => "drift",
        OpsError::Token { .. } | OpsError::SecretsFile(_) | OpsError::Keyring(_) => "token",
        OpsError::UnknownForge(_) | OpsError::UnknownRepo(_) | OpsError::NotBound(_) => "not_found",
        OpsError::NoWorkspace(_) => "not_found",
        OpsError::RepoExists(_) | OpsError::Exists { .. } => "exists",
        OpsError::ProtectedRemove(_) => "protected",
        OpsError::Pending { .. } => "pending",
        _ => "invalid",
    }
}

impl From<OpsError> for RpcError {
    fn from(e: OpsError) -> Self {
        let code = match e {
            OpsError::Safety(_) => SAFETY_REFUSED,
            // A value the forges would refuse is a bad param, as a malformed one is.
            OpsError::Limit { .. } => INVALID_PARAMS,
            _ => OPERATION_FAILED,
        };
        let mut data = json!({ "kind": kind(&e) });
        if let OpsError::Exists { hint, .. } = &e {
            data["hint"] = json!(hint);
        }
        // The option is named as this surface's param, never as the CLI's flag.
        if let Some(param) = e.param() {
            data["field"] = json!(param);
            let lifts = match &e {
                OpsError::Safety(_) => Some("apply it anyway"),
                OpsError::ProtectedRemove(_) => Some("remove it anyway"),
                _ => None,
            };
            if let Some(lifts) = lifts {
                data["hint"] = json!(format!("pass \"{param}\": true to {lifts}"));
            }
        }
        RpcError::new(code, chain(&e)).with_data(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_has_its_own_code() {
        let e = RpcError::from(OpsError::Safety(
            hyperforge_plan::SafetyError::BlastRadius {
                touched: 3,
                total: 4,
                limit: 25.0,
            },
        ));
        assert_eq!(e.code, SAFETY_REFUSED);
        assert!(!e.message.contains("--"), "no CLI flag: {}", e.message);
        let data = e.data.unwrap_or_default();
        assert_eq!(data["field"], "allow_large");
        assert_eq!(
            data["hint"],
            "pass \"allow_large\": true to apply it anyway"
        );
        let e = RpcError::from(OpsError::Limit {
            key: "topics",
            message: "topic `Rust` of repo `r` has …".into(),
        });
        assert_eq!(e.code, INVALID_PARAMS);
        assert_eq!(e.data.clone().unwrap_or_default()["field"], "topics");
        let e = RpcError::from(OpsError::UnknownRepo("x".into()));
        assert_eq!(
            (e.code, e.data),
            (OPERATION_FAILED, Some(json!({"kind": "not_found"})))
        );
    }
}
