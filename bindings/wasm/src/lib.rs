//! WebAssembly bindings of [`appsflyer_s2s`] for the npm package
//! `appsflyer-s2s` (`pkg/` in this repository).
//!
//! Only translation lives here: JavaScript values in, the core's functions,
//! JavaScript values out. Events cross as JSON text (`JSON.stringify` in
//! JavaScript, `serde_json` in the core): one native `JSON.stringify` and one
//! string copy per event: measured 1.2x faster than reading the object with
//! `serde-wasm-bindgen` (`make bench-crossing`, BENCHMARKS.md). Results are
//! plain objects; a failure is thrown as `{ errors: [{ field, code, message }] }`,
//! which the package's JavaScript glue (`pkg/lib/api.js`) turns into an
//! `S2SError`, the class users catch. The glue also converts `Date`s, checks
//! argument types and runs `S2SClient`.
//!
//! Field names in errors follow the JavaScript API: the option
//! `default_region` of the core is reported as `defaultRegion`.

use appsflyer_s2s::error::{ErrorCode, FieldError, Warning};
use appsflyer_s2s::hash;
use appsflyer_s2s::normalize::{self, NormalizeError};
use appsflyer_s2s::outcome::{self, Outcome, RetryPolicy};
use appsflyer_s2s::phone::{self, PhoneError};
use appsflyer_s2s::{request, BuildOptions, EventInput};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

mod typescript;

// ------------------------------------------------------------------ objects

/// Sets `obj[key] = value` on a plain object.
fn set(obj: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh, ordinary object cannot fail, so the
    // `Result` carries nothing to handle.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// `{ field, code, message }`.
fn problem(field: &str, code: &str, message: &str) -> Object {
    let obj = Object::new();
    set(&obj, "field", &field.into());
    set(&obj, "code", &code.into());
    set(&obj, "message", &message.into());
    obj
}

/// The JavaScript name of a field the core reports.
fn js_field(field: &str) -> &str {
    match field {
        "default_region" => "defaultRegion",
        "s2s_key" => "s2sKey",
        "app_id" => "appId",
        other => other,
    }
}

fn errors_array<'a>(errors: impl IntoIterator<Item = &'a FieldError>) -> Array {
    errors
        .into_iter()
        .map(|e| problem(js_field(&e.field), e.code.as_str(), &e.message))
        .collect()
}

fn warnings_array(warnings: &[Warning]) -> Array {
    warnings
        .iter()
        .map(|w| problem(js_field(&w.field), w.code.as_str(), &w.message))
        .collect()
}

/// What the glue turns into an `S2SError`: `{ errors: [...] }`.
fn failure(errors: Array) -> JsValue {
    let obj = Object::new();
    set(&obj, "errors", &errors);
    obj.into()
}

fn fail(field: &str, code: ErrorCode, message: &str) -> JsValue {
    failure(core::iter::once(problem(field, code.as_str(), message)).collect())
}

/// The core's build options from the JavaScript ones: `defaultRegion`, and
/// `unknownFields: "forward"` as `forward_unknown_fields`.
fn options(default_region: Option<String>, forward_unknown_fields: bool) -> BuildOptions {
    let options = match default_region {
        Some(region) => BuildOptions::new().default_region(region),
        None => BuildOptions::new(),
    };
    options.forward_unknown_fields(forward_unknown_fields)
}

// ------------------------------------------------------------------ hashing

/// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex(text: &str) -> String {
    hash::sha256_hex(text)
}

fn normalize_error(field: &str, code: ErrorCode, e: NormalizeError) -> JsValue {
    match e {
        NormalizeError::Phone(e) => phone_error(field, e),
        _ => fail(field, code, &e.to_string()),
    }
}

fn phone_error(field: &str, e: PhoneError) -> JsValue {
    match e {
        PhoneError::InvalidRegion => {
            fail("defaultRegion", ErrorCode::InvalidRegion, &e.to_string())
        }
        _ => fail(field, ErrorCode::InvalidPhone, &e.to_string()),
    }
}

/// The `email_hashed` input: trimmed, lowercased.
#[wasm_bindgen(js_name = normalizeEmail)]
pub fn normalize_email(email: &str) -> Result<String, JsValue> {
    normalize::email(email).map_err(|e| normalize_error("email", ErrorCode::InvalidEmail, e))
}

/// `email_hashed`: SHA-256 of the normalized email.
#[wasm_bindgen(js_name = hashEmail)]
pub fn hash_email(email: &str) -> Result<String, JsValue> {
    normalize_email(email).map(|n| hash::sha256_hex(&n))
}

/// The `first_name_hashed` / `last_name_hashed` input: NFC, trimmed, lowercased.
#[wasm_bindgen(js_name = normalizeName)]
pub fn normalize_name(name: &str) -> Result<String, JsValue> {
    normalize::name(name).map_err(|e| normalize_error("name", ErrorCode::InvalidName, e))
}

/// `first_name_hashed` / `last_name_hashed`: SHA-256 of the normalized name.
#[wasm_bindgen(js_name = hashName)]
pub fn hash_name(name: &str) -> Result<String, JsValue> {
    normalize_name(name).map(|n| hash::sha256_hex(&n))
}

fn parse_phone(phone: &str, default_region: Option<String>) -> Result<phone::PhoneNumber, JsValue> {
    phone::parse(phone, default_region.as_deref()).map_err(|e| phone_error("phone", e))
}

/// The number in E.164 (`+12133734253`), parsed as libphonenumber-js parses it.
#[wasm_bindgen(js_name = toE164)]
pub fn to_e164(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| n.e164())
}

/// The `phone_number_hashed` input: E.164 without `+` (`12133734253`).
#[wasm_bindgen(js_name = phoneDigits)]
pub fn phone_digits(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| n.digits())
}

/// `phone_number_hashed`: SHA-256 of [`phone_digits`].
#[wasm_bindgen(js_name = hashPhone)]
pub fn hash_phone(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| hash::sha256_hex(&n.digits()))
}

/// `phone_number_e164_hashed`: SHA-256 of [`to_e164`].
#[wasm_bindgen(js_name = hashPhoneE164)]
pub fn hash_phone_e164(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| hash::sha256_hex(&n.e164()))
}

// ------------------------------------------------------------------ events

/// Builds an event from its JSON text: `{ body, bytes, warnings }`, or throws
/// `{ errors }` with every problem.
#[wasm_bindgen(js_name = buildEvent)]
pub fn build_event(
    input_json: &str,
    default_region: Option<String>,
    forward_unknown_fields: bool,
) -> Result<Object, JsValue> {
    built_object(appsflyer_s2s::build_event_json(
        input_json,
        &options(default_region, forward_unknown_fields),
    ))
}

/// `{ body, bytes, warnings }`, or `{ errors }` to throw.
fn built_object(
    result: Result<appsflyer_s2s::BuiltEvent, appsflyer_s2s::Error>,
) -> Result<Object, JsValue> {
    match result {
        Ok(built) => {
            let obj = Object::new();
            set(&obj, "body", &JsValue::from_str(&built.body));
            set(&obj, "bytes", &JsValue::from(built.bytes() as f64));
            set(&obj, "warnings", &warnings_array(&built.warnings));
            Ok(obj)
        }
        Err(e) => Err(failure(errors_array(e.errors()))),
    }
}

/// [`build_event`] reading the event object with serde-wasm-bindgen instead of
/// JSON text: only in the `crossing-probe` build, to measure the two ways.
#[cfg(feature = "crossing-probe")]
#[wasm_bindgen(js_name = buildEventFromObject)]
pub fn build_event_from_object(
    input: JsValue,
    default_region: Option<String>,
) -> Result<Object, JsValue> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(input).map_err(|_| {
        fail(
            "",
            ErrorCode::InvalidJson,
            "the event is not a JSON-like object",
        )
    })?;
    built_object(EventInput::from_value(value).build(&options(default_region, false)))
}

/// Every problem and warning of an event from its JSON text, without
/// throwing: `{ ok, errors, warnings }`.
#[wasm_bindgen(js_name = validateEvent)]
pub fn validate_event(
    input_json: &str,
    default_region: Option<String>,
    forward_unknown_fields: bool,
) -> Object {
    let report = appsflyer_s2s::validate_event_json(
        input_json,
        &options(default_region, forward_unknown_fields),
    );
    let obj = Object::new();
    set(&obj, "ok", &JsValue::from_bool(report.ok()));
    set(&obj, "errors", &errors_array(&report.errors));
    set(&obj, "warnings", &warnings_array(&report.warnings));
    obj
}

/// Builds the event and the Send Event request for it:
/// `{ url, method, headers, body }`, or throws `{ errors }` with the
/// problems of the event and of the app id, key and endpoint together.
#[wasm_bindgen(js_name = prepareRequest)]
pub fn prepare_request(
    app_id: &str,
    s2s_key: &str,
    input_json: &str,
    endpoint: Option<String>,
    default_region: Option<String>,
    forward_unknown_fields: bool,
) -> Result<Object, JsValue> {
    let built =
        EventInput::from_json(input_json).build(&options(default_region, forward_unknown_fields));
    let body = built.as_ref().map(|b| b.body.clone()).unwrap_or_default();
    let prepared = request::prepare(app_id, s2s_key, endpoint.as_deref(), body);
    match (built, prepared) {
        (Ok(_), Ok(req)) => {
            let headers = Object::new();
            for (name, value) in &req.headers {
                set(&headers, name, &JsValue::from_str(value));
            }
            let obj = Object::new();
            set(&obj, "url", &JsValue::from_str(&req.url));
            set(&obj, "method", &JsValue::from_str(req.method));
            set(&obj, "headers", &headers);
            set(&obj, "body", &JsValue::from_str(&req.body));
            Ok(obj)
        }
        (built, prepared) => {
            let event_errors = built.err().map(|e| e.into_errors()).unwrap_or_default();
            let request_errors = prepared.err().map(|e| e.into_errors()).unwrap_or_default();
            // Where the request goes first, then what it carries.
            Err(failure(errors_array(
                request_errors.iter().chain(&event_errors),
            )))
        }
    }
}

// ------------------------------------------------------------------ outcomes

fn outcome_object(outcome: &Outcome) -> Object {
    let status = match outcome {
        Outcome::Rejected { status, .. } => Some(*status),
        Outcome::Retry { status, .. } => *status,
        _ => None,
    };
    let obj = Object::new();
    set(&obj, "outcome", &outcome.as_str().into());
    set(
        &obj,
        "reason",
        &outcome.reason().map_or(JsValue::NULL, JsValue::from_str),
    );
    if let Some(ms) = outcome.retry_after_ms() {
        set(&obj, "retryAfterMs", &JsValue::from(ms as f64));
    }
    if let Some(status) = status {
        set(&obj, "status", &JsValue::from(status));
    }
    obj
}

/// Reads AppsFlyer's answer: `{ outcome, reason, status?, retryAfterMs? }`.
///
/// `status` outside 0–65535 or not whole counts as an invalid status (retry);
/// `retry_after` is the `Retry-After` header, read relative to `now_ms`
/// (`Date.now()`).
#[wasm_bindgen(js_name = classifyResponse)]
pub fn classify_response(
    status: f64,
    body: &str,
    retry_after: Option<String>,
    now_ms: f64,
) -> Object {
    let status = if status.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&status) {
        status as u16
    } else {
        0
    };
    let now = if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    };
    let outcome = outcome::classify_with_retry_after(status, body, retry_after.as_deref(), now);
    let obj = outcome_object(&outcome);
    if matches!(outcome, Outcome::Delivered) {
        set(&obj, "status", &JsValue::from(status));
    }
    obj
}

/// A network error or timeout as an outcome: `{ outcome: 'retry', reason }`.
#[wasm_bindgen(js_name = transportFailure)]
pub fn transport_failure(reason: &str) -> Object {
    outcome_object(&outcome::transport_failure(reason))
}

/// The core's retry schedule: milliseconds to wait before the next attempt
/// after `attempt` attempts, or `undefined` once `max_attempts` are spent.
/// `base_delay_ms` replaces the default 2 s first step when given.
#[wasm_bindgen(js_name = nextDelayMs)]
pub fn next_delay_ms(
    attempt: u32,
    max_attempts: u32,
    retry_after_ms: Option<f64>,
    jitter: f64,
    base_delay_ms: Option<f64>,
) -> Option<f64> {
    let mut policy = RetryPolicy {
        max_attempts,
        ..RetryPolicy::default()
    };
    if let Some(base) = base_delay_ms.filter(|b| b.is_finite() && *b >= 0.0) {
        policy.base_delay_ms = base as u64;
    }
    let retry_after = retry_after_ms.filter(|ms| ms.is_finite() && *ms >= 0.0);
    policy
        .next_delay_ms(attempt, retry_after.map(|ms| ms as u64), jitter)
        .map(|ms| ms as f64)
}
