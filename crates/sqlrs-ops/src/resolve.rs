//! Which object a word on the command line means: a full id, an id prefix (8+ hex digits,
//! any case), across instances, states and jobs.

use sqlrs_client::Client;
use sqlrs_schema::NodeKind;

use crate::OpsError;

/// Resolves `word` to one object, or says why it cannot.
pub fn resolve(client: &Client, word: &str) -> Result<(NodeKind, String), OpsError> {
    let w = word.to_ascii_lowercase();
    let named = client.names()?.into_iter().find(|n| n.name == word);
    if let Some(instance) = named.and_then(|n| n.instance_id) {
        return Ok((NodeKind::Instance, instance.to_string()));
    }
    if w.len() < 8 || !w.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(OpsError::Usage(format!(
            "`{}` is not an id or a name: give an instance name, an instance, state or job id, or a prefix of at least 8 hex digits",
            word.escape_default()
        )));
    }
    let mut matches = Vec::new();
    for i in client.instances()? {
        if i.instance_id.as_str().starts_with(&w) {
            matches.push((NodeKind::Instance, i.instance_id.to_string()));
        }
    }
    for s in client.states()? {
        if s.state_id.as_str().starts_with(&w) {
            matches.push((NodeKind::State, s.state_id.to_string()));
        }
    }
    for j in client.jobs()? {
        if j.job_id.as_str() == w {
            matches.push((NodeKind::Job, j.job_id.to_string()));
        }
    }
    match matches.len() {
        0 => Err(OpsError::NoMatch(word.to_string())),
        1 => Ok(matches.remove(0)),
        _ => Err(OpsError::Ambiguous {
            prefix: word.to_string(),
            matches: matches
                .iter()
                .map(|(k, id)| format!("{} {}", kind_word(*k), &id[..12.min(id.len())]))
                .collect(),
        }),
    }
}

/// `instance`, `state`, `job`.
pub fn kind_word(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Instance => "instance",
        NodeKind::State => "state",
        NodeKind::Job => "job",
    }
}
