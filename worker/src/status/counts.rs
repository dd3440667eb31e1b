//! Counting in the isolate: every log line adds to a small in-memory tally
//! (per minute × app id × `eventName` × route × outcome, the reasons and
//! error codes per minute × app × outcome, and samples of rejected, invalid
//! and dead-lettered events), which [`super::flush`] hands to the status
//! store every `STATUS_FLUSH_MS`.
//!
//! Why not write each event to the store: at AppsFlyer's 1,000 events/s one
//! Durable Object would take 1,000 writes a second and every event would
//! wait on it. Gathered here, a flush carries a few seconds of one
//! isolate's events in one request, made under `waitUntil` after the
//! answer. The price: an isolate that dies loses what it gathered since its
//! last flush (at most `STATUS_FLUSH_MS` of its events).
//!
//! The tally is bounded whatever callers send: at most [`MAX_KEYS`]
//! distinct counts and [`MAX_REASONS`] distinct reasons between two flushes
//! (more are counted under [`OTHER`]), at most [`MAX_SAMPLES`] samples (the
//! newest kept), every caller-supplied string cut like the log's. A request
//! refused for its token is counted under no app (the app id in its path is
//! anyone's to invent).
//!
//! Pure, apart from the isolate's tally at the bottom, so it is unit-tested
//! natively.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::log::{bounded, EventLog, LogOutcome};

/// Most distinct counts gathered between two flushes.
pub const MAX_KEYS: usize = 1_000;
/// Most distinct reasons gathered between two flushes.
pub const MAX_REASONS: usize = 500;
/// Most samples gathered between two flushes (the newest are kept).
pub const MAX_SAMPLES: usize = 300;
/// Longest reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 160;
/// The app id, `eventName` or reason counted when a bound is reached.
pub const OTHER: &str = "(other)";
/// The route of retries and replays in log lines.
pub const QUEUE_ROUTE: &str = "queue";

/// Milliseconds in a minute.
const MINUTE_MS: u64 = 60_000;

/// What a retry from the queue that failed again is counted as (see
/// [`counted_outcome`]); the log has no such outcome.
pub const RETRIED: &str = "retried";

/// The name an outcome is counted under. The same as the log's, except
/// that a retry from the queue that failed again is `retried` (the log says
/// `queued`, or `held` after a 401): `queued` counts events entering the
/// retry queue, `retried` the attempts made from it.
pub fn counted_outcome(route: &str, outcome: LogOutcome) -> &'static str {
    match outcome {
        LogOutcome::Queued | LogOutcome::Held if route == QUEUE_ROUTE => RETRIED,
        other => other.name(),
    }
}

/// The outcomes that keep samples.
pub fn is_sampled(outcome: LogOutcome) -> bool {
    matches!(
        outcome,
        LogOutcome::Rejected | LogOutcome::Invalid | LogOutcome::DeadLettered
    )
}

/// The outcomes whose reasons are counted: all but the successes, whose
/// `200` says nothing.
fn has_reasons(outcome: LogOutcome) -> bool {
    !matches!(
        outcome,
        LogOutcome::Delivered | LogOutcome::Valid | LogOutcome::Replayed
    )
}

/// Events of one minute, app, `eventName`, route and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// Minutes since the epoch (UTC).
    pub minute: u64,
    /// The app id (`""`: none, for refused tokens).
    pub app_id: String,
    /// `eventName` (`""`: none).
    pub event_name: String,
    /// `inappevent`, `validate`, `batch` or `queue`.
    pub route: String,
    /// The outcome (see [`counted_outcome`]).
    pub outcome: String,
    /// How many.
    pub n: u64,
}

/// How often a reason or an error code was given in one minute, app and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Minutes since the epoch (UTC).
    pub minute: u64,
    /// The app id.
    pub app_id: String,
    /// The outcome (see [`counted_outcome`]).
    pub outcome: String,
    /// An error code of an invalid event, or the status and AppsFlyer's
    /// answer (or the transport failure, or why a letter was made).
    pub reason: String,
    /// How many.
    pub n: u64,
}

/// A field error of an invalid event, as a sample keeps it: where and
/// which code, never the value or the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleError {
    /// The field (`""` for the whole body).
    pub field: String,
    /// The stable error code.
    pub code: String,
}

/// One rejected, invalid or dead-lettered event, as the status page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// When it was decided, UTC RFC 3339: set in reports, not in flushes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// When it was decided, ms since the epoch.
    pub at_ms: u64,
    /// The app id.
    pub app_id: String,
    /// `eventName`, if it had one.
    #[serde(rename = "eventName")]
    pub event_name: Option<String>,
    /// `rejected`, `invalid` or `dead_lettered`.
    pub outcome: String,
    /// The route it came by (`queue` for retries).
    pub route: String,
    /// The caller's id (never its token).
    #[serde(default)]
    pub caller: Option<String>,
    /// Which attempt this was.
    pub attempt: u32,
    /// AppsFlyer's status, if it answered.
    pub upstream_status: Option<u16>,
    /// AppsFlyer's answer (bounded), the transport failure, or why it was
    /// not replayed.
    pub reason: Option<String>,
    /// Why it was dead-lettered.
    #[serde(default)]
    pub dead_letter_reason: Option<String>,
    /// Some attempt may have reached AppsFlyer without an answer.
    #[serde(default)]
    pub ambiguous: bool,
    /// The field errors of an invalid event (fields and codes only).
    #[serde(default)]
    pub errors: Vec<SampleError>,
    /// The exact body sent to AppsFlyer, PII already hashed (rejected and
    /// dead-lettered events the core built; never for an invalid event).
    #[serde(default)]
    pub body: Option<String>,
}

/// What a flush carries to the status store. `id` makes a flush sent twice
/// count once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flush {
    /// Random, unique per flush.
    pub id: String,
    /// The counts.
    pub counts: Vec<Count>,
    /// The reasons and error codes.
    pub reasons: Vec<Reason>,
    /// The samples, oldest first.
    pub samples: Vec<Sample>,
}

type CountKey = (u64, String, String, &'static str, &'static str);
type ReasonKey = (u64, String, &'static str, String);

/// One isolate's tally since its last flush.
#[derive(Debug, Default)]
pub struct Tally {
    counts: HashMap<CountKey, u64>,
    reasons: HashMap<ReasonKey, u64>,
    samples: VecDeque<Sample>,
}

impl Tally {
    /// Whether nothing was counted since the last [`Tally::take`].
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.reasons.is_empty() && self.samples.is_empty()
    }

    /// Counts one log line decided at `now_ms`.
    pub fn record(&mut self, line: &EventLog<'_>, now_ms: u64) {
        let minute = now_ms / MINUTE_MS;
        let outcome = counted_outcome(line.route, line.outcome);
        // A refused token's path names an app anyone can invent.
        let app_id = if line.outcome == LogOutcome::Unauthorized {
            ""
        } else {
            line.app_id.as_str()
        };
        let event_name = line.event_name.as_deref().unwrap_or("");
        let key = (
            minute,
            app_id.to_string(),
            event_name.to_string(),
            line.route,
            outcome,
        );
        let key = if self.counts.len() >= MAX_KEYS && !self.counts.contains_key(&key) {
            (minute, OTHER.into(), OTHER.into(), line.route, outcome)
        } else {
            key
        };
        *self.counts.entry(key).or_default() += 1;

        if line.outcome == LogOutcome::Invalid {
            for code in &line.errors {
                self.add_reason(minute, app_id, outcome, (*code).to_string());
            }
        } else if let Some(reason) = has_reasons(line.outcome).then(|| reason_of(line)).flatten() {
            self.add_reason(minute, app_id, outcome, reason);
        }

        if is_sampled(line.outcome) {
            self.samples.push_back(sample(line, now_ms));
            if self.samples.len() > MAX_SAMPLES {
                self.samples.pop_front();
            }
        }
    }

    fn add_reason(&mut self, minute: u64, app_id: &str, outcome: &'static str, reason: String) {
        let key = (minute, app_id.to_string(), outcome, reason);
        let key = if self.reasons.len() >= MAX_REASONS && !self.reasons.contains_key(&key) {
            (minute, app_id.to_string(), outcome, OTHER.to_string())
        } else {
            key
        };
        *self.reasons.entry(key).or_default() += 1;
    }

    /// Everything counted so far, as a flush with this `id`, leaving the
    /// tally empty; `None` when there is nothing.
    pub fn take(&mut self, id: String) -> Option<Flush> {
        if self.is_empty() {
            return None;
        }
        let counts: Vec<Count> = self
            .counts
            .drain()
            .map(|((minute, app_id, event_name, route, outcome), n)| Count {
                minute,
                app_id,
                event_name,
                route: route.to_string(),
                outcome: outcome.to_string(),
                n,
            })
            .collect();
        let reasons: Vec<Reason> = self
            .reasons
            .drain()
            .map(|((minute, app_id, outcome, reason), n)| Reason {
                minute,
                app_id,
                outcome: outcome.to_string(),
                reason,
                n,
            })
            .collect();
        Some(Flush {
            id,
            counts,
            reasons,
            samples: self.samples.drain(..).collect(),
        })
    }
}

/// The reason a line is counted with, if any: why a letter was made, then
/// AppsFlyer's status and answer (or the transport failure, or why a replay
/// left a letter), bounded.
fn reason_of(line: &EventLog<'_>) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(why) = line.dead_letter_reason {
        parts.push(why.to_string());
    }
    if let Some(status) = line.upstream_status {
        parts.push(status.to_string());
    }
    if let Some(reason) = line.reason {
        parts.push(reason.to_string());
    }
    if parts.is_empty() {
        return None;
    }
    Some(cut(&parts.join(" "), MAX_REASON_CHARS))
}

/// The sample of a rejected, invalid or dead-lettered line.
fn sample(line: &EventLog<'_>, now_ms: u64) -> Sample {
    Sample {
        at: None,
        at_ms: now_ms,
        app_id: line.app_id.clone(),
        event_name: line.event_name.clone(),
        outcome: line.outcome.name().to_string(),
        route: line.route.to_string(),
        caller: line.caller.map(bounded),
        attempt: line.attempt,
        upstream_status: line.upstream_status,
        reason: line.reason.map(|r| cut(r, MAX_REASON_CHARS * 2)),
        dead_letter_reason: line.dead_letter_reason.map(str::to_string),
        ambiguous: line.ambiguous,
        errors: line
            .errors
            .iter()
            .enumerate()
            .map(|(i, code)| SampleError {
                field: bounded(line.fields.get(i).copied().unwrap_or("")),
                code: (*code).to_string(),
            })
            .collect(),
        // The core caps a body at 1,024 bytes; anything longer was not built here.
        body: line
            .body
            .filter(|b| b.len() <= appsflyer_s2s::MAX_BODY_BYTES)
            .map(str::to_string),
    }
}

/// `text` cut to `max` characters (with `…`).
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

thread_local! {
    /// This isolate's tally.
    static TALLY: RefCell<Tally> = RefCell::new(Tally::default());
}

/// Counts a log line in this isolate's tally.
pub fn record(line: &EventLog<'_>, now_ms: u64) {
    TALLY.with(|t| t.borrow_mut().record(line, now_ms));
}

/// Takes this isolate's tally as a flush with this `id`, if it holds anything.
pub fn take(id: String) -> Option<Flush> {
    TALLY.with(|t| t.borrow_mut().take(id))
}

/// Whether this isolate counted anything since its last flush.
pub fn is_empty() -> bool {
    TALLY.with(|t| t.borrow().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_800_000_000_000; // a whole minute

    fn line(route: &'static str, outcome: LogOutcome) -> EventLog<'static> {
        EventLog::new(route, "com.example.app", Some("af_purchase"), outcome)
    }

    /// The counts, sorted (a flush keeps the map's order).
    fn counts(flush: &Flush) -> Vec<(u64, &str, &str, &str, &str, u64)> {
        let mut counts: Vec<_> = flush
            .counts
            .iter()
            .map(|c| {
                (
                    c.minute,
                    c.app_id.as_str(),
                    c.event_name.as_str(),
                    c.route.as_str(),
                    c.outcome.as_str(),
                    c.n,
                )
            })
            .collect();
        counts.sort();
        counts
    }

    /// The reasons as (outcome, reason, n), sorted.
    fn reasons(flush: &Flush) -> Vec<(&str, &str, u64)> {
        let mut reasons: Vec<_> = flush
            .reasons
            .iter()
            .map(|r| (r.outcome.as_str(), r.reason.as_str(), r.n))
            .collect();
        reasons.sort();
        reasons
    }

    #[test]
    fn lines_are_counted_per_minute_app_event_route_and_outcome() {
        let mut tally = Tally::default();
        for _ in 0..3 {
            tally.record(&line("inappevent", LogOutcome::Delivered), T);
        }
        tally.record(&line("inappevent", LogOutcome::Delivered), T + 59_999);
        tally.record(&line("inappevent", LogOutcome::Delivered), T + 60_000);
        tally.record(&line("batch", LogOutcome::Delivered), T);
        let flush = tally.take("f1".into()).unwrap();
        let m = T / 60_000;
        assert_eq!(
            counts(&flush),
            vec![
                (m, "com.example.app", "af_purchase", "batch", "delivered", 1),
                (
                    m,
                    "com.example.app",
                    "af_purchase",
                    "inappevent",
                    "delivered",
                    4
                ),
                (
                    m + 1,
                    "com.example.app",
                    "af_purchase",
                    "inappevent",
                    "delivered",
                    1
                ),
            ]
        );
        assert_eq!(flush.id, "f1");
        assert!(tally.is_empty());
        assert!(tally.take("f2".into()).is_none());
    }

    #[test]
    fn retries_from_the_queue_are_counted_as_retried() {
        assert_eq!(counted_outcome("queue", LogOutcome::Queued), "retried");
        assert_eq!(counted_outcome("queue", LogOutcome::Held), "retried");
        assert_eq!(counted_outcome("inappevent", LogOutcome::Queued), "queued");
        assert_eq!(counted_outcome("batch", LogOutcome::Held), "held");
        assert_eq!(counted_outcome("queue", LogOutcome::Delivered), "delivered");
    }

    #[test]
    fn invalid_events_count_each_code_and_sample_fields_never_values() {
        let mut tally = Tally::default();
        let mut invalid = line("inappevent", LogOutcome::Invalid);
        invalid.errors = vec!["invalid_email", "missing_field"];
        invalid.fields = vec!["email", "appsflyer_id"];
        invalid.caller = Some("web-shop");
        tally.record(&invalid, T);
        let flush = tally.take("f".into()).unwrap();
        assert_eq!(
            reasons(&flush),
            vec![
                ("invalid", "invalid_email", 1),
                ("invalid", "missing_field", 1)
            ]
        );
        assert_eq!(flush.counts.len(), 1, "the event counts once");
        let [sample] = flush.samples.as_slice() else {
            panic!("one sample")
        };
        assert_eq!(
            sample.errors,
            vec![
                SampleError {
                    field: "email".into(),
                    code: "invalid_email".into()
                },
                SampleError {
                    field: "appsflyer_id".into(),
                    code: "missing_field".into()
                },
            ]
        );
        assert_eq!(sample.body, None);
        assert_eq!(sample.caller.as_deref(), Some("web-shop"));
    }

    #[test]
    fn refusals_keep_status_answer_and_body() {
        let mut tally = Tally::default();
        let body = r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase"}"#;
        let mut rejected = line("inappevent", LogOutcome::Rejected);
        rejected.upstream_status = Some(400);
        rejected.reason = Some("appsflyer_id is a mandatory field");
        rejected.body = Some(body);
        tally.record(&rejected, T);
        let mut letter = line("queue", LogOutcome::DeadLettered);
        letter.dead_letter_reason = Some("retries_exhausted");
        letter.upstream_status = Some(500);
        letter.reason = Some("Internal Server Error");
        tally.record(&letter, T);
        let mut delivered = line("inappevent", LogOutcome::Delivered);
        delivered.upstream_status = Some(200);
        tally.record(&delivered, T);
        let flush = tally.take("f".into()).unwrap();
        assert_eq!(
            reasons(&flush),
            vec![
                (
                    "dead_lettered",
                    "retries_exhausted 500 Internal Server Error",
                    1
                ),
                ("rejected", "400 appsflyer_id is a mandatory field", 1),
            ]
        );
        assert_eq!(
            flush.samples.len(),
            2,
            "delivered events keep no sample or reason"
        );
        assert_eq!(flush.samples[0].body.as_deref(), Some(body));
        assert_eq!(flush.samples[0].upstream_status, Some(400));
        assert_eq!(
            flush.samples[1].dead_letter_reason.as_deref(),
            Some("retries_exhausted")
        );
    }

    #[test]
    fn refused_tokens_name_no_app() {
        let mut tally = Tally::default();
        let mut refused = EventLog::new(
            "inappevent",
            "anything.at.all",
            None,
            LogOutcome::Unauthorized,
        );
        refused.attempt = 0;
        tally.record(&refused, T);
        let flush = tally.take("f".into()).unwrap();
        assert_eq!(flush.counts[0].app_id, "");
        assert_eq!(flush.counts[0].outcome, "unauthorized");
    }

    #[test]
    fn the_tally_is_bounded() {
        let mut tally = Tally::default();
        for i in 0..MAX_KEYS + 50 {
            let name = format!("af_{i}");
            let mut l = EventLog::new(
                "inappevent",
                "com.example.app",
                Some(&name),
                LogOutcome::Rejected,
            );
            l.upstream_status = Some(400);
            l.reason = Some(Box::leak(format!("answer {i}").into_boxed_str()));
            tally.record(&l, T);
        }
        let flush = tally.take("f".into()).unwrap();
        assert_eq!(flush.counts.len(), MAX_KEYS + 1);
        let other = flush.counts.iter().find(|c| c.app_id == OTHER).unwrap();
        assert_eq!((other.event_name.as_str(), other.n), (OTHER, 50));
        assert_eq!(
            flush.counts.iter().map(|c| c.n).sum::<u64>(),
            (MAX_KEYS + 50) as u64
        );
        assert_eq!(flush.reasons.len(), MAX_REASONS + 1);
        assert_eq!(
            flush.reasons.iter().map(|r| r.n).sum::<u64>(),
            (MAX_KEYS + 50) as u64
        );
        assert_eq!(flush.samples.len(), MAX_SAMPLES);
        assert_eq!(
            flush.samples.last().unwrap().event_name.as_deref(),
            Some(format!("af_{}", MAX_KEYS + 49).as_str()),
            "the newest samples are kept"
        );
    }

    #[test]
    fn long_reasons_and_bodies_that_the_core_could_not_have_built_are_cut_or_dropped() {
        let mut tally = Tally::default();
        let long = "E".repeat(5000);
        let mut l = line("inappevent", LogOutcome::Rejected);
        l.reason = Some(&long);
        l.body = Some(&long);
        tally.record(&l, T);
        let flush = tally.take("f".into()).unwrap();
        assert!(flush.reasons[0].reason.chars().count() <= MAX_REASON_CHARS + 1);
        assert!(
            flush.samples[0].reason.as_ref().unwrap().chars().count() <= 2 * MAX_REASON_CHARS + 1
        );
        assert_eq!(flush.samples[0].body, None);
    }
}
