//! Sending rows: a pool of workers that take prepared requests, pace them
//! with a `governor` rate limiter, send them, and journal and report what
//! became of each.
//!
//! Every attempt, retries included, takes a permit from one limiter, so the
//! rate holds whatever AppsFlyer answers. A transient answer (408, 429, 5xx)
//! or a failure before anything was sent waits for the core's
//! [`RetryPolicy`] delay in a queue ordered by due time, so a waiting row
//! never holds a worker. A failure after the request was sent is ambiguous:
//! held (reported, never sent again) or, with `--ambiguous retry`, retried.
//!
//! The journal gets `sending` before each attempt and the outcome after it
//! (a row waiting for a retry is `failed`, or `ambiguous` if its last attempt
//! was), so whenever the process dies, the next run knows which rows are
//! safe to send again.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::io;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use appsflyer_s2s::{Outcome, RetryPolicy, S2sRequest};
use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::http::{Attempt, Transport};
use crate::journal::{JournalWriter, State};
use crate::report::{Entry, ReportWriter, RowError, Status, Upstream};

/// How to send.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Requests per minute, retries included.
    pub rate_per_minute: u32,
    /// Workers, each with at most one request in flight.
    pub concurrency: usize,
    /// `--ambiguous hold`: never send a possibly recorded row again.
    pub hold: bool,
    /// When to retry transient failures, and when to give up.
    pub policy: RetryPolicy,
}

/// A row ready to send.
pub struct Job {
    /// Its line in the file.
    pub line: u64,
    /// Its raw bytes' hash, for the journal.
    pub hash: u64,
    /// The request, from the core's `prepare`.
    pub request: S2sRequest,
    attempts: u32,
    /// The last failed attempt: its errors or AppsFlyer's answer.
    last: Option<(Vec<RowError>, Option<Upstream>)>,
    /// Whether the last attempt may have been recorded.
    ambiguous: bool,
}

impl Job {
    /// A row not tried yet.
    pub fn new(line: u64, hash: u64, request: S2sRequest) -> Self {
        Job {
            line,
            hash,
            request,
            attempts: 0,
            last: None,
            ambiguous: false,
        }
    }
}

/// Counts shown by the progress display and the summary, for this run.
#[derive(Debug, Default)]
pub struct Counters {
    /// Rows read from the file.
    pub rows: AtomicU64,
    /// Bytes of the file read.
    pub bytes: AtomicU64,
    /// Delivered in this run.
    pub delivered: AtomicU64,
    /// Rejected in this run.
    pub rejected: AtomicU64,
    /// Invalid rows found in this run.
    pub invalid: AtomicU64,
    /// Given up in this run (retried by the next).
    pub failed: AtomicU64,
    /// Held as ambiguous in this run.
    pub ambiguous: AtomicU64,
    /// Rows waiting for a retry now.
    pub retrying: AtomicU64,
    /// Rows done or held in an earlier run, skipped.
    pub earlier: AtomicU64,
    /// Requests made.
    pub requests: AtomicU64,
}

impl Counters {
    fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// A counter's value.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Where outcomes go.
pub struct Sinks {
    /// The journal.
    pub journal: Arc<JournalWriter>,
    /// The report.
    pub report: Arc<Mutex<ReportWriter>>,
    /// The counts.
    pub counters: Arc<Counters>,
    /// Set by Ctrl-C: take no new row, finish the requests in flight.
    pub stop: Arc<AtomicBool>,
}

struct Due {
    at: Instant,
    seq: u64,
    job: Job,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct Queue {
    fresh: VecDeque<Job>,
    waiting: BinaryHeap<Reverse<Due>>,
    seq: u64,
    reading_done: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Workers wait here for work (woken one at a time: waking every idle
    /// worker for each row costs more CPU than the sending itself).
    work: Condvar,
    /// The reader waits here for room in the queue.
    room: Condvar,
    capacity: usize,
    limiter: DefaultDirectRateLimiter,
    /// Held by the one worker waiting for the limiter's next permit, so
    /// the others sleep on this lock instead of all polling the limiter.
    permit: Mutex<()>,
    transport: Transport,
    plan: Plan,
    sinks: Sinks,
    /// The first journal or report write error: the run stops on it.
    error: Mutex<Option<io::Error>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn stopping(&self) -> bool {
        self.sinks.stop.load(Ordering::SeqCst)
    }

    fn fail(&self, e: io::Error) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
        self.sinks.stop.store(true, Ordering::SeqCst);
        self.work.notify_all();
        self.room.notify_all();
    }
}

/// The running workers.
pub struct Sender {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

/// The largest burst the limiter allows: 1 % of a second's worth (at least
/// one), so that no one-second window of permits holds more than rate/60 ×
/// 1.01 (+ 1). What reaches AppsFlyer can bunch a little more (threads are
/// scheduled late, packets wait): the margin up to the promised × 1.1 is
/// left for that.
fn burst(rate_per_minute: u32) -> NonZeroU32 {
    NonZeroU32::new((rate_per_minute / 60 / 100).max(1)).unwrap_or(NonZeroU32::MIN)
}

impl Sender {
    /// Starts the workers.
    pub fn start(plan: Plan, transport: Transport, sinks: Sinks) -> Sender {
        let period = Duration::from_nanos(60_000_000_000 / u64::from(plan.rate_per_minute.max(1)));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst(plan.rate_per_minute));
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            work: Condvar::new(),
            room: Condvar::new(),
            capacity: (plan.concurrency * 4).max(256),
            limiter: RateLimiter::direct(quota),
            permit: Mutex::new(()),
            transport,
            plan,
            sinks,
            error: Mutex::new(None),
        });
        let workers = (0..shared.plan.concurrency)
            .map(|n| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || worker(&shared, n as u64))
            })
            .collect();
        Sender { shared, workers }
    }

    /// Queues a row, waiting while the queue is full; `false` (the row not
    /// queued, so not journaled: the next run sends it) if the run is stopping.
    pub fn submit(&self, job: Job) -> bool {
        let mut q = self.shared.lock();
        loop {
            if self.shared.stopping() {
                return false;
            }
            if q.fresh.len() + q.waiting.len() < self.shared.capacity {
                q.fresh.push_back(job);
                self.shared.work.notify_one();
                return true;
            }
            q = self
                .shared
                .room
                .wait_timeout(q, Duration::from_millis(100))
                .map_or_else(|p| p.into_inner().0, |(g, _)| g);
        }
    }

    /// Waits for every queued row to be done (or, when stopping, for the
    /// requests in flight), then journals the rows still waiting for a retry.
    /// Rows queued but never tried stay out of the journal: the next run
    /// sends them. Fails with the first journal or report write error.
    pub fn finish(self) -> io::Result<()> {
        {
            let mut q = self.shared.lock();
            q.reading_done = true;
            self.shared.work.notify_all();
        }
        for w in self.workers {
            let _ = w.join();
        }
        let shared = &self.shared;
        if let Some(e) = shared
            .error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            return Err(e);
        }
        let waiting = std::mem::take(&mut shared.lock().waiting);
        for Reverse(due) in waiting {
            settle_interrupted(shared, due.job)?;
        }
        shared.sinks.counters.retrying.store(0, Ordering::Relaxed);
        Ok(())
    }
}

/// A row stopped while waiting for a retry: failed, or ambiguous if its last
/// attempt may have been recorded.
fn settle_interrupted(shared: &Shared, job: Job) -> io::Result<()> {
    let (errors, upstream) = job.last.unwrap_or_default();
    let (state, status, counter) = if job.ambiguous {
        (
            State::Ambiguous,
            Status::Ambiguous,
            &shared.sinks.counters.ambiguous,
        )
    } else {
        (State::Failed, Status::Failed, &shared.sinks.counters.failed)
    };
    finish_row(
        shared,
        job.line,
        job.hash,
        state,
        status,
        &errors,
        upstream.as_ref(),
    )?;
    Counters::add(counter);
    Ok(())
}

fn worker(shared: &Shared, n: u64) {
    let mut rng = Jitter::new(n);
    loop {
        let Some(job) = next_job(shared) else {
            return;
        };
        match attempt(shared, job, &mut rng) {
            Ok(None) => {}
            Ok(Some((delay, job))) => {
                let mut q = shared.lock();
                let seq = q.seq;
                q.seq += 1;
                q.waiting.push(Reverse(Due {
                    at: Instant::now() + delay,
                    seq,
                    job,
                }));
                shared.work.notify_one();
            }
            Err(e) => {
                shared.fail(e);
                return;
            }
        }
    }
}

/// The next row to try: a retry that is due, else a fresh row; `None` when
/// there is nothing left or the run is stopping.
fn next_job(shared: &Shared) -> Option<Job> {
    let mut q = shared.lock();
    loop {
        if shared.stopping() {
            return None;
        }
        let now = Instant::now();
        if q.waiting.peek().is_some_and(|Reverse(d)| d.at <= now) {
            let Reverse(due) = q.waiting.pop()?;
            shared
                .sinks
                .counters
                .retrying
                .fetch_sub(1, Ordering::Relaxed);
            return Some(due.job);
        }
        if let Some(job) = q.fresh.pop_front() {
            shared.room.notify_one();
            return Some(job);
        }
        if q.reading_done && q.waiting.is_empty() {
            shared.work.notify_all();
            return None;
        }
        let wait = q
            .waiting
            .peek()
            .map_or(Duration::from_millis(200), |Reverse(d)| {
                d.at.saturating_duration_since(now)
            })
            .min(Duration::from_millis(200));
        q = shared
            .work
            .wait_timeout(q, wait)
            .map_or_else(|p| p.into_inner().0, |(g, _)| g);
    }
}

/// Waits for a permit of the rate limiter; `false` if the run stopped meanwhile.
fn wait_for_permit(shared: &Shared) -> bool {
    let _turn = shared.permit.lock().unwrap_or_else(|p| p.into_inner());
    // The limiter's own clock: making a new one reads the CPU's identity
    // each time, which cost more than the rest of a request.
    let clock = shared.limiter.clock();
    loop {
        if shared.stopping() {
            return false;
        }
        match shared.limiter.check() {
            Ok(()) => return true,
            Err(not_until) => {
                // Sleeping at least a few milliseconds lets several permits
                // accrue, so the workers queued behind this one take theirs
                // without a sleep each: a third less CPU at 1,000 events/s.
                // The limiter still decides every permit.
                let wait = not_until.wait_time_from(clock.now());
                std::thread::sleep(wait.clamp(MIN_PERMIT_SLEEP, Duration::from_millis(100)));
            }
        }
    }
}

type Retry = Option<(Duration, Job)>;

/// The shortest sleep while waiting for the rate limiter.
const MIN_PERMIT_SLEEP: Duration = Duration::from_millis(4);

/// One attempt at a row: gives the delay before the next one, or `None`
/// when the row is settled.
fn attempt(shared: &Shared, mut job: Job, rng: &mut Jitter) -> io::Result<Retry> {
    let counters = &shared.sinks.counters;
    if !wait_for_permit(shared) {
        if job.attempts > 0 {
            settle_interrupted(shared, job)?;
        }
        return Ok(None);
    }
    shared
        .sinks
        .journal
        .record(job.line, job.hash, State::Sending, &[], None)?;
    Counters::add(&counters.requests);
    let result = shared.transport.send(&job.request);
    job.attempts += 1;
    let (errors, upstream, retry_after, ambiguous) = match result {
        Attempt::Answered {
            outcome: Outcome::Delivered,
            ..
        } => {
            shared
                .sinks
                .journal
                .record(job.line, job.hash, State::Delivered, &[], None)?;
            Counters::add(&counters.delivered);
            return Ok(None);
        }
        Attempt::Answered { status, outcome } if !outcome.is_retryable() => {
            let upstream = Upstream {
                status,
                body: outcome.reason().unwrap_or_default().to_string(),
            };
            finish_row(
                shared,
                job.line,
                job.hash,
                State::Rejected,
                Status::Rejected,
                &[],
                Some(&upstream),
            )?;
            Counters::add(&counters.rejected);
            return Ok(None);
        }
        Attempt::Answered { status, outcome } => {
            let upstream = Upstream {
                status,
                body: outcome.reason().unwrap_or_default().to_string(),
            };
            (Vec::new(), Some(upstream), outcome.retry_after_ms(), false)
        }
        Attempt::NotSent { reason } => {
            let error = RowError {
                field: String::new(),
                code: "network_error",
                message: format!("not sent: {reason}"),
            };
            (vec![error], None, None, false)
        }
        Attempt::Ambiguous { code, reason } => {
            let error = RowError {
                field: String::new(),
                code,
                message: format!(
                    "{reason}: AppsFlyer may have recorded the event and does not deduplicate"
                ),
            };
            (vec![error], None, None, true)
        }
    };
    job.ambiguous = ambiguous;
    let delay = if ambiguous && shared.plan.hold {
        None
    } else {
        shared
            .plan
            .policy
            .next_delay_ms(job.attempts, retry_after, rng.next())
    };
    match delay {
        Some(ms) => {
            let state = if ambiguous {
                State::Ambiguous
            } else {
                State::Failed
            };
            shared
                .sinks
                .journal
                .record(job.line, job.hash, state, &errors, upstream.as_ref())?;
            job.last = Some((errors, upstream));
            counters.retrying.fetch_add(1, Ordering::Relaxed);
            Ok(Some((Duration::from_millis(ms), job)))
        }
        None => {
            let (state, status, counter) = if ambiguous {
                (State::Ambiguous, Status::Ambiguous, &counters.ambiguous)
            } else {
                (State::Failed, Status::Failed, &counters.failed)
            };
            finish_row(
                shared,
                job.line,
                job.hash,
                state,
                status,
                &errors,
                upstream.as_ref(),
            )?;
            Counters::add(counter);
            Ok(None)
        }
    }
}

/// Journals a row's final state in this run and reports it.
fn finish_row(
    shared: &Shared,
    line: u64,
    hash: u64,
    state: State,
    status: Status,
    errors: &[RowError],
    upstream: Option<&Upstream>,
) -> io::Result<()> {
    shared
        .sinks
        .journal
        .record(line, hash, state, errors, upstream)?;
    let entry = Entry {
        line,
        status,
        errors,
        upstream,
    };
    shared
        .sinks
        .report
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .write(&entry)
}

/// The caller-supplied randomness the core's `RetryPolicy` asks for
/// (splitmix64 seeded from the clock and the worker's number): it only
/// spreads retries, so it needs no cryptographic quality.
struct Jitter(u64);

impl Jitter {
    fn new(worker: u64) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Jitter(u64::from(nanos) ^ worker.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// A number in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
