//! Reading AppsFlyer's answer (the contract's Responses table) and the retry schedule.

use appsflyer_s2s::outcome::{
    classify_with_retry_after, parse_retry_after, transport_failure, MAX_REASON_BYTES,
};
use appsflyer_s2s::{classify, Outcome, RetryPolicy};
use proptest::prelude::*;

fn rejected(status: u16, reason: &str) -> Outcome {
    Outcome::Rejected {
        status,
        reason: reason.into(),
    }
}

fn retry(status: u16, reason: &str) -> Outcome {
    Outcome::Retry {
        status: Some(status),
        reason: reason.into(),
        retry_after_ms: None,
    }
}

#[test]
fn responses_table() {
    for (status, body, outcome) in [
        // 200 OK: accepted.
        (200, "OK", Outcome::Delivered),
        (201, "", Outcome::Delivered),
        (204, "", Outcome::Delivered),
        // 400: the request is wrong; AppsFlyer's reason is kept.
        (
            400,
            "Failed to Authenticate",
            rejected(400, "Failed to Authenticate"),
        ),
        (
            400,
            "appsflyer_id is a mandatory field",
            rejected(400, "appsflyer_id is a mandatory field"),
        ),
        (400, "Bad request", rejected(400, "Bad request")),
        (
            400,
            "Payload is missing or failed to parse",
            rejected(400, "Payload is missing or failed to parse"),
        ),
        (400, "", rejected(400, "Bad Request")),
        // 401: not this app's S2S key. 403: the package does not accept these events.
        (401, "Unauthorized", rejected(401, "Unauthorized")),
        (403, "Forbidden", rejected(403, "Forbidden")),
        // Other 4xx: refused for good too.
        (404, "", rejected(404, "Not Found")),
        (413, "", rejected(413, "Content Too Large")),
        (418, "", rejected(418, "HTTP 418")),
        (499, "x", rejected(499, "x")),
        // 429 and 5xx: transient. (A 500 can also mean unparseable JSON: retries are capped.)
        (429, "", retry(429, "Too Many Requests")),
        (500, "", retry(500, "Internal Server Error")),
        (
            502,
            "<html>bad gateway</html>",
            retry(502, "<html>bad gateway</html>"),
        ),
        (503, "", retry(503, "Service Unavailable")),
        (504, "", retry(504, "Gateway Timeout")),
        (599, "", retry(599, "HTTP 599")),
        // Request Timeout and Too Early: the server asks to resend.
        (408, "", retry(408, "Request Timeout")),
        (425, "", retry(425, "Too Early")),
    ] {
        assert_eq!(classify(status, body), outcome, "{status} {body:?}");
    }
}

#[test]
fn redirects_and_interim_statuses_mean_a_misconfigured_endpoint() {
    for status in [100, 101, 199, 300, 301, 302, 307, 308, 399] {
        let outcome = classify(status, "Moved");
        let Outcome::Rejected { status: s, reason } = &outcome else {
            panic!("{status}: {outcome:?}");
        };
        assert_eq!(*s, status);
        assert!(reason.contains("misconfigured"), "{reason}");
        assert!(reason.contains(&status.to_string()), "{reason}");
    }
    assert!(classify(301, "")
        .reason()
        .unwrap()
        .contains("HTTP 301 Moved Permanently"));
}

#[test]
fn impossible_statuses_are_treated_like_transport_failures() {
    // Some JS clients report 0 for a network failure.
    for status in [0, 99, 600, 999, u16::MAX] {
        let outcome = classify(status, "");
        assert!(outcome.is_retryable(), "{status}");
        assert_eq!(
            outcome.reason(),
            Some(format!("invalid HTTP status {status}").as_str())
        );
    }
}

#[test]
fn transport_failures_are_retried() {
    assert_eq!(
        transport_failure("timeout after 10 s"),
        Outcome::Retry {
            status: None,
            reason: "timeout after 10 s".into(),
            retry_after_ms: None,
        }
    );
    assert_eq!(transport_failure(" \n").reason(), Some("network error"));
}

#[test]
fn outcome_accessors() {
    let delivered = classify(200, "OK");
    assert_eq!(delivered.as_str(), "delivered");
    assert_eq!(delivered.reason(), None);
    assert_eq!(delivered.retry_after_ms(), None);
    assert!(!delivered.is_retryable());
    assert_eq!(delivered.to_string(), "delivered");

    let refused = classify(401, "Unauthorized");
    assert_eq!(refused.as_str(), "rejected");
    assert_eq!(refused.reason(), Some("Unauthorized"));
    assert!(!refused.is_retryable());
    assert_eq!(refused.to_string(), "rejected (401): Unauthorized");

    let busy = classify_with_retry_after(429, "slow down", Some("7"), 0);
    assert_eq!(busy.as_str(), "retry");
    assert_eq!(busy.reason(), Some("slow down"));
    assert_eq!(busy.retry_after_ms(), Some(7_000));
    assert!(busy.is_retryable());
    assert_eq!(busy.to_string(), "retry (429): slow down");
    assert_eq!(transport_failure("reset").to_string(), "retry: reset");
}

#[test]
fn reasons_are_one_bounded_line() {
    assert_eq!(
        classify(400, "  Bad\r\n   request\t\u{0} ").reason(),
        Some("Bad request")
    );
    // Cut on a char boundary, marked with an ellipsis.
    let long = "é".repeat(1_000);
    let reason = classify(400, &long).reason().unwrap().to_string();
    assert!(reason.ends_with('…'));
    assert!(reason.len() <= MAX_REASON_BYTES + '…'.len_utf8());
    assert!(reason.trim_end_matches('…').chars().all(|c| c == 'é'));
    let exact = "a".repeat(MAX_REASON_BYTES);
    assert_eq!(classify(400, &exact).reason(), Some(exact.as_str()));
}

#[test]
fn retry_after_is_read_only_for_retries() {
    assert_eq!(
        classify_with_retry_after(503, "", Some("120"), 0).retry_after_ms(),
        Some(120_000)
    );
    assert_eq!(
        classify_with_retry_after(503, "", Some("soon"), 0).retry_after_ms(),
        None
    );
    assert_eq!(
        classify_with_retry_after(401, "Unauthorized", Some("120"), 0),
        rejected(401, "Unauthorized")
    );
    assert_eq!(
        classify_with_retry_after(200, "OK", Some("120"), 0),
        Outcome::Delivered
    );
}

/// Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example.
const RFC_EXAMPLE_MS: u64 = 784_111_777_000;

#[test]
fn retry_after_seconds() {
    for (value, ms) in [
        ("0", Some(0)),
        ("120", Some(120_000)),
        (" 5\t", Some(5_000)),
        ("007", Some(7_000)),
        ("99999999999999999999999999", Some(u64::MAX)),
        ("", None),
        ("-1", None),
        ("1.5", None),
        ("+5", None),
        ("5s", None),
        ("120, 60", None),
        ("soon", None),
        ("١٢٠", None), // non-ASCII digits
    ] {
        assert_eq!(parse_retry_after(value, RFC_EXAMPLE_MS), ms, "{value:?}");
    }
}

#[test]
fn retry_after_http_date() {
    let now = RFC_EXAMPLE_MS - 30_000;
    for (value, ms) in [
        // IMF-fixdate, the preferred form.
        ("Sun, 06 Nov 1994 08:49:37 GMT", Some(30_000)),
        ("Sun, 06 Nov 1994 08:50:37 GMT", Some(90_000)),
        // The two obsolete forms RFC 9110 still requires recipients to accept.
        ("Sunday, 06-Nov-94 08:49:37 GMT", Some(30_000)),
        ("Sun Nov  6 08:49:37 1994", Some(30_000)),
        // In the past, or now: retry at once.
        ("Sun, 06 Nov 1994 08:49:07 GMT", Some(0)),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
        ("Sat, 06 Nov 1993 08:49:37 GMT", Some(0)),
        // Malformed or impossible.
        ("Sun, 06 Nov 1994 08:49:37 PST", None),
        ("Sun, 06 Nov 1994 08:49:37", None),
        ("Sun, 06 Nov 1994 08:49:37 GMT extra", None),
        ("Sun, 31 Feb 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 24:00:00 GMT", None),
        ("Sun, 06 Nov 1994 08:60:00 GMT", None),
        ("Sun, 06 Foo 1994 08:49:37 GMT", None),
        ("Xyz, 06 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 94 08:49:37 GMT", None),
        ("Sun Nov  6 08:49:37 1994 GMT", None),
        ("2024-01-02T03:04:05Z", None),
    ] {
        assert_eq!(parse_retry_after(value, now), ms, "{value:?}");
    }
    // Leap day.
    assert_eq!(
        parse_retry_after("Thu, 29 Feb 2024 12:00:00 GMT", 1_709_208_000_000 - 1_000),
        Some(1_000)
    );
    assert_eq!(parse_retry_after("Thu, 29 Feb 2023 12:00:00 GMT", 0), None);
}

#[test]
fn rfc850_two_digit_years_are_never_more_than_50_years_ahead() {
    let new_year_2026_ms = 1_767_225_600_000;
    // 2075 is within 50 years of 2026.
    assert_eq!(
        parse_retry_after("Tuesday, 01-Jan-75 00:00:00 GMT", new_year_2026_ms),
        Some(3_313_526_400_000 - new_year_2026_ms)
    );
    // 2077 would be over 50 years ahead, so it is 1977: in the past.
    assert_eq!(
        parse_retry_after("Saturday, 01-Jan-77 00:00:00 GMT", new_year_2026_ms),
        Some(0)
    );
}

/// A policy without a time budget (`RetryPolicy` is `#[non_exhaustive]`:
/// set from the default, field by field).
fn policy_of(base: u64, cap: u64, max_attempts: u32, max_retry_after: u64) -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    policy.base_delay_ms = base;
    policy.max_delay_ms = cap;
    policy.max_attempts = max_attempts;
    policy.max_retry_after_ms = max_retry_after;
    policy
}

#[test]
fn default_policy_schedule() {
    let policy = RetryPolicy::default();
    assert_eq!(policy, policy_of(2_000, 300_000, 8, 900_000));
    assert_eq!(policy.max_elapsed_ms, None);
    // Equal jitter: each delay is in the upper half of its doubling step.
    let low: Vec<u64> = policy.schedule(0.0).collect();
    let high: Vec<u64> = policy.schedule(1.0).collect();
    let mid: Vec<u64> = policy.schedule(0.5).collect();
    assert_eq!(low, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]);
    assert_eq!(high, [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000]);
    assert_eq!(mid, [1_500, 3_000, 6_000, 12_000, 24_000, 48_000, 96_000]);
    // Seven retries after the first attempt, then give up.
    assert_eq!(policy.next_delay_ms(7, None, 0.5), Some(96_000));
    assert_eq!(policy.next_delay_ms(8, None, 0.5), None);
    assert_eq!(policy.next_delay_ms(100, Some(1_000), 0.5), None);
}

#[test]
fn delays_are_capped() {
    let policy = policy_of(1_000, 10_000, 9, 60_000);
    let delays: Vec<u64> = policy.schedule(1.0).collect();
    assert_eq!(
        delays,
        [1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000]
    );
    let floor: Vec<u64> = policy.schedule(0.0).collect();
    assert_eq!(
        floor,
        [500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000]
    );
}

#[test]
fn attempt_limits() {
    let mut once = RetryPolicy::default();
    once.max_attempts = 1;
    assert_eq!(once.schedule(0.5).count(), 0);
    assert_eq!(once.next_delay_ms(1, None, 0.5), None);
    let mut never = RetryPolicy::default();
    never.max_attempts = 0;
    assert_eq!(never.next_delay_ms(0, None, 0.5), None);
    // Attempt 0 (nothing sent yet) is treated as 1.
    let policy = RetryPolicy::default();
    assert_eq!(
        policy.next_delay_ms(0, None, 0.5),
        policy.next_delay_ms(1, None, 0.5)
    );
}

#[test]
fn retry_after_sets_a_floor_within_its_cap() {
    let policy = RetryPolicy::default();
    // Longer than the backoff: wait as asked.
    assert_eq!(policy.next_delay_ms(1, Some(60_000), 0.5), Some(60_000));
    // Shorter than the backoff: the backoff stands.
    assert_eq!(policy.next_delay_ms(5, Some(1_000), 0.0), Some(16_000));
    // Longer than max_retry_after_ms: cut to it.
    assert_eq!(
        policy.next_delay_ms(1, Some(86_400_000), 0.5),
        Some(900_000)
    );
    // delay_for reads the outcome.
    let busy = classify_with_retry_after(429, "", Some("45"), 0);
    assert_eq!(policy.delay_for(&busy, 1, 0.0), Some(45_000));
    assert_eq!(
        policy.delay_for(&classify(400, "Bad request"), 1, 0.0),
        None
    );
    assert_eq!(policy.delay_for(&Outcome::Delivered, 1, 0.0), None);
    assert_eq!(policy.delay_for(&busy, 8, 0.0), None);
}

#[test]
fn huge_numbers_do_not_overflow() {
    let policy = policy_of(u64::MAX, u64::MAX, u32::MAX, u64::MAX);
    for attempt in [1, 2, 63, 64, 65, 1_000, u32::MAX - 1] {
        let d = policy
            .next_delay_ms(attempt, Some(u64::MAX), 0.999)
            .unwrap();
        assert_eq!(d, u64::MAX);
        let d = policy.next_delay_ms(attempt, None, 0.0).unwrap();
        assert_eq!(d, u64::MAX - u64::MAX / 2);
    }
    let mut default = RetryPolicy::default();
    default.max_attempts = u32::MAX;
    assert_eq!(
        default.next_delay_ms(u32::MAX - 1, None, 1.0),
        Some(300_000)
    );
}

#[test]
fn odd_jitter_is_clamped() {
    let policy = RetryPolicy::default();
    for (jitter, delay) in [
        (f64::NAN, 4_000),
        (-1.0, 4_000),
        (f64::NEG_INFINITY, 4_000),
        (2.0, 8_000),
        (f64::INFINITY, 8_000),
        (0.999_999, 7_999),
    ] {
        assert_eq!(
            policy.next_delay_ms(3, None, jitter),
            Some(delay),
            "{jitter}"
        );
    }
}

/// Test-side formatter of IMF-fixdate, to check parsing against the calendar.
fn imf_fixdate(epoch_s: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = epoch_s.div_euclid(86_400);
    let secs = epoch_s.rem_euclid(86_400);
    // Civil from days (H. Hinnant), written independently of the crate's inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3_600,
        secs / 60 % 60,
        secs % 60
    )
}

#[test]
fn imf_fixdate_helper_matches_the_rfc_example() {
    assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

proptest! {
    #[test]
    fn classify_never_panics(status in any::<u16>(), body in any::<String>(), header in proptest::option::of(any::<String>()), now in any::<u64>()) {
        let outcome = classify_with_retry_after(status, &body, header.as_deref(), now);
        let expect_retry = matches!(status, 408 | 425 | 429 | 500..=599) || !(100..=599).contains(&status);
        prop_assert_eq!(outcome.is_retryable(), expect_retry);
        prop_assert_eq!(outcome == Outcome::Delivered, (200..=299).contains(&status));
        if let Some(reason) = outcome.reason() {
            prop_assert!(!reason.is_empty());
            prop_assert!(!reason.chars().any(char::is_control));
            prop_assert!(reason.len() <= MAX_REASON_BYTES + '…'.len_utf8()
                || matches!(status, 100..=199 | 300..=399));
        }
    }

    #[test]
    fn parse_retry_after_never_panics(value in any::<String>(), now in any::<u64>()) {
        let _ = parse_retry_after(&value, now);
    }

    #[test]
    fn parse_retry_after_never_panics_on_date_shapes(
        value in "[A-Za-z]{3,9},? [0-9]{1,2}[- ][A-Za-z]{3}[- ][0-9]{2,4} [0-9]{2}:[0-9]{2}:[0-9]{2}( GMT)?",
        now in any::<u64>(),
    ) {
        let _ = parse_retry_after(&value, now);
    }

    #[test]
    fn http_dates_round_trip(epoch_s in 0i64..253_402_300_800, back in 0u64..1_000_000) {
        let at_ms = epoch_s as u64 * 1_000;
        let text = imf_fixdate(epoch_s);
        prop_assert_eq!(parse_retry_after(&text, at_ms.saturating_sub(back)), Some(back.min(at_ms)));
        prop_assert_eq!(parse_retry_after(&text, at_ms + back), Some(0));
    }

    #[test]
    fn delays_stay_within_bounds(
        base in any::<u64>(),
        cap in any::<u64>(),
        max_attempts in any::<u32>(),
        max_ra in any::<u64>(),
        attempt in any::<u32>(),
        retry_after in proptest::option::of(any::<u64>()),
        jitter in any::<f64>(),
    ) {
        let policy = policy_of(base, cap, max_attempts, max_ra);
        let floor = retry_after.map_or(0, |ra| ra.min(max_ra));
        match policy.next_delay_ms(attempt, retry_after, jitter) {
            None => prop_assert!(attempt.max(1) >= max_attempts),
            Some(d) => {
                prop_assert!(attempt.max(1) < max_attempts);
                prop_assert!(d <= cap.max(floor));
                prop_assert!(d >= floor);
            }
        }
    }

    #[test]
    fn delays_never_shrink_with_attempts(
        base in 0u64..1_000_000,
        cap in 0u64..100_000_000,
        jitter in 0.0f64..1.0,
    ) {
        let policy = policy_of(base, cap, 80, 0);
        let delays: Vec<u64> = policy.schedule(jitter).collect();
        prop_assert_eq!(delays.len(), 79);
        prop_assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(delays.iter().all(|&d| d <= cap));
    }
}

/// A durable sender's budget is a duration: retries go on for 24 hours
/// whatever their count, and none starts after the budget.
#[test]
fn the_durable_budget_is_a_duration() {
    let policy = RetryPolicy::durable();
    let hour = 3_600_000;
    // The waits grow to 15 minutes and stay there.
    let waits: Vec<u64> = (1..15)
        .map(|a| policy.next_delay_after(a, 0, None, 1.0).unwrap())
        .collect();
    assert_eq!(waits[..4], [2_000, 4_000, 8_000, 16_000]);
    assert_eq!(*waits.last().unwrap(), 900_000);
    // Attempts alone never stop it; the budget does.
    assert_eq!(
        policy.next_delay_after(10_000, 23 * hour, None, 1.0),
        Some(900_000)
    );
    assert_eq!(
        policy.next_delay_after(10_000, 24 * hour - 900_000, None, 1.0),
        Some(900_000)
    );
    assert_eq!(
        policy.next_delay_after(10_000, 24 * hour - 899_999, None, 1.0),
        None
    );
    // A Retry-After past the budget ends it too.
    assert_eq!(
        policy.next_delay_after(1, 24 * hour - 60_000, Some(120_000), 0.0),
        None
    );
    // Without a budget, only attempts count.
    let default = RetryPolicy::default();
    assert_eq!(
        default.next_delay_after(1, u64::MAX, None, 0.0),
        Some(1_000)
    );
    // Simulated: a day of failures, every wait taken in full.
    let (mut elapsed, mut attempt) = (0u64, 1u32);
    while let Some(wait) = policy.next_delay_after(attempt, elapsed, None, 0.5) {
        elapsed += wait;
        attempt += 1;
    }
    assert!(elapsed <= 24 * hour && elapsed > 23 * hour, "{elapsed}");
    // At the mean jitter a wait at the cap is 11.25 min: ~128 a day, plus the ramp.
    assert!((120..150).contains(&attempt), "{attempt} attempts in a day");
}

#[test]
fn only_401_is_a_key_problem() {
    assert!(classify(401, "Unauthorized").is_unauthorized());
    for status in [400, 403, 404, 429, 500, 200] {
        assert!(!classify(status, "").is_unauthorized(), "{status}");
    }
}
