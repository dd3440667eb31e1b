//! Reading JSON strictly: events are read from JSON with serde_json, except
//! that an object holding the same key twice, or a key that reaches a
//! JavaScript object's prototype, is an error, and numbers are kept as the
//! text they were written in (serde_json's `arbitrary_precision`).
//!
//! The reading depends on how serde_json hands a number to a visitor with
//! `arbitrary_precision`: as a one-entry map under a private token. An object
//! written with that key looks the same to a visitor, so the number's text is
//! checked against JSON's number grammar ([`json_number`]) before it is kept:
//! whatever such an object holds, only a number can come out of it.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value};

use crate::input::KNOWN_FIELDS;

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
pub(crate) fn whole_number(n: &serde_json::Number) -> Option<i64> {
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
