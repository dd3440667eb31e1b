//! From an [`EventInput`] to the exact body AppsFlyer gets, collecting every
//! problem on the way.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::Value;

use crate::error::{Error, ErrorCode, FieldError, Warning, WarningCode};
use crate::event::Event;
use crate::hash::{is_sha256_hex, sha256_hex};
use crate::input::{EventInput, EventTime, JsonObject, ParsedInput, KNOWN_FIELDS};
use crate::json::{describe_json_error, json_type, parse_json};
use crate::normalize::{self, NormalizeError};
use crate::pii::{self, Found, PiiKind};
use crate::time::{self, TimeForm, Timestamp};
use crate::{phone, validate, MAX_BODY_BYTES};

/// How to build events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    default_region: Option<String>,
    app_id: Option<String>,
    forward_unknown_fields: bool,
}

impl BuildOptions {
    /// Options with no default phone region: only international numbers (`+…`) parse.
    pub fn new() -> Self {
        Self::default()
    }

    /// The ISO 3166-1 alpha-2 region (`"US"`) for phone numbers written in national form.
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.default_region = Some(region.into());
        self
    }

    /// The default phone region, if set.
    pub fn region(&self) -> Option<&str> {
        self.default_region.as_deref()
    }

    /// The app the event is for: its id is then checked with the event
    /// (e.g. a numeric iOS id without `id`, which AppsFlyer silently drops),
    /// and reported as field `app_id` among the event's errors.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// Whether top-level fields the contract does not name are sent on
    /// unchanged (with an `unknown_field` warning) instead of refused (an
    /// `unknown_field` error, the default). Turn it on only for fields
    /// AppsFlyer added after this version: a misspelled field is then sent
    /// as it is. Personal data is refused either way ([`ErrorCode::RawPii`]):
    /// a field whose name is a PII field spelled differently or looks like
    /// personal data, and any value holding an email address.
    pub fn forward_unknown_fields(mut self, forward: bool) -> Self {
        self.forward_unknown_fields = forward;
        self
    }

    /// Whether unknown fields are forwarded (see [`BuildOptions::forward_unknown_fields`]).
    pub fn forwards_unknown_fields(&self) -> bool {
        self.forward_unknown_fields
    }
}

/// An event ready to send.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltEvent {
    /// The wire event.
    pub event: Event,
    /// Its exact JSON body, compact, at most [`MAX_BODY_BYTES`] bytes.
    pub body: String,
    /// What was accepted but changed or worth a look.
    pub warnings: Vec<Warning>,
}

impl BuiltEvent {
    /// Size of the body in bytes, as AppsFlyer counts it.
    pub fn bytes(&self) -> usize {
        self.body.len()
    }
}

/// Everything validation found: errors, warnings, and the event if there were no errors.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Every problem, in field order; empty when the event can be sent.
    pub errors: Vec<FieldError>,
    /// Every warning, also for invalid events.
    pub warnings: Vec<Warning>,
    /// The built event, when `errors` is empty.
    pub event: Option<BuiltEvent>,
}

impl Report {
    /// Whether the event can be sent.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    fn into_result(self) -> Result<BuiltEvent, Error> {
        match (self.event, Error::from_errors(self.errors)) {
            (Some(built), None) => Ok(built),
            (_, Some(error)) => Err(error),
            (None, None) => unreachable_report(),
        }
    }
}

#[cold]
fn unreachable_report() -> Result<BuiltEvent, Error> {
    // A report without errors always carries its event; keep a real error
    // rather than a panic should that ever change.
    Err(Error::single(FieldError::new(
        "",
        ErrorCode::Internal,
        "the event was found valid but not built",
    )))
}

/// Validates, normalizes and hashes an event, giving the body to send or every error.
pub fn build_event(input: EventInput, options: &BuildOptions) -> Result<BuiltEvent, Error> {
    validate_event(input, options).into_result()
}

/// [`build_event`] from a JSON body: fields of the wrong type are reported with the rest.
pub fn build_event_json(body: &str, options: &BuildOptions) -> Result<BuiltEvent, Error> {
    validate_event_json(body, options).into_result()
}

/// Everything [`build_event`] would find, with the warnings even when there are errors.
pub fn validate_event(input: EventInput, options: &BuildOptions) -> Report {
    Builder::new(Vec::new(), BTreeSet::new(), options).run(input)
}

/// [`validate_event`] from a JSON body.
pub fn validate_event_json(body: &str, options: &BuildOptions) -> Report {
    EventInput::from_json(body).validate(options)
}

impl ParsedInput {
    /// Validates what [`EventInput::from_json`] read, reporting the fields it
    /// could not read together with the rest. The input may be changed first
    /// (e.g. a server filling a missing `ip`, or taking out a field of its own).
    pub fn validate(self, options: &BuildOptions) -> Report {
        if self.errors.iter().any(|e| e.code == ErrorCode::InvalidJson) {
            return Report {
                errors: self.errors,
                warnings: Vec::new(),
                event: None,
            };
        }
        Builder::new(self.errors, self.failed, options).run(self.input)
    }

    /// [`ParsedInput::validate`], giving the event or every error.
    pub fn build(self, options: &BuildOptions) -> Result<BuiltEvent, Error> {
        self.validate(options).into_result()
    }
}

/// Which normalization a PII field takes.
#[derive(Clone, Copy)]
enum Pii {
    Email,
    Name,
    PhoneDigits,
    PhoneE164,
}

impl Pii {
    fn code(self) -> ErrorCode {
        match self {
            Pii::Email => ErrorCode::InvalidEmail,
            Pii::Name => ErrorCode::InvalidName,
            Pii::PhoneDigits | Pii::PhoneE164 => ErrorCode::InvalidPhone,
        }
    }

    fn normalize(self, raw: &str, region: Option<&str>) -> Result<String, NormalizeError> {
        match self {
            Pii::Email => normalize::email(raw),
            Pii::Name => normalize::name(raw),
            Pii::PhoneDigits => normalize::phone_digits(raw, region),
            Pii::PhoneE164 => normalize::phone_e164(raw, region),
        }
    }
}

struct Builder<'o> {
    errors: Vec<FieldError>,
    warnings: Vec<Warning>,
    /// Fields already reported while reading JSON.
    failed: BTreeSet<String>,
    region: Option<&'o str>,
    forward_unknown: bool,
}

impl<'o> Builder<'o> {
    fn new(errors: Vec<FieldError>, failed: BTreeSet<String>, options: &'o BuildOptions) -> Self {
        let mut b = Builder {
            errors,
            warnings: Vec::new(),
            failed,
            region: options.region(),
            forward_unknown: options.forward_unknown_fields,
        };
        if let Some(app_id) = options.app_id.as_deref() {
            if let Err(e) = crate::request::validate_app_id(app_id) {
                b.errors.push(e);
            }
        }
        if let Some(region) = b.region {
            if !phone::is_known_region(region) {
                b.region = None;
                b.error(
                    "default_region",
                    ErrorCode::InvalidRegion,
                    "default_region must be an ISO 3166-1 alpha-2 code that has phone numbers, e.g. \"US\"",
                );
            }
        }
        b
    }

    fn error(&mut self, field: &str, code: ErrorCode, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    fn warn(&mut self, field: &str, code: WarningCode, message: impl Into<String>) {
        self.warnings.push(Warning::new(field, code, message));
    }

    fn required(&mut self, field: &str, value: Option<String>) -> Option<String> {
        match value {
            Some(v) if !v.trim().is_empty() => Some(v),
            _ if self.failed.contains(field) => None,
            Some(_) => {
                self.error(field, ErrorCode::MissingField, format!("{field} is empty"));
                None
            }
            None => {
                self.error(
                    field,
                    ErrorCode::MissingField,
                    format!("{field} is required"),
                );
                None
            }
        }
    }

    /// Takes a rule's verdict: the value, or its error recorded.
    fn check<T>(&mut self, verdict: Result<T, FieldError>) -> Option<T> {
        verdict.map_err(|e| self.errors.push(e)).ok()
    }

    fn run(mut self, i: EventInput) -> Report {
        // The event: who, what, when, in which currency.
        let appsflyer_id = self.required("appsflyer_id", i.appsflyer_id);
        if let Some(id) = &appsflyer_id {
            self.check(validate::appsflyer_id(id));
        }
        let event_name = self.required("eventName", i.event_name);
        if let Some(name) = &event_name {
            self.check(validate::event_name(name));
        }
        let event_value = self.json_object("eventValue", i.event_value);
        let event_currency = i.event_currency.and_then(|c| self.currency(c));
        let event_time = i.event_time.and_then(|t| self.event_time(t));
        // The device.
        if let Some(ip) = &i.ip {
            self.check(validate::ip(ip));
        }
        if let Some(id) = &i.advertising_id {
            self.check(validate::uuid("advertising_id", id));
        }
        let idfa = i.idfa.map(|v| self.ios_uuid("idfa", v));
        let idfv = i.idfv.map(|v| self.ios_uuid("idfv", v));
        // The person: raw PII normalized and hashed.
        let email_hashed = self.pii(
            ("email", i.email),
            ("email_hashed", i.email_hashed),
            Pii::Email,
        );
        let first_name_hashed = self.pii(
            ("first_name", i.first_name),
            ("first_name_hashed", i.first_name_hashed),
            Pii::Name,
        );
        let last_name_hashed = self.pii(
            ("last_name", i.last_name),
            ("last_name_hashed", i.last_name_hashed),
            Pii::Name,
        );
        let (phone_number_hashed, phone_number_e164_hashed) = self.phone(
            i.phone_number,
            i.phone_number_hashed,
            i.phone_number_e164_hashed,
        );
        // Everything else the contract names.
        if let Some(id) = &i.fb_login_id {
            self.check(validate::fb_login_id(id));
        }
        if let Some(app_type) = &i.app_type {
            self.check(validate::app_type(app_type));
        }
        let att = i.att.and_then(|att| self.check(validate::att(att)));
        for errors in [
            i.sharing_filter.as_ref().map(validate::sharing_filter),
            i.consent_data.as_ref().map(validate::consent_data),
            i.app_set_id.as_ref().map(validate::app_set_id),
        ]
        .into_iter()
        .flatten()
        {
            self.errors.extend(errors);
        }
        let custom_data = i
            .custom_data
            .and_then(|c| self.json_object("custom_data", Some(c)));
        // Personal data where it must not be.
        self.no_email_in_text_fields(&[
            ("eventName", &event_name),
            ("customer_user_id", &i.customer_user_id),
            ("custom_dimension", &i.custom_dimension),
            ("app_version_name", &i.app_version_name),
            ("app_store", &i.app_store),
            ("bundleIdentifier", &i.bundle_identifier),
            ("os", &i.os),
            ("ua", &i.ua),
            ("oaid", &i.oaid),
            ("amazon_aid", &i.amazon_aid),
            ("imei", &i.imei),
        ]);
        for (key, value) in &i.extra {
            self.unknown_field(key, value);
        }

        let (Some(appsflyer_id), Some(event_name), Some(event_value), true) = (
            appsflyer_id,
            event_name,
            event_value,
            self.errors.is_empty(),
        ) else {
            return self.report(None);
        };
        let event = Event {
            appsflyer_id,
            event_name,
            event_value,
            event_currency,
            event_time,
            ip: i.ip,
            advertising_id: i.advertising_id,
            oaid: i.oaid,
            amazon_aid: i.amazon_aid,
            imei: i.imei,
            idfa,
            idfv,
            customer_user_id: i.customer_user_id,
            email_hashed,
            phone_number_hashed,
            phone_number_e164_hashed,
            first_name_hashed,
            last_name_hashed,
            fb_login_id: i.fb_login_id,
            app_version_name: i.app_version_name,
            app_store: i.app_store,
            bundle_identifier: i.bundle_identifier,
            sharing_filter: i.sharing_filter,
            custom_dimension: i.custom_dimension,
            app_type: i.app_type,
            custom_data,
            os: i.os,
            ua: i.ua,
            aie: i.aie,
            att,
            consent_data: i.consent_data,
            app_set_id: i.app_set_id,
            af_events_api: i.af_events_api.and_then(|on| on.then_some("true")),
            extra: i.extra,
        };
        self.finish(event)
    }

    /// The body of a valid event, within AppsFlyer's size limit.
    fn finish(mut self, event: Event) -> Report {
        let body = match serde_json::to_string(&event) {
            Ok(body) => body,
            Err(_) => {
                self.error("", ErrorCode::Internal, "the event could not be serialized");
                return self.report(None);
            }
        };
        if body.len() > MAX_BODY_BYTES {
            let message = too_large_message(&body);
            self.error("", ErrorCode::BodyTooLarge, message);
            return self.report(None);
        }
        let warnings = core::mem::take(&mut self.warnings);
        Report {
            errors: Vec::new(),
            warnings: warnings.clone(),
            event: Some(BuiltEvent {
                event,
                body,
                warnings,
            }),
        }
    }

    /// Free-text fields must hold no email address (AppsFlyer forbids
    /// personal data outside the hashed fields).
    fn no_email_in_text_fields(&mut self, fields: &[(&str, &Option<String>)]) {
        for (field, value) in fields {
            if value.as_deref().is_some_and(pii::contains_email_address) {
                let message = format!("{field} holds an email address: AppsFlyer forbids personal data outside the hashed fields; send it as {}", PiiKind::Email.instead());
                self.error(field, ErrorCode::RawPii, message);
            }
        }
    }

    fn report(self, event: Option<BuiltEvent>) -> Report {
        Report {
            errors: self.errors,
            warnings: self.warnings,
            event,
        }
    }

    /// `eventValue` / `custom_data`: an object becomes its compact JSON string;
    /// a string must be `""` or a JSON object. A missing `eventValue` is `""`.
    fn json_object(&mut self, field: &str, value: Option<JsonObject>) -> Option<String> {
        let (text, object) = match value {
            None if self.failed.contains(field) => return None,
            None => return Some(String::new()),
            Some(JsonObject::Object(map)) => match serde_json::to_string(&map) {
                Ok(text) => (text, Some(map)),
                Err(_) => {
                    self.error(
                        field,
                        ErrorCode::Internal,
                        format!("{field} could not be serialized"),
                    );
                    return None;
                }
            },
            Some(JsonObject::Stringified(text)) => {
                if text.is_empty() {
                    return Some(text);
                }
                match parse_json(&text) {
                    Ok(Value::Object(map)) => (text, Some(map)),
                    Ok(other) => {
                        let message = format!(
                            "{field} must hold a stringified JSON object or \"\", not {}",
                            json_type(&other)
                        );
                        self.error(field, ErrorCode::InvalidJsonObject, message);
                        return None;
                    }
                    Err(e) => {
                        let problem = if e.is_data() {
                            ""
                        } else {
                            "is not valid JSON: "
                        };
                        let message = format!("{field} must be a stringified JSON object or \"\"; this string {problem}{}", describe_json_error(&e));
                        self.error(field, ErrorCode::InvalidJsonObject, message);
                        return None;
                    }
                }
            }
        };
        if let Some(object) = &object {
            self.no_pii_inside(pii::scan_object(field, object));
        }
        if field == "eventValue" {
            if let Some(revenue) = object.as_ref().and_then(|m| m.get("af_revenue")) {
                self.check(validate::af_revenue(revenue));
            }
        }
        Some(text)
    }

    /// A top-level field the contract does not name: personal data under
    /// another name is always refused; anything else is refused too unless
    /// unknown fields are forwarded.
    fn unknown_field(&mut self, key: &str, value: &Value) {
        let shown = pii::display_name(key);
        if pii::contains_email_address(key) {
            self.error(
                "",
                ErrorCode::RawPii,
                "the name of a top-level field is an email address: AppsFlyer forbids personal data outside the hashed fields",
            );
            return;
        }
        let known = suggest(key);
        if let Some(kind) = known
            .and_then(pii_field_kind)
            .or_else(|| pii::name_kind(key))
        {
            let message = match known {
                Some(known) => format!("{shown} is {known} spelled differently: AppsFlyer forbids personal data under any other name; send it as {}", pii_field_instead(known, kind)),
                None => format!("{shown} looks like {kind}: AppsFlyer forbids personal data outside the hashed fields; send it as {}", kind.instead()),
            };
            self.error(&shown, ErrorCode::RawPii, message);
            return;
        }
        if !self.forward_unknown {
            let message = match known {
                Some(known) => format!("{shown} is not an AppsFlyer field (did you mean {known}?)"),
                None => format!("{shown} is not an AppsFlyer field: leave it out, or forward unknown fields explicitly for a field AppsFlyer added after this version"),
            };
            self.error(&shown, ErrorCode::UnknownField, message);
            return;
        }
        if !self.no_pii_inside(pii::scan(&shown, value)) {
            return;
        }
        let message = match known {
            Some(known) => {
                format!("{shown} is not an AppsFlyer field (did you mean {known}?); sent unchanged")
            }
            None => format!("{shown} is not an AppsFlyer field; sent unchanged, not hashed"),
        };
        self.warn(&shown, WarningCode::UnknownField, message);
    }

    /// Personal data found inside a value (`eventValue`, `custom_data`, a
    /// forwarded unknown field): each finding an error; `true` if none.
    fn no_pii_inside(&mut self, findings: Vec<pii::Finding>) -> bool {
        for finding in &findings {
            let at = &finding.path;
            let message = match finding.found {
                Found::Name(kind) => format!("{at} looks like {kind}: AppsFlyer forbids personal data outside the hashed fields; send it as {}", kind.instead()),
                Found::EmailValue => format!("{at} holds an email address: AppsFlyer forbids personal data outside the hashed fields; send it as {}", PiiKind::Email.instead()),
                Found::EmailKey => format!("a key of {at} is an email address: AppsFlyer forbids personal data outside the hashed fields"),
            };
            self.error(at, ErrorCode::RawPii, message);
        }
        findings.is_empty()
    }

    fn currency(&mut self, code: String) -> Option<String> {
        let upper = self.check(validate::event_currency(&code))?;
        if upper != code {
            self.warn(
                "eventCurrency",
                WarningCode::CurrencyUppercased,
                "eventCurrency was uppercased",
            );
        }
        Some(upper)
    }

    fn event_time(&mut self, t: EventTime) -> Option<String> {
        let parsed = match t {
            EventTime::Text(text) => time::parse(&text),
            EventTime::EpochMillis(ms) => {
                Timestamp::from_epoch_millis(ms).map(|t| (t, TimeForm::EpochMillis))
            }
        };
        match parsed {
            Ok((t, form)) => {
                if form != TimeForm::AppsFlyer {
                    self.warn(
                        "eventTime",
                        WarningCode::EventTimeConverted,
                        "eventTime was converted to AppsFlyer's UTC form yyyy-mm-dd hh:mm:ss.sss",
                    );
                }
                Some(t.to_appsflyer())
            }
            Err(e) => {
                self.error("eventTime", ErrorCode::InvalidEventTime, e.to_string());
                None
            }
        }
    }

    fn ios_uuid(&mut self, field: &str, id: String) -> String {
        if self.check(validate::uuid(field, &id)).is_none() {
            return id;
        }
        match validate::uppercase_uuid(&id) {
            Some(upper) => {
                let message = format!("{field} was uppercased, as AppsFlyer requires");
                self.warn(field, WarningCode::UuidUppercased, message);
                upper
            }
            None => id,
        }
    }

    /// A raw PII field and its `*_hashed` field, to one digest.
    fn pii(
        &mut self,
        (raw_field, raw): (&str, Option<String>),
        (hashed_field, hashed): (&str, Option<String>),
        kind: Pii,
    ) -> Option<String> {
        let from_raw = present(raw).and_then(|raw| self.hash_raw(raw_field, &raw, kind));
        let from_hashed = present(hashed).and_then(|h| self.hashed(hashed_field, &h, kind));
        self.reconcile(raw_field, hashed_field, from_raw, from_hashed)
    }

    /// `phone_number` feeds both phone digests; each `*_hashed` field may also be given.
    fn phone(
        &mut self,
        raw: Option<String>,
        hashed: Option<String>,
        e164_hashed: Option<String>,
    ) -> (Option<String>, Option<String>) {
        let (mut digits, mut e164) = (None, None);
        if let Some(raw) = present(raw) {
            match phone::parse(&raw, self.region) {
                Ok(number) => {
                    digits = Some(sha256_hex(&number.digits()));
                    e164 = Some(sha256_hex(&number.e164()));
                }
                Err(e) => {
                    let message = phone_message("phone_number", e);
                    self.error("phone_number", ErrorCode::InvalidPhone, message);
                }
            }
        }
        let given =
            present(hashed).and_then(|h| self.hashed("phone_number_hashed", &h, Pii::PhoneDigits));
        let given_e164 = present(e164_hashed)
            .and_then(|h| self.hashed("phone_number_e164_hashed", &h, Pii::PhoneE164));
        (
            self.reconcile("phone_number", "phone_number_hashed", digits, given),
            self.reconcile("phone_number", "phone_number_e164_hashed", e164, given_e164),
        )
    }

    fn hash_raw(&mut self, field: &str, raw: &str, kind: Pii) -> Option<String> {
        match kind.normalize(raw, self.region) {
            Ok(normalized) => Some(sha256_hex(&normalized)),
            Err(e) => {
                let message = match e {
                    NormalizeError::Phone(e) => phone_message(field, e),
                    NormalizeError::Email => {
                        format!("{field} is not an email address (empty, or no `@`)")
                    }
                    _ => format!("{field} is empty once trimmed"),
                };
                self.error(field, kind.code(), message);
                None
            }
        }
    }

    /// A `*_hashed` field: a digest passes through lowercased; a raw value is
    /// normalized and hashed, with a warning.
    fn hashed(&mut self, field: &str, value: &str, kind: Pii) -> Option<String> {
        let trimmed = value.trim();
        if is_sha256_hex(trimmed) {
            if trimmed.bytes().any(|b| b.is_ascii_uppercase()) || trimmed.len() != value.len() {
                let message = format!("{field} was lowercased (and trimmed): AppsFlyer matches lowercase hex digests only");
                self.warn(field, WarningCode::HashLowercased, message);
            }
            return Some(trimmed.to_ascii_lowercase());
        }
        let digest = self.hash_raw(field, value, kind)?;
        let message =
            format!("{field} held a raw value, not a SHA-256 digest: it was normalized and hashed");
        self.warn(field, WarningCode::RawValueHashed, message);
        Some(digest)
    }

    fn reconcile(
        &mut self,
        raw_field: &str,
        hashed_field: &str,
        from_raw: Option<String>,
        from_hashed: Option<String>,
    ) -> Option<String> {
        match (from_raw, from_hashed) {
            (Some(a), Some(b)) if a != b => {
                let message = format!("{hashed_field} is not the hash of {raw_field}: send one of them, or both for the same person");
                self.error(hashed_field, ErrorCode::ConflictingFields, message);
                None
            }
            (a, b) => a.or(b),
        }
    }
}

/// An empty or blank PII value means "not known": treated as absent.
fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// `phone_number is not a possible phone number: the phone number is too short`.
fn phone_message(field: &str, e: phone::PhoneError) -> String {
    match e {
        phone::PhoneError::InvalidRegion => format!("{field} cannot be read: {}", e.message()),
        _ => format!("{field} is not a possible phone number: {}", e.message()),
    }
}

/// The kind of personal data a known field holds, raw or hashed.
fn pii_field_kind(field: &str) -> Option<PiiKind> {
    match field {
        "email" | "email_hashed" => Some(PiiKind::Email),
        "phone_number" | "phone_number_hashed" | "phone_number_e164_hashed" => Some(PiiKind::Phone),
        "first_name" | "first_name_hashed" => Some(PiiKind::FirstName),
        "last_name" | "last_name_hashed" => Some(PiiKind::LastName),
        _ => None,
    }
}

/// The field to use for a misspelled PII field: the hashed one for a
/// misspelled `*_hashed`, else the raw field the builder hashes.
fn pii_field_instead(known: &str, kind: PiiKind) -> String {
    if known.ends_with("_hashed") {
        format!("{known} (a SHA-256 digest, or the raw value to hash)")
    } else {
        String::from(kind.instead())
    }
}

/// A known field whose name differs from `key` only in case, `_`, `-`,
/// `.` or spaces (`Email`, `first-name`, `phoneNumber`, `event name`).
fn suggest(key: &str) -> Option<&'static str> {
    fn squash(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
            .map(|c| c.to_ascii_lowercase())
    }
    KNOWN_FIELDS
        .iter()
        .copied()
        .find(|known| squash(known).eq(squash(key)))
}

/// "body is N bytes, over 1024; biggest fields: eventValue (612 bytes), …".
///
/// The sizes come from the body itself, read back: each field as written in
/// it (no second serializer of the event, which would re-read its numbers).
fn too_large_message(body: &str) -> String {
    let size = body.len();
    let mut sizes: Vec<(usize, String)> = match parse_json(body) {
        Ok(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let value_len = serde_json::to_string(v).map_or(0, |s| s.len());
                // "key":value plus the separating comma.
                (k.len() + 3 + value_len + 1, k.clone())
            })
            .collect(),
        _ => Vec::new(),
    };
    // The three biggest, the first key on ties (no sort needed for three).
    let mut biggest: Vec<String> = Vec::new();
    for _ in 0..3 {
        let Some(at) = (0..sizes.len()).reduce(|a, b| if sizes[b].0 > sizes[a].0 { b } else { a })
        else {
            break;
        };
        let (n, k) = sizes.swap_remove(at);
        biggest.push(format!("{k} ({n} bytes)"));
    }
    format!(
        "the body is {size} bytes, over AppsFlyer's {MAX_BODY_BYTES}-byte limit; biggest fields: {}",
        biggest.join(", ")
    )
}
