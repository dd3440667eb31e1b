//! The request to send: method, URL, headers and body of one Send Event call.
//!
//! [`prepare`] checks the parts that are not the body (app id, S2S key,
//! endpoint) and assembles an [`S2sRequest`]; sending it is the caller's job
//! (`fetch` in a Worker, any HTTP client natively), so this module stays pure.
//! The S2S key only ever leaves through [`S2sRequest::headers`]: `Debug`
//! redacts it and no error message contains it.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use crate::error::{Error, ErrorCode, FieldError};

/// AppsFlyer's current S2S host. The legacy `https://api2.appsflyer.com`
/// takes the same path and body but is deprecated.
pub const DEFAULT_ENDPOINT: &str = "https://api3.appsflyer.com";

/// Longest app id accepted, in bytes. Real ids (package names, `id` + digits,
/// store ids) are far shorter; the bound keeps URLs and messages small.
pub const MAX_APP_ID_BYTES: usize = 256;

/// Name of the header that carries the S2S key.
const AUTH_HEADER: &str = "authentication";

/// One Send Event request, ready to hand to an HTTP client.
///
/// `Debug` shows `authentication: "<redacted>"` instead of the key, so the
/// request can be logged.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct S2sRequest {
    /// Always `"POST"`.
    pub method: &'static str,
    /// `{endpoint}/inappevent/{percent-encoded app id}`.
    pub url: String,
    /// `("authentication", <S2S key>)` and `("content-type", "application/json")`,
    /// names in lowercase.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body, exactly as given to [`prepare`].
    pub body: String,
}

impl S2sRequest {
    /// The value of a header, by case-insensitive name; `None` if absent.
    ///
    /// `header("authentication")` gives the S2S key: pass it to the HTTP
    /// client, never to a log.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for S2sRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(&'static str, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for (name, value) in self.0 {
                    if name.eq_ignore_ascii_case(AUTH_HEADER) {
                        list.entry(&(name, "<redacted>"));
                    } else {
                        list.entry(&(name, value));
                    }
                }
                list.finish()
            }
        }
        f.debug_struct("S2sRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &Headers(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

/// Assembles the Send Event request for one event.
///
/// `endpoint` is the base URL (`None` for [`DEFAULT_ENDPOINT`]); a path
/// prefix is kept (`https://proxy.example/af` → `https://proxy.example/af/inappevent/…`),
/// and `http://` is accepted only for a loopback test upstream
/// ([`validate_endpoint`]). `body` is the JSON
/// built elsewhere and is passed through untouched.
///
/// Every problem is reported at once: the app id ([`validate_app_id`]), an
/// empty S2S key or one that cannot travel as an HTTP header value
/// ([`ErrorCode::MissingS2sKey`], field `s2s_key`), and an endpoint that
/// [`validate_endpoint`] refuses ([`ErrorCode::InvalidEndpoint`], field
/// `endpoint`). Messages never
/// contain the key.
///
/// ```
/// use appsflyer_s2s::{prepare, ErrorCode};
///
/// let req = prepare("id123456789", "my-s2s-key", None, r#"{"eventName":"af_login"}"#.into()).unwrap();
/// assert_eq!(req.method, "POST");
/// assert_eq!(req.url, "https://api3.appsflyer.com/inappevent/id123456789");
/// assert_eq!(req.header("Content-Type"), Some("application/json"));
/// assert!(!format!("{req:?}").contains("my-s2s-key"));
///
/// // A numeric iOS id and an empty key: both reported.
/// let err = prepare("123456789", "", None, String::new()).unwrap_err();
/// assert!(err.has(ErrorCode::InvalidAppId) && err.has(ErrorCode::MissingS2sKey));
/// ```
pub fn prepare(
    app_id: &str,
    s2s_key: &str,
    endpoint: Option<&str>,
    body: String,
) -> Result<S2sRequest, Error> {
    let mut errors = Vec::new();
    if let Err(e) = validate_app_id(app_id) {
        errors.push(e);
    }
    if let Err(e) = validate_s2s_key(s2s_key) {
        errors.push(e);
    }
    let base = match validate_endpoint(endpoint.unwrap_or(DEFAULT_ENDPOINT)) {
        Ok(base) => base,
        Err(e) => {
            errors.push(e);
            ""
        }
    };
    if let Some(error) = Error::from_errors(errors) {
        return Err(error);
    }
    Ok(S2sRequest {
        method: "POST",
        url: format!("{base}/inappevent/{}", encode_app_id(app_id)),
        headers: alloc::vec![
            (AUTH_HEADER, String::from(s2s_key)),
            ("content-type", String::from("application/json")),
        ],
        body,
    })
}

/// Checks an app id as the dashboard shows it (field `app_id`).
///
/// Accepts Android package names (`com.example.app`), iOS ids with their
/// `id` prefix (`id123456789`) and Windows store ids. Rejects with
/// [`ErrorCode::InvalidAppId`] an empty or blank id, one with surrounding
/// white space or control characters, one over [`MAX_APP_ID_BYTES`], `.`
/// and `..` (path segments a URL resolves away), and an
/// all-digit id: that is an iOS id missing its `id` prefix, which AppsFlyer
/// answers with 200 OK and then drops.
///
/// ```
/// use appsflyer_s2s::request::validate_app_id;
///
/// assert!(validate_app_id("com.example.app").is_ok());
/// assert!(validate_app_id("id123456789").is_ok());
/// assert!(validate_app_id("123456789").unwrap_err().message.contains("id123456789"));
/// ```
pub fn validate_app_id(app_id: &str) -> Result<(), FieldError> {
    let fail = |message: String| Err(FieldError::new("app_id", ErrorCode::InvalidAppId, message));
    if app_id.trim().is_empty() {
        return fail("the app id is empty".into());
    }
    if app_id.len() > MAX_APP_ID_BYTES {
        return fail(format!(
            "the app id is {} bytes long; app ids are at most {MAX_APP_ID_BYTES}",
            app_id.len()
        ));
    }
    if app_id.trim() != app_id {
        return fail("the app id has leading or trailing white space".into());
    }
    if app_id.chars().any(char::is_control) {
        return fail("the app id contains control characters".into());
    }
    if app_id == "." || app_id == ".." {
        // A URL path segment `.` or `..` is resolved away: the request would
        // go to another path of the endpoint than /inappevent/{app_id}.
        return fail("the app id cannot be \".\" or \"..\"".into());
    }
    if app_id.bytes().all(|b| b.is_ascii_digit()) {
        // Only digits, so echoing it cannot leak anything but the id itself.
        return fail(format!(
            "iOS app ids must start with \"id\" (use \"id{app_id}\", not \"{app_id}\"): \
             without the prefix AppsFlyer answers 200 OK and drops the event"
        ));
    }
    Ok(())
}

/// Percent-encodes an app id for the URL path: every UTF-8 byte outside
/// RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`
/// with uppercase hex.
///
/// ```
/// use appsflyer_s2s::request::encode_app_id;
///
/// assert_eq!(encode_app_id("com.example.app"), "com.example.app");
/// assert_eq!(encode_app_id("a/b c"), "a%2Fb%20c");
/// ```
pub fn encode_app_id(app_id: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(app_id.len());
    for &b in app_id.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
    out
}

/// The key must be visible ASCII: anything else either cannot be a header
/// value or is silently trimmed by `fetch`, and S2S keys never contain it.
fn validate_s2s_key(key: &str) -> Result<(), FieldError> {
    let fail = |code: ErrorCode, message: &str| Err(FieldError::new("s2s_key", code, message));
    if key.trim().is_empty() {
        return fail(ErrorCode::MissingS2sKey, "the S2S key is empty");
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return fail(
            ErrorCode::InvalidS2sKey,
            "the S2S key contains white space, control or non-ASCII characters and cannot be \
             sent as an HTTP header (a trailing newline from a secrets file?)",
        );
    }
    Ok(())
}

/// Checks an endpoint base URL (field `endpoint`); on success gives it
/// without trailing `/`.
///
/// It must be `https://` with a host, an optional port and an optional path
/// prefix, and no query, fragment, credentials or `/inappevent` segment of
/// its own. `http://` is accepted only for a loopback host (`localhost`,
/// `127.0.0.0/8`, `[::1]`): the request carries the S2S key, which must
/// never cross a network in clear text.
///
/// ```
/// use appsflyer_s2s::request::validate_endpoint;
///
/// assert_eq!(validate_endpoint("https://api3.appsflyer.com/").unwrap(), "https://api3.appsflyer.com");
/// assert!(validate_endpoint("http://127.0.0.1:8788").is_ok());
/// assert!(validate_endpoint("http://api3.appsflyer.com").is_err());
/// ```
pub fn validate_endpoint(endpoint: &str) -> Result<&str, FieldError> {
    let fail = |message: &str| {
        Err(FieldError::new(
            "endpoint",
            ErrorCode::InvalidEndpoint,
            message,
        ))
    };
    let (rest, secure) = match strip_prefix_ignore_case(endpoint, "https://") {
        Some(rest) => (rest, true),
        None => match strip_prefix_ignore_case(endpoint, "http://") {
            Some(rest) => (rest, false),
            None => return fail(
                "the endpoint must start with https:// (or http:// for a loopback test upstream)",
            ),
        },
    };
    if !endpoint.bytes().all(|b| b.is_ascii_graphic()) {
        return fail(
            "the endpoint contains white space, control or non-ASCII characters \
             (write international host names in their xn-- form)",
        );
    }
    if endpoint.contains(['?', '#']) {
        return fail("the endpoint must not have a query (?) or fragment (#)");
    }
    let rest = rest.trim_end_matches('/');
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        // fetch refuses URLs with credentials, and they would end up in logs.
        return fail("the endpoint must not contain credentials (user@host)");
    }
    if !valid_authority(authority) {
        return fail("the endpoint has no valid host[:port]");
    }
    if !secure && !is_loopback(authority) {
        return fail(
            "the endpoint must be https://: the request carries the S2S key \
             (http:// is accepted only for a loopback host such as 127.0.0.1)",
        );
    }
    let path = rest.strip_prefix(authority).unwrap_or("");
    if path
        .split('/')
        .any(|segment| segment.eq_ignore_ascii_case("inappevent"))
    {
        // A full Send Event URL pasted as the base would double the path.
        return fail(
            "the endpoint is the base URL (e.g. https://api3.appsflyer.com); \
             /inappevent/{app_id} is added to it",
        );
    }
    Ok(endpoint.trim_end_matches('/'))
}

/// Whether a valid `host[:port]` names this machine: `localhost`, an IPv4
/// address in `127.0.0.0/8` or `[::1]` (as written so; longer spellings of
/// the IPv6 loopback are not worth an IPv6 parser in every build).
fn is_loopback(authority: &str) -> bool {
    if authority.starts_with('[') {
        return authority == "[::1]" || authority.starts_with("[::1]:");
    }
    let host = authority.split(':').next().unwrap_or("");
    host.eq_ignore_ascii_case("localhost")
        || core::net::Ipv4Addr::from_str(host).is_ok_and(|ip| ip.is_loopback())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `host[:port]` or `[ipv6][:port]`, loosely: enough to catch typos, not a
/// full RFC 3986 parser.
fn valid_authority(authority: &str) -> bool {
    let (host_ok, port) = if let Some(inner) = authority.strip_prefix('[') {
        match inner.split_once(']') {
            Some((ip, after)) => (valid_ip_literal(ip), after),
            None => return false,
        }
    } else {
        let (host, port) = authority.split_at(authority.find(':').unwrap_or(authority.len()));
        (valid_host(host), port)
    };
    host_ok
        && match port.strip_prefix(':') {
            None => port.is_empty(),
            Some(digits) => valid_port(digits),
        }
}

fn valid_ip_literal(ip: &str) -> bool {
    !ip.is_empty()
        && ip
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'))
}

fn valid_host(host: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    !host.is_empty() && !host.starts_with(['.', '-']) && host.bytes().all(allowed)
}

fn valid_port(digits: &str) -> bool {
    (1..=5).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits
            .parse::<u32>()
            .is_ok_and(|p| (1..=65_535).contains(&p))
}
