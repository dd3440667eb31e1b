//! Events and requests: `buildEvent`, `validateEvent`, `prepareRequest`.
//! Only in the full build (feature `events`).
//!
//! Field names in errors follow the JavaScript API: the option
//! `default_region` of the core is reported as `defaultRegion`.

#[cfg(feature = "crossing-probe")]
use appsflyer_s2s::error::ErrorCode;
use appsflyer_s2s::error::{FieldError, Warning};
use appsflyer_s2s::{request, BuildOptions, EventInput};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::errors::{failure, problem, set};

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

/// The core's build options from the JavaScript ones: `defaultRegion`, and
/// `unknownFields: "forward"` as `forward_unknown_fields`.
fn options(default_region: Option<String>, forward_unknown_fields: bool) -> BuildOptions {
    let options = match default_region {
        Some(region) => BuildOptions::new().default_region(region),
        None => BuildOptions::new(),
    };
    options.forward_unknown_fields(forward_unknown_fields)
}

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
        crate::errors::fail(
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
