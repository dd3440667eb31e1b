//! One Send Event attempt over HTTP, and what its failure means.
//!
//! The request itself (URL, headers, body) comes from the core's
//! [`appsflyer_s2s::prepare`]; this module only moves it with `ureq` and
//! sorts the result into the four cases the sender treats differently:
//! AppsFlyer's answer (read with the core's `classify_with_retry_after`), a
//! failure before anything was sent (retry freely), and a failure after the
//! request may have reached AppsFlyer (ambiguous: AppsFlyer does not
//! deduplicate, so sending again can count the event twice).

use std::io;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use appsflyer_s2s::outcome::classify_with_retry_after;
use appsflyer_s2s::{Outcome, S2sRequest};

/// Longest answer body read, in bytes; the core keeps 256 of it as the reason.
const MAX_ANSWER_BYTES: u64 = 16 * 1024;

/// What one attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// AppsFlyer (or the endpoint) answered; the core classified the answer.
    Answered {
        /// The HTTP status.
        status: u16,
        /// The core's reading of it.
        outcome: Outcome,
    },
    /// Nothing was sent: DNS, connect or TLS failed. Sending again cannot
    /// duplicate the event.
    NotSent {
        /// What failed, without the key or the body.
        reason: String,
    },
    /// The request may have reached AppsFlyer: a timeout or a reset after
    /// it was written, or an answer that could not be read.
    Ambiguous {
        /// `timeout`, `connection_reset` or `network_error`.
        code: &'static str,
        /// What happened.
        reason: String,
    },
}

/// Sends prepared requests, reusing connections.
pub struct Transport {
    agent: ureq::Agent,
}

impl Transport {
    /// A transport whose attempts give up after `timeout` (connecting
    /// included) and that keeps up to `connections` connections open.
    pub fn new(timeout: Duration, connections: usize) -> Self {
        let config = ureq::Agent::config_builder()
            // 4xx and 5xx are answers to classify, not errors.
            .http_status_as_error(false)
            // The Send Event API never redirects: a 3xx is a misconfigured
            // endpoint, which the core classifies as rejected. Following it
            // would send the key and the event somewhere else.
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
            .max_idle_connections(connections.max(1))
            .max_idle_connections_per_host(connections.max(1))
            .user_agent(concat!("appsflyer-s2s-cli/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            CachingResolver::default(),
        );
        Transport { agent }
    }

    /// Sends one request and reads the answer.
    pub fn send(&self, request: &S2sRequest) -> Attempt {
        let mut builder = self.agent.post(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let mut response = match builder.send(request.body.as_bytes()) {
            Ok(r) => r,
            Err(e) => return failure(e),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // The status is what counts: a body that cannot be read is left empty.
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .lossy_utf8(true)
            .read_to_string()
            .unwrap_or_default();
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        Attempt::Answered {
            status,
            outcome: classify_with_retry_after(status, &body, retry_after.as_deref(), now_ms),
        }
    }
}

/// How long a resolved address is reused.
const RESOLVE_TTL: Duration = Duration::from_secs(60);

/// ureq resolves the host before every request, pooled connection or not,
/// and with a timeout set it does so on a new thread: at 1,000 events/s
/// that was a thread and a DNS lookup per event, most of the sender's CPU.
/// Every request of a run goes to one host, so its addresses are kept for
/// [`RESOLVE_TTL`] (ureq's `Resolver` extension point; its default
/// resolver does the lookups).
#[derive(Debug, Default)]
struct CachingResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    cached: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    key: String,
    at: Instant,
    addrs: ureq::unversioned::resolver::ResolvedSocketAddrs,
}

impl ureq::unversioned::resolver::Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map_or("", |a| a.as_str())
        );
        {
            let cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(c) = cached.as_ref() {
                if c.key == key && c.at.elapsed() < RESOLVE_TTL {
                    return Ok(c.addrs.clone());
                }
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        *self.cached.lock().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
            key,
            at: Instant::now(),
            addrs: addrs.clone(),
        });
        Ok(addrs)
    }
}

/// Sorts a ureq error by whether the request can have left.
fn failure(e: ureq::Error) -> Attempt {
    use ureq::Error;
    let not_sent = |reason: String| Attempt::NotSent { reason };
    match e {
        Error::Timeout(ureq::Timeout::Resolve) => not_sent("resolving the host timed out".into()),
        Error::Timeout(ureq::Timeout::Connect) => not_sent("connecting timed out".into()),
        Error::Timeout(_) => Attempt::Ambiguous {
            code: "timeout",
            reason: "no answer before the timeout, after the request was sent".into(),
        },
        Error::HostNotFound => not_sent("the host name was not found (DNS)".into()),
        Error::ConnectionFailed => not_sent("the connection failed".into()),
        Error::Tls(m) => not_sent(format!("TLS failed: {m}")),
        Error::Rustls(e) => not_sent(format!("TLS failed: {e}")),
        Error::Io(io) if before_sending(&io) => not_sent(format!("cannot connect: {io}")),
        Error::Io(io) if is_reset(&io) => Attempt::Ambiguous {
            code: "connection_reset",
            reason: format!("the connection was closed after the request was sent: {io}"),
        },
        other => Attempt::Ambiguous {
            code: "network_error",
            reason: format!("the request may have been sent: {other}"),
        },
    }
}

fn before_sending(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
    )
}

fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}
