//! One module per subcommand, each a thin layer over the core and the
//! row, journal and sender modules.

pub mod build;
pub mod check;
pub mod hash;
pub mod send;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use appsflyer_s2s::{phone, BuildOptions};

use crate::progress::thousands;

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: every row delivered (or valid, for `check`).
    Done,
    /// 1: some row was not.
    NotAll,
    /// 130: interrupted (Ctrl-C).
    Interrupted,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::NotAll => 1,
            Exit::Interrupted => 130,
        }
    }
}

/// A usage, configuration or I/O error: printed as `error: …`, exit code 2.
pub type Fatal = String;

/// Build options from `--region` (checked up front: a wrong region is a
/// configuration error, not a problem of every row) and
/// `--forward-unknown-fields`.
pub fn build_options(region: Option<&str>, forward_unknown: bool) -> Result<BuildOptions, Fatal> {
    let options = BuildOptions::new().forward_unknown_fields(forward_unknown);
    match region {
        None => Ok(options),
        Some(r) if phone::is_known_region(r) => Ok(options.default_region(r)),
        Some(r) => Err(format!(
            "--region {r:?} is not an ISO 3166-1 alpha-2 region with phone numbers (e.g. US, GB, DE)"
        )),
    }
}

/// The flag set by the first Ctrl-C (or SIGTERM): stop taking rows, finish
/// what is in flight, print the summary, exit 130. A second one exits at
/// once with 130; the journal stays consistent because every record is
/// written whole before the step it records.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let presses = AtomicUsize::new(0);
        let set = Arc::clone(&flag);
        let installed = ctrlc::set_handler(move || {
            if presses.fetch_add(1, Ordering::SeqCst) == 0 {
                set.store(true, Ordering::SeqCst);
                eprintln!("\ninterrupted: finishing the requests in flight (Ctrl-C again to stop at once)");
            } else {
                std::process::exit(130);
            }
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C cannot be handled gracefully: {e}");
        }
        flag
    })
    .clone()
}

/// Prints `counts` (code → number) as an indented table under `title`.
pub fn print_counts(title: &str, counts: &BTreeMap<&'static str, u64>) {
    if counts.is_empty() {
        return;
    }
    eprintln!("{title}");
    let width = counts.keys().map(|k| k.len()).max().unwrap_or(0);
    let mut sorted: Vec<_> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (code, n) in sorted {
        eprintln!("  {code:<width$}  {:>9}", thousands(*n));
    }
}
