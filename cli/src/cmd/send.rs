//! `appsflyer-s2s send FILE --app-id ID`: send every row, resumably.
//!
//! Before anything is sent, everything that can be checked is: the key,
//! the app id, the endpoint (with the core's `prepare`), the region, the
//! file's header, and, when a journal exists, that it belongs to this file
//! and that the rows it knows are unchanged. Any problem there is exit 2
//! with nothing sent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use appsflyer_s2s::{prepare, FieldError, RetryPolicy};

use super::{build_options, interrupt_flag, print_counts, Exit, Fatal};
use crate::args::{Ambiguous, SendArgs};
use crate::event::build_row;
use crate::http::Transport;
use crate::input::Input;
use crate::journal::{Header, JournalWriter, Resume, State};
use crate::progress::{estimate_rows, thousands, Progress, Snapshot};
use crate::report::{Entry, ReportWriter, RowError, Status};
use crate::rows::RowReader;
use crate::sender::{Counters, Job, Plan, Sender, Sinks};

/// The environment variable holding the S2S key.
pub const KEY_ENV: &str = "APPSFLYER_S2S_KEY";

/// Runs `send`.
pub fn run(args: &SendArgs) -> Result<Exit, Fatal> {
    let input = Input::new(&args.file.file, args.file.format.map(Into::into))?;
    let options = build_options(
        args.file.region.as_deref(),
        args.file.forward_unknown_fields,
    )?;
    let key = match read_key(args.key_file.as_deref()) {
        Ok(key) => key,
        // A dry run checks everything but the key when there is none.
        Err(_) if args.dry_run => "dry-run-without-a-key".to_string(),
        Err(e) => return Err(e),
    };
    // The core checks the app id, the key and the endpoint (https, or http
    // to a loopback host only), each error naming its field.
    prepare(&args.app_id, &key, Some(&args.endpoint), String::new())
        .map_err(|e| configuration_error(e.errors()))?;
    if !(0.1..=600.0).contains(&args.timeout) {
        return Err("--timeout must be between 0.1 and 600 seconds".into());
    }

    let journal_path = match (&args.journal, &input.path) {
        (Some(p), _) => p.clone(),
        (None, Some(file)) => with_suffix(file, ".journal"),
        (None, None) => {
            return Err(
                "sending standard input needs --journal PATH (to resume if the run stops)".into(),
            )
        }
    };
    let mut rows = RowReader::new(input.open()?, input.format, &args.file.maps, true)
        .map_err(|e| format!("{}: {e}", input.name()))?;
    let header = Header::new(input.format.as_str(), rows.columns_hash(), &args.app_id);
    let resume = Resume::load(&journal_path, &header)?.unwrap_or_default();
    let hold = args.ambiguous == Ambiguous::Hold;
    if resume.rows() > 0 {
        if input.path.is_none() {
            return Err(format!(
                "the journal {} already has rows, and standard input cannot be checked against it: \
                 send the file by its path to resume, or give another --journal",
                journal_path.display()
            ));
        }
        verify(&input, args, &resume)?;
    }
    let report_path = match (&args.file.report, args.dry_run) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => Some(report_path_for(&journal_path)),
        (None, true) => None,
    };
    let mut report = match &report_path {
        Some(p) => Some(
            ReportWriter::create(p)
                .map_err(|e| format!("cannot write the report {}: {e}", p.display()))?,
        ),
        None => None,
    };
    if let Some(report) = &mut report {
        if resume.rows() > 0 {
            resume.copy_report(&journal_path, hold, report)?;
        }
    }

    let stop = interrupt_flag();
    let counters = Arc::new(Counters::default());
    let started = Instant::now();
    let progress = {
        let c = Arc::clone(&counters);
        let size = input.size();
        Progress::start(args.file.progress, move || {
            progress_snapshot(&c, size, started)
        })
    };
    let mut warnings: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut earlier = BTreeMap::<&'static str, u64>::new();

    let (sender, journal, report) = if args.dry_run {
        (None, None, report.map(|r| Arc::new(Mutex::new(r))))
    } else {
        let journal =
            Arc::new(JournalWriter::open(&journal_path, &header).map_err(|e| {
                format!("cannot write the journal {}: {e}", journal_path.display())
            })?);
        // Sending always has a report path (given or next to the journal).
        let report = report.ok_or("no report path to write to")?;
        let report = Arc::new(Mutex::new(report));
        let plan = Plan {
            rate_per_minute: args.rate,
            concurrency: usize::from(args.concurrency),
            hold,
            policy: RetryPolicy::default(),
        };
        let transport = Transport::new(
            Duration::from_secs_f64(args.timeout),
            usize::from(args.concurrency),
        );
        let sinks = Sinks {
            journal: Arc::clone(&journal),
            report: Arc::clone(&report),
            counters: Arc::clone(&counters),
            stop: Arc::clone(&stop),
        };
        (
            Some(Sender::start(plan, transport, sinks)),
            Some(journal),
            Some(report),
        )
    };

    let mut would_send = 0u64;
    let mut read_error = None;
    while let Some(row) = rows.next_row() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                read_error = Some(format!("{}: {e}", input.name()));
                stop.store(true, Ordering::SeqCst);
                break;
            }
        };
        counters.rows.fetch_add(1, Ordering::Relaxed);
        counters.bytes.store(rows.bytes_read(), Ordering::Relaxed);
        match resume.state(row.line) {
            Some(State::Delivered) => {
                *earlier.entry("delivered").or_default() += 1;
                counters.earlier.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Some(State::Rejected) => {
                *earlier.entry("rejected").or_default() += 1;
                counters.earlier.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Some(State::Invalid) => {
                *earlier.entry("invalid").or_default() += 1;
                counters.earlier.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Some(State::Ambiguous | State::Sending) if hold => {
                *earlier.entry("ambiguous").or_default() += 1;
                counters.earlier.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            _ => {}
        }
        let app_id = row.app_id.as_deref().unwrap_or(&args.app_id);
        let request = row
            .event
            .and_then(|fields| build_row(fields, row.app_id.as_deref(), &options))
            .and_then(|built| {
                for w in &built.warnings {
                    *warnings.entry(w.code.as_str()).or_default() += 1;
                }
                prepare(app_id, &key, Some(&args.endpoint), built.body)
                    .map_err(|e| e.into_errors().into_iter().map(RowError::from).collect())
            });
        let request = match request {
            Ok(r) => r,
            Err(errors) => {
                counters.invalid.fetch_add(1, Ordering::Relaxed);
                let written = journal
                    .as_ref()
                    .map_or(Ok(()), |j| {
                        j.record(row.line, row.hash, State::Invalid, &errors, None)
                    })
                    .and_then(|()| match &report {
                        Some(r) => r.lock().unwrap_or_else(|p| p.into_inner()).write(&Entry {
                            line: row.line,
                            status: Status::Invalid,
                            errors: &errors,
                            upstream: None,
                        }),
                        None => Ok(()),
                    });
                if let Err(e) = written {
                    read_error = Some(format!("cannot write the journal or report: {e}"));
                    stop.store(true, Ordering::SeqCst);
                    break;
                }
                continue;
            }
        };
        match &sender {
            Some(sender) => {
                if !sender.submit(Job::new(row.line, row.hash, request)) {
                    break;
                }
            }
            None => would_send += 1,
        }
    }
    if !stop.load(Ordering::SeqCst) {
        // Everything is read: the progress total is now exact.
        counters.bytes.store(u64::MAX, Ordering::Relaxed);
    }
    let finished = sender.map_or(Ok(()), Sender::finish);
    let interrupted = stop.load(Ordering::SeqCst) && read_error.is_none();
    progress.finish();
    if let Some(j) = &journal {
        let _ = j.sync();
    }
    if let Some(r) = &report {
        r.lock()
            .unwrap_or_else(|p| p.into_inner())
            .flush()
            .map_err(|e| format!("cannot write the report: {e}"))?;
    }
    if let Err(e) = finished {
        return Err(format!(
            "cannot write the journal or report: {e} (stopped; the journal holds every row sent so far)"
        ));
    }
    if let Some(e) = read_error {
        return Err(e);
    }

    let summary = Summary {
        input: &input,
        app_id: &args.app_id,
        counters: &counters,
        earlier: &earlier,
        elapsed: started.elapsed(),
        hold,
        interrupted,
        dry_run: args.dry_run.then_some(would_send),
    };
    let all_done = summary.print();
    print_counts("warnings by code (the events were still sent):", &warnings);
    if let (Some(path), Some(r)) = (&report_path, &report) {
        let n = r.lock().unwrap_or_else(|p| p.into_inner()).entries();
        eprintln!("report: {} ({} rows)", path.display(), thousands(n));
    }
    if !args.dry_run {
        eprintln!("journal: {}", journal_path.display());
    }
    Ok(if interrupted {
        Exit::Interrupted
    } else if all_done {
        Exit::Done
    } else {
        Exit::NotAll
    })
}

/// The S2S key from `--key-file` (one trailing newline dropped) or the environment.
fn read_key(key_file: Option<&Path>) -> Result<String, Fatal> {
    if let Some(path) = key_file {
        let mut key = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --key-file {}: {e}", path.display()))?;
        if key.ends_with("\r\n") {
            key.truncate(key.len() - 2);
        } else if key.ends_with('\n') {
            key.truncate(key.len() - 1);
        }
        return Ok(key);
    }
    match std::env::var(KEY_ENV) {
        Ok(key) => Ok(key),
        Err(std::env::VarError::NotPresent) => Err(format!(
            "no S2S key: set {KEY_ENV}, or give --key-file PATH (a file holding the key)"
        )),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "{KEY_ENV} is not valid UTF-8: S2S keys are plain ASCII"
        )),
    }
}

/// Words the core's errors about the configuration as the flags that set it.
fn configuration_error(errors: &[FieldError]) -> Fatal {
    errors
        .iter()
        .map(|e| {
            let flag = match e.field.as_str() {
                "app_id" => "--app-id",
                "endpoint" => "--endpoint",
                "s2s_key" => "the S2S key (APPSFLYER_S2S_KEY or --key-file)",
                other => other,
            };
            format!("{flag}: {}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks that the rows the journal knows are unchanged in the file.
fn verify(input: &Input, args: &SendArgs, resume: &Resume) -> Result<(), Fatal> {
    let rows = RowReader::new(input.open()?, input.format, &args.file.maps, true)
        .map_err(|e| format!("{}: {e}", input.name()))?;
    resume.verify(rows.map(|r| {
        r.map(|row| (row.line, row.hash))
            .map_err(|e| format!("{}: {e}", input.name()))
    }))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `events.csv.journal` → `events.csv.report.ndjson`.
fn report_path_for(journal: &Path) -> PathBuf {
    let s = journal.to_string_lossy();
    match s.strip_suffix(".journal") {
        Some(base) => PathBuf::from(format!("{base}.report.ndjson")),
        None => with_suffix(journal, ".report.ndjson"),
    }
}

fn progress_snapshot(c: &Counters, file_bytes: Option<u64>, started: Instant) -> Snapshot {
    let get = Counters::get;
    let delivered = get(&c.delivered);
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    let done = delivered
        + get(&c.rejected)
        + get(&c.invalid)
        + get(&c.failed)
        + get(&c.ambiguous)
        + get(&c.earlier);
    Snapshot {
        done,
        total: estimate_rows(get(&c.rows), get(&c.bytes), file_bytes),
        message: format!(
            "{} delivered, {} rejected, {} invalid, {} retrying, {} held · {} ev/s",
            thousands(delivered),
            thousands(get(&c.rejected)),
            thousands(get(&c.invalid)),
            thousands(get(&c.retrying)),
            thousands(get(&c.ambiguous)),
            thousands((delivered as f64 / secs) as u64),
        ),
    }
}

struct Summary<'a> {
    input: &'a Input,
    app_id: &'a str,
    counters: &'a Counters,
    earlier: &'a BTreeMap<&'static str, u64>,
    elapsed: Duration,
    hold: bool,
    interrupted: bool,
    dry_run: Option<u64>,
}

impl Summary<'_> {
    /// Prints the summary; gives whether every row was delivered.
    fn print(&self) -> bool {
        let get = Counters::get;
        let c = self.counters;
        let before = |k: &str| self.earlier.get(k).copied().unwrap_or(0);
        let rows = get(&c.rows);
        let secs = self.elapsed.as_secs_f64();
        if let Some(would_send) = self.dry_run {
            eprintln!(
                "send --dry-run: {} rows of {} for {}: {} would be sent, {} invalid, {} already done or held by the journal; nothing was sent",
                thousands(rows),
                self.input.name(),
                self.app_id,
                thousands(would_send),
                thousands(get(&c.invalid)),
                thousands(get(&c.earlier)),
            );
            return would_send + before("delivered") == rows;
        }
        let delivered = get(&c.delivered) + before("delivered");
        let rejected = get(&c.rejected) + before("rejected");
        let invalid = get(&c.invalid) + before("invalid");
        let ambiguous = get(&c.ambiguous) + before("ambiguous");
        let failed = get(&c.failed);
        let not_sent = rows.saturating_sub(delivered + rejected + invalid + ambiguous + failed);
        eprintln!(
            "send: {} rows {}of {} to {} in {:.1} s ({} requests, {} events/s delivered in this run)",
            thousands(rows),
            if self.interrupted { "read " } else { "" },
            self.input.name(),
            self.app_id,
            secs,
            thousands(get(&c.requests)),
            thousands((get(&c.delivered) as f64 / secs.max(1e-3)) as u64),
        );
        let line = |name: &str, n: u64, note: &str| {
            if n > 0 || name == "delivered" {
                eprintln!("  {name:<10} {:>10}{note}", thousands(n));
            }
        };
        let earlier = get(&c.earlier);
        line(
            "delivered",
            delivered,
            &if earlier > 0 {
                format!("  ({} in earlier runs)", thousands(before("delivered")))
            } else {
                String::new()
            },
        );
        line(
            "rejected",
            rejected,
            "  refused by AppsFlyer (4xx): see the report; never sent again",
        );
        line("invalid", invalid, "  not valid events: see the report");
        line(
            "ambiguous",
            ambiguous,
            if self.hold {
                "  may have been recorded: held, not sent again (--ambiguous retry sends them)"
            } else {
                "  may have been recorded; the next run sends them again"
            },
        );
        line(
            "failed",
            failed,
            "  not delivered after the retries: run the same command again",
        );
        line(
            "not sent",
            not_sent,
            "  not reached: run the same command again to resume",
        );
        if self.interrupted {
            eprintln!("interrupted: run the same command again to resume");
        }
        delivered == rows
    }
}
