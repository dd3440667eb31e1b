//! The PII helpers: normalization and SHA-256 of emails, names and phone
//! numbers, exactly as the core hashes them into an event's `*_hashed`
//! fields. They are all the hashing-only build (`appsflyer-s2s/hash`) holds.

use alloc::string::String;
use appsflyer_s2s::error::ErrorCode;
use appsflyer_s2s::hash;
use appsflyer_s2s::normalize::{self, NormalizeError};
use appsflyer_s2s::phone::{self, PhoneError};
use wasm_bindgen::prelude::*;

/// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex(text: &str) -> String {
    hash::sha256_hex(text)
}

/// A refused value, thrown as `field \u{1f} code \u{1f} message`: one string
/// the glue (`pkg/lib/hashing.mjs`) splits into an `S2SError`, where an
/// object built here would link JavaScript object plumbing into the
/// hashing-only build. The core's messages never hold `\u{1f}`.
/// `code` is an `ErrorCode::as_str()` of a constant, which folds to its text.
fn fail(field: &str, code: &str, message: &str) -> JsValue {
    let mut text = String::from(field);
    text.push('\u{1f}');
    text.push_str(code);
    text.push('\u{1f}');
    text.push_str(message);
    JsValue::from_str(&text)
}

fn normalize_error(field: &str, code: &str, e: NormalizeError) -> JsValue {
    match e {
        NormalizeError::Phone(e) => phone_error(field, e),
        _ => fail(field, code, e.message()),
    }
}

fn phone_error(field: &str, e: PhoneError) -> JsValue {
    match e {
        PhoneError::InvalidRegion => fail(
            "defaultRegion",
            ErrorCode::InvalidRegion.as_str(),
            e.message(),
        ),
        _ => fail(field, ErrorCode::InvalidPhone.as_str(), e.message()),
    }
}

/// The `email_hashed` input: trimmed, lowercased.
#[wasm_bindgen(js_name = normalizeEmail)]
pub fn normalize_email(email: &str) -> Result<String, JsValue> {
    normalize::email(email)
        .map_err(|e| normalize_error("email", ErrorCode::InvalidEmail.as_str(), e))
}

/// `email_hashed`: SHA-256 of the normalized email.
#[wasm_bindgen(js_name = hashEmail)]
pub fn hash_email(email: &str) -> Result<String, JsValue> {
    normalize_email(email).map(|n| hash::sha256_hex(&n))
}

/// The `first_name_hashed` / `last_name_hashed` input: NFC, trimmed, lowercased.
#[wasm_bindgen(js_name = normalizeName)]
pub fn normalize_name(name: &str) -> Result<String, JsValue> {
    normalize::name(name).map_err(|e| normalize_error("name", ErrorCode::InvalidName.as_str(), e))
}

/// `first_name_hashed` / `last_name_hashed`: SHA-256 of the normalized name.
#[wasm_bindgen(js_name = hashName)]
pub fn hash_name(name: &str) -> Result<String, JsValue> {
    normalize_name(name).map(|n| hash::sha256_hex(&n))
}

fn parse_phone(phone: &str, default_region: Option<String>) -> Result<phone::PhoneNumber, JsValue> {
    phone::parse(phone, default_region.as_deref()).map_err(|e| phone_error("phone", e))
}

/// The number in E.164 (`+12133734253`), parsed as libphonenumber-js parses it.
#[wasm_bindgen(js_name = toE164)]
pub fn to_e164(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| n.e164())
}

/// The `phone_number_hashed` input: E.164 without `+` (`12133734253`).
#[wasm_bindgen(js_name = phoneDigits)]
pub fn phone_digits(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| n.digits())
}

/// `phone_number_hashed`: SHA-256 of [`phone_digits`].
#[wasm_bindgen(js_name = hashPhone)]
pub fn hash_phone(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| hash::sha256_hex(&n.digits()))
}

/// `phone_number_e164_hashed`: SHA-256 of [`to_e164`].
#[wasm_bindgen(js_name = hashPhoneE164)]
pub fn hash_phone_e164(phone: &str, default_region: Option<String>) -> Result<String, JsValue> {
    parse_phone(phone, default_region).map(|n| hash::sha256_hex(&n.e164()))
}
