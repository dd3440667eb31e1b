//! The status page: what the Worker did, for the people who run it.
//!
//! - [`counts`]: every log line is counted in the isolate (outcome per
//!   minute, app id, `eventName` and route; reasons and error codes;
//!   samples of rejected, invalid and dead-lettered events).
//! - [`flush`] sends an isolate's counts to the status store under
//!   `waitUntil`, `STATUS_FLUSH_MS` (5 s) after the first event it has not
//!   sent: nothing is added to an answer's latency, the store gets one
//!   request per isolate every few seconds however busy the Worker is, and
//!   an isolate that dies loses at most those seconds of counts. The queue
//!   consumer sends its counts at the end of each batch instead (its
//!   invocation would otherwise last until the timer ends, holding up the
//!   next batch).
//! - [`store`]: the `StatusStore` Durable Object (SQLite), 30 days.
//! - [`report`] and [`page`]: `GET /status.json` and `GET /status`, for
//!   holders of a status token only ([`serve`]).

pub mod counts;
pub mod page;
pub mod report;
pub mod store;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::time::Duration;

use serde_json::json;
use worker::{Context, Delay, Env};

use crate::config::{Config, STATUS};
use crate::http::{Incoming, Reply};
use counts::Flush;
use report::Window;

/// The one status store instance's name.
const STORE_NAME: &str = "status";
/// Flushes kept for another try while the store cannot be reached (about
/// a minute at the default interval); the oldest are dropped beyond that.
const MAX_UNSENT: usize = 12;
/// The realm browsers show when they ask for the status token.
const REALM: &str = "Basic realm=\"appsflyer-s2s status\", charset=\"UTF-8\"";

thread_local! {
    /// A flush is scheduled in this isolate (under some request's `waitUntil`).
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// Flushes the store did not take, with their ids, sent again first.
    static UNSENT: RefCell<VecDeque<Flush>> = const { RefCell::new(VecDeque::new()) };
    /// The `STATUS` binding is missing: counting is off.
    static UNBOUND: Cell<bool> = const { Cell::new(false) };
}

/// After each request: if this isolate counted something
/// and no flush is scheduled, schedules one `STATUS_FLUSH_MS` from now
/// under `waitUntil`. The flush is marked done before it takes the counts,
/// so anything counted after it is taken schedules the next one.
pub fn after(env: &Env, ctx: &Context) {
    if SCHEDULED.get() || (counts::is_empty() && UNSENT.with(|u| u.borrow().is_empty())) {
        return;
    }
    if UNBOUND.get() || env.durable_object(STATUS).is_err() {
        // Without the binding nothing is kept: drop the counts, once a flush's worth.
        UNBOUND.set(true);
        let _ = counts::take(String::new());
        return;
    }
    let delay_ms = Config::get(env).map_or(5_000, |cfg| cfg.status_flush_ms);
    SCHEDULED.set(true);
    let env = env.clone();
    ctx.wait_until(async move {
        if delay_ms > 0 {
            Delay::from(Duration::from_millis(delay_ms)).await;
        }
        SCHEDULED.set(false);
        flush(&env).await;
    });
}

/// Sends this isolate's counts, and any flush the store did not take
/// before, oldest first. Each flush is taken off the list while it is
/// sent, so two flushes running at once (a timer's and a status read's)
/// never send the same one; one that fails goes back for the next try. A
/// flush carries an id, so one the store took but whose answer was lost
/// counts once when sent again.
pub async fn flush(env: &Env) {
    if let Some(flush) = counts::take(random_id()) {
        UNSENT.with(|u| {
            let mut unsent = u.borrow_mut();
            unsent.push_back(flush);
            if unsent.len() > MAX_UNSENT {
                unsent.pop_front();
                worker::console_error!(
                    "{{\"log\":\"status\",\"error\":\"the status store was unreachable: the oldest counts were dropped\"}}"
                );
            }
        });
    }
    while let Some(next) = UNSENT.with(|u| u.borrow_mut().pop_front()) {
        if let Err(e) = send(env, &next).await {
            worker::console_error!(
                "{{\"log\":\"status\",\"error\":\"counts not sent to the status store: {}\"}}",
                e.to_string().replace(['"', '\\'], "'")
            );
            UNSENT.with(|u| u.borrow_mut().push_front(next));
            return;
        }
    }
}

async fn send(env: &Env, flush: &Flush) -> worker::Result<()> {
    let request = crate::http::json_post("https://status/flush", serde_json::to_string(flush)?)?;
    let response = store(env)?.fetch_with_request(request).await?;
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(worker::Error::RustError(format!(
            "the status store answered {status}"
        ))),
    }
}

fn store(env: &Env) -> worker::Result<worker::Stub> {
    env.durable_object(STATUS)?
        .id_from_name(STORE_NAME)?
        .get_stub()
}

/// A random id (128 bits, hex).
fn random_id() -> String {
    let mut id = String::with_capacity(32);
    for _ in 0..4 {
        let word = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        id.push_str(&format!("{word:08x}"));
    }
    id
}

/// The status routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `GET /status`: HTML.
    Html,
    /// `GET /status.json`: the report.
    Json,
}

impl Page {
    /// The status route of a path, if it is one.
    pub fn of(path: &str) -> Option<Page> {
        match path {
            "/status" => Some(Page::Html),
            "/status.json" => Some(Page::Json),
            _ => None,
        }
    }
}

/// Answers `GET /status` and `GET /status.json`: `401` with a Basic
/// challenge without a status token (a caller token is not one), else this
/// isolate's counts flushed and the report read from the store.
pub async fn serve(req: &Incoming, env: &Env, cfg: &Config, page: Page) -> Reply {
    let method = req.method();
    if method != "GET" && method != "HEAD" {
        return secured(Reply::json(405, &json!({ "error": "method_not_allowed" })))
            .header("allow", "GET, HEAD");
    }
    if !cfg
        .status_tokens
        .admit(req.header("authorization").as_deref())
    {
        return secured(Reply::json(401, &json!({ "error": "unauthorized" })))
            .header("www-authenticate", REALM);
    }
    flush(env).await;
    let app = req.query("app").filter(|a| !a.is_empty());
    let window = match page {
        Page::Json => None,
        Page::Html => Some(
            req.query("window")
                .and_then(|w| Window::named(&w))
                .unwrap_or(Window::Hour),
        ),
    };
    let asked = json!({
        "app": app,
        "window": window.map(Window::name),
        "flush_interval_ms": cfg.status_flush_ms,
    });
    match read(env, &asked.to_string()).await {
        Ok(text) => match page {
            Page::Json => secured(Reply::json_text(200, text)),
            Page::Html => secured(Reply::html(200, text))
                .header("content-security-policy", page::CONTENT_SECURITY_POLICY),
        },
        Err(e) => {
            worker::console_error!(
                "{{\"log\":\"status\",\"error\":\"the status store could not be read: {}\"}}",
                e.to_string().replace(['"', '\\'], "'")
            );
            secured(Reply::json(503, &json!({ "error": "unavailable" }))).header("retry-after", "5")
        }
    }
}

/// Headers of every status answer: never cached, never framed, never sniffed.
fn secured(reply: Reply) -> Reply {
    reply
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("x-frame-options", "DENY")
}

/// The store's report (`asked`: a [`store::ReportRequest`]), as the text
/// it drew: the Worker passes it on without parsing it.
async fn read(env: &Env, asked: &str) -> worker::Result<String> {
    let request = crate::http::json_post("https://status/report", asked.to_string())?;
    let mut response = store(env)?.fetch_with_request(request).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!(
            "the status store answered {}",
            response.status_code()
        )));
    }
    response.text().await
}
