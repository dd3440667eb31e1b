//! `appsflyer-s2s build`: one event as JSON on stdin → the exact body on stdout.

use std::io::Read;

use appsflyer_s2s::request::validate_app_id;
use appsflyer_s2s::{validate_event_json, MAX_BODY_BYTES};

use super::{build_options, Exit, Fatal};
use crate::args::BuildArgs;

/// Runs `build`: the body on stdout, warnings and its size on stderr; or
/// every error with its field and code on stderr (exit 1).
pub fn run(args: &BuildArgs) -> Result<Exit, Fatal> {
    let mut options = build_options(args.region.as_deref(), args.forward_unknown_fields)?;
    if let Some(app_id) = &args.app_id {
        validate_app_id(app_id).map_err(|e| format!("--app-id: {}", e.message))?;
        options = options.app_id(app_id.clone());
    }
    let mut body = String::new();
    std::io::stdin()
        .read_to_string(&mut body)
        .map_err(|e| format!("cannot read the event from standard input: {e}"))?;
    let report = validate_event_json(&body, &options);
    // The core's messages name their field; the code follows in brackets.
    for w in &report.warnings {
        eprintln!("warning: {} [{}]", w.message, w.code);
    }
    match report.event {
        Some(built) => {
            println!("{}", built.body);
            eprintln!("ok: {} bytes (limit {MAX_BODY_BYTES})", built.bytes());
            Ok(Exit::Done)
        }
        None => {
            for e in &report.errors {
                eprintln!("error: {e}");
            }
            Ok(Exit::NotAll)
        }
    }
}
