//! One event through the Worker: validate with the core, then (unless it is
//! a dry run) claim its idempotency key, send it, and queue it on a
//! transient failure. Shared by `/inappevent`, `/validate` and `/batch`.

use appsflyer_s2s::model::ParsedInput;
use appsflyer_s2s::{prepare, validate, ErrorCode, FieldError, Outcome, S2sRequest, Warning};
use serde_json::{json, Value};
use worker::Env;

use crate::config::Config;
use crate::idempotency::{self, Answer, Claim};
use crate::log::{now_ms, EventLog, LogOutcome};
use crate::retry::{self, Queued, RetryMessage};
use crate::upstream::{self, Sent};

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

/// An event ready to send: validated, built and prepared, with what its
/// log line and its idempotency key need. It owns everything, so the fast
/// path (`fast`) can hand it to JavaScript while the `fetch` runs there.
pub struct Prepared {
    route: &'static str,
    app_id: String,
    event_name: Option<String>,
    started: u64,
    /// The request to send.
    pub request: S2sRequest,
    key: Option<(idempotency::Key, String)>,
}

impl Prepared {
    fn log(&self, outcome: LogOutcome) -> EventLog<'_> {
        EventLog::new(
            self.route,
            &self.app_id,
            self.event_name.as_deref(),
            outcome,
        )
    }
}

/// Handles one parsed event. `header_key` is the `Idempotency-Key` to use
/// (it wins over an `idempotency_key` field, which is always stripped).
pub async fn handle(
    cx: &EventContext<'_>,
    parsed: ParsedInput,
    header_key: Option<String>,
) -> Handled {
    let prepared = match begin(cx, parsed, header_key) {
        Ok(prepared) => prepared,
        Err(handled) => return handled,
    };
    if let Some(handled) = claim(cx.env, &prepared).await {
        return handled;
    }
    let sent = upstream::send(&prepared.request, cx.cfg.upstream_timeout_ms).await;
    settle(cx.env, cx.cfg, prepared, sent).await
}

/// Everything before sending, with no I/O: validates and builds the event,
/// fills in the ip, checks the idempotency key and prepares the request.
/// `Err` is the answer when there is nothing to send (invalid, a dry run, a
/// setting missing).
pub fn begin(
    cx: &EventContext<'_>,
    mut parsed: ParsedInput,
    header_key: Option<String>,
) -> Result<Prepared, Handled> {
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
            return Err(Handled::Invalid(errors));
        }
    };
    if !cx.forward {
        log(LogOutcome::Valid).emit();
        return Err(Handled::Valid {
            body: built.body,
            warnings: built.warnings,
        });
    }
    let Some(s2s_key) = cx.s2s_key else {
        return Err(Handled::Misconfigured("no S2S key for this app"));
    };
    // Before the body moves into the request: what a repeat must match.
    let key = idempotency_key.map(|k| {
        (
            idempotency::Key::new(cx.app_id, &k),
            idempotency::fingerprint(&built, ip_filled),
        )
    });
    let request = match prepare(cx.app_id, s2s_key, Some(&cx.cfg.endpoint), built.body) {
        Ok(request) => request,
        // The app id was checked above, so this is AF_ENDPOINT or the key.
        Err(_) => {
            return Err(Handled::Misconfigured(
                "AF_ENDPOINT or the app's S2S key in AF_S2S_KEYS is not usable",
            ))
        }
    };
    Ok(Prepared {
        route: cx.route,
        app_id: cx.app_id.to_string(),
        event_name,
        started,
        request,
        key,
    })
}

/// Claims the event's idempotency key, if it has one: `Some` is the answer
/// when it must not be sent (a repeat, one in flight, a reused key, or the
/// store unreachable).
async fn claim(env: &Env, prepared: &Prepared) -> Option<Handled> {
    let (key, fingerprint) = prepared.key.as_ref()?;
    let done = |outcome| {
        let mut line = prepared.log(outcome);
        line.latency_ms = now_ms().saturating_sub(prepared.started);
        line.emit();
    };
    match key.claim(env, fingerprint).await {
        Ok(Claim::Reserved) => None,
        Ok(Claim::Done { answer }) => {
            done(LogOutcome::Replayed);
            Some(Handled::Answered {
                answer,
                replayed: true,
            })
        }
        Ok(Claim::InFlight) => Some(Handled::InProgress),
        Ok(Claim::Conflict) => {
            done(LogOutcome::KeyReused);
            Some(Handled::KeyReused)
        }
        Err(_) => Some(Handled::Unavailable),
    }
}

/// After sending: the answer to a delivered or refused event, with its log
/// line, or `None` when AppsFlyer's answer calls for a retry (see [`settle`]).
pub fn settle_now(prepared: &Prepared, sent: &Sent) -> Option<Handled> {
    let answer = match &sent.outcome {
        Outcome::Delivered => Answer {
            status: 200,
            body: json!({ "status": "delivered" }),
        },
        outcome if outcome.is_retryable() => return None,
        _ => Answer {
            status: 502,
            body: json!({
                "status": "rejected",
                "upstream": { "status": sent.status, "body": sent.body },
            }),
        },
    };
    let mut line = prepared.log(if answer.status == 200 {
        LogOutcome::Delivered
    } else {
        LogOutcome::Rejected
    });
    line.upstream_status = sent.status;
    line.latency_ms = sent.latency_ms;
    line.reason = sent.outcome.reason();
    line.emit();
    Some(Handled::Answered {
        answer,
        replayed: false,
    })
}

/// After sending: queues a transient failure for retry, and stores the
/// answer under the idempotency key (or frees the key when nothing was
/// decided).
pub async fn settle(env: &Env, cfg: &Config, prepared: Prepared, sent: Sent) -> Handled {
    let handled = match settle_now(&prepared, &sent) {
        Some(handled) => handled,
        None => {
            let mut line = prepared.log(LogOutcome::Queued);
            line.upstream_status = sent.status;
            line.latency_ms = sent.latency_ms;
            line.reason = sent.outcome.reason();
            let message = RetryMessage {
                app_id: prepared.app_id.clone(),
                event_name: prepared.event_name.clone(),
                url: prepared.request.url.clone(),
                body: prepared.request.body.clone(),
                attempts: 1,
                first_attempt_ms: prepared.started,
                last_status: None,
                last_reason: None,
                dead_letter_reason: None,
            };
            let handled = match retry::enqueue_after_first(env, cfg, message, &sent).await {
                Ok(queued) => {
                    line.outcome = match queued {
                        Queued::Retry => LogOutcome::Queued,
                        Queued::DeadLettered => LogOutcome::DeadLettered,
                    };
                    Handled::Answered {
                        answer: Answer {
                            status: 202,
                            body: json!({ "status": "queued" }),
                        },
                        replayed: false,
                    }
                }
                Err(_) => {
                    line.outcome = LogOutcome::Unavailable;
                    Handled::Unavailable
                }
            };
            line.emit();
            handled
        }
    };
    if let Some((key, _)) = &prepared.key {
        match &handled {
            // The event is decided; failing to store the answer only loses
            // the replay, so the caller still gets it.
            Handled::Answered { answer, .. } => {
                let _ = key.finish(env, answer).await;
            }
            _ => {
                let _ = key.release(env).await;
            }
        }
    }
    handled
}

fn bad_key() -> FieldError {
    FieldError::new(
        "idempotency_key",
        ErrorCode::WrongType,
        "the idempotency key (Idempotency-Key header or idempotency_key field) must be a string of 1 to 255 visible ASCII characters",
    )
}
