//! The prepare request: what to build, from what.

use serde::{Deserialize, Serialize};

/// How the steps are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrepareKind {
    /// psql scripts and commands: one state per input.
    Psql,
    /// Liquibase changelogs: one state per pending changeset.
    Lb,
}

/// `POST /v1/prepare-jobs` (and `/v1/cache/explain/prepare`), keyed by `prepare_kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "prepare_kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum PrepareRequest {
    /// psql.
    Psql {
        /// The PostgreSQL build (an image reference for containers, a version for the
        /// native runtime).
        image_id: String,
        /// Plan only: compute the steps and what is cached, run nothing.
        #[serde(default)]
        plan_only: bool,
        /// psql's arguments.
        psql_args: Vec<String>,
        /// What `-f -` reads.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stdin: Option<String>,
        /// The directory relative `-f` paths are taken from (absolute; without it every
        /// path must be absolute).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        work_dir: Option<String>,
        /// Bind this name to the instance.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Return the instance of `name` when its state matches instead of a new one.
        #[serde(default)]
        reuse: bool,
    },
    /// Liquibase.
    Lb {
        /// The PostgreSQL build.
        image_id: String,
        /// Plan only.
        #[serde(default)]
        plan_only: bool,
        /// Liquibase's arguments.
        liquibase_args: Vec<String>,
        /// The directory relative paths are taken from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        work_dir: Option<String>,
        /// Bind this name to the instance.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Return the instance of `name` when its state matches.
        #[serde(default)]
        reuse: bool,
    },
}

impl PrepareRequest {
    /// Its kind.
    pub fn kind(&self) -> PrepareKind {
        match self {
            Self::Psql { .. } => PrepareKind::Psql,
            Self::Lb { .. } => PrepareKind::Lb,
        }
    }

    /// The name to bind the instance to, and whether an instance of that name whose
    /// state matches is to be returned instead of a new one.
    pub fn name(&self) -> (Option<&str>, bool) {
        match self {
            Self::Psql { name, reuse, .. } | Self::Lb { name, reuse, .. } => {
                (name.as_deref(), *reuse)
            }
        }
    }

    /// Whether only a plan is asked for.
    pub fn plan_only(&self) -> bool {
        match self {
            Self::Psql { plan_only, .. } | Self::Lb { plan_only, .. } => *plan_only,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_keyed_by_prepare_kind() {
        let r: PrepareRequest = serde_json::from_str(
            r#"{"prepare_kind":"psql","image_id":"15","psql_args":["-f","/a.sql"]}"#,
        )
        .unwrap();
        assert_eq!(r.kind(), PrepareKind::Psql);
        assert!(!r.plan_only());
        let back = serde_json::to_string(&r).unwrap();
        assert_eq!(
            back,
            r#"{"prepare_kind":"psql","image_id":"15","plan_only":false,"psql_args":["-f","/a.sql"],"reuse":false}"#
        );
    }

    #[test]
    fn unknown_fields_and_kinds_are_refused_by_name() {
        let err = serde_json::from_str::<PrepareRequest>(
            r#"{"prepare_kind":"psql","image_id":"15","psql_args":[],"psql_arg":[]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("psql_arg"), "{err}");
        let err =
            serde_json::from_str::<PrepareRequest>(r#"{"prepare_kind":"flyway","image_id":"15"}"#)
                .unwrap_err();
        assert!(err.to_string().contains("flyway"), "{err}");
    }
}
