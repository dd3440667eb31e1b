//! The Worker's HTTP edges, on the platform's own `Request` and `Response`.
//!
//! The fetch handler takes the platform `Request` as it is and answers with a
//! platform `Response` built in one call, instead of going through
//! `worker::Request`/`worker::Response`: that conversion reads the request's
//! `cf` object (a JSON blob turned into a JavaScript object) and copies the
//! method and URL on every request, and building the answer through
//! `worker::Response` crosses into JavaScript once per header. Each of those
//! showed in the Worker's CPU profile against a plain-JS pass-through.

use serde_json::Value;
use worker::js_sys::{self, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;

use crate::incoming::path_of_url;

/// An incoming request.
pub struct Incoming {
    request: web_sys::Request,
    headers: web_sys::Headers,
}

impl Incoming {
    /// Wraps the platform request.
    pub fn new(request: web_sys::Request) -> Self {
        let headers = request.headers();
        Incoming { request, headers }
    }

    /// The method, exactly as sent (e.g. `PROPFIND` stays `PROPFIND`).
    pub fn method(&self) -> String {
        self.request.method()
    }

    /// The URL's path, still percent-encoded, without query or fragment.
    pub fn path(&self) -> String {
        path_of_url(&self.request.url()).to_string()
    }

    /// The signal that fires when the caller disconnects (compatibility
    /// flag `enable_request_signal`), if the platform gives one.
    pub fn signal(&self) -> Option<web_sys::AbortSignal> {
        let signal = js_sys::Reflect::get(&self.request, &JsValue::from_str("signal")).ok()?;
        signal.dyn_into::<web_sys::AbortSignal>().ok()
    }

    /// A header's value (`None` if absent; names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }

    /// The body, or `None` if it is over `limit` bytes. A `Content-Length`
    /// over the limit is refused without reading; one within it is read at
    /// once (the platform holds a body to its declared length); without one,
    /// reading the stream stops at the limit.
    pub async fn body(&self, limit: usize) -> Result<Option<Vec<u8>>, JsValue> {
        if let Some(length) = self.header("content-length") {
            if length
                .trim()
                .parse::<u64>()
                .map_or(true, |n| n > limit as u64)
            {
                return Ok(None);
            }
            let buffer = JsFuture::from(self.request.array_buffer()?).await?;
            let body = Uint8Array::new(&buffer);
            return Ok((body.length() as usize <= limit).then(|| body.to_vec()));
        }
        let Some(stream) = self.request.body() else {
            return Ok(Some(Vec::new()));
        };
        let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
        let mut body = Vec::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await?;
            let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))?;
            if done.as_bool() == Some(true) {
                return Ok(Some(body));
            }
            let chunk =
                Uint8Array::new(&js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))?);
            if body.len() + chunk.length() as usize > limit {
                // Stop reading; the rest of the stream is dropped with the request.
                let _ = reader.cancel();
                return Ok(None);
            }
            let start = body.len();
            body.resize(start + chunk.length() as usize, 0);
            chunk.copy_to(&mut body[start..]);
        }
    }
}

/// An answer: status, headers and a JSON body (or none).
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    body: Option<String>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// `status` with `body` as `application/json`.
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            // A `Value` always serializes.
            body: Some(serde_json::to_string(body).unwrap_or_default()),
            headers: Vec::new(),
        }
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            headers: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.add_header(name, value);
        self
    }

    /// Adds a header in place.
    pub fn add_header(&mut self, name: &'static str, value: impl Into<String>) {
        self.headers.push((name, value.into()));
    }

    /// The platform `Response`.
    pub fn into_response(self) -> Result<web_sys::Response, JsValue> {
        let headers = web_sys::Headers::new()?;
        if self.body.is_some() {
            headers.set("content-type", "application/json")?;
        }
        for (name, value) in &self.headers {
            headers.append(name, value)?;
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(self.status);
        init.set_headers(&headers);
        web_sys::Response::new_with_opt_str_and_init(self.body.as_deref(), &init)
    }
}
