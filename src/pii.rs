//! Personal data outside the hashed fields.
//!
//! AppsFlyer takes personal data only in the `*_hashed` fields, as SHA-256
//! digests of normalized values; `eventValue`, `custom_data` and every other
//! field must hold none. A caller who spells a PII field differently
//! (`Email`, `first-name`, `phoneNumber`) or invents one (`customer_email`,
//! `mobile`, `surname`) would otherwise send the raw value as an unknown
//! field. This module recognizes such names, and email addresses in values,
//! so the builder can refuse them with [`crate::ErrorCode::RawPii`] and say
//! which field to use instead.
//!
//! The rules are deliberately word-based rather than substring-based, so
//! that `hotel_name`, `mobile_app_version` or `phone_model` are not taken for
//! personal data while `customerEmail`, `billing_last_name` or `MSISDN` are:
//!
//! ```
//! use appsflyer_s2s::pii::{name_kind, contains_email_address, PiiKind};
//!
//! assert_eq!(name_kind("customerEmail"), Some(PiiKind::Email));
//! assert_eq!(name_kind("billing_last_name"), Some(PiiKind::LastName));
//! assert_eq!(name_kind("MSISDN"), Some(PiiKind::Phone));
//! assert_eq!(name_kind("phone_model"), None);
//! assert_eq!(name_kind("hotel_name"), None);
//! assert!(contains_email_address("write to John.Smith@example.com today"));
//! assert!(!contains_email_address("sku@v1.2"));
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Which kind of personal data a name or value is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiKind {
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A first (given) name.
    FirstName,
    /// A last (family) name.
    LastName,
    /// A person's whole name, or a name that is neither first nor last.
    FullName,
}

impl PiiKind {
    /// What the data is, for messages: `"an email address"`.
    pub fn describe(self) -> &'static str {
        match self {
            PiiKind::Email => "an email address",
            PiiKind::Phone => "a phone number",
            PiiKind::FirstName => "a first name",
            PiiKind::LastName => "a last name",
            PiiKind::FullName => "a person's name",
        }
    }

    /// The field(s) to send it in instead, for messages.
    pub fn instead(self) -> &'static str {
        match self {
            PiiKind::Email => "email (normalized and hashed into email_hashed)",
            PiiKind::Phone => {
                "phone_number (hashed into phone_number_hashed and phone_number_e164_hashed)"
            }
            PiiKind::FirstName => "first_name (hashed into first_name_hashed)",
            PiiKind::LastName => "last_name (hashed into last_name_hashed)",
            PiiKind::FullName => {
                "first_name and last_name (hashed into first_name_hashed and last_name_hashed)"
            }
        }
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Words that, after a PII noun, keep the name about the personal data
/// itself (`phone_number`, `email_hash`, `last_name_sha256`) rather than
/// about something else (`phone_model`, `email_opt_in`).
const FOLLOWERS: &[&str] = &[
    "number",
    "num",
    "no",
    "nr",
    "address",
    "addr",
    "hash",
    "hashed",
    "sha256",
    "digest",
    "raw",
    "value",
    "e164",
    "digits",
    "plain",
    "text",
    "lower",
    "lowercase",
    "normalized",
];

/// Names that are personal data wherever they occur in a name written
/// without separators (`phonenumbere164hashed`, `billingfirstname`).
const SQUASHED: &[(&str, PiiKind)] = &[
    ("msisdn", PiiKind::Phone),
    ("phonenumber", PiiKind::Phone),
    ("phonehash", PiiKind::Phone),
    ("mobilenumber", PiiKind::Phone),
    ("cellnumber", PiiKind::Phone),
    ("telnumber", PiiKind::Phone),
    ("emailaddr", PiiKind::Email),
    ("mailaddress", PiiKind::Email),
    ("emailhash", PiiKind::Email),
    ("firstname", PiiKind::FirstName),
    ("givenname", PiiKind::FirstName),
    ("forename", PiiKind::FirstName),
    ("lastname", PiiKind::LastName),
    ("familyname", PiiKind::LastName),
    ("surname", PiiKind::LastName),
    ("maidenname", PiiKind::LastName),
    ("fullname", PiiKind::FullName),
    ("customername", PiiKind::FullName),
    ("middlename", PiiKind::FullName),
];

/// Qualifiers that make `… name` a person's name.
const FIRST_QUALIFIERS: &[&str] = &["first", "given", "fore", "christian"];
const LAST_QUALIFIERS: &[&str] = &["last", "family", "sur", "maiden"];
const FULL_QUALIFIERS: &[&str] = &[
    "full",
    "customer",
    "middle",
    "legal",
    "real",
    "person",
    "contact",
    "client",
    "cardholder",
    "holder",
    "billing",
    "shipping",
    "recipient",
    "buyer",
    "member",
    "user",
    "display",
    "account",
];

/// Whether a field or key name names personal data, and which kind.
///
/// The name is split into words at `_`, `-`, `.`, spaces and other
/// punctuation, at camelCase humps and between letters and digits, and
/// lowercased. Then:
///
/// - a word ending in `mail` (`email`, `gmail`, `customeremail`), or ending
///   in `phone` (`telephone`, `cellphone`; not `iphone`), or equal to
///   `mobile`, `cell`, `tel`, `msisdn`, is personal data when it is the last
///   word or is followed by a word such as `number`, `address` or `hash`
///   (`phone_number`, `email_address`, `mobile_no`);
/// - names written without separators, anywhere in the name: `msisdn`,
///   `phonenumber`, `emailaddress`, `firstname`, `surname`, `fullname`, …
///   (`PHONENUMBERE164HASHED`), and one-word `fname`, `lname`, `username`;
/// - `name` after a qualifier: first/given/fore, last/family/sur/maiden, or
///   full/customer/middle/legal/billing/user/… (`billing_last_name` is a last
///   name, `customerName` a full name); `hotel_name` or `name` alone are not.
pub fn name_kind(name: &str) -> Option<PiiKind> {
    let words = words(name);
    let squashed = words.concat();
    for (part, kind) in SQUASHED {
        if squashed.contains(part) {
            return Some(*kind);
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        let last_or_followed = next.is_none_or(|n| FOLLOWERS.contains(&n));
        if let Some(kind) = fused(word) {
            return Some(kind);
        }
        if *word == "msisdn" {
            return Some(PiiKind::Phone);
        }
        if last_or_followed {
            if word.ends_with("mail") {
                return Some(PiiKind::Email);
            }
            let phone = (word.ends_with("phone") && *word != "iphone")
                || matches!(*word, "mobile" | "cell" | "tel");
            if phone {
                return Some(PiiKind::Phone);
            }
        }
        if *word == "name" && last_or_followed && i > 0 {
            let qualifier = words[i - 1];
            if FIRST_QUALIFIERS.contains(&qualifier) {
                return Some(PiiKind::FirstName);
            }
            if LAST_QUALIFIERS.contains(&qualifier) {
                return Some(PiiKind::LastName);
            }
            if FULL_QUALIFIERS.contains(&qualifier) {
                return Some(PiiKind::FullName);
            }
        }
    }
    None
}

/// One-word spellings of PII names (`firstname`, `phonenumber`, `emailaddr`).
fn fused(word: &str) -> Option<PiiKind> {
    if matches!(word, "fname" | "forename" | "givenname" | "christianname") {
        return Some(PiiKind::FirstName);
    }
    if matches!(word, "lname" | "surname" | "familyname" | "maidenname") {
        return Some(PiiKind::LastName);
    }
    for follower in FOLLOWERS {
        let Some(stem) = word.strip_suffix(follower) else {
            continue;
        };
        if stem.ends_with("mail") {
            return Some(PiiKind::Email);
        }
        if (stem.ends_with("phone") && stem != "iphone")
            || matches!(stem, "mobile" | "cell" | "tel")
        {
            return Some(PiiKind::Phone);
        }
        if let Some(qualifier) = stem.strip_suffix("name") {
            if FIRST_QUALIFIERS.contains(&qualifier) {
                return Some(PiiKind::FirstName);
            }
            if LAST_QUALIFIERS.contains(&qualifier) {
                return Some(PiiKind::LastName);
            }
            if FULL_QUALIFIERS.contains(&qualifier) {
                return Some(PiiKind::FullName);
            }
        }
    }
    let qualifier = word.strip_suffix("name")?;
    if FIRST_QUALIFIERS.contains(&qualifier) {
        Some(PiiKind::FirstName)
    } else if LAST_QUALIFIERS.contains(&qualifier) {
        Some(PiiKind::LastName)
    } else if FULL_QUALIFIERS.contains(&qualifier) {
        Some(PiiKind::FullName)
    } else {
        None
    }
}

/// The lowercase words of a name: split at characters other than ASCII
/// letters and digits, at camelCase humps (`phoneNumber`, `HTTPServer` →
/// `http`, `server`) and between letters and digits. Letters outside ASCII
/// stay inside words, unchanged: field names are ASCII in practice, and
/// Unicode case tables would cost every build of the core kilobytes.
fn words(name: &str) -> Vec<String> {
    let bytes = name.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    for (i, &b) in bytes.iter().enumerate() {
        if !word_byte(b) {
            flush(&mut current, &mut out);
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| bytes.get(p)) {
            let next = bytes.get(i + 1).copied();
            let hump = prev.is_ascii_lowercase() && b.is_ascii_uppercase();
            let acronym_end = prev.is_ascii_uppercase()
                && b.is_ascii_uppercase()
                && next.is_some_and(|n| n.is_ascii_lowercase());
            let digit_edge = word_byte(prev) && prev.is_ascii_digit() != b.is_ascii_digit();
            if hump || acronym_end || digit_edge {
                flush(&mut current, &mut out);
            }
        }
        current.push(b.to_ascii_lowercase());
    }
    flush(&mut current, &mut out);
    out
}

/// Ends the current word, if any (whole UTF-8 sequences: only ASCII bytes
/// split words).
fn flush(current: &mut Vec<u8>, out: &mut Vec<String>) {
    if !current.is_empty() {
        out.push(String::from_utf8_lossy(current).into_owned());
        current.clear();
    }
}

/// Whether `text` holds an email address anywhere: `local@domain.tld`, where
/// the local part is at least one character of those RFC 5322 allows
/// unquoted, and the domain has at least two labels of letters, digits and
/// hyphens, the last one at least two letters. `sku@v1.2` or a lone `@` is
/// not an address; `mailto:John@example.com` and addresses inside text are.
pub fn contains_email_address(text: &str) -> bool {
    let bytes = text.as_bytes();
    let local_char =
        |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b) || b >= 0x80;
    let domain_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b >= 0x80;
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|&b| b == b'@') {
        let at = from + offset;
        from = at + 1;
        let local_len = bytes[..at]
            .iter()
            .rev()
            .take_while(|&&b| local_char(b))
            .count();
        if local_len == 0 {
            continue;
        }
        let domain_len = bytes[at + 1..]
            .iter()
            .take_while(|&&b| domain_char(b))
            .count();
        // The domain as written, without a sentence's final dot.
        let domain = &text[at + 1..at + 1 + domain_len];
        let domain = domain.trim_end_matches(['.', '-']);
        if is_domain(domain) {
            return true;
        }
    }
    false
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return false;
    }
    // An ASCII top-level domain of letters, or an internationalized one.
    let tld = labels[labels.len() - 1];
    tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// A caller-supplied name as it may appear in a message or a field path:
/// at most 64 characters (longer ones are cut with `…`), control characters
/// replaced, and never an email address.
pub fn display_name(name: &str) -> String {
    if contains_email_address(name) {
        return String::from("<a name holding an email address>");
    }
    let mut out: String = name
        .chars()
        .take(64)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if name.chars().nth(64).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_people_write_names() {
        assert_eq!(words("phoneNumber"), ["phone", "number"]);
        assert_eq!(words("first-name"), ["first", "name"]);
        assert_eq!(words("Customer Email"), ["customer", "email"]);
        assert_eq!(words("HTTPServerName"), ["http", "server", "name"]);
        assert_eq!(words("email2"), ["email", "2"]);
        assert_eq!(words("__x__"), ["x"]);
    }

    #[test]
    fn kinds() {
        for (name, kind) in [
            ("Email", PiiKind::Email),
            ("e-mail", PiiKind::Email),
            ("EMAIL_ADDRESS", PiiKind::Email),
            ("userEmailHash", PiiKind::Email),
            ("gmail", PiiKind::Email),
            ("phone", PiiKind::Phone),
            ("PhoneNumber", PiiKind::Phone),
            ("mobile_no", PiiKind::Phone),
            ("cell", PiiKind::Phone),
            ("contact_tel", PiiKind::Phone),
            ("msisdn_v2", PiiKind::Phone),
            ("telephone", PiiKind::Phone),
            ("firstName", PiiKind::FirstName),
            ("given_name", PiiKind::FirstName),
            ("fname", PiiKind::FirstName),
            ("surname", PiiKind::LastName),
            ("familyName", PiiKind::LastName),
            ("full_name", PiiKind::FullName),
            ("customerName", PiiKind::FullName),
        ] {
            assert_eq!(name_kind(name), Some(kind), "{name}");
        }
        for name in [
            "name",
            "hotel_name",
            "phone_model",
            "mobile_app_version",
            "iphone",
            "email_opt_in",
            "hotel",
            "automobile",
            "af_revenue",
            "af_content_id",
            "domain",
            "cellular",
        ] {
            assert_eq!(name_kind(name), None, "{name}");
        }
    }

    #[test]
    fn email_addresses_in_text() {
        for text in [
            "a@b.co",
            "John.Smith@gmail.com",
            "mailto:x@example.org",
            "reach me: jo+tag@sub.example.museum.",
            "\"x\" <y_z@exämple.de>",
        ] {
            assert!(contains_email_address(text), "{text}");
        }
        for text in [
            "@",
            "a@",
            "@b.com",
            "sku@v1.2",
            "a@localhost",
            "x @ y.com",
            "",
            "1@2.3",
        ] {
            assert!(!contains_email_address(text), "{text}");
        }
    }

    #[test]
    fn display_names_are_bounded_and_never_addresses() {
        assert_eq!(display_name("Email"), "Email");
        assert!(!display_name("john@example.com").contains("john"));
        let long = "k".repeat(100);
        assert_eq!(display_name(&long).chars().count(), 65);
        assert_eq!(display_name("a\nb"), "a\u{FFFD}b");
    }
}
