//! One event through the Worker: validate with the core, then (unless it is
//! a dry run) claim its idempotency key, send it, and queue it on a
//! transient failure. Shared by `/inappevent`, `/validate` and `/batch`.

use appsflyer_s2s::model::ParsedInput;
use appsflyer_s2s::{prepare, validate, ErrorCode, FieldError, Outcome, Warning};
use serde_json::{json, Value};
use worker::Env;

use crate::config::Config;
use crate::idempotency::{self, Answer, Claim};
use crate::log::{now_ms, EventLog, LogOutcome};
use crate::retry::{self, Queued, RetryMessage};
use crate::upstream;

/// What a request knows before it looks at an event.
pub struct EventContext<'a> {
    /// The Worker's bindings.
    pub env: &'a Env,
    /// The configuration.
    pub cfg: &'a Config,
    /// `inappevent`, `validate` or `batch`, for logs.
    pub route: &'static str,
    /// The app id from the path, percent-decoded.
    pub app_id: &'a str,
    /// The app's S2S key; `None` only when the app id itself is invalid.
    pub s2s_key: Option<&'a str>,
    /// Why the app id is invalid (reported with the event's errors).
    pub app_id_error: Option<FieldError>,
    /// `CF-Connecting-IP`, for `FILL_IP`.
    pub client_ip: Option<String>,
    /// Send the event (`false` for `/validate`).
    pub forward: bool,
}

/// What became of one event.
pub enum Handled {
    /// Not sent: every problem found.
    Invalid(Vec<FieldError>),
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

/// Handles one parsed event. `header_key` is the `Idempotency-Key` to use
/// (it wins over an `idempotency_key` field, which is always stripped).
pub async fn handle(
    cx: &EventContext<'_>,
    mut parsed: ParsedInput,
    header_key: Option<String>,
) -> Handled {
    let started = now_ms();
    let mut errors: Vec<FieldError> = cx.app_id_error.iter().cloned().collect();
    let field_key = match parsed.input.extra.remove("idempotency_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(key)) => Some(key),
        Some(_) => {
            errors.push(bad_key());
            None
        }
    };
    let idempotency_key = header_key.or(field_key);
    if let Some(key) = &idempotency_key {
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
    let log = |outcome| EventLog::new(cx.route, cx.app_id, event_name.as_deref(), outcome);
    let built = match (report.event, errors.is_empty()) {
        (Some(built), true) => built,
        _ => {
            let mut line = log(LogOutcome::Invalid);
            line.errors = errors.iter().map(|e| e.code.as_str()).collect();
            line.latency_ms = now_ms().saturating_sub(started);
            line.emit();
            return Handled::Invalid(errors);
        }
    };
    if !cx.forward {
        log(LogOutcome::Valid).emit();
        return Handled::Valid {
            body: built.body,
            warnings: built.warnings,
        };
    }
    let Some(s2s_key) = cx.s2s_key else {
        return Handled::Misconfigured("no S2S key for this app");
    };
    // Before the body moves into the request: what a repeat must match.
    let fingerprint = idempotency_key
        .is_some()
        .then(|| idempotency::fingerprint(&built, ip_filled));
    let request = match prepare(cx.app_id, s2s_key, Some(&cx.cfg.endpoint), built.body) {
        Ok(request) => request,
        // The app id was checked above, so this is AF_ENDPOINT or the key.
        Err(_) => {
            return Handled::Misconfigured(
                "AF_ENDPOINT or the app's S2S key in AF_S2S_KEYS is not usable",
            )
        }
    };

    let key = idempotency_key.map(|k| idempotency::Key::new(cx.app_id, &k));
    if let (Some(key), Some(fingerprint)) = (&key, &fingerprint) {
        match key.claim(cx.env, fingerprint).await {
            Ok(Claim::Reserved) => {}
            Ok(Claim::Done { answer }) => {
                let mut line = log(LogOutcome::Replayed);
                line.upstream_status = None;
                line.latency_ms = now_ms().saturating_sub(started);
                line.emit();
                return Handled::Answered {
                    answer,
                    replayed: true,
                };
            }
            Ok(Claim::InFlight) => return Handled::InProgress,
            Ok(Claim::Conflict) => {
                let mut line = log(LogOutcome::KeyReused);
                line.latency_ms = now_ms().saturating_sub(started);
                line.emit();
                return Handled::KeyReused;
            }
            Err(_) => return Handled::Unavailable,
        }
    }

    let sent = upstream::send(&request, cx.cfg.upstream_timeout_ms).await;
    let reason = sent.outcome.reason().map(str::to_string);
    let mut line = log(LogOutcome::Delivered);
    line.upstream_status = sent.status;
    line.latency_ms = sent.latency_ms;
    line.reason = reason.as_deref();
    let answer = match &sent.outcome {
        Outcome::Delivered => Some(Answer {
            status: 200,
            body: json!({ "status": "delivered" }),
        }),
        outcome if outcome.is_retryable() => {
            let message = RetryMessage {
                app_id: cx.app_id.to_string(),
                event_name: event_name.clone(),
                url: request.url.clone(),
                body: request.body.clone(),
                attempts: 1,
                first_attempt_ms: started,
                last_status: None,
                last_reason: None,
                dead_letter_reason: None,
            };
            match retry::enqueue_after_first(cx.env, cx.cfg, message, &sent).await {
                Ok(queued) => {
                    line.outcome = match queued {
                        Queued::Retry => LogOutcome::Queued,
                        Queued::DeadLettered => LogOutcome::DeadLettered,
                    };
                    Some(Answer {
                        status: 202,
                        body: json!({ "status": "queued" }),
                    })
                }
                Err(_) => {
                    line.outcome = LogOutcome::Unavailable;
                    None
                }
            }
        }
        _ => {
            line.outcome = LogOutcome::Rejected;
            Some(Answer {
                status: 502,
                body: json!({
                    "status": "rejected",
                    "upstream": { "status": sent.status, "body": sent.body },
                }),
            })
        }
    };
    line.emit();
    match (answer, key) {
        (Some(answer), Some(key)) => {
            // The event is decided; failing to store the answer only loses
            // the replay, so the caller still gets it.
            let _ = key.finish(cx.env, &answer).await;
            Handled::Answered {
                answer,
                replayed: false,
            }
        }
        (Some(answer), None) => Handled::Answered {
            answer,
            replayed: false,
        },
        (None, key) => {
            if let Some(key) = key {
                let _ = key.release(cx.env).await;
            }
            Handled::Unavailable
        }
    }
}

fn bad_key() -> FieldError {
    FieldError::new(
        "idempotency_key",
        ErrorCode::WrongType,
        "the idempotency key (Idempotency-Key header or idempotency_key field) must be a string of 1 to 255 visible ASCII characters",
    )
}
