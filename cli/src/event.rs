//! A row's fields to the exact body AppsFlyer gets, with the core.

use appsflyer_s2s::request::validate_app_id;
use appsflyer_s2s::EventInput;
use appsflyer_s2s::{BuildOptions, BuiltEvent};
use serde_json::{Map, Value};

use crate::report::RowError;

/// Validates, normalizes and hashes one row's event with the core. A row's
/// own app id (its `app_id` cell) is checked like `--app-id`; every problem
/// is reported at once.
pub fn build_row(
    fields: Map<String, Value>,
    row_app_id: Option<&str>,
    options: &BuildOptions,
) -> Result<BuiltEvent, Vec<RowError>> {
    let report = EventInput::from_value(Value::Object(fields)).validate(options);
    let app_error = row_app_id.and_then(|id| validate_app_id(id).err());
    match (report.event, app_error) {
        (Some(built), None) if report.errors.is_empty() => Ok(built),
        (_, app_error) => Err(app_error
            .into_iter()
            .chain(report.errors)
            .map(RowError::from)
            .collect()),
    }
}
