//! The package adapters this binary ships. Adding one is a new crate and one line here; the
//! core (`hsm-sync`) and the commands never change.

use hsm_ops::Tools;

use crate::cli::Tooling;

/// hsm's version, written into generated-file headers.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every adapter, configured from the tool flags.
pub fn tools(t: &Tooling) -> Tools {
    Tools {
        adapters: vec![
            Box::new(hsm_uv::UvAdapter::new(t.uv.clone(), VERSION)),
            Box::new(hsm_pip::PipAdapter::new(t.python.clone())),
        ],
        services: "uv",
    }
}
