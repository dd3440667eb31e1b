//! `eventTime`: what callers send, and AppsFlyer's one accepted form.
//!
//! AppsFlyer wants UTC as exactly `yyyy-mm-dd hh:mm:ss.sss`. An ISO-8601
//! string or local time is accepted by the API and then recorded wrongly, so
//! this module accepts the forms callers actually have and converts them:
//!
//! - AppsFlyer's own form, `2019-05-15 12:17:01.123` (read as UTC; 0 to 9
//!   fraction digits are accepted, milliseconds are kept);
//! - RFC 3339 with `Z` or an offset, `2019-05-15T14:17:01.123+02:00`
//!   (converted to UTC). Without a zone the instant is ambiguous: refused;
//! - epoch milliseconds, as a number or a string of digits.
//!
//! ```
//! use appsflyer_s2s::time::parse;
//! let (t, _) = parse("2024-01-02T03:04:05.678+01:00").unwrap();
//! assert_eq!(t.to_appsflyer(), "2024-01-02 02:04:05.678");
//! ```

use alloc::string::String;
use core::fmt;

/// Earliest accepted instant: 1973-03-03 09:46:40 UTC, i.e. 10^11 ms.
/// A smaller epoch value is almost surely seconds, not milliseconds.
pub const MIN_EPOCH_MILLIS: i64 = 100_000_000_000;
/// Latest accepted instant: 9999-12-31 23:59:59.999 UTC (the format has 4 year digits).
pub const MAX_EPOCH_MILLIS: i64 = 253_402_300_799_999;

const MILLIS_PER_DAY: i64 = 86_400_000;

/// An instant, in milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

/// Which form an `eventTime` string was in.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeForm {
    /// Already exactly `yyyy-mm-dd hh:mm:ss.sss`: sent unchanged.
    AppsFlyer,
    /// AppsFlyer's layout with another number of fraction digits.
    AppsFlyerLoose,
    /// RFC 3339 with `Z` or an offset: converted to UTC.
    Rfc3339,
    /// Epoch milliseconds.
    EpochMillis,
}

/// Why an `eventTime` was refused. Messages never echo the input.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// An empty string.
    Empty,
    /// None of the accepted layouts.
    Format,
    /// A date or time field out of its range (month 13, February 30, hour 24, …).
    InvalidField,
    /// A date and time with no `Z` or offset, other than AppsFlyer's own form.
    MissingOffset,
    /// An epoch value that looks like seconds, not milliseconds.
    LooksLikeSeconds,
    /// Before 1973-03-03 or after 9999-12-31.
    OutOfRange,
}

impl core::error::Error for TimeError {}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeError::Empty => "eventTime is empty; omit the field to let AppsFlyer use the arrival time",
            TimeError::Format => "eventTime must be UTC `yyyy-mm-dd hh:mm:ss.sss`, RFC 3339 with `Z` or an offset, or epoch milliseconds",
            TimeError::InvalidField => "eventTime is not a real date and time (a month, day, hour, minute, second or offset is out of range)",
            TimeError::MissingOffset => "eventTime has no time zone: add `Z` or an offset such as `+02:00` (local time would be recorded wrongly)",
            TimeError::LooksLikeSeconds => "eventTime looks like epoch seconds; epoch values must be in milliseconds",
            TimeError::OutOfRange => "eventTime must be between 1973-03-03 and 9999-12-31",
        })
    }
}

impl Timestamp {
    /// An instant from epoch milliseconds, refusing values that look like seconds
    /// or fall outside the years AppsFlyer's format can carry.
    pub fn from_epoch_millis(millis: i64) -> Result<Self, TimeError> {
        if (0..MIN_EPOCH_MILLIS).contains(&millis) {
            Err(TimeError::LooksLikeSeconds)
        } else if !(MIN_EPOCH_MILLIS..=MAX_EPOCH_MILLIS).contains(&millis) {
            Err(TimeError::OutOfRange)
        } else {
            Ok(Timestamp { millis })
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn epoch_millis(self) -> i64 {
        self.millis
    }

    /// AppsFlyer's form: UTC `yyyy-mm-dd hh:mm:ss.sss`.
    pub fn to_appsflyer(self) -> String {
        let days = self.millis.div_euclid(MILLIS_PER_DAY);
        let ms_of_day = self.millis.rem_euclid(MILLIS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let (hh, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
        let (mm, rest) = (rest / 60_000, rest % 60_000);
        let (ss, ms) = (rest / 1000, rest % 1000);
        alloc::format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{ms:03}")
    }
}

/// Parses an `eventTime` string in any accepted form.
pub fn parse(input: &str) -> Result<(Timestamp, TimeForm), TimeError> {
    if input.is_empty() {
        return Err(TimeError::Empty);
    }
    let b = input.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        // Epoch milliseconds sent as a string; 19 digits would overflow i64.
        if b.len() > 18 {
            return Err(TimeError::OutOfRange);
        }
        let millis = input.parse::<i64>().map_err(|_| TimeError::Format)?;
        return Timestamp::from_epoch_millis(millis).map(|t| (t, TimeForm::EpochMillis));
    }
    let mut cur = Cursor { b, pos: 0 };
    let year = cur.digits(4)?;
    cur.expect(b'-')?;
    let month = cur.digits(2)?;
    cur.expect(b'-')?;
    let day = cur.digits(2)?;
    let sep = cur.next().ok_or(TimeError::Format)?;
    let t_separator = matches!(sep, b'T' | b't');
    if !t_separator && sep != b' ' {
        return Err(TimeError::Format);
    }
    let hour = cur.digits(2)?;
    cur.expect(b':')?;
    let minute = cur.digits(2)?;
    cur.expect(b':')?;
    let second = cur.digits(2)?;
    let mut millis_part = 0;
    let mut fraction_digits = 0;
    if cur.peek() == Some(b'.') {
        cur.pos += 1;
        while let Some(d) = cur.peek().filter(u8::is_ascii_digit) {
            if fraction_digits < 3 {
                millis_part = millis_part * 10 + i64::from(d - b'0');
            }
            fraction_digits += 1;
            cur.pos += 1;
        }
        if fraction_digits == 0 || fraction_digits > 9 {
            return Err(TimeError::Format);
        }
        for _ in fraction_digits..3 {
            millis_part *= 10;
        }
    }
    let offset_minutes = match cur.next() {
        None if t_separator => return Err(TimeError::MissingOffset),
        None => None,
        Some(b'Z' | b'z') => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            let oh = cur.digits(2)?;
            if cur.peek() == Some(b':') {
                cur.pos += 1;
            }
            let om = cur.digits(2)?;
            if oh > 23 || om > 59 {
                return Err(TimeError::InvalidField);
            }
            let total = oh * 60 + om;
            Some(if sign == b'-' { -total } else { total })
        }
        Some(_) => return Err(TimeError::Format),
    };
    if cur.pos != b.len() {
        return Err(TimeError::Format);
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(TimeError::InvalidField);
    }
    let local = days_from_civil(year, month, day) * MILLIS_PER_DAY
        + ((hour * 60 + minute) * 60 + second) * 1000
        + millis_part;
    let utc = local - offset_minutes.unwrap_or(0) * 60_000;
    let form = match offset_minutes {
        Some(_) => TimeForm::Rfc3339,
        None if fraction_digits == 3 => TimeForm::AppsFlyer,
        None => TimeForm::AppsFlyerLoose,
    };
    if !(MIN_EPOCH_MILLIS..=MAX_EPOCH_MILLIS).contains(&utc) {
        return Err(TimeError::OutOfRange);
    }
    Ok((Timestamp { millis: utc }, form))
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn expect(&mut self, want: u8) -> Result<(), TimeError> {
        match self.next() {
            Some(c) if c == want => Ok(()),
            _ => Err(TimeError::Format),
        }
    }

    fn digits(&mut self, n: usize) -> Result<i64, TimeError> {
        let mut v = 0;
        for _ in 0..n {
            match self.next() {
                Some(d @ b'0'..=b'9') => v = v * 10 + i64::from(d - b'0'),
                _ => return Err(TimeError::Format),
            }
        }
        Ok(v)
    }
}

pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of `days_from_civil`).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// --- HTTP-date (RFC 9110 §5.6.7), for `Retry-After` ----------------------

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_NAMES_LONG: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Milliseconds since the epoch of an HTTP-date. Day names are checked for
/// spelling, not against the date: the value is only a hint.
pub(crate) fn http_date_epoch_ms(value: &str, now_epoch_ms: u64) -> Option<i128> {
    let mut tokens = value.split_ascii_whitespace();
    let first = tokens.next()?;
    let rest: [&str; 5] = core::array::from_fn(|_| tokens.next().unwrap_or(""));
    if tokens.next().is_some() {
        return None;
    }
    let (year, month, day, time) = if let Some(name) = first.strip_suffix(',') {
        if is_one_of(name, &DAY_NAMES) && rest[4] == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            let year = digits(rest[2], 4, 4)?;
            (year, month(rest[1])?, digits(rest[0], 1, 2)?, rest[3])
        } else if is_one_of(name, &DAY_NAMES_LONG) && rest[2] == "GMT" && rest[3].is_empty() {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let mut parts = rest[0].split('-');
            let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            let year = two_digit_year(digits(y, 2, 2)?, now_epoch_ms);
            (year, month(m)?, digits(d, 1, 2)?, rest[1])
        } else {
            return None;
        }
    } else if is_one_of(first, &DAY_NAMES) && rest[4].is_empty() {
        // asctime: Sun Nov  6 08:49:37 1994
        let year = digits(rest[3], 4, 4)?;
        (year, month(rest[0])?, digits(rest[1], 1, 2)?, rest[2])
    } else {
        return None;
    };
    let mut hms = time.split(':');
    let (h, m, s) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let (h, m, s) = (digits(h, 2, 2)?, digits(m, 2, 2)?, digits(s, 2, 2)?);
    if day == 0 || day > days_in_month(year, month) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((i128::from(days) * 86_400 + i128::from(h * 3_600 + m * 60 + s)) * 1_000)
}

fn is_one_of(token: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(token))
}

fn month(token: &str) -> Option<i64> {
    let index = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(token))?;
    i64::try_from(index + 1).ok()
}

/// A run of `min..=max` ASCII digits.
fn digits(token: &str, min: usize, max: usize) -> Option<i64> {
    if token.len() < min || token.len() > max || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// RFC 9110: a two-digit year more than 50 years in the future means the
/// most recent past year with those digits.
fn two_digit_year(yy: i64, now_epoch_ms: u64) -> i64 {
    let days = i64::try_from(now_epoch_ms / 86_400_000).unwrap_or(i64::MAX / 2);
    let now_year = year_from_days(days);
    let mut year = now_year - now_year.rem_euclid(100) + yy;
    if year > now_year + 50 {
        year -= 100;
    }
    year
}

/// The year of a day count since 1970-01-01.
fn year_from_days(days: i64) -> i64 {
    civil_from_days(days).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_four_centuries() {
        for days in (-1_000..146_097 * 2).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
