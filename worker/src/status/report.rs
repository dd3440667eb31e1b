//! What the status page shows, as data: for the last hour, day and week,
//! each outcome per minute or hour, the totals and delivery rate, the top
//! reasons and error codes and the totals per app; the retries pending; the
//! samples. `GET /status.json` is this, serialized; `GET /status` draws it.
//!
//! The store ([`super::store`]) reads rows with SQL and serializes or draws
//! the report itself, so the Worker only passes text along (nothing here is
//! ever parsed back); the arithmetic that turns rows into series is here,
//! pure, so it is unit-tested natively.

use std::collections::BTreeMap;

use serde::Serialize;

use super::counts::{Sample, QUEUE_ROUTE, RETRIED};
use crate::log::LogOutcome;

/// Every outcome the status page counts, in the order it lists them: the
/// log's outcomes ([`LogOutcome::ALL`], whose order this is), with
/// [`RETRIED`] after `queued`. Derived, so a new outcome cannot be logged
/// without being counted.
pub const OUTCOMES: [&str; LogOutcome::ALL.len() + 1] = {
    let mut out = [""; LogOutcome::ALL.len() + 1];
    let (mut from, mut to) = (0, 0);
    while from < LogOutcome::ALL.len() {
        out[to] = LogOutcome::ALL[from].name();
        to += 1;
        if matches!(LogOutcome::ALL[from], LogOutcome::Queued) {
            out[to] = RETRIED;
            to += 1;
        }
        from += 1;
    }
    out
};

/// The outcomes plotted even when none happened.
pub const ALWAYS_PLOTTED: [&str; 9] = [
    "delivered",
    "queued",
    "retried",
    "rejected",
    "invalid",
    "dead_lettered",
    "replayed",
    "unauthorized",
    "rate_limited",
];

/// The outcomes that end an event without delivering it, for the delivery rate.
const NOT_DELIVERED: [&str; 3] = ["rejected", "invalid", "dead_lettered"];

/// How far back the retries pending are counted: longer than any event can
/// wait in the retry queue (the retry budget is at most 4 days).
pub const PENDING_LOOKBACK_HOURS: u64 = 7 * 24;

/// Minutes since the epoch of `ms`.
pub fn minute_of(ms: u64) -> u64 {
    ms / 60_000
}

/// A span the page looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The last 60 minutes, per minute.
    Hour,
    /// The last 24 hours, per hour.
    Day,
    /// The last 7 days, per hour.
    Week,
}

impl Window {
    /// Every window, shortest first.
    pub const ALL: [Window; 3] = [Window::Hour, Window::Day, Window::Week];

    /// `hour`, `day` or `week`.
    pub fn name(self) -> &'static str {
        match self {
            Window::Hour => "hour",
            Window::Day => "day",
            Window::Week => "week",
        }
    }

    /// The window of a name (see [`Window::name`]).
    pub fn named(name: &str) -> Option<Window> {
        Window::ALL.into_iter().find(|w| w.name() == name)
    }

    /// How many buckets it holds.
    pub fn buckets(self) -> u64 {
        match self {
            Window::Hour => 60,
            Window::Day => 24,
            Window::Week => 168,
        }
    }

    /// Minutes per bucket.
    pub fn bucket_minutes(self) -> u64 {
        match self {
            Window::Hour => 1,
            Window::Day | Window::Week => 60,
        }
    }

    /// `minute` or `hour`.
    pub fn bucket_name(self) -> &'static str {
        match self {
            Window::Hour => "minute",
            Window::Day | Window::Week => "hour",
        }
    }

    /// The first bucket of the window ending with the bucket of `now_ms`,
    /// in bucket units (minutes or hours since the epoch).
    pub fn first_bucket(self, now_ms: u64) -> u64 {
        let current = minute_of(now_ms) / self.bucket_minutes();
        (current + 1).saturating_sub(self.buckets())
    }
}

/// Events of one outcome in one bucket (a row of the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCount {
    /// Minutes or hours since the epoch.
    pub bucket: u64,
    /// The outcome.
    pub outcome: String,
    /// How many.
    pub n: u64,
}

/// Events of one outcome for one app, or one app and `eventName` (a row of the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// The app id (`""`: requests refused for their token).
    pub app_id: String,
    /// The `eventName` (`""`: none), for totals per event.
    pub event_name: Option<String>,
    /// The outcome.
    pub outcome: String,
    /// How many.
    pub n: u64,
}

/// Events of one outcome by one route (a row of the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCount {
    /// The route.
    pub route: String,
    /// The outcome.
    pub outcome: String,
    /// How many.
    pub n: u64,
}

/// How often a reason or error code was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// The outcome it was given for.
    pub outcome: String,
    /// The error code, or the status and AppsFlyer's answer.
    pub reason: String,
    /// How many times.
    pub count: u64,
}

/// One app's totals in a window, or one app's and `eventName`'s.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTotals {
    /// The app id (`""`: requests refused for their token, which name no app).
    pub app_id: String,
    /// The `eventName` (`""`: none), in totals per event.
    #[serde(rename = "eventName", skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// Events per outcome (only outcomes that happened).
    pub totals: BTreeMap<String, u64>,
    /// See [`delivery_rate`].
    pub delivery_rate: Option<f64>,
}

/// One window of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowReport {
    /// `minute` or `hour`.
    pub bucket: String,
    /// Milliseconds per bucket.
    pub bucket_ms: u64,
    /// Start of the first bucket, ms since the epoch.
    pub start_ms: u64,
    /// Events per outcome per bucket, oldest bucket first; every outcome of
    /// [`OUTCOMES`] is present.
    pub series: BTreeMap<String, Vec<u64>>,
    /// Events per outcome over the window; every outcome of [`OUTCOMES`].
    pub totals: BTreeMap<String, u64>,
    /// See [`delivery_rate`].
    pub delivery_rate: Option<f64>,
    /// The most frequent reasons and error codes, most frequent first.
    pub reasons: Vec<ReasonCount>,
    /// Totals per app, busiest first.
    pub apps: Vec<GroupTotals>,
    /// Totals per app and `eventName`, the busiest [`EVENTS_IN_REPORT`] first.
    pub events: Vec<GroupTotals>,
}

/// Pairs of app and `eventName` listed per window.
pub const EVENTS_IN_REPORT: usize = 50;

/// Rows (busiest group first) as totals per group, in the rows' order.
/// Groups are few (at most a hundred apps, fifty events): a list will do.
fn group(rows: &[GroupCount]) -> Vec<GroupTotals> {
    let mut groups: Vec<GroupTotals> = Vec::new();
    for row in rows {
        let index = match groups
            .iter()
            .position(|g| g.app_id == row.app_id && g.event_name == row.event_name)
        {
            Some(index) => index,
            None => {
                groups.push(GroupTotals {
                    app_id: row.app_id.clone(),
                    event_name: row.event_name.clone(),
                    totals: BTreeMap::new(),
                    delivery_rate: None,
                });
                groups.len() - 1
            }
        };
        *groups[index].totals.entry(row.outcome.clone()).or_default() += row.n;
    }
    for g in &mut groups {
        g.delivery_rate = delivery_rate(&g.totals);
    }
    groups
}

impl WindowReport {
    /// A window's report from the store's rows (`app_rows` and
    /// `event_rows` busiest first).
    pub fn assemble(
        window: Window,
        now_ms: u64,
        rows: &[BucketCount],
        reasons: Vec<ReasonCount>,
        app_rows: &[GroupCount],
        event_rows: &[GroupCount],
    ) -> WindowReport {
        let first = window.first_bucket(now_ms);
        let buckets = window.buckets() as usize;
        // Built by inserting, not collected: collecting into a map sorts
        // first, and that sort costs kilobytes of wasm.
        let mut series: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for outcome in OUTCOMES {
            series.insert(outcome.to_string(), vec![0; buckets]);
        }
        for row in rows {
            let Some(index) = row.bucket.checked_sub(first).map(|i| i as usize) else {
                continue;
            };
            if let (Some(counts), true) = (series.get_mut(&row.outcome), index < buckets) {
                counts[index] += row.n;
            }
        }
        let mut totals: BTreeMap<String, u64> = BTreeMap::new();
        for (outcome, counts) in &series {
            totals.insert(outcome.clone(), counts.iter().sum());
        }
        let bucket_ms = window.bucket_minutes() * 60_000;
        WindowReport {
            bucket: window.bucket_name().to_string(),
            bucket_ms,
            start_ms: first * bucket_ms,
            delivery_rate: delivery_rate(&totals),
            series,
            totals,
            reasons,
            apps: group(app_rows),
            events: group(event_rows),
        }
    }
}

/// The share of events that ended delivered: delivered ÷ (delivered +
/// rejected + invalid + dead-lettered). Events still waiting to be retried
/// are not counted yet. `None` when no event ended.
pub fn delivery_rate(totals: &BTreeMap<String, u64>) -> Option<f64> {
    let get = |o: &str| totals.get(o).copied().unwrap_or(0);
    let delivered = get("delivered");
    let ended = delivered + NOT_DELIVERED.iter().map(|o| get(o)).sum::<u64>();
    (ended > 0).then(|| delivered as f64 / ended as f64)
}

/// Events waiting in the retry queue, from the counts of the last
/// [`PENDING_LOOKBACK_HOURS`]: those that entered it (first attempts
/// `queued` or `held`, and dead letters `requeued` by a replay) minus those
/// that left it (retries `delivered` or `dead_lettered`). An estimate: an
/// isolate that died before its flush, or a message the platform delivered
/// twice, moves it; `wrangler queues info` gives the queue's own backlog.
pub fn retries_pending(rows: &[RouteCount]) -> u64 {
    let mut entered = 0u64;
    let mut left = 0u64;
    for row in rows {
        let from_queue = row.route == QUEUE_ROUTE;
        match row.outcome.as_str() {
            "queued" | "held" if !from_queue => entered += row.n,
            "requeued" => entered += row.n,
            "delivered" | "dead_lettered" if from_queue => left += row.n,
            _ => {}
        }
    }
    entered.saturating_sub(left)
}

/// The three windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Windows {
    /// The last 60 minutes, per minute.
    pub hour: WindowReport,
    /// The last 24 hours, per hour.
    pub day: WindowReport,
    /// The last 7 days, per hour.
    pub week: WindowReport,
}

impl Windows {
    /// One window's report.
    pub fn get(&self, window: Window) -> &WindowReport {
        match window {
            Window::Hour => &self.hour,
            Window::Day => &self.day,
            Window::Week => &self.week,
        }
    }
}

/// Everything the status page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// When it was made, UTC, RFC 3339.
    pub generated_at: String,
    /// The same, ms since the epoch.
    pub generated_at_ms: u64,
    /// The app it is limited to (`?app=`), if any.
    pub app: Option<String>,
    /// How often each Worker isolate sends its counts (`STATUS_FLUSH_MS`):
    /// the newest counts of other isolates may be that much late.
    pub flush_interval_ms: u64,
    /// The last hour, day and week.
    pub windows: Windows,
    /// Events waiting in the retry queue (see [`retries_pending`]).
    pub retries_pending: u64,
    /// Every app id with counts in the last 30 days.
    pub apps: Vec<String>,
    /// The newest rejected, invalid and dead-lettered events, newest first
    /// (with `at` set): the last 100 of each kind for the app asked for,
    /// else the newest 100.
    pub samples: Vec<Sample>,
}

/// `ms` since the epoch as UTC RFC 3339 (`2026-05-15T12:17:01.123Z`).
pub fn rfc3339(ms: u64) -> String {
    utc(ms).replacen(' ', "T", 1) + "Z"
}

/// `ms` since the epoch as UTC `yyyy-mm-dd hh:mm:ss.sss` (the core's
/// AppsFlyer form); the number itself outside the years that form holds.
pub fn utc(ms: u64) -> String {
    i64::try_from(ms)
        .ok()
        .and_then(|ms| appsflyer_s2s::time::Timestamp::from_epoch_millis(ms).ok())
        .map_or_else(|| ms.to_string(), |t| t.to_appsflyer())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_123_456;

    fn row(bucket: u64, outcome: &str, n: u64) -> BucketCount {
        BucketCount {
            bucket,
            outcome: outcome.into(),
            n,
        }
    }

    #[test]
    fn every_logged_outcome_is_counted_once_with_retried_after_queued() {
        assert_eq!(
            OUTCOMES,
            [
                "delivered",
                "queued",
                "retried",
                "held",
                "rejected",
                "invalid",
                "dead_lettered",
                "replayed",
                "unauthorized",
                "rate_limited",
                "forbidden",
                "unknown_app",
                "unavailable",
                "key_reused",
                "in_progress",
                "valid",
                "requeued",
                "replay_skipped",
            ]
        );
    }

    #[test]
    fn windows_end_with_the_current_bucket() {
        let minute = NOW / 60_000;
        assert_eq!(Window::Hour.first_bucket(NOW), minute - 59);
        assert_eq!(Window::Day.first_bucket(NOW), minute / 60 - 23);
        assert_eq!(Window::Week.first_bucket(NOW), minute / 60 - 167);
        assert_eq!(Window::named("day"), Some(Window::Day));
        assert_eq!(Window::named("month"), None);
    }

    #[test]
    fn rows_become_series_and_totals() {
        let first = Window::Hour.first_bucket(NOW);
        let rows = [
            row(first, "delivered", 3),
            row(first + 59, "delivered", 2),
            row(first + 59, "rejected", 1),
            row(first - 1, "delivered", 100),  // before the window
            row(first + 60, "delivered", 100), // after it
            row(first + 5, "no_such_outcome", 7),
        ];
        let apps = [
            GroupCount {
                app_id: "a".into(),
                event_name: None,
                outcome: "delivered".into(),
                n: 4,
            },
            GroupCount {
                app_id: "a".into(),
                event_name: None,
                outcome: "rejected".into(),
                n: 1,
            },
            GroupCount {
                app_id: "b".into(),
                event_name: None,
                outcome: "delivered".into(),
                n: 1,
            },
        ];
        let events = [
            GroupCount {
                app_id: "a".into(),
                event_name: Some("af_purchase".into()),
                outcome: "delivered".into(),
                n: 3,
            },
            GroupCount {
                app_id: "a".into(),
                event_name: Some("af_login".into()),
                outcome: "delivered".into(),
                n: 1,
            },
            GroupCount {
                app_id: "a".into(),
                event_name: Some("af_purchase".into()),
                outcome: "rejected".into(),
                n: 1,
            },
        ];
        let report = WindowReport::assemble(Window::Hour, NOW, &rows, Vec::new(), &apps, &events);
        let delivered = &report.series["delivered"];
        assert_eq!(delivered.len(), 60);
        assert_eq!((delivered[0], delivered[59]), (3, 2));
        assert_eq!(report.totals["delivered"], 5);
        assert_eq!(report.totals["rejected"], 1);
        assert_eq!(report.series.len(), OUTCOMES.len());
        assert_eq!(report.start_ms, first * 60_000);
        assert_eq!(report.delivery_rate, Some(5.0 / 6.0));
        assert_eq!(report.apps.len(), 2);
        assert_eq!(report.apps[0].app_id, "a", "in the rows' order");
        assert_eq!(report.apps[0].totals["delivered"], 4);
        assert_eq!(report.apps[0].delivery_rate, Some(0.8));
        assert_eq!(report.apps[1].delivery_rate, Some(1.0));
        let purchase = &report.events[0];
        assert_eq!(purchase.event_name.as_deref(), Some("af_purchase"));
        assert_eq!(
            (purchase.totals["delivered"], purchase.totals["rejected"]),
            (3, 1)
        );
        assert_eq!(report.events.len(), 2);
    }

    #[test]
    fn the_delivery_rate_counts_only_events_that_ended() {
        let totals = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
            pairs.iter().map(|(o, n)| (o.to_string(), *n)).collect()
        };
        assert_eq!(delivery_rate(&totals(&[])), None);
        assert_eq!(delivery_rate(&totals(&[("queued", 5)])), None);
        assert_eq!(
            delivery_rate(&totals(&[
                ("delivered", 6),
                ("queued", 50),
                ("invalid", 1),
                ("rejected", 1),
                ("dead_lettered", 2),
                ("unauthorized", 9)
            ])),
            Some(0.6)
        );
    }

    #[test]
    fn retries_pending_are_entries_minus_exits() {
        let r = |route: &str, outcome: &str, n| RouteCount {
            route: route.into(),
            outcome: outcome.into(),
            n,
        };
        let rows = [
            r("inappevent", "queued", 5),
            r("batch", "queued", 2),
            r("inappevent", "held", 1),
            r("queue", "requeued", 1),
            r("queue", "retried", 9), // went back: still pending
            r("queue", "delivered", 4),
            r("queue", "dead_lettered", 1),
            r("inappevent", "delivered", 100),
            r("inappevent", "dead_lettered", 3), // never entered the queue
        ];
        assert_eq!(retries_pending(&rows), 4);
        assert_eq!(retries_pending(&[r("queue", "delivered", 2)]), 0);
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(utc(1_715_775_421_123), "2024-05-15 12:17:01.123");
        assert_eq!(rfc3339(1_715_775_421_123), "2024-05-15T12:17:01.123Z");
    }
}
