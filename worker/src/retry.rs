//! Durable retry through Cloudflare Queues.
//!
//! A transient failure (network error, timeout, 408/425/429, 5xx) puts a
//! [`RetryMessage`] on `RETRY_QUEUE`: the prepared request without its S2S
//! key (the key is looked up again from `AF_S2S_KEYS` when the message is
//! consumed, so it never rests in a queue, and a rotated key applies). This
//! Worker consumes the queue, sends again, and on another transient failure
//! puts the message back with the core's [`RetryPolicy`] delay and its
//! attempt count raised. When the policy gives up, or AppsFlyer refuses the
//! event, the message goes to `DEAD_LETTER_QUEUE` with the last status and
//! reason. If the dead-letter queue is this Worker's queue too (see the
//! README), its messages are replayed: put back on `RETRY_QUEUE` with a fresh
//! attempt count.
//!
//! Pacing: the consumer runs with `max_concurrency = 1` and each batch takes
//! at least `batch size × 60,000 / RETRY_RATE_PER_MINUTE` ms, so retries stay
//! under that rate (default 30,000/min, half of AppsFlyer's ~60,000/min).

use std::time::Duration;

use appsflyer_s2s::{prepare, Outcome, RetryPolicy};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use worker::{
    Delay, Env, Message, MessageBatch, MessageBuilder, MessageExt, QueueRetryOptionsBuilder,
};

use crate::config::{Config, DEAD_LETTER_QUEUE, RETRY_QUEUE};
use crate::log::{now_ms, EventLog, LogOutcome};
use crate::upstream::{self, Sent};

/// Longest delay a queue accepts (`delaySeconds`), 12 hours.
const MAX_QUEUE_DELAY_SECONDS: u64 = 43_200;
/// Messages of one batch sent at once.
const CONSUMER_CONCURRENCY: usize = 6;

/// One event waiting for another attempt: the prepared request without its key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RetryMessage {
    /// The app id, to look the S2S key up again.
    pub app_id: String,
    /// `eventName`, for logs.
    #[serde(rename = "eventName")]
    pub event_name: Option<String>,
    /// The Send Event URL.
    pub url: String,
    /// The exact JSON body (PII already hashed).
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the event was first tried, ms since the epoch.
    pub first_attempt_ms: u64,
    /// AppsFlyer's status at the last attempt; `None` for a network error or timeout.
    pub last_status: Option<u16>,
    /// The last failure, tidied and bounded by the core.
    pub last_reason: Option<String>,
    /// Set on dead letters: why the Worker gave up (`attempts_exhausted`,
    /// `rejected`, `no_key`, `unusable_request`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_reason: Option<String>,
}

impl RetryMessage {
    fn record(&mut self, sent: &Sent) {
        self.last_status = sent.status;
        self.last_reason = sent.outcome.reason().map(str::to_string);
    }
}

/// The wait before the next attempt, in whole seconds for the queue; `None`
/// when the policy gives up.
fn delay_seconds(policy: &RetryPolicy, outcome: &Outcome, attempts: u32) -> Option<u32> {
    let ms = policy.delay_for(outcome, attempts, js_sys::Math::random())?;
    let seconds = ms.div_ceil(1000).min(MAX_QUEUE_DELAY_SECONDS);
    Some(u32::try_from(seconds).unwrap_or(u32::MAX))
}

/// Whether a message was queued for retry or dead-lettered.
pub enum Queued {
    /// On `RETRY_QUEUE`, to be tried again after the policy's delay.
    Retry,
    /// The policy allows no retry: on `DEAD_LETTER_QUEUE`.
    DeadLettered,
}

/// After a transient failure of the first attempt: queue the event for retry
/// (or dead-letter it if the policy allows no retry). An error means the
/// event is in no queue and the caller must be told to try again.
pub async fn enqueue_after_first(
    env: &Env,
    cfg: &Config,
    mut message: RetryMessage,
    sent: &Sent,
) -> worker::Result<Queued> {
    message.record(sent);
    match delay_seconds(&cfg.policy, &sent.outcome, message.attempts) {
        Some(delay) => {
            send(env, RETRY_QUEUE, &message, delay).await?;
            Ok(Queued::Retry)
        }
        None => {
            message.dead_letter_reason = Some("attempts_exhausted".into());
            send(env, DEAD_LETTER_QUEUE, &message, 0).await?;
            Ok(Queued::DeadLettered)
        }
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
    let dead_letter_queue = env
        .var("DEAD_LETTER_QUEUE_NAME")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "appsflyer-s2s-dead-letter".into());
    let messages = batch.messages()?;
    if batch.queue() == dead_letter_queue {
        for message in &messages {
            replay(&env, message).await;
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

/// One retry: send, then ack, requeue with a delay, or dead-letter.
async fn retry_one(env: &Env, cfg: &Config, raw: &Message<serde_json::Value>) {
    let Ok(mut message) = serde_json::from_value::<RetryMessage>(raw.body().clone()) else {
        // Not ours: keep it for people to look at rather than lose it.
        let forwarded = match env.queue(DEAD_LETTER_QUEUE) {
            Ok(q) => q.send(raw.body().clone()).await,
            Err(e) => Err(e),
        };
        finish(raw, forwarded.is_ok(), 60);
        return;
    };
    let attempt = message.attempts + 1;
    let (app_id, event_name) = (message.app_id.clone(), message.event_name.clone());
    let mut log = EventLog::new(
        "queue",
        &app_id,
        event_name.as_deref(),
        LogOutcome::DeadLettered,
    );
    log.attempt = attempt;
    let Some(key) = cfg.key_for(&message.app_id) else {
        message.attempts = attempt;
        let done = dead_letter(env, &mut message, "no_key").await;
        log.reason = Some("no S2S key for this app in AF_S2S_KEYS");
        log.emit();
        finish(raw, done, 60);
        return;
    };
    let endpoint = message
        .url
        .rsplit_once("/inappevent/")
        .map(|(base, _)| base.to_string());
    let request = match prepare(
        &message.app_id,
        key,
        endpoint.as_deref(),
        message.body.clone(),
    ) {
        Ok(request) => request,
        Err(_) => {
            message.attempts = attempt;
            let done = dead_letter(env, &mut message, "unusable_request").await;
            log.reason = Some("the stored request or the app's S2S key is not usable");
            log.emit();
            finish(raw, done, 60);
            return;
        }
    };
    let sent = upstream::send(&request, cfg.upstream_timeout_ms).await;
    message.attempts = attempt;
    message.record(&sent);
    let reason = sent.outcome.reason().map(str::to_string);
    log.outcome = LogOutcome::Delivered;
    log.upstream_status = sent.status;
    log.latency_ms = sent.latency_ms;
    log.reason = reason.as_deref();
    let (done, delay) = match &sent.outcome {
        Outcome::Delivered => (true, 0),
        outcome if outcome.is_retryable() => match delay_seconds(&cfg.policy, outcome, attempt) {
            Some(delay) => {
                log.outcome = LogOutcome::Queued;
                (send(env, RETRY_QUEUE, &message, delay).await.is_ok(), delay)
            }
            None => {
                log.outcome = LogOutcome::DeadLettered;
                (
                    dead_letter(env, &mut message, "attempts_exhausted").await,
                    60,
                )
            }
        },
        _ => {
            log.outcome = LogOutcome::DeadLettered;
            (dead_letter(env, &mut message, "rejected").await, 60)
        }
    };
    log.emit();
    finish(raw, done, delay);
}

async fn dead_letter(env: &Env, message: &mut RetryMessage, reason: &str) -> bool {
    message.dead_letter_reason = Some(reason.to_string());
    send(env, DEAD_LETTER_QUEUE, message, 0).await.is_ok()
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

/// A dead letter back on the retry queue with a fresh attempt count.
async fn replay(env: &Env, raw: &Message<serde_json::Value>) {
    let Ok(mut message) = serde_json::from_value::<RetryMessage>(raw.body().clone()) else {
        // Unknown shape: leave it where it is for people to look at.
        raw.retry_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(3600)
                .build(),
        );
        return;
    };
    message.attempts = 0;
    message.dead_letter_reason = None;
    let done = send(env, RETRY_QUEUE, &message, 0).await.is_ok();
    if done {
        let mut log = EventLog::new(
            "queue",
            &message.app_id,
            message.event_name.as_deref(),
            LogOutcome::Requeued,
        );
        log.attempt = 0;
        log.emit();
    }
    finish(raw, done, 60);
}
