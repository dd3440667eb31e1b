//! The command line's interface, declared with `clap`'s derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::progress;
use crate::rows::{ColumnMap, Format};

const AFTER_HELP: &str = "\
Exit codes: 0 every row delivered (valid, for check); 1 some row not; \
2 usage, configuration or I/O error (nothing sent); 130 interrupted.

The S2S key comes from APPSFLYER_S2S_KEY or --key-file, never from a flag, and is never printed.";

/// Check and send files of AppsFlyer S2S events: validated, normalized and
/// hashed by the appsflyer-s2s core, sent at AppsFlyer's rate, resumable,
/// with a report line for every row that was not delivered.
#[derive(Debug, Parser)]
#[command(name = "appsflyer-s2s", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate and build every row, send nothing; write the invalid rows to --report.
    Check(CheckArgs),
    /// Send every row to AppsFlyer; running it again resumes from the journal.
    Send(SendArgs),
    /// Print the SHA-256 AppsFlyer expects for one value (normalized first).
    Hash(HashArgs),
    /// Read one event as JSON on standard input, print the exact body AppsFlyer would get.
    Build(BuildArgs),
}

/// What every file-reading subcommand takes.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The file of events (.csv, .ndjson or .jsonl), or - for standard input (with --format).
    #[arg(value_name = "FILE")]
    pub file: String,
    /// The file's format, when its extension does not say it.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Default region (ISO 3166-1 alpha-2, e.g. US) for phone numbers written without a country code.
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
    /// Read the event field FIELD from the CSV column COLUMN (repeatable), e.g. --map email="E-mail".
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub maps: Vec<ColumnMap>,
    /// Send fields AppsFlyer does not name unchanged, instead of refusing the row
    /// (personal data under any name is still refused).
    #[arg(long)]
    pub forward_unknown_fields: bool,
    /// Where to write one NDJSON line per row that was not delivered (or not valid).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// How to show progress: a bar on a terminal, else one line every few seconds.
    #[arg(long, value_enum, default_value_t = progress::Mode::Auto)]
    pub progress: progress::Mode,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated, with a header line naming the fields.
    Csv,
    /// One JSON event object per line.
    Ndjson,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Ndjson => Format::Ndjson,
        }
    }
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The file and how to read it.
    #[command(flatten)]
    pub file: FileArgs,
    /// The app the events are for, checked with them (rows with an app_id column override it).
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
}

/// `--ambiguous`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ambiguous {
    /// Never send a possibly recorded row again; report it as ambiguous.
    Hold,
    /// Send it again (AppsFlyer may then count it twice).
    Retry,
}

/// `send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The file and how to read it.
    #[command(flatten)]
    pub file: FileArgs,
    /// The app id as on the AppsFlyer dashboard (iOS: id123456789); an app_id column overrides it per row.
    #[arg(long, value_name = "ID")]
    pub app_id: String,
    /// Base URL of the Send Event API: https, or http to a loopback host for a local stand-in.
    #[arg(long, value_name = "URL", default_value = appsflyer_s2s::DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// Events per minute, retries included (AppsFlyer allows about 60,000).
    #[arg(long, value_name = "N", default_value_t = 50_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub rate: u32,
    /// Requests in flight at once; needed ≈ rate/60 × AppsFlyer's latency in seconds.
    #[arg(long, value_name = "N", default_value_t = 128, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Where to record what became of each row (default FILE.journal).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// A row that may have been recorded (timeout or reset after sending): hold it, or send it again.
    #[arg(long, value_enum, default_value_t = Ambiguous::Hold)]
    pub ambiguous: Ambiguous,
    /// Seconds one attempt may take, connecting included.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Read the S2S key from this file (one trailing newline is dropped) instead of APPSFLYER_S2S_KEY.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Check every row and the configuration, send nothing, touch no journal.
    #[arg(long)]
    pub dry_run: bool,
}

/// What `hash` normalizes a value as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HashKind {
    /// email_hashed: trimmed, lowercased.
    Email,
    /// first_name_hashed / last_name_hashed: NFC, trimmed, lowercased.
    Name,
    /// phone_number_hashed: digits with the country code (16505551212).
    Phone,
    /// phone_number_e164_hashed: E.164 (+16505551212).
    #[value(name = "phone-e164")]
    PhoneE164,
}

/// `hash`.
#[derive(Debug, Args)]
pub struct HashArgs {
    /// How to normalize the value.
    #[arg(value_enum)]
    pub kind: HashKind,
    /// The value, or - to read one line from standard input (keeps PII out of shell history).
    pub value: String,
    /// Default region for national phone numbers (e.g. US).
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
}

/// `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Default region for national phone numbers (e.g. US).
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
    /// The app the event is for, checked with it.
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
    /// Send fields AppsFlyer does not name unchanged, instead of refusing the event.
    #[arg(long)]
    pub forward_unknown_fields: bool,
}
