//! # appsflyer-s2s-cli
//!
//! The `appsflyer-s2s` command line: check and send files of AppsFlyer S2S
//! events (CSV or NDJSON) with the `appsflyer-s2s` core, at AppsFlyer's
//! rate, resumable, with a progress bar and a report line for every row
//! that was not delivered. See `cli/README.md` for the interface.
//!
//! It is a thin layer: the core validates, normalizes, hashes and builds
//! each event ([`appsflyer_s2s::EventInput::from_value`]), assembles the
//! request ([`appsflyer_s2s::prepare`]), reads AppsFlyer's answer
//! (`classify_with_retry_after`) and says when to retry
//! ([`appsflyer_s2s::RetryPolicy`]). This crate reads rows, keeps the
//! journal and the report, paces and sends.
//!
//! ## Why each library
//!
//! - **clap** (derive): the subcommands, flags, `--help`, value checks and
//!   the usage errors (exit code 2) are declared once, on the structs in
//!   [`args`]; hand-parsed flags drift from their help text.
//! - **csv**: RFC 4180 parsing with quoted commas and newlines, CRLF and
//!   byte records (so invalid UTF-8 is one bad cell, not a failed file),
//!   with the line where each record starts. Its leniency about bad quoting
//!   is the one thing checked on top ([`rows::quoting_problem`]).
//! - **ureq** (with rustls): a blocking HTTP/1.1 client with a connection
//!   pool, per-phase timeouts and errors that say which phase failed, which
//!   is how a failure before sending (retry freely) is told from one after
//!   (ambiguous). Blocking threads fit a sender whose pace is set by a rate
//!   limiter: no async runtime is needed, and rustls means no system
//!   OpenSSL, so the binary is self-contained.
//! - **governor**: the GCRA rate limiter that keeps every one-second window
//!   of requests under `--rate`/60 × 1.01 (+ 1), retries included, across
//!   all workers.
//! - **indicatif**: the terminal progress bar (rate, ETA, redraws that do
//!   not fight with other output).
//! - **ctrlc**: SIGINT/SIGTERM handling on every platform, so the first
//!   Ctrl-C drains and the second exits at once.
//! - **rangemap**: the journal's per-row state on resume as line ranges, so
//!   remembering a million delivered rows takes one range, not a million
//!   entries: memory stays flat whatever the file size.
//! - **serde_json** and **sha2** (both already in the core): the journal
//!   and report lines, NDJSON rows, and the row hashes that detect a file
//!   changed between runs.
//!
//! The row reader ([`rows`]) is also used by the `rows` fuzz target.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod event;
pub mod journal;
pub mod report;
pub mod rows;

#[cfg(feature = "app")]
pub mod args;
#[cfg(feature = "app")]
pub mod cmd;
#[cfg(feature = "app")]
pub mod http;
#[cfg(feature = "app")]
pub mod input;
#[cfg(feature = "app")]
pub mod progress;
#[cfg(feature = "app")]
pub mod sender;
