//! Raw PII never leaves under any name or in any place.
//!
//! AppsFlyer takes personal data only in the `*_hashed` fields. This table is
//! generated: each PII name (`email`, `customer email`, `phone number`,
//! `msisdn`, `first name`, `surname`, …) in every spelling people use
//! (`snake_case`, `kebab-case`, `camelCase`, `PascalCase`, `UPPER_CASE`,
//! spaces, squashed), in every place an event can carry it (a top-level
//! field, with and without forwarding unknown fields; a key of `eventValue`
//! and `custom_data` as objects and as strings; nested objects and arrays),
//! must be refused with `raw_pii` at the right path, and the raw value must
//! appear in no body, error or warning.

use appsflyer_s2s::input::KNOWN_FIELDS;
use appsflyer_s2s::{validate_event_json, BuildOptions, ErrorCode, Report};
use serde_json::{json, Value};

const AF_ID: &str = "1415211453000-6513894";

/// PII names as words, with a raw value of that kind.
const NAMES: &[(&[&str], &str)] = &[
    (&["email"], "John.Smith@gmail.com"),
    (&["e", "mail"], "John.Smith@gmail.com"),
    (&["mail"], "John.Smith@gmail.com"),
    (&["email", "address"], "John.Smith@gmail.com"),
    (&["customer", "email"], "John.Smith@gmail.com"),
    (&["user", "email"], "John.Smith@gmail.com"),
    (&["contact", "email"], "John.Smith@gmail.com"),
    (&["email", "hashed"], "John.Smith@gmail.com"),
    (&["phone"], "+16505551212"),
    (&["phone", "number"], "+16505551212"),
    (&["phone", "no"], "+16505551212"),
    (&["mobile"], "+16505551212"),
    (&["mobile", "number"], "+16505551212"),
    (&["msisdn"], "16505551212"),
    (&["tel"], "+16505551212"),
    (&["telephone"], "+16505551212"),
    (&["cell"], "+16505551212"),
    (&["cell", "phone"], "+16505551212"),
    (&["customer", "phone"], "+16505551212"),
    (&["phone", "number", "e164", "hashed"], "+16505551212"),
    (&["first", "name"], "Mary"),
    (&["given", "name"], "Mary"),
    (&["fname"], "Mary"),
    (&["forename"], "Mary"),
    (&["last", "name"], "Smithson"),
    (&["family", "name"], "Smithson"),
    (&["surname"], "Smithson"),
    (&["sur", "name"], "Smithson"),
    (&["maiden", "name"], "Smithson"),
    (&["full", "name"], "Mary Smithson"),
    (&["customer", "name"], "Mary Smithson"),
    (&["billing", "last", "name"], "Smithson"),
];

/// Every spelling of a name made of `words`, without repeats.
fn spellings(words: &[&str]) -> Vec<String> {
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    let camel: String = words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == 0 { w.to_string() } else { cap(w) })
        .collect();
    let mut all = vec![
        words.join("_"),
        words.join("-"),
        camel,
        words.iter().map(|w| cap(w)).collect(),
        words.join("_").to_uppercase(),
        words.join(" "),
        words.join("."),
        words.concat(),
        cap(&words.join("_")),
    ];
    all.sort();
    all.dedup();
    all
}

/// Where a PII name can sit in an event.
#[derive(Debug, Clone, Copy)]
enum Place {
    TopLevel,
    TopLevelForwarding,
    EventValueObject,
    EventValueString,
    CustomDataObject,
    CustomDataString,
    NestedInEventValue,
    InArrayInCustomData,
}

const PLACES: [Place; 8] = [
    Place::TopLevel,
    Place::TopLevelForwarding,
    Place::EventValueObject,
    Place::EventValueString,
    Place::CustomDataObject,
    Place::CustomDataString,
    Place::NestedInEventValue,
    Place::InArrayInCustomData,
];

/// The event with `name: raw` at `place`, its options, and the path the
/// error must name.
fn case(place: Place, name: &str, raw: &str) -> (Value, BuildOptions, String) {
    let mut event = json!({"appsflyer_id": AF_ID, "eventName": "af_purchase"});
    let pair = json!({ name: raw });
    let options = BuildOptions::new().default_region("US");
    let path = match place {
        Place::TopLevel | Place::TopLevelForwarding => {
            event[name] = json!(raw);
            name.to_string()
        }
        Place::EventValueObject => {
            event["eventValue"] = pair;
            format!("eventValue.{name}")
        }
        Place::EventValueString => {
            event["eventValue"] = json!(pair.to_string());
            format!("eventValue.{name}")
        }
        Place::CustomDataObject => {
            event["custom_data"] = pair;
            format!("custom_data.{name}")
        }
        Place::CustomDataString => {
            event["custom_data"] = json!(pair.to_string());
            format!("custom_data.{name}")
        }
        Place::NestedInEventValue => {
            event["eventValue"] = json!({"af_revenue": "9.99", "buyer": pair});
            format!("eventValue.buyer.{name}")
        }
        Place::InArrayInCustomData => {
            event["custom_data"] = json!({"people": [{"id": 1}, pair]});
            format!("custom_data.people[1].{name}")
        }
    };
    let options = match place {
        Place::TopLevelForwarding => options.forward_unknown_fields(true),
        _ => options,
    };
    (event, options, path)
}

/// Everything the caller or AppsFlyer could see of a report.
fn visible(report: &Report) -> String {
    let mut text = format!("{:?}{:?}", report.errors, report.warnings);
    for e in &report.errors {
        text.push_str(&e.to_string());
    }
    if let Some(built) = &report.event {
        text.push_str(&built.body);
    }
    text
}

#[test]
fn pii_under_any_name_in_any_place_is_refused_and_never_leaks() {
    let mut cases = 0;
    for (words, raw) in NAMES {
        for name in spellings(words) {
            for place in PLACES {
                let top = matches!(place, Place::TopLevel | Place::TopLevelForwarding);
                if top && KNOWN_FIELDS.contains(&name.as_str()) {
                    continue; // the real field: hashed, as it should be
                }
                let (event, options, path) = case(place, &name, raw);
                let report = validate_event_json(&event.to_string(), &options);
                let what = format!("{name:?} at {place:?}");
                assert!(report.event.is_none(), "{what} was built");
                assert!(
                    report
                        .errors
                        .iter()
                        .any(|e| e.code == ErrorCode::RawPii && e.field == path),
                    "{what}: no raw_pii at {path}: {:?}",
                    report.errors
                );
                let seen = visible(&report);
                assert!(!seen.contains(raw), "{what}: the raw value leaked: {seen}");
                cases += 1;
            }
        }
    }
    println!("{cases} spellings and places refused");
    assert!(cases >= 200, "only {cases} cases");
}

/// An email address is refused in any value that is not `email`: inside
/// `eventValue` and `custom_data` under any key, in free-text fields, and in
/// forwarded unknown fields.
#[test]
fn email_addresses_in_values_are_refused_wherever_they_are() {
    let raw = "john.smith@gmail.com";
    let cases = [
        (json!({"eventValue": {"note": raw}}), "eventValue.note"),
        (
            json!({"eventValue": {"note": format!("from <{raw}>, thanks")}}),
            "eventValue.note",
        ),
        (
            json!({"eventValue": json!({"items": [raw]}).to_string()}),
            "eventValue.items[0]",
        ),
        (json!({"custom_data": {"a": {"b": raw}}}), "custom_data.a.b"),
        (json!({"customer_user_id": raw}), "customer_user_id"),
        (json!({"custom_dimension": raw}), "custom_dimension"),
        (json!({"eventName": raw}), "eventName"),
        (json!({"af_note": raw}), "af_note"),
        (json!({"eventValue": {raw: 1}}), "eventValue"),
        (json!({raw: "x"}), ""),
    ];
    for (patch, path) in cases {
        let mut event = json!({"appsflyer_id": AF_ID, "eventName": "af_purchase"});
        for (k, v) in patch.as_object().unwrap() {
            event[k] = v.clone();
        }
        let options = BuildOptions::new().forward_unknown_fields(true);
        let report = validate_event_json(&event.to_string(), &options);
        assert!(
            report
                .errors
                .iter()
                .any(|e| e.code == ErrorCode::RawPii && e.field == path),
            "{patch}: {:?}",
            report.errors
        );
        assert!(!visible(&report).contains(raw), "{patch} leaked");
    }
}

/// What is not personal data still passes: names that only share a word
/// with PII names, and values that only look a little like addresses.
#[test]
fn lookalikes_that_are_not_pii_pass() {
    let event = json!({
        "appsflyer_id": AF_ID, "eventName": "af_purchase",
        "eventValue": {"hotel_name": "Ritz", "phone_model": "Pixel 9", "mobile_app_version": "2.1",
                        "email_opt_in": true, "sku": "sku@v1.2", "name": "Blue shirt"},
        "custom_data": {"iphone": "15 Pro", "domain": "example.com"},
    });
    let report = validate_event_json(&event.to_string(), &BuildOptions::new());
    assert!(report.ok(), "{:?}", report.errors);
}

/// Messages say which field to use instead.
#[test]
fn the_message_names_the_field_to_use() {
    for (field, instead) in [
        ("Email", "email"),
        ("phoneNumber", "phone_number"),
        ("first-name", "first_name"),
        ("Last Name", "last_name"),
        ("Email_Hashed", "email_hashed"),
        ("customer_email", "email"),
        ("msisdn", "phone_number"),
        ("surname", "last_name"),
        ("full_name", "first_name and last_name"),
    ] {
        let event = json!({"appsflyer_id": AF_ID, "eventName": "x", field: "v"});
        let report = validate_event_json(&event.to_string(), &BuildOptions::new());
        let error = report
            .errors
            .iter()
            .find(|e| e.field == field)
            .unwrap_or_else(|| panic!("{field}: {:?}", report.errors));
        assert_eq!(error.code, ErrorCode::RawPii, "{field}");
        assert!(
            error.message.contains(&format!("send it as {instead}")),
            "{field}: {}",
            error.message
        );
    }
}
