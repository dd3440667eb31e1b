//! AppsFlyer's per-field rules: for each field, in one place, the check, the
//! message and the code of its error.
//!
//! The predicates (`is_appsflyer_id`, `is_ipv4`, …) say whether AppsFlyer
//! would take a value; the field rules below them (`appsflyer_id`, `ip`, …)
//! give the [`FieldError`] when it would not. Messages name the field and the
//! rule and never echo the value (it may be PII). [`crate::build_event`]
//! runs all of them and collects every failure.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::Ipv4Addr;
use core::str::FromStr;
use serde_json::Value;

use crate::error::{ErrorCode, FieldError};
use crate::input::{AppSetId, ConsentData, SharingFilter};

/// `appsflyer_id`: 13 digits, a dash, one or more digits (`1415211453000-6513894`).
pub fn is_appsflyer_id(id: &str) -> bool {
    let Some((millis, rest)) = id.split_once('-') else {
        return false;
    };
    millis.len() == 13
        && millis.bytes().all(|b| b.is_ascii_digit())
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit())
}

/// `ip`: a dotted-quad IPv4 address without leading zeros (at most 15 characters).
pub fn is_ipv4(ip: &str) -> bool {
    ip.len() <= 15 && Ipv4Addr::from_str(ip).is_ok()
}

/// Whether `ip` is an IPv6 address (for a clearer message: AppsFlyer takes IPv4 only).
pub fn is_ipv6(ip: &str) -> bool {
    core::net::Ipv6Addr::from_str(ip).is_ok()
}

/// A UUID in its 8-4-4-4-12 hex form, any case.
pub fn is_uuid(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `fb_login_id`: a non-empty string of ASCII digits.
pub fn is_fb_login_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// `app_type`: `""` or `"app_clip"`.
pub fn is_app_type(app_type: &str) -> bool {
    matches!(app_type, "" | "app_clip")
}

/// `att`: 0 not determined, 1 restricted, 2 denied, 3 authorized.
pub fn is_att(att: i64) -> bool {
    (0..=3).contains(&att)
}

/// `eventCurrency`: an ISO 4217 alphabetic code, uppercase (`USD`).
pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && ISO_4217.binary_search(&code).is_ok()
}

/// `af_revenue` inside `eventValue`: a plain decimal number, as a JSON
/// number or in a string: optional leading `-`, digits, optional `.` and
/// digits. `"$9.99"`, `"9,99"`, `"1,000.00"`, `"1e3"` and `1e3` are refused:
/// AppsFlyer wants "values without extra symbols or formatting".
pub fn is_revenue(value: &Value) -> bool {
    match value {
        // A number is kept as written: the same rule applies to its text.
        Value::Number(n) => is_plain_decimal(n.as_str()),
        Value::String(s) => is_plain_decimal(s),
        _ => false,
    }
}

/// `-?digits(.digits)?`: no sign `+`, no exponent, no separators.
fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a string is `""` or parses as a JSON object (`eventValue`, `custom_data`).
pub fn is_stringified_object(text: &str) -> bool {
    text.is_empty() || matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(_)))
}

/// Uppercases the ASCII letters of a UUID if there are lowercase ones (`idfa`, `idfv`).
pub fn uppercase_uuid(id: &str) -> Option<String> {
    id.bytes()
        .any(|b| b.is_ascii_lowercase())
        .then(|| id.to_ascii_uppercase())
}

/// ISO 4217 alphabetic codes, sorted: the active list (amendment 179, 2025),
/// plus codes withdrawn since 2023 that senders may still hold (`HRK`, `SLL`,
/// `ZWL`, `ANG`, `CUC`), since refusing them would lose events.
pub const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
    "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
    "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG",
    "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
];

/// Why an `eventName` would not be the event it looks like, if it would not:
/// control characters (a line break, NUL), invisible or text-direction
/// characters (zero-width spaces, RTL overrides), fullwidth forms of ASCII,
/// or a word mixing Latin letters with Cyrillic or Greek lookalikes
/// (`аf_purchase` with a Cyrillic `а` is not `af_purchase`: AppsFlyer would
/// count it as another event). Names wholly in another script are fine.
///
/// ```
/// use appsflyer_s2s::validate::event_name_problem;
///
/// assert_eq!(event_name_problem("af_purchase"), None);
/// assert_eq!(event_name_problem("покупка_v2"), None);
/// assert!(event_name_problem("\u{430}f_purchase").is_some());
/// assert!(event_name_problem("af_purchase\r\n").is_some());
/// ```
pub fn event_name_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(char::is_control) {
        return Some("eventName contains control characters (such as a line break or NUL)");
    }
    let invisible = |c: char| {
        matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    if name.chars().any(invisible) {
        return Some("eventName contains invisible or text-direction characters (zero-width spaces, RTL overrides)");
    }
    if name.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c)) {
        return Some("eventName contains fullwidth forms of ASCII characters: AppsFlyer would count it as another event than the ASCII name");
    }
    let lookalike = |c: char| matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}');
    let mixed = name
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.chars().any(|c| c.is_ascii_alphabetic()) && word.chars().any(lookalike));
    if mixed {
        return Some("eventName mixes Latin letters with Cyrillic or Greek lookalikes in one word: AppsFlyer would count it as another event than the one it looks like");
    }
    None
}

// --- Field rules: the check, the message and the code of each field --------

fn fail<T>(field: &str, code: ErrorCode, message: impl Into<String>) -> Result<T, FieldError> {
    Err(FieldError::new(field, code, message))
}

/// `appsflyer_id`: see [`is_appsflyer_id`].
pub fn appsflyer_id(id: &str) -> Result<(), FieldError> {
    if is_appsflyer_id(id) {
        return Ok(());
    }
    fail(
        "appsflyer_id",
        ErrorCode::InvalidAppsflyerId,
        "appsflyer_id must be 13 digits, a dash and digits (e.g. 1415211453000-6513894), as the AppsFlyer SDK reports it",
    )
}

/// `eventName`: see [`event_name_problem`].
pub fn event_name(name: &str) -> Result<(), FieldError> {
    match event_name_problem(name) {
        None => Ok(()),
        Some(problem) => fail("eventName", ErrorCode::InvalidEventName, problem),
    }
}

/// `eventCurrency`: an ISO 4217 code, uppercased (the uppercase form is given).
pub fn event_currency(code: &str) -> Result<String, FieldError> {
    let upper = code.to_ascii_uppercase();
    if is_currency(&upper) {
        return Ok(upper);
    }
    fail(
        "eventCurrency",
        ErrorCode::InvalidCurrency,
        "eventCurrency must be an ISO 4217 currency code such as USD or EUR",
    )
}

/// `ip`: see [`is_ipv4`]; an IPv6 address gets a message of its own.
pub fn ip(ip: &str) -> Result<(), FieldError> {
    if is_ipv4(ip) {
        return Ok(());
    }
    let message = if is_ipv6(ip) {
        "ip is an IPv6 address: AppsFlyer takes only the device's IPv4 address; omit ip instead"
    } else {
        "ip must be a dotted-quad IPv4 address such as 192.0.2.1 (no leading zeros, no port)"
    };
    fail("ip", ErrorCode::InvalidIp, message)
}

/// `advertising_id`, `idfa`, `idfv`: see [`is_uuid`].
pub fn uuid(field: &str, id: &str) -> Result<(), FieldError> {
    if is_uuid(id) {
        return Ok(());
    }
    let message = format!("{field} must be a UUID (8-4-4-4-12 hexadecimal digits)");
    fail(field, ErrorCode::InvalidUuid, message)
}

/// `fb_login_id`: see [`is_fb_login_id`].
pub fn fb_login_id(id: &str) -> Result<(), FieldError> {
    if is_fb_login_id(id) {
        return Ok(());
    }
    fail(
        "fb_login_id",
        ErrorCode::InvalidFbLoginId,
        "fb_login_id must be the numeric Facebook login id, as a string of digits",
    )
}

/// `app_type`: see [`is_app_type`].
pub fn app_type(app_type: &str) -> Result<(), FieldError> {
    if is_app_type(app_type) {
        return Ok(());
    }
    fail(
        "app_type",
        ErrorCode::InvalidAppType,
        "app_type must be \"\" or \"app_clip\" (send it only for App Clip events)",
    )
}

/// `att`, from an integer: see [`is_att`]. Also the message of an `att`
/// that is a number but not a whole one ([`ATT_MESSAGE`]).
pub fn att(att: i64) -> Result<u8, FieldError> {
    match u8::try_from(att) {
        Ok(a) if is_att(att) => Ok(a),
        _ => fail("att", ErrorCode::InvalidAtt, ATT_MESSAGE),
    }
}

/// What an `att` must be.
pub const ATT_MESSAGE: &str =
    "att must be 0 (not determined), 1 (restricted), 2 (denied) or 3 (authorized)";

/// `eventValue.af_revenue`: see [`is_revenue`].
pub fn af_revenue(value: &Value) -> Result<(), FieldError> {
    if is_revenue(value) {
        return Ok(());
    }
    fail(
        "eventValue.af_revenue",
        ErrorCode::InvalidRevenue,
        "eventValue.af_revenue must be a plain number such as 9.99 or -5 (no currency symbols, thousands separators or exponents)",
    )
}

/// `sharing_filter`: `"all"`, or a non-empty list of non-empty partner ids.
pub fn sharing_filter(filter: &SharingFilter) -> Vec<FieldError> {
    let code = ErrorCode::InvalidSharingFilter;
    let SharingFilter::Partners(ids) = filter else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    if ids.is_empty() {
        errors.push(FieldError::new(
            "sharing_filter",
            code,
            "sharing_filter must be \"all\" or a non-empty list of partner ids; omit it to share normally",
        ));
    }
    for (n, id) in ids.iter().enumerate() {
        if id.trim().is_empty() {
            let field = format!("sharing_filter[{n}]");
            let message = format!("{field} is empty: partner ids are media source names");
            errors.push(FieldError::new(field, code, message));
        }
    }
    errors
}

/// `consent_data`: the ranges of the `tcf` form, and the flags the `manual`
/// form needs when GDPR applies.
pub fn consent_data(consent: &ConsentData) -> Vec<FieldError> {
    let code = ErrorCode::InvalidConsentData;
    let mut errors = Vec::new();
    match consent {
        ConsentData::Tcf(tcf) => {
            if !(-1..=1).contains(&tcf.gdpr_applies) {
                errors.push(FieldError::new(
                    "consent_data.tcf.gdpr_applies",
                    code,
                    "consent_data.tcf.gdpr_applies must be 1 (applies), 0 (does not apply) or -1 (unknown)",
                ));
            }
            for (member, value) in [
                ("policy_version", tcf.policy_version),
                ("cmp_sdk_id", tcf.cmp_sdk_id),
                ("cmp_sdk_version", tcf.cmp_sdk_version),
            ] {
                if value < 0 {
                    let field = format!("consent_data.tcf.{member}");
                    let message = format!("{field} must not be negative");
                    errors.push(FieldError::new(field, code, message));
                }
            }
        }
        ConsentData::Manual(manual) => {
            let flags = [
                ("ad_user_data_enabled", manual.ad_user_data_enabled),
                (
                    "ad_personalization_enabled",
                    manual.ad_personalization_enabled,
                ),
            ];
            for (member, value) in flags {
                if manual.gdpr_applies && value.is_none() {
                    let field = format!("consent_data.manual.{member}");
                    let message = format!("{field} is required when gdpr_applies is true");
                    errors.push(FieldError::new(field, code, message));
                }
            }
        }
    }
    errors
}

/// `app_set_id`: scope 1 (app) or 2 (developer), and a UUID.
pub fn app_set_id(set_id: &AppSetId) -> Vec<FieldError> {
    let code = ErrorCode::InvalidAppSetId;
    let mut errors = Vec::new();
    if set_id.scope != 1 && set_id.scope != 2 {
        errors.push(FieldError::new(
            "app_set_id.scope",
            code,
            "app_set_id.scope must be 1 (app) or 2 (developer)",
        ));
    }
    if !is_uuid(&set_id.id) {
        errors.push(FieldError::new(
            "app_set_id.id",
            code,
            "app_set_id.id must be a UUID",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    #[test]
    fn currency_list_is_sorted_and_unique() {
        assert!(super::ISO_4217.windows(2).all(|w| w[0] < w[1]));
    }
}
