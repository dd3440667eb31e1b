//! Reading AppsFlyer's answer, and when to try again.
//!
//! [`classify`] turns a status and body into an [`Outcome`]: delivered,
//! rejected for good, or worth retrying. [`RetryPolicy`] says how long to
//! wait before the next try. Both are pure: the caller supplies the clock
//! (`now_epoch_ms`) and the randomness (`jitter`), so the same code runs in a
//! Worker, in WebAssembly and natively, and tests are deterministic.

use crate::time::http_date_epoch_ms;
use alloc::format;
use alloc::string::String;
use core::fmt;

/// Longest [`Outcome::reason`] kept, in bytes (plus a trailing `…` when cut).
/// Error pages from proxies can be large; reasons go to logs and queues.
pub const MAX_REASON_BYTES: usize = 256;

/// What became of one Send Event request.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// AppsFlyer accepted the event (2xx; it answers `200 OK`). Acceptance is
    /// after minimal validation only: see the iOS `id` rule in
    /// [`crate::request::validate_app_id`].
    Delivered,
    /// AppsFlyer (or the endpoint) refused the request; sending it again
    /// cannot help, so never retry.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// AppsFlyer's answer (the body, tidied and bounded), or the status
        /// phrase when the body is empty.
        reason: String,
    },
    /// A transient failure: try again later, within a [`RetryPolicy`].
    Retry {
        /// The HTTP status; `None` for a network error or timeout.
        status: Option<u16>,
        /// The body, status phrase or transport error, tidied and bounded.
        reason: String,
        /// The server's `Retry-After`, in milliseconds from now, if it gave one.
        retry_after_ms: Option<u64>,
    },
}

impl Outcome {
    /// Stable name: `"delivered"`, `"rejected"` or `"retry"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Rejected { .. } => "rejected",
            Outcome::Retry { .. } => "retry",
        }
    }

    /// Why the event was not delivered; `None` when it was.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Delivered => None,
            Outcome::Rejected { reason, .. } | Outcome::Retry { reason, .. } => Some(reason),
        }
    }

    /// The server's requested wait before retrying, in milliseconds.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Outcome::Retry { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Outcome::Retry { .. })
    }

    /// A `401`: the S2S key is not this app's. That is the sender's
    /// configuration, not the event: a sender that keeps events (a queue)
    /// should hold them and alert someone rather than give them up, since
    /// the same event goes through once the key is fixed.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Outcome::Rejected { status: 401, .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Delivered => f.write_str("delivered"),
            Outcome::Rejected { status, reason } => write!(f, "rejected ({status}): {reason}"),
            Outcome::Retry {
                status: Some(status),
                reason,
                ..
            } => write!(f, "retry ({status}): {reason}"),
            Outcome::Retry { reason, .. } => write!(f, "retry: {reason}"),
        }
    }
}

/// Classifies AppsFlyer's answer by the contract's Responses table.
///
/// | status | outcome |
/// | --- | --- |
/// | 2xx | [`Outcome::Delivered`] |
/// | 408, 425, 429, 5xx | [`Outcome::Retry`] (a 500 can also mean unparseable JSON, hence [`RetryPolicy::max_attempts`]) |
/// | other 4xx (400, 401, 403, …) | [`Outcome::Rejected`] with AppsFlyer's reason |
/// | 1xx, 3xx | [`Outcome::Rejected`]: the API never redirects, so the endpoint is misconfigured |
/// | not 100–599 (e.g. 0 from some JS clients on network failure) | [`Outcome::Retry`], like a transport failure |
///
/// The reason is the body with white space collapsed, control characters
/// removed and the length bounded by [`MAX_REASON_BYTES`], or the status
/// phrase when the body is empty.
///
/// ```
/// use appsflyer_s2s::{classify, Outcome};
///
/// assert_eq!(classify(200, "OK"), Outcome::Delivered);
/// assert_eq!(
///     classify(401, "Unauthorized\n"),
///     Outcome::Rejected { status: 401, reason: "Unauthorized".into() },
/// );
/// let busy = classify(503, "");
/// assert!(busy.is_retryable());
/// assert_eq!(busy.reason(), Some("Service Unavailable"));
/// ```
pub fn classify(status: u16, body: &str) -> Outcome {
    classify_with_retry_after(status, body, None, 0)
}

/// [`classify`], also reading a `Retry-After` header value (see
/// [`parse_retry_after`]) into [`Outcome::Retry::retry_after_ms`].
///
/// `now_epoch_ms` is the current time in milliseconds since the Unix epoch
/// (`Date.now()`); it is only used for an HTTP-date `Retry-After`.
pub fn classify_with_retry_after(
    status: u16,
    body: &str,
    retry_after: Option<&str>,
    now_epoch_ms: u64,
) -> Outcome {
    let retry = |reason: String| Outcome::Retry {
        status: Some(status),
        reason,
        retry_after_ms: retry_after.and_then(|v| parse_retry_after(v, now_epoch_ms)),
    };
    match status {
        200..=299 => Outcome::Delivered,
        408 | 425 | 429 | 500..=599 => retry(tidy_reason(body, status)),
        400..=499 => Outcome::Rejected {
            status,
            reason: tidy_reason(body, status),
        },
        100..=199 | 300..=399 => Outcome::Rejected {
            status,
            reason: format!(
                "unexpected {}: the Send Event API answers directly and never redirects, \
                 so the endpoint (scheme, host or path prefix) is probably misconfigured",
                status_line(status)
            ),
        },
        _ => retry(format!("invalid HTTP status {status}")),
    }
}

/// A network error or timeout: always worth a retry ([`Outcome::Retry`] with
/// no status). `reason` is tidied like a body; empty becomes `"network error"`.
///
/// A timeout after the request left may still have been recorded:
/// AppsFlyer counts every request, so a retry can duplicate the event.
pub fn transport_failure(reason: &str) -> Outcome {
    let mut reason = tidy(reason);
    if reason.is_empty() {
        reason = String::from("network error");
    }
    Outcome::Retry {
        status: None,
        reason,
        retry_after_ms: None,
    }
}

/// Reads a `Retry-After` value (RFC 9110 §10.2.3) as milliseconds from now.
///
/// Accepts delay-seconds (`120`) and an HTTP-date in any of the three forms
/// RFC 9110 requires recipients to accept: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 and asctime. A date in the
/// past gives `0`; huge values saturate; anything else (negative, fractional,
/// malformed) gives `None`.
///
/// ```
/// use appsflyer_s2s::outcome::parse_retry_after;
///
/// assert_eq!(parse_retry_after("120", 0), Some(120_000));
/// // 784111777 s is Sun, 06 Nov 1994 08:49:37 GMT.
/// let now = 784_111_777_000 - 30_000;
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(30_000));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now_epoch_ms: u64) -> Option<u64> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
        return Some(seconds.saturating_mul(1000));
    }
    let at_ms = http_date_epoch_ms(value, now_epoch_ms)?;
    let delay = at_ms - i128::from(now_epoch_ms);
    Some(u64::try_from(delay.max(0)).unwrap_or(u64::MAX))
}

/// How long to wait between attempts, and when to give up.
///
/// Delays grow exponentially (`base_delay_ms * 2^(attempt-1)`), are capped at
/// `max_delay_ms`, get *equal jitter* (a random point in the upper half of
/// the step), and never go below the server's `Retry-After` (itself capped
/// at `max_retry_after_ms`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay step before the first retry, in milliseconds.
    pub base_delay_ms: u64,
    /// Largest backoff delay, in milliseconds (a `Retry-After` may exceed it,
    /// up to `max_retry_after_ms`).
    pub max_delay_ms: u64,
    /// Most attempts in all, the first included: `1` never retries. Needed
    /// because a 500 can also mean the body will never parse.
    pub max_attempts: u32,
    /// Largest `Retry-After` honoured, in milliseconds; longer requests are
    /// cut to this.
    pub max_retry_after_ms: u64,
    /// The retry budget as a duration: no retry starts later than this many
    /// milliseconds after the first attempt ([`RetryPolicy::next_delay_after`]).
    /// `None`: attempts alone bound the retries.
    pub max_elapsed_ms: Option<u64>,
}

impl Default for RetryPolicy {
    /// Defaults for a queue-backed sender:
    ///
    /// - `base_delay_ms` 2 s: queues schedule in whole seconds (Cloudflare
    ///   Queues' `delaySeconds`), so the first retry lands 1–2 s later
    ///   rather than being rounded to "now".
    /// - `max_attempts` 8 (7 retries): nominal waits 2, 4, 8, … 128 s, about
    ///   2–4 minutes in all with jitter. That rides out blips and short
    ///   incidents while bounding duplicates (AppsFlyer counts every request,
    ///   and a timed-out one may have been recorded) and the cost of a 500
    ///   that is really an unparseable body. After that, dead-letter the event.
    /// - `max_delay_ms` 5 min: only reached if `max_attempts` is raised; keeps
    ///   a long schedule from parking events for hours.
    /// - `max_retry_after_ms` 15 min: AppsFlyer's rate limit is per minute
    ///   (about 60,000 requests), so honest `Retry-After` values are short; the
    ///   cap stops a misconfigured proxy asking for a day from stalling events.
    fn default() -> Self {
        RetryPolicy {
            base_delay_ms: 2_000,
            max_delay_ms: 300_000,
            max_attempts: 8,
            max_retry_after_ms: 900_000,
            max_elapsed_ms: None,
        }
    }
}

impl RetryPolicy {
    /// The schedule of a durable sender, one that keeps a failed event in a
    /// queue (the Worker): a budget of 24 hours rather than a count of
    /// attempts, so an AppsFlyer outage of hours loses nothing.
    ///
    /// - `base_delay_ms` 2 s, doubling, `max_delay_ms` 15 min: blips are
    ///   retried within seconds; during a long outage a queued event is tried
    ///   about four times an hour (each try of an unreachable AppsFlyer costs
    ///   one request; a paced consumer keeps a backlog under the rate limit).
    /// - `max_elapsed_ms` 24 h, `max_attempts` unbounded: AppsFlyer records
    ///   events with the time they happened, so a day-late delivery is still
    ///   attributed; after that, a person should look (dead letter).
    /// - `max_retry_after_ms` 15 min, as in [`RetryPolicy::default`].
    ///
    /// ```
    /// use appsflyer_s2s::RetryPolicy;
    ///
    /// let policy = RetryPolicy::durable();
    /// assert!(policy.next_delay_after(500, 23 * 3_600_000, None, 0.5).is_some());
    /// assert_eq!(policy.next_delay_after(2, 24 * 3_600_000, None, 0.5), None);
    /// ```
    pub fn durable() -> Self {
        RetryPolicy {
            base_delay_ms: 2_000,
            max_delay_ms: 900_000,
            max_attempts: u32::MAX,
            max_retry_after_ms: 900_000,
            max_elapsed_ms: Some(24 * 3_600_000),
        }
    }

    /// [`RetryPolicy::next_delay_ms`] within the budget too: `None` also
    /// when the next attempt would start more than `max_elapsed_ms` after
    /// the first one, `elapsed_ms` ago.
    pub fn next_delay_after(
        &self,
        attempt: u32,
        elapsed_ms: u64,
        retry_after_ms: Option<u64>,
        jitter: f64,
    ) -> Option<u64> {
        let delay = self.next_delay_ms(attempt, retry_after_ms, jitter)?;
        match self.max_elapsed_ms {
            Some(budget) if elapsed_ms.saturating_add(delay) > budget => None,
            _ => Some(delay),
        }
    }

    /// The wait before the next attempt, in milliseconds; `None` once
    /// `attempt` has reached `max_attempts` (give up).
    ///
    /// `attempt` is the number of attempts already made: 1 after the first
    /// try (0 is treated as 1). `retry_after_ms` is the server's
    /// [`Outcome::retry_after_ms`]. `jitter` in `[0, 1)` comes from the
    /// caller (`Math.random()`, a PRNG); NaN counts as 0 and values outside
    /// the range are clamped.
    ///
    /// ```
    /// use appsflyer_s2s::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.next_delay_ms(1, None, 0.0), Some(1_000)); // half of 2 s
    /// assert_eq!(policy.next_delay_ms(3, None, 0.0), Some(4_000)); // half of 8 s
    /// assert_eq!(policy.next_delay_ms(1, Some(60_000), 0.0), Some(60_000)); // Retry-After wins
    /// assert_eq!(policy.next_delay_ms(8, None, 0.0), None); // 8 attempts made: give up
    /// ```
    pub fn next_delay_ms(
        &self,
        attempt: u32,
        retry_after_ms: Option<u64>,
        jitter: f64,
    ) -> Option<u64> {
        let attempt = attempt.max(1);
        if attempt >= self.max_attempts {
            return None;
        }
        let step = 1u64
            .checked_shl(attempt - 1)
            .map_or(u64::MAX, |factor| self.base_delay_ms.saturating_mul(factor))
            .min(self.max_delay_ms);
        // Equal jitter rather than full jitter: full jitter can pick ~0 ms,
        // which hammers a failing AppsFlyer and may turn a 429 into another
        // 429 (and, after a timeout, another duplicate). Equal jitter keeps a
        // growing floor of half the step while still spreading a burst of
        // queued events over the other half.
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let half = step - step / 2;
        // `as` saturates for floats; the result cannot exceed `step / 2`.
        let spread = ((step / 2) as f64 * jitter) as u64;
        let delay = half.saturating_add(spread.min(step / 2));
        let floor = retry_after_ms.map_or(0, |ms| ms.min(self.max_retry_after_ms));
        Some(delay.max(floor))
    }

    /// The waits a sender would use, one per retry, with a fixed `jitter`
    /// and no `Retry-After`: `max_attempts - 1` values. For docs and tests.
    ///
    /// ```
    /// use appsflyer_s2s::RetryPolicy;
    ///
    /// let delays: Vec<u64> = RetryPolicy::default().schedule(1.0).collect();
    /// assert_eq!(delays, [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000]);
    /// ```
    pub fn schedule(&self, jitter: f64) -> impl Iterator<Item = u64> {
        let policy = *self;
        (1..policy.max_attempts)
            .filter_map(move |attempt| policy.next_delay_ms(attempt, None, jitter))
    }

    /// The wait before retrying after `outcome`: `None` if it is not
    /// retryable or attempts are exhausted. Uses the outcome's `Retry-After`.
    ///
    /// ```
    /// use appsflyer_s2s::{classify, RetryPolicy};
    ///
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.delay_for(&classify(401, "Unauthorized"), 1, 0.5), None);
    /// assert!(policy.delay_for(&classify(503, ""), 1, 0.5).is_some());
    /// ```
    pub fn delay_for(&self, outcome: &Outcome, attempt: u32, jitter: f64) -> Option<u64> {
        if outcome.is_retryable() {
            self.next_delay_ms(attempt, outcome.retry_after_ms(), jitter)
        } else {
            None
        }
    }
}

/// The body as a one-line bounded reason, or the status phrase if empty.
fn tidy_reason(body: &str, status: u16) -> String {
    let reason = tidy(body);
    if reason.is_empty() {
        match reason_phrase(status) {
            Some(phrase) => String::from(phrase),
            None => format!("HTTP {status}"),
        }
    } else {
        reason
    }
}

/// White-space runs and control characters become single spaces, ends are
/// trimmed, and the text is cut on a char boundary at [`MAX_REASON_BYTES`].
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        let needed = c.len_utf8() + usize::from(space);
        if out.len() + needed > MAX_REASON_BYTES {
            out.push('…');
            break;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

fn status_line(status: u16) -> String {
    match reason_phrase(status) {
        Some(phrase) => format!("HTTP {status} {phrase}"),
        None => format!("HTTP {status}"),
    }
}

/// RFC 9110 phrases for statuses an S2S sender may meet.
fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        103 => "Early Hints",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        425 => "Too Early",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}
