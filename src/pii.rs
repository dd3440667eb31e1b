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
use serde_json::{Map, Value};

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

/// Qualifiers that make `… name` a person's name, and which name it is
/// (`f` and `l` for `fname` and `lname`).
const QUALIFIERS: &[(&str, PiiKind)] = &[
    ("first", PiiKind::FirstName),
    ("given", PiiKind::FirstName),
    ("fore", PiiKind::FirstName),
    ("christian", PiiKind::FirstName),
    ("f", PiiKind::FirstName),
    ("last", PiiKind::LastName),
    ("family", PiiKind::LastName),
    ("sur", PiiKind::LastName),
    ("maiden", PiiKind::LastName),
    ("l", PiiKind::LastName),
    ("full", PiiKind::FullName),
    ("customer", PiiKind::FullName),
    ("middle", PiiKind::FullName),
    ("legal", PiiKind::FullName),
    ("real", PiiKind::FullName),
    ("person", PiiKind::FullName),
    ("contact", PiiKind::FullName),
    ("client", PiiKind::FullName),
    ("cardholder", PiiKind::FullName),
    ("holder", PiiKind::FullName),
    ("billing", PiiKind::FullName),
    ("shipping", PiiKind::FullName),
    ("recipient", PiiKind::FullName),
    ("buyer", PiiKind::FullName),
    ("member", PiiKind::FullName),
    ("user", PiiKind::FullName),
    ("display", PiiKind::FullName),
    ("account", PiiKind::FullName),
];

/// Whether a field or key name names personal data, and which kind.
///
/// The name is split into words at `_`, `-`, `.`, spaces and other
/// punctuation, at camelCase humps and between letters and digits, and
/// lowercased. Then:
///
/// - a word ending in `mail` (`email`, `gmail`, `customeremail`), or ending
///   in `phone` (`telephone`, `cellphone`; not `iphone`), or equal to
///   `mobile`, `cell`, `tel`, is personal data when it is the last word or is
///   followed by a word such as `number`, `address` or `hash`
///   (`phone_number`, `email_address`, `mobile_no`), or written together
///   with such a word (`phoneno`, `emailhash`);
/// - names written without separators, anywhere in the name: `msisdn`,
///   `phonenumber`, `emailaddress`, `firstname`, `surname`, `fullname`, …
///   (`PHONENUMBERE164HASHED`);
/// - `name` after a qualifier, as a word or written together: first, given,
///   fore, last, family, sur, maiden, or full, customer, middle, legal,
///   billing, user, … (`billing_last_name` is a last name, `customerName` a
///   full name, `fname` a first name); `hotel_name` or `name` alone are not.
pub fn name_kind(name: &str) -> Option<PiiKind> {
    if !mentions_a_pii_stem(name) {
        return None;
    }
    let (text, words) = split(name);
    let word = |i: usize| words.get(i).map(|&(start, end)| &text[start..end]);
    let squashed: Vec<u8> = words
        .iter()
        .flat_map(|&(start, end)| &text[start..end])
        .copied()
        .collect();
    for (part, kind) in SQUASHED {
        if squashed
            .windows(part.len())
            .any(|window| window == part.as_bytes())
        {
            return Some(*kind);
        }
    }
    for i in 0..words.len() {
        let w = word(i).unwrap_or_default();
        let previous = i.checked_sub(1).and_then(word);
        let followed = word(i + 1).is_none_or(|next| one_of(next, FOLLOWERS));
        if followed {
            if let Some(kind) = noun_kind(w, previous) {
                return Some(kind);
            }
        }
        for follower in FOLLOWERS {
            if let Some(stem) = w.strip_suffix(follower.as_bytes()) {
                if let Some(kind) = noun_kind(stem, previous) {
                    return Some(kind);
                }
            }
        }
    }
    None
}

/// Whether a name holds, in any letter case, one of the stems every PII
/// name has (`mail`, `phone`, `mobile`, `cell`, `tel`, `msisdn`, `name`): a
/// quick no for the common key, without splitting it into words.
fn mentions_a_pii_stem(name: &str) -> bool {
    const STEMS: [&[u8]; 7] = [
        b"mail", b"phone", b"mobile", b"cell", b"tel", b"msisdn", b"name",
    ];
    let bytes = name.as_bytes();
    STEMS.iter().any(|stem| {
        bytes
            .windows(stem.len())
            .any(|window| window.eq_ignore_ascii_case(stem))
    })
}

/// The kind of personal data a noun names: `email`, `phone`, `mobile`, or a
/// `name` with its qualifier (in the noun, `firstname`, or the word before).
fn noun_kind(noun: &[u8], previous: Option<&[u8]>) -> Option<PiiKind> {
    if noun.ends_with(b"mail") {
        return Some(PiiKind::Email);
    }
    if (noun.ends_with(b"phone") && noun != b"iphone") || one_of(noun, &["mobile", "cell", "tel"]) {
        return Some(PiiKind::Phone);
    }
    let qualifier = match noun.strip_suffix(b"name")? {
        b"" => previous?,
        fused => fused,
    };
    QUALIFIERS
        .iter()
        .find(|(q, _)| q.as_bytes() == qualifier)
        .map(|(_, kind)| *kind)
}

fn one_of(word: &[u8], list: &[&str]) -> bool {
    list.iter().any(|item| item.as_bytes() == word)
}

/// The name lowercased, and its words as ranges: split at bytes other than
/// ASCII letters and digits, at camelCase humps (`phoneNumber`,
/// `HTTPServer` → `http`, `server`) and between letters and digits. Bytes
/// outside ASCII stay inside words, unchanged: field names are ASCII in
/// practice, and Unicode case tables would cost every build of the core
/// kilobytes.
fn split(name: &str) -> (Vec<u8>, Vec<(usize, usize)>) {
    let bytes = name.as_bytes();
    let in_word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let mut words = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        let boundary = match i.checked_sub(1).map(|p| bytes[p]) {
            _ if !in_word(b) => true,
            Some(prev) if in_word(prev) => {
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                (prev.is_ascii_lowercase() && b.is_ascii_uppercase())
                    || (prev.is_ascii_uppercase()
                        && b.is_ascii_uppercase()
                        && next.is_ascii_lowercase())
                    || prev.is_ascii_digit() != b.is_ascii_digit()
            }
            _ => false,
        };
        if boundary {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
        }
        if in_word(b) && start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push((s, bytes.len()));
    }
    (bytes.to_ascii_lowercase(), words)
}

/// Whether `text` holds an email address anywhere: `local@domain.tld`, where
/// the local part is at least one character of those RFC 5322 allows
/// unquoted, and the domain has at least two labels of letters, digits and
/// hyphens, the last one at least two letters. `sku@v1.2` or a lone `@` is
/// not an address; `mailto:John@example.com` and addresses inside text are.
pub fn contains_email_address(text: &str) -> bool {
    let bytes = text.as_bytes();
    let local =
        |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(b) || *b >= 0x80;
    let domain = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.' || *b >= 0x80;
    bytes.iter().enumerate().any(|(at, &b)| {
        if b != b'@' || !bytes[..at].last().is_some_and(local) {
            return false;
        }
        let rest = &bytes[at + 1..];
        let len = rest.iter().take_while(|b| domain(b)).count();
        // Without a sentence's final dot or hyphen.
        let mut host = &rest[..len];
        while let [head @ .., b'.' | b'-'] = host {
            host = head;
        }
        let mut labels = host.split(|&b| b == b'.');
        let tld = labels.next_back().unwrap_or_default();
        let dotted = host.contains(&b'.') && !host.split(|&b| b == b'.').any(<[u8]>::is_empty);
        dotted && tld.len() >= 2 && tld.iter().all(|b| b.is_ascii_alphabetic() || *b >= 0x80)
    })
}

/// Personal data found inside a JSON value, and where.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The path of what was found: `eventValue.customer_email`,
    /// `custom_data.people[1].phone`; for a key that is itself an email
    /// address, the path of the object holding it.
    pub path: String,
    /// What was found.
    pub found: Found,
}

/// What kind of personal data a [`Finding`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A key whose name names personal data.
    Name(PiiKind),
    /// A string value holding an email address.
    EmailValue,
    /// A key that is an email address.
    EmailKey,
}

/// Every piece of personal data inside `value`, which sits at `path`: keys
/// that name personal data ([`name_kind`]) or are email addresses, and
/// string values holding an email address, in nested objects and arrays too.
/// Paths are written only for findings, so a clean value costs no
/// allocation but the walk.
pub fn scan(path: &str, value: &Value) -> Vec<Finding> {
    let mut found = Vec::new();
    walk(path, value, &mut Vec::new(), &mut found);
    found
}

/// [`scan`] of an object (`eventValue`, `custom_data`).
pub fn scan_object(path: &str, object: &Map<String, Value>) -> Vec<Finding> {
    let mut found = Vec::new();
    walk_object(path, object, &mut Vec::new(), &mut found);
    found
}

/// A step of a path: a key, or an array index.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path of `root` and the steps of `trail`.
fn path(root: &str, trail: &[Step<'_>]) -> String {
    {
        let mut path = String::from(root);
        for step in trail {
            match step {
                Step::Key(key) => {
                    path.push('.');
                    path.push_str(&display_name(key));
                }
                Step::Index(n) => {
                    path.push('[');
                    path.push_str(itoa(*n).as_str());
                    path.push(']');
                }
            }
        }
        path
    }
}

fn walk<'a>(root: &str, value: &'a Value, trail: &mut Vec<Step<'a>>, found: &mut Vec<Finding>) {
    match value {
        Value::String(text) if contains_email_address(text) => found.push(Finding {
            path: path(root, trail),
            found: Found::EmailValue,
        }),
        Value::Object(object) => walk_object(root, object, trail, found),
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                trail.push(Step::Index(n));
                walk(root, item, trail, found);
                trail.pop();
            }
        }
        _ => {}
    }
}

fn walk_object<'a>(
    root: &str,
    object: &'a Map<String, Value>,
    trail: &mut Vec<Step<'a>>,
    found: &mut Vec<Finding>,
) {
    for (key, value) in object {
        if contains_email_address(key) {
            found.push(Finding {
                path: path(root, trail),
                found: Found::EmailKey,
            });
            continue;
        }
        trail.push(Step::Key(key));
        match name_kind(key) {
            Some(kind) => found.push(Finding {
                path: path(root, trail),
                found: Found::Name(kind),
            }),
            None => walk(root, value, trail, found),
        }
        trail.pop();
    }
}

/// A number in decimal, without the formatting machinery.
fn itoa(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// A caller-supplied name as it may appear in a message or a field path:
/// at most 64 bytes (longer ones are cut with `…` on a character boundary),
/// control characters replaced, and never an email address.
pub fn display_name(name: &str) -> String {
    if contains_email_address(name) {
        return String::from("<a name holding an email address>");
    }
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let mut out: String = name[..end]
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if end < name.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(name: &str) -> Vec<String> {
        let (text, words) = split(name);
        words
            .iter()
            .map(|&(s, e)| String::from_utf8(text[s..e].to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn words_split_like_people_write_names() {
        assert_eq!(words("phoneNumber"), ["phone", "number"]);
        assert_eq!(words("first-name"), ["first", "name"]);
        assert_eq!(words("Customer Email"), ["customer", "email"]);
        assert_eq!(words("HTTPServerName"), ["http", "server", "name"]);
        assert_eq!(words("email2"), ["email", "2"]);
        assert_eq!(words("__x__"), ["x"]);
        assert_eq!(words("Prénom_client"), ["prénom", "client"]);
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
            ("lname", PiiKind::LastName),
            ("phoneno", PiiKind::Phone),
            ("username", PiiKind::FullName),
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
    fn scans_name_every_place() {
        let value: Value = serde_json::from_str(
            r#"{"a":{"b":["x","mail me at a@b.co"]},"customer_email":"z","c@d.ef":1,"ok":3}"#,
        )
        .unwrap();
        let found = scan("eventValue", &value);
        assert_eq!(
            found,
            [
                Finding {
                    path: "eventValue.a.b[1]".into(),
                    found: Found::EmailValue
                },
                Finding {
                    path: "eventValue".into(),
                    found: Found::EmailKey
                },
                Finding {
                    path: "eventValue.customer_email".into(),
                    found: Found::Name(PiiKind::Email)
                },
            ]
        );
        assert!(scan("x", &serde_json::json!({"af_revenue": "9.99", "n": [1, 2]})).is_empty());
    }

    #[test]
    fn display_names_are_bounded_and_never_addresses() {
        assert_eq!(display_name("Email"), "Email");
        assert!(!display_name("john@example.com").contains("john"));
        let long = "k".repeat(100);
        assert_eq!(display_name(&long).chars().count(), 65);
        let wide = "é".repeat(100);
        assert_eq!(display_name(&wide), alloc::format!("{}…", "é".repeat(32)));
        assert_eq!(display_name("a\nb"), "a\u{FFFD}b");
    }
}
