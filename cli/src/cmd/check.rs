//! `appsflyer-s2s check FILE`: validate and build every row, send nothing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use appsflyer_s2s::request::validate_app_id;

use super::{build_options, interrupt_flag, print_counts, Exit, Fatal};
use crate::args::CheckArgs;
use crate::event::build_row;
use crate::input::Input;
use crate::progress::{estimate_rows, thousands, Progress, Snapshot};
use crate::report::{Entry, ReportWriter, Status};
use crate::rows::RowReader;

#[derive(Default)]
struct Counts {
    rows: AtomicU64,
    invalid: AtomicU64,
    bytes: AtomicU64,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<Exit, Fatal> {
    let input = Input::new(&args.file.file, args.file.format.map(Into::into))?;
    let options = build_options(
        args.file.region.as_deref(),
        args.file.forward_unknown_fields,
    )?;
    if let Some(app_id) = &args.app_id {
        validate_app_id(app_id).map_err(|e| format!("--app-id: {}", e.message))?;
    }
    let mut rows = RowReader::new(input.open()?, input.format, &args.file.maps, false)
        .map_err(|e| format!("{}: {e}", input.name()))?;
    let mut report = match &args.file.report {
        Some(p) => Some(
            ReportWriter::create(p)
                .map_err(|e| format!("cannot write the report {}: {e}", p.display()))?,
        ),
        None => None,
    };
    let stop = interrupt_flag();
    let counts = Arc::new(Counts::default());
    let progress = {
        let counts = Arc::clone(&counts);
        let size = input.size();
        Progress::start(args.file.progress, move || {
            let rows = counts.rows.load(Ordering::Relaxed);
            let invalid = counts.invalid.load(Ordering::Relaxed);
            Snapshot {
                done: rows,
                total: estimate_rows(rows, counts.bytes.load(Ordering::Relaxed), size),
                message: format!(
                    "{} valid, {} invalid",
                    thousands(rows - invalid),
                    thousands(invalid)
                ),
            }
        })
    };
    let start = Instant::now();
    let (mut errors, mut warnings) = (BTreeMap::new(), BTreeMap::new());
    let (mut total, mut invalid) = (0u64, 0u64);
    let mut interrupted = false;
    while let Some(row) = rows.next_row() {
        let row = row.map_err(|e| format!("{}: {e}", input.name()))?;
        total += 1;
        let built = row
            .event
            .and_then(|fields| build_row(fields, row.app_id.as_deref(), &options));
        match built {
            Ok(event) => {
                for w in &event.warnings {
                    *warnings.entry(w.code.as_str()).or_insert(0u64) += 1;
                }
            }
            Err(row_errors) => {
                invalid += 1;
                for e in &row_errors {
                    *errors.entry(e.code).or_insert(0u64) += 1;
                }
                if let Some(report) = &mut report {
                    let entry = Entry {
                        line: row.line,
                        status: Status::Invalid,
                        errors: &row_errors,
                        upstream: None,
                    };
                    report
                        .write(&entry)
                        .map_err(|e| format!("cannot write the report: {e}"))?;
                }
            }
        }
        if total.is_multiple_of(1024) {
            counts.rows.store(total, Ordering::Relaxed);
            counts.invalid.store(invalid, Ordering::Relaxed);
            counts.bytes.store(rows.bytes_read(), Ordering::Relaxed);
            if stop.load(Ordering::SeqCst) {
                interrupted = true;
                break;
            }
        }
    }
    interrupted |= stop.load(Ordering::SeqCst);
    let secs = start.elapsed().as_secs_f64();
    progress.finish();
    if let Some(report) = &mut report {
        report
            .flush()
            .map_err(|e| format!("cannot write the report: {e}"))?;
    }
    eprintln!(
        "check: {} rows in {}: {} valid, {} invalid ({:.1} s, {} rows/s){}",
        thousands(total),
        input.name(),
        thousands(total - invalid),
        thousands(invalid),
        secs,
        thousands((total as f64 / secs.max(1e-9)) as u64),
        if interrupted {
            " — interrupted before the end of the file"
        } else {
            ""
        }
    );
    print_counts("errors by code:", &errors);
    print_counts("warnings by code (the events are still valid):", &warnings);
    if let (Some(path), Some(report)) = (&args.file.report, &report) {
        eprintln!(
            "report: {} ({} rows)",
            path.display(),
            thousands(report.entries())
        );
    }
    Ok(if interrupted {
        Exit::Interrupted
    } else if invalid == 0 {
        Exit::Done
    } else {
        Exit::NotAll
    })
}
