//! Native throughput of building a typical event: email, phone, two names and
//! an `eventValue`, from JSON to the exact body (parse, validate, normalize,
//! E.164, four SHA-256 digests... five with both phone forms, serialize).
//!
//! `cargo bench --bench build_event` prints events per second; no threshold.

use std::hint::black_box;
use std::time::{Duration, Instant};

use appsflyer_s2s::input::{EventInput, JsonObject};
use appsflyer_s2s::{build_event, build_event_json, BuildOptions};

const TYPICAL: &str = r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase",
"eventValue":{"af_revenue":"19.99","af_content_id":"sku-1234","af_quantity":2},
"eventCurrency":"USD","eventTime":"2024-05-15T12:17:01.123Z","ip":"192.0.2.10",
"email":" John_Smith@Gmail.com ","phone_number":"(650) 555-1212",
"first_name":"Valéry","last_name":"Smith","os":"17.4.1","bundleIdentifier":"com.example.shop"}"#;

fn measure(label: &str, mut f: impl FnMut()) {
    // Warm up, then run for about two seconds.
    for _ in 0..1_000 {
        f();
    }
    let budget = Duration::from_secs(2);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..256 {
            f();
        }
        n += 256;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label}: {:.0} events/s ({:.2} µs/event, {n} events)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}

fn main() {
    let options = BuildOptions::new().default_region("US");
    let built = build_event_json(TYPICAL, &options).expect("the typical event is valid");
    println!("typical event: {} bytes on the wire", built.bytes());
    // `cargo test --all-targets` runs this without `--bench`: check it builds, skip timing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }

    measure("build_event_json (JSON in, body out)", || {
        black_box(build_event_json(black_box(TYPICAL), &options).unwrap());
    });

    let parsed = EventInput::from_json(TYPICAL).input;
    assert!(matches!(parsed.event_value, Some(JsonObject::Object(_))));
    measure("build_event (typed input, body out)", || {
        black_box(build_event(black_box(parsed.clone()), &options).unwrap());
    });
}
