//! What a caller sends the Worker, read as the Worker reads it before any I/O:
//! the URL's path, the path (route and percent-encoded app id), the
//! `Authorization` header, and the body (one event, or a `/batch` array /
//! NDJSON), each event then validated by the core; the header also read as
//! a `CLIENT_TOKENS` setting, and the body as a queue message. Never panics;
//! only a header holding the token authenticates, and a well-formed one
//! always does; a decoded app id re-encodes to an equivalent path segment; a
//! batch never yields an empty list; a queue message the Worker would send
//! holds a body the core builds to itself.
//!
//! Input layout: `path \n authorization \n body`.
#![no_main]

use appsflyer_s2s::request::{encode_app_id, validate_app_id};
use appsflyer_s2s::{BuildOptions, EventInput};
use libfuzzer_sys::fuzz_target;

use appsflyer_s2s_worker::auth::Callers;
use appsflyer_s2s_worker::config::Config;
use appsflyer_s2s_worker::incoming::{parse_path, path_of_url, percent_decode, split_batch, Route};
use appsflyer_s2s_worker::retry::{unusable, RetryMessage};

const TOKEN: &str = "tok-caller-one-7f3a9c";

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
    let callers = Callers::parse(Some(TOKEN)).unwrap();
    let caller = callers.authenticate(Some(auth));
    assert!(
        caller.is_none() || auth.contains(TOKEN),
        "authenticated without the token"
    );
    let well_formed = format!("Bearer {TOKEN}");
    assert!(callers.authenticate(Some(&well_formed)).is_some());
    // The header as a CLIENT_TOKENS setting: an error or callers, never a panic.
    let _ = Config::from_vars(|name| (name == "CLIENT_TOKENS").then(|| auth.to_string()));
    // The body as a queue message: one the Worker would send builds to itself.
    let cfg = Config::from_vars(|name| (name == "AF_S2S_KEYS").then(|| r#"{"*":"k"}"#.to_string()))
        .unwrap();
    if let Ok(message) = serde_json::from_str::<RetryMessage>(body) {
        if unusable(&cfg, &message).is_none() {
            let rebuilt = appsflyer_s2s::build_event_json(
                &message.body,
                &BuildOptions::new().forward_unknown_fields(true),
            );
            assert_eq!(
                rebuilt.map(|b| b.body).ok().as_deref(),
                Some(message.body.as_str())
            );
        }
    }
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
