//! Following a job to its end through its event stream.
//!
//! The stream replays every event from the first, so a broken connection is resumed by
//! reconnecting and skipping what was already seen.

use sqlrs_client::Client;
use sqlrs_schema::{Event, EventType, PrepareResult};

use crate::OpsError;

/// How often a broken stream is reopened before giving up.
const RECONNECTS: usize = 3;

/// Follows job `job_id`, calling `on_event` for each new event; returns its result
/// (`None` for a plan) or its error.
pub fn watch(
    client: &Client,
    job_id: &str,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Option<PrepareResult>, OpsError> {
    let mut seen = 0usize;
    let mut result = None;
    let mut error = None;
    for attempt in 0..=RECONNECTS {
        let mut index = 0usize;
        let mut broke = None;
        for event in client.events(job_id)? {
            let event = match event {
                Ok(e) => e,
                Err(e) => {
                    broke = Some(e);
                    break;
                }
            };
            index += 1;
            if index <= seen {
                continue;
            }
            seen = index;
            match event.event_type {
                EventType::Result => result = event.result.clone(),
                EventType::Error => error = event.error.clone(),
                _ => {}
            }
            on_event(&event);
        }
        if let Some(error) = error {
            return Err(OpsError::JobFailed {
                job_id: job_id.to_string(),
                error,
            });
        }
        let job = client.job(job_id)?;
        if job.status.is_terminal() {
            if let Some(error) = job.error {
                return Err(OpsError::JobFailed {
                    job_id: job_id.to_string(),
                    error,
                });
            }
            return Ok(result.or(job.result));
        }
        if let Some(e) = broke
            && attempt == RECONNECTS
        {
            return Err(e.into());
        }
    }
    Err(OpsError::Usage(format!(
        "the event stream of job {job_id} kept ending before the job did"
    )))
}
