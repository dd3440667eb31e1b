//! # appsflyer-s2s
//!
//! Build AppsFlyer Server-to-Server in-app events exactly as the
//! [Send Event API](https://dev.appsflyer.com/hc/reference/s2s-events-api3-post)
//! expects them: validated field by field, PII normalized and SHA-256 hashed,
//! `eventTime` in AppsFlyer's UTC format, under the 1 KB body limit, with the
//! request to send and the reading of AppsFlyer's answer as pure functions.
//!
//! The crate is `#![no_std]` with `alloc` and has no features: the same core
//! runs natively, in WebAssembly and in a Cloudflare Worker, and its errors
//! implement `core::error::Error`.
//!
//! ```
//! use appsflyer_s2s::{build_event_json, BuildOptions};
//!
//! let built = build_event_json(
//!     r#"{"appsflyer_id":"1415211453000-6513894","eventName":"af_purchase",
//!         "eventValue":{"af_revenue":"9.99"},"email":" John_Smith@gmail.com ",
//!         "phone_number":"(650)555-1212"}"#,
//!     &BuildOptions::new().default_region("US"),
//! ).unwrap();
//! assert!(built.body.contains(
//!     r#""email_hashed":"62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f""#));
//! assert!(!built.body.contains("Smith"));
//! assert!(built.bytes() <= 1024);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
// The unit tests print and use proptest, which need std.
#[cfg(test)]
extern crate std;

pub mod error;
pub mod event;
pub mod hash;
pub mod input;
pub mod json;
pub mod normalize;
pub mod outcome;
pub mod phone;
pub mod pii;
pub mod request;
pub mod time;
pub mod validate;

mod builder;

pub use builder::{
    build_event, build_event_json, validate_event, validate_event_json, BuildOptions, BuiltEvent,
    Report,
};
pub use error::{Error, ErrorCode, FieldError, Warning, WarningCode};

pub use event::Event;
pub use input::{EventInput, ParsedInput};
pub use outcome::{classify, Outcome, RetryPolicy};
pub use request::{prepare, S2sRequest, DEFAULT_ENDPOINT};

/// AppsFlyer's limit on the serialized JSON body of one event, in bytes.
pub const MAX_BODY_BYTES: usize = 1024;

/// The README's examples, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
