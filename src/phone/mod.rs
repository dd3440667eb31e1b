//! Phone number parsing to E.164 that agrees with
//! [libphonenumber-js](https://gitlab.com/catamphetamine/libphonenumber-js)
//! 1.13.16, the library AppsFlyer recommends for `phone_number_e164_hashed`.
//!
//! [`parse`] is a port of `parsePhoneNumberFromString(input, region)` (with the
//! default "min" metadata) followed by `isPossible()`: a number is accepted
//! exactly when libphonenumber-js returns a phone number that is possible, and
//! [`PhoneNumber::e164`] is its `.number`. The numbering plan data is compiled
//! from libphonenumber-js's metadata by `scripts/gen-phone-metadata.mjs`.
//!
//! ```
//! use appsflyer_s2s::phone;
//!
//! let n = phone::parse("(650)555-1212", Some("US")).unwrap();
//! assert_eq!(n.e164(), "+16505551212");
//! assert_eq!(n.digits(), "16505551212");
//! assert_eq!(phone::parse("(+1)2133734253", None).unwrap().e164(), "+12133734253");
//! ```
//!
//! This module depends on `core` and `alloc` only.

use alloc::string::String;
use core::fmt;

mod matcher;
mod metadata;
mod text;

#[cfg(test)]
mod tests;

use matcher::UNSET;

/// JavaScript's `MIN_LENGTH_FOR_NSN`.
const MIN_NSN: usize = 2;
/// JavaScript's `MAX_LENGTH_FOR_NSN`.
const MAX_NSN: usize = 17;

/// A phone number that libphonenumber-js parses and considers possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    calling_code: u16,
    national_number: String,
    region: Option<&'static str>,
}

impl PhoneNumber {
    /// The country calling code, e.g. `1` for `+1 213 373 4253`.
    pub fn country_calling_code(&self) -> u16 {
        self.calling_code
    }

    /// The national significant number, ASCII digits only (it may start with
    /// `0` where the numbering plan says so, e.g. in Italy).
    pub fn national_number(&self) -> &str {
        &self.national_number
    }

    /// The number in E.164: `+`, the calling code, the national significant
    /// number, e.g. `+12133734253`.
    pub fn e164(&self) -> String {
        let mut s = String::from("+");
        s.push_str(&self.digits());
        s
    }

    /// The E.164 digits without the `+` (`12133734253`), the input of
    /// `phone_number_hashed`.
    pub fn digits(&self) -> String {
        let mut buf = [0u8; 5];
        let mut s = String::from(fmt_u16(self.calling_code, &mut buf));
        s.push_str(&self.national_number);
        s
    }

    /// The ISO 3166-1 alpha-2 region libphonenumber-js reports as the number's
    /// `country`, if any (none for non-geographic numbers such as `+800`, or
    /// when the region sharing a calling code could not be determined).
    pub fn region(&self) -> Option<&'static str> {
        self.region
    }
}

/// Why a phone number was refused. The messages never contain the input.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// The default region is not an ISO 3166-1 alpha-2 code libphonenumber-js
    /// knows.
    InvalidRegion,
    /// The input does not look like a phone number.
    NotANumber,
    /// The calling code is unknown, or the number is national and no default
    /// region was given.
    InvalidCountry,
    /// Too few digits for the numbering plan.
    TooShort,
    /// Too many digits for the numbering plan (or an input over 250 characters).
    TooLong,
    /// The number of digits is between the plan's shortest and longest, but no
    /// number of that length exists in the plan.
    NotPossible,
}

impl PhoneError {
    /// What is wrong, for people: the `Display` text, without formatting.
    pub const fn message(self) -> &'static str {
        match self {
            Self::InvalidRegion => "unknown default region for the phone number",
            Self::NotANumber => "the phone number is not a phone number",
            Self::InvalidCountry => {
                "the phone number has an unknown country calling code, or is national without a default region"
            }
            Self::TooShort => "the phone number is too short",
            Self::TooLong => "the phone number is too long",
            Self::NotPossible => "the phone number has an impossible length for its country",
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for PhoneError {}

// ------------------------------------------------------------------ metadata

/// One numbering plan of `metadata::DATA` (see scripts/gen-phone-metadata.mjs).
#[derive(Clone, Copy)]
struct Plan {
    /// ISO 3166-1 alpha-2, empty for a non-geographic plan.
    region: &'static str,
    cc: u16,
    /// Bit n set: national significant numbers of n digits are possible.
    lengths: u32,
    idd: &'static [u8],
    npfp: &'static [u8],
    groups: u8,
    transform: &'static [u8],
    nnp: &'static [u8],
    leading: &'static [u8],
    type_count: u8,
    /// Offset in `metadata::DATA` of the number types (lengths:u24, pattern).
    types_at: usize,
}

struct Reader {
    at: usize,
}

impl Reader {
    fn bytes(&mut self, n: usize) -> Option<&'static [u8]> {
        let b = metadata::DATA.get(self.at..self.at + n)?;
        self.at += n;
        Some(b)
    }
    fn uint(&mut self, n: usize) -> Option<u32> {
        Some(self.bytes(n)?.iter().fold(0, |v, &b| v << 8 | u32::from(b)))
    }
    fn field(&mut self) -> Option<&'static [u8]> {
        let n = self.uint(2)? as usize;
        self.bytes(n)
    }
    fn plan(&mut self) -> Option<Plan> {
        let region = core::str::from_utf8(self.bytes(2)?).ok()?;
        let region = if region.starts_with('\0') { "" } else { region };
        let cc = self.uint(2)? as u16;
        let lengths = self.uint(3)?;
        let idd = self.field()?;
        let npfp = self.field()?;
        let groups = self.uint(1)? as u8;
        let transform = self.field()?;
        let nnp = self.field()?;
        let leading = self.field()?;
        let type_count = self.uint(1)? as u8;
        let types_at = self.at;
        for _ in 0..type_count {
            self.bytes(3)?;
            self.field()?;
        }
        Some(Plan {
            region,
            cc,
            lengths,
            idd,
            npfp,
            groups,
            transform,
            nnp,
            leading,
            type_count,
            types_at,
        })
    }
}

/// All numbering plans, grouped by calling code, main region first.
fn plans() -> impl Iterator<Item = Plan> {
    let mut r = Reader { at: 0 };
    core::iter::from_fn(move || r.plan())
}

/// The plan of a region (ISO 3166-1 alpha-2, any case).
fn region_plan(region: &str) -> Option<Plan> {
    plans().find(|p| !p.region.is_empty() && p.region.eq_ignore_ascii_case(region))
}

/// The plan libphonenumber-js selects for a calling code: its main region's,
/// or the non-geographic one.
fn calling_code_plan(cc: u16) -> Option<Plan> {
    plans().find(|p| p.cc == cc)
}

/// Is `region` an ISO 3166-1 alpha-2 code (any case) that libphonenumber-js's
/// metadata knows, i.e. one [`parse`] accepts as the default region?
pub fn is_known_region(region: &str) -> bool {
    region_plan(region).is_some()
}

impl Plan {
    fn matches_nnp(&self, nn: &str) -> bool {
        matcher::full(self.nnp, nn)
    }

    /// `getNumberType(...) !== undefined`: the national number pattern and
    /// one of the number types (with its possible lengths) match.
    fn has_number_type(&self, nn: &str) -> bool {
        if !self.matches_nnp(nn) {
            return false;
        }
        let mut r = Reader { at: self.types_at };
        (0..self.type_count).any(|_| {
            let (Some(lengths), Some(prog)) = (r.uint(3), r.field()) else {
                return false;
            };
            has_length(lengths, nn.len()) && matcher::full(prog, nn)
        })
    }
}

fn has_length(lengths: u32, len: usize) -> bool {
    len < 32 && lengths >> len & 1 == 1
}

/// `checkNumberLength`: `None` when possible, otherwise the reason.
fn check_length(lengths: u32, len: usize) -> Option<PhoneError> {
    let min = lengths.trailing_zeros() as usize;
    let max = 31 - lengths.leading_zeros() as usize;
    if len == min {
        None
    } else if len < min {
        Some(PhoneError::TooShort)
    } else if len > max {
        Some(PhoneError::TooLong)
    } else if has_length(lengths, len) {
        None
    } else {
        Some(PhoneError::NotPossible)
    }
}

// ------------------------------------------------------------------ parsing

/// `getCountryByCallingCode`: the region among those sharing `cc` that the
/// national number belongs to (by leading digits, else by number type).
fn region_for(cc: u16, nn: &str) -> Option<Plan> {
    let regions = || plans().filter(move |p| p.cc == cc && !p.region.is_empty());
    let first = regions().next()?;
    if regions().nth(1).is_none() {
        return Some(first);
    }
    regions().find(|p| {
        if p.leading.is_empty() {
            p.has_number_type(nn)
        } else {
            !nn.is_empty() && matcher::prefix(p.leading, nn).is_some()
        }
    })
}

/// `extractNationalNumberFromPossiblyIncompleteNumber`: strips the national
/// prefix (and carrier code) or applies the plan's transform rule.
fn strip_national_prefix(number: &str, plan: &Plan) -> String {
    let mut caps = [UNSET; 8];
    let slots = usize::from(plan.groups) * 2;
    if number.is_empty() || plan.npfp.is_empty() {
        return String::from(number);
    }
    let caps = caps.get_mut(..slots).unwrap_or_default();
    let Some(end) = matcher::run(plan.npfp, number.as_bytes(), false, caps) else {
        return String::from(number);
    };
    let group = |g: usize| -> &str {
        match (caps.get(2 * g - 2), caps.get(2 * g - 1)) {
            (Some(&s), Some(&e)) if s != UNSET && e != UNSET => number.get(s..e).unwrap_or(""),
            _ => "",
        }
    };
    let has_groups = plan.groups > 0 && !group(usize::from(plan.groups)).is_empty();
    let rest = number.get(end..).unwrap_or("");
    if !plan.transform.is_empty() && has_groups {
        let mut out = String::new();
        for &b in plan.transform {
            if b.is_ascii_digit() {
                out.push(char::from(b));
            } else {
                out.push_str(group(usize::from(b)));
            }
        }
        out.push_str(rest);
        out
    } else {
        String::from(rest)
    }
}

/// `extractNationalNumber`: strips the national prefix unless that leaves a
/// number the plan's pattern no longer matches or one that is too short.
fn national_number(number: &str, plan: &Plan) -> String {
    let nn = strip_national_prefix(number, plan);
    if nn != number {
        if plan.matches_nnp(number) && !plan.matches_nnp(&nn) {
            return String::from(number);
        }
        let lengths = region_for(plan.cc, &nn).map_or(plan.lengths, |p| p.lengths);
        if matches!(
            check_length(lengths, nn.len()),
            Some(PhoneError::TooShort | PhoneError::NotPossible)
        ) {
            return String::from(number);
        }
    }
    nn
}

/// `stripIddPrefix`: the number after the default region's international
/// prefix, unless what follows starts with `0`.
fn strip_idd<'a>(number: &'a str, plan: &Plan) -> Option<&'a str> {
    let end = matcher::prefix(plan.idd, number)?;
    let rest = number.get(end..)?;
    if rest.starts_with('0') {
        return None;
    }
    Some(rest)
}

/// `extractCountryCallingCodeFromInternationalNumberWithoutPlusSign`.
fn calling_code_without_plus<'a>(number: &'a str, plan: &Plan) -> Option<&'a str> {
    let mut buf = [0u8; 5];
    let cc = fmt_u16(plan.cc, &mut buf);
    let shorter = number.strip_prefix(cc)?;
    let nn_shorter = national_number(shorter, plan);
    let nn = national_number(number, plan);
    if (!plan.matches_nnp(&nn) && plan.matches_nnp(&nn_shorter))
        || check_length(plan.lengths, nn.len()) == Some(PhoneError::TooLong)
    {
        Some(shorter)
    } else {
        None
    }
}

fn fmt_u16(mut v: u16, buf: &mut [u8; 5]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    core::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or("")
}

/// What `extractCountryCallingCode` found.
enum Extracted<'a> {
    /// `{}`: a `+` (or IDD) followed by no known calling code.
    Nothing,
    /// A national number (no calling code).
    National(&'a str),
    /// A calling code and the digits after it.
    International(u16, &'a str),
}

/// `extractCountryCallingCode`.
fn extract_calling_code<'a>(number: &'a str, default: Option<&Plan>) -> Extracted<'a> {
    if number.is_empty() {
        return Extracted::Nothing;
    }
    let international = match number.strip_prefix('+') {
        Some(rest) => rest,
        None => {
            let Some(plan) = default else {
                return Extracted::National(number);
            };
            match strip_idd(number, plan) {
                Some(rest) if !rest.is_empty() && rest.len() != number.len() => rest,
                _ => {
                    if let Some(shorter) = calling_code_without_plus(number, plan) {
                        return Extracted::International(plan.cc, shorter);
                    }
                    return Extracted::National(number);
                }
            }
        }
    };
    if international.starts_with('0') {
        return Extracted::Nothing;
    }
    let mut cc = 0u16;
    for (len, b) in international.bytes().take(3).enumerate() {
        if !b.is_ascii_digit() {
            break;
        }
        cc = cc * 10 + u16::from(b - b'0');
        if calling_code_plan(cc).is_some() {
            return Extracted::International(cc, international.get(len + 1..).unwrap_or(""));
        }
    }
    Extracted::Nothing
}

/// Parses `input` as libphonenumber-js's `parsePhoneNumberFromString(input,
/// default_region)` does and accepts it when the result `isPossible()`.
///
/// `default_region` (ISO 3166-1 alpha-2, any case) is needed for national
/// numbers; it also decides which international dialling prefix (`011` in the
/// US, `00` in most of Europe, …) may replace the `+`. Input is anything a
/// person may type: punctuation, an extension (dropped), fullwidth or
/// Arabic-Indic digits, a `tel:` URI. Letters are not converted to digits
/// (libphonenumber-js does not either).
///
/// Errors: [`PhoneError::InvalidRegion`] for an unknown `default_region` (even
/// when the input is international); otherwise the reason libphonenumber-js
/// gives (`NOT_A_NUMBER`, `INVALID_COUNTRY`, `TOO_SHORT`, `TOO_LONG`) or, for a
/// parsed number that is not possible, the reason of its
/// `validatePhoneNumberLength` (`TooShort`, `TooLong`, `NotPossible`).
pub fn parse(input: &str, default_region: Option<&str>) -> Result<PhoneNumber, PhoneError> {
    let default = match default_region {
        Some(r) => Some(region_plan(r).ok_or(PhoneError::InvalidRegion)?),
        None => None,
    };
    let number = text::number_digits(input)?;

    let (cc, rest, mut country, plan) = match extract_calling_code(&number, default.as_ref()) {
        Extracted::Nothing => return Err(PhoneError::InvalidCountry),
        Extracted::International(cc, rest) => (
            cc,
            rest,
            None,
            calling_code_plan(cc).ok_or(PhoneError::InvalidCountry)?,
        ),
        Extracted::National(rest) => match default {
            Some(plan) => (plan.cc, rest, Some(plan), plan),
            None => return Err(PhoneError::InvalidCountry),
        },
    };
    if rest.is_empty() {
        return Err(PhoneError::TooShort);
    }
    let nn = national_number(rest, &plan);
    if let Some(exact) = region_for(cc, &nn) {
        country = Some(exact);
    }
    if nn.len() < MIN_NSN {
        return Err(PhoneError::TooShort);
    }
    if nn.len() > MAX_NSN {
        return Err(PhoneError::TooLong);
    }
    let lengths = country.as_ref().unwrap_or(&plan).lengths;
    if let Some(e) = check_length(lengths, nn.len()) {
        return Err(e);
    }
    Ok(PhoneNumber {
        calling_code: cc,
        national_number: nn,
        region: country.map(|p| p.region).filter(|r| !r.is_empty()),
    })
}
