//! The status store: one SQLite-backed Durable Object (`StatusStore`,
//! binding `STATUS`, instance `"status"`) holding 30 days of counts,
//! reasons and samples, written by the isolates' flushes and read by the
//! status page.
//!
//! Why a Durable Object: it is storage the Worker owns, runs the same in
//! `wrangler dev`, Miniflare and production, and its SQL makes the page's
//! sums cheap. Why one instance: every isolate sends it one flush every
//! `STATUS_FLUSH_MS` (5 s), not one write per event, so even a hundred busy
//! isolates make twenty small writes a second, far below what one object
//! serves; and the page reads one place.
//!
//! Tables: `counts` (per minute × app × `eventName` × route × outcome),
//! `hourly` (the same per hour, written alongside, so a week is summed from
//! 168 buckets instead of 10,080), `reasons` (per minute × app × outcome ×
//! reason or error code), `samples` (the last 100 rejected, invalid and
//! dead-lettered events per app and kind), `flushes` (ids of flushes
//! applied, so one sent twice counts once), and `apps` / `event_names`
//! (the names seen: at most [`MAX_APPS`] apps and [`MAX_EVENT_NAMES`] event
//! names per app are counted under their own name, the rest under
//! `(other)`, so a caller inventing names cannot grow the store without
//! bound). An alarm every hour deletes what is older than 30 days.
//!
//! A flush is applied in one `transactionSync`: all of it or nothing.

use std::cell::Cell;

use serde::Deserialize;
use worker::wasm_bindgen::closure::Closure;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, Result, SqlStorage,
    SqlStorageValue, State, Storage,
};

use super::counts::{Flush, Sample, OTHER};
use super::report::{
    minute_of, retries_pending, rfc3339, BucketCount, GroupCount, ReasonCount, Report, RouteCount,
    Window, WindowReport, Windows, EVENTS_IN_REPORT, PENDING_LOOKBACK_HOURS,
};

/// How long counts, reasons and samples are kept.
pub const RETENTION_DAYS: u64 = 30;
/// Most apps counted under their own id.
pub const MAX_APPS: usize = 100;
/// Most event names counted under their own name, per app.
pub const MAX_EVENT_NAMES: usize = 200;
/// Samples kept per app and kind (rejected, invalid, dead-lettered).
pub const SAMPLES_PER_APP: usize = 100;
/// Samples in a report not limited to one app.
pub const SAMPLES_IN_REPORT: usize = 100;
/// Reasons listed per window.
pub const REASONS_IN_REPORT: usize = 25;
/// How often the alarm prunes, unless `STATUS_PRUNE_EVERY_MS` says otherwise
/// (the tests make it a second).
const PRUNE_EVERY_MS: i64 = 60 * 60 * 1000;
/// How long a flush id is remembered.
const FLUSH_IDS_KEPT_MS: u64 = 24 * 60 * 60 * 1000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS counts (
  minute INTEGER NOT NULL, app_id TEXT NOT NULL, event_name TEXT NOT NULL,
  route TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (minute, app_id, event_name, route, outcome)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hourly (
  hour INTEGER NOT NULL, app_id TEXT NOT NULL, event_name TEXT NOT NULL,
  route TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (hour, app_id, event_name, route, outcome)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reasons (
  minute INTEGER NOT NULL, app_id TEXT NOT NULL, outcome TEXT NOT NULL,
  reason TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (minute, app_id, outcome, reason)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, app_id TEXT NOT NULL,
  outcome TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS samples_by_app ON samples (app_id, outcome, at_ms);
CREATE INDEX IF NOT EXISTS samples_by_time ON samples (at_ms);
CREATE TABLE IF NOT EXISTS flushes (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS apps (app_id TEXT PRIMARY KEY, last_minute INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_names (
  app_id TEXT NOT NULL, event_name TEXT NOT NULL, last_minute INTEGER NOT NULL,
  PRIMARY KEY (app_id, event_name)) WITHOUT ROWID;
";

/// The Durable Object holding the status page's data.
#[durable_object(alarm)]
pub struct StatusStore {
    state: State,
    schema_ready: Cell<bool>,
    prune_every_ms: i64,
}

impl DurableObject for StatusStore {
    fn new(state: State, env: Env) -> Self {
        let prune_every_ms = env
            .var("STATUS_PRUNE_EVERY_MS")
            .ok()
            .and_then(|v| v.to_string().trim().parse::<i64>().ok())
            .filter(|ms| *ms > 0)
            .unwrap_or(PRUNE_EVERY_MS);
        StatusStore {
            state,
            schema_ready: Cell::new(false),
            prune_every_ms,
        }
    }

    /// `POST /flush` (a [`Flush`]) → `204`; `POST /report` (a
    /// [`ReportRequest`]) → the report as JSON, or drawn as the HTML page.
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        let sql = self.sql();
        let now = js_sys::Date::now() as u64;
        match (req.method(), req.path().as_str()) {
            (Method::Post, "/flush") => {
                // Parsed from text: one JSON deserializer for flushes and samples.
                let flush: Flush = serde_json::from_str(&req.text().await?)?;
                let work_sql = sql.clone();
                in_transaction(&storage, move || apply(&work_sql, flush, now))?;
                if storage.get_alarm().await?.is_none() {
                    storage.set_alarm(self.prune_every_ms).await?;
                }
                Ok(Response::empty()?.with_status(204))
            }
            (Method::Post, "/report") => {
                let asked: ReportRequest = serde_json::from_str(&req.text().await?)?;
                let mut report = report(&sql, now, asked.app.as_deref())?;
                report.flush_interval_ms = asked.flush_interval_ms;
                match asked.window.as_deref() {
                    None => Response::ok(serde_json::to_string(&report)?),
                    Some(window) => Response::ok(super::page::render(
                        &report,
                        Window::named(window).unwrap_or(Window::Hour),
                    )),
                }
            }
            _ => Response::error("not found", 404),
        }
    }

    /// Every hour: delete what is older than [`RETENTION_DAYS`]; the alarm
    /// stops when nothing is left.
    async fn alarm(&self) -> Result<Response> {
        let sql = self.sql();
        prune(&sql, js_sys::Date::now() as u64)?;
        if exists(&sql, "SELECT 1 FROM counts LIMIT 1", Vec::new())? {
            self.state.storage().set_alarm(self.prune_every_ms).await?;
        }
        Response::empty()
    }
}

impl StatusStore {
    /// The SQL storage, its tables created on the object's first use.
    fn sql(&self) -> SqlStorage {
        let sql = self.state.storage().sql();
        if !self.schema_ready.get() {
            for statement in SCHEMA.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                // A failure here shows in the first query that needs the table.
                let _ = sql.exec(statement, Vec::new());
            }
            self.schema_ready.set(true);
        }
        sql
    }
}

/// What the Worker asks the store for.
#[derive(Deserialize)]
pub struct ReportRequest {
    /// One app, or all.
    pub app: Option<String>,
    /// The HTML page for this window (`hour`, `day`, `week`); none: the JSON.
    pub window: Option<String>,
    /// `STATUS_FLUSH_MS`, shown on the page.
    pub flush_interval_ms: u64,
}

type Row = Vec<SqlStorageValue>;

/// The rows of a query, each as its columns' values. Read raw rather than
/// deserialized: the report's few shapes do not need a deserializer each.
fn rows(sql: &SqlStorage, query: &str, bindings: Vec<SqlStorageValue>) -> Result<Vec<Row>> {
    sql.exec(query, bindings)?.raw().collect()
}

/// Whether a query returns a row.
fn exists(sql: &SqlStorage, query: &str, bindings: Vec<SqlStorageValue>) -> Result<bool> {
    Ok(sql.exec(query, bindings)?.raw().next().is_some())
}

/// Column `i` of a row as text.
fn text(row: &[SqlStorageValue], i: usize) -> String {
    match row.get(i) {
        Some(SqlStorageValue::String(s)) => s.clone(),
        Some(SqlStorageValue::Integer(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Column `i` of a row as a count.
fn number(row: &[SqlStorageValue], i: usize) -> u64 {
    match row.get(i) {
        Some(SqlStorageValue::Integer(n)) => u64::try_from(*n).unwrap_or(0),
        Some(SqlStorageValue::Float(f)) if *f >= 0.0 => *f as u64,
        _ => 0,
    }
}

fn int(n: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Runs `work` in the storage's `transactionSync` (which workers-rs 0.8
/// does not bind): an error inside rolls all of its writes back.
fn in_transaction(storage: &Storage, work: impl FnOnce() -> Result<()> + 'static) -> Result<()> {
    let raw: &JsValue = storage.as_raw().as_ref();
    let function: js_sys::Function =
        js_sys::Reflect::get(raw, &JsValue::from_str("transactionSync"))?
            .dyn_into()
            .map_err(|_| worker::Error::RustError("storage has no transactionSync".into()))?;
    let closure = Closure::once_into_js(move || work().map_err(JsValue::from));
    function.call1(raw, &closure)?;
    Ok(())
}

/// Names seen in this flush, each with the name it is kept under (itself
/// or `(other)`). A flush holds few apps and names: a list will do.
struct Names<'a> {
    sql: &'a SqlStorage,
    apps: Vec<(String, String)>,
    events: Vec<(String, String, String)>,
}

impl Names<'_> {
    /// The app id a count is kept under: itself if it is known or there is
    /// room for it, else `(other)`.
    fn app(&mut self, app_id: &str, minute: u64) -> Result<String> {
        if app_id.is_empty() || app_id == OTHER {
            return Ok(app_id.to_string());
        }
        if let Some((_, kept)) = self.apps.iter().find(|(a, _)| a == app_id) {
            return Ok(kept.clone());
        }
        let known = exists(
            self.sql,
            "SELECT 1 FROM apps WHERE app_id = ?",
            vec![app_id.into()],
        )?;
        let kept = if known
            || self.count("SELECT COUNT(*) FROM apps", Vec::new())? < MAX_APPS as u64
        {
            self.sql.exec(
                "INSERT INTO apps (app_id, last_minute) VALUES (?, ?) \
                 ON CONFLICT (app_id) DO UPDATE SET last_minute = MAX(last_minute, excluded.last_minute)",
                vec![app_id.into(), int(minute)],
            )?;
            app_id.to_string()
        } else {
            OTHER.to_string()
        };
        self.apps.push((app_id.to_string(), kept.clone()));
        Ok(kept)
    }

    /// The event name a count of `app_id` (as kept) is kept under.
    fn event(&mut self, app_id: &str, event_name: &str, minute: u64) -> Result<String> {
        if app_id == OTHER {
            return Ok(OTHER.to_string());
        }
        if event_name.is_empty() || event_name == OTHER {
            return Ok(event_name.to_string());
        }
        if let Some((_, _, kept)) = self
            .events
            .iter()
            .find(|(a, e, _)| a == app_id && e == event_name)
        {
            return Ok(kept.clone());
        }
        let known = exists(
            self.sql,
            "SELECT 1 FROM event_names WHERE app_id = ? AND event_name = ?",
            vec![app_id.into(), event_name.into()],
        )?;
        let kept = if known
            || self.count(
                "SELECT COUNT(*) FROM event_names WHERE app_id = ?",
                vec![app_id.into()],
            )? < MAX_EVENT_NAMES as u64
        {
            self.sql.exec(
                "INSERT INTO event_names (app_id, event_name, last_minute) VALUES (?, ?, ?) \
                 ON CONFLICT (app_id, event_name) DO UPDATE SET last_minute = MAX(last_minute, excluded.last_minute)",
                vec![app_id.into(), event_name.into(), int(minute)],
            )?;
            event_name.to_string()
        } else {
            OTHER.to_string()
        };
        self.events
            .push((app_id.to_string(), event_name.to_string(), kept.clone()));
        Ok(kept)
    }

    fn count(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<u64> {
        Ok(rows(self.sql, query, bindings)?
            .first()
            .map_or(0, |row| number(row, 0)))
    }
}

/// Adds a flush to the tables, unless a flush with its id was applied.
fn apply(sql: &SqlStorage, flush: Flush, now_ms: u64) -> Result<()> {
    if exists(
        sql,
        "SELECT 1 FROM flushes WHERE id = ?",
        vec![flush.id.as_str().into()],
    )? {
        return Ok(());
    }
    sql.exec(
        "INSERT INTO flushes (id, at_ms) VALUES (?, ?)",
        vec![flush.id.as_str().into(), int(now_ms)],
    )?;
    let mut names = Names {
        sql,
        apps: Vec::new(),
        events: Vec::new(),
    };
    for count in &flush.counts {
        let app = names.app(&count.app_id, count.minute)?;
        let event = names.event(&app, &count.event_name, count.minute)?;
        for (table, bucket, at) in [
            ("counts", "minute", count.minute),
            ("hourly", "hour", count.minute / 60),
        ] {
            sql.exec(
                &format!(
                    "INSERT INTO {table} ({bucket}, app_id, event_name, route, outcome, n) VALUES (?, ?, ?, ?, ?, ?) \
                     ON CONFLICT ({bucket}, app_id, event_name, route, outcome) DO UPDATE SET n = n + excluded.n"
                ),
                vec![
                    int(at),
                    app.as_str().into(),
                    event.as_str().into(),
                    count.route.as_str().into(),
                    count.outcome.as_str().into(),
                    int(count.n),
                ],
            )?;
        }
    }
    for reason in &flush.reasons {
        let app = names.app(&reason.app_id, reason.minute)?;
        sql.exec(
            "INSERT INTO reasons (minute, app_id, outcome, reason, n) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (minute, app_id, outcome, reason) DO UPDATE SET n = n + excluded.n",
            vec![
                int(reason.minute),
                app.as_str().into(),
                reason.outcome.as_str().into(),
                reason.reason.as_str().into(),
                int(reason.n),
            ],
        )?;
    }
    let mut touched: Vec<(String, String)> = Vec::new();
    for mut sample in flush.samples {
        sample.app_id = names.app(&sample.app_id, minute_of(sample.at_ms))?;
        sample.at = None;
        let data = serde_json::to_string(&sample)?;
        sql.exec(
            "INSERT INTO samples (at_ms, app_id, outcome, data) VALUES (?, ?, ?, ?)",
            vec![
                int(sample.at_ms),
                sample.app_id.as_str().into(),
                sample.outcome.as_str().into(),
                data.into(),
            ],
        )?;
        let kind = (sample.app_id, sample.outcome);
        if !touched.contains(&kind) {
            touched.push(kind);
        }
    }
    for (app, outcome) in touched {
        sql.exec(
            "DELETE FROM samples WHERE app_id = ? AND outcome = ? AND id NOT IN \
             (SELECT id FROM samples WHERE app_id = ? AND outcome = ? ORDER BY at_ms DESC, id DESC LIMIT ?)",
            vec![
                app.as_str().into(),
                outcome.as_str().into(),
                app.as_str().into(),
                outcome.as_str().into(),
                int(SAMPLES_PER_APP as u64),
            ],
        )?;
    }
    Ok(())
}

/// Deletes what is older than [`RETENTION_DAYS`], and flush ids older than a day.
fn prune(sql: &SqlStorage, now_ms: u64) -> Result<()> {
    let cutoff_minute = minute_of(now_ms).saturating_sub(RETENTION_DAYS * 24 * 60);
    for (query, at) in [
        ("DELETE FROM counts WHERE minute < ?", cutoff_minute),
        ("DELETE FROM hourly WHERE hour < ?", cutoff_minute / 60),
        ("DELETE FROM reasons WHERE minute < ?", cutoff_minute),
        (
            "DELETE FROM samples WHERE at_ms < ?",
            cutoff_minute * 60_000,
        ),
        ("DELETE FROM apps WHERE last_minute < ?", cutoff_minute),
        (
            "DELETE FROM event_names WHERE last_minute < ?",
            cutoff_minute,
        ),
        (
            "DELETE FROM flushes WHERE at_ms < ?",
            now_ms.saturating_sub(FLUSH_IDS_KEPT_MS),
        ),
    ] {
        sql.exec(query, vec![int(at)])?;
    }
    Ok(())
}

/// `query` with ` AND app_id = ?` where it says `{app}` when the report is
/// for one app (`{app}` always after the other placeholders), and its rows.
fn rows_for(
    sql: &SqlStorage,
    query: &str,
    mut bindings: Vec<SqlStorageValue>,
    app: Option<&str>,
) -> Result<Vec<Row>> {
    let query = match app {
        Some(app) => {
            bindings.push(app.into());
            query.replace("{app}", "AND app_id = ?")
        }
        None => query.replace("{app}", ""),
    };
    rows(sql, &query, bindings)
}

/// One window of the report at `now_ms`.
fn window(
    sql: &SqlStorage,
    now_ms: u64,
    app: Option<&str>,
    window: Window,
) -> Result<WindowReport> {
    let first = window.first_bucket(now_ms);
    let (table, bucket) = match window {
        Window::Hour => ("counts", "minute"),
        Window::Day | Window::Week => ("hourly", "hour"),
    };
    let series: Vec<BucketCount> = rows_for(
        sql,
        &format!(
            "SELECT {bucket}, outcome, SUM(n) FROM {table} \
             WHERE {bucket} >= ? {{app}} GROUP BY {bucket}, outcome"
        ),
        vec![int(first)],
        app,
    )?
    .iter()
    .map(|row| BucketCount {
        bucket: number(row, 0),
        outcome: text(row, 1),
        n: number(row, 2),
    })
    .collect();
    // Busiest app first.
    let by_app = groups(
        sql,
        &format!(
            "WITH w AS (SELECT app_id, outcome, SUM(n) AS n FROM {table} \
               WHERE {bucket} >= ? {{app}} GROUP BY app_id, outcome), \
             t AS (SELECT app_id, SUM(n) AS total FROM w GROUP BY app_id) \
             SELECT w.app_id, NULL, w.outcome, w.n FROM w JOIN t ON t.app_id = w.app_id \
             ORDER BY t.total DESC, w.app_id, w.outcome"
        ),
        first,
        app,
    )?;
    // The busiest app and eventName pairs first.
    let by_event = groups(
        sql,
        &format!(
            "WITH w AS (SELECT app_id, event_name, outcome, SUM(n) AS n FROM {table} \
               WHERE {bucket} >= ? {{app}} GROUP BY app_id, event_name, outcome), \
             t AS (SELECT app_id, event_name, SUM(n) AS total FROM w GROUP BY app_id, event_name \
               ORDER BY total DESC, app_id, event_name LIMIT {EVENTS_IN_REPORT}) \
             SELECT w.app_id, w.event_name, w.outcome, w.n FROM w \
             JOIN t ON t.app_id = w.app_id AND t.event_name = w.event_name \
             ORDER BY t.total DESC, w.app_id, w.event_name, w.outcome"
        ),
        first,
        app,
    )?;
    let reasons: Vec<ReasonCount> = rows_for(
        sql,
        &format!(
            "SELECT outcome, reason, SUM(n) AS count FROM reasons WHERE minute >= ? {{app}} \
             GROUP BY outcome, reason ORDER BY count DESC, outcome, reason LIMIT {REASONS_IN_REPORT}"
        ),
        vec![int(first * window.bucket_minutes())],
        app,
    )?
    .iter()
    .map(|row| ReasonCount {
        outcome: text(row, 0),
        reason: text(row, 1),
        count: number(row, 2),
    })
    .collect();
    Ok(WindowReport::assemble(
        window, now_ms, &series, reasons, &by_app, &by_event,
    ))
}

/// The rows of a totals-per-group query: app id, `eventName` (or NULL),
/// outcome, count.
fn groups(sql: &SqlStorage, query: &str, first: u64, app: Option<&str>) -> Result<Vec<GroupCount>> {
    Ok(rows_for(sql, query, vec![int(first)], app)?
        .iter()
        .map(|row| GroupCount {
            app_id: text(row, 0),
            event_name: match row.get(1) {
                Some(SqlStorageValue::String(name)) => Some(name.clone()),
                _ => None,
            },
            outcome: text(row, 2),
            n: number(row, 3),
        })
        .collect())
}

/// The report at `now_ms`, for one app or all.
fn report(sql: &SqlStorage, now_ms: u64, app: Option<&str>) -> Result<Report> {
    let windows = Windows {
        hour: window(sql, now_ms, app, Window::Hour)?,
        day: window(sql, now_ms, app, Window::Day)?,
        week: window(sql, now_ms, app, Window::Week)?,
    };
    let pending: Vec<RouteCount> = rows_for(
        sql,
        "SELECT route, outcome, SUM(n) FROM hourly WHERE hour >= ? {app} GROUP BY route, outcome",
        vec![int(
            (minute_of(now_ms) / 60).saturating_sub(PENDING_LOOKBACK_HOURS)
        )],
        app,
    )?
    .iter()
    .map(|row| RouteCount {
        route: text(row, 0),
        outcome: text(row, 1),
        n: number(row, 2),
    })
    .collect();
    let apps = rows(sql, "SELECT app_id FROM apps ORDER BY app_id", Vec::new())?
        .iter()
        .map(|row| text(row, 0))
        .collect();
    let samples = match app {
        Some(app) => rows(
            sql,
            "SELECT data FROM samples WHERE app_id = ? ORDER BY at_ms DESC, id DESC",
            vec![app.into()],
        )?,
        None => rows(
            sql,
            "SELECT data FROM samples ORDER BY at_ms DESC, id DESC LIMIT ?",
            vec![int(SAMPLES_IN_REPORT as u64)],
        )?,
    };
    let samples = samples
        .iter()
        .filter_map(|row| serde_json::from_str::<Sample>(&text(row, 0)).ok())
        .map(|mut sample| {
            sample.at = Some(rfc3339(sample.at_ms));
            sample
        })
        .collect();
    Ok(Report {
        generated_at: rfc3339(now_ms),
        generated_at_ms: now_ms,
        app: app.map(str::to_string),
        flush_interval_ms: 0,
        windows,
        retries_pending: retries_pending(&pending),
        apps,
        samples,
    })
}
