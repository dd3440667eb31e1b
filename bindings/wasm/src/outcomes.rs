//! AppsFlyer's answers and the retry schedule: `classifyResponse`,
//! `transportFailure`, `nextDelayMs`. Only in the full build (feature
//! `events`).

use appsflyer_s2s::outcome::{self, Outcome, RetryPolicy};
use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::errors::set;

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
    let mut policy = RetryPolicy::default();
    policy.max_attempts = max_attempts;
    if let Some(base) = base_delay_ms.filter(|b| b.is_finite() && *b >= 0.0) {
        policy.base_delay_ms = base as u64;
    }
    let retry_after = retry_after_ms.filter(|ms| ms.is_finite() && *ms >= 0.0);
    policy
        .next_delay_ms(attempt, retry_after.map(|ms| ms as u64), jitter)
        .map(|ms| ms as f64)
}
