//! Sending one prepared request to AppsFlyer through the platform `fetch`,
//! with a timeout, and reading the answer with the core's `classify`.
//!
//! It calls `fetch(url, init)` directly rather than through
//! `worker::Request`/`worker::Response` (which read `cf` on every request and
//! answer, and read bodies chunk by chunk through a stream reader), reads the
//! body only when it matters (not after a 2xx), and times out with
//! `AbortSignal.timeout` rather than a `Delay` raced against the fetch: each
//! of those cost CPU per event over a plain-JS pass-through
//! (worker/test/load.mjs, worker/test/bench.mjs).

use appsflyer_s2s::outcome::{classify_with_retry_after, transport_failure};
use appsflyer_s2s::{Outcome, S2sRequest};
use worker::js_sys;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;

/// Longest slice of AppsFlyer's body kept for the caller (502 answers).
const MAX_UPSTREAM_BODY_BYTES: usize = 1024;

/// AppsFlyer's answer to one attempt.
pub struct Sent {
    /// Delivered, rejected or retry, per the core.
    pub outcome: Outcome,
    /// The HTTP status, if AppsFlyer answered.
    pub status: Option<u16>,
    /// The start of the body AppsFlyer sent (at most 1 KB).
    pub body: String,
    /// Milliseconds the attempt took.
    pub latency_ms: u64,
}

/// Sends `request`, giving up after `timeout_ms` (a timeout is a transient failure).
pub async fn send(request: &S2sRequest, timeout_ms: u64) -> Sent {
    let started = crate::log::now_ms();
    // The platform's own timer (`AbortSignal.timeout`): it aborts the fetch
    // and the reading of its body, with no timer or closure of ours to manage.
    let signal = web_sys::AbortSignal::timeout_with_f64(timeout_ms as f64);
    let answer = async {
        let response: web_sys::Response =
            JsFuture::from(fetch(request, &signal)?).await?.dyn_into()?;
        let status = response.status();
        if (200..300).contains(&status) {
            // Delivered: AppsFlyer's body ("ok") changes nothing, so it is
            // read to its end (which lets the platform reuse the connection;
            // cancelling it closes the connection instead) but not decoded.
            let _ = JsFuture::from(response.array_buffer()?).await;
            return Ok((status, None, Some(String::new())));
        }
        let retry_after = response.headers().get("retry-after").ok().flatten();
        let body = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|v| v.as_string()),
            Err(_) => None,
        };
        Ok::<_, JsValue>((status, retry_after, body))
    }
    .await;
    let answer = answer.map_err(|error| worker::Error::from(error).to_string());
    conclude(answer, signal.aborted(), timeout_ms, started)
}

/// What AppsFlyer answered, as read: the status, its `Retry-After` and its
/// body (`None` when it could not be read), or why there was no answer.
pub type Answer = Result<(u16, Option<String>, Option<String>), String>;

/// Reads an attempt that began at `started` (epoch ms) with the core's
/// `classify`: `aborted` tells whether the `timeout_ms` timer fired. Shared by
/// [`send`] and the fast path, whose `fetch` is made in JavaScript (`fast`).
pub fn conclude(answer: Answer, aborted: bool, timeout_ms: u64, started: u64) -> Sent {
    let (outcome, status, body) = match answer {
        // A body cut by the timeout is a timeout; one cut otherwise still has its status.
        Ok((_, _, None)) | Err(_) if aborted => {
            let reason = format!("no answer within {timeout_ms} ms");
            (transport_failure(&reason), None, String::new())
        }
        Ok((status, retry_after, body)) => {
            let body = body.unwrap_or_default();
            let now = crate::log::now_ms();
            let outcome = classify_with_retry_after(status, &body, retry_after.as_deref(), now);
            (outcome, Some(status), bounded(body))
        }
        Err(error) => {
            // The platform's message names the URL at most, never headers.
            let reason = format!("network error: {error}");
            (transport_failure(&reason), None, String::new())
        }
    };
    Sent {
        outcome,
        status,
        body,
        latency_ms: crate::log::now_ms().saturating_sub(started),
    }
}

fn fetch(request: &S2sRequest, signal: &web_sys::AbortSignal) -> Result<js_sys::Promise, JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&request.body));
    init.set_signal(Some(signal));
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    Ok(global.fetch_with_str_and_init(&request.url, &init))
}

/// The body cut to [`MAX_UPSTREAM_BODY_BYTES`] on a character boundary.
fn bounded(mut body: String) -> String {
    if body.len() > MAX_UPSTREAM_BODY_BYTES {
        let mut end = MAX_UPSTREAM_BODY_BYTES;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body.truncate(end);
    }
    body
}
