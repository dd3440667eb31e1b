//! Reading a file of events row by row: CSV with a header, or NDJSON.
//!
//! A [`RowReader`] streams the input (memory stays flat whatever its size)
//! and gives, for every row, its line number in the file, a hash of its raw
//! bytes (for the journal's changed-file check) and either the event's
//! fields as a JSON object or what made the row unreadable. It never skips a
//! row silently: blank lines are the only lines that give no row.
//!
//! CSV is parsed by the `csv` crate, which is lenient: a stray quote in a
//! cell, text after a closing quote or a quote never closed are read as
//! *something*. Each of those is refused here instead ([`quoting_problem`]),
//! because a lenient reading would send a different value than the file
//! holds, or swallow the rows after an unclosed quote into one cell.

use std::io::{self, BufRead, BufReader, Read};

use appsflyer_s2s::json::{describe_json_error, parse_json};
use appsflyer_s2s::ErrorCode;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::report::RowError;

/// Rows longer than this (raw bytes) are reported without being parsed: an
/// event is at most 1,024 bytes on the wire, so such a row cannot be one.
/// It also bounds the memory an NDJSON line can take.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// The two file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header naming the fields.
    Csv,
    /// One JSON event object per line.
    Ndjson,
}

impl Format {
    /// The format a file name implies: `.csv` or `.ndjson`/`.jsonl`/`.json`.
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if [".ndjson", ".jsonl", ".json"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            Some(Format::Ndjson)
        } else {
            None
        }
    }

    /// `"csv"` or `"ndjson"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line of the file where the row starts (a CSV header is line 1).
    pub line: u64,
    /// The first 8 bytes of the SHA-256 of the row's raw bytes (without its
    /// line ending), or 0 when the reader was made without hashing.
    pub hash: u64,
    /// The row's own app id (an `app_id` column or key), overriding `--app-id`.
    pub app_id: Option<String>,
    /// The event's fields, or why the row could not be read as an event.
    pub event: Result<Map<String, Value>, Vec<RowError>>,
}

/// A problem that makes the whole input unusable (exit 2), as opposed to a
/// bad row, which is reported and skipped.
#[derive(Debug)]
pub enum ReadError {
    /// Reading failed (a file that vanished, a disk error).
    Io(io::Error),
    /// The CSV header cannot be used; the message names the column and the fix.
    Header(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read the input: {e}"),
            ReadError::Header(m) => f.write_str(m),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<csv::Error> for ReadError {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(e) => ReadError::Io(e),
            // With `flexible` and byte records, only I/O errors can happen.
            other => ReadError::Io(io::Error::other(format!("{other:?}"))),
        }
    }
}

/// `--map FIELD=COLUMN`: read the event field `FIELD` from the column `COLUMN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// The AppsFlyer (or raw PII) field name.
    pub field: String,
    /// The header's column name.
    pub column: String,
}

impl std::str::FromStr for ColumnMap {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((field, column)) if !field.is_empty() && !column.is_empty() => Ok(ColumnMap {
                field: field.to_string(),
                column: column.to_string(),
            }),
            _ => Err(format!(
                "expected FIELD=COLUMN (e.g. email=Email Address), got {s:?}"
            )),
        }
    }
}

/// Streams rows out of a CSV or NDJSON input.
pub struct RowReader<R: Read> {
    inner: Inner<R>,
    hash: bool,
    /// The 8-byte hash of the CSV header and the column mapping (0 for NDJSON):
    /// the journal refuses to resume when it differs.
    columns_hash: u64,
}

enum Inner<R: Read> {
    Csv(Box<CsvRows<R>>),
    Ndjson(NdjsonRows<R>),
}

impl<R: Read> RowReader<R> {
    /// A reader of `input` in `format`. For CSV the header is read now: an
    /// empty input, or a header that cannot be used, is a [`ReadError`].
    /// `hash` computes [`Row::hash`] (the journal needs it, `check` does not).
    pub fn new(
        input: R,
        format: Format,
        maps: &[ColumnMap],
        hash: bool,
    ) -> Result<Self, ReadError> {
        let (inner, columns_hash) = match format {
            Format::Csv => {
                let rows = CsvRows::new(input, maps)?;
                let h = rows.columns_hash;
                (Inner::Csv(Box::new(rows)), h)
            }
            Format::Ndjson => {
                if !maps.is_empty() {
                    return Err(ReadError::Header(
                        "--map renames CSV columns; NDJSON events use AppsFlyer's field names"
                            .into(),
                    ));
                }
                (Inner::Ndjson(NdjsonRows::new(input)), 0)
            }
        };
        Ok(RowReader {
            inner,
            hash,
            columns_hash,
        })
    }

    /// The hash of the CSV header and `--map`s (0 for NDJSON).
    pub fn columns_hash(&self) -> u64 {
        self.columns_hash
    }

    /// Bytes of the input read so far (for a progress bar).
    pub fn bytes_read(&self) -> u64 {
        match &self.inner {
            Inner::Csv(c) => c.reader.position().byte(),
            Inner::Ndjson(n) => n.offset,
        }
    }

    /// The next row, `None` at the end, or an I/O error.
    pub fn next_row(&mut self) -> Option<Result<Row, ReadError>> {
        let hash = self.hash;
        match &mut self.inner {
            Inner::Csv(c) => c.next_row(hash),
            Inner::Ndjson(n) => n.next_row(hash),
        }
    }
}

impl<R: Read> Iterator for RowReader<R> {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

/// The first 8 bytes of SHA-256, as the journal stores them.
pub fn short_hash(bytes: &[u8]) -> u64 {
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

fn error(field: &str, code: &'static str, message: impl Into<String>) -> RowError {
    RowError {
        field: field.to_string(),
        code,
        message: message.into(),
    }
}

// --- NDJSON -------------------------------------------------------------------

struct NdjsonRows<R: Read> {
    input: BufReader<R>,
    line: u64,
    offset: u64,
    buf: Vec<u8>,
}

impl<R: Read> NdjsonRows<R> {
    fn new(input: R) -> Self {
        NdjsonRows {
            input: BufReader::with_capacity(64 * 1024, input),
            line: 0,
            offset: 0,
            buf: Vec::new(),
        }
    }

    /// Reads one line into `buf`, keeping at most [`MAX_ROW_BYTES`] + 1 bytes
    /// of it; gives the line's full length, or `None` at the end.
    fn read_line(&mut self) -> io::Result<Option<usize>> {
        self.buf.clear();
        let mut total = 0usize;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok((total > 0).then_some(total));
            }
            let (take, done) = match memchr_newline(chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let room = (MAX_ROW_BYTES + 1).saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&chunk[..take.min(room)]);
            total += take;
            self.input.consume(take);
            if done {
                return Ok(Some(total));
            }
        }
    }

    fn next_row(&mut self, hash: bool) -> Option<Result<Row, ReadError>> {
        loop {
            let len = match self.read_line() {
                Ok(Some(len)) => len,
                Ok(None) => return None,
                Err(e) => return Some(Err(e.into())),
            };
            self.line += 1;
            let first = self.offset == 0;
            self.offset += len as u64;
            let mut raw: &[u8] = &self.buf;
            if raw.ends_with(b"\n") {
                raw = &raw[..raw.len() - 1];
            }
            if raw.ends_with(b"\r") {
                raw = &raw[..raw.len() - 1];
            }
            if first {
                raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            }
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let row_hash = if hash { short_hash(raw) } else { 0 };
            let line = self.line;
            let (app_id, event) = if len > MAX_ROW_BYTES {
                (None, Err(vec![too_large(len)]))
            } else {
                ndjson_event(raw)
            };
            return Some(Ok(Row {
                line,
                hash: row_hash,
                app_id,
                event,
            }));
        }
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

fn too_large(len: usize) -> RowError {
    error(
        "",
        "row_too_large",
        format!(
            "the row is {len} bytes: an event is at most 1,024 bytes on the wire, and rows over {MAX_ROW_BYTES} bytes are not read"
        ),
    )
}

type Event = (Option<String>, Result<Map<String, Value>, Vec<RowError>>);

fn ndjson_event(raw: &[u8]) -> Event {
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => {
            let message = format!(
                "the line is not valid UTF-8 (byte {} of the line): save the file as UTF-8",
                e.valid_up_to() + 1
            );
            return (None, Err(vec![error("", "invalid_utf8", message)]));
        }
    };
    let value = match parse_json(text) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("the line is not valid JSON: {}", describe_json_error(&e));
            return (
                None,
                Err(vec![error("", ErrorCode::InvalidJson.as_str(), message)]),
            );
        }
    };
    let mut map = match value {
        Value::Object(map) => map,
        other => {
            let message = format!(
                "the line is {}: each line must be one event, a JSON object",
                json_kind(&other)
            );
            return (
                None,
                Err(vec![error("", ErrorCode::InvalidJson.as_str(), message)]),
            );
        }
    };
    match map.remove("app_id") {
        None | Some(Value::Null) => (None, Ok(map)),
        Some(Value::String(s)) if s.is_empty() => (None, Ok(map)),
        Some(Value::String(s)) => (Some(s), Ok(map)),
        Some(other) => {
            let message = format!(
                "app_id must be a string (the app id as on the dashboard), not {}",
                json_kind(&other)
            );
            (
                None,
                Err(vec![error(
                    "app_id",
                    ErrorCode::WrongType.as_str(),
                    message,
                )]),
            )
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// --- CSV ----------------------------------------------------------------------

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// A top-level event field (AppsFlyer's name, or raw PII).
    Field(String),
    /// `eventValue.<key>`: that key of `eventValue`, as a string.
    EventValueKey(String),
    /// `app_id`: the row's app.
    AppId,
}

/// How a cell becomes a JSON value for the core, by the field's type in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Text,
    Boolean,
    Integer,
    /// `consent_data`, `app_set_id`: JSON in the cell.
    Object,
    /// `sharing_filter`: `all`, or a JSON array.
    AllOrList,
}

fn cell_kind(field: &str) -> Cell {
    match field {
        "aie" | "af_events_api" => Cell::Boolean,
        "att" => Cell::Integer,
        "consent_data" | "app_set_id" => Cell::Object,
        "sharing_filter" => Cell::AllOrList,
        _ => Cell::Text,
    }
}

/// Keeps every byte the CSV parser reads, so each record's raw bytes can be
/// hashed and checked for bad quoting; bytes before the current record are dropped.
///
/// It also numbers lines: the `csv` crate's own line count skips blank lines
/// and counts CRLF oddly, while a report must point at the file's real line.
struct Recording<R> {
    inner: R,
    buf: Vec<u8>,
    /// Bytes at the start of `buf` already dropped, removed in batches
    /// rather than moving the rest of the buffer after every record.
    dead: usize,
    /// Stream offset of `buf[dead]`.
    base: u64,
    /// Line breaks in the stream before `base`.
    lines: LineCount,
}

/// How many dropped bytes [`Recording`] keeps before removing them.
const DEAD_BYTES: usize = 64 * 1024;

/// Counts line breaks as the CSV reader ends records: `\r\n`, `\n` or a
/// lone `\r` (old Mac files) each end one line.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineCount {
    /// Line breaks seen.
    pub breaks: u64,
    after_cr: bool,
}

impl LineCount {
    /// Counts the breaks in `bytes`, continuing from what came before.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' => self.breaks += 1,
                b'\r' => {
                    self.breaks += 1;
                    self.after_cr = true;
                }
                _ => self.after_cr = false,
            }
        }
    }

    fn after(mut self, bytes: &[u8]) -> Self {
        self.feed(bytes);
        self
    }
}

impl<R: Read> Read for Recording<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

impl<R> Recording<R> {
    /// The bytes from `base` on.
    fn live(&self) -> &[u8] {
        &self.buf[self.dead.min(self.buf.len())..]
    }

    /// Index in [`Recording::live`] of a stream offset.
    fn index(&self, offset: u64) -> usize {
        usize::try_from(offset.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(self.live().len())
    }

    fn slice(&self, start: u64, end: u64) -> &[u8] {
        let (from, to) = (self.index(start), self.index(end));
        &self.live()[from.min(to)..to]
    }

    fn drop_before(&mut self, offset: u64) {
        let n = self.index(offset);
        let dead = self.dead;
        self.lines.feed(&self.buf[dead..dead + n]);
        self.base += n as u64;
        self.dead += n;
        if self.dead >= DEAD_BYTES {
            self.buf.drain(..self.dead);
            self.dead = 0;
        }
    }

    /// The record between `start` and `end` (as the parser reports them):
    /// its 1-based line, and its raw bytes without the blank lines before
    /// it and the line ending after it.
    fn record(&self, start: u64, end: u64) -> (u64, &[u8]) {
        let raw = self.slice(start, end);
        let lead = raw
            .iter()
            .take_while(|&&b| matches!(b, b'\n' | b'\r'))
            .count();
        let before = &self.live()[..self.index(start)];
        let line = 1 + self.lines.after(before).after(&raw[..lead]).breaks;
        (line, trim_record(&raw[lead..]))
    }
}

struct CsvRows<R: Read> {
    reader: csv::Reader<Recording<R>>,
    columns: Vec<Column>,
    /// Column names as written, for messages.
    names: Vec<String>,
    header_line: u64,
    columns_hash: u64,
    record: csv::ByteRecord,
}

impl<R: Read> CsvRows<R> {
    fn new(input: R, maps: &[ColumnMap]) -> Result<Self, ReadError> {
        let recording = Recording {
            inner: input,
            buf: Vec::new(),
            dead: 0,
            base: 0,
            lines: LineCount::default(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .buffer_capacity(64 * 1024)
            .has_headers(false)
            .flexible(true)
            .from_reader(recording);
        let mut header = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut header)? {
            return Err(ReadError::Header(
                "the file is empty: a CSV file starts with a header line naming the fields (e.g. appsflyer_id,eventName,email)".into(),
            ));
        }
        let start = header.position().map_or(0, |p| p.byte());
        let end = reader.position().byte();
        let (header_line, raw) = reader.get_ref().record(start, end);
        let raw = raw.to_vec();
        reader.get_mut().drop_before(end);
        let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw);
        if let Some(problem) = quoting_problem(raw, &[]) {
            return Err(ReadError::Header(format!(
                "the header (line {header_line}) is not valid CSV: {problem}"
            )));
        }
        let mut names = Vec::with_capacity(header.len());
        for (i, cell) in header.iter().enumerate() {
            let cell = if i == 0 {
                cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell)
            } else {
                cell
            };
            match std::str::from_utf8(cell) {
                Ok(name) => names.push(name.trim().to_string()),
                Err(_) => {
                    return Err(ReadError::Header(format!(
                        "the header (line {header_line}) is not valid UTF-8 in column {}: save the file as UTF-8",
                        i + 1
                    )))
                }
            }
        }
        let columns = plan_columns(&names, maps, header_line)?;
        let mut hashed = raw.to_vec();
        for m in maps {
            hashed.extend_from_slice(format!("\n{}={}", m.field, m.column).as_bytes());
        }
        Ok(CsvRows {
            reader,
            columns,
            names,
            header_line,
            columns_hash: short_hash(&hashed),
            record: csv::ByteRecord::new(),
        })
    }

    fn next_row(&mut self, hash: bool) -> Option<Result<Row, ReadError>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => return Some(Err(e.into())),
        }
        let start = self.record.position().map_or(0, |p| p.byte());
        let end = self.reader.position().byte();
        let (line, raw) = self.reader.get_ref().record(start, end);
        let row_hash = if hash { short_hash(raw) } else { 0 };
        let problem = if raw.len() > MAX_ROW_BYTES {
            Some(too_large(raw.len()))
        } else {
            quoting_problem(raw, &self.names).map(|p| {
                let last = line + LineCount::default().after(raw).breaks;
                let span = if last > line {
                    format!(" (the record runs from line {line} to line {last})")
                } else {
                    String::new()
                };
                error("", "invalid_csv", format!("{p}{span}"))
            })
        };
        let (app_id, event) = match problem {
            Some(e) => (None, Err(vec![e])),
            None => self.event(),
        };
        self.reader.get_mut().drop_before(end);
        Some(Ok(Row {
            line,
            hash: row_hash,
            app_id,
            event,
        }))
    }

    fn event(&self) -> Event {
        let record = &self.record;
        if record.len() != self.columns.len() {
            let message = format!(
                "the row has {} cells where the header (line {}) names {} columns: quote cells that hold a comma",
                record.len(),
                self.header_line,
                self.columns.len()
            );
            return (None, Err(vec![error("", "wrong_column_count", message)]));
        }
        let mut map = Map::new();
        let mut event_value = Map::new();
        let mut app_id = None;
        let mut errors = Vec::new();
        for (i, (cell, column)) in record.iter().zip(&self.columns).enumerate() {
            if cell.is_empty() {
                continue;
            }
            let field = match column {
                Column::Field(f) => f.as_str(),
                Column::EventValueKey(_) => "eventValue",
                Column::AppId => "app_id",
            };
            let text = match std::str::from_utf8(cell) {
                Ok(t) => t,
                Err(_) => {
                    let message = format!(
                        "the cell in column {} ({}) is not valid UTF-8: save the file as UTF-8",
                        i + 1,
                        self.names[i]
                    );
                    errors.push(error(field, "invalid_utf8", message));
                    continue;
                }
            };
            match column {
                Column::AppId => app_id = Some(text.to_string()),
                Column::EventValueKey(key) => {
                    event_value.insert(key.clone(), Value::String(text.to_string()));
                }
                Column::Field(field) => match cell_value(field, text) {
                    Ok(v) => {
                        map.insert(field.clone(), v);
                    }
                    Err(e) => errors.push(e),
                },
            }
        }
        if !event_value.is_empty() {
            if map.contains_key("eventValue") {
                errors.push(error(
                    "eventValue",
                    ErrorCode::ConflictingFields.as_str(),
                    "the row has both an eventValue cell and eventValue.<key> cells: use one or the other",
                ));
            } else {
                map.insert("eventValue".into(), Value::Object(event_value));
            }
        }
        if errors.is_empty() {
            (app_id, Ok(map))
        } else {
            (app_id, Err(errors))
        }
    }
}

/// A cell as the JSON value the core reads for `field`. Values that do not
/// fit are passed as text, so the core reports them with its own message.
fn cell_value(field: &str, text: &str) -> Result<Value, RowError> {
    Ok(match cell_kind(field) {
        Cell::Text => Value::String(text.to_string()),
        Cell::Boolean => match text.trim() {
            t if t.eq_ignore_ascii_case("true") => Value::Bool(true),
            t if t.eq_ignore_ascii_case("false") => Value::Bool(false),
            _ => Value::String(text.to_string()),
        },
        Cell::Integer => match text.trim().parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(text.to_string()),
        },
        Cell::AllOrList if !text.trim_start().starts_with('[') => Value::String(text.to_string()),
        Cell::Object if !text.trim_start().starts_with('{') => Value::String(text.to_string()),
        Cell::Object | Cell::AllOrList => parse_json(text).map_err(|e| {
            error(
                field,
                ErrorCode::InvalidJson.as_str(),
                format!(
                    "the {field} cell is not valid JSON: {}",
                    describe_json_error(&e)
                ),
            )
        })?,
    })
}

/// Which column feeds which field, from the header and the `--map`s.
fn plan_columns(
    names: &[String],
    maps: &[ColumnMap],
    header_line: u64,
) -> Result<Vec<Column>, ReadError> {
    let fail = |m: String| Err(ReadError::Header(m));
    for m in maps {
        if !names.iter().any(|n| n == &m.column) {
            return fail(format!(
                "--map {}={}: the header (line {header_line}) has no column named {:?}",
                m.field, m.column, m.column
            ));
        }
    }
    let mut columns = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let target = maps
            .iter()
            .rev()
            .find(|m| &m.column == name)
            .map_or(name.as_str(), |m| m.field.as_str());
        if target.is_empty() {
            return fail(format!(
                "column {} of the header (line {header_line}) has no name: every column names a field",
                i + 1
            ));
        }
        let column = if target == "app_id" {
            Column::AppId
        } else if let Some(key) = target.strip_prefix("eventValue.") {
            if key.is_empty() {
                return fail(format!(
                    "column {} ({name}) of the header names no eventValue key: write eventValue.<key>, e.g. eventValue.af_revenue",
                    i + 1
                ));
            }
            Column::EventValueKey(key.to_string())
        } else {
            Column::Field(target.to_string())
        };
        if let Some(j) = columns.iter().position(|c| c == &column) {
            return fail(format!(
                "columns {} ({}) and {} ({name}) of the header (line {header_line}) both give {target}: keep one, or rename one with --map",
                j + 1,
                names[j],
                i + 1
            ));
        }
        columns.push(column);
    }
    Ok(columns)
}

/// The record without the line ending(s) and blank lines after it.
fn trim_record(raw: &[u8]) -> &[u8] {
    let mut end = raw.len();
    while end > 0 && matches!(raw[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &raw[..end]
}

/// Checks one raw CSV record (line ending removed) against RFC 4180's
/// quoting: a cell is either unquoted and free of `"`, or quoted, with inner
/// quotes doubled and nothing after the closing quote. `names` are the
/// column names, for messages. Gives what is wrong, or `None`.
pub fn quoting_problem(raw: &[u8], names: &[String]) -> Option<String> {
    let column = |i: usize| match names.get(i) {
        Some(name) => format!("column {} ({name})", i + 1),
        None => format!("column {}", i + 1),
    };
    let mut i = 0;
    let mut cell = 0;
    loop {
        if raw.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match raw.get(i) {
                    None => {
                        return Some(format!(
                            "the quoted cell in {} is never closed: add the closing quote (\")",
                            column(cell)
                        ))
                    }
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            match raw.get(i) {
                None => return None,
                Some(b',') => {}
                Some(_) => {
                    return Some(format!(
                        "the quoted cell in {} has text after its closing quote: quote the whole cell, doubling the quotes inside (\"\")",
                        column(cell)
                    ))
                }
            }
        } else {
            while let Some(&b) = raw.get(i) {
                match b {
                    b',' => break,
                    b'"' => {
                        return Some(format!(
                            "the cell in {} holds a quote (\") but is not quoted: quote the cell and double the quote (\"\")",
                            column(cell)
                        ))
                    }
                    _ => i += 1,
                }
            }
            if i >= raw.len() {
                return None;
            }
        }
        // At a comma: the next cell.
        i += 1;
        cell += 1;
    }
}
