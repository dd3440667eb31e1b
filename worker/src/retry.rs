//! Durable retry through Cloudflare Queues, and dead-letter replay.
//!
//! A transient failure (network error, timeout, 408/425/429, 5xx) puts a
//! [`RetryMessage`] on `RETRY_QUEUE`: the app id and the exact body, without
//! the S2S key or the URL. When the message is consumed, the request is
//! built again from the current `AF_ENDPOINT`, the message's app id
//! (validated again) and the app's current key, so no key rests in a queue,
//! a rotated key applies, and nobody who can write to the queue can send the
//! key anywhere else. A message that is not one the Worker could have
//! written (missing fields, a bad app id, a body over 1 KB or one the core
//! would not have built as it is, a URL of another endpoint) is dead-lettered
//! as `unusable` and never sent.
//!
//! The consumer sends again and, on another transient failure, puts the
//! message back with the core's [`RetryPolicy::next_delay_after`] delay: the
//! retry budget is a duration (`RETRY_BUDGET_SECONDS`, 24 h by default), so
//! an outage of hours loses nothing. A `401` (the key is not the app's: a
//! configuration problem, not the event's) is held with a long backoff and
//! logged as an alert. When the budget is spent, or AppsFlyer refuses the
//! event, the message goes to `DEAD_LETTER_QUEUE` with the last status and
//! reason.
//!
//! An attempt that failed after the request left (a timeout, a reset) marks
//! the message `ambiguous` for good: AppsFlyer may have recorded it and does
//! not deduplicate, so an operator should know before replaying it.
//!
//! Replay: while this Worker consumes the dead-letter queue (see
//! worker/README.md), each letter that ran out of retries goes back on the
//! retry queue with a fresh budget and `replays` raised. A letter AppsFlyer
//! refused, or an ambiguous one, is replayed only when `REPLAY_INCLUDE` asks
//! for it; none more than `REPLAY_MAX` times; unusable letters never. A
//! letter not replayed is left in the dead-letter queue (re-sent there with
//! the longest delay a queue allows and the reason in `replay_skipped`), so a
//! replay never loops and never drops a letter.
//!
//! Pacing: the consumer runs with `max_concurrency = 1` and each batch takes
//! at least `batch size × 60,000 / RETRY_RATE_PER_MINUTE` ms, so retries stay
//! under that rate (default 30,000/min, half of AppsFlyer's ~60,000/min).

use std::time::Duration;

use appsflyer_s2s::request::validate_app_id;
use appsflyer_s2s::{
    build_event_json, prepare, BuildOptions, Outcome, RetryPolicy, S2sRequest, MAX_BODY_BYTES,
};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use worker::{
    Delay, Env, Message, MessageBatch, MessageBuilder, MessageExt, QueueContentType,
    QueueRetryOptionsBuilder, RawMessageBuilder,
};

use crate::config::{Config, ReplayOptions, DEAD_LETTER_QUEUE, RETRY_QUEUE};
use crate::event::EventContext;
use crate::log::{now_ms, EventLog, LogOutcome};
use crate::upstream::{self, Sent};

/// Longest delay a queue accepts (`delaySeconds`), 12 hours.
pub const MAX_QUEUE_DELAY_SECONDS: u32 = 43_200;
/// Messages of one batch sent at once.
const CONSUMER_CONCURRENCY: usize = 6;
/// The alert logged when AppsFlyer answers 401.
pub const UNAUTHORIZED_ALERT: &str =
    "AppsFlyer answered 401: the S2S key in AF_S2S_KEYS is not this app's; events are held until it is fixed";

/// One event waiting for another attempt: what is needed to build the
/// request again, without its key or URL.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RetryMessage {
    /// The app id, to build the URL and look the S2S key up again.
    pub app_id: String,
    /// `eventName`, for logs.
    #[serde(rename = "eventName")]
    pub event_name: Option<String>,
    /// The exact JSON body (PII already hashed).
    pub body: String,
    /// Attempts made so far (0: never sent).
    pub attempts: u32,
    /// When the retry budget started (the first attempt, or the last
    /// replay), ms since the epoch.
    pub first_attempt_ms: u64,
    /// AppsFlyer's status at the last attempt; `None` for a network error or timeout.
    pub last_status: Option<u16>,
    /// The last failure, tidied and bounded by the core.
    pub last_reason: Option<String>,
    /// Some attempt failed after the request left: AppsFlyer may already
    /// have recorded the event, so another send may duplicate it.
    #[serde(default)]
    pub ambiguous: bool,
    /// Times the event was replayed from the dead-letter queue.
    #[serde(default)]
    pub replays: u32,
    /// The caller's id, for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// Set on dead letters: why the Worker gave up (`retries_exhausted`,
    /// `rejected`, `no_key`, `unusable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_reason: Option<String>,
    /// Set on dead letters a replay left alone: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_skipped: Option<String>,
    /// The URL of the request, in messages written by earlier versions:
    /// never used to send; a message naming another endpoint is unusable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl RetryMessage {
    /// The message of an event that was sent `attempts` times (0 or 1) by a request.
    pub fn first(
        cx: &EventContext,
        request: &S2sRequest,
        event_name: Option<String>,
        started: u64,
        attempts: u32,
    ) -> RetryMessage {
        RetryMessage {
            app_id: cx.app_id.clone(),
            event_name,
            body: request.body.clone(),
            attempts,
            first_attempt_ms: started,
            last_status: None,
            last_reason: None,
            ambiguous: false,
            replays: 0,
            caller: Some(cx.caller.clone()),
            dead_letter_reason: None,
            replay_skipped: None,
            url: None,
        }
    }

    fn record(&mut self, sent: &Sent) {
        self.last_status = sent.status;
        self.last_reason = sent.outcome.reason().map(str::to_string);
        self.ambiguous |= sent.ambiguous;
    }

    fn log(&self, outcome: LogOutcome) -> EventLog<'_> {
        let mut line = EventLog::new("queue", &self.app_id, self.event_name.as_deref(), outcome);
        line.caller = self.caller.as_deref();
        line.attempt = self.attempts;
        line.ambiguous = self.ambiguous;
        line.replays = self.replays;
        line
    }
}

/// What to do with an event after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Delivered: nothing more.
    Done,
    /// Try again after this many seconds; `held` after a 401.
    Retry { delay_seconds: u32, held: bool },
    /// Give up: dead-letter it with this reason.
    DeadLetter(&'static str),
}

/// The step after `sent` for a message that has made `message.attempts`
/// attempts in all, at `now_ms`: pure, so it is unit-tested natively.
pub fn next_step(
    cfg: &Config,
    message: &RetryMessage,
    sent: &Sent,
    now_ms: u64,
    jitter: f64,
) -> Step {
    let outcome = &sent.outcome;
    let policy: &RetryPolicy = match outcome {
        Outcome::Delivered => return Step::Done,
        o if o.is_unauthorized() => &cfg.hold,
        o if o.is_retryable() => &cfg.policy,
        _ => return Step::DeadLetter("rejected"),
    };
    let elapsed = now_ms.saturating_sub(message.first_attempt_ms);
    match policy.next_delay_after(message.attempts, elapsed, outcome.retry_after_ms(), jitter) {
        Some(ms) => Step::Retry {
            delay_seconds: seconds(ms),
            held: outcome.is_unauthorized(),
        },
        None => Step::DeadLetter("retries_exhausted"),
    }
}

/// Milliseconds as whole queue seconds, rounded up, at most 12 hours.
fn seconds(ms: u64) -> u32 {
    u32::try_from(ms.div_ceil(1000))
        .unwrap_or(u32::MAX)
        .min(MAX_QUEUE_DELAY_SECONDS)
}

/// Where a message went.
pub enum Queued {
    /// On `RETRY_QUEUE`, to be tried again after the policy's delay.
    Retry,
    /// On `RETRY_QUEUE` after a 401, with the long backoff.
    Held,
    /// The policy allows no retry: on `DEAD_LETTER_QUEUE`.
    DeadLettered,
}

/// Queues an event of a request: after its first attempt failed (`sent`),
/// or without any attempt (`None`: sent by the consumer at once). An error
/// means the event is in no queue and the caller must be told to try again.
pub async fn enqueue(
    env: &Env,
    cfg: &Config,
    mut message: RetryMessage,
    sent: Option<&Sent>,
) -> worker::Result<Queued> {
    let Some(sent) = sent else {
        send(env, RETRY_QUEUE, &message, 0).await?;
        return Ok(Queued::Retry);
    };
    message.record(sent);
    match next_step(cfg, &message, sent, now_ms(), js_sys::Math::random()) {
        Step::Retry {
            delay_seconds,
            held,
        } => {
            send(env, RETRY_QUEUE, &message, delay_seconds).await?;
            Ok(if held { Queued::Held } else { Queued::Retry })
        }
        Step::DeadLetter(reason) => {
            message.dead_letter_reason = Some(reason.into());
            send(env, DEAD_LETTER_QUEUE, &message, 0).await?;
            Ok(Queued::DeadLettered)
        }
        Step::Done => Ok(Queued::Retry),
    }
}

async fn send(env: &Env, binding: &str, message: &RetryMessage, delay: u32) -> worker::Result<()> {
    env.queue(binding)?
        .send(
            MessageBuilder::new(message.clone())
                .delay_seconds(delay)
                .build(),
        )
        .await
}

/// The queue handler: retries from `RETRY_QUEUE`, replays from the dead-letter queue.
pub async fn consume(batch: MessageBatch<serde_json::Value>, env: Env) -> worker::Result<()> {
    let cfg = match Config::get(&env) {
        Ok(cfg) => cfg,
        Err(e) => {
            // Nothing can be sent until the operator fixes the settings: keep the messages.
            worker::console_error!("{{\"log\":\"config\",\"error\":\"{}\"}}", e.0);
            batch.retry_all_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(60)
                    .build(),
            );
            return Ok(());
        }
    };
    let messages = batch.messages()?;
    if batch.queue() == cfg.dead_letter_queue {
        for message in &messages {
            replay(&env, cfg.replay, message).await;
        }
        return Ok(());
    }
    let started = now_ms();
    futures_util::stream::iter(messages.iter())
        .map(|message| retry_one(&env, &cfg, message))
        .buffer_unordered(CONSUMER_CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    let floor_ms = (messages.len() as u64).saturating_mul(60_000) / cfg.retry_rate_per_minute;
    let elapsed = now_ms().saturating_sub(started);
    if elapsed < floor_ms {
        Delay::from(Duration::from_millis(floor_ms - elapsed)).await;
    }
    Ok(())
}

/// Why a message cannot be sent as it is, if it cannot: pure, so it is
/// unit-tested natively.
pub fn unusable(cfg: &Config, message: &RetryMessage) -> Option<&'static str> {
    if validate_app_id(&message.app_id).is_err() {
        return Some("the app id is not valid");
    }
    if cfg.key_for(&message.app_id).is_none() {
        return Some("no S2S key for this app in AF_S2S_KEYS");
    }
    if let Some(url) = &message.url {
        let base = url.rsplit_once("/inappevent/").map(|(base, _)| base);
        if base.is_none_or(|b| !b.eq_ignore_ascii_case(&cfg.endpoint)) {
            return Some("the message names another endpoint than AF_ENDPOINT");
        }
    }
    if message.body.len() > MAX_BODY_BYTES {
        return Some("the body is over AppsFlyer's 1,024-byte limit");
    }
    // A body the Worker wrote is one the core built; built again, it is the
    // same. Anything else (raw PII, a changed field) was not written here.
    let rebuilt = build_event_json(
        &message.body,
        &BuildOptions::new().forward_unknown_fields(true),
    );
    if rebuilt.map_or(true, |built| built.body != message.body) {
        return Some("the body is not one the core would send as it is");
    }
    None
}

/// One retry: send, then ack, requeue with a delay, or dead-letter.
async fn retry_one(env: &Env, cfg: &Config, raw: &Message<serde_json::Value>) {
    let parsed = serde_json::from_value::<RetryMessage>(raw.body().clone());
    let (mut message, problem) = match parsed {
        Ok(message) => {
            let problem = unusable(cfg, &message);
            (message, problem)
        }
        Err(_) => {
            let done = dead_letter_raw(env, raw.body().clone()).await;
            let mut line = EventLog::new("queue", "", None, LogOutcome::DeadLettered);
            line.reason = Some("unusable: the message is not a retry message");
            line.attempt = 0;
            line.emit();
            finish(raw, done, 60);
            return;
        }
    };
    if let Some(problem) = problem {
        let done = dead_letter(env, &mut message, "unusable").await;
        let mut line = message.log(LogOutcome::DeadLettered);
        line.reason = Some(problem);
        line.emit();
        finish(raw, done, 60);
        return;
    }
    let key = cfg.key_for(&message.app_id).unwrap_or_default();
    let Ok(request) = prepare(
        &message.app_id,
        key,
        Some(&cfg.endpoint),
        message.body.clone(),
    ) else {
        let done = dead_letter(env, &mut message, "unusable").await;
        let mut line = message.log(LogOutcome::DeadLettered);
        line.reason = Some("the app's S2S key in AF_S2S_KEYS is not usable");
        line.emit();
        finish(raw, done, 60);
        return;
    };
    let sent = upstream::send(&request, cfg.upstream_timeout_ms).await;
    message.attempts += 1;
    message.record(&sent);
    let step = next_step(cfg, &message, &sent, now_ms(), js_sys::Math::random());
    let reason = sent.outcome.reason().map(str::to_string);
    let (outcome, done, delay) = match step {
        Step::Done => (LogOutcome::Delivered, true, 0),
        Step::Retry {
            delay_seconds,
            held,
        } => {
            let queued = send(env, RETRY_QUEUE, &message, delay_seconds)
                .await
                .is_ok();
            let outcome = if held {
                LogOutcome::Held
            } else {
                LogOutcome::Queued
            };
            (outcome, queued, delay_seconds)
        }
        Step::DeadLetter(why) => (
            LogOutcome::DeadLettered,
            dead_letter(env, &mut message, why).await,
            60,
        ),
    };
    let mut line = message.log(outcome);
    line.upstream_status = sent.status;
    line.latency_ms = sent.latency_ms;
    line.reason = reason.as_deref();
    if outcome == LogOutcome::Held {
        line.alert = Some(UNAUTHORIZED_ALERT);
    }
    line.emit();
    finish(raw, done, delay);
}

async fn dead_letter(env: &Env, message: &mut RetryMessage, reason: &str) -> bool {
    message.dead_letter_reason = Some(reason.to_string());
    send(env, DEAD_LETTER_QUEUE, message, 0).await.is_ok()
}

/// Keeps a message that is not a retry message where people can see it.
async fn dead_letter_raw(env: &Env, body: serde_json::Value) -> bool {
    let letter = serde_json::json!({ "dead_letter_reason": "unusable", "original": body });
    send_json(env, DEAD_LETTER_QUEUE, &letter, 0).await.is_ok()
}

/// Sends any JSON value as a plain JSON message. (Serialized through
/// workers-rs, a `serde_json::Value` object would become a JavaScript `Map`,
/// which a JSON message cannot carry: it would arrive as `{}`.)
async fn send_json(
    env: &Env,
    binding: &str,
    value: &serde_json::Value,
    delay: u32,
) -> worker::Result<()> {
    let message = js_sys::JSON::parse(&value.to_string())
        .map_err(|_| worker::Error::RustError("unserializable message".into()))?;
    env.queue(binding)?
        .send_raw(
            RawMessageBuilder::new(message)
                .delay_seconds(delay)
                .build_with_content_type(QueueContentType::Json),
        )
        .await
}

/// Acks a handled message; if its successor could not be queued, lets the
/// platform redeliver it (bounded by the consumer's `max_retries`, after
/// which the platform dead-letters it).
fn finish(raw: &Message<serde_json::Value>, done: bool, delay: u32) {
    if done {
        raw.ack();
    } else {
        raw.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(delay.max(1))
                .build(),
        );
    }
}

/// Whether a replay sends a dead letter again, or why not: pure, so it is
/// unit-tested natively.
pub fn replay_decision(options: ReplayOptions, letter: &RetryMessage) -> Result<(), &'static str> {
    if letter.replays >= options.max_replays {
        return Err("replay_limit");
    }
    match letter.dead_letter_reason.as_deref() {
        Some("unusable") => return Err("unusable"),
        Some("rejected") if !options.rejected => return Err("rejected"),
        _ => {}
    }
    if letter.ambiguous && !options.ambiguous {
        return Err("ambiguous");
    }
    Ok(())
}

/// A dead letter back on the retry queue with a fresh budget and `replays`
/// raised, or left in the dead-letter queue with why.
async fn replay(env: &Env, options: ReplayOptions, raw: &Message<serde_json::Value>) {
    let Ok(mut letter) = serde_json::from_value::<RetryMessage>(raw.body().clone()) else {
        // Not a letter of ours: leave it for people to look at.
        let kept = send_json(env, DEAD_LETTER_QUEUE, raw.body(), MAX_QUEUE_DELAY_SECONDS)
            .await
            .is_ok();
        finish(raw, kept, 3600);
        return;
    };
    let (outcome, done) = match replay_decision(options, &letter) {
        Ok(()) => {
            letter.replays += 1;
            letter.attempts = 0;
            letter.first_attempt_ms = now_ms();
            letter.replay_skipped = None;
            let from = letter.dead_letter_reason.take();
            let done = send(env, RETRY_QUEUE, &letter, 0).await.is_ok();
            letter.dead_letter_reason = from;
            (LogOutcome::Requeued, done)
        }
        Err(why) => {
            letter.replay_skipped = Some(why.into());
            let done = send(env, DEAD_LETTER_QUEUE, &letter, MAX_QUEUE_DELAY_SECONDS)
                .await
                .is_ok();
            (LogOutcome::ReplaySkipped, done)
        }
    };
    if done {
        let mut line = letter.log(outcome);
        line.reason = letter
            .replay_skipped
            .as_deref()
            .or(letter.dead_letter_reason.as_deref());
        line.emit();
    }
    finish(raw, done, 60);
}

#[cfg(test)]
mod tests {
    use super::*;
    use appsflyer_s2s::outcome::transport_failure;
    use appsflyer_s2s::{build_event_json, classify};

    const HOUR: u64 = 3_600_000;

    fn cfg(vars: &[(&str, &str)]) -> Config {
        let mut all = vec![("AF_S2S_KEYS", r#"{"com.example.app":"k"}"#)];
        all.extend_from_slice(vars);
        Config::from_vars(|name| {
            all.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
        .unwrap()
    }

    fn sent(outcome: Outcome, ambiguous: bool) -> Sent {
        Sent {
            outcome,
            status: None,
            body: String::new(),
            ambiguous,
            latency_ms: 0,
        }
    }

    fn message(attempts: u32, first_attempt_ms: u64) -> RetryMessage {
        let body = build_event_json(
            r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase","email":"a@b.co"}"#,
            &BuildOptions::new(),
        )
        .unwrap()
        .body;
        RetryMessage {
            app_id: "com.example.app".into(),
            event_name: Some("af_purchase".into()),
            body,
            attempts,
            first_attempt_ms,
            last_status: None,
            last_reason: None,
            ambiguous: false,
            replays: 0,
            caller: None,
            dead_letter_reason: None,
            replay_skipped: None,
            url: None,
        }
    }

    #[test]
    fn transient_failures_are_retried_for_the_whole_budget() {
        let cfg = cfg(&[]);
        let failure = sent(classify(503, ""), false);
        // Attempts do not end it; a day does.
        let late = message(400, 0);
        assert!(matches!(
            next_step(&cfg, &late, &failure, 23 * HOUR, 0.5),
            Step::Retry { held: false, .. }
        ));
        assert_eq!(
            next_step(&cfg, &late, &failure, 24 * HOUR, 0.5),
            Step::DeadLetter("retries_exhausted")
        );
        // Early on the waits are seconds.
        assert_eq!(
            next_step(&cfg, &message(1, 0), &failure, 100, 1.0),
            Step::Retry {
                delay_seconds: 2,
                held: false
            }
        );
    }

    #[test]
    fn a_401_is_held_with_a_long_backoff_not_dead_lettered() {
        let cfg = cfg(&[]);
        let step = next_step(
            &cfg,
            &message(1, 0),
            &sent(classify(401, "Unauthorized"), false),
            0,
            0.0,
        );
        assert_eq!(
            step,
            Step::Retry {
                delay_seconds: 150,
                held: true
            }
        );
        assert_eq!(
            next_step(
                &cfg,
                &message(3, 0),
                &sent(classify(401, ""), false),
                25 * HOUR,
                0.0
            ),
            Step::DeadLetter("retries_exhausted")
        );
    }

    #[test]
    fn refusals_are_dead_lettered_and_deliveries_done() {
        let cfg = cfg(&[]);
        for status in [400, 403, 404, 307] {
            assert_eq!(
                next_step(
                    &cfg,
                    &message(1, 0),
                    &sent(classify(status, ""), false),
                    0,
                    0.5
                ),
                Step::DeadLetter("rejected"),
                "{status}"
            );
        }
        assert_eq!(
            next_step(
                &cfg,
                &message(1, 0),
                &sent(classify(200, "OK"), false),
                0,
                0.5
            ),
            Step::Done
        );
        let timeout = sent(transport_failure("no answer"), true);
        assert!(matches!(
            next_step(&cfg, &message(1, 0), &timeout, 0, 0.5),
            Step::Retry { .. }
        ));
    }

    #[test]
    fn a_retry_after_is_obeyed() {
        let cfg = cfg(&[]);
        let busy = appsflyer_s2s::outcome::classify_with_retry_after(429, "", Some("120"), 0);
        assert_eq!(
            next_step(&cfg, &message(1, 0), &sent(busy, false), 0, 0.0),
            Step::Retry {
                delay_seconds: 120,
                held: false
            }
        );
    }

    #[test]
    fn tampered_messages_are_unusable() {
        let cfg = cfg(&[("AF_ENDPOINT", "https://api3.appsflyer.com")]);
        assert_eq!(unusable(&cfg, &message(1, 0)), None);
        let tamper = |f: &dyn Fn(&mut RetryMessage)| {
            let mut m = message(1, 0);
            f(&mut m);
            unusable(&cfg, &m)
        };
        for (what, problem) in [
            ("..", tamper(&|m| m.app_id = "..".into())),
            (".", tamper(&|m| m.app_id = ".".into())),
            ("numeric", tamper(&|m| m.app_id = "123".into())),
            ("no key", tamper(&|m| m.app_id = "com.other.app".into())),
            (
                "other host",
                tamper(&|m| m.url = Some("https://evil.example/inappevent/com.example.app".into())),
            ),
            (
                "other scheme",
                tamper(&|m| {
                    m.url = Some("http://api3.appsflyer.com/inappevent/com.example.app".into())
                }),
            ),
            (
                "no path",
                tamper(&|m| m.url = Some("https://api3.appsflyer.com".into())),
            ),
            (
                "raw pii",
                tamper(&|m| m.body = m.body.replace("\"email_hashed\"", "\"email\"")),
            ),
            (
                "big",
                tamper(&|m| m.body = format!("{}{}", m.body, " ".repeat(1100))),
            ),
            ("not json", tamper(&|m| m.body = "x".into())),
            (
                "changed",
                tamper(&|m| {
                    m.body = m
                        .body
                        .replace("af_purchase", "af_purchase ")
                        .replace("}", " }")
                }),
            ),
        ] {
            assert!(problem.is_some(), "{what} was usable");
        }
        let same_endpoint = tamper(&|m| {
            m.url = Some("https://api3.appsflyer.com/inappevent/com.example.app".into())
        });
        assert_eq!(same_endpoint, None, "a message of an earlier version");
    }

    #[test]
    fn replays_are_bounded_and_skip_what_was_not_asked_for() {
        let defaults = cfg(&[]).replay;
        let letter = |reason: &str, ambiguous: bool, replays: u32| {
            let mut m = message(5, 0);
            m.dead_letter_reason = Some(reason.into());
            m.ambiguous = ambiguous;
            m.replays = replays;
            m
        };
        assert_eq!(
            replay_decision(defaults, &letter("retries_exhausted", false, 0)),
            Ok(())
        );
        assert_eq!(
            replay_decision(defaults, &letter("retries_exhausted", false, 3)),
            Err("replay_limit")
        );
        assert_eq!(
            replay_decision(defaults, &letter("rejected", false, 0)),
            Err("rejected")
        );
        assert_eq!(
            replay_decision(defaults, &letter("retries_exhausted", true, 0)),
            Err("ambiguous")
        );
        assert_eq!(
            replay_decision(defaults, &letter("unusable", false, 0)),
            Err("unusable")
        );
        let all = cfg(&[("REPLAY_INCLUDE", "rejected,ambiguous")]).replay;
        assert_eq!(replay_decision(all, &letter("rejected", true, 2)), Ok(()));
        assert_eq!(
            replay_decision(all, &letter("rejected", true, 3)),
            Err("replay_limit")
        );
        assert_eq!(
            replay_decision(all, &letter("unusable", false, 0)),
            Err("unusable")
        );
    }
}
