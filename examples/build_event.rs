//! Builds one AppsFlyer S2S event from JSON and prints what would be sent.
//!
//! ```text
//! cargo run --example build_event -- '{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase","email":"John_Smith@gmail.com"}' US
//! echo '{…}' | cargo run --example build_event -- - US
//! ```
//!
//! Prints the exact body, its size and the warnings; or every error with its
//! field and code, and exits 1.

use std::io::Read;
use std::process::ExitCode;

use appsflyer_s2s::{validate_event_json, BuildOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut body = args.next().unwrap_or_else(|| "-".to_string());
    if body == "-" {
        body.clear();
        if let Err(e) = std::io::stdin().read_to_string(&mut body) {
            eprintln!("cannot read the event from standard input: {e}");
            return ExitCode::FAILURE;
        }
    }
    let options = match args.next() {
        Some(region) => BuildOptions::new().default_region(region),
        None => BuildOptions::new(),
    };
    let report = validate_event_json(&body, &options);
    for w in &report.warnings {
        eprintln!("warning: {}: {}: {}", w.field, w.code, w.message);
    }
    match report.event {
        Some(built) => {
            println!("{}", built.body);
            eprintln!(
                "ok: {} bytes (limit {})",
                built.bytes(),
                appsflyer_s2s::MAX_BODY_BYTES
            );
            ExitCode::SUCCESS
        }
        None => {
            for e in &report.errors {
                let field = if e.field.is_empty() {
                    "(body)"
                } else {
                    &e.field
                };
                eprintln!("error: {field}: {}: {}", e.code, e.message);
            }
            ExitCode::FAILURE
        }
    }
}
