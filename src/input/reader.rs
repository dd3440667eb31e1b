//! Reading typed fields out of JSON values, remembering what went wrong where.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value};

use super::{
    AppSetId, ConsentData, EventTime, JsonObject, ManualConsent, SharingFilter, TcfConsent,
};
use crate::error::{ErrorCode, FieldError};
use crate::json::{json_type, whole_number};

/// Reads typed fields out of JSON values, remembering what went wrong where.
#[derive(Default)]
pub(super) struct Reader {
    pub(super) errors: Vec<FieldError>,
    pub(super) failed: BTreeSet<String>,
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
    pub(super) fn string(&mut self, key: &str, v: Value) -> Option<String> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => self.wrong_type(key, "a string", &other),
        }
    }

    pub(super) fn boolean(&mut self, key: &str, v: Value) -> Option<bool> {
        match v {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            other => self.wrong_type(key, "a boolean (true or false, without quotes)", &other),
        }
    }

    pub(super) fn flag(&mut self, key: &str, v: Value) -> Option<bool> {
        match v {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            other => self.wrong_type(key, "\"true\"", &other),
        }
    }

    /// `att`: a whole number (its range is [`crate::validate::att`]'s); a
    /// number that is not whole breaks the same rule.
    pub(super) fn att(&mut self, key: &str, v: Value) -> Option<i64> {
        match v {
            Value::Null => None,
            Value::Number(n) => match whole_number(&n) {
                Some(i) => Some(i),
                None => {
                    let message = crate::validate::ATT_MESSAGE.to_string();
                    self.fail(key, key.to_string(), ErrorCode::InvalidAtt, message)
                }
            },
            other => self.wrong_type(key, "an integer (without quotes)", &other),
        }
    }

    pub(super) fn object_field(&mut self, key: &str, v: Value) -> Option<JsonObject> {
        match v {
            Value::Null => None,
            Value::Object(map) => Some(JsonObject::Object(map)),
            Value::String(s) => Some(JsonObject::Stringified(s)),
            other => self.wrong_type(key, "a JSON object or its string form", &other),
        }
    }

    pub(super) fn event_time(&mut self, key: &str, v: Value) -> Option<EventTime> {
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

    pub(super) fn sharing_filter(&mut self, key: &str, v: Value) -> Option<SharingFilter> {
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
                            let msg = format!(
                                "{key}[{n}] must be a string (a partner id), not {}",
                                json_type(&other)
                            );
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

    pub(super) fn consent_data(&mut self, key: &str, v: Value) -> Option<ConsentData> {
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
                let form = crate::pii::display_name(&form);
                let message = format!("{key}.{form} is not a form of consent: {WANT}");
                return self.fail(key, format!("{key}.{form}"), code, message);
            }
        };
        Some(consent)
    }

    pub(super) fn app_set_id(&mut self, key: &str, v: Value) -> Option<AppSetId> {
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

    /// `problem` follows the member's path in the message: `is required`
    /// gives `consent_data.tcf.tcstring is required`.
    fn error(&mut self, member: &str, problem: &str) {
        self.ok = false;
        let path = format!("{}.{}", self.path, crate::pii::display_name(member));
        let message = format!("{path} {problem}");
        self.reader.fail::<()>(self.key, path, self.code, message);
    }

    fn take(&mut self, member: &str, required: bool) -> Option<Value> {
        match self.map.remove(member) {
            None | Some(Value::Null) if required => {
                self.error(member, "is required");
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
        let problem = format!("must be an integer, not {}", json_type(&value));
        self.error(member, &problem);
        None
    }

    fn string(&mut self, member: &str) -> Option<String> {
        match self.take(member, true)? {
            Value::String(s) => Some(s),
            other => {
                let problem = format!("must be a string, not {}", json_type(&other));
                self.error(member, &problem);
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
                let problem = format!("must be a boolean, not {}", json_type(&other));
                self.error(member, &problem);
                None
            }
        }
    }

    /// Reports unknown members; `None` if anything in the object was wrong.
    fn finish(mut self) -> Option<()> {
        let unknown: Vec<String> = self.map.keys().cloned().collect();
        for member in unknown {
            let problem = format!("is not a member of {}", self.path);
            self.error(&member, &problem);
        }
        self.ok.then_some(())
    }
}
