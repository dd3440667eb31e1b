//! Properties over arbitrary input: nothing panics, normalizing twice changes nothing.

use appsflyer_s2s::hash::{is_sha256_hex, sha256_hex};
use appsflyer_s2s::{normalize, phone, time, validate_event_json, BuildOptions};
use proptest::prelude::*;

const REGIONS: &[&str] = &[
    "US", "GB", "DE", "AR", "BR", "MX", "IN", "JP", "RU", "BY", "FR", "CN",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn email_normalization_is_idempotent(raw in "\\PC{0,40}") {
        if let Ok(once) = normalize::email(&raw) {
            prop_assert_eq!(normalize::email(&once).unwrap(), once);
        }
    }

    #[test]
    fn name_normalization_is_idempotent(raw in "\\PC{0,30}") {
        if let Ok(once) = normalize::name(&raw) {
            prop_assert_eq!(normalize::name(&once).unwrap(), once);
        }
    }

    #[test]
    fn phone_digits_are_the_e164_number_without_plus(raw in "[+0-9 ()\\-.x]{0,24}", r in 0..REGIONS.len()) {
        // Not asserted: that the E.164 form parses back to itself. libphonenumber-js,
        // the reference, does not guarantee it (see tests/normalization.rs, Belarus).
        if let Ok(e164) = normalize::phone_e164(&raw, Some(REGIONS[r])) {
            let digits = normalize::phone_digits(&raw, Some(REGIONS[r])).unwrap();
            prop_assert_eq!(format!("+{digits}"), e164);
            prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn phone_parser_never_panics(raw in "\\PC{0,64}", r in 0..REGIONS.len()) {
        let _ = phone::parse(&raw, Some(REGIONS[r]));
        let _ = phone::parse(&raw, None);
    }

    #[test]
    fn time_parser_never_panics_and_output_reparses(raw in "[0-9T:+\\-. Zz]{0,40}") {
        if let Ok((t, _)) = time::parse(&raw) {
            prop_assert_eq!(time::parse(&t.to_appsflyer()).unwrap().0, t);
        }
    }

    #[test]
    fn digests_are_lowercase_hex(raw in "\\PC{0,100}") {
        let d = sha256_hex(&raw);
        prop_assert!(is_sha256_hex(&d));
        prop_assert!(!d.bytes().any(|b| b.is_ascii_uppercase()));
    }

    #[test]
    fn building_arbitrary_json_never_panics(body in "\\PC{0,200}") {
        let _ = validate_event_json(&body, &BuildOptions::new().default_region("US"));
    }

    #[test]
    fn built_bodies_never_exceed_the_limit_nor_carry_raw_pii(
        name in "[A-Za-zÀ-ÿ]{1,20}",
        ua in "[ -~]{0,1100}",
        local in "[a-z]{1,12}",
    ) {
        let body = serde_json::json!({
            "appsflyer_id": "1415211453000-6513894", "eventName": "x",
            "first_name": name, "ua": ua, "email": format!("{local}@example.org"),
        });
        let report = validate_event_json(&body.to_string(), &BuildOptions::new());
        if let Some(built) = report.event {
            prop_assert!(built.bytes() <= 1024);
            let needle = format!("{local}@example.org");
            prop_assert!(!built.body.contains(&needle));
        } else {
            // Too large, or a `ua` that happens to hold an email address (raw PII).
            let ua_is_pii = appsflyer_s2s::pii::contains_email_address(&ua);
            prop_assert!(report.errors.iter().any(|e| e.code.as_str() == "body_too_large"
                || (ua_is_pii && e.code.as_str() == "raw_pii")));
        }
    }
}

/// Random JSON objects built from the contract's field names with values of random types.
fn arb_event() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "\\PC{0,30}".prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    let key = prop::sample::select(appsflyer_s2s::model::KNOWN_FIELDS);
    prop::collection::btree_map(key, value, 0..12).prop_map(|m| {
        serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn contract_shaped_garbage_never_panics(event in arb_event()) {
        let report = validate_event_json(&event.to_string(), &BuildOptions::new().default_region("GB"));
        for e in &report.errors {
            prop_assert!(!e.message.is_empty());
        }
    }
}
