//! What a person sees while a file is checked or sent: an `indicatif` bar
//! on a terminal, or one plain line every few seconds for CI logs.
//!
//! The bar follows the bytes of the file read (the total is known without
//! a first pass over the file); its message carries the row counts and the
//! events per second, and `indicatif` works out the ETA.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// `--progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// A bar on a terminal, plain lines otherwise.
    Auto,
    /// Always the bar (if stderr is no terminal, `indicatif` draws nothing).
    Bar,
    /// One line every few seconds.
    Plain,
    /// Nothing until the summary.
    None,
}

/// How often `plain` prints a line.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(3);

/// A running progress display; [`Progress::finish`] stops it.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What the display shows at one moment.
pub struct Snapshot {
    /// Bytes of the input read.
    pub bytes: u64,
    /// The counts, e.g. `1,200 rows: 1,100 delivered, …`.
    pub message: String,
}

impl Progress {
    /// Starts showing progress. `total` is the input's size in bytes, if
    /// known; `snapshot` is called a few times a second.
    pub fn start(
        mode: Mode,
        total: Option<u64>,
        snapshot: impl Fn() -> Snapshot + Send + 'static,
    ) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let terminal = std::io::stderr().is_terminal();
        let thread = match (mode, terminal) {
            (Mode::None, _) => None,
            (Mode::Bar, _) | (Mode::Auto, true) => {
                let stop = Arc::clone(&stop);
                Some(std::thread::spawn(move || bar(total, &stop, snapshot)))
            }
            (Mode::Plain, _) | (Mode::Auto, false) => {
                let stop = Arc::clone(&stop);
                Some(std::thread::spawn(move || plain(total, &stop, snapshot)))
            }
        };
        Progress { stop, thread }
    }

    /// Stops the display and clears the bar.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn bar(total: Option<u64>, stop: &AtomicBool, snapshot: impl Fn() -> Snapshot) {
    let bar = match total {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{bar:28.cyan/blue} {percent:>3}% {msg} · {elapsed} elapsed, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {msg} · {elapsed} elapsed")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    while !stop.load(Ordering::SeqCst) {
        let s = snapshot();
        bar.set_position(s.bytes);
        bar.set_message(s.message);
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}

fn plain(total: Option<u64>, stop: &AtomicBool, snapshot: impl Fn() -> Snapshot) {
    let start = Instant::now();
    let mut next = start + PLAIN_INTERVAL;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
        if Instant::now() < next {
            continue;
        }
        next += PLAIN_INTERVAL;
        let s = snapshot();
        let done = match total {
            Some(t) if t > 0 => format!("{:.0}%", s.bytes as f64 * 100.0 / t as f64),
            _ => format!("{} bytes", s.bytes),
        };
        let _ = writeln!(
            std::io::stderr(),
            "progress: {done} of the input after {} s: {}",
            start.elapsed().as_secs(),
            s.message
        );
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
