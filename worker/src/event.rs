//! One event through the Worker: validate with the core, then (unless it is
//! a dry run) claim its idempotency key, send it, and queue it on a
//! transient failure. Shared by `/inappevent`, `/validate` and `/batch`.

use std::rc::Rc;

use appsflyer_s2s::ParsedInput;
use appsflyer_s2s::{prepare, validate, ErrorCode, FieldError, Outcome, S2sRequest, Warning};
use serde_json::{json, Value};
use worker::Env;

use crate::config::Config;
use crate::idempotency::{self, Answer, Claim, Key, Scope};
use crate::incoming::Route;
use crate::log::{now_ms, EventLog, LogOutcome};
use crate::retry::{self, Queued, RetryMessage};
use crate::upstream::{self, Sent};

/// What a request knows before it looks at an event. Owned, so a `/batch`
/// can go on under `waitUntil` after its caller has gone.
pub struct EventContext {
    /// The Worker's bindings.
    pub env: Env,
    /// The configuration.
    pub cfg: Rc<Config>,
    /// The route the event came by.
    pub route: Route,
    /// The caller's id (never its token).
    pub caller: String,
    /// The app id from the path, percent-decoded.
    pub app_id: String,
    /// Why the app id is invalid (reported with the event's errors).
    pub app_id_error: Option<FieldError>,
    /// `CF-Connecting-IP`, for `FILL_IP`.
    pub client_ip: Option<String>,
}

/// Whether to send the event now or only queue it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Send it, and queue it on a transient failure.
    Send,
    /// Queue it without sending (a `/batch` whose caller went away: the
    /// queue consumer sends it).
    Queue,
}

/// What became of one event.
pub enum Handled {
    /// Not sent: every problem found, and the warnings.
    Invalid(Vec<FieldError>, Vec<Warning>),
    /// `/validate`: the exact body that would be sent.
    Valid {
        /// The body.
        body: String,
        /// What was accepted but changed.
        warnings: Vec<Warning>,
    },
    /// Sent (or queued, or refused), or the first answer of an idempotent repeat.
    Answered {
        /// The answer.
        answer: Answer,
        /// Whether it is a stored first answer.
        replayed: bool,
    },
    /// A first request with the same idempotency key is still in flight.
    InProgress,
    /// The idempotency key was first used for another event.
    KeyReused,
    /// The event could not be handled safely (idempotency store or queue
    /// unreachable); nothing is stored and the caller should try again.
    Unavailable,
    /// A setting makes sending impossible (the message names it).
    Misconfigured(&'static str),
}

/// An event ready to send: validated, built and prepared, with what its
/// log line and its idempotency key need.
struct Prepared {
    event_name: Option<String>,
    started: u64,
    request: S2sRequest,
    warnings: Vec<Warning>,
    key: Option<(Key, String)>,
}

/// Handles one parsed event. `key` is the idempotency key the request gave
/// for it (an `Idempotency-Key` header wins over an `idempotency_key` field,
/// which is always stripped).
pub async fn handle(
    cx: &EventContext,
    parsed: ParsedInput,
    key: Option<(Scope, String)>,
    mode: Mode,
) -> Handled {
    let prepared = match begin(cx, parsed, key) {
        Ok(prepared) => prepared,
        Err(handled) => return handled,
    };
    let lease = match claim(cx, &prepared).await {
        Ok(lease) => lease,
        Err(handled) => return handled,
    };
    let handled = match mode {
        Mode::Send => {
            let sent = upstream::send(&prepared.request, cx.cfg.upstream_timeout_ms).await;
            settle(cx, &prepared, sent).await
        }
        Mode::Queue => queue_unsent(cx, &prepared).await,
    };
    if let (Some((key, _)), Some(lease)) = (&prepared.key, lease) {
        // Failing to store the answer only loses the replay: the event is
        // decided and the caller still gets its answer.
        let _ = match &handled {
            Handled::Answered { answer, .. } => key.finish(&cx.env, &lease, answer).await,
            _ => key.release(&cx.env, &lease).await,
        };
    }
    handled
}

/// Everything before sending, with no I/O: validates and builds the event,
/// fills in the ip, checks the idempotency key and prepares the request.
/// `Err` is the answer when there is nothing to send (invalid, a dry run, a
/// setting missing).
fn begin(
    cx: &EventContext,
    mut parsed: ParsedInput,
    header_key: Option<(Scope, String)>,
) -> Result<Prepared, Handled> {
    let started = now_ms();
    let mut errors: Vec<FieldError> = cx.app_id_error.iter().cloned().collect();
    let field_key = match parsed.input.extra.remove("idempotency_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(key)) => Some((Scope::Event, key)),
        Some(_) => {
            errors.push(bad_key());
            None
        }
    };
    let idempotency_key = header_key.or(field_key);
    if let Some((_, key)) = &idempotency_key {
        if key.is_empty()
            || key.len() > idempotency::MAX_KEY_BYTES
            || !key.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        {
            errors.push(bad_key());
        }
    }
    let mut ip_filled = false;
    if cx.cfg.fill_ip && parsed.input.ip.is_none() {
        // Only IPv4: AppsFlyer's `ip` takes no IPv6, so an IPv6 caller leaves it unset.
        parsed.input.ip = cx.client_ip.clone().filter(|ip| validate::is_ipv4(ip));
        ip_filled = parsed.input.ip.is_some();
    }
    let event_name = parsed.input.event_name.clone();
    let report = parsed.validate(&cx.cfg.build);
    errors.extend(report.errors);
    let log = |outcome| {
        let mut line = EventLog::new(cx.route.name(), &cx.app_id, event_name.as_deref(), outcome);
        line.caller = Some(&cx.caller);
        line
    };
    let built = match (report.event, errors.is_empty()) {
        (Some(built), true) => built,
        _ => {
            let mut line = log(LogOutcome::Invalid);
            line.errors = errors.iter().map(|e| e.code.as_str()).collect();
            line.latency_ms = now_ms().saturating_sub(started);
            line.emit();
            return Err(Handled::Invalid(errors, report.warnings));
        }
    };
    if cx.route == Route::Validate {
        log(LogOutcome::Valid).emit();
        return Err(Handled::Valid {
            body: built.body,
            warnings: built.warnings,
        });
    }
    let Some(s2s_key) = cx.cfg.key_for(&cx.app_id) else {
        return Err(Handled::Misconfigured("no S2S key for this app"));
    };
    // Before the body moves into the request: what a repeat must match.
    let key = idempotency_key.map(|(scope, k)| {
        (
            Key::new(&cx.caller, &cx.app_id, scope, &k),
            idempotency::fingerprint(&built, ip_filled),
        )
    });
    let request = match prepare(&cx.app_id, s2s_key, Some(&cx.cfg.endpoint), built.body) {
        Ok(request) => request,
        // The app id and AF_ENDPOINT were checked before: this is the key.
        Err(_) => {
            return Err(Handled::Misconfigured(
                "the app's S2S key in AF_S2S_KEYS is not usable",
            ))
        }
    };
    Ok(Prepared {
        event_name,
        started,
        request,
        warnings: built.warnings,
        key,
    })
}

/// Claims the event's idempotency key, if it has one: the lease to present
/// when done, or the answer when it must not be sent (a repeat, one in
/// flight, a reused key, or the store unreachable).
async fn claim(cx: &EventContext, prepared: &Prepared) -> Result<Option<String>, Handled> {
    let Some((key, fingerprint)) = &prepared.key else {
        return Ok(None);
    };
    let done = |outcome| {
        let mut line = line(cx, prepared, outcome);
        line.latency_ms = now_ms().saturating_sub(prepared.started);
        line.emit();
    };
    match key.claim(&cx.env, fingerprint, cx.cfg.lease_ms()).await {
        Ok(Claim::Reserved { lease }) => Ok(Some(lease)),
        Ok(Claim::Done { answer }) => {
            done(LogOutcome::Replayed);
            Err(Handled::Answered {
                answer,
                replayed: true,
            })
        }
        Ok(Claim::InFlight) => Err(Handled::InProgress),
        Ok(Claim::Conflict) => {
            done(LogOutcome::KeyReused);
            Err(Handled::KeyReused)
        }
        Err(_) => {
            done(LogOutcome::Unavailable);
            Err(Handled::Unavailable)
        }
    }
}

fn line<'a>(cx: &'a EventContext, prepared: &'a Prepared, outcome: LogOutcome) -> EventLog<'a> {
    let mut line = EventLog::new(
        cx.route.name(),
        &cx.app_id,
        prepared.event_name.as_deref(),
        outcome,
    );
    line.caller = Some(&cx.caller);
    line
}

/// The answer's body: the status, AppsFlyer's answer when it refused, and
/// the warnings when there are any.
fn answer(status: u16, body: Value, warnings: &[Warning]) -> Answer {
    let mut body = body;
    if !warnings.is_empty() {
        body["warnings"] = json!(warnings);
    }
    Answer { status, body }
}

/// After sending: the answer to a delivered or refused event, or the event
/// queued for another attempt (a transient failure, or held after a 401).
async fn settle(cx: &EventContext, prepared: &Prepared, sent: Sent) -> Handled {
    let mut line = line(cx, prepared, LogOutcome::Delivered);
    line.upstream_status = sent.status;
    line.latency_ms = sent.latency_ms;
    line.reason = sent.outcome.reason();
    line.ambiguous = sent.ambiguous;
    let warnings = &prepared.warnings;
    let handled = match &sent.outcome {
        Outcome::Delivered => Handled::Answered {
            answer: answer(200, json!({ "status": "delivered" }), warnings),
            replayed: false,
        },
        outcome if outcome.is_retryable() || outcome.is_unauthorized() => {
            let message = RetryMessage::first(
                cx,
                &prepared.request,
                prepared.event_name.clone(),
                prepared.started,
                1,
            );
            match retry::enqueue(&cx.env, &cx.cfg, message, Some(&sent)).await {
                Ok(queued) => {
                    (line.outcome, line.alert) = match queued {
                        Queued::Retry => (LogOutcome::Queued, None),
                        Queued::Held => (LogOutcome::Held, Some(retry::UNAUTHORIZED_ALERT)),
                        Queued::DeadLettered => (LogOutcome::DeadLettered, None),
                    };
                    Handled::Answered {
                        answer: answer(202, json!({ "status": "queued" }), warnings),
                        replayed: false,
                    }
                }
                Err(_) => {
                    line.outcome = LogOutcome::Unavailable;
                    Handled::Unavailable
                }
            }
        }
        _ => {
            line.outcome = LogOutcome::Rejected;
            let body = json!({
                "status": "rejected",
                "upstream": { "status": sent.status, "body": sent.body },
            });
            Handled::Answered {
                answer: answer(502, body, warnings),
                replayed: false,
            }
        }
    };
    line.emit();
    handled
}

/// Queues an event that was not sent (its `/batch` caller went away), for
/// the consumer to send as its first attempt.
async fn queue_unsent(cx: &EventContext, prepared: &Prepared) -> Handled {
    let message = RetryMessage::first(
        cx,
        &prepared.request,
        prepared.event_name.clone(),
        prepared.started,
        0,
    );
    let mut line = line(cx, prepared, LogOutcome::Queued);
    line.attempt = 0;
    line.reason = Some("the caller went away before it was sent");
    let handled = match retry::enqueue(&cx.env, &cx.cfg, message, None).await {
        Ok(_) => Handled::Answered {
            answer: answer(202, json!({ "status": "queued" }), &prepared.warnings),
            replayed: false,
        },
        Err(_) => {
            line.outcome = LogOutcome::Unavailable;
            Handled::Unavailable
        }
    };
    line.emit();
    handled
}

fn bad_key() -> FieldError {
    FieldError::new(
        "idempotency_key",
        ErrorCode::WrongType,
        "the idempotency key (Idempotency-Key header or idempotency_key field) must be a string of 1 to 255 visible ASCII characters",
    )
}
