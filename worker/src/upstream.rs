//! Sending one prepared request to AppsFlyer through the platform `fetch`,
//! and reading the answer with the core's `classify`.
//!
//! - Redirects are never followed (`redirect: "manual"`): the request carries
//!   the S2S key, and a 3xx from the endpoint would re-post it, key and all,
//!   to wherever the redirect points. The 3xx itself is the answer, which the
//!   core classifies as a refusal (the API never redirects).
//! - The attempt times out with the platform's `AbortSignal.timeout`.
//! - AppsFlyer's body is read only when it matters (not after a 2xx, where
//!   it is drained unread so the connection is reused) and then only up to
//!   [`MAX_UPSTREAM_BODY_BYTES`]: an error page of any size costs no more.
//! - A failure after the request left (a timeout, a reset while waiting for
//!   the answer) is *ambiguous*: AppsFlyer may have recorded the event, and
//!   it does not deduplicate. [`Sent::ambiguous`] says so, for the queue, the
//!   dead letter and the log. workerd words a refused connection and a reset
//!   alike ("Network connection lost."), so every failure without an answer
//!   counts as ambiguous: a false "maybe sent" costs an operator a look, a
//!   false "not sent" would cost a duplicate.

use appsflyer_s2s::outcome::{classify_with_retry_after, transport_failure};
use appsflyer_s2s::{Outcome, S2sRequest};
use worker::js_sys::{self, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;

/// Most of AppsFlyer's body read, in bytes; the rest is not read.
pub const MAX_UPSTREAM_BODY_BYTES: usize = 4096;

/// AppsFlyer's answer to one attempt.
pub struct Sent {
    /// Delivered, rejected or retry, per the core.
    pub outcome: Outcome,
    /// The HTTP status, if AppsFlyer answered.
    pub status: Option<u16>,
    /// The start of the body AppsFlyer sent (at most
    /// [`MAX_UPSTREAM_BODY_BYTES`], cut on a character boundary).
    pub body: String,
    /// The attempt failed after the request may have reached AppsFlyer.
    pub ambiguous: bool,
    /// Milliseconds the attempt took.
    pub latency_ms: u64,
}

/// Sends `request`, giving up after `timeout_ms` (a timeout is a transient,
/// ambiguous failure).
pub async fn send(request: &S2sRequest, timeout_ms: u64) -> Sent {
    let started = crate::log::now_ms();
    // The platform's own timer: it aborts the fetch and the reading of its
    // body, with no timer or closure of ours to manage.
    let signal = web_sys::AbortSignal::timeout_with_f64(timeout_ms as f64);
    let answer = async {
        let response: web_sys::Response =
            JsFuture::from(fetch(request, &signal)?).await?.dyn_into()?;
        let status = response.status();
        if (200..300).contains(&status) {
            // Delivered: the body ("OK") changes nothing; read it to its end
            // (cancelling it would close the connection) without decoding.
            let _ = JsFuture::from(response.array_buffer()?).await;
            return Ok((status, None, String::new()));
        }
        let retry_after = response.headers().get("retry-after").ok().flatten();
        let body = read_capped(&response).await.unwrap_or_default();
        Ok::<_, JsValue>((status, retry_after, body))
    }
    .await;
    let latency_ms = crate::log::now_ms().saturating_sub(started);
    let (outcome, status, body, ambiguous) = match answer {
        Ok((status, retry_after, body)) => {
            let now = crate::log::now_ms();
            let outcome = classify_with_retry_after(status, &body, retry_after.as_deref(), now);
            (outcome, Some(status), body, false)
        }
        Err(_) if signal.aborted() => {
            let reason = format!("no answer within {timeout_ms} ms");
            (transport_failure(&reason), None, String::new(), true)
        }
        Err(error) => {
            // The platform's message names the URL at most, never headers.
            let reason = format!("network error: {}", worker::Error::from(error));
            (transport_failure(&reason), None, String::new(), true)
        }
    };
    Sent {
        outcome,
        status,
        body,
        ambiguous,
        latency_ms,
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
    // The key must never follow a redirect to another host.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    Ok(global.fetch_with_str_and_init(&request.url, &init))
}

/// The body's first [`MAX_UPSTREAM_BODY_BYTES`] as text (lossy UTF-8, cut on
/// a character boundary); the rest is cancelled unread.
async fn read_capped(response: &web_sys::Response) -> Result<String, JsValue> {
    let Some(stream) = response.body() else {
        return Ok(String::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await?;
        let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))?;
        if done.as_bool() == Some(true) {
            break;
        }
        let chunk = Uint8Array::new(&js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))?);
        let room = MAX_UPSTREAM_BODY_BYTES - bytes.len();
        let take = (chunk.length() as usize).min(room);
        let start = bytes.len();
        bytes.resize(start + take, 0);
        chunk.subarray(0, take as u32).copy_to(&mut bytes[start..]);
        if bytes.len() == MAX_UPSTREAM_BODY_BYTES {
            let _ = reader.cancel();
            break;
        }
    }
    Ok(cut(&bytes))
}

/// Bytes as text, without a character split at the end.
fn cut(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_cut_by_the_cap_is_dropped() {
        let text = "ok é";
        let bytes = text.as_bytes();
        assert_eq!(cut(&bytes[..bytes.len() - 1]), "ok ");
        assert_eq!(cut(bytes), text);
        assert_eq!(cut(b"a\xffb"), "a\u{FFFD}b");
    }
}
