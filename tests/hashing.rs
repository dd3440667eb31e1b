//! SHA-256 known answers (NIST) and the contract's published vectors.

use appsflyer_s2s::hash::{is_sha256_hex, sha256_hex, sha256_hex_bytes};
use appsflyer_s2s::{build_event_json, normalize, BuildOptions};
use serde_json::Value;

const NIST: &str = include_str!("data/sha256_nist.txt");
const VECTORS: &str = include_str!("data/contract_vectors.json");

#[test]
fn nist_known_answers() {
    let mut checked = 0;
    for line in NIST.lines().filter(|l| !l.starts_with('#')) {
        let (input, digest) = line.split_once('\t').expect("input<TAB>digest");
        let data = match input.strip_prefix("REPEAT ") {
            Some(spec) => {
                let (n, text) = spec.split_once(' ').unwrap();
                text.repeat(n.parse().unwrap())
            }
            None => input.to_string(),
        };
        assert_eq!(sha256_hex(&data), digest, "SHA-256 of {input:?}");
        assert_eq!(sha256_hex_bytes(data.as_bytes()), digest);
        checked += 1;
    }
    assert_eq!(checked, 5);
}

fn vectors() -> Vec<Value> {
    serde_json::from_str::<Value>(VECTORS)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap()
}

#[test]
fn published_vectors_normalize_and_hash() {
    for v in vectors() {
        let region = v["region"].as_str();
        let input = s(&v, "input");
        let normalized = match s(&v, "field") {
            "email_hashed" => normalize::email(input).unwrap(),
            "phone_number_hashed" => normalize::phone_digits(input, region).unwrap(),
            "phone_number_e164_hashed" => normalize::phone_e164(input, region).unwrap(),
            _ => normalize::name(input).unwrap(),
        };
        assert_eq!(normalized, s(&v, "normalized"), "{v}");
        assert_eq!(sha256_hex(&normalized), s(&v, "sha256"), "{v}");
    }
}

#[test]
fn published_vectors_through_build_event() {
    for v in vectors() {
        let mut body = serde_json::json!({
            "appsflyer_id": "1415211453000-6513894",
            "eventName": "af_complete_registration",
        });
        body[s(&v, "raw_field")] = Value::from(s(&v, "input"));
        let options = match v["region"].as_str() {
            Some(r) => BuildOptions::new().default_region(r),
            None => BuildOptions::new(),
        };
        let built = build_event_json(&body.to_string(), &options).unwrap();
        let sent: Value = serde_json::from_str(&built.body).unwrap();
        assert_eq!(sent[s(&v, "field")], s(&v, "sha256"), "{v}");
        assert!(
            sent.get(s(&v, "raw_field")).is_none(),
            "raw PII must not be sent"
        );
        assert!(
            !built.body.contains(s(&v, "input")),
            "raw PII in {}",
            built.body
        );
    }
}

#[test]
fn a_digest_passes_through_lowercased() {
    let upper = "62A14E44F765419D10FEA99367361A727C12365E2520F32218D505ED9AA0F62F";
    assert!(is_sha256_hex(upper));
    let body = format!(
        r#"{{"appsflyer_id":"1415211453000-6513894","eventName":"x","email_hashed":"{upper}"}}"#
    );
    let built = build_event_json(&body, &BuildOptions::new()).unwrap();
    assert!(built.body.contains(&upper.to_ascii_lowercase()));
    assert_eq!(built.warnings[0].code.as_str(), "hash_lowercased");
}

#[test]
fn not_a_digest() {
    assert!(!is_sha256_hex(&"g".repeat(64)));
    assert!(!is_sha256_hex(&"a".repeat(63)));
    assert!(!is_sha256_hex(&"a".repeat(65)));
}
