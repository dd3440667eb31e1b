//! The wire event: the exact JSON body AppsFlyer receives, with its field names.

use alloc::string::String;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::input::{AppSetId, ConsentData, SharingFilter};

/// The wire event: the exact JSON body AppsFlyer receives, with its field names.
///
/// Built by [`crate::build_event`]: validated, PII hashed, `eventValue` and
/// `custom_data` stringified, `eventTime` in UTC `yyyy-mm-dd hh:mm:ss.sss`.
#[non_exhaustive]
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
