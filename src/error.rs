//! The crate's one error type: every problem found in an event, each with a
//! stable code and the path of the field it concerns.
//!
//! # Why a list of field errors
//!
//! An event is a form a person fills in, often far from where it is sent:
//! in a CRM export, an app, a warehouse query. Stopping at the first problem
//! would make them fix one field per round trip, and a batch of rows would
//! need as many passes as it has kinds of mistakes. So validation never
//! stops early: [`Error`] carries every [`FieldError`] found, each with
//!
//! - `field`, the path of the field by its AppsFlyer name
//!   (`consent_data.tcf.gdpr_applies`, `sharing_filter[2]`; `""` for the
//!   whole body), so a program can point at the cell or input to fix;
//! - `code`, a stable snake_case [`ErrorCode`] that programs match on (it
//!   never changes meaning; new codes may be added, hence `#[non_exhaustive]`);
//! - `message`, a sentence for people that names the field and the rule and
//!   may be reworded. Messages never contain the S2S key or raw PII: they
//!   say what is wrong, never what the value was.
//!
//! Request problems (app id, S2S key, endpoint) and the event's problems
//! are reported together in the same list, since a caller fixes them the
//! same way. [`Error`] is never empty, and one `Vec` keeps it the size of a
//! pointer and two lengths in a `Result`.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// What is wrong with a field. The `as_str` form is stable: clients may match on it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The body is not JSON, or not a JSON object.
    InvalidJson,
    /// A required field (`appsflyer_id`, `eventName`) is absent, `null` or empty.
    MissingField,
    /// A field holds a JSON type the contract does not allow (e.g. a number for `eventName`).
    WrongType,
    /// `appsflyer_id` does not look like `\d{13}-\d+`.
    InvalidAppsflyerId,
    /// The app id is empty, or a numeric iOS app id lacks its `id` prefix
    /// (AppsFlyer answers 200 and drops such events).
    InvalidAppId,
    /// `ip` is not a dotted-quad IPv4 address (IPv6 is not accepted by AppsFlyer).
    InvalidIp,
    /// `idfa` / `idfv` / `advertising_id` / `app_set_id.id` is not a UUID.
    InvalidUuid,
    /// `eventCurrency` is not an ISO 4217 currency code.
    InvalidCurrency,
    /// `att` is not an integer from 0 to 3.
    InvalidAtt,
    /// `sharing_filter` is neither `"all"` nor a non-empty list of non-empty strings.
    InvalidSharingFilter,
    /// `app_type` is neither `""` nor `"app_clip"`.
    InvalidAppType,
    /// `consent_data` is neither a `tcf` nor a `manual` object of the documented shape.
    InvalidConsentData,
    /// `app_set_id` is not `{"scope": 1|2, "id": "<uuid>"}`.
    InvalidAppSetId,
    /// A phone number that libphonenumber would not parse, or would not call possible.
    InvalidPhone,
    /// The default phone region is not a known ISO 3166-1 alpha-2 region.
    InvalidRegion,
    /// An email address that is empty or has no `@`.
    InvalidEmail,
    /// A name that is empty after trimming.
    InvalidName,
    /// `eventTime` is in none of the accepted forms, or is not a real instant.
    InvalidEventTime,
    /// `eventValue` / `custom_data` is a string that is neither `""` nor a JSON object.
    InvalidJsonObject,
    /// `fb_login_id` is not a numeric string.
    InvalidFbLoginId,
    /// `eventName` holds control, invisible or text-direction characters, or
    /// lookalike letters (e.g. a Cyrillic `а` in `af_purchase`): AppsFlyer
    /// would count it as another event than the one it looks like.
    InvalidEventName,
    /// `af_revenue` in `eventValue` is not a plain decimal number (no symbols, no thousands separators).
    InvalidRevenue,
    /// A raw PII field and its `*_hashed` field were both given and disagree.
    ConflictingFields,
    /// The serialized body is over AppsFlyer's 1,024-byte limit.
    BodyTooLarge,
    /// The S2S key is empty.
    MissingS2sKey,
    /// The S2S key holds white space, control or non-ASCII characters: it cannot be a header value.
    InvalidS2sKey,
    /// The endpoint base URL is not an `https://` URL (or `http://` to a
    /// loopback host, for local test upstreams).
    InvalidEndpoint,
    /// Not the caller's doing: the library could not do what it should (a
    /// bug). Report it; the event may be sent again once it is fixed.
    Internal,
    /// A top-level field the contract does not name. Refused by default, so
    /// a misspelled field is never sent as it is; forwarding such fields is
    /// an explicit option ([`crate::BuildOptions::forward_unknown_fields`]).
    UnknownField,
    /// Personal data outside the hashed fields: a PII field under another
    /// spelling (`Email`, `phoneNumber`) or a PII-like name (`customer_email`,
    /// `mobile`, `surname`) at the top level or inside `eventValue` /
    /// `custom_data`, or an email address in a value that is not `email`.
    /// AppsFlyer forbids it; the message names the field to use instead.
    /// Refused even when unknown fields are forwarded.
    RawPii,
}

impl ErrorCode {
    /// Every code, in declaration order: what documentation and typings are
    /// checked against (a test fails to compile when a variant is missing here).
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidJson,
        ErrorCode::MissingField,
        ErrorCode::WrongType,
        ErrorCode::InvalidAppsflyerId,
        ErrorCode::InvalidAppId,
        ErrorCode::InvalidIp,
        ErrorCode::InvalidUuid,
        ErrorCode::InvalidCurrency,
        ErrorCode::InvalidAtt,
        ErrorCode::InvalidSharingFilter,
        ErrorCode::InvalidAppType,
        ErrorCode::InvalidConsentData,
        ErrorCode::InvalidAppSetId,
        ErrorCode::InvalidPhone,
        ErrorCode::InvalidRegion,
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidName,
        ErrorCode::InvalidEventTime,
        ErrorCode::InvalidJsonObject,
        ErrorCode::InvalidFbLoginId,
        ErrorCode::InvalidEventName,
        ErrorCode::InvalidRevenue,
        ErrorCode::ConflictingFields,
        ErrorCode::BodyTooLarge,
        ErrorCode::MissingS2sKey,
        ErrorCode::InvalidS2sKey,
        ErrorCode::InvalidEndpoint,
        ErrorCode::Internal,
        ErrorCode::UnknownField,
        ErrorCode::RawPii,
    ];

    /// The stable snake_case name of the code, e.g. `"invalid_phone"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::InvalidAppsflyerId => "invalid_appsflyer_id",
            ErrorCode::InvalidAppId => "invalid_app_id",
            ErrorCode::InvalidIp => "invalid_ip",
            ErrorCode::InvalidUuid => "invalid_uuid",
            ErrorCode::InvalidCurrency => "invalid_currency",
            ErrorCode::InvalidAtt => "invalid_att",
            ErrorCode::InvalidSharingFilter => "invalid_sharing_filter",
            ErrorCode::InvalidAppType => "invalid_app_type",
            ErrorCode::InvalidConsentData => "invalid_consent_data",
            ErrorCode::InvalidAppSetId => "invalid_app_set_id",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidRegion => "invalid_region",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidEventTime => "invalid_event_time",
            ErrorCode::InvalidJsonObject => "invalid_json_object",
            ErrorCode::InvalidFbLoginId => "invalid_fb_login_id",
            ErrorCode::InvalidEventName => "invalid_event_name",
            ErrorCode::InvalidRevenue => "invalid_revenue",
            ErrorCode::ConflictingFields => "conflicting_fields",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::MissingS2sKey => "missing_s2s_key",
            ErrorCode::InvalidS2sKey => "invalid_s2s_key",
            ErrorCode::InvalidEndpoint => "invalid_endpoint",
            ErrorCode::Internal => "internal",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::RawPii => "raw_pii",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem with one field.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Path of the field in the input, by AppsFlyer name: `eventName`,
    /// `consent_data.tcf.gdpr_applies`, `sharing_filter[2]`; `""` for the whole body.
    pub field: String,
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// What is wrong, for people. Never holds raw PII or a key.
    pub message: String,
}

impl FieldError {
    /// A field error from its parts.
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// The message and the code: `eventCurrency must be an ISO 4217 currency
/// code such as USD or EUR [invalid_currency]`. Messages name their field,
/// so the field is not repeated.
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

/// An event (or request) that cannot be sent, with every reason found.
///
/// Never empty: an `Error` holds at least one [`FieldError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    errors: Vec<FieldError>,
}

impl Error {
    /// An error holding a single field error.
    pub fn single(error: FieldError) -> Self {
        Error {
            errors: alloc::vec![error],
        }
    }

    /// An error from a list of field errors; `None` if the list is empty.
    pub fn from_errors(errors: Vec<FieldError>) -> Option<Self> {
        if errors.is_empty() {
            None
        } else {
            Some(Error { errors })
        }
    }

    /// Every problem found, in field order.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Consumes the error, giving its field errors.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// The code of the first problem: a single summary code for callers that want one.
    pub fn code(&self) -> ErrorCode {
        self.errors[0].code
    }

    /// Whether any problem has this code.
    pub fn has(&self, code: ErrorCode) -> bool {
        self.errors.iter().any(|e| e.code == code)
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Error::single(error)
    }
}

/// Every problem, one after the other: `eventName is required
/// [missing_field]; ip must be a dotted-quad IPv4 address … [invalid_ip]`.
/// (Not "invalid event": the problems may be the app id, the key or the
/// endpoint.)
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

/// Something accepted but worth knowing: the event is sent, perhaps changed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningCode {
    /// A top-level field the contract does not name, passed through
    /// unchanged because the caller asked to forward unknown fields.
    UnknownField,
    /// A `*_hashed` field held a raw value; it was normalized and hashed.
    RawValueHashed,
    /// A `*_hashed` field held uppercase hex; it was lowercased.
    HashLowercased,
    /// An `idfa` / `idfv` in lowercase; it was uppercased as AppsFlyer requires.
    UuidUppercased,
    /// `eventCurrency` in lowercase; it was uppercased.
    CurrencyUppercased,
    /// `eventTime` was converted to AppsFlyer's UTC `yyyy-mm-dd hh:mm:ss.sss` form.
    EventTimeConverted,
}

impl WarningCode {
    /// Every code, in declaration order (see [`ErrorCode::ALL`]).
    pub const ALL: &'static [WarningCode] = &[
        WarningCode::UnknownField,
        WarningCode::RawValueHashed,
        WarningCode::HashLowercased,
        WarningCode::UuidUppercased,
        WarningCode::CurrencyUppercased,
        WarningCode::EventTimeConverted,
    ];

    /// The stable snake_case name of the code.
    pub const fn as_str(self) -> &'static str {
        match self {
            WarningCode::UnknownField => "unknown_field",
            WarningCode::RawValueHashed => "raw_value_hashed",
            WarningCode::HashLowercased => "hash_lowercased",
            WarningCode::UuidUppercased => "uuid_uppercased",
            WarningCode::CurrencyUppercased => "currency_uppercased",
            WarningCode::EventTimeConverted => "event_time_converted",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for WarningCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A note about an accepted field.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Path of the field, as in [`FieldError::field`].
    pub field: String,
    /// Stable machine-readable code.
    pub code: WarningCode,
    /// What happened, for people. Never holds raw PII or a key.
    pub message: String,
}

impl Warning {
    /// A warning from its parts.
    pub fn new(field: impl Into<String>, code: WarningCode, message: impl Into<String>) -> Self {
        Warning {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variants named, as an array, behind an exhaustive `match` on them:
    /// a variant missing from the list is a compile error here.
    macro_rules! every_variant {
        ($enum:ident: $($variant:ident),* $(,)?) => {{
            fn _exhaustive(code: $enum) {
                match code {
                    $($enum::$variant => {})*
                }
            }
            [$($enum::$variant),*]
        }};
    }

    #[test]
    fn all_error_codes_are_every_variant() {
        let every = every_variant!(ErrorCode:
            InvalidJson,
            MissingField,
            WrongType,
            InvalidAppsflyerId,
            InvalidAppId,
            InvalidIp,
            InvalidUuid,
            InvalidCurrency,
            InvalidAtt,
            InvalidSharingFilter,
            InvalidAppType,
            InvalidConsentData,
            InvalidAppSetId,
            InvalidPhone,
            InvalidRegion,
            InvalidEmail,
            InvalidName,
            InvalidEventTime,
            InvalidJsonObject,
            InvalidFbLoginId,
            InvalidEventName,
            InvalidRevenue,
            ConflictingFields,
            BodyTooLarge,
            MissingS2sKey,
            InvalidS2sKey,
            InvalidEndpoint,
            Internal,
            UnknownField,
            RawPii,
        );
        assert_eq!(ErrorCode::ALL, every);
    }

    #[test]
    fn all_warning_codes_are_every_variant() {
        let every = every_variant!(WarningCode:
            UnknownField,
            RawValueHashed,
            HashLowercased,
            UuidUppercased,
            CurrencyUppercased,
            EventTimeConverted,
        );
        assert_eq!(WarningCode::ALL, every);
    }

    #[test]
    fn code_names_are_distinct_snake_case() {
        let errors: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let warnings: Vec<&str> = WarningCode::ALL.iter().map(|c| c.as_str()).collect();
        for names in [errors, warnings] {
            let distinct: alloc::collections::BTreeSet<&str> = names.iter().copied().collect();
            assert_eq!(distinct.len(), names.len(), "{names:?}");
            for name in names {
                assert!(
                    name.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                        && name.starts_with(|c: char| c.is_ascii_lowercase()),
                    "{name}"
                );
            }
        }
    }
}
