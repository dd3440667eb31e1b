//! Sending one prepared request to AppsFlyer through the platform `fetch`,
//! with a timeout, and reading the answer with the core's `classify`.

use std::time::Duration;

use appsflyer_s2s::outcome::{classify_with_retry_after, transport_failure};
use appsflyer_s2s::{Outcome, S2sRequest};
use futures_util::future::{select, Either};
use futures_util::pin_mut;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

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
    let controller = AbortController::default();
    let signal = controller.signal();
    let attempt = async {
        let fetch_request = build(request)?;
        let mut response = Fetch::Request(fetch_request)
            .send_with_signal(&signal)
            .await?;
        let status = response.status_code();
        let retry_after = response.headers().get("retry-after").ok().flatten();
        let body = response.text().await.unwrap_or_default();
        Ok::<_, worker::Error>((status, retry_after, body))
    };
    let timeout = Delay::from(Duration::from_millis(timeout_ms));
    pin_mut!(attempt);
    let (outcome, status, body) = match select(attempt, timeout).await {
        Either::Left((Ok((status, retry_after, body)), _)) => {
            let now = crate::log::now_ms();
            let outcome = classify_with_retry_after(status, &body, retry_after.as_deref(), now);
            (outcome, Some(status), bounded(body))
        }
        Either::Left((Err(error), _)) => {
            // The platform's message names the URL at most, never headers.
            let reason = format!("network error: {error}");
            (transport_failure(&reason), None, String::new())
        }
        Either::Right(((), _)) => {
            controller.abort();
            let reason = format!("no answer within {timeout_ms} ms");
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

fn build(request: &S2sRequest) -> worker::Result<Request> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(request.body.clone().into()));
    Request::new_with_init(&request.url, &init)
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
