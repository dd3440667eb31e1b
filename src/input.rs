//! What callers give: [`EventInput`], every body field of the Send Event API
//! by its AppsFlyer name plus raw PII (`email`, `phone_number`, `first_name`,
//! `last_name`) that [`crate::build_event`] normalizes and hashes, and
//! [`EventInput::from_json`], which reads it from JSON and reports every
//! field of the wrong type.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ErrorCode, FieldError};
use crate::json::{describe_json_error, json_type, parse_json};

mod reader;

use reader::Reader;

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
/// build the wire [`crate::Event`] with [`crate::build_event`]. From JSON, use
/// [`EventInput::from_json`], which reports every field of the wrong type.
#[non_exhaustive]
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
                "att" => i.att = r.att(&key, v),
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
