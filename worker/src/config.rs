//! The Worker's configuration, from its environment, so `wrangler dev --var
//! NAME:VALUE`, `.dev.vars`, `[vars]` and secrets all apply. An isolate serves
//! one version of the Worker, whose environment never changes, so it is read
//! once per isolate ([`Config::get`]); a changed secret or variable deploys a
//! new version, served by new isolates.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use appsflyer_s2s::{BuildOptions, RetryPolicy, DEFAULT_ENDPOINT};
use worker::Env;

/// Largest `/inappevent` and `/validate` request body, refused before parsing.
pub const MAX_EVENT_REQUEST_BYTES: usize = 64 * 1024;
/// Largest `/batch` request body: 100 events of up to ~2.5 KB of raw input each.
pub const MAX_BATCH_REQUEST_BYTES: usize = 256 * 1024;
/// Most events in one `/batch` request.
pub const MAX_BATCH_EVENTS: usize = 100;
/// Most events of one `/batch` request in flight at once (Workers allow six
/// simultaneous open connections per invocation).
pub const BATCH_CONCURRENCY: usize = 6;

/// Binding of the retry queue (producer and consumer).
pub const RETRY_QUEUE: &str = "RETRY_QUEUE";
/// Binding of the dead-letter queue (producer only; people inspect it).
pub const DEAD_LETTER_QUEUE: &str = "DEAD_LETTER_QUEUE";
/// Binding of the idempotency Durable Object namespace.
pub const IDEMPOTENCY: &str = "IDEMPOTENCY";

/// A configuration problem: the Worker cannot serve until the operator fixes it.
/// The message names the setting, never its value.
#[derive(Debug)]
pub struct ConfigError(pub &'static str);

/// Everything the handlers need from the environment.
pub struct Config {
    /// `AF_ENDPOINT`: base URL of the Send Event API.
    pub endpoint: String,
    /// `AF_S2S_KEYS`: app id → S2S key; `"*"` is the default key.
    keys: BTreeMap<String, String>,
    /// `CLIENT_TOKENS`: the callers' bearer tokens. Empty: every call is refused.
    tokens: Vec<String>,
    /// `ALLOWED_ORIGINS`: origins allowed by CORS (`*` for any).
    pub allowed_origins: Vec<String>,
    /// `DEFAULT_PHONE_REGION` as build options.
    pub build: BuildOptions,
    /// `FILL_IP=true`: fill a missing `ip` from `CF-Connecting-IP` (IPv4 only).
    pub fill_ip: bool,
    /// The core's retry policy; `RETRY_MAX_ATTEMPTS` and `RETRY_BASE_DELAY_MS` override it.
    pub policy: RetryPolicy,
    /// `UPSTREAM_TIMEOUT_MS`: how long one call to AppsFlyer may take (default 10 s).
    pub upstream_timeout_ms: u64,
    /// `RETRY_RATE_PER_MINUTE`: ceiling on retries sent by the queue consumer
    /// (default 30,000: half of AppsFlyer's ~60,000 a minute, the rest for live traffic).
    pub retry_rate_per_minute: u64,
}

thread_local! {
    static CONFIG: OnceCell<Rc<Config>> = const { OnceCell::new() };
}

impl Config {
    /// The configuration of this isolate, read on its first request. A
    /// malformed configuration is not kept: every request reports it.
    pub fn get(env: &Env) -> Result<Rc<Config>, ConfigError> {
        if let Some(cfg) = CONFIG.with(|c| c.get().cloned()) {
            return Ok(cfg);
        }
        let cfg = Rc::new(Config::from_env(env)?);
        CONFIG.with(|c| c.get_or_init(|| Rc::clone(&cfg)).clone());
        Ok(cfg)
    }

    /// Reads the configuration. Unset values take their defaults; malformed ones are errors.
    pub fn from_env(env: &Env) -> Result<Config, ConfigError> {
        let keys = match text(env, "AF_S2S_KEYS") {
            None => BTreeMap::new(),
            Some(json) => {
                serde_json::from_str::<BTreeMap<String, String>>(&json).map_err(|_| {
                    ConfigError("AF_S2S_KEYS must be a JSON object of app id to S2S key strings")
                })?
            }
        };
        let mut policy = RetryPolicy::default();
        if let Some(n) = number(env, "RETRY_MAX_ATTEMPTS")? {
            policy.max_attempts = u32::try_from(n.clamp(1, 100)).unwrap_or(8);
        }
        if let Some(ms) = number(env, "RETRY_BASE_DELAY_MS")? {
            policy.base_delay_ms = ms;
        }
        let build = match text(env, "DEFAULT_PHONE_REGION") {
            Some(region) if !region.trim().is_empty() => {
                BuildOptions::new().default_region(region.trim().to_ascii_uppercase())
            }
            _ => BuildOptions::new(),
        };
        Ok(Config {
            endpoint: text(env, "AF_ENDPOINT")
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string()),
            keys,
            tokens: list(text(env, "CLIENT_TOKENS")),
            allowed_origins: list(text(env, "ALLOWED_ORIGINS")),
            build,
            fill_ip: text(env, "FILL_IP").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            policy,
            upstream_timeout_ms: number(env, "UPSTREAM_TIMEOUT_MS")?.unwrap_or(10_000).max(1),
            retry_rate_per_minute: number(env, "RETRY_RATE_PER_MINUTE")?
                .unwrap_or(30_000)
                .max(1),
        })
    }

    /// The S2S key of an app: its own, else the `"*"` default.
    pub fn key_for(&self, app_id: &str) -> Option<&str> {
        self.keys
            .get(app_id)
            .or_else(|| self.keys.get("*"))
            .map(String::as_str)
    }

    /// The configured caller tokens.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The `Access-Control-Allow-Origin` value for a request's `Origin`, if allowed.
    pub fn cors_origin(&self, origin: &str) -> Option<String> {
        if self.allowed_origins.iter().any(|o| o == "*") {
            Some("*".to_string())
        } else {
            self.allowed_origins
                .iter()
                .find(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
                .map(|_| origin.to_string())
        }
    }
}

/// A string variable or secret; `None` when unset.
fn text(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

/// A comma-separated list, trimmed, without empty items.
fn list(value: Option<String>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn number(env: &Env, name: &'static str) -> Result<Option<u64>, ConfigError> {
    match text(env, name) {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError(not_a_number(name))),
    }
}

/// The message naming a setting that is not a whole number.
fn not_a_number(name: &'static str) -> &'static str {
    match name {
        "RETRY_MAX_ATTEMPTS" => "RETRY_MAX_ATTEMPTS must be a whole number",
        "RETRY_BASE_DELAY_MS" => "RETRY_BASE_DELAY_MS must be a whole number of milliseconds",
        "UPSTREAM_TIMEOUT_MS" => "UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds",
        "RETRY_RATE_PER_MINUTE" => "RETRY_RATE_PER_MINUTE must be a whole number",
        _ => "a numeric setting is not a whole number",
    }
}
