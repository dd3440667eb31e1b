//! The report: one NDJSON line per row that was not delivered (or, for
//! `check`, not valid).
//!
//! ```text
//! {"line":7,"status":"invalid","errors":[{"field":"phone_number","code":"invalid_phone","message":"…"}]}
//! {"line":9,"status":"rejected","upstream":{"status":400,"body":"appsflyer_id is a mandatory field"}}
//! ```
//!
//! Entries carry the core's messages, which never hold a raw value, and
//! AppsFlyer's answer; never the row itself, so no raw PII reaches the
//! report, and never the S2S key.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use appsflyer_s2s::{FieldError, Warning};
use serde::{Deserialize, Serialize};

/// One problem with one row: `field` is the AppsFlyer name or path (`""`
/// for the whole row), `code` a stable snake_case code (the core's, or one
/// of the command line's own: `invalid_csv`, `invalid_utf8`,
/// `wrong_column_count`, `row_too_large`, `timeout`, `connection_reset`,
/// `network_error`, `in_flight`, `interrupted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The field, by AppsFlyer name, or `""` for the row.
    pub field: String,
    /// Stable code.
    pub code: &'static str,
    /// What is wrong and how to fix it; never a raw value.
    pub message: String,
}

impl From<FieldError> for RowError {
    fn from(e: FieldError) -> Self {
        RowError {
            field: e.field,
            code: e.code.as_str(),
            message: e.message,
        }
    }
}

impl From<&Warning> for RowError {
    fn from(w: &Warning) -> Self {
        RowError {
            field: w.field.clone(),
            code: w.code.as_str(),
            message: w.message.clone(),
        }
    }
}

/// What became of a row that was not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The row is not a valid event; nothing was sent.
    Invalid,
    /// AppsFlyer refused it (4xx); never sent again.
    Rejected,
    /// Transient failures until the retry policy gave up, or a failure before
    /// anything was sent; the next run sends it again.
    Failed,
    /// It may or may not have been recorded (a timeout or reset after it was
    /// sent, or in flight when the process died).
    Ambiguous,
}

impl Status {
    /// `"invalid"`, `"rejected"`, `"failed"` or `"ambiguous"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Invalid => "invalid",
            Status::Rejected => "rejected",
            Status::Failed => "failed",
            Status::Ambiguous => "ambiguous",
        }
    }
}

/// AppsFlyer's answer to the last attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upstream {
    /// The HTTP status.
    pub status: u16,
    /// The body, tidied and bounded by the core (`Outcome::reason`).
    pub body: String,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry<'a> {
    /// Where the row starts in the file (the CSV header is line 1).
    pub line: u64,
    /// Why it was not delivered.
    pub status: Status,
    /// The problems found, when there are any.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: &'a [RowError],
    /// AppsFlyer's answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream: Option<&'a Upstream>,
}

/// Writes report lines to a file.
pub struct ReportWriter {
    out: BufWriter<File>,
    entries: u64,
}

impl ReportWriter {
    /// Creates (or empties) the report file.
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(ReportWriter {
            out: BufWriter::new(File::create(path)?),
            entries: 0,
        })
    }

    /// Appends one entry.
    pub fn write(&mut self, entry: &Entry<'_>) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, entry)?;
        self.out.write_all(b"\n")?;
        self.entries += 1;
        Ok(())
    }

    /// Appends a line already in the report format (copied from the journal).
    pub fn write_raw(&mut self, line: &str) -> io::Result<()> {
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.entries += 1;
        Ok(())
    }

    /// Lines written so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Flushes to the file.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
