//! What a caller sends the Worker, read as the Worker reads it before any I/O:
//! the URL's path, the path (route and percent-encoded app id), the `Authorization` header,
//! and the body (one event, or a `/batch` array / NDJSON), each event then
//! validated by the core. Never panics; a decoded app id re-encodes to an
//! equivalent path segment; a batch never yields an empty list.
//!
//! Input layout: `path \n authorization \n body`.
#![no_main]

use appsflyer_s2s::request::{encode_app_id, validate_app_id};
use appsflyer_s2s::{BuildOptions, EventInput};
use libfuzzer_sys::fuzz_target;

// The Worker's own source files: its pure request parsing, built natively.
#[path = "../../worker/src/auth.rs"]
mod auth;
#[path = "../../worker/src/incoming.rs"]
mod incoming;

use auth::authorized;
use incoming::{parse_path, path_of_url, percent_decode, split_batch, Route};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let (path, auth, body) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let tokens = ["tok-caller-one-7f3a9c".to_string()];
    let _ = authorized(Some(auth), &tokens);
    // The first line, read as a whole URL, gives a path that is part of it.
    let url_path = path_of_url(path);
    assert!(url_path == "/" || (url_path.starts_with('/') && path.contains(url_path)));
    let Some((route, raw_app_id)) = parse_path(path) else {
        return;
    };
    assert!(path.contains(route.name()));
    let options = BuildOptions::new().default_region("US");
    if let Some(app_id) = percent_decode(raw_app_id) {
        let encoded = encode_app_id(&app_id);
        assert_eq!(percent_decode(&encoded).as_deref(), Some(app_id.as_str()));
        let _ = validate_app_id(&app_id);
    }
    if route == Route::Batch {
        if let Ok(items) = split_batch(body) {
            assert!(!items.is_empty());
            for value in items.into_iter().flatten() {
                let _ = EventInput::from_value(value).validate(&options);
            }
        }
    } else {
        let _ = EventInput::from_json(body).validate(&options);
    }
});
