//! The HTTP routes (a contract: paths, status codes and JSON shapes are in
//! `worker/README.md`), CORS, and reading bodies with a size bound.

use appsflyer_s2s::request::validate_app_id;
use appsflyer_s2s::{EventInput, FieldError};
use futures_util::StreamExt;
use serde_json::{json, Value};
use worker::{Env, Headers, Request, Response, Result};

use crate::auth;
use crate::config::{self, Config};
use crate::event::{self, EventContext, Handled};
use crate::incoming::{parse_path, percent_decode, split_batch, Route};

/// Dispatches one request.
pub async fn handle(req: Request, env: Env) -> Result<Response> {
    let cfg = match Config::get(&env) {
        Ok(cfg) => cfg,
        Err(e) => {
            worker::console_error!("{{\"log\":\"config\",\"error\":\"{}\"}}", e.0);
            return json_response(500, &json!({ "error": "misconfigured", "message": e.0 }));
        }
    };
    let origin = req.headers().get("origin")?;
    let cors = origin.as_deref().and_then(|o| cfg.cors_origin(o));
    let response = route(req, &env, &cfg, cors.is_some()).await?;
    with_cors(response, cors)
}

async fn route(req: Request, env: &Env, cfg: &Config, cors_allowed: bool) -> Result<Response> {
    let path = req.path();
    // Matched on the exact name: `Request::method` takes any method it does
    // not know (e.g. PROPFIND) for GET.
    let method = req.inner().method();
    if path == "/health" {
        return match method.as_str() {
            "GET" | "HEAD" => json_response(200, &json!({ "status": "ok" })),
            "OPTIONS" => preflight(cors_allowed, "GET, HEAD, OPTIONS"),
            _ => method_not_allowed("GET, HEAD, OPTIONS"),
        };
    }
    let Some((route, raw_app_id)) = parse_path(&path) else {
        return json_response(404, &json!({ "error": "not_found" }));
    };
    match method.as_str() {
        "POST" => {}
        "OPTIONS" => return preflight(cors_allowed, "POST, OPTIONS"),
        _ => return method_not_allowed("POST, OPTIONS"),
    }
    let authorization = req.headers().get("authorization")?;
    if !auth::authorized(authorization.as_deref(), cfg.tokens()) {
        let mut response = json_response(401, &json!({ "error": "unauthorized" }))?;
        response.headers_mut().set("www-authenticate", "Bearer")?;
        return Ok(response);
    }
    let app_id = percent_decode(raw_app_id);
    let (app_id, app_id_error) = match app_id {
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
    let s2s_key = cfg.key_for(&app_id);
    if app_id_error.is_none() && s2s_key.is_none() {
        return json_response(404, &json!({ "error": "unknown_app" }));
    }
    if let (Route::Batch, Some(error)) = (route, &app_id_error) {
        // It would make every event of the batch invalid: say it once.
        return invalid(vec![error.clone()]);
    }
    let limit = if route == Route::Batch {
        config::MAX_BATCH_REQUEST_BYTES
    } else {
        config::MAX_EVENT_REQUEST_BYTES
    };
    let mut req = req;
    let Some(bytes) = read_bounded(&mut req, limit).await? else {
        return json_response(
            413,
            &json!({ "error": "payload_too_large", "max_bytes": limit }),
        );
    };
    let idempotency_header = req.headers().get("idempotency-key")?;
    let cx = EventContext {
        env,
        cfg,
        route: route.name(),
        app_id: &app_id,
        s2s_key,
        app_id_error,
        client_ip: req.headers().get("cf-connecting-ip")?,
        forward: route != Route::Validate,
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            return invalid(vec![FieldError::new(
                "",
                appsflyer_s2s::ErrorCode::InvalidJson,
                "the body is not UTF-8 text",
            )])
        }
    };
    if route == Route::Batch {
        return batch(&cx, &text, idempotency_header).await;
    }
    let handled = event::handle(&cx, EventInput::from_json(&text), idempotency_header).await;
    single_answer(handled)
}

/// The answer of `/inappevent` and `/validate`.
fn single_answer(handled: Handled) -> Result<Response> {
    match handled {
        Handled::Invalid(errors) => invalid(errors),
        Handled::Valid { body, warnings } => json_response(
            200,
            &json!({ "ok": true, "bytes": body.len(), "body": body, "warnings": warnings }),
        ),
        Handled::Answered { answer, replayed } => {
            let mut response = json_response(answer.status, &answer.body)?;
            if replayed {
                response.headers_mut().set("idempotent-replayed", "true")?;
            }
            Ok(response)
        }
        Handled::InProgress => {
            let mut response = json_response(409, &json!({ "error": "in_progress" }))?;
            response.headers_mut().set("retry-after", "1")?;
            Ok(response)
        }
        Handled::Unavailable => {
            let mut response = json_response(503, &json!({ "error": "unavailable" }))?;
            response.headers_mut().set("retry-after", "5")?;
            Ok(response)
        }
        Handled::Misconfigured(message) => {
            worker::console_error!("{{\"log\":\"config\",\"error\":\"{message}\"}}");
            json_response(
                500,
                &json!({ "error": "misconfigured", "message": message }),
            )
        }
    }
}

/// `/batch`: a JSON array of up to 100 events, or NDJSON (one per line).
/// A body that is neither (no line of it is a JSON object) is refused whole.
async fn batch(cx: &EventContext<'_>, text: &str, header_key: Option<String>) -> Result<Response> {
    let items = match split_batch(text) {
        Ok(items) => items,
        Err(error) => return invalid(vec![error]),
    };
    if items.len() > config::MAX_BATCH_EVENTS {
        return json_response(
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
    json_response(200, &json!({ "results": results }))
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
        Handled::Unavailable => json!({ "index": index, "status": "unavailable" }),
        Handled::Misconfigured(message) => {
            json!({ "index": index, "status": "misconfigured", "message": message })
        }
    }
}

fn invalid(errors: Vec<FieldError>) -> Result<Response> {
    json_response(400, &json!({ "error": "invalid_event", "errors": errors }))
}

fn method_not_allowed(allow: &str) -> Result<Response> {
    let mut response = json_response(405, &json!({ "error": "method_not_allowed" }))?;
    response.headers_mut().set("allow", allow)?;
    Ok(response)
}

/// A CORS preflight: 204 with the allowed methods and headers for an allowed
/// origin, 403 otherwise.
fn preflight(allowed: bool, methods: &str) -> Result<Response> {
    if !allowed {
        return json_response(403, &json!({ "error": "origin_not_allowed" }));
    }
    let headers = Headers::new();
    headers.set("access-control-allow-methods", methods)?;
    headers.set(
        "access-control-allow-headers",
        "authorization, content-type, idempotency-key",
    )?;
    headers.set("access-control-max-age", "86400")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

/// Adds `Access-Control-Allow-Origin` for an allowed origin; every answer
/// varies by `Origin`.
fn with_cors(mut response: Response, origin: Option<String>) -> Result<Response> {
    let headers = response.headers_mut();
    headers.append("vary", "Origin")?;
    if let Some(origin) = origin {
        headers.set("access-control-allow-origin", &origin)?;
        headers.set(
            "access-control-expose-headers",
            "idempotent-replayed, retry-after",
        )?;
    }
    Ok(response)
}

fn json_response(status: u16, body: &Value) -> Result<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

/// The body, or `None` if it is over `limit` bytes. A `Content-Length` over
/// the limit is refused without reading; one within it is read at once (the
/// platform holds a body to its declared length); without one, reading the
/// stream stops at the limit.
async fn read_bounded(req: &mut Request, limit: usize) -> Result<Option<Vec<u8>>> {
    if let Some(length) = req.headers().get("content-length")? {
        if length
            .trim()
            .parse::<u64>()
            .map_or(true, |n| n > limit as u64)
        {
            return Ok(None);
        }
        // One call instead of a stream reader's read per chunk: most of the
        // cost of a small body.
        let body = req.bytes().await?;
        return Ok((body.len() <= limit).then_some(body));
    }
    let mut body = Vec::new();
    let Ok(mut stream) = req.stream() else {
        return Ok(Some(body)); // no body
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}
