//! One case per rule of the contract: every error code, with the field it names.

use appsflyer_s2s::{build_event_json, validate_event_json, BuildOptions, ErrorCode, WarningCode};
use serde_json::{json, Value};

const AF_ID: &str = "1415211453000-6513894";

/// A valid base event with `patch` merged in (`null` removes a field).
fn event(patch: Value) -> String {
    let mut base = json!({"appsflyer_id": AF_ID, "eventName": "af_purchase"});
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base.to_string()
}

fn us() -> BuildOptions {
    BuildOptions::new().default_region("US")
}

/// [`us`], also forwarding fields the contract does not name.
fn forwarding() -> BuildOptions {
    us().forward_unknown_fields(true)
}

/// The (field, code) pairs of every error for this patch.
fn errors(patch: Value) -> Vec<(String, &'static str)> {
    let report = validate_event_json(&event(patch), &us());
    report
        .errors
        .iter()
        .map(|e| (e.field.clone(), e.code.as_str()))
        .collect()
}

fn sent(patch: Value) -> Value {
    let built = build_event_json(&event(patch), &us()).unwrap();
    serde_json::from_str(&built.body).unwrap()
}

#[test]
fn each_rule_names_its_field_and_code() {
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"appsflyer_id": null}),
            "appsflyer_id",
            "missing_field",
        ),
        (json!({"appsflyer_id": ""}), "appsflyer_id", "missing_field"),
        (json!({"eventName": null}), "eventName", "missing_field"),
        (json!({"eventName": "  "}), "eventName", "missing_field"),
        (json!({"eventName": 7}), "eventName", "wrong_type"),
        (
            json!({"appsflyer_id": "12345"}),
            "appsflyer_id",
            "invalid_appsflyer_id",
        ),
        (
            json!({"appsflyer_id": "141521145300-6513894"}),
            "appsflyer_id",
            "invalid_appsflyer_id",
        ),
        (
            json!({"appsflyer_id": "1415211453000-"}),
            "appsflyer_id",
            "invalid_appsflyer_id",
        ),
        (
            json!({"appsflyer_id": " 1415211453000-1"}),
            "appsflyer_id",
            "invalid_appsflyer_id",
        ),
        (json!({"ip": "2001:db8::1"}), "ip", "invalid_ip"),
        (json!({"ip": "256.1.1.1"}), "ip", "invalid_ip"),
        (json!({"ip": "01.2.3.4"}), "ip", "invalid_ip"),
        (json!({"ip": "1.2.3.4:80"}), "ip", "invalid_ip"),
        (json!({"idfa": "not-a-uuid"}), "idfa", "invalid_uuid"),
        (
            json!({"idfv": "6D92078A-8246-4BA4-AE5B-76104861E7D"}),
            "idfv",
            "invalid_uuid",
        ),
        (
            json!({"advertising_id": "abc"}),
            "advertising_id",
            "invalid_uuid",
        ),
        (
            json!({"eventCurrency": "DOLLARS"}),
            "eventCurrency",
            "invalid_currency",
        ),
        (
            json!({"eventCurrency": "XYZ"}),
            "eventCurrency",
            "invalid_currency",
        ),
        (json!({"att": 4}), "att", "invalid_att"),
        (json!({"att": -1}), "att", "invalid_att"),
        (json!({"att": 1.5}), "att", "invalid_att"),
        (json!({"att": "3"}), "att", "wrong_type"),
        (
            json!({"sharing_filter": []}),
            "sharing_filter",
            "invalid_sharing_filter",
        ),
        (
            json!({"sharing_filter": "none"}),
            "sharing_filter",
            "invalid_sharing_filter",
        ),
        (
            json!({"sharing_filter": ["twitter", ""]}),
            "sharing_filter[1]",
            "invalid_sharing_filter",
        ),
        (
            json!({"sharing_filter": ["twitter", 3]}),
            "sharing_filter[1]",
            "invalid_sharing_filter",
        ),
        (json!({"app_type": "clip"}), "app_type", "invalid_app_type"),
        (
            json!({"consent_data": {"gdpr": {}}}),
            "consent_data.gdpr",
            "invalid_consent_data",
        ),
        (
            json!({"consent_data": []}),
            "consent_data",
            "invalid_consent_data",
        ),
        (
            json!({"consent_data": {"tcf": {"policy_version": 2, "gdpr_applies": 2, "cmp_sdk_id": 1, "cmp_sdk_version": 1, "tcstring": "x"}}}),
            "consent_data.tcf.gdpr_applies",
            "invalid_consent_data",
        ),
        (
            json!({"consent_data": {"tcf": {"policy_version": 2, "gdpr_applies": 1, "cmp_sdk_id": 1, "cmp_sdk_version": 1}}}),
            "consent_data.tcf.tcstring",
            "invalid_consent_data",
        ),
        (
            json!({"consent_data": {"manual": {"gdpr_applies": "yes"}}}),
            "consent_data.manual.gdpr_applies",
            "invalid_consent_data",
        ),
        (
            json!({"consent_data": {"manual": {"gdpr_applies": true, "ad_user_data_enabled": true}}}),
            "consent_data.manual.ad_personalization_enabled",
            "invalid_consent_data",
        ),
        (
            json!({"consent_data": {"manual": {"gdpr_applies": false, "extra": 1}}}),
            "consent_data.manual.extra",
            "invalid_consent_data",
        ),
        (
            json!({"app_set_id": {"scope": 3, "id": "6d92078a-8246-4ba4-ae5b-76104861e7dc"}}),
            "app_set_id.scope",
            "invalid_app_set_id",
        ),
        (
            json!({"app_set_id": {"scope": 1, "id": "x"}}),
            "app_set_id.id",
            "invalid_app_set_id",
        ),
        (
            json!({"app_set_id": {"scope": 1}}),
            "app_set_id.id",
            "invalid_app_set_id",
        ),
        (
            json!({"app_set_id": "6d92078a-8246-4ba4-ae5b-76104861e7dc"}),
            "app_set_id",
            "invalid_app_set_id",
        ),
        (
            json!({"phone_number": "12"}),
            "phone_number",
            "invalid_phone",
        ),
        (
            json!({"phone_number": "not a phone"}),
            "phone_number",
            "invalid_phone",
        ),
        (
            json!({"phone_number_e164_hashed": "555"}),
            "phone_number_e164_hashed",
            "invalid_phone",
        ),
        (json!({"email": "no-at-sign"}), "email", "invalid_email"),
        (
            json!({"email_hashed": "john"}),
            "email_hashed",
            "invalid_email",
        ),
        (
            json!({"eventTime": "2024-01-02T03:04:05"}),
            "eventTime",
            "invalid_event_time",
        ),
        (
            json!({"eventTime": "02/01/2024 03:04"}),
            "eventTime",
            "invalid_event_time",
        ),
        (
            json!({"eventTime": "2024-02-30 00:00:00.000"}),
            "eventTime",
            "invalid_event_time",
        ),
        (
            json!({"eventTime": 1_700_000_000}),
            "eventTime",
            "invalid_event_time",
        ),
        (json!({"eventTime": true}), "eventTime", "wrong_type"),
        (
            json!({"eventValue": "{not json"}),
            "eventValue",
            "invalid_json_object",
        ),
        (
            json!({"eventValue": "[1,2]"}),
            "eventValue",
            "invalid_json_object",
        ),
        (json!({"eventValue": 5}), "eventValue", "wrong_type"),
        (
            json!({"custom_data": "null"}),
            "custom_data",
            "invalid_json_object",
        ),
        (
            json!({"eventValue": {"af_revenue": "$9.99"}}),
            "eventValue.af_revenue",
            "invalid_revenue",
        ),
        (
            json!({"eventValue": {"af_revenue": "1,000.00"}}),
            "eventValue.af_revenue",
            "invalid_revenue",
        ),
        (
            json!({"eventValue": "{\"af_revenue\":\"9,99\"}"}),
            "eventValue.af_revenue",
            "invalid_revenue",
        ),
        (
            json!({"eventValue": "{\"af_revenue\":1e3}"}),
            "eventValue.af_revenue",
            "invalid_revenue",
        ),
        (
            json!({"fb_login_id": "abc"}),
            "fb_login_id",
            "invalid_fb_login_id",
        ),
        (json!({"aie": "false"}), "aie", "wrong_type"),
        (json!({"ua": 1}), "ua", "wrong_type"),
        (
            json!({"email": "a@b.co", "email_hashed": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"}),
            "email_hashed",
            "conflicting_fields",
        ),
    ];
    let mut codes_seen = std::collections::BTreeSet::new();
    for (patch, field, code) in &cases {
        let found = errors(patch.clone());
        assert!(
            found.iter().any(|(f, c)| f == field && c == code),
            "{patch}: expected {field}/{code}, got {found:?}"
        );
        assert_eq!(
            found.len(),
            1,
            "{patch}: exactly one error expected, got {found:?}"
        );
        codes_seen.insert(*code);
        // Messages are whole sentences that name their field; `Display`
        // adds only the code, so nothing is said twice.
        let report = validate_event_json(&event(patch.clone()), &us());
        for e in &report.errors {
            assert!(
                e.message.contains(e.field.as_str()),
                "{patch}: the message does not name {}: {}",
                e.field,
                e.message
            );
            assert!(
                !e.message.starts_with(&format!("{}:", e.field)),
                "{patch}: {}",
                e.message
            );
            assert_eq!(e.to_string(), format!("{} [{}]", e.message, e.code));
        }
    }
    assert!(codes_seen.len() >= 18, "{codes_seen:?}");
}

#[test]
fn every_error_is_collected_not_just_the_first() {
    let found = errors(json!({
        "appsflyer_id": null, "eventName": 3, "ip": "::1", "idfa": "x",
        "eventCurrency": "us", "att": 9, "app_type": "game", "sharing_filter": []
    }));
    let codes: Vec<&str> = found.iter().map(|(_, c)| *c).collect();
    for code in [
        "missing_field",
        "wrong_type",
        "invalid_ip",
        "invalid_uuid",
        "invalid_currency",
        "invalid_att",
        "invalid_app_type",
        "invalid_sharing_filter",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn body_over_one_kilobyte_names_size_and_biggest_fields() {
    let err = build_event_json(
        &event(json!({"ua": "x".repeat(900), "os": "1".repeat(200)})),
        &us(),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::BodyTooLarge);
    let message = &err.errors()[0].message;
    assert!(message.contains("bytes"), "{message}");
    assert!(message.contains("ua (908 bytes)"), "{message}");
    assert!(message.contains("os (208 bytes)"), "{message}");
    // Exactly at the limit is fine.
    let base = build_event_json(&event(json!({"ua": ""})), &us())
        .unwrap()
        .bytes();
    let fits = build_event_json(&event(json!({"ua": "x".repeat(1024 - base)})), &us()).unwrap();
    assert_eq!(fits.bytes(), 1024);
}

#[test]
fn malformed_bodies_are_one_whole_body_error() {
    for body in [
        "",
        "{",
        "[]",
        "[{}]",
        "null",
        "\"event\"",
        "42",
        "{\"a\":1,}",
    ] {
        let report = validate_event_json(body, &us());
        assert_eq!(report.errors.len(), 1, "{body}");
        assert_eq!(report.errors[0].code, ErrorCode::InvalidJson, "{body}");
        assert_eq!(report.errors[0].field, "", "{body}");
    }
    let err = validate_event_json("[{}]", &us());
    assert!(err.errors[0].message.contains("one event per request"));
}

#[test]
fn unknown_default_region_is_an_error() {
    let report = validate_event_json(&event(json!({})), &BuildOptions::new().default_region("ZZ"));
    assert_eq!(report.errors[0].code, ErrorCode::InvalidRegion);
    assert_eq!(report.errors[0].field, "default_region");
}

#[test]
fn event_value_becomes_a_string_and_defaults_to_empty() {
    assert_eq!(sent(json!({}))["eventValue"], "");
    assert_eq!(sent(json!({"eventValue": null}))["eventValue"], "");
    assert_eq!(sent(json!({"eventValue": ""}))["eventValue"], "");
    assert_eq!(
        sent(json!({"eventValue": {"af_revenue": "9.99", "af_currency": "USD"}}))["eventValue"],
        r#"{"af_currency":"USD","af_revenue":"9.99"}"#
    );
    // A stringified object is sent exactly as given (its numbers are not re-rendered).
    let given = r#"{"af_revenue": 10.50}"#;
    assert_eq!(sent(json!({"eventValue": given}))["eventValue"], given);
    assert_eq!(
        sent(json!({"custom_data": {"tier": 2}}))["custom_data"],
        r#"{"tier":2}"#
    );
    assert!(sent(json!({})).get("custom_data").is_none());
    for revenue in [json!("-5"), json!("9.99"), json!(12), json!(-0.5)] {
        sent(json!({"eventValue": {"af_revenue": revenue}}));
    }
}

#[test]
fn normalizations_with_warnings() {
    let report = validate_event_json(
        &event(json!({
            "idfa": "6d92078a-8246-4ba4-ae5b-76104861e7dc",
            "eventCurrency": "usd",
            "eventTime": "2024-01-02T03:04:05.678+01:00",
            "first_name_hashed": "Mary",
            "eventname": "oops"
        })),
        &us().forward_unknown_fields(true),
    );
    assert!(report.ok(), "{:?}", report.errors);
    let codes: Vec<WarningCode> = report.warnings.iter().map(|w| w.code).collect();
    for code in [
        WarningCode::UuidUppercased,
        WarningCode::CurrencyUppercased,
        WarningCode::EventTimeConverted,
        WarningCode::RawValueHashed,
        WarningCode::UnknownField,
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let unknown = report
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::UnknownField)
        .unwrap();
    assert!(
        unknown.message.contains("did you mean eventName"),
        "{}",
        unknown.message
    );
    let body: Value = serde_json::from_str(&report.event.unwrap().body).unwrap();
    assert_eq!(body["idfa"], "6D92078A-8246-4BA4-AE5B-76104861E7DC");
    assert_eq!(body["eventCurrency"], "USD");
    assert_eq!(body["eventTime"], "2024-01-02 02:04:05.678");
    assert_eq!(
        body["first_name_hashed"],
        "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
    );
    assert_eq!(body["eventname"], "oops");
}

#[test]
fn every_contract_field_is_accepted_and_named_exactly() {
    let all = json!({
        "appsflyer_id": AF_ID, "eventName": "af_purchase", "eventValue": {"af_revenue": "1"},
        "eventCurrency": "EUR", "eventTime": "2019-05-15 12:17:01.123", "ip": "192.0.2.1",
        "advertising_id": "6d92078a-8246-4ba4-ae5b-76104861e7dc", "oaid": "o", "amazon_aid": "a",
        "imei": "356938035643809", "idfa": "6D92078A-8246-4BA4-AE5B-76104861E7DC",
        "idfv": "6D92078A-8246-4BA4-AE5B-76104861E7DD", "customer_user_id": "u1",
        "fb_login_id": "1234", "app_version_name": "1.2", "app_store": "play",
        "bundleIdentifier": "com.example", "sharing_filter": ["twitter"], "custom_dimension": "d",
        "app_type": "app_clip", "custom_data": "{\"k\":1}", "os": "14.5.1", "ua": "UA",
        "aie": false, "att": 3, "af_events_api": "true",
        "consent_data": {"manual": {"gdpr_applies": true, "ad_user_data_enabled": true, "ad_personalization_enabled": false}},
        "app_set_id": {"scope": 2, "id": "6d92078a-8246-4ba4-ae5b-76104861e7dc"}
    });
    let report = validate_event_json(&all.to_string(), &us());
    assert!(report.ok(), "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let body: Value = serde_json::from_str(&report.event.unwrap().body).unwrap();
    for (k, v) in all.as_object().unwrap() {
        match k.as_str() {
            "eventValue" => assert_eq!(body[k], r#"{"af_revenue":"1"}"#),
            _ => assert_eq!(&body[k], v, "{k}"),
        }
    }
    assert_eq!(
        body.as_object().unwrap().len(),
        all.as_object().unwrap().len()
    );
}

/// Neither errors nor warnings repeat raw PII: the invalid values below are
/// refused with errors, the raw values in `*_hashed` fields are hashed with
/// warnings, and no message holds any of them.
#[test]
fn messages_never_echo_pii() {
    let pii = [
        "secret",
        "abcd",
        "1234",
        "Zebedee",
        "999",
        "Quentin",
        "Yolanda",
        "ivy.hidden",
        "650",
        "555",
    ];
    let assert_no_pii = |what: &str, text: &str| {
        for p in pii {
            assert!(
                !text.to_lowercase().contains(&p.to_lowercase()),
                "{p} echoed in {what}: {text}"
            );
        }
    };
    let refused = validate_event_json(
        &event(json!({
            "email": "secret.person@example.com", "email_hashed": "abcd@x.y",
            "phone_number": "+999 1234", "first_name": "  ", "last_name_hashed": "Zebedee",
            "ip": "10.0.0.999"
        })),
        &us(),
    );
    assert!(refused.errors.len() >= 3, "{:?}", refused.errors);
    assert_no_pii("errors", &format!("{:?}", refused.errors));
    assert_no_pii("warnings", &format!("{:?}", refused.warnings));

    let hashed = validate_event_json(
        &event(json!({
            "email_hashed": " Ivy.Hidden@Example.com ",
            "phone_number_hashed": "+1 (650) 555-1212",
            "phone_number_e164_hashed": "(650) 555 1212",
            "first_name_hashed": "Quentin",
            "last_name_hashed": "Yolanda",
            "eventCurrency": "usd",
            "idfa": "6d92078a-8246-4ba4-ae5b-76104861e7dc",
            "eventTime": "2024-05-15T14:17:01.123+02:00",
        })),
        &us(),
    );
    assert!(hashed.ok(), "{:?}", hashed.errors);
    let codes: Vec<_> = hashed.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == WarningCode::RawValueHashed)
            .count(),
        5,
        "{codes:?}"
    );
    assert!(
        codes.contains(&WarningCode::CurrencyUppercased),
        "{codes:?}"
    );
    assert!(codes.contains(&WarningCode::UuidUppercased), "{codes:?}");
    assert!(
        codes.contains(&WarningCode::EventTimeConverted),
        "{codes:?}"
    );
    assert_no_pii("warnings", &format!("{:?}", hashed.warnings));
    let built = hashed.event.expect("built");
    assert_no_pii(
        "the built event's warnings",
        &format!("{:?}", built.warnings),
    );
    assert_no_pii("the body", &built.body);
}

/// A field the contract does not name is refused by default, with a "did
/// you mean" for near-misses; forwarding is an explicit option.
#[test]
fn unknown_fields_are_refused_unless_forwarded() {
    let patch = json!({"eventname": "oops", "af_new_field": "x"});
    let report = validate_event_json(&event(patch.clone()), &us());
    let found: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        found,
        [
            ("af_new_field", ErrorCode::UnknownField),
            ("eventname", ErrorCode::UnknownField)
        ]
    );
    assert!(report.errors[1].message.contains("did you mean eventName"));
    assert!(report.event.is_none());
    let forwarded = validate_event_json(&event(patch), &forwarding());
    assert!(forwarded.ok(), "{:?}", forwarded.errors);
    let warned: Vec<_> = forwarded
        .warnings
        .iter()
        .map(|w| (w.field.as_str(), w.code))
        .collect();
    assert_eq!(
        warned,
        [
            ("af_new_field", WarningCode::UnknownField),
            ("eventname", WarningCode::UnknownField)
        ]
    );
    let body: Value = serde_json::from_str(&forwarded.event.unwrap().body).unwrap();
    assert_eq!(body["af_new_field"], "x");
}

/// `KNOWN_FIELDS` (what "did you mean", the PII table and the docs go by)
/// is exactly the set of names the reader takes: each listed name is read
/// into its field, never left over as unknown, and the reader has an arm
/// for no name the list lacks (its arms, read from the source, are the list).
#[test]
fn the_known_fields_are_the_ones_the_reader_takes() {
    use appsflyer_s2s::input::{EventInput, KNOWN_FIELDS};
    for &name in KNOWN_FIELDS {
        let read = EventInput::from_value(json!({ name: null }));
        assert!(
            read.input.extra.is_empty() && read.errors.is_empty(),
            "{name} is listed as known but the reader leaves it unknown"
        );
        let near = format!("{name}_");
        let read = EventInput::from_value(json!({ near.clone(): null }));
        assert!(read.input.extra.contains_key(&near), "{near} was taken");
    }
    let source = include_str!("../src/input.rs");
    let start = source
        .find("pub fn from_value")
        .expect("EventInput::from_value");
    let end = start
        + source[start..]
            .find("i.extra.insert")
            .expect("its last arm");
    let arms: Vec<&str> = source[start..end]
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.split_once("\" =>"))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(arms, KNOWN_FIELDS, "the reader's arms, in order");
}

#[test]
fn empty_pii_means_unknown() {
    let body = sent(json!({"email": "", "phone_number": " ", "first_name_hashed": ""}));
    assert!(body.get("email_hashed").is_none());
    assert!(body.get("phone_number_hashed").is_none());
    assert!(body.get("first_name_hashed").is_none());
}

#[test]
fn the_app_id_is_checked_with_the_event_when_given() {
    let report = validate_event_json(&event(json!({"ip": "::1"})), &us().app_id("123456789"));
    let found: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect();
    assert_eq!(
        found,
        [
            ("app_id", ErrorCode::InvalidAppId),
            ("ip", ErrorCode::InvalidIp)
        ]
    );
    assert!(validate_event_json(&event(json!({})), &us().app_id("id123456789")).ok());
    assert!(validate_event_json(&event(json!({})), &us().app_id("com.example.app")).ok());
}

#[test]
fn ambiguous_json_is_one_whole_body_error() {
    let base = event(json!({}));
    let open = &base[..base.len() - 1];
    for (body, says) in [
        (
            format!("{open},\"eventName\":\"af_login\"}}"),
            "\"eventName\" twice",
        ),
        (
            format!("{open},\"eventValue\":{{\"a\":1,\"a\":2}}}}"),
            "same key twice",
        ),
        (format!("{open},\"__proto__\":{{}}}}"), "\"__proto__\""),
        (
            format!("{open},\"custom_data\":{{\"constructor\":1}}}}"),
            "\"constructor\"",
        ),
        (format!("{open},\"prototype\":1}}"), "\"prototype\""),
        (format!("\u{FEFF}{base}"), "byte order mark"),
        (
            format!("{open},\"eventValue\":{}}}", "[".repeat(10_000)),
            "128 levels",
        ),
    ] {
        let report = validate_event_json(&body, &us());
        assert_eq!(report.errors.len(), 1, "{body:.80}");
        assert_eq!(report.errors[0].code, ErrorCode::InvalidJson);
        assert_eq!(report.errors[0].field, "");
        assert!(
            report.errors[0].message.contains(says),
            "{}",
            report.errors[0].message
        );
    }
    assert_eq!(
        errors(json!({"eventValue": "{\"a\":1,\"a\":2}"})),
        vec![("eventValue".to_string(), "invalid_json_object")]
    );
}

#[test]
fn event_names_that_are_not_what_they_look_like() {
    for name in [
        "af_purchase\r\nX: 1",
        "af_\u{0}purchase",
        "\u{430}f_purchase",
        "af_purch\u{430}se",
        "af_l\u{3bf}gin",
        "\u{ff41}\u{ff46}_purchase",
        "af_\u{202e}esahcrup",
        "af_\u{200b}purchase",
    ] {
        assert_eq!(
            errors(json!({ "eventName": name })),
            vec![("eventName".to_string(), "invalid_event_name")],
            "{name:?}"
        );
    }
    for name in [
        "af_purchase",
        "покупка",
        "покупка_v2",
        "購入",
        "level 2 done",
    ] {
        assert_eq!(errors(json!({ "eventName": name })), vec![], "{name:?}");
    }
}

/// Numbers in `eventValue` objects and in passed-through fields keep their exact
/// value (once found broken by `fuzz/`, target `event_json`): a built body,
/// built again, is unchanged.
#[test]
fn numbers_keep_their_exact_value() {
    for number in [
        "1.7888888888888891e+62",
        "0.30000000000000004",
        "5e-324",
        "1.7976931348623157e+308",
        "-0.1",
    ] {
        let body = format!(
            r#"{{"appsflyer_id":"{AF_ID}","eventName":"x","eventValue":{{"v":{number}}},"extra":{number}}}"#
        );
        let once = build_event_json(&body, &forwarding()).unwrap().body;
        let twice = build_event_json(&once, &forwarding()).unwrap().body;
        assert_eq!(once, twice, "{number}");
        let sent: Value = serde_json::from_str(&once).unwrap();
        let want: f64 = number.parse().unwrap();
        assert_eq!(sent["extra"].as_f64(), Some(want), "{number}");
        let value: Value = serde_json::from_str(sent["eventValue"].as_str().unwrap()).unwrap();
        assert_eq!(value["v"].as_f64(), Some(want), "{number}");
    }
}

/// A number is sent as it was written: no float parsing and printing between
/// the caller and AppsFlyer, so no digit, trailing zero or sign of zero changes.
#[test]
fn numbers_are_sent_as_written() {
    // Only an exponent's spelling is made uniform (`e`, with its sign).
    for (written, number) in [
        ("1e2", "1e+2"),
        ("1E-2", "1e-2"),
        ("-0", "-0"),
        ("1.50", "1.50"),
        (
            "12345678901234567890123456789",
            "12345678901234567890123456789",
        ),
        (
            "0.1000000000000000055511151231257827",
            "0.1000000000000000055511151231257827",
        ),
    ] {
        let body = format!(
            r#"{{"appsflyer_id":"{AF_ID}","eventName":"x","eventValue":{{"v":{written}}},"custom_data":{{"n":[{written}]}},"extra":{written}}}"#
        );
        let sent = build_event_json(&body, &forwarding()).unwrap().body;
        assert!(
            sent.contains(&format!(r#""eventValue":"{{\"v\":{number}}}""#)),
            "{sent}"
        );
        assert!(
            sent.contains(&format!(r#""custom_data":"{{\"n\":[{number}]}}""#)),
            "{sent}"
        );
        assert!(sent.contains(&format!(r#""extra":{number}"#)), "{sent}");
    }
}

/// serde_json hands a number over as a one-entry object under its private
/// token; an object written with that key looks the same. Whatever it holds,
/// only a JSON number can come out of it: never text spliced into the body.
#[test]
fn the_private_number_token_never_injects() {
    const TOKEN: &str = "$serde_json::private::Number";
    for injected in [
        r#"1,"x":2"#,
        "1}",
        "NaN",
        "0x10",
        "01",
        "1.",
        ".5",
        "1e",
        "+1",
        "",
        " 1",
    ] {
        let body = json!({"appsflyer_id": AF_ID, "eventName": "x",
                          "eventValue": {"v": {TOKEN: injected}}})
        .to_string();
        let report = validate_event_json(&body, &us());
        assert!(report.event.is_none(), "{injected:?} was built");
        assert!(
            report
                .errors
                .iter()
                .all(|e| e.field == "eventValue" || e.field.is_empty()),
            "{injected:?}: {:?}",
            report.errors
        );
    }
    // A well-formed number under the token is read as that number.
    let body = json!({"appsflyer_id": AF_ID, "eventName": "x",
                      "eventValue": {"v": {TOKEN: "2E3"}}})
    .to_string();
    let sent = build_event_json(&body, &us()).unwrap().body;
    assert!(sent.contains(r#""eventValue":"{\"v\":2e+3}""#), "{sent}");
}
