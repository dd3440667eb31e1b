//! AppsFlyer's per-field rules, as small pure checks.
//!
//! Each check takes one value and says whether AppsFlyer would take it; the
//! messages name the rule and never echo the value (it may be PII).
//! [`crate::build_event`] runs all of them and collects every failure.

use alloc::string::String;
use core::net::Ipv4Addr;
use core::str::FromStr;
use serde_json::Value;

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

#[cfg(test)]
mod tests {
    #[test]
    fn currency_list_is_sorted_and_unique() {
        assert!(super::ISO_4217.windows(2).all(|w| w[0] < w[1]));
    }
}
