//! The request to send, as the contract's Request section describes it.

use appsflyer_s2s::request::{encode_app_id, validate_app_id, MAX_APP_ID_BYTES};
use appsflyer_s2s::{prepare, ErrorCode, DEFAULT_ENDPOINT};
use proptest::prelude::*;

const KEY: &str = "S2S-KEY-3f9c1d7e";
const BODY: &str =
    r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase","eventValue":""}"#;

#[test]
fn post_to_api3_with_key_and_json() {
    let req = prepare("com.example.myapp", KEY, None, BODY.into()).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(DEFAULT_ENDPOINT, "https://api3.appsflyer.com");
    assert_eq!(
        req.url,
        "https://api3.appsflyer.com/inappevent/com.example.myapp"
    );
    assert_eq!(
        req.headers,
        vec![
            ("authentication", KEY.to_string()),
            ("content-type", "application/json".to_string()),
        ]
    );
    assert_eq!(req.header("authentication"), Some(KEY));
    assert_eq!(req.header("Content-Type"), Some("application/json"));
    assert_eq!(req.header("x-missing"), None);
    // The body is passed through byte for byte.
    assert_eq!(req.body, BODY);
}

#[test]
fn app_ids_from_the_dashboard_pass() {
    for id in [
        "com.example.myapp",   // Android package name
        "com.example.my_app2", // underscores and digits
        "id123456789",         // iOS, with its prefix
        "id1",
        "9NBLGGH4R315", // Windows store id
        "a",
    ] {
        assert_eq!(validate_app_id(id), Ok(()), "{id}");
    }
    assert_eq!(validate_app_id(&"a".repeat(MAX_APP_ID_BYTES)), Ok(()));
}

#[test]
fn bad_app_ids_are_invalid_app_id() {
    let long = "a".repeat(MAX_APP_ID_BYTES + 1);
    for (id, says) in [
        ("", "empty"),
        ("   ", "empty"),
        ("\t\n", "empty"),
        (" com.example.app", "white space"),
        ("com.example.app\n", "white space"),
        ("com.example\u{0}app", "control"),
        ("com.example\u{7f}app", "control"),
        (long.as_str(), "at most 256"),
        (".", "cannot be"),
        ("..", "cannot be"),
    ] {
        let e = validate_app_id(id).unwrap_err();
        assert_eq!(e.field, "app_id", "{id:?}");
        assert_eq!(e.code, ErrorCode::InvalidAppId, "{id:?}");
        assert!(e.message.contains(says), "{id:?}: {}", e.message);
    }
}

#[test]
fn numeric_ios_app_id_needs_the_id_prefix() {
    // Without `id`, AppsFlyer answers 200 OK and drops the event.
    let e = validate_app_id("123456789").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidAppId);
    assert!(
        e.message.contains("must start with \"id\""),
        "{}",
        e.message
    );
    assert!(e.message.contains("id123456789"), "{}", e.message);
    assert!(e.message.contains("200"), "{}", e.message);
    let err = prepare("123456789", KEY, None, BODY.into()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidAppId);
}

#[test]
fn app_id_is_percent_encoded() {
    for (id, encoded) in [
        ("com.example.app", "com.example.app"),
        ("-._~AZaz09", "-._~AZaz09"), // RFC 3986 unreserved: kept
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("a b", "a%20b"),
        ("100%", "100%25"),
        ("a+b", "a%2Bb"),
        (":@!$&'()*,;=", "%3A%40%21%24%26%27%28%29%2A%2C%3B%3D"),
        ("café", "caf%C3%A9"),          // UTF-8 bytes, uppercase hex
        ("日本", "%E6%97%A5%E6%9C%AC"), // three bytes each
        ("\u{1F600}", "%F0%9F%98%80"),
        ("", ""),
    ] {
        assert_eq!(encode_app_id(id), encoded, "{id:?}");
    }
    let req = prepare("com.x/../y?z#w", KEY, None, BODY.into()).unwrap();
    assert_eq!(
        req.url,
        "https://api3.appsflyer.com/inappevent/com.x%2F..%2Fy%3Fz%23w"
    );
}

#[test]
fn endpoints_that_work() {
    for (endpoint, url) in [
        (
            "https://api3.appsflyer.com",
            "https://api3.appsflyer.com/inappevent/id1",
        ),
        (
            "https://api3.appsflyer.com/",
            "https://api3.appsflyer.com/inappevent/id1",
        ),
        (
            "https://api2.appsflyer.com//",
            "https://api2.appsflyer.com/inappevent/id1",
        ),
        (
            "http://127.0.0.1:8787",
            "http://127.0.0.1:8787/inappevent/id1",
        ),
        (
            "http://localhost:8787/",
            "http://localhost:8787/inappevent/id1",
        ),
        ("http://[::1]:8080", "http://[::1]:8080/inappevent/id1"),
        ("http://127.8.9.10", "http://127.8.9.10/inappevent/id1"),
        (
            "https://proxy.example/af/",
            "https://proxy.example/af/inappevent/id1",
        ),
        (
            "HTTPS://api3.appsflyer.com",
            "HTTPS://api3.appsflyer.com/inappevent/id1",
        ),
    ] {
        let req = prepare("id1", KEY, Some(endpoint), BODY.into())
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        assert_eq!(req.url, url);
    }
}

#[test]
fn endpoints_that_do_not() {
    for endpoint in [
        "",
        "   ",
        "api3.appsflyer.com",
        "ftp://api3.appsflyer.com",
        "https:/api3.appsflyer.com",
        "https://",
        "https:///path",
        "https://api3.appsflyer.com?debug=1",
        "https://api3.appsflyer.com/#frag",
        "https://user:secret@api3.appsflyer.com",
        "https://api3 .appsflyer.com",
        " https://api3.appsflyer.com",
        "https://api3.appsflyer.com\n",
        "https://exämple.com",
        "https://api3.appsflyer.com:",
        "https://api3.appsflyer.com:0",
        "https://api3.appsflyer.com:65536",
        "https://api3.appsflyer.com:http",
        "http://[::1",
        "https://.example.com",
        "https://api3.appsflyer.com/inappevent/id123456789",
        "https://api3.appsflyer.com/inappevent",
        // The key must not cross a network in clear text.
        "http://api3.appsflyer.com",
        "http://10.0.0.1:8080",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://[::2]:8080",
    ] {
        let err = prepare("id1", KEY, Some(endpoint), BODY.into()).unwrap_err();
        assert_eq!(err.errors().len(), 1, "{endpoint:?}");
        assert_eq!(err.errors()[0].field, "endpoint", "{endpoint:?}");
        assert_eq!(err.code(), ErrorCode::InvalidEndpoint, "{endpoint:?}");
    }
}

#[test]
fn keys_that_cannot_be_sent() {
    for key in [
        "",
        "   ",
        "S2S-KEY-3f9c1d7e\n",
        "\tS2S-KEY-3f9c1d7e",
        "S2S KEY",
        "S2S-KEY-\u{0}",
        "S2S-KÉY",
    ] {
        let err = prepare("id1", key, None, BODY.into()).unwrap_err();
        assert_eq!(err.errors().len(), 1, "{key:?}");
        assert_eq!(err.errors()[0].field, "s2s_key", "{key:?}");
        let want = if key.trim().is_empty() {
            ErrorCode::MissingS2sKey
        } else {
            ErrorCode::InvalidS2sKey
        };
        assert_eq!(err.code(), want, "{key:?}");
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = prepare("123", "", Some("ftp://x"), BODY.into()).unwrap_err();
    let fields: Vec<_> = err
        .errors()
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        fields,
        [
            ("app_id", ErrorCode::InvalidAppId),
            ("s2s_key", ErrorCode::MissingS2sKey),
            ("endpoint", ErrorCode::InvalidEndpoint),
        ]
    );
}

#[test]
fn debug_never_shows_the_key() {
    let req = prepare("id1", KEY, None, BODY.into()).unwrap();
    let debug = format!("{req:?}");
    let pretty = format!("{req:#?}");
    for shown in [&debug, &pretty] {
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(shown.contains("application/json"), "{shown}");
    }
}

#[test]
fn errors_never_show_the_key() {
    for key in [
        format!("{KEY}\n"),
        format!("{KEY} "),
        format!("{KEY}\u{7}"),
        format!("{KEY}é"),
    ] {
        for app_id in ["", "123"] {
            let err = prepare(app_id, &key, Some("ftp://x"), BODY.into()).unwrap_err();
            assert!(!format!("{err}").contains(KEY));
            assert!(!format!("{err:?}").contains(KEY));
        }
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #[test]
    fn prepare_never_panics(app_id in any::<String>(), key in any::<String>(), endpoint in proptest::option::of(any::<String>())) {
        let _ = prepare(&app_id, &key, endpoint.as_deref(), String::new());
    }

    #[test]
    fn the_key_never_leaks(
        suffix in "[^\\s]{0,8}(\\s|\\PC|\\p{Cc})?",
        app_id in any::<String>(),
        endpoint in proptest::option::of(any::<String>()),
    ) {
        let key = format!("SK_{suffix}");
        match prepare(&app_id, &key, endpoint.as_deref(), String::new()) {
            Ok(req) => {
                let shown = format!("{:?}", req);
                prop_assert!(!shown.contains(&key));
                prop_assert_eq!(req.header("authentication"), Some(key.as_str()));
            }
            Err(err) => {
                let (shown, debug) = (format!("{}", err), format!("{:?}", err));
                prop_assert!(!shown.contains(&key));
                prop_assert!(!debug.contains(&key));
            }
        }
    }

    #[test]
    fn encoding_is_unreserved_or_percent_and_round_trips(app_id in any::<String>()) {
        let encoded = encode_app_id(&app_id);
        let b = encoded.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                prop_assert!(b[i + 1..i + 3].iter().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)));
                i += 3;
            } else {
                prop_assert!(b[i].is_ascii_alphanumeric() || b"-._~".contains(&b[i]));
                i += 1;
            }
        }
        prop_assert_eq!(percent_decode(&encoded), app_id.as_bytes());
    }

    #[test]
    fn valid_requests_target_the_endpoint(app_id in "[a-z]{1,10}(\\.[a-z0-9_]{1,10}){0,3}", slashes in 0usize..3) {
        let endpoint = format!("https://api3.appsflyer.com{}", "/".repeat(slashes));
        let req = prepare(&app_id, KEY, Some(&endpoint), BODY.into()).unwrap();
        prop_assert_eq!(req.url, format!("https://api3.appsflyer.com/inappevent/{app_id}"));
    }
}
