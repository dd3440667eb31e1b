//! Normalization of PII before hashing, exactly as AppsFlyer's rules say.
//!
//! | field | rule |
//! | --- | --- |
//! | `email_hashed` | trim surrounding white space, lowercase everything (no Gmail dot or `+tag` rewriting) |
//! | `first_name_hashed`, `last_name_hashed` | Unicode NFC ([`nfc`]), trim, lowercase (Unicode-aware) |
//! | `phone_number_hashed` | the E.164 number without `+`: country code and national number, digits only |
//! | `phone_number_e164_hashed` | E.164: `+`, country code, national number |
//!
//! Phone numbers are parsed as libphonenumber-js parses them (see [`crate::phone`]),
//! so a national number needs a default region.
//!
//! ```
//! use appsflyer_s2s::normalize;
//! assert_eq!(normalize::email(" John_Smith@gmail.com ").unwrap(), "john_smith@gmail.com");
//! assert_eq!(normalize::name("Vale\u{301}ry").unwrap(), "val\u{e9}ry");
//! assert_eq!(normalize::phone_digits("(650)555-1212", Some("US")).unwrap(), "16505551212");
//! assert_eq!(normalize::phone_e164("(+1)2133734253", None).unwrap(), "+12133734253");
//! ```

use alloc::string::String;
use core::fmt;

use crate::phone::{self, PhoneError};

mod case;
#[rustfmt::skip]
mod case_tables;
mod nfc;
#[rustfmt::skip]
mod nfc_tables;

pub use nfc::{nfc, UNICODE_VERSION};

/// Why a value cannot be normalized. Messages never echo the value.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormalizeError {
    /// An email that is empty after trimming, or has no `@`.
    Email,
    /// A name that is empty after trimming.
    Name,
    /// A phone number that cannot be parsed or is not possible.
    Phone(PhoneError),
}

impl NormalizeError {
    /// What is wrong, for people: the `Display` text, without formatting.
    pub const fn message(self) -> &'static str {
        match self {
            NormalizeError::Email => "not an email address (empty, or no `@`)",
            NormalizeError::Name => "the name is empty",
            NormalizeError::Phone(e) => e.message(),
        }
    }
}

impl core::error::Error for NormalizeError {}

impl fmt::Display for NormalizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The normalized form of an email: trimmed and lowercased.
pub fn email(raw: &str) -> Result<String, NormalizeError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || !trimmed.contains('@') {
        return Err(NormalizeError::Email);
    }
    Ok(case::to_lowercase(trimmed))
}

/// The normalized form of a first or last name: NFC, trimmed, lowercased.
pub fn name(raw: &str) -> Result<String, NormalizeError> {
    // Most names already are NFC: `nfc` borrows them.
    let composed = nfc(raw);
    let trimmed = composed.trim();
    if trimmed.is_empty() {
        return Err(NormalizeError::Name);
    }
    Ok(case::to_lowercase(trimmed))
}

/// The `phone_number_hashed` input: the E.164 number without `+`.
pub fn phone_digits(raw: &str, default_region: Option<&str>) -> Result<String, NormalizeError> {
    phone::parse(raw, default_region)
        .map(|n| n.digits())
        .map_err(NormalizeError::Phone)
}

/// The `phone_number_e164_hashed` input: `+`, country code, national number.
pub fn phone_e164(raw: &str, default_region: Option<&str>) -> Result<String, NormalizeError> {
    phone::parse(raw, default_region)
        .map(|n| n.e164())
        .map_err(NormalizeError::Phone)
}
