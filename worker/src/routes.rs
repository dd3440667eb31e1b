//! The HTTP routes (a contract: paths, status codes and JSON shapes are in
//! `worker/README.md`) and CORS. Every request takes one path: configuration,
//! the route and method, the caller's token and scope, the app and its key,
//! the caller's rate limit, and only then the body, read with a size bound.

use std::rc::Rc;

use appsflyer_s2s::request::validate_app_id;
use appsflyer_s2s::{EventInput, FieldError, Warning};
use serde_json::{json, Value};
use worker::{Context, Env};

use crate::auth::Caller;
use crate::config::{self, Config, CALLER_RATE_LIMIT};
use crate::event::{self, EventContext, Handled, Mode};
use crate::http::{Incoming, Reply};
use crate::idempotency::Scope;
use crate::incoming::{parse_path, percent_decode, Route};
use crate::log::{EventLog, LogOutcome};

/// Seconds a rate-limited caller is told to wait: the binding's period.
const RATE_LIMIT_RETRY_AFTER: &str = "10";

/// Dispatches one request.
pub async fn handle(req: Incoming, env: Env, ctx: &Context) -> Reply {
    let cfg = match Config::get(&env) {
        Ok(cfg) => cfg,
        Err(e) => {
            worker::console_error!("{{\"log\":\"config\",\"error\":\"{}\"}}", e.0);
            return with_cors(
                Reply::json(500, &json!({ "error": "misconfigured", "message": e.0 })),
                None,
            );
        }
    };
    let cors = req.header("origin").and_then(|o| cfg.cors_origin(&o));
    let response = route(req, env, ctx, cfg, cors.is_some()).await;
    with_cors(response, cors)
}

/// What is known of a request for an event route once it is admitted,
/// before its body is read.
struct Admitted {
    route: Route,
    caller: Caller,
    app_id: String,
    app_id_error: Option<FieldError>,
}

async fn route(
    req: Incoming,
    env: Env,
    ctx: &Context,
    cfg: Rc<Config>,
    cors_allowed: bool,
) -> Reply {
    let admitted = match admit(&req, &cfg, cors_allowed) {
        Ok(admitted) => admitted,
        Err(reply) => return reply,
    };
    if let Some(reply) = rate_limited(&env, &admitted).await {
        return reply;
    }
    let limit = match admitted.route {
        Route::Batch => config::MAX_BATCH_REQUEST_BYTES,
        _ => config::MAX_EVENT_REQUEST_BYTES,
    };
    let text = match req.body(limit).await {
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => return whole_body_error("the body is not UTF-8 text"),
        },
        Ok(None) => {
            return Reply::json(
                413,
                &json!({ "error": "payload_too_large", "max_bytes": limit }),
            )
        }
        Err(_) => return whole_body_error("the body could not be read to its end"),
    };
    let header_key = req.header("idempotency-key");
    let cx = EventContext {
        env,
        cfg: Rc::clone(&cfg),
        route: admitted.route,
        caller: admitted.caller.id,
        app_id: admitted.app_id,
        app_id_error: admitted.app_id_error,
        client_ip: if cfg.fill_ip {
            req.header("cf-connecting-ip")
        } else {
            None
        },
    };
    if admitted.route == Route::Batch {
        return crate::batch::run(cx, ctx, &text, header_key, req.signal()).await;
    }
    let key = header_key.map(|k| (Scope::Event, k));
    let handled = event::handle(&cx, EventInput::from_json(&text), key, Mode::Send).await;
    single_answer(handled)
}

/// Everything about a request that needs no body and no I/O: `/health`,
/// the route, the method, the caller's token and scope, the app id and its
/// key. `Err` is the answer.
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
    let Some(caller) = cfg
        .callers
        .authenticate(req.header("authorization").as_deref())
    else {
        return Err(Reply::json(401, &json!({ "error": "unauthorized" }))
            .header("www-authenticate", "Bearer"));
    };
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
    if !caller.may(route, &app_id) {
        return Err(Reply::json(
            403,
            &json!({
                "error": "forbidden",
                "message": "this token may not use this route for this app (see CLIENT_TOKENS)",
            }),
        ));
    }
    if app_id_error.is_none() && cfg.key_for(&app_id).is_none() {
        return Err(Reply::json(404, &json!({ "error": "unknown_app" })));
    }
    if let (Route::Batch, Some(error)) = (route, &app_id_error) {
        // It would make every event of the batch invalid: say it once.
        return Err(invalid(vec![error.clone()], Vec::new()));
    }
    Ok(Admitted {
        route,
        caller: caller.clone(),
        app_id,
        app_id_error,
    })
}

/// The caller's rate limit (the `CALLER_RATE_LIMIT` binding, keyed by the
/// caller's id), for the one request: `Some` is the `429` when it is spent.
async fn rate_limited(env: &Env, admitted: &Admitted) -> Option<Reply> {
    if within_rate(env, &admitted.caller.id, 1).await {
        return None;
    }
    Some(rate_limit_reply(
        admitted.route,
        &admitted.app_id,
        &admitted.caller.id,
    ))
}

/// Spends `units` of the caller's rate limit (a `/batch` spends one per
/// event); `false` when any is refused. Without the binding (or if it
/// fails) nothing is limited: the limit protects the account's quota, and
/// refusing every event would lose more than it protects.
pub async fn within_rate(env: &Env, caller: &str, units: usize) -> bool {
    let Ok(limiter) = env.rate_limiter(CALLER_RATE_LIMIT) else {
        return true;
    };
    let calls = (0..units).map(|_| limiter.limit(caller.to_string()));
    futures_util::future::join_all(calls)
        .await
        .into_iter()
        .all(|outcome| outcome.map_or(true, |o| o.success))
}

/// The `429` of a caller over its rate limit, with its log line.
pub fn rate_limit_reply(route: Route, app_id: &str, caller: &str) -> Reply {
    let mut line = EventLog::new(route.name(), app_id, None, LogOutcome::RateLimited);
    line.caller = Some(caller);
    line.attempt = 0;
    line.emit();
    Reply::json(429, &json!({ "error": "rate_limited" }))
        .header("retry-after", RATE_LIMIT_RETRY_AFTER)
}

fn whole_body_error(message: &str) -> Reply {
    invalid(
        vec![FieldError::new(
            "",
            appsflyer_s2s::ErrorCode::InvalidJson,
            message,
        )],
        Vec::new(),
    )
}

/// The answer of `/inappevent` and `/validate`.
fn single_answer(handled: Handled) -> Reply {
    match handled {
        Handled::Invalid(errors, warnings) => invalid(errors, warnings),
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

/// The answer to an idempotency key first used for another event.
pub fn key_reused() -> Value {
    json!({
        "error": "idempotency_key_reused",
        "message": "this idempotency key was first used for another event within 24 hours: \
                    use a new key for a new event",
    })
}

/// `400` with every field error, and the warnings when there are any.
pub fn invalid(errors: Vec<FieldError>, warnings: Vec<Warning>) -> Reply {
    let mut body = json!({ "error": "invalid_event", "errors": errors });
    if !warnings.is_empty() {
        body["warnings"] = json!(warnings);
    }
    Reply::json(400, &body)
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
