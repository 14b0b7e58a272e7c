//! `hsm export kubernetes`: the resolved stack as Kubernetes manifests.
//!
//! When a stack outgrows one machine it moves to a cluster. Converting the generated
//! compose file would lose what hsm knows and Compose does not: which names are group
//! aliases (`db`), which services are external profiles, which values are secrets. So the
//! export starts from the same resolved stack as `hsm-compose` and writes one Deployment,
//! ConfigMap and Service per managed container, a Service per alias, claims for named
//! volumes, `ExternalName` Services for external profiles, references to one Secret for
//! every `${VAR}` (never a value; `secret.example.yaml` lists the keys) and a
//! `kustomization.yaml`. Pure: the result is a sorted list of files; the caller writes it.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod env;
mod error;
mod export;
mod limits;
pub mod model;
mod names;
mod probe;
mod values;
mod workload;

pub use error::KubeError;
pub use export::{Export, HEADER_MARK, KUSTOMIZATION, Options, SECRET_EXAMPLE, export};
