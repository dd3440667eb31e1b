//! The event model: what callers give ([`EventInput`]) and what AppsFlyer gets ([`Event`]).
//!
//! [`EventInput`] takes every body field of the Send Event API by its AppsFlyer
//! name, plus raw PII (`email`, `phone_number`, `first_name`, `last_name`) that
//! [`crate::build_event`] normalizes and hashes. [`Event`] is the wire body with
//! AppsFlyer's exact names; raw PII never reaches it.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ErrorCode, FieldError};

/// A JSON object field that AppsFlyer wants stringified (`eventValue`, `custom_data`).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonObject {
    /// An object; it is sent as its compact JSON string.
    Object(Map<String, Value>),
    /// The stringified form: must be `""` or parse as a JSON object; sent unchanged.
    Stringified(String),
}

/// `eventTime` as callers have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventTime {
    /// AppsFlyer's `yyyy-mm-dd hh:mm:ss.sss` (UTC), RFC 3339 with `Z` or an
    /// offset, or epoch milliseconds as digits. See [`crate::time`].
    Text(String),
    /// Milliseconds since the Unix epoch.
    EpochMillis(i64),
}

/// `sharing_filter`: which partners must not receive the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharingFilter {
    /// `"all"`: share with no partner.
    All,
    /// Partner ids (`media_source_name` values; `Apple Search Ads`, `twitter`); at least one.
    Partners(Vec<String>),
}

impl Serialize for SharingFilter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SharingFilter::All => s.serialize_str("all"),
            SharingFilter::Partners(ids) => {
                let mut seq = s.serialize_seq(Some(ids.len()))?;
                for id in ids {
                    seq.serialize_element(id)?;
                }
                seq.end()
            }
        }
    }
}

/// `consent_data`: the user's consent, as IAB TCF fields or as set manually.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentData {
    /// `{"tcf": {…}}`: from an IAB TCF v2 consent management platform.
    Tcf(TcfConsent),
    /// `{"manual": {…}}`: set by the app itself.
    Manual(ManualConsent),
}

/// The `tcf` form of `consent_data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TcfConsent {
    /// TCF policy version.
    pub policy_version: i64,
    /// Whether GDPR applies: `1` yes, `0` no, `-1` unknown.
    pub gdpr_applies: i64,
    /// The CMP's SDK id.
    pub cmp_sdk_id: i64,
    /// The CMP's SDK version.
    pub cmp_sdk_version: i64,
    /// The TC string.
    pub tcstring: String,
}

/// The `manual` form of `consent_data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManualConsent {
    /// Whether GDPR applies to this user.
    pub gdpr_applies: bool,
    /// Consent to use the user's data for advertising; required when GDPR applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ad_user_data_enabled: Option<bool>,
    /// Consent to personalized ads; required when GDPR applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ad_personalization_enabled: Option<bool>,
}

/// `app_set_id` (Android): `{"scope": 1 | 2, "id": "<uuid>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppSetId {
    /// `1` app scope, `2` developer scope.
    pub scope: i64,
    /// The App Set id, a UUID.
    pub id: String,
}

/// An event as a caller gives it, before validation, normalization and hashing.
///
/// Fields carry AppsFlyer's names (`eventName`, `bundleIdentifier`, …) in JSON;
/// build the wire [`Event`] with [`crate::build_event`]. From JSON, use
/// [`EventInput::from_json`], which reports every field of the wrong type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventInput {
    /// `appsflyer_id` (required): AppsFlyer's device id, `\d{13}-\d+`.
    pub appsflyer_id: Option<String>,
    /// `eventName` (required): e.g. `af_purchase`.
    pub event_name: Option<String>,
    /// `eventValue`: the event's parameters; absent becomes `""`.
    pub event_value: Option<JsonObject>,
    /// `eventCurrency`: ISO 4217 code.
    pub event_currency: Option<String>,
    /// `eventTime`: when the event happened; absent means arrival time.
    pub event_time: Option<EventTime>,
    /// `ip`: the device's IPv4 address at event time.
    pub ip: Option<String>,
    /// `advertising_id`: Android GAID (UUID).
    pub advertising_id: Option<String>,
    /// `oaid`: Android OAID.
    pub oaid: Option<String>,
    /// `amazon_aid`: Amazon Fire advertising id.
    pub amazon_aid: Option<String>,
    /// `imei`: Android IMEI.
    pub imei: Option<String>,
    /// `idfa`: iOS advertising id (UUID; uppercased).
    pub idfa: Option<String>,
    /// `idfv`: iOS vendor id (UUID; uppercased).
    pub idfv: Option<String>,
    /// `customer_user_id`: the app owner's own user id.
    pub customer_user_id: Option<String>,
    /// `email_hashed`: a SHA-256 hex digest, or a raw email to normalize and hash.
    pub email_hashed: Option<String>,
    /// `phone_number_hashed`: a digest, or a raw phone number to normalize and hash.
    pub phone_number_hashed: Option<String>,
    /// `phone_number_e164_hashed`: a digest, or a raw phone number to normalize and hash.
    pub phone_number_e164_hashed: Option<String>,
    /// `first_name_hashed`: a digest, or a raw first name to normalize and hash.
    pub first_name_hashed: Option<String>,
    /// `last_name_hashed`: a digest, or a raw last name to normalize and hash.
    pub last_name_hashed: Option<String>,
    /// `fb_login_id`: Facebook login id, a numeric string.
    pub fb_login_id: Option<String>,
    /// `app_version_name`.
    pub app_version_name: Option<String>,
    /// `app_store`: the Android store (`AF_STORE`).
    pub app_store: Option<String>,
    /// `bundleIdentifier`: the app's bundle id.
    pub bundle_identifier: Option<String>,
    /// `sharing_filter`: partners that must not get the event.
    pub sharing_filter: Option<SharingFilter>,
    /// `custom_dimension`: reserved by AppsFlyer.
    pub custom_dimension: Option<String>,
    /// `app_type`: `""` or `"app_clip"`.
    pub app_type: Option<String>,
    /// `custom_data`: a JSON object, sent stringified.
    pub custom_data: Option<JsonObject>,
    /// `os`: device OS version, e.g. `14.5.1`.
    pub os: Option<String>,
    /// `ua`: device user agent.
    pub ua: Option<String>,
    /// `aie`: advertiser id enabled; `false` means Limited Ad Tracking.
    pub aie: Option<bool>,
    /// `att`: iOS App Tracking Transparency status, 0 to 3.
    pub att: Option<i64>,
    /// `consent_data`.
    pub consent_data: Option<ConsentData>,
    /// `app_set_id` (Android).
    pub app_set_id: Option<AppSetId>,
    /// `af_events_api`: a legacy flag; sent as `"true"` when set.
    pub af_events_api: Option<bool>,
    /// `email` (raw PII): normalized and hashed into `email_hashed`.
    pub email: Option<String>,
    /// `phone_number` (raw PII): into `phone_number_hashed` and `phone_number_e164_hashed`.
    pub phone_number: Option<String>,
    /// `first_name` (raw PII): into `first_name_hashed`.
    pub first_name: Option<String>,
    /// `last_name` (raw PII): into `last_name_hashed`.
    pub last_name: Option<String>,
    /// Fields the contract does not name: passed through unchanged, with a warning.
    pub extra: Map<String, Value>,
}

/// Every top-level field name [`EventInput`] knows, AppsFlyer's and the raw PII ones.
pub const KNOWN_FIELDS: &[&str] = &[
    "appsflyer_id",
    "eventName",
    "eventValue",
    "eventCurrency",
    "eventTime",
    "ip",
    "advertising_id",
    "oaid",
    "amazon_aid",
    "imei",
    "idfa",
    "idfv",
    "customer_user_id",
    "email_hashed",
    "phone_number_hashed",
    "phone_number_e164_hashed",
    "first_name_hashed",
    "last_name_hashed",
    "fb_login_id",
    "app_version_name",
    "app_store",
    "bundleIdentifier",
    "sharing_filter",
    "custom_dimension",
    "app_type",
    "custom_data",
    "os",
    "ua",
    "aie",
    "att",
    "consent_data",
    "app_set_id",
    "af_events_api",
    "email",
    "phone_number",
    "first_name",
    "last_name",
];

/// The result of reading an [`EventInput`] from JSON: the fields that could be
/// read, and an error for each that could not.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedInput {
    /// The readable fields.
    pub input: EventInput,
    /// One error per field of the wrong type or shape (or one for the whole body).
    pub errors: Vec<FieldError>,
    /// Top-level fields that had an error, so validation does not report them twice.
    pub(crate) failed: BTreeSet<String>,
}

impl EventInput {
    /// Reads an event from a JSON body, collecting an error for every field
    /// of the wrong type or shape instead of stopping at the first.
    ///
    /// The body is read with [`parse_json`]: an object with a key twice, or
    /// with a `__proto__`, `constructor` or `prototype` key, is not accepted.
    pub fn from_json(body: &str) -> ParsedInput {
        match parse_json(body) {
            Ok(value) => Self::from_value(value),
            Err(_) if body.starts_with('\u{FEFF}') => ParsedInput::whole_body(
                "the body starts with a byte order mark (U+FEFF): send the JSON without one",
            ),
            Err(e) => ParsedInput::whole_body(format!(
                "{} {}",
                if e.is_data() {
                    "the body"
                } else {
                    "the body is not valid JSON:"
                },
                describe_json_error(&e)
            )),
        }
    }

    /// Reads an event from a parsed JSON value (see [`EventInput::from_json`]).
    pub fn from_value(value: Value) -> ParsedInput {
        let map =
            match value {
                Value::Object(map) => map,
                Value::Array(_) => return ParsedInput::whole_body(
                    "the body is a JSON array: AppsFlyer takes one event per request, as an object",
                ),
                other => {
                    return ParsedInput::whole_body(format!(
                        "the body must be a JSON object, not {}",
                        json_type(&other)
                    ))
                }
            };
        let mut r = Reader::default();
        let mut i = EventInput::default();
        for (key, v) in map {
            match key.as_str() {
                "appsflyer_id" => i.appsflyer_id = r.string(&key, v),
                "eventName" => i.event_name = r.string(&key, v),
                "eventValue" => i.event_value = r.object_field(&key, v),
                "eventCurrency" => i.event_currency = r.string(&key, v),
                "eventTime" => i.event_time = r.event_time(&key, v),
                "ip" => i.ip = r.string(&key, v),
                "advertising_id" => i.advertising_id = r.string(&key, v),
                "oaid" => i.oaid = r.string(&key, v),
                "amazon_aid" => i.amazon_aid = r.string(&key, v),
                "imei" => i.imei = r.string(&key, v),
                "idfa" => i.idfa = r.string(&key, v),
                "idfv" => i.idfv = r.string(&key, v),
                "customer_user_id" => i.customer_user_id = r.string(&key, v),
                "email_hashed" => i.email_hashed = r.string(&key, v),
                "phone_number_hashed" => i.phone_number_hashed = r.string(&key, v),
                "phone_number_e164_hashed" => i.phone_number_e164_hashed = r.string(&key, v),
                "first_name_hashed" => i.first_name_hashed = r.string(&key, v),
                "last_name_hashed" => i.last_name_hashed = r.string(&key, v),
                "fb_login_id" => i.fb_login_id = r.string(&key, v),
                "app_version_name" => i.app_version_name = r.string(&key, v),
                "app_store" => i.app_store = r.string(&key, v),
                "bundleIdentifier" => i.bundle_identifier = r.string(&key, v),
                "sharing_filter" => i.sharing_filter = r.sharing_filter(&key, v),
                "custom_dimension" => i.custom_dimension = r.string(&key, v),
                "app_type" => i.app_type = r.string(&key, v),
                "custom_data" => i.custom_data = r.object_field(&key, v),
                "os" => i.os = r.string(&key, v),
                "ua" => i.ua = r.string(&key, v),
                "aie" => i.aie = r.boolean(&key, v),
                "att" => i.att = r.integer(&key, v, ErrorCode::InvalidAtt),
                "consent_data" => i.consent_data = r.consent_data(&key, v),
                "app_set_id" => i.app_set_id = r.app_set_id(&key, v),
                "af_events_api" => i.af_events_api = r.flag(&key, v),
                "email" => i.email = r.string(&key, v),
                "phone_number" => i.phone_number = r.string(&key, v),
                "first_name" => i.first_name = r.string(&key, v),
                "last_name" => i.last_name = r.string(&key, v),
                _ => {
                    i.extra.insert(key, v);
                }
            }
        }
        ParsedInput {
            input: i,
            errors: r.errors,
            failed: r.failed,
        }
    }
}

impl ParsedInput {
    fn whole_body(message: impl Into<String>) -> Self {
        ParsedInput {
            input: EventInput::default(),
            errors: alloc::vec![FieldError::new("", ErrorCode::InvalidJson, message)],
            failed: BTreeSet::new(),
        }
    }
}

/// Keys refused at any depth of an event's JSON. They are no AppsFlyer field
/// and, in a JavaScript consumer of the event, reach the object's prototype.
pub const REFUSED_KEYS: &[&str] = &["__proto__", "constructor", "prototype"];

/// Parses JSON the way events are read: as [`serde_json::from_str`] into a
/// [`Value`] (nesting is limited to 128 levels; numbers are kept as the text
/// they were written in, of any size), except that an object
/// holding the same key twice, or one of [`REFUSED_KEYS`], is an error.
/// Parsers disagree on which of two equal keys wins (serde_json and
/// `JSON.parse` take the last, others the first), so such a body has no one
/// meaning. [`describe_json_error`] words the error for people.
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<StrictValue>(text).map(|v| v.0)
}

/// What is wrong with some JSON, without the JSON itself: e.g.
/// `holds the key "eventName" twice in one object (line 1, column 52)`.
pub fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json's messages name the problem, never the input; drop its position suffix.
    let reason = text.split(" at line ").next().unwrap_or_default();
    let reason = if reason == "recursion limit exceeded" {
        "nested more than 128 levels deep"
    } else {
        reason
    };
    format!("{reason} (line {}, column {})", e.line(), e.column())
}

/// How serde_json's `arbitrary_precision` passes a number to a visitor: a
/// map with this one key and the number's text as its value.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A [`Value`] read by [`parse_json`].
struct StrictValue(Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    /// Never called for JSON text: with `arbitrary_precision` serde_json
    /// hands every number over as its text (see `visit_map`). Refusing here
    /// rather than printing the float keeps float formatting out of the build.
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Value, E> {
        Err(E::custom("a number that is not kept as written"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.into()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == NUMBER_TOKEN && out.is_empty() {
                // serde_json (`arbitrary_precision`) hands a number over as a
                // one-entry map holding its text; keep that text as the number.
                let text: String = map.next_value()?;
                return json_number(&text)
                    .map(|n| Value::Number(serde_json::Number::from_string_unchecked(n)))
                    .ok_or_else(|| A::Error::custom("holds a number that is not a JSON number"));
            }
            if REFUSED_KEYS.contains(&key.as_str()) {
                return Err(A::Error::custom(format!(
                    "holds the key \"{key}\", which is not accepted"
                )));
            }
            if out.contains_key(&key) {
                // Only names of the contract are echoed: other keys may be anything.
                return Err(A::Error::custom(if KNOWN_FIELDS.contains(&key.as_str()) {
                    format!("holds the key \"{key}\" twice in one object")
                } else {
                    String::from("holds the same key twice in one object")
                }));
            }
            let StrictValue(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// A JSON number's text (RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`)
/// with its exponent spelled one way (`e`, with its sign: `1E2` → `1e+2`);
/// `None` for anything else.
///
/// serde_json's parser has already read the number when it hands its text
/// over, but an object whose only key is serde_json's private number token
/// looks the same, so the text is checked here: whatever it holds, nothing
/// but a number ever reaches the body. The `Number` is then made from the
/// text as it is (`Number::from_string_unchecked`, serde_json's own way to
/// hold a number as written) rather than parsed again, which would link a
/// float parser and printer into every build for numbers that are never
/// floats here.
fn json_number(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(i);
    if int == 0 || (int > 1 && b[i] == b'0') {
        return None;
    }
    i += int;
    if b.get(i) == Some(&b'.') {
        let frac = digits(i + 1);
        if frac == 0 {
            return None;
        }
        i += 1 + frac;
    }
    let mut out = String::from(&text[..i]);
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let sign = match b.get(i) {
            Some(&s @ (b'+' | b'-')) => {
                i += 1;
                s
            }
            _ => b'+',
        };
        let exp = digits(i);
        if exp == 0 {
            return None;
        }
        out.push('e');
        out.push(char::from(sign));
        out.push_str(&text[i..i + exp]);
        i += exp;
    }
    (i == b.len()).then_some(out)
}

/// A number written as a whole number that fits in an `i64`: `3`, `-12`;
/// not `3.0`, `3e0` or `-0` (numbers are kept as written, see [`parse_json`]).
fn whole_number(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().filter(|_| n.as_str() != "-0")
}

/// The JSON type of a value, for messages (never the value itself: it may be PII).
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads typed fields out of JSON values, remembering what went wrong where.
#[derive(Default)]
struct Reader {
    errors: Vec<FieldError>,
    failed: BTreeSet<String>,
}

impl Reader {
    fn fail<T>(&mut self, key: &str, path: String, code: ErrorCode, message: String) -> Option<T> {
        self.failed.insert(key.to_string());
        self.errors.push(FieldError::new(path, code, message));
        None
    }

    fn wrong_type<T>(&mut self, key: &str, want: &str, got: &Value) -> Option<T> {
        let message = format!("{key} must be {want}, not {}", json_type(got));
        self.fail(key, key.to_string(), ErrorCode::WrongType, message)
    }

    /// `null` means absent, for every field.
    fn string(&mut self, key: &str, v: Value) -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => self.wrong_type(key, "a string", &other),
        }
    }

    fn boolean(&mut self, key: &str, v: Value) -> Option<bool> {
        match v {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            other => self.wrong_type(key, "a boolean (true or false, without quotes)", &other),
        }
    }

    fn flag(&mut self, key: &str, v: Value) -> Option<bool> {
        match v {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            other => self.wrong_type(key, "\"true\"", &other),
        }
    }

    fn integer(&mut self, key: &str, v: Value, code: ErrorCode) -> Option<i64> {
        match v {
            Value::Null => None,
            Value::Number(n) => match whole_number(&n) {
                Some(i) => Some(i),
                None => self.fail(
                    key,
                    key.to_string(),
                    code,
                    format!("{key} must be an integer"),
                ),
            },
            other => self.wrong_type(key, "an integer (without quotes)", &other),
        }
    }

    fn object_field(&mut self, key: &str, v: Value) -> Option<JsonObject> {
        match v {
            Value::Null => None,
            Value::Object(map) => Some(JsonObject::Object(map)),
            Value::String(s) => Some(JsonObject::Stringified(s)),
            other => self.wrong_type(key, "a JSON object or its string form", &other),
        }
    }

    fn event_time(&mut self, key: &str, v: Value) -> Option<EventTime> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(EventTime::Text(s)),
            Value::Number(n) => match whole_number(&n) {
                Some(ms) => Some(EventTime::EpochMillis(ms)),
                None => self.fail(
                    key,
                    key.to_string(),
                    ErrorCode::InvalidEventTime,
                    "eventTime as a number must be whole epoch milliseconds".to_string(),
                ),
            },
            other => self.wrong_type(key, "a string or epoch milliseconds", &other),
        }
    }

    fn sharing_filter(&mut self, key: &str, v: Value) -> Option<SharingFilter> {
        const WANT: &str = "sharing_filter must be \"all\" or a non-empty list of partner ids";
        match v {
            Value::Null => None,
            Value::String(s) if s == "all" => Some(SharingFilter::All),
            Value::Array(items) => {
                let mut ids = Vec::with_capacity(items.len());
                let mut ok = true;
                for (n, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => ids.push(s),
                        other => {
                            ok = false;
                            let msg =
                                format!("partner ids must be strings, not {}", json_type(&other));
                            self.fail::<()>(
                                key,
                                format!("{key}[{n}]"),
                                ErrorCode::InvalidSharingFilter,
                                msg,
                            );
                        }
                    }
                }
                ok.then_some(SharingFilter::Partners(ids))
            }
            _ => self.fail(
                key,
                key.to_string(),
                ErrorCode::InvalidSharingFilter,
                WANT.to_string(),
            ),
        }
    }

    fn consent_data(&mut self, key: &str, v: Value) -> Option<ConsentData> {
        const WANT: &str = "consent_data must be {\"tcf\": {…}} or {\"manual\": {…}}";
        let code = ErrorCode::InvalidConsentData;
        let map = match v {
            Value::Null => return None,
            Value::Object(map) if map.len() == 1 => map,
            _ => return self.fail(key, key.to_string(), code, WANT.to_string()),
        };
        let (form, inner) = map.into_iter().next()?;
        let Value::Object(inner) = inner else {
            return self.fail(
                key,
                format!("{key}.{form}"),
                code,
                format!("{key}.{form} must be an object"),
            );
        };
        let mut obj = ObjectReader::new(self, key, format!("{key}.{form}"), code, inner);
        let consent = match form.as_str() {
            "tcf" => {
                let policy_version = obj.integer("policy_version");
                let gdpr_applies = obj.integer("gdpr_applies");
                let cmp_sdk_id = obj.integer("cmp_sdk_id");
                let cmp_sdk_version = obj.integer("cmp_sdk_version");
                let tcstring = obj.string("tcstring");
                obj.finish()?;
                ConsentData::Tcf(TcfConsent {
                    policy_version: policy_version?,
                    gdpr_applies: gdpr_applies?,
                    cmp_sdk_id: cmp_sdk_id?,
                    cmp_sdk_version: cmp_sdk_version?,
                    tcstring: tcstring?,
                })
            }
            "manual" => {
                let gdpr_applies = obj.boolean("gdpr_applies", true);
                let ad_user_data_enabled = obj.boolean("ad_user_data_enabled", false);
                let ad_personalization_enabled = obj.boolean("ad_personalization_enabled", false);
                obj.finish()?;
                ConsentData::Manual(ManualConsent {
                    gdpr_applies: gdpr_applies??,
                    ad_user_data_enabled: ad_user_data_enabled?,
                    ad_personalization_enabled: ad_personalization_enabled?,
                })
            }
            _ => {
                drop(obj);
                return self.fail(key, format!("{key}.{form}"), code, WANT.to_string());
            }
        };
        Some(consent)
    }

    fn app_set_id(&mut self, key: &str, v: Value) -> Option<AppSetId> {
        let code = ErrorCode::InvalidAppSetId;
        let map = match v {
            Value::Null => return None,
            Value::Object(map) => map,
            _ => {
                let msg = "app_set_id must be {\"scope\": 1 or 2, \"id\": \"<uuid>\"}".to_string();
                return self.fail(key, key.to_string(), code, msg);
            }
        };
        let mut obj = ObjectReader::new(self, key, key.to_string(), code, map);
        let scope = obj.integer("scope");
        let id = obj.string("id");
        obj.finish()?;
        Some(AppSetId {
            scope: scope?,
            id: id?,
        })
    }
}

/// Reads the members of a nested object of a fixed shape, reporting each
/// missing, mistyped or unknown member at its own path.
struct ObjectReader<'r> {
    reader: &'r mut Reader,
    key: &'r str,
    path: String,
    code: ErrorCode,
    map: Map<String, Value>,
    ok: bool,
}

impl<'r> ObjectReader<'r> {
    fn new(
        reader: &'r mut Reader,
        key: &'r str,
        path: String,
        code: ErrorCode,
        map: Map<String, Value>,
    ) -> Self {
        ObjectReader {
            reader,
            key,
            path,
            code,
            map,
            ok: true,
        }
    }

    fn error(&mut self, member: &str, message: String) {
        self.ok = false;
        let path = format!("{}.{member}", self.path);
        self.reader.fail::<()>(self.key, path, self.code, message);
    }

    fn take(&mut self, member: &str, required: bool) -> Option<Value> {
        match self.map.remove(member) {
            None | Some(Value::Null) if required => {
                self.error(member, format!("{member} is required"));
                None
            }
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn integer(&mut self, member: &str) -> Option<i64> {
        let value = self.take(member, true)?;
        if let Value::Number(n) = &value {
            if let Some(i) = whole_number(n) {
                return Some(i);
            }
        }
        self.error(
            member,
            format!("{member} must be an integer, not {}", json_type(&value)),
        );
        None
    }

    fn string(&mut self, member: &str) -> Option<String> {
        match self.take(member, true)? {
            Value::String(s) => Some(s),
            other => {
                self.error(
                    member,
                    format!("{member} must be a string, not {}", json_type(&other)),
                );
                None
            }
        }
    }

    /// `Some(None)` when an optional member is absent; `None` on error.
    fn boolean(&mut self, member: &str, required: bool) -> Option<Option<bool>> {
        match self.take(member, required) {
            None if required => None,
            None => Some(None),
            Some(Value::Bool(b)) => Some(Some(b)),
            Some(other) => {
                self.error(
                    member,
                    format!("{member} must be a boolean, not {}", json_type(&other)),
                );
                None
            }
        }
    }

    /// Reports unknown members; `None` if anything in the object was wrong.
    fn finish(mut self) -> Option<()> {
        let unknown: Vec<String> = self.map.keys().cloned().collect();
        for member in unknown {
            self.error(
                &member,
                format!("{member} is not a member of {}", self.path),
            );
        }
        self.ok.then_some(())
    }
}

/// The wire event: the exact JSON body AppsFlyer receives, with its field names.
///
/// Built by [`crate::build_event`]: validated, PII hashed, `eventValue` and
/// `custom_data` stringified, `eventTime` in UTC `yyyy-mm-dd hh:mm:ss.sss`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// `appsflyer_id`.
    pub appsflyer_id: String,
    /// `eventName`.
    #[serde(rename = "eventName")]
    pub event_name: String,
    /// `eventValue`: a stringified JSON object or `""`.
    #[serde(rename = "eventValue")]
    pub event_value: String,
    /// `eventCurrency`.
    #[serde(rename = "eventCurrency", skip_serializing_if = "Option::is_none")]
    pub event_currency: Option<String>,
    /// `eventTime`, UTC `yyyy-mm-dd hh:mm:ss.sss`.
    #[serde(rename = "eventTime", skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// `ip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// `advertising_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advertising_id: Option<String>,
    /// `oaid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oaid: Option<String>,
    /// `amazon_aid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amazon_aid: Option<String>,
    /// `imei`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imei: Option<String>,
    /// `idfa`, uppercase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idfa: Option<String>,
    /// `idfv`, uppercase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idfv: Option<String>,
    /// `customer_user_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_user_id: Option<String>,
    /// `email_hashed`: lowercase hex SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_hashed: Option<String>,
    /// `phone_number_hashed`: lowercase hex SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_hashed: Option<String>,
    /// `phone_number_e164_hashed`: lowercase hex SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_e164_hashed: Option<String>,
    /// `first_name_hashed`: lowercase hex SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name_hashed: Option<String>,
    /// `last_name_hashed`: lowercase hex SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name_hashed: Option<String>,
    /// `fb_login_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fb_login_id: Option<String>,
    /// `app_version_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_version_name: Option<String>,
    /// `app_store`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_store: Option<String>,
    /// `bundleIdentifier`.
    #[serde(rename = "bundleIdentifier", skip_serializing_if = "Option::is_none")]
    pub bundle_identifier: Option<String>,
    /// `sharing_filter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing_filter: Option<SharingFilter>,
    /// `custom_dimension`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_dimension: Option<String>,
    /// `app_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
    /// `custom_data`: a stringified JSON object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
    /// `os`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// `ua`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ua: Option<String>,
    /// `aie`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aie: Option<bool>,
    /// `att`, 0 to 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub att: Option<u8>,
    /// `consent_data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_data: Option<ConsentData>,
    /// `app_set_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_set_id: Option<AppSetId>,
    /// `af_events_api`: `"true"` when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub af_events_api: Option<&'static str>,
    /// Fields the contract does not name, passed through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
