//! Callers: who may post events, to which apps and routes.
//!
//! `CLIENT_TOKENS` lists the callers' bearer tokens, in one of two forms:
//!
//! - comma-separated tokens, each allowed every app and every route;
//! - a JSON array of callers, each `{"token": "…", "id": "web-shop",
//!   "apps": ["com.example.app"], "routes": ["inappevent", "validate"]}`,
//!   where `id`, `apps` and `routes` are optional (a short digest of the
//!   token, every app, every route).
//!
//! A token shorter than [`MIN_TOKEN_CHARS`] is a configuration error: tokens
//! end up in browsers and scripts, and a short one can be guessed. Logs and
//! idempotency scopes name a caller by its id, never by its token.

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use crate::config::ConfigError;
use crate::incoming::Route;

/// Shortest token accepted.
pub const MIN_TOKEN_CHARS: usize = 16;

/// One caller: its id and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Names the caller in logs and scopes idempotency keys: the `id` given
    /// in `CLIENT_TOKENS`, else `t-` and 8 hex digits of the token's SHA-256.
    pub id: String,
    /// App ids it may send to; `None`: every app.
    apps: Option<Vec<String>>,
    /// Routes it may use; `None`: every route.
    routes: Option<Vec<Route>>,
}

impl Caller {
    /// Whether the caller may use `route` for `app_id`.
    pub fn may(&self, route: Route, app_id: &str) -> bool {
        self.routes.as_ref().is_none_or(|r| r.contains(&route))
            && self
                .apps
                .as_ref()
                .is_none_or(|apps| apps.iter().any(|a| a == app_id))
    }
}

/// The configured callers.
#[derive(Debug, Default)]
pub struct Callers {
    /// Each caller with the SHA-256 of its token.
    callers: Vec<([u8; 32], Caller)>,
}

impl Callers {
    /// Reads `CLIENT_TOKENS` (see the module docs). Unset or empty: no caller.
    pub fn parse(value: Option<&str>) -> Result<Callers, ConfigError> {
        let value = value.unwrap_or("").trim();
        let entries = if value.starts_with('[') {
            parse_json(value)?
        } else {
            value
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|token| (token.to_string(), None, None, None))
                .collect()
        };
        let mut callers = Vec::with_capacity(entries.len());
        for (token, id, apps, routes) in entries {
            if token.chars().count() < MIN_TOKEN_CHARS {
                return Err(ConfigError(
                    "CLIENT_TOKENS: every token must be at least 16 characters \
                     (e.g. the output of `openssl rand -hex 32`)",
                ));
            }
            if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ConfigError(
                    "CLIENT_TOKENS: a token contains white space or control characters",
                ));
            }
            let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            let id = id.unwrap_or_else(|| token_id(&digest));
            callers.push((digest, Caller { id, apps, routes }));
        }
        Ok(Callers { callers })
    }

    /// The caller whose token an `Authorization: Bearer …` value carries.
    ///
    /// Constant time in the token's content and length: both sides are
    /// reduced to SHA-256 digests, every configured token is compared (no
    /// early exit), and digests are compared with `subtle`.
    pub fn authenticate(&self, header: Option<&str>) -> Option<&Caller> {
        let given = header.and_then(bearer)?;
        let given = Sha256::digest(given.as_bytes());
        let mut found = None;
        for (digest, caller) in &self.callers {
            let same: Choice = digest.as_slice().ct_eq(given.as_slice());
            if bool::from(same) {
                found = Some(caller);
            }
        }
        found
    }

    /// How many callers are configured.
    pub fn len(&self) -> usize {
        self.callers.len()
    }

    /// Whether no caller is configured (every call is refused).
    pub fn is_empty(&self) -> bool {
        self.callers.is_empty()
    }
}

/// A caller's default id: `t-` and the first 8 hex digits of its token's SHA-256.
fn token_id(digest: &[u8; 32]) -> String {
    let mut id = String::from("t-");
    for b in &digest[..4] {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

type Entry = (
    String,
    Option<String>,
    Option<Vec<String>>,
    Option<Vec<Route>>,
);

fn parse_json(value: &str) -> Result<Vec<Entry>, ConfigError> {
    const SHAPE: &str = "CLIENT_TOKENS: the JSON form is an array of \
        {\"token\": \"…\", \"id\": \"…\", \"apps\": [\"…\"], \"routes\": [\"inappevent\", \"validate\", \"batch\"]} \
        (id, apps and routes optional)";
    let items: Vec<serde_json::Value> =
        serde_json::from_str(value).map_err(|_| ConfigError(SHAPE))?;
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let serde_json::Value::Object(mut map) = item else {
            return Err(ConfigError(SHAPE));
        };
        let token = match map.remove("token") {
            Some(serde_json::Value::String(t)) => t,
            _ => return Err(ConfigError(SHAPE)),
        };
        let id = match map.remove("id") {
            None => None,
            Some(serde_json::Value::String(id)) if valid_id(&id) => Some(id),
            Some(_) => {
                return Err(ConfigError(
                    "CLIENT_TOKENS: an id must be 1 to 32 letters, digits, '-', '_' or '.'",
                ))
            }
        };
        let apps = match map.remove("apps") {
            None => None,
            Some(value) => Some(strings(value).ok_or(ConfigError(SHAPE))?),
        };
        let routes = match map.remove("routes") {
            None => None,
            Some(value) => {
                let names = strings(value).ok_or(ConfigError(SHAPE))?;
                let routes: Option<Vec<Route>> = names.iter().map(|n| Route::named(n)).collect();
                Some(routes.ok_or(ConfigError(
                    "CLIENT_TOKENS: routes are \"inappevent\", \"validate\" and \"batch\"",
                ))?)
            }
        };
        if !map.is_empty() {
            return Err(ConfigError(SHAPE));
        }
        entries.push((token, id, apps, routes));
    }
    Ok(entries)
}

fn strings(value: serde_json::Value) -> Option<Vec<String>> {
    match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The token of a `Bearer` credential (scheme case-insensitive, RFC 9110 §11.1).
fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "tok-caller-one-7f3a9c";
    const B: &str = "tok-caller-two-b81e44";

    #[test]
    fn the_comma_form_allows_everything() {
        let callers = Callers::parse(Some(&format!(" {A}, {B} ,"))).unwrap();
        assert_eq!(callers.len(), 2);
        let a = callers.authenticate(Some(&format!("Bearer {A}"))).unwrap();
        assert!(a.id.starts_with("t-") && a.id.len() == 10);
        assert!(a.may(Route::Batch, "any.app"));
        let b = callers
            .authenticate(Some(&format!("bearer   {B} ")))
            .unwrap();
        assert_ne!(a.id, b.id);
    }

    #[test]
    fn wrong_or_missing_credentials_are_nobody() {
        let callers = Callers::parse(Some(A)).unwrap();
        for header in [
            None,
            Some(""),
            Some(A),
            Some("Basic tok-caller-one-7f3a9c"),
            Some("Bearer tok-caller-one"),
            Some("Bearer tok-caller-one-7f3a9c-extra"),
            Some("Bearer "),
        ] {
            assert!(callers.authenticate(header).is_none(), "{header:?}");
        }
        assert!(Callers::parse(None).unwrap().is_empty());
    }

    #[test]
    fn the_json_form_scopes_apps_and_routes() {
        let json = format!(
            r#"[{{"token":"{A}","id":"web-shop","apps":["com.example.app"],"routes":["inappevent"]}},
                {{"token":"{B}"}}]"#
        );
        let callers = Callers::parse(Some(&json)).unwrap();
        let shop = callers.authenticate(Some(&format!("Bearer {A}"))).unwrap();
        assert_eq!(shop.id, "web-shop");
        assert!(shop.may(Route::InAppEvent, "com.example.app"));
        assert!(!shop.may(Route::InAppEvent, "id123456789"));
        assert!(!shop.may(Route::Batch, "com.example.app"));
        let all = callers.authenticate(Some(&format!("Bearer {B}"))).unwrap();
        assert!(all.may(Route::Validate, "id123456789"));
    }

    #[test]
    fn bad_configurations_are_named_never_echoed() {
        for value in [
            "short-token",
            &format!("{A},tiny"),
            r#"[{"token":"tok-caller-one-7f3a9c","apps":"com.example.app"}]"#,
            r#"[{"token":"tok-caller-one-7f3a9c","routes":["status"]}]"#,
            r#"[{"token":"tok-caller-one-7f3a9c","id":"has space"}]"#,
            r#"[{"token":"tok-caller-one-7f3a9c","extra":1}]"#,
            r#"[{"id":"x"}]"#,
            "[not json",
            "tok-caller one 7f3a9c",
        ] {
            let error = Callers::parse(Some(value)).unwrap_err();
            assert!(error.0.starts_with("CLIENT_TOKENS"), "{value}: {}", error.0);
            assert!(!error.0.contains("7f3a9c"), "{value}: the token was echoed");
        }
    }
}
