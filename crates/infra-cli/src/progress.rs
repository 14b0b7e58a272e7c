//! Showing long work without drowning the output.
//!
//! On a terminal a spinner redraws one line and disappears when the work is done; in a log
//! (CI, a pipe) a spinner would write hundreds of lines, so one plain line is printed
//! instead. Silenced with `-q` and `--json`.

use std::io::Write as _;
use std::time::Duration;

/// A running piece of long work; finish it (or drop it) when done.
#[derive(Debug)]
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub(crate) fn start(message: &str, visible: bool, terminal: bool) -> Self {
        if !visible {
            return Self { bar: None };
        }
        if !terminal {
            let _ = writeln!(std::io::stderr().lock(), "{message}…");
            return Self { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Self { bar: Some(bar) }
    }

    /// A progress that shows nothing (for library calls made without a printer).
    pub fn hidden() -> Self {
        Self { bar: None }
    }

    /// Changes the message.
    pub fn set_message(&self, message: &str) {
        if let Some(b) = &self.bar {
            b.set_message(message.to_string());
        }
    }

    /// Runs `f` with the spinner hidden, so lines `f` prints are not overdrawn.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    /// Removes the spinner.
    pub fn finish(self) {
        drop(self);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
