//! wasm-bindgen-test unit tests of the raw bindings: run in Node by
//! `cargo test --target wasm32-unknown-unknown` (from bindings/wasm), and in
//! headless Chromium with `WASM_BINDGEN_USE_BROWSER=1` (see mk/pkg.mk). The
//! hashing tests also run on the hashing-only build (`--no-default-features`).
#![cfg(target_arch = "wasm32")]

use appsflyer_s2s_wasm as s2s;
use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(feature = "events")]
const EVENT: &str = r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase",
"eventValue":{"af_revenue":"19.99"},"eventTime":1715775421123,"email":" John_Smith@gmail.com ",
"phone_number":"(650)555-1212","first_name":"Valéry"}"#;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("a plain object")
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

/// What a binding threw, as (field, code) pairs: `{ errors: [...] }` from the
/// event functions, `field \u{1f} code \u{1f} message` from the hashing helpers.
fn thrown(e: JsValue) -> Vec<(String, String)> {
    if let Some(one) = e.as_string() {
        let parts: Vec<&str> = one.split('\u{1f}').collect();
        assert_eq!(parts.len(), 3, "{one:?}");
        assert!(!parts[2].is_empty(), "no message in {one:?}");
        return vec![(parts[0].to_string(), parts[1].to_string())];
    }
    Array::from(&get(&e, "errors"))
        .iter()
        .map(|p| (text(&p, "field"), text(&p, "code")))
        .collect()
}

#[wasm_bindgen_test]
fn hashes_match_the_published_vectors() {
    assert_eq!(
        s2s::hash_email("John_Smith@gmail.com").unwrap(),
        "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
    );
    assert_eq!(
        s2s::hash_phone("(650)555-1212", Some("US".into())).unwrap(),
        "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"
    );
    assert_eq!(
        s2s::hash_phone_e164("(+1)2133734253", None).unwrap(),
        "9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd"
    );
    assert_eq!(
        s2s::hash_name("Vale\u{301}ry").unwrap(),
        "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"
    );
    assert_eq!(
        s2s::sha256_hex("mary"),
        "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
    );
    assert_eq!(
        s2s::to_e164("(+1)2133734253", None).unwrap(),
        "+12133734253"
    );
    assert_eq!(
        s2s::phone_digits("(650)555-1212", Some("US".into())).unwrap(),
        "16505551212"
    );
    assert_eq!(s2s::normalize_email(" A@B.C ").unwrap(), "a@b.c");
    assert_eq!(s2s::normalize_name(" ÉMILE ").unwrap(), "émile");
}

#[wasm_bindgen_test]
fn helpers_throw_field_errors_named_after_their_arguments() {
    let pairs = |field: &str, code: &str| vec![(field.to_string(), code.to_string())];
    assert_eq!(
        thrown(s2s::hash_email("nope").unwrap_err()),
        pairs("email", "invalid_email")
    );
    assert_eq!(
        thrown(s2s::hash_name("  ").unwrap_err()),
        pairs("name", "invalid_name")
    );
    assert_eq!(
        thrown(s2s::to_e164("(650)555-1212", None).unwrap_err()),
        pairs("phone", "invalid_phone")
    );
    assert_eq!(
        thrown(s2s::to_e164("(650)555-1212", Some("ZZ".into())).unwrap_err()),
        pairs("defaultRegion", "invalid_region")
    );
}

#[cfg(feature = "events")]
#[wasm_bindgen_test]
fn build_event_returns_body_bytes_and_warnings() {
    let built: JsValue = s2s::build_event(EVENT, Some("US".into()), false)
        .unwrap()
        .into();
    let body = text(&built, "body");
    assert_eq!(get(&built, "bytes").as_f64(), Some(body.len() as f64));
    assert!(body.contains(r#""eventTime":"2024-05-15 12:17:01.123""#));
    assert!(body.contains(
        r#""email_hashed":"62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f""#
    ));
    assert!(!body.contains("Smith"));
    let warnings = Array::from(&get(&built, "warnings"));
    assert_eq!(warnings.length(), 1);
    assert_eq!(text(&warnings.get(0), "code"), "event_time_converted");
    assert_eq!(text(&warnings.get(0), "field"), "eventTime");
    // The body is the JSON AppsFlyer gets.
    assert!(js_sys::JSON::parse(&body).is_ok());
}

#[cfg(feature = "events")]
#[wasm_bindgen_test]
fn build_event_throws_every_error_and_validate_reports_them() {
    let bad = r#"{"eventName":3,"ip":"::1","att":7}"#;
    let codes: Vec<String> = thrown(s2s::build_event(bad, None, false).unwrap_err())
        .into_iter()
        .map(|(_, code)| code)
        .collect();
    for code in ["wrong_type", "missing_field", "invalid_ip", "invalid_att"] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing from {codes:?}"
        );
    }
    let report: JsValue = s2s::validate_event(bad, None, false).into();
    assert_eq!(get(&report, "ok").as_bool(), Some(false));
    assert_eq!(
        Array::from(&get(&report, "errors")).length() as usize,
        codes.len()
    );
    let region = thrown(s2s::build_event(EVENT, Some("XX".into()), false).unwrap_err());
    assert!(
        region.contains(&("defaultRegion".into(), "invalid_region".into())),
        "{region:?}"
    );
}

#[cfg(feature = "events")]
#[wasm_bindgen_test]
fn unknown_fields_are_refused_unless_forwarded_and_pii_always() {
    let unknown = r#"{"appsflyer_id":"1415211453000-6513894","eventName":"x","af_new":"1"}"#;
    let refused = thrown(s2s::build_event(unknown, None, false).unwrap_err());
    assert_eq!(
        refused,
        [("af_new".to_string(), "unknown_field".to_string())]
    );
    let built: JsValue = s2s::build_event(unknown, None, true).unwrap().into();
    assert!(text(&built, "body").contains(r#""af_new":"1""#));
    let pii = r#"{"appsflyer_id":"1415211453000-6513894","eventName":"x","Email":"a@b.co"}"#;
    let refused = thrown(s2s::build_event(pii, None, true).unwrap_err());
    assert_eq!(refused, [("Email".to_string(), "raw_pii".to_string())]);
}

#[wasm_bindgen_test]
fn prepare_request_gives_fetch_arguments_and_reports_request_and_event_together() {
    let req: JsValue = s2s::prepare_request(
        "id123456789",
        "key-1",
        EVENT,
        None,
        Some("US".into()),
        false,
    )
    .unwrap()
    .into();
    assert_eq!(
        text(&req, "url"),
        "https://api3.appsflyer.com/inappevent/id123456789"
    );
    assert_eq!(text(&req, "method"), "POST");
    let headers = get(&req, "headers");
    assert_eq!(text(&headers, "authentication"), "key-1");
    assert_eq!(text(&headers, "content-type"), "application/json");
    let errors = thrown(
        s2s::prepare_request(
            "123",
            "",
            r#"{"eventName":"x"}"#,
            Some("ftp://x".into()),
            None,
            false,
        )
        .unwrap_err(),
    );
    assert_eq!(
        errors,
        [
            ("appId".to_string(), "invalid_app_id".to_string()),
            ("s2sKey".into(), "missing_s2s_key".into()),
            ("endpoint".into(), "invalid_endpoint".into()),
            ("appsflyer_id".into(), "missing_field".into()),
        ]
    );
}

#[cfg(feature = "events")]
#[wasm_bindgen_test]
fn outcomes_and_retry_schedule() {
    let delivered: JsValue = s2s::classify_response(200.0, "OK", None, 0.0).into();
    assert_eq!(text(&delivered, "outcome"), "delivered");
    assert!(get(&delivered, "reason").is_null());
    assert_eq!(get(&delivered, "status").as_f64(), Some(200.0));
    let rejected: JsValue = s2s::classify_response(401.0, "Unauthorized", None, 0.0).into();
    assert_eq!(text(&rejected, "outcome"), "rejected");
    assert_eq!(text(&rejected, "reason"), "Unauthorized");
    let busy: JsValue = s2s::classify_response(429.0, "", Some("3".into()), 0.0).into();
    assert_eq!(text(&busy, "outcome"), "retry");
    assert_eq!(get(&busy, "retryAfterMs").as_f64(), Some(3000.0));
    let odd: JsValue = s2s::classify_response(70000.0, "", None, 0.0).into();
    assert_eq!(text(&odd, "outcome"), "retry");
    let timeout: JsValue = s2s::transport_failure("timed out").into();
    assert_eq!(text(&timeout, "outcome"), "retry");
    assert!(get(&timeout, "status").is_undefined());

    // The core's default schedule: half of 2 s with zero jitter, doubling.
    assert_eq!(s2s::next_delay_ms(1, 8, None, 0.0, None), Some(1000.0));
    assert_eq!(s2s::next_delay_ms(3, 8, None, 0.0, None), Some(4000.0));
    assert_eq!(
        s2s::next_delay_ms(1, 8, Some(60_000.0), 0.0, None),
        Some(60_000.0)
    );
    assert_eq!(s2s::next_delay_ms(2, 8, None, 1.0, Some(10.0)), Some(20.0));
    assert_eq!(s2s::next_delay_ms(3, 3, None, 0.0, None), None);
    assert_eq!(s2s::next_delay_ms(1, 1, None, 0.0, None), None);
}
