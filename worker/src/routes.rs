//! The HTTP routes (a contract: paths, status codes and JSON shapes are in
//! `worker/README.md`), CORS, and reading bodies with a size bound.

use appsflyer_s2s::request::validate_app_id;
use appsflyer_s2s::{EventInput, FieldError};
use futures_util::StreamExt;
use serde_json::{json, Value};
use worker::Env;

use crate::auth;
use crate::config::{self, Config};
use crate::event::{self, EventContext, Handled, Prepared};
use crate::http::{Incoming, Reply};
use crate::incoming::{parse_path, percent_decode, split_batch, Route};

/// Dispatches one request.
pub async fn handle(req: Incoming, env: Env) -> Reply {
    let cfg = match Config::get(&env) {
        Ok(cfg) => cfg,
        Err(e) => {
            worker::console_error!("{{\"log\":\"config\",\"error\":\"{}\"}}", e.0);
            return Reply::json(500, &json!({ "error": "misconfigured", "message": e.0 }));
        }
    };
    let cors = req.header("origin").and_then(|o| cfg.cors_origin(&o));
    let response = route(req, &env, &cfg, cors.is_some()).await;
    with_cors(response, cors)
}

/// What is known of a request for an event route once it is admitted,
/// before its body is read.
struct Admitted {
    route: Route,
    app_id: String,
    app_id_error: Option<FieldError>,
    limit: usize,
}

async fn route(req: Incoming, env: &Env, cfg: &Config, cors_allowed: bool) -> Reply {
    let admitted = match admit(&req, cfg, cors_allowed) {
        Ok(admitted) => admitted,
        Err(reply) => return reply,
    };
    let bytes = match req.body(admitted.limit).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return too_large(admitted.limit),
        Err(_) => return unreadable(),
    };
    let idempotency_header = req.header("idempotency-key");
    let cx = context(&req, env, cfg, &admitted);
    let text = match text_of(bytes) {
        Ok(text) => text,
        Err(reply) => return reply,
    };
    if admitted.route == Route::Batch {
        return batch(&cx, &text, idempotency_header).await;
    }
    let handled = event::handle(&cx, EventInput::from_json(&text), idempotency_header).await;
    single_answer(handled)
}

/// Everything about a request that needs no body: `/health`, the route, the
/// method, the caller's token, the app id and its key. `Err` is the answer.
fn admit(req: &Incoming, cfg: &Config, cors_allowed: bool) -> Result<Admitted, Reply> {
    let path = req.path();
    // Matched on the exact name, so a method the Worker does not know (e.g.
    // PROPFIND) is refused rather than taken for another.
    let method = req.method();
    if path == "/health" {
        return Err(match method.as_str() {
            "GET" | "HEAD" => Reply::json(200, &json!({ "status": "ok" })),
            "OPTIONS" => preflight(cors_allowed, "GET, HEAD, OPTIONS"),
            _ => method_not_allowed("GET, HEAD, OPTIONS"),
        });
    }
    let Some((route, raw_app_id)) = parse_path(&path) else {
        return Err(Reply::json(404, &json!({ "error": "not_found" })));
    };
    match method.as_str() {
        "POST" => {}
        "OPTIONS" => return Err(preflight(cors_allowed, "POST, OPTIONS")),
        _ => return Err(method_not_allowed("POST, OPTIONS")),
    }
    if !auth::authorized(req.header("authorization").as_deref(), cfg.tokens()) {
        return Err(Reply::json(401, &json!({ "error": "unauthorized" }))
            .header("www-authenticate", "Bearer"));
    }
    let (app_id, app_id_error) = match percent_decode(raw_app_id) {
        Some(id) => {
            let error = validate_app_id(&id).err();
            (id, error)
        }
        None => (
            raw_app_id.to_string(),
            Some(FieldError::new(
                "app_id",
                appsflyer_s2s::ErrorCode::InvalidAppId,
                "the app id in the path is not valid percent-encoded UTF-8",
            )),
        ),
    };
    if app_id_error.is_none() && cfg.key_for(&app_id).is_none() {
        return Err(Reply::json(404, &json!({ "error": "unknown_app" })));
    }
    if let (Route::Batch, Some(error)) = (route, &app_id_error) {
        // It would make every event of the batch invalid: say it once.
        return Err(invalid(vec![error.clone()]));
    }
    let limit = if route == Route::Batch {
        config::MAX_BATCH_REQUEST_BYTES
    } else {
        config::MAX_EVENT_REQUEST_BYTES
    };
    Ok(Admitted {
        route,
        app_id,
        app_id_error,
        limit,
    })
}

fn context<'a>(
    req: &Incoming,
    env: &'a Env,
    cfg: &'a Config,
    admitted: &'a Admitted,
) -> EventContext<'a> {
    EventContext {
        env,
        cfg,
        route: admitted.route.name(),
        app_id: &admitted.app_id,
        s2s_key: cfg.key_for(&admitted.app_id),
        app_id_error: admitted.app_id_error.clone(),
        client_ip: if cfg.fill_ip {
            req.header("cf-connecting-ip")
        } else {
            None
        },
        forward: admitted.route != Route::Validate,
    }
}

fn text_of(bytes: Vec<u8>) -> Result<String, Reply> {
    String::from_utf8(bytes).map_err(|_| {
        invalid(vec![FieldError::new(
            "",
            appsflyer_s2s::ErrorCode::InvalidJson,
            "the body is not UTF-8 text",
        )])
    })
}

fn unreadable() -> Reply {
    invalid(vec![FieldError::new(
        "",
        appsflyer_s2s::ErrorCode::InvalidJson,
        "the body could not be read to its end",
    )])
}

fn too_large(limit: usize) -> Reply {
    Reply::json(
        413,
        &json!({ "error": "payload_too_large", "max_bytes": limit }),
    )
}

/// A body as the fast path's caller read it.
pub enum Body {
    /// The whole body, at most 64 KB.
    Read(Vec<u8>),
    /// Over 64 KB (the rest was not read).
    TooLarge,
    /// It could not be read to its end.
    Unreadable,
}

/// What the fast path ([`fast`]) makes of a request.
pub enum Fast {
    /// The answer, with nothing to send.
    Reply(Reply),
    /// An event to send within `timeout_ms`; its answer comes from
    /// [`event::settle_now`] or [`event::settle`] (through [`fast_answer`])
    /// once the `fetch` made in JavaScript is done.
    Send { prepared: Prepared, timeout_ms: u64 },
    /// Not for the fast path: the full handler takes the request.
    Fallback,
}

/// The fast path of the most common request, `POST /inappevent/{app_id}`
/// with its body already read (up to 64 KB), no `Origin` and no idempotency
/// key: the same checks and answers as the full handler, with no I/O, so the
/// JavaScript entry (`worker/entry.mjs`) makes the one `fetch` itself instead
/// of going through Rust futures. Anything else is [`Fast::Fallback`].
pub fn fast(req: &Incoming, env: &Env, body: Body) -> Fast {
    fast_step(req, env, body).unwrap_or_else(|reply| Fast::Reply(with_cors(reply, None)))
}

fn fast_step(req: &Incoming, env: &Env, body: Body) -> Result<Fast, Reply> {
    let Ok(cfg) = Config::get(env) else {
        return Ok(Fast::Fallback);
    };
    if req.header("origin").is_some() || req.header("idempotency-key").is_some() {
        return Ok(Fast::Fallback);
    }
    let admitted = admit(req, &cfg, false)?;
    if admitted.route != Route::InAppEvent {
        return Ok(Fast::Fallback);
    }
    let body = match body {
        Body::Read(body) if body.len() <= admitted.limit => body,
        Body::Read(_) | Body::TooLarge => return Err(too_large(admitted.limit)),
        Body::Unreadable => return Err(unreadable()),
    };
    let parsed = EventInput::from_json(&text_of(body)?);
    if parsed.input.extra.contains_key("idempotency_key") {
        return Ok(Fast::Fallback);
    }
    let cx = context(req, env, &cfg, &admitted);
    let prepared = event::begin(&cx, parsed, None).map_err(single_answer)?;
    Ok(Fast::Send {
        prepared,
        timeout_ms: cfg.upstream_timeout_ms,
    })
}

/// The answer to a request the fast path sent on, as the full handler gives
/// it to a request without `Origin`.
pub fn fast_answer(handled: Handled) -> Reply {
    with_cors(single_answer(handled), None)
}

/// The answer of `/inappevent` and `/validate`.
fn single_answer(handled: Handled) -> Reply {
    match handled {
        Handled::Invalid(errors) => invalid(errors),
        Handled::Valid { body, warnings } => Reply::json(
            200,
            &json!({ "ok": true, "bytes": body.len(), "body": body, "warnings": warnings }),
        ),
        Handled::Answered { answer, replayed } => {
            let response = Reply::json(answer.status, &answer.body);
            if replayed {
                response.header("idempotent-replayed", "true")
            } else {
                response
            }
        }
        Handled::InProgress => {
            Reply::json(409, &json!({ "error": "in_progress" })).header("retry-after", "1")
        }
        Handled::KeyReused => Reply::json(422, &key_reused()),
        Handled::Unavailable => {
            Reply::json(503, &json!({ "error": "unavailable" })).header("retry-after", "5")
        }
        Handled::Misconfigured(message) => {
            worker::console_error!("{{\"log\":\"config\",\"error\":\"{message}\"}}");
            Reply::json(
                500,
                &json!({ "error": "misconfigured", "message": message }),
            )
        }
    }
}

/// `/batch`: a JSON array of up to 100 events, or NDJSON (one per line).
/// A body that is neither (no line of it is a JSON object) is refused whole.
async fn batch(cx: &EventContext<'_>, text: &str, header_key: Option<String>) -> Reply {
    let items = match split_batch(text) {
        Ok(items) => items,
        Err(error) => return invalid(vec![error]),
    };
    if items.len() > config::MAX_BATCH_EVENTS {
        return Reply::json(
            413,
            &json!({ "error": "too_many_events", "max_events": config::MAX_BATCH_EVENTS }),
        );
    }
    let results: Vec<Value> = futures_util::stream::iter(items.into_iter().enumerate())
        .map(|(index, item)| {
            let key = header_key.as_ref().map(|k| format!("{k}#{index}"));
            async move {
                let handled = match item {
                    Ok(value) => event::handle(cx, EventInput::from_value(value), key).await,
                    Err(message) => Handled::Invalid(vec![FieldError::new(
                        "",
                        appsflyer_s2s::ErrorCode::InvalidJson,
                        message,
                    )]),
                };
                batch_result(index, handled)
            }
        })
        .buffered(config::BATCH_CONCURRENCY)
        .collect()
        .await;
    Reply::json(200, &json!({ "results": results }))
}

/// One entry of `/batch`'s `results`.
fn batch_result(index: usize, handled: Handled) -> Value {
    match handled {
        Handled::Invalid(errors) => {
            json!({ "index": index, "status": "invalid", "errors": errors })
        }
        Handled::Valid { .. } => json!({ "index": index, "status": "valid" }),
        Handled::Answered { answer, replayed } => {
            let mut entry = json!({ "index": index });
            if let (Some(entry), Some(body)) = (entry.as_object_mut(), answer.body.as_object()) {
                for (k, v) in body {
                    entry.insert(k.clone(), v.clone());
                }
                if replayed {
                    entry.insert("replayed".into(), Value::Bool(true));
                }
            }
            entry
        }
        Handled::InProgress => json!({ "index": index, "status": "in_progress" }),
        Handled::KeyReused => {
            let mut entry = key_reused();
            entry["index"] = json!(index);
            entry["status"] = json!("idempotency_key_reused");
            entry
        }
        Handled::Unavailable => json!({ "index": index, "status": "unavailable" }),
        Handled::Misconfigured(message) => {
            json!({ "index": index, "status": "misconfigured", "message": message })
        }
    }
}

/// The answer to an idempotency key first used for another event.
fn key_reused() -> Value {
    json!({
        "error": "idempotency_key_reused",
        "message": "this idempotency key was first used for another event within 24 hours: \
                    use a new key for a new event",
    })
}

fn invalid(errors: Vec<FieldError>) -> Reply {
    Reply::json(400, &json!({ "error": "invalid_event", "errors": errors }))
}

fn method_not_allowed(allow: &'static str) -> Reply {
    Reply::json(405, &json!({ "error": "method_not_allowed" })).header("allow", allow)
}

/// A CORS preflight: 204 with the allowed methods and headers for an allowed
/// origin, 403 otherwise.
fn preflight(allowed: bool, methods: &'static str) -> Reply {
    if !allowed {
        return Reply::json(403, &json!({ "error": "origin_not_allowed" }));
    }
    Reply::empty(204)
        .header("access-control-allow-methods", methods)
        .header(
            "access-control-allow-headers",
            "authorization, content-type, idempotency-key",
        )
        .header("access-control-max-age", "86400")
}

/// Adds `Access-Control-Allow-Origin` for an allowed origin; every answer
/// varies by `Origin`.
fn with_cors(mut response: Reply, origin: Option<String>) -> Reply {
    response.add_header("vary", "Origin");
    if let Some(origin) = origin {
        response.add_header("access-control-allow-origin", origin);
        response.add_header(
            "access-control-expose-headers",
            "idempotent-replayed, retry-after",
        );
    }
    response
}
