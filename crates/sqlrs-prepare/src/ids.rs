//! Random ids for jobs and instances.

use std::io::Read as _;

use sqlrs_schema::{InstanceId, JobId};

use crate::PrepareError;

/// 32 hex digits from the kernel's random source.
fn random_hex() -> Result<String, PrepareError> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(PrepareError::Random)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A new instance id.
pub fn instance_id() -> Result<InstanceId, PrepareError> {
    let hex = random_hex()?;
    InstanceId::parse(&hex).map_err(|e| PrepareError::Random(std::io::Error::other(e)))
}

/// A new job id.
pub fn job_id() -> Result<JobId, PrepareError> {
    let hex = random_hex()?;
    JobId::parse(&hex).map_err(|e| PrepareError::Random(std::io::Error::other(e)))
}
