//! Reading what callers send, before any I/O: the route and app id from the
//! path, `%XX` escapes, and a `/batch` body split into events. Pure functions,
//! so `fuzz/` (target `worker_request`) builds them natively on their own.

use appsflyer_s2s::json::{describe_json_error, parse_json};
use appsflyer_s2s::{ErrorCode, FieldError};
use serde_json::Value;

/// The routes that take events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /inappevent/{app_id}`: validate, hash and forward.
    InAppEvent,
    /// `POST /validate/{app_id}`: validate and hash only.
    Validate,
    /// `POST /batch/{app_id}`: many events, each on its own.
    Batch,
}

impl Route {
    /// The route's name in paths, log lines and `CLIENT_TOKENS` scopes.
    pub fn name(self) -> &'static str {
        match self {
            Route::InAppEvent => "inappevent",
            Route::Validate => "validate",
            Route::Batch => "batch",
        }
    }

    /// The route of a name (see [`Route::name`]).
    pub fn named(name: &str) -> Option<Route> {
        [Route::InAppEvent, Route::Validate, Route::Batch]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// The path of a URL as the platform serializes it (`Request.url`): from the
/// first `/` after the host to the query or fragment, still percent-encoded.
/// A serialized http(s) URL always has a path, and `?` and `#` inside it are
/// percent-encoded, so no parsing beyond this is needed.
pub fn path_of_url(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let Some(start) = rest.find('/') else {
        return "/";
    };
    let path = &rest[start..];
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

/// `/{inappevent|validate|batch}/{app_id}` → the route and the raw app id.
pub fn parse_path(path: &str) -> Option<(Route, &str)> {
    let rest = path.strip_prefix('/')?;
    let (head, app_id) = rest.split_once('/')?;
    let route = Route::named(head)?;
    (!app_id.is_empty() && !app_id.contains('/')).then_some((route, app_id))
}

/// Decodes `%XX` escapes of a path segment; `None` if they are malformed or not UTF-8.
pub fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One item of a batch: a JSON value, or why its NDJSON line is not JSON.
pub type BatchItem = Result<Value, String>;

/// A `/batch` body as its items: a JSON array of events, or NDJSON (one per
/// non-blank line). A body that is neither (not an array, and no line holds a
/// JSON object), or holds no event, is refused whole.
pub fn split_batch(text: &str) -> Result<Vec<BatchItem>, FieldError> {
    let not_json = |message: String| FieldError::new("", ErrorCode::InvalidJson, message);
    let is_array = text.trim_start().starts_with('[');
    let items: Vec<BatchItem> = if is_array {
        match parse_json(text) {
            Ok(Value::Array(values)) => values.into_iter().map(Ok).collect(),
            Ok(other) => vec![Ok(other)], // cannot be: the body starts with `[`
            Err(e) => {
                return Err(not_json(format!(
                    "the body is not a JSON array of events: {}",
                    describe_json_error(&e)
                )))
            }
        }
    } else {
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                parse_json(line).map_err(|e| {
                    format!("this line is not valid JSON: {}", describe_json_error(&e))
                })
            })
            .collect()
    };
    let any_object = items
        .iter()
        .any(|item| matches!(item, Ok(Value::Object(_))));
    if !is_array && !items.is_empty() && !any_object {
        return Err(not_json(
            "the body is neither a JSON array of events nor NDJSON (no line holds a JSON object)"
                .into(),
        ));
    }
    if items.is_empty() {
        return Err(FieldError::new(
            "",
            ErrorCode::MissingField,
            "the batch holds no events",
        ));
    }
    Ok(items)
}
