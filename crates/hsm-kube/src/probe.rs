//! A Compose healthcheck as a readiness probe.
//!
//! Compose's `depends_on: service_healthy` waits for the healthcheck; in Kubernetes the
//! same check gates the Service's endpoints, so clients reach a pod only once it is ready.
//! Durations are Compose's (`1m30s`, `500ms`); the probe counts whole seconds (at least 1).

use hsm_schema::{Healthcheck, StringOrList};

use crate::model::{ExecAction, Probe};

/// The probe for `h`, or `None` for `["NONE"]` (healthcheck disabled) or an empty test.
pub fn readiness(h: &Healthcheck) -> Option<Probe> {
    let command = match &h.test {
        StringOrList::One(s) => shell(s),
        StringOrList::Many(l) => match l.split_first() {
            Some((first, rest)) if first == "CMD" => rest.to_vec(),
            Some((first, rest)) if first == "CMD-SHELL" => shell(&rest.join(" ")),
            Some((first, _)) if first == "NONE" => return None,
            _ => l.clone(),
        },
    };
    if command.is_empty() {
        return None;
    }
    Some(Probe {
        exec: ExecAction { command },
        initial_delay_seconds: h.start_period.as_deref().and_then(seconds),
        period_seconds: h.interval.as_deref().and_then(seconds),
        timeout_seconds: h.timeout.as_deref().and_then(seconds),
        failure_threshold: h.retries.filter(|r| *r > 0),
    })
}

fn shell(s: &str) -> Vec<String> {
    vec!["/bin/sh".into(), "-c".into(), s.to_string()]
}

/// A Compose duration in whole seconds, rounded up, at least 1; `None` when unreadable.
pub fn seconds(d: &str) -> Option<u32> {
    let mut total_ms: u64 = 0;
    let mut number = String::new();
    let mut chars = d.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(n) = chars.peek().filter(|n| n.is_ascii_alphabetic()) {
            unit.push(*n);
            chars.next();
        }
        let factor: f64 = match unit.as_str() {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" => 1000.0,
            "ms" => 1.0,
            "us" | "µs" => 0.001,
            "ns" => 0.000_001,
            _ => return None,
        };
        let n: f64 = std::mem::take(&mut number).parse().ok()?;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let ms = (n * factor).ceil() as u64;
        total_ms = total_ms.saturating_add(ms);
    }
    if !number.is_empty() {
        return None;
    }
    let secs = total_ms.div_ceil(1000).max(1);
    u32::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_up_to_seconds() {
        assert_eq!(seconds("5s"), Some(5));
        assert_eq!(seconds("1m30s"), Some(90));
        assert_eq!(seconds("500ms"), Some(1));
        assert_eq!(seconds("10"), None);
        assert_eq!(seconds("3x"), None);
    }

    #[test]
    fn cmd_shell_runs_in_a_shell_and_none_disables() {
        let h = |test: StringOrList| Healthcheck {
            test,
            interval: Some("5s".into()),
            timeout: None,
            retries: Some(3),
            start_period: None,
        };
        let p = readiness(&h(StringOrList::Many(vec![
            "CMD-SHELL".into(),
            "pg_isready -U postgres".into(),
        ])))
        .unwrap();
        assert_eq!(p.exec.command, ["/bin/sh", "-c", "pg_isready -U postgres"]);
        assert_eq!((p.period_seconds, p.failure_threshold), (Some(5), Some(3)));
        let p = readiness(&h(StringOrList::Many(vec!["CMD".into(), "true".into()]))).unwrap();
        assert_eq!(p.exec.command, ["true"]);
        assert!(readiness(&h(StringOrList::Many(vec!["NONE".into()]))).is_none());
    }
}
