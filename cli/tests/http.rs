//! One attempt's outcome: what failed before anything was sent is told
//! from what may have reached AppsFlyer.

mod common;

use appsflyer_s2s::{prepare, Outcome};
use appsflyer_s2s_cli::http::{Attempt, Transport};
use common::*;
use std::time::Duration;

fn attempt(endpoint: &str, timeout_ms: u64) -> Attempt {
    let request = prepare("com.example.app", KEY, Some(endpoint), "{}".into()).unwrap();
    Transport::new(Duration::from_millis(timeout_ms), 2).send(&request)
}

#[test]
fn a_refused_connection_was_not_sent() {
    // Bind then drop: nothing listens on the port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let got = attempt(&format!("http://127.0.0.1:{port}"), 2_000);
    assert!(matches!(got, Attempt::NotSent { .. }), "{got:?}");
}

#[test]
fn a_reset_after_sending_is_ambiguous() {
    let fake = Fake::start(|_, _| Reply::Drop);
    let got = attempt(&fake.url, 2_000);
    assert!(
        matches!(
            got,
            Attempt::Ambiguous {
                code: "connection_reset" | "network_error",
                ..
            }
        ),
        "{got:?}"
    );
    assert_eq!(fake.bodies().len(), 1, "the request did arrive");
}

#[test]
fn no_answer_in_time_is_an_ambiguous_timeout() {
    let fake = Fake::start(|_, _| Reply::SlowOk(Duration::from_secs(3)));
    let got = attempt(&fake.url, 300);
    assert!(
        matches!(
            got,
            Attempt::Ambiguous {
                code: "timeout",
                ..
            }
        ),
        "{got:?}"
    );
}

#[test]
fn answers_are_classified_by_the_core() {
    let fake = Fake::start(|n, _| match n {
        0 => Reply::Status(503, "busy", vec![("retry-after", "7".into())]),
        1 => Reply::Status(403, "Forbidden", Vec::new()),
        2 => Reply::Status(302, "", vec![("location", "http://127.0.0.1:1/".into())]),
        _ => ok(),
    });
    match attempt(&fake.url, 2_000) {
        Attempt::Answered {
            status: 503,
            outcome,
        } => assert_eq!(outcome.retry_after_ms(), Some(7_000)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        attempt(&fake.url, 2_000),
        Attempt::Answered {
            status: 403,
            outcome: Outcome::Rejected { .. }
        }
    ));
    // A redirect is never followed: the API never redirects.
    assert!(matches!(
        attempt(&fake.url, 2_000),
        Attempt::Answered {
            status: 302,
            outcome: Outcome::Rejected { .. }
        }
    ));
    assert!(matches!(
        attempt(&fake.url, 2_000),
        Attempt::Answered {
            status: 200,
            outcome: Outcome::Delivered
        }
    ));
    assert_eq!(fake.bodies().len(), 4);
}
