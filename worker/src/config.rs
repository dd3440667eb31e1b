//! The Worker's configuration, from its environment, so `wrangler dev --var
//! NAME:VALUE`, `.dev.vars`, `[vars]` and secrets all apply. An isolate serves
//! one version of the Worker, whose environment never changes, so it is read
//! once per isolate ([`Config::get`]); a changed secret or variable deploys a
//! new version, served by new isolates.
//!
//! Reading is pure ([`Config::from_vars`]), so it is unit-tested natively;
//! every malformed setting is a [`ConfigError`] that names the setting, never
//! its value.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use appsflyer_s2s::request::validate_endpoint;
use appsflyer_s2s::{BuildOptions, RetryPolicy, DEFAULT_ENDPOINT};
use worker::Env;

use crate::auth::Callers;

/// Largest `/inappevent` and `/validate` request body, refused before parsing.
pub const MAX_EVENT_REQUEST_BYTES: usize = 64 * 1024;
/// Largest `/batch` request body: 100 events of up to ~2.5 KB of raw input each.
pub const MAX_BATCH_REQUEST_BYTES: usize = 256 * 1024;
/// Most events in one `/batch` request.
pub const MAX_BATCH_EVENTS: usize = 100;
/// Most events of one `/batch` request in flight at once (Workers allow six
/// simultaneous open connections per invocation).
pub const BATCH_CONCURRENCY: usize = 6;
/// Ceiling on `UPSTREAM_TIMEOUT_MS`. A `/batch` whose caller went away
/// finishes under `waitUntil`, which the platform allows 30 s: the attempts
/// in flight then must end well within it. It also bounds how long an
/// idempotency lease must last.
pub const MAX_UPSTREAM_TIMEOUT_MS: u64 = 20_000;
/// Ceiling on `RETRY_BUDGET_SECONDS`: 4 days, Cloudflare Queues' default
/// retention. A budget longer than the time a queue keeps an unconsumed
/// message would promise what a stalled consumer cannot keep.
pub const MAX_RETRY_BUDGET_SECONDS: u64 = 4 * 24 * 3600;

/// Ceiling on `BATCH_SEND_WINDOW_MS`: with the longest upstream timeout, a
/// `/batch` whose caller left still ends within the 30 s `waitUntil` allows.
pub const MAX_BATCH_SEND_WINDOW_MS: u64 = 10_000;

/// Binding of the retry queue (producer and consumer).
pub const RETRY_QUEUE: &str = "RETRY_QUEUE";
/// Binding of the dead-letter queue (producer; a consumer only to replay).
pub const DEAD_LETTER_QUEUE: &str = "DEAD_LETTER_QUEUE";
/// Binding of the idempotency Durable Object namespace.
pub const IDEMPOTENCY: &str = "IDEMPOTENCY";
/// Binding of the per-caller Rate Limiting namespace.
pub const CALLER_RATE_LIMIT: &str = "CALLER_RATE_LIMIT";

/// A configuration problem: the Worker cannot serve until the operator fixes it.
/// The message names the setting, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub &'static str);

/// Which dead letters a replay sends again besides those that ran out of
/// retries (`REPLAY_INCLUDE`), and how often one letter may be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Letters AppsFlyer refused (`dead_letter_reason: "rejected"`).
    pub rejected: bool,
    /// Letters with an ambiguous attempt (AppsFlyer may have recorded them).
    pub ambiguous: bool,
    /// `REPLAY_MAX`: most replays of one letter.
    pub max_replays: u32,
}

/// Everything the handlers need from the environment.
#[derive(Debug)]
pub struct Config {
    /// `AF_ENDPOINT`: base URL of the Send Event API (https, or http to loopback).
    pub endpoint: String,
    /// `AF_S2S_KEYS`: app id → S2S key; `"*"` is the default key.
    keys: BTreeMap<String, String>,
    /// `CLIENT_TOKENS`: the callers. None: every call is refused.
    pub callers: Callers,
    /// `ALLOWED_ORIGINS`: origins allowed by CORS (`*` for any).
    pub allowed_origins: Vec<String>,
    /// `DEFAULT_PHONE_REGION` and `UNKNOWN_FIELDS` as build options.
    pub build: BuildOptions,
    /// `FILL_IP=true`: fill a missing `ip` from `CF-Connecting-IP` (IPv4 only).
    pub fill_ip: bool,
    /// The retry schedule of queued events: [`RetryPolicy::durable`] with
    /// `RETRY_BUDGET_SECONDS`, `RETRY_BASE_DELAY_MS`, `RETRY_MAX_DELAY_MS`
    /// and `RETRY_MAX_ATTEMPTS` applied.
    pub policy: RetryPolicy,
    /// The schedule of events held after a `401` (a wrong S2S key): the same
    /// budget, waits from `RETRY_HOLD_DELAY_MS` (5 min) doubling to 1 hour.
    pub hold: RetryPolicy,
    /// `UPSTREAM_TIMEOUT_MS`: how long one call to AppsFlyer may take.
    pub upstream_timeout_ms: u64,
    /// `RETRY_RATE_PER_MINUTE`: ceiling on retries sent by the queue consumer.
    pub retry_rate_per_minute: u64,
    /// `DEAD_LETTER_QUEUE_NAME`: how the consumer recognises the dead-letter queue.
    pub dead_letter_queue: String,
    /// `REPLAY_INCLUDE`, `REPLAY_MAX`.
    pub replay: ReplayOptions,
    /// `BATCH_SEND_WINDOW_MS`: how long after a `/batch` arrives its events
    /// may still start to be sent; later ones are queued (see `batch`).
    pub batch_send_window_ms: u64,
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
        let cfg = Rc::new(Config::from_vars(|name| {
            env.var(name).ok().map(|v| v.to_string())
        })?);
        CONFIG.with(|c| c.get_or_init(|| Rc::clone(&cfg)).clone());
        Ok(cfg)
    }

    /// Reads the configuration from `var(NAME)`. Unset values take their
    /// defaults; malformed ones are errors.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let text = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let number = |name: &'static str| -> Result<Option<u64>, ConfigError> {
            match text(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| ConfigError(not_a_number(name))),
            }
        };
        let endpoint = text("AF_ENDPOINT").unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
        let endpoint = validate_endpoint(endpoint.trim())
            .map_err(|_| {
                ConfigError(
                    "AF_ENDPOINT must be an https:// base URL such as https://api3.appsflyer.com \
                     (http:// only for a loopback test upstream), without query, credentials \
                     or /inappevent",
                )
            })?
            .to_string();
        let keys = match text("AF_S2S_KEYS") {
            None => BTreeMap::new(),
            Some(json) => {
                serde_json::from_str::<BTreeMap<String, String>>(&json).map_err(|_| {
                    ConfigError("AF_S2S_KEYS must be a JSON object of app id to S2S key strings")
                })?
            }
        };
        let mut policy = RetryPolicy::durable();
        if let Some(seconds) = number("RETRY_BUDGET_SECONDS")? {
            if !(1..=MAX_RETRY_BUDGET_SECONDS).contains(&seconds) {
                return Err(ConfigError(
                    "RETRY_BUDGET_SECONDS must be from 1 to 345600 (4 days, the queues' retention)",
                ));
            }
            policy.max_elapsed_ms = Some(seconds * 1000);
        }
        if let Some(ms) = number("RETRY_BASE_DELAY_MS")? {
            policy.base_delay_ms = ms;
        }
        if let Some(ms) = number("RETRY_MAX_DELAY_MS")? {
            policy.max_delay_ms = ms;
        }
        if let Some(n) = number("RETRY_MAX_ATTEMPTS")? {
            policy.max_attempts = u32::try_from(n.max(1)).unwrap_or(u32::MAX);
        }
        let hold_base = number("RETRY_HOLD_DELAY_MS")?.unwrap_or(300_000);
        let mut hold = policy;
        hold.base_delay_ms = hold_base;
        hold.max_delay_ms = hold_base.saturating_mul(12);
        hold.max_attempts = u32::MAX;
        let upstream_timeout_ms = number("UPSTREAM_TIMEOUT_MS")?.unwrap_or(10_000);
        if !(1..=MAX_UPSTREAM_TIMEOUT_MS).contains(&upstream_timeout_ms) {
            return Err(ConfigError(
                "UPSTREAM_TIMEOUT_MS must be from 1 to 20000 milliseconds",
            ));
        }
        let mut build = match text("DEFAULT_PHONE_REGION") {
            Some(region) => BuildOptions::new().default_region(region.trim().to_ascii_uppercase()),
            None => BuildOptions::new(),
        };
        build = match text("UNKNOWN_FIELDS").as_deref().map(str::trim) {
            None | Some("refuse") => build,
            Some("forward") => build.forward_unknown_fields(true),
            Some(_) => {
                return Err(ConfigError(
                    "UNKNOWN_FIELDS must be \"refuse\" or \"forward\"",
                ))
            }
        };
        let mut replay = ReplayOptions {
            rejected: false,
            ambiguous: false,
            max_replays: 3,
        };
        for item in list(text("REPLAY_INCLUDE")) {
            match item.as_str() {
                "rejected" => replay.rejected = true,
                "ambiguous" => replay.ambiguous = true,
                _ => {
                    return Err(ConfigError(
                        "REPLAY_INCLUDE must list \"rejected\" and/or \"ambiguous\"",
                    ))
                }
            }
        }
        if let Some(n) = number("REPLAY_MAX")? {
            replay.max_replays = u32::try_from(n).unwrap_or(u32::MAX);
        }
        let batch_send_window_ms = number("BATCH_SEND_WINDOW_MS")?.unwrap_or(5_000);
        if batch_send_window_ms > MAX_BATCH_SEND_WINDOW_MS {
            return Err(ConfigError(
                "BATCH_SEND_WINDOW_MS must be at most 10000 milliseconds",
            ));
        }
        Ok(Config {
            endpoint,
            keys,
            callers: Callers::parse(text("CLIENT_TOKENS").as_deref())?,
            allowed_origins: list(text("ALLOWED_ORIGINS")),
            build,
            fill_ip: text("FILL_IP").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            policy,
            hold,
            upstream_timeout_ms,
            retry_rate_per_minute: number("RETRY_RATE_PER_MINUTE")?.unwrap_or(30_000).max(1),
            dead_letter_queue: text("DEAD_LETTER_QUEUE_NAME")
                .unwrap_or_else(|| "appsflyer-s2s-dead-letter".into()),
            replay,
            batch_send_window_ms,
        })
    }

    /// The S2S key of an app: its own, else the `"*"` default.
    pub fn key_for(&self, app_id: &str) -> Option<&str> {
        self.keys
            .get(app_id)
            .or_else(|| self.keys.get("*"))
            .map(String::as_str)
    }

    /// How long an idempotency key stays reserved for the request that
    /// claimed it: longer than the upstream timeout plus the queue and
    /// storage calls around it, so a slow first request never loses its key
    /// to a repeat while it may still send.
    pub fn lease_ms(&self) -> u64 {
        self.upstream_timeout_ms + 30_000
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

/// The message naming a setting that is not a whole number.
fn not_a_number(name: &'static str) -> &'static str {
    match name {
        "RETRY_BUDGET_SECONDS" => "RETRY_BUDGET_SECONDS must be a whole number of seconds",
        "RETRY_MAX_ATTEMPTS" => "RETRY_MAX_ATTEMPTS must be a whole number",
        "RETRY_BASE_DELAY_MS" => "RETRY_BASE_DELAY_MS must be a whole number of milliseconds",
        "RETRY_MAX_DELAY_MS" => "RETRY_MAX_DELAY_MS must be a whole number of milliseconds",
        "RETRY_HOLD_DELAY_MS" => "RETRY_HOLD_DELAY_MS must be a whole number of milliseconds",
        "UPSTREAM_TIMEOUT_MS" => "UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds",
        "RETRY_RATE_PER_MINUTE" => "RETRY_RATE_PER_MINUTE must be a whole number",
        "REPLAY_MAX" => "REPLAY_MAX must be a whole number",
        "BATCH_SEND_WINDOW_MS" => "BATCH_SEND_WINDOW_MS must be a whole number of milliseconds",
        _ => "a numeric setting is not a whole number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults() {
        let cfg = read(&[]).unwrap();
        assert_eq!(cfg.endpoint, "https://api3.appsflyer.com");
        assert!(cfg.callers.is_empty());
        assert_eq!(cfg.policy, RetryPolicy::durable());
        assert_eq!(cfg.policy.max_elapsed_ms, Some(86_400_000));
        assert_eq!(cfg.hold.base_delay_ms, 300_000);
        assert_eq!(cfg.hold.max_delay_ms, 3_600_000);
        assert_eq!(cfg.hold.max_elapsed_ms, cfg.policy.max_elapsed_ms);
        assert_eq!(cfg.upstream_timeout_ms, 10_000);
        assert!(cfg.lease_ms() > cfg.upstream_timeout_ms);
        assert!(!cfg.build.forwards_unknown_fields());
        assert_eq!(
            cfg.replay,
            ReplayOptions {
                rejected: false,
                ambiguous: false,
                max_replays: 3
            }
        );
    }

    #[test]
    fn settings_apply() {
        let cfg = read(&[
            ("AF_ENDPOINT", "http://127.0.0.1:8788/"),
            ("RETRY_BUDGET_SECONDS", "30"),
            ("RETRY_BASE_DELAY_MS", "100"),
            ("RETRY_HOLD_DELAY_MS", "1000"),
            ("UPSTREAM_TIMEOUT_MS", "20000"),
            ("UNKNOWN_FIELDS", "forward"),
            ("REPLAY_INCLUDE", "rejected, ambiguous"),
            ("REPLAY_MAX", "1"),
            ("AF_S2S_KEYS", r#"{"*":"k"}"#),
        ])
        .unwrap();
        assert_eq!(cfg.endpoint, "http://127.0.0.1:8788");
        assert_eq!(cfg.policy.max_elapsed_ms, Some(30_000));
        assert_eq!(cfg.policy.base_delay_ms, 100);
        assert_eq!(cfg.hold.base_delay_ms, 1000);
        assert_eq!(cfg.hold.max_elapsed_ms, Some(30_000));
        assert_eq!(cfg.upstream_timeout_ms, 20_000);
        assert!(cfg.build.forwards_unknown_fields());
        assert!(cfg.replay.rejected && cfg.replay.ambiguous);
        assert_eq!(cfg.replay.max_replays, 1);
        assert_eq!(cfg.key_for("any.app"), Some("k"));
    }

    #[test]
    fn malformed_settings_name_the_setting() {
        for (name, value) in [
            ("AF_ENDPOINT", "http://api3.appsflyer.com"),
            ("AF_ENDPOINT", "https://user:secret@api3.appsflyer.com"),
            ("AF_S2S_KEYS", "[1]"),
            ("CLIENT_TOKENS", "short"),
            ("RETRY_BUDGET_SECONDS", "0"),
            ("RETRY_BUDGET_SECONDS", "999999"),
            ("RETRY_BUDGET_SECONDS", "1h"),
            ("UPSTREAM_TIMEOUT_MS", "60000"),
            ("UPSTREAM_TIMEOUT_MS", "0"),
            ("UNKNOWN_FIELDS", "yes"),
            ("REPLAY_INCLUDE", "everything"),
            ("REPLAY_MAX", "-1"),
            ("BATCH_SEND_WINDOW_MS", "60000"),
            ("RETRY_RATE_PER_MINUTE", "fast"),
        ] {
            let error = read(&[(name, value)]).unwrap_err();
            assert!(error.0.starts_with(name), "{name}={value}: {}", error.0);
            if value.len() > 3 {
                assert!(!error.0.contains(value), "{name}: the value was echoed");
            }
        }
    }
}
