//! The last line of defence for secrets: every line the hub sends is scrubbed of the
//! token values it knows (its own and the forges' tokens as configured), in case a forge
//! echoed one into an error message or a description. Operations already keep values out
//! of their messages; this makes a slip there harmless.

use hyperforge_ops::{Hub, Secret, resolve_token};

/// Values shorter than this are not scrubbed: they would mangle ordinary words.
const MIN_LEN: usize = 8;

/// What to scrub.
#[derive(Debug, Clone, Default)]
pub(crate) struct Redactor(Vec<String>);

impl Redactor {
    /// Scrubs `token`.
    pub(crate) fn of(token: &Secret) -> Self {
        let mut r = Self::default();
        r.add(token.expose());
        r
    }

    /// Also scrubs every forge token `hub`'s config refers to (those that resolve).
    pub(crate) fn with_forges(mut self, hub: &Hub) -> Self {
        for fc in hub.store.config().forges.values() {
            if let Ok(t) = resolve_token(&fc.token, &hub.env, &hub.secrets, hub.store.dir()) {
                self.add(t.expose());
            }
        }
        self
    }

    /// Also scrubs what `other` does.
    pub(crate) fn merge(&mut self, other: Self) {
        for v in other.0 {
            self.add(&v);
        }
    }

    fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.len() >= MIN_LEN && !self.0.iter().any(|x| x == v) {
            self.0.push(v.to_string());
        }
    }

    /// `text` with every known value replaced by `<redacted>`.
    pub(crate) fn scrub(&self, text: String) -> String {
        let mut out = text;
        for v in &self.0 {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), "<redacted>");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_are_replaced_short_ones_left() {
        let mut r = Redactor::of(&Secret::new("hub-token-123"));
        r.add("tok");
        let s = r.scrub("a hub-token-123 b tok token".to_string());
        assert_eq!(s, "a <redacted> b tok token");
    }
}
