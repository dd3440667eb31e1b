//! `POST /batch/{app_id}`: a JSON array of up to 100 events, or NDJSON (one
//! per line), each validated and forwarded on its own, six at a time.
//!
//! Nothing of a batch is stranded when its caller goes away: the work runs
//! under `waitUntil`, so it goes on after a disconnect (the platform allows
//! it 30 s more), and an event is queued instead of sent — the queue
//! consumer delivers it — when it would start after the platform signalled
//! the disconnect (`request.signal`, compatibility flag
//! `enable_request_signal`) or more than `BATCH_SEND_WINDOW_MS` (5 s) after
//! the batch arrived. So the attempts still running when a caller leaves end
//! within the window plus one `UPSTREAM_TIMEOUT_MS` (at most 20 s), inside
//! the 30 s, and everything later waits in the queue. With an
//! `Idempotency-Key`, each event has a key of its own ([`Scope::Batch`]),
//! so a batch sent again never sends an event twice.

use std::rc::Rc;

use appsflyer_s2s::{EventInput, FieldError};
use futures_util::{FutureExt, StreamExt};
use serde_json::{json, Value};
use worker::{web_sys, Context};

use crate::config::{BATCH_CONCURRENCY, MAX_BATCH_EVENTS};
use crate::event::{self, EventContext, Handled, Mode};
use crate::http::Reply;
use crate::idempotency::Scope;
use crate::incoming::split_batch;

/// Runs a batch and gives its answer. `gone` fires when the caller disconnects.
pub async fn run(
    cx: EventContext,
    ctx: &Context,
    text: &str,
    header_key: Option<String>,
    gone: Option<web_sys::AbortSignal>,
) -> Reply {
    let items = match split_batch(text) {
        Ok(items) => items,
        Err(error) => return crate::routes::invalid(vec![error], Vec::new()),
    };
    if items.len() > MAX_BATCH_EVENTS {
        return Reply::json(
            413,
            &json!({ "error": "too_many_events", "max_events": MAX_BATCH_EVENTS }),
        );
    }
    // The request spent one unit of the caller's rate limit; each further
    // event spends one more.
    if !crate::routes::within_rate(&cx.env, &cx.caller, items.len().saturating_sub(1)).await {
        return crate::routes::rate_limit_reply(cx.route, &cx.app_id, &cx.caller);
    }
    let window = cx.cfg.batch_send_window_ms;
    let arrived = crate::log::now_ms();
    let cx = Rc::new(cx);
    let work = futures_util::stream::iter(items.into_iter().enumerate())
        .map(move |(index, item)| {
            let cx = Rc::clone(&cx);
            let key = header_key.clone().map(|k| (Scope::Batch(index), k));
            let gone = gone.clone();
            async move {
                let handled = match item {
                    Ok(value) => {
                        // Checked as each event starts: once the caller is
                        // gone or the window has passed, the rest are queued.
                        let late = crate::log::now_ms().saturating_sub(arrived) > window;
                        let mode = if late || gone.is_some_and(|s| s.aborted()) {
                            Mode::Queue
                        } else {
                            Mode::Send
                        };
                        event::handle(&cx, EventInput::from_value(value), key, mode).await
                    }
                    Err(message) => Handled::Invalid(
                        vec![FieldError::new(
                            "",
                            appsflyer_s2s::ErrorCode::InvalidJson,
                            message,
                        )],
                        Vec::new(),
                    ),
                };
                result(index, handled)
            }
        })
        .buffered(BATCH_CONCURRENCY)
        .collect::<Vec<Value>>()
        .shared();
    // Held by the platform past a disconnect; the answer awaits the same work.
    ctx.wait_until(work.clone().map(drop));
    let results = work.await;
    Reply::json(200, &json!({ "results": results }))
}

/// One entry of `/batch`'s `results`.
fn result(index: usize, handled: Handled) -> Value {
    let mut entry = match handled {
        Handled::Invalid(errors, warnings) => {
            let mut entry = json!({ "status": "invalid", "errors": errors });
            if !warnings.is_empty() {
                entry["warnings"] = json!(warnings);
            }
            entry
        }
        Handled::Valid { .. } => json!({ "status": "valid" }),
        Handled::Answered { answer, replayed } => {
            let mut entry = answer.body;
            if replayed {
                entry["replayed"] = Value::Bool(true);
            }
            entry
        }
        Handled::InProgress => json!({ "status": "in_progress" }),
        Handled::KeyReused => {
            let mut entry = crate::routes::key_reused();
            entry["status"] = json!("idempotency_key_reused");
            entry
        }
        Handled::Unavailable => json!({ "status": "unavailable" }),
        Handled::Misconfigured(message) => json!({ "status": "misconfigured", "message": message }),
    };
    entry["index"] = json!(index);
    entry
}
