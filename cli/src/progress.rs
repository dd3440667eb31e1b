//! What a person sees while a file is checked or sent: an `indicatif` bar
//! on a terminal, or one plain line every few seconds for CI logs.
//!
//! The bar counts rows done (sent and settled, not merely read: the reader
//! runs ahead of the sender by a queue's length) out of the file's rows,
//! estimated from the bytes read so far until the whole file has been read
//! (no first pass over the file is needed). Its message carries the counts
//! and the events per second, and `indicatif` works out the ETA.

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
    /// Rows done.
    pub done: u64,
    /// Rows in the file, or an estimate of it; `None` when unknown (standard input).
    pub total: Option<u64>,
    /// The counts, e.g. `1,100 delivered, 3 rejected, …`.
    pub message: String,
}

/// The file's rows, estimated from the rows and bytes read so far (exact
/// once everything is read); `None` without a file size.
pub fn estimate_rows(rows_read: u64, bytes_read: u64, file_bytes: Option<u64>) -> Option<u64> {
    let file_bytes = file_bytes?;
    if bytes_read >= file_bytes {
        return Some(rows_read);
    }
    if bytes_read == 0 || rows_read == 0 {
        return None;
    }
    Some(((rows_read as f64) * (file_bytes as f64) / (bytes_read as f64)).round() as u64)
}

impl Progress {
    /// Starts showing progress. `total` is the input's size in bytes, if
    /// known; `snapshot` is called a few times a second.
    pub fn start(mode: Mode, snapshot: impl Fn() -> Snapshot + Send + 'static) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let terminal = std::io::stderr().is_terminal();
        let thread = match (mode, terminal) {
            (Mode::None, _) => None,
            (Mode::Bar, _) | (Mode::Auto, true) => {
                let stop = Arc::clone(&stop);
                Some(std::thread::spawn(move || bar(&stop, snapshot)))
            }
            (Mode::Plain, _) | (Mode::Auto, false) => {
                let stop = Arc::clone(&stop);
                Some(std::thread::spawn(move || plain(&stop, snapshot)))
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

fn bar(stop: &AtomicBool, snapshot: impl Fn() -> Snapshot) {
    let style = |template: &str| {
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
    };
    // The row counts are in the message, written in one piece, so they never
    // mix two moments (indicatif may redraw between two setters).
    let counted = style("{bar:24.cyan/blue} {percent:>3}% · {msg} · {elapsed}, ETA {eta}");
    let uncounted = style("{spinner} {msg} · {elapsed}");
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let mut counting = None;
    while !stop.load(Ordering::SeqCst) {
        let s = snapshot();
        if counting != Some(s.total.is_some()) {
            counting = Some(s.total.is_some());
            bar.set_style(if s.total.is_some() {
                counted.clone()
            } else {
                uncounted.clone()
            });
        }
        let rows = match s.total {
            Some(total) => format!(
                "{}/{} rows",
                thousands(s.done),
                thousands(total.max(s.done))
            ),
            None => format!("{} rows", thousands(s.done)),
        };
        bar.set_length(s.total.unwrap_or(0).max(s.done));
        bar.set_position(s.done);
        bar.set_message(format!("{rows} · {}", s.message));
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}

fn plain(stop: &AtomicBool, snapshot: impl Fn() -> Snapshot) {
    let start = Instant::now();
    let mut next = start + PLAIN_INTERVAL;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
        if Instant::now() < next {
            continue;
        }
        next += PLAIN_INTERVAL;
        let s = snapshot();
        let of = match s.total {
            Some(t) if t > 0 => format!(
                " of ~{} ({:.0}%)",
                thousands(t),
                s.done as f64 * 100.0 / t.max(s.done) as f64
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            std::io::stderr(),
            "progress: {} rows done{of} after {} s: {}",
            thousands(s.done),
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
