//! Progress on standard error for long runs: at most once a second, when
//! standard error is a terminal or `--progress` asks for it (a log file
//! then gets one line per report; a terminal one line rewritten in place).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub struct Progress {
    enabled: bool,
    terminal: bool,
    verb: &'static str,
    started: Instant,
    last: Instant,
    shown: bool,
}

const EVERY: Duration = Duration::from_secs(1);

impl Progress {
    pub fn new(verb: &'static str, asked: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let now = Instant::now();
        Progress {
            enabled: asked || terminal,
            terminal,
            verb,
            started: now,
            last: now,
            shown: false,
        }
    }

    /// Called after each document; cheap when nothing is due.
    pub fn tick(&mut self, documents: usize, bytes: u64) {
        if !self.enabled || self.last.elapsed() < EVERY {
            return;
        }
        self.last = Instant::now();
        self.shown = true;
        let line = self.line(documents, bytes);
        if self.terminal {
            eprint!("\r{line}\x1b[K");
        } else {
            eprintln!("{line}");
        }
    }

    /// Ends a rewritten line so that the summary starts on its own.
    pub fn finish(&mut self) {
        if self.shown && self.terminal {
            eprintln!();
        }
    }

    fn line(&self, documents: usize, bytes: u64) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let mb = bytes as f64 / 1_048_576.0;
        format!(
            "{}: {documents} documents, {mb:.1} MB read ({:.1} MB/s)",
            self.verb,
            mb / secs
        )
    }
}
