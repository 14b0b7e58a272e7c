//! Every string that goes into the compose file passes through one [`Emitter`].
//!
//! It substitutes `${HSM_MERGED_PARAMS.<key>}` (implication params, hsm's own), leaves every
//! other `${VAR}` for Compose to fill in at run time (zero-leak: values never land in the
//! generated file), and records each variable it leaves with the registry file and key that
//! wrote it. So the variables checked before a sync, and exported to `.hsm/env`, are exactly
//! the ones the generated file uses.

use std::collections::BTreeMap;
use std::path::Path;

use hsm_resolve::{Usage, merged_param, usages_in};
use infra_yaml::PathIndex;

use crate::ComposeError;

/// Substitutes params and records variable usages for one container's registry file.
pub(crate) struct Emitter<'a> {
    file: &'a Path,
    index: &'a PathIndex,
    params: &'a BTreeMap<String, Vec<String>>,
    usages: &'a mut Vec<Usage>,
}

impl<'a> Emitter<'a> {
    pub(crate) fn new(
        file: &'a Path,
        index: &'a PathIndex,
        params: &'a BTreeMap<String, Vec<String>>,
        usages: &'a mut Vec<Usage>,
    ) -> Self {
        Self {
            file,
            index,
            params,
            usages,
        }
    }

    /// `text`, written at `key` of the registry file, ready for the compose file.
    pub(crate) fn text(&mut self, key: &str, text: &str) -> Result<String, ComposeError> {
        if !text.contains('$') {
            return Ok(text.to_string());
        }
        let t = infra_interp::parse(text).map_err(|e| self.error(key, e.to_string()))?;
        self.usages
            .extend(usages_in(text, self.file, Some(self.index), key));
        t.render_only(&|name| merged_param(self.params, name))
            .map_err(|e| self.error(key, e.to_string()))
    }

    /// An optional value.
    pub(crate) fn opt(
        &mut self,
        key: &str,
        text: Option<&str>,
    ) -> Result<Option<String>, ComposeError> {
        text.map(|t| self.text(key, t)).transpose()
    }

    /// A map of values, keys kept.
    pub(crate) fn map<'k, V: AsRef<str> + 'k>(
        &mut self,
        base: &str,
        entries: impl IntoIterator<Item = (&'k str, &'k V)>,
        out: &mut BTreeMap<String, String>,
    ) -> Result<(), ComposeError> {
        for (k, v) in entries {
            let value = self.text(&format!("{base}.{k}"), v.as_ref())?;
            out.insert(k.to_string(), value);
        }
        Ok(())
    }

    pub(crate) fn error(&self, key: &str, message: String) -> ComposeError {
        ComposeError::Template {
            diagnostic: Box::new(self.index.error(self.file, key, message)),
        }
    }
}
