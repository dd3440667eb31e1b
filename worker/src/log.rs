//! One structured JSON line per event and step, to the Workers log
//! (`wrangler tail`, Workers Logs, Logpush).
//!
//! Only what an operator needs to follow an event: the caller's id, app id,
//! `eventName`, outcome, upstream status, attempt, latency, whether the
//! attempt was ambiguous, and error codes or AppsFlyer's (bounded) reason.
//! Never the S2S key, a caller token, the body or any field of the event
//! besides its name; every caller-supplied string is cut to
//! [`MAX_LOGGED_CHARS`].
//!
//! Emitting a line also counts it for the status page
//! ([`crate::status::counts`]): there is one place an outcome is decided to
//! be reported, so none can be logged without being counted, or counted
//! without being logged.

use serde::Serialize;

/// Longest caller-supplied string (app id, `eventName`) written to a log line.
pub const MAX_LOGGED_CHARS: usize = 128;

/// What became of one event at one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogOutcome {
    /// AppsFlyer answered 2xx.
    Delivered,
    /// A transient failure; the event is in the retry queue.
    Queued,
    /// AppsFlyer answered 401 (the S2S key is not this app's): the event is
    /// held in the retry queue with a long backoff, and the line carries an
    /// `alert`.
    Held,
    /// AppsFlyer refused the event (4xx); not retried.
    Rejected,
    /// The event failed validation and was not sent.
    Invalid,
    /// `/validate` accepted the event (not sent).
    Valid,
    /// An idempotent repeat: the first answer was returned, nothing was sent.
    Replayed,
    /// Out of retry budget, refused on retry, or unusable: sent to the
    /// dead-letter queue.
    DeadLettered,
    /// A dead letter put back on the retry queue (a replay).
    Requeued,
    /// A dead letter a replay left where it is (see `reason`).
    ReplaySkipped,
    /// The Worker could not queue a transient failure; the caller must retry.
    Unavailable,
    /// The idempotency key was first used for another event: nothing sent.
    KeyReused,
    /// The caller went over its rate limit: nothing read or sent.
    RateLimited,
    /// No caller token, or not a configured one (`401`): nothing read or sent.
    Unauthorized,
    /// The caller's token may not use this route or app (`403`).
    Forbidden,
    /// No S2S key for the app (`404 unknown_app`).
    UnknownApp,
    /// A first request with the same idempotency key is still in flight (`409`).
    InProgress,
}

impl LogOutcome {
    /// Every outcome, in the order the status page lists them.
    pub const ALL: [LogOutcome; 17] = [
        LogOutcome::Delivered,
        LogOutcome::Queued,
        LogOutcome::Held,
        LogOutcome::Rejected,
        LogOutcome::Invalid,
        LogOutcome::DeadLettered,
        LogOutcome::Replayed,
        LogOutcome::Unauthorized,
        LogOutcome::RateLimited,
        LogOutcome::Forbidden,
        LogOutcome::UnknownApp,
        LogOutcome::Unavailable,
        LogOutcome::KeyReused,
        LogOutcome::InProgress,
        LogOutcome::Valid,
        LogOutcome::Requeued,
        LogOutcome::ReplaySkipped,
    ];

    /// The outcome's name in log lines and on the status page.
    pub const fn name(self) -> &'static str {
        match self {
            LogOutcome::Delivered => "delivered",
            LogOutcome::Queued => "queued",
            LogOutcome::Held => "held",
            LogOutcome::Rejected => "rejected",
            LogOutcome::Invalid => "invalid",
            LogOutcome::Valid => "valid",
            LogOutcome::Replayed => "replayed",
            LogOutcome::DeadLettered => "dead_lettered",
            LogOutcome::Requeued => "requeued",
            LogOutcome::ReplaySkipped => "replay_skipped",
            LogOutcome::Unavailable => "unavailable",
            LogOutcome::KeyReused => "key_reused",
            LogOutcome::RateLimited => "rate_limited",
            LogOutcome::Unauthorized => "unauthorized",
            LogOutcome::Forbidden => "forbidden",
            LogOutcome::UnknownApp => "unknown_app",
            LogOutcome::InProgress => "in_progress",
        }
    }
}

/// One log line.
#[derive(Debug, Serialize)]
pub struct EventLog<'a> {
    /// Always `"event"`, so the lines are easy to filter.
    pub log: &'static str,
    /// `inappevent`, `validate`, `batch` or `queue`.
    pub route: &'static str,
    /// The caller's id (`CLIENT_TOKENS`), never its token; absent on the queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<&'a str>,
    /// The app id from the path, cut to [`MAX_LOGGED_CHARS`].
    pub app_id: String,
    /// The event's `eventName`, when it has one, cut to [`MAX_LOGGED_CHARS`].
    #[serde(rename = "eventName")]
    pub event_name: Option<String>,
    /// What happened.
    pub outcome: LogOutcome,
    /// AppsFlyer's HTTP status, when it answered.
    pub upstream_status: Option<u16>,
    /// Which attempt this was (1 = the first send; 0 = not sent yet).
    pub attempt: u32,
    /// Milliseconds spent on this step, I/O included.
    pub latency_ms: u64,
    /// The attempt failed after the request left: AppsFlyer may have
    /// recorded the event, so another attempt may duplicate it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
    /// How many times the event was replayed from the dead-letter queue.
    #[serde(skip_serializing_if = "is_zero")]
    pub replays: u32,
    /// Stable error codes of an invalid event.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: Vec<&'a str>,
    /// AppsFlyer's reason (bounded, tidied), the transport error, or why a
    /// dead letter was made or left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// Something an operator must fix (e.g. a wrong S2S key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<&'static str>,
    /// Why a dead letter was made (`retries_exhausted`, `rejected`,
    /// `no_key`, `unusable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_reason: Option<&'a str>,
    /// The fields of `errors`, in the same order: field names only, never
    /// values. Kept in the status page's samples, not logged.
    #[serde(skip)]
    pub fields: Vec<&'a str>,
    /// The exact body sent to AppsFlyer (PII already hashed), for the status
    /// page's samples of rejected and dead-lettered events. Set only for a
    /// body the core built; never logged.
    #[serde(skip)]
    pub body: Option<&'a str>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl<'a> EventLog<'a> {
    /// A line with no status, attempt 1, no latency, no errors and no reason.
    pub fn new(
        route: &'static str,
        app_id: &str,
        event_name: Option<&str>,
        outcome: LogOutcome,
    ) -> Self {
        EventLog {
            log: "event",
            route,
            caller: None,
            app_id: bounded(app_id),
            event_name: event_name.map(bounded),
            outcome,
            upstream_status: None,
            attempt: 1,
            latency_ms: 0,
            ambiguous: false,
            replays: 0,
            errors: Vec::new(),
            reason: None,
            alert: None,
            dead_letter_reason: None,
            fields: Vec::new(),
            body: None,
        }
    }

    /// Counts the line for the status page, then writes it with
    /// `console.log` (`console.error` when it carries an alert, so it stands
    /// out in `wrangler tail` and log filters).
    pub fn emit(&self) {
        crate::status::counts::record(self, now_ms());
        if let Ok(line) = serde_json::to_string(self) {
            if self.alert.is_some() {
                worker::console_error!("{line}");
            } else {
                worker::console_log!("{line}");
            }
        }
    }
}

/// A caller-supplied string cut to [`MAX_LOGGED_CHARS`] characters (with `…`).
pub fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_LOGGED_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// Milliseconds since the epoch. In Workers the clock only advances across
/// I/O, which is what latency here measures.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_strings_are_cut() {
        let long = "é".repeat(1000);
        let line = EventLog::new("inappevent", &long, Some(&long), LogOutcome::Invalid);
        assert_eq!(line.app_id.chars().count(), MAX_LOGGED_CHARS + 1);
        assert!(line.app_id.ends_with('…'));
        assert_eq!(
            line.event_name.as_deref().unwrap().chars().count(),
            MAX_LOGGED_CHARS + 1
        );
        assert_eq!(bounded("af_purchase"), "af_purchase");
    }

    #[test]
    fn every_outcome_is_listed_once_under_its_log_name() {
        // An exhaustive match: a new outcome does not compile until it is
        // given a place here, and then the test fails until ALL lists it.
        let place = |o: LogOutcome| match o {
            LogOutcome::Delivered => 0,
            LogOutcome::Queued => 1,
            LogOutcome::Held => 2,
            LogOutcome::Rejected => 3,
            LogOutcome::Invalid => 4,
            LogOutcome::Valid => 5,
            LogOutcome::Replayed => 6,
            LogOutcome::DeadLettered => 7,
            LogOutcome::Requeued => 8,
            LogOutcome::ReplaySkipped => 9,
            LogOutcome::Unavailable => 10,
            LogOutcome::KeyReused => 11,
            LogOutcome::RateLimited => 12,
            LogOutcome::Unauthorized => 13,
            LogOutcome::Forbidden => 14,
            LogOutcome::UnknownApp => 15,
            LogOutcome::InProgress => 16,
        };
        let mut seen = [false; LogOutcome::ALL.len()];
        for outcome in LogOutcome::ALL {
            assert!(
                !std::mem::replace(&mut seen[place(outcome)], true),
                "{outcome:?} twice"
            );
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.name()));
            assert!(
                crate::status::report::OUTCOMES.contains(&outcome.name()),
                "{outcome:?} is not on the status page"
            );
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn quiet_fields_stay_out_of_the_line() {
        let line = EventLog::new("queue", "com.example.app", None, LogOutcome::Queued);
        let json = serde_json::to_string(&line).unwrap();
        assert!(!json.contains("ambiguous") && !json.contains("replays"));
        assert!(!json.contains("caller") && !json.contains("alert"));
        let mut line = line;
        line.ambiguous = true;
        line.replays = 2;
        let json = serde_json::to_string(&line).unwrap();
        assert!(json.contains(r#""ambiguous":true"#) && json.contains(r#""replays":2"#));
    }
}
