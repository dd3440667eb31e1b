//! The fast path's bindings for `worker/entry.mjs`, the Worker's JavaScript
//! entry. For the most common request (`POST /inappevent/{app_id}` with no
//! `Origin` and no idempotency key) the entry reads the body, asks
//! [`FastPath::begin`] what to do (all checks and the event built by the
//! core, with no I/O), makes the one `fetch` to AppsFlyer itself and hands
//! the answer to [`PendingEvent::finish`]. Every decision stays in Rust; only
//! the `fetch` and the awaiting move to JavaScript, which spares each event
//! the Rust futures, closures and microtasks of an async handler
//! (worker/test/load.mjs, `make load-js-hot-path`). A retry, a refusal or an
//! error goes on in Rust exactly as in the full handler.

use worker::wasm_bindgen::prelude::*;
use worker::wasm_bindgen_futures::future_to_promise;
use worker::{web_sys, Env};

use crate::config::Config;
use crate::event::{self, Prepared};
use crate::http::Incoming;
use crate::log::now_ms;
use crate::routes::{self, fast_answer, Body, Fast};
use crate::upstream;

/// The fast path's entry points (static methods only).
#[wasm_bindgen]
pub struct FastPath;

#[wasm_bindgen]
impl FastPath {
    /// What to do with `request`, whose body the caller has read: `body`,
    /// or none when it was over 64 KB (`unreadable`: when it could not be
    /// read). A `Response` to answer with, a [`PendingEvent`] to send, or
    /// `null` when the request is not for the fast path (the full handler
    /// takes it, with the same body).
    pub fn begin(
        request: web_sys::Request,
        env: JsValue,
        body: Option<Vec<u8>>,
        unreadable: bool,
    ) -> Result<JsValue, JsValue> {
        let env: Env = env.unchecked_into();
        let body = match body {
            Some(body) => Body::Read(body),
            None if unreadable => Body::Unreadable,
            None => Body::TooLarge,
        };
        Ok(match routes::fast(&Incoming::new(request), &env, body) {
            Fast::Fallback => JsValue::NULL,
            Fast::Reply(reply) => reply.into_response()?.into(),
            Fast::Send {
                prepared,
                timeout_ms,
            } => PendingEvent {
                prepared,
                env,
                timeout_ms,
                sent_at: now_ms(),
            }
            .into(),
        })
    }
}

/// An event built and ready to send, while the entry's `fetch` runs.
#[wasm_bindgen]
pub struct PendingEvent {
    prepared: Prepared,
    env: Env,
    timeout_ms: u64,
    sent_at: u64,
}

#[wasm_bindgen]
impl PendingEvent {
    /// Where to send it.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.prepared.request.url.clone()
    }

    /// The request headers, as `[name, value]` pairs.
    #[wasm_bindgen(getter)]
    pub fn headers(&self) -> js_sys::Array {
        self.prepared
            .request
            .headers
            .iter()
            .map(|(name, value)| {
                js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_str(value))
            })
            .collect()
    }

    /// The exact body to send.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.prepared.request.body.clone()
    }

    /// How long to wait for AppsFlyer, in milliseconds (`UPSTREAM_TIMEOUT_MS`).
    #[wasm_bindgen(getter, js_name = timeoutMs)]
    pub fn timeout_ms(&self) -> f64 {
        self.timeout_ms as f64
    }

    /// The answer to the caller, given AppsFlyer's: `status` with its
    /// `Retry-After` and body (`body` is `null` when it could not be read),
    /// or no status and `error` when the `fetch` failed; `aborted` when the
    /// timeout fired. A `Response`, or a promise of one when the event must
    /// be queued for retry.
    pub fn finish(
        self,
        status: Option<u16>,
        retry_after: Option<String>,
        body: Option<String>,
        aborted: bool,
        error: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let answer = match status {
            Some(status) => Ok((status, retry_after, body)),
            None => Err(error.unwrap_or_default()),
        };
        let sent = upstream::conclude(answer, aborted, self.timeout_ms, self.sent_at);
        if let Some(handled) = event::settle_now(&self.prepared, &sent) {
            return Ok(fast_answer(handled).into_response()?.into());
        }
        let PendingEvent { prepared, env, .. } = self;
        Ok(future_to_promise(async move {
            let cfg = Config::get(&env).map_err(|e| JsValue::from_str(e.0))?;
            let handled = event::settle(&env, &cfg, prepared, sent).await;
            Ok(fast_answer(handled).into_response()?.into())
        })
        .into())
    }
}
