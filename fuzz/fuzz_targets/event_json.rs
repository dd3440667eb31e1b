//! Any body → validate_event_json: never panics; a built body is within the
//! limit, is a JSON object, and building it again gives the same body (the
//! output is a fixed point: digests pass through, times stay in AppsFlyer's
//! form, stringified objects are kept as they are).
#![no_main]

use appsflyer_s2s::{validate_event_json, BuildOptions, MAX_BODY_BYTES};
use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 8] = ["US", "GB", "AR", "BR", "MX", "BY", "IN", "ZZ"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let options = match REGIONS.get(usize::from(pick) % 9) {
        Some(region) => BuildOptions::new().default_region(*region),
        None => BuildOptions::new(),
    };
    let report = validate_event_json(body, &options);
    for e in &report.errors {
        assert!(!e.message.is_empty());
    }
    let Some(built) = report.event else {
        assert!(!report.errors.is_empty(), "no event and no error");
        return;
    };
    assert!(report.errors.is_empty());
    assert!(built.bytes() <= MAX_BODY_BYTES);
    let value: serde_json::Value = serde_json::from_str(&built.body).expect("the body is JSON");
    assert!(value.is_object());
    let again = validate_event_json(&built.body, &options)
        .event
        .expect("a built body is itself valid input");
    assert_eq!(again.body, built.body, "building twice changed the body");
});
