//! One structured JSON line per event, to the Workers log (`wrangler tail`,
//! Workers Logs, Logpush).
//!
//! Only what an operator needs to follow an event: app id, `eventName`,
//! outcome, upstream status, attempt, latency, and error codes or AppsFlyer's
//! (bounded) reason. Never the S2S key, a caller token, the body or any
//! field of the event besides its name.

use serde::Serialize;

/// What became of one event at one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogOutcome {
    /// AppsFlyer answered 2xx.
    Delivered,
    /// A transient failure; the event is in the retry queue.
    Queued,
    /// AppsFlyer refused the event (4xx); not retried.
    Rejected,
    /// The event failed validation and was not sent.
    Invalid,
    /// `/validate` accepted the event (not sent).
    Valid,
    /// An idempotent repeat: the first answer was returned, nothing was sent.
    Replayed,
    /// Out of attempts (or refused on retry): sent to the dead-letter queue.
    DeadLettered,
    /// A dead letter put back on the retry queue.
    Requeued,
    /// The Worker could not queue a transient failure; the caller must retry.
    Unavailable,
    /// The idempotency key was first used for another event: nothing sent.
    KeyReused,
}

/// One log line.
#[derive(Debug, Serialize)]
pub struct EventLog<'a> {
    /// Always `"event"`, so the lines are easy to filter.
    pub log: &'static str,
    /// `inappevent`, `validate`, `batch` or `queue`.
    pub route: &'static str,
    /// The app id from the path.
    pub app_id: &'a str,
    /// The event's `eventName`, when it has one.
    #[serde(rename = "eventName")]
    pub event_name: Option<&'a str>,
    /// What happened.
    pub outcome: LogOutcome,
    /// AppsFlyer's HTTP status, when it answered.
    pub upstream_status: Option<u16>,
    /// Which attempt this was (1 = the first send).
    pub attempt: u32,
    /// Milliseconds spent on this step, I/O included.
    pub latency_ms: u64,
    /// Stable error codes of an invalid event.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: Vec<&'a str>,
    /// AppsFlyer's reason (bounded, tidied) or the transport error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

impl<'a> EventLog<'a> {
    /// A line with no status, attempt 1, no latency, no errors and no reason.
    pub fn new(
        route: &'static str,
        app_id: &'a str,
        event_name: Option<&'a str>,
        outcome: LogOutcome,
    ) -> Self {
        EventLog {
            log: "event",
            route,
            app_id,
            event_name,
            outcome,
            upstream_status: None,
            attempt: 1,
            latency_ms: 0,
            errors: Vec::new(),
            reason: None,
        }
    }

    /// Writes the line with `console.log`.
    pub fn emit(&self) {
        if let Ok(line) = serde_json::to_string(self) {
            worker::console_log!("{line}");
        }
    }
}

/// Milliseconds since the epoch. In Workers the clock only advances across
/// I/O, which is what latency here measures.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
