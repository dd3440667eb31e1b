//! What a failed event or request call throws: `{ errors: [{ field, code,
//! message }] }`, a plain object the package's JavaScript glue
//! (`pkg/lib/hashing.mjs`) turns into an `S2SError`. Only in the full build;
//! the hashing helpers throw one problem as a string (`hashing::fail`).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

/// Sets `obj[key] = value` on a plain object.
pub(crate) fn set(obj: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh, ordinary object cannot fail, so the
    // `Result` carries nothing to handle.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// `{ field, code, message }`.
pub(crate) fn problem(field: &str, code: &str, message: &str) -> Object {
    let obj = Object::new();
    set(&obj, "field", &field.into());
    set(&obj, "code", &code.into());
    set(&obj, "message", &message.into());
    obj
}

/// What the glue turns into an `S2SError`: `{ errors: [...] }`.
pub(crate) fn failure(errors: Array) -> JsValue {
    let obj = Object::new();
    set(&obj, "errors", &errors);
    obj.into()
}

/// A failure with one problem.
#[cfg(feature = "crossing-probe")]
pub(crate) fn fail(field: &str, code: appsflyer_s2s::error::ErrorCode, message: &str) -> JsValue {
    failure(core::iter::once(problem(field, code.as_str(), message)).collect())
}
