//! The journal: what became of each row, so that running the same command
//! again resumes instead of sending rows twice.
//!
//! An append-only NDJSON file. The first line names the input it belongs to;
//! then one line per state change of a row, each written with a single
//! `write` before the next step (so a killed process leaves whole lines):
//!
//! ```text
//! {"journal":"appsflyer-s2s","version":1,"format":"csv","columns":"9f2c…","app_id":"com.example.app"}
//! {"line":2,"hash":"5d1e…","state":"sending"}
//! {"line":2,"hash":"5d1e…","state":"delivered"}
//! {"line":3,"hash":"77a0…","state":"invalid","errors":[…]}
//! ```
//!
//! `sending` is written before a request leaves and the outcome after it: a
//! row whose last state is `sending` was in flight when the process died,
//! so it may have been recorded by AppsFlyer (ambiguous).
//!
//! On resume the journal is read once into a map from line ranges to their
//! last state ([`rangemap`] merges neighbouring lines in the same state, so a
//! million delivered rows are one entry), and the file is checked against
//! it: the rows the journal knows must still hash the same, or the run is
//! refused (a changed file would be sent under the wrong line numbers).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use rangemap::RangeInclusiveMap;
use serde::{Deserialize, Serialize};

use crate::report::{ReportWriter, RowError, Status, Upstream};

/// The last known state of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Sent (or about to be): no answer recorded yet.
    Sending,
    /// AppsFlyer answered 2xx.
    Delivered,
    /// AppsFlyer refused it (4xx).
    Rejected,
    /// Not a valid event.
    Invalid,
    /// Not delivered, and safe to send again.
    Failed,
    /// May have been recorded: a timeout or reset after it was sent.
    Ambiguous,
}

/// What a journal belongs to: a run may only resume a journal of the same input and app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always `"appsflyer-s2s"`.
    pub journal: String,
    /// Format version, 1.
    pub version: u32,
    /// `"csv"` or `"ndjson"`.
    pub format: String,
    /// Hash of the CSV header and `--map`s, 16 hex digits (`0…` for NDJSON).
    pub columns: String,
    /// `--app-id`.
    pub app_id: String,
}

impl Header {
    /// The header for an input.
    pub fn new(format: &str, columns_hash: u64, app_id: &str) -> Self {
        Header {
            journal: "appsflyer-s2s".into(),
            version: 1,
            format: format.into(),
            columns: hex(columns_hash),
            app_id: app_id.into(),
        }
    }
}

fn hex(n: u64) -> String {
    format!("{n:016x}")
}

#[derive(Deserialize)]
struct RecordIn {
    line: u64,
    hash: String,
    state: State,
}

/// A report error as the journal stores it (field order kept for the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ErrorIn {
    field: String,
    code: String,
    message: String,
}

#[derive(Deserialize)]
struct DetailIn {
    line: u64,
    state: State,
    #[serde(default)]
    errors: Vec<ErrorIn>,
    #[serde(default)]
    upstream: Option<Upstream>,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    line: u64,
    hash: String,
    state: State,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [RowError],
    #[serde(skip_serializing_if = "Option::is_none")]
    upstream: Option<&'a Upstream>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    line: u64,
    status: Status,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ErrorIn],
    #[serde(skip_serializing_if = "Option::is_none")]
    upstream: Option<&'a Upstream>,
}

/// The last state of every row a journal knows, and a digest of their hashes.
#[derive(Debug, Default)]
pub struct Resume {
    states: RangeInclusiveMap<u64, State>,
    /// Wrapping sum of `mix(line, hash)` over the rows known (each once).
    digest: u64,
    rows: u64,
}

/// Mixes a line number and a row hash into one 64-bit value (splitmix64),
/// so that the sum over rows changes if any row or line changes.
fn mix(line: u64, hash: u64) -> u64 {
    fn splitmix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    splitmix(hash ^ splitmix(line))
}

impl Resume {
    /// Reads the journal at `path`: `Ok(None)` if there is none (or it is
    /// empty); an error (for people) if it is unreadable or belongs to
    /// another input or app.
    pub fn load(path: &Path, expected: &Header) -> Result<Option<Resume>, String> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the journal {}: {e}", path.display())),
        };
        let mut lines = BufReader::new(file).lines();
        let first = match lines.next() {
            None => return Ok(None),
            Some(Ok(l)) if l.trim().is_empty() => return Ok(None),
            Some(Ok(l)) => l,
            Some(Err(e)) => return Err(format!("cannot read the journal {}: {e}", path.display())),
        };
        let header: Header = serde_json::from_str(&first).map_err(|_| {
            format!(
                "{} is not a journal of appsflyer-s2s: give another --journal path",
                path.display()
            )
        })?;
        if header.journal != "appsflyer-s2s" || header.version != 1 {
            return Err(format!(
                "{} is not a version 1 journal of appsflyer-s2s",
                path.display()
            ));
        }
        if header.format != expected.format || header.columns != expected.columns {
            return Err(format!(
                "the journal {} was written for a file with other columns (or another format or --map): \
                 resuming would match rows wrongly; give another --journal path to send this file from the start",
                path.display()
            ));
        }
        if header.app_id != expected.app_id {
            return Err(format!(
                "the journal {} was written for --app-id {}, not {}: give another --journal path to send to this app",
                path.display(),
                header.app_id,
                expected.app_id
            ));
        }
        let mut resume = Resume::default();
        for (n, line) in lines.enumerate() {
            let line =
                line.map_err(|e| format!("cannot read the journal {}: {e}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let record: RecordIn = match serde_json::from_str(&line) {
                Ok(r) => r,
                // A last line cut short by a crash: ignore it (its row is in
                // the state of the line before, which is the safe side).
                Err(e) if e.is_eof() => continue,
                Err(_) => {
                    return Err(format!(
                        "line {} of the journal {} is damaged: it cannot be resumed safely",
                        n + 2,
                        path.display()
                    ))
                }
            };
            let hash = u64::from_str_radix(&record.hash, 16).map_err(|_| {
                format!(
                    "line {} of the journal {} has a damaged hash",
                    n + 2,
                    path.display()
                )
            })?;
            if resume.states.get(&record.line).is_none() {
                resume.digest = resume.digest.wrapping_add(mix(record.line, hash));
                resume.rows += 1;
            }
            resume
                .states
                .insert(record.line..=record.line, record.state);
        }
        Ok(Some(resume))
    }

    /// The last state of the row at `line`, if the journal knows it.
    pub fn state(&self, line: u64) -> Option<State> {
        self.states.get(&line).copied()
    }

    /// How many rows the journal knows.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Checks the file's rows against the journal: `rows` gives every row's
    /// (line, hash). Fails if a row the journal knows changed or is gone.
    pub fn verify(
        &self,
        rows: impl Iterator<Item = Result<(u64, u64), String>>,
    ) -> Result<(), String> {
        let (mut digest, mut seen) = (0u64, 0u64);
        for row in rows {
            let (line, hash) = row?;
            if self.states.contains_key(&line) {
                digest = digest.wrapping_add(mix(line, hash));
                seen += 1;
            }
        }
        if seen != self.rows || digest != self.digest {
            return Err(format!(
                "the file has changed since the journal was written: of the {} rows already sent or checked, \
                 some are no longer the same (or no longer at the same line). Resuming would skip or repeat the wrong rows; \
                 restore the file, or give another --journal path to send it as a new file",
                self.rows
            ));
        }
        Ok(())
    }

    /// Counts of rows by last state.
    pub fn count(&self, state: State) -> u64 {
        self.states
            .iter()
            .filter(|(_, s)| **s == state)
            .map(|(r, _)| r.end() - r.start() + 1)
            .sum()
    }

    /// Copies into `report` the entries of rows this run will not send
    /// again: those whose last state is invalid or rejected, and, when
    /// `hold` is set, ambiguous or in flight. Reads the journal a second time
    /// so that no entry is kept in memory.
    pub fn copy_report(
        &self,
        journal: &Path,
        hold: bool,
        report: &mut ReportWriter,
    ) -> Result<(), String> {
        let held = |s: State| {
            matches!(s, State::Invalid | State::Rejected)
                || (hold && matches!(s, State::Ambiguous | State::Sending))
        };
        let mut copied: rangemap::RangeInclusiveSet<u64> = rangemap::RangeInclusiveSet::new();
        let file = File::open(journal)
            .map_err(|e| format!("cannot read the journal {}: {e}", journal.display()))?;
        let io_err = |e: io::Error| format!("cannot write the report: {e}");
        for line in BufReader::new(file).lines().skip(1) {
            let line = line.map_err(|e| format!("cannot read the journal: {e}"))?;
            let Ok(record) = serde_json::from_str::<DetailIn>(&line) else {
                continue;
            };
            let last = self.state(record.line);
            if record.state == State::Sending
                || Some(record.state) != last
                || !held(record.state)
                || copied.contains(&record.line)
            {
                continue;
            }
            copied.insert(record.line..=record.line);
            let status = match record.state {
                State::Invalid => Status::Invalid,
                State::Rejected => Status::Rejected,
                _ => Status::Ambiguous,
            };
            let entry = EntryOut {
                line: record.line,
                status,
                errors: &record.errors,
                upstream: record.upstream.as_ref(),
            };
            let text = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
            report.write_raw(&text).map_err(io_err)?;
        }
        if hold {
            // Rows in flight when a run died have no outcome record to copy.
            let error = [ErrorIn {
                field: String::new(),
                code: "in_flight".into(),
                message: in_flight_message().into(),
            }];
            for (range, state) in self.states.iter() {
                if *state != State::Sending {
                    continue;
                }
                for line in range.clone() {
                    let entry = EntryOut {
                        line,
                        status: Status::Ambiguous,
                        errors: &error,
                        upstream: None,
                    };
                    let text = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
                    report.write_raw(&text).map_err(io_err)?;
                }
            }
        }
        Ok(())
    }
}

/// Why a row in flight when a run stopped is held.
pub fn in_flight_message() -> &'static str {
    "the row was being sent when an earlier run stopped: AppsFlyer may have recorded it and does not \
     deduplicate, so it is not sent again (--ambiguous retry sends it again)"
}

/// Appends records to the journal.
pub struct JournalWriter {
    file: Mutex<File>,
}

impl JournalWriter {
    /// Opens the journal for appending, writing `header` if it is new or empty.
    pub fn open(path: &Path, header: &Header) -> io::Result<Self> {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        let len = file.metadata()?.len();
        if len == 0 {
            let mut line = serde_json::to_vec(header)?;
            line.push(b'\n');
            file.write_all(&line)?;
        } else {
            // A last line cut short (a full disk, a crash mid-write) stays a
            // line of its own, which `Resume::load` skips, instead of
            // swallowing the first record of this run.
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        Ok(JournalWriter {
            file: Mutex::new(file),
        })
    }

    /// Appends one record with a single write, so a killed process leaves whole lines.
    pub fn record(
        &self,
        line: u64,
        hash: u64,
        state: State,
        errors: &[RowError],
        upstream: Option<&Upstream>,
    ) -> io::Result<()> {
        let record = RecordOut {
            line,
            hash: hex(hash),
            state,
            errors,
            upstream,
        };
        let mut bytes = serde_json::to_vec(&record)?;
        bytes.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&bytes)
    }

    /// Forces the records to disk (the process being killed loses nothing
    /// already written; this is for the machine going down).
    pub fn sync(&self) -> io::Result<()> {
        self.file
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .sync_data()
    }
}
