//! Properties over generated input. Each property test counts the cases that
//! reached the assertion it is named after, prints the count, and fails below
//! a stated floor: a generator that stops reaching the code fails too. The
//! generators start from what reaches the code (instants in every accepted
//! `eventTime` form, the phone corpus, valid events) and mutate it.
//!
//! The `smoke_` tests only prove that nothing panics on arbitrary input.
//!
//! Run with `cargo test --release --test properties -- --nocapture` to see the counts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use appsflyer_s2s::hash::{is_sha256_hex, sha256_hex};
use appsflyer_s2s::time::{self, TimeError, TimeForm, Timestamp};
use appsflyer_s2s::{normalize, phone, validate_event_json, BuildOptions, ErrorCode, WarningCode};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

const AF_ID: &str = "1415211453000-6513894";
const REGIONS: &[&str] = &[
    "US", "GB", "DE", "AR", "BR", "MX", "IN", "JP", "RU", "BY", "FR", "CN", "IT", "KZ",
];

/// How many cases reached each assertion of a property.
struct Reached<const N: usize>([AtomicUsize; N]);

impl<const N: usize> Reached<N> {
    fn new() -> Self {
        Reached(std::array::from_fn(|_| AtomicUsize::new(0)))
    }

    fn hit(&self, assertion: usize) {
        self.0[assertion].fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs `cases` generated cases through `check` (which records in a
/// [`Reached`] each assertion a case got to), then prints how many cases
/// reached each of `floors`' assertions and fails if fewer than its floor
/// (in per cent of the cases) did.
fn run_counted<S: Strategy, const N: usize>(
    name: &str,
    cases: u32,
    floors: [(&str, usize); N],
    strategy: S,
    check: impl Fn(S::Value, &Reached<N>) -> Result<(), TestCaseError>,
) {
    let reached = Reached::new();
    let ran = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, |value| {
        ran.fetch_add(1, Ordering::Relaxed);
        check(value, &reached)
    }) {
        panic!("{name}: {e}");
    }
    let ran = ran.load(Ordering::Relaxed);
    for (i, (assertion, floor)) in floors.iter().enumerate() {
        let n = reached.0[i].load(Ordering::Relaxed);
        println!("{name}: {n} of {ran} cases reached: {assertion} (floor {floor} %)");
        assert!(
            n * 100 >= ran * floor,
            "{name}: only {n} of {ran} cases reached {assertion:?}, under the floor of {floor} %: \
             the generator no longer reaches the code"
        );
    }
}

fn options(region: Option<&str>) -> BuildOptions {
    match region {
        Some(r) => BuildOptions::new().default_region(r),
        None => BuildOptions::new(),
    }
}

// ------------------------------------------------------------ normalization

#[test]
fn email_normalization_is_idempotent() {
    run_counted(
        "email_normalization_is_idempotent",
        2000,
        [("normalized twice == once", 90)],
        "[ \t]{0,2}\\PC{1,15}@\\PC{1,15}[ \t]{0,2}",
        |raw, reached| {
            if let Ok(once) = normalize::email(&raw) {
                prop_assert_eq!(normalize::email(&once).unwrap(), once);
                reached.hit(0);
            }
            Ok(())
        },
    );
}

#[test]
fn name_normalization_is_idempotent() {
    run_counted(
        "name_normalization_is_idempotent",
        2000,
        [("normalized twice == once", 90)],
        "[ ]{0,2}\\PC{1,30}[ ]{0,2}",
        |raw, reached| {
            if let Ok(once) = normalize::name(&raw) {
                prop_assert_eq!(normalize::name(&once).unwrap(), once);
                reached.hit(0);
            }
            Ok(())
        },
    );
}

#[test]
fn digests_are_lowercase_hex() {
    run_counted(
        "digests_are_lowercase_hex",
        2000,
        [("64 lowercase hex digits", 100)],
        "\\PC{0,100}",
        |raw, reached| {
            let d = sha256_hex(&raw);
            prop_assert!(is_sha256_hex(&d));
            prop_assert!(!d.bytes().any(|b| b.is_ascii_uppercase()));
            reached.hit(0);
            Ok(())
        },
    );
}

// ------------------------------------------------------------ eventTime

/// The first accepted instant, as documented: 10^11 ms, 1973-03-03 09:46:40 UTC.
const FIRST_MILLIS: i64 = 100_000_000_000;

/// The last accepted instant, from the calendar: 9999-12-31 23:59:59.999 UTC.
fn last_millis() -> i64 {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 999))
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap()
}

/// The calendar's AppsFlyer form of an instant: UTC `yyyy-mm-dd hh:mm:ss.sss`.
fn calendar_appsflyer(millis: i64) -> String {
    let t = DateTime::from_timestamp_millis(millis).unwrap();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.timestamp_subsec_millis()
    )
}

/// The zone part of a date and time.
#[derive(Debug, Clone)]
enum Zone {
    None,
    /// `Z` or `z`.
    Utc(char),
    /// `±hh:mm` or `±hhmm`; hours or minutes may be out of range.
    Offset {
        east: bool,
        hours: u32,
        minutes: u32,
        colon: bool,
    },
}

/// A date and time as a caller may write it, fields possibly out of range.
#[derive(Debug, Clone)]
struct Written {
    date: (i32, u32, u32),
    time: (u32, u32, u32),
    nanos: u32,
    fraction_digits: u32,
    separator: char,
    zone: Zone,
}

impl Written {
    fn text(&self) -> String {
        let (y, mo, d) = self.date;
        let (h, mi, s) = self.time;
        let fraction = match self.fraction_digits {
            0 => String::new(),
            n => format!(".{}", &format!("{:09}", self.nanos)[..n as usize]),
        };
        let zone = match &self.zone {
            Zone::None => String::new(),
            Zone::Utc(z) => z.to_string(),
            Zone::Offset {
                east,
                hours,
                minutes,
                colon,
            } => format!(
                "{}{hours:02}{}{minutes:02}",
                if *east { '+' } else { '-' },
                if *colon { ":" } else { "" }
            ),
        };
        format!(
            "{y:04}-{mo:02}-{d:02}{}{h:02}:{mi:02}:{s:02}{fraction}{zone}",
            self.separator
        )
    }

    /// What the contract says this text is, with chrono as the calendar.
    fn expected(&self) -> Result<(i64, TimeForm), TimeError> {
        let offset_minutes = match &self.zone {
            Zone::None if self.separator != ' ' => return Err(TimeError::MissingOffset),
            Zone::None => None,
            Zone::Utc(_) => Some(0),
            Zone::Offset { hours, minutes, .. } if *hours > 23 || *minutes > 59 => {
                return Err(TimeError::InvalidField)
            }
            Zone::Offset {
                east,
                hours,
                minutes,
                ..
            } => {
                let total = i64::from(hours * 60 + minutes);
                Some(if *east { total } else { -total })
            }
        };
        let (y, mo, d) = self.date;
        let (h, mi, s) = self.time;
        let (Some(date), Some(time)) = (
            NaiveDate::from_ymd_opt(y, mo, d),
            NaiveTime::from_hms_opt(h, mi, s),
        ) else {
            return Err(TimeError::InvalidField);
        };
        // Fraction digits past the third are dropped, not rounded.
        let kept = 10u32.pow(9 - self.fraction_digits.min(9));
        let millis = i64::from(self.nanos / kept * kept / 1_000_000);
        let local = NaiveDateTime::new(date, time).and_utc().timestamp_millis() + millis;
        let utc = local - offset_minutes.unwrap_or(0) * 60_000;
        if !(FIRST_MILLIS..=last_millis()).contains(&utc) {
            return Err(TimeError::OutOfRange);
        }
        let form = match offset_minutes {
            Some(_) => TimeForm::Rfc3339,
            None if self.fraction_digits == 3 => TimeForm::AppsFlyer,
            None => TimeForm::AppsFlyerLoose,
        };
        Ok((utc, form))
    }
}

/// Dates and times in every written form, most of them real instants; leap
/// days of century years and the first and last accepted years come often.
fn written_time() -> impl Strategy<Value = Written> {
    let year = prop_oneof![
        2 => 1973i32..=9999,
        1 => prop::sample::select(vec![1973, 1976, 2000, 2023, 2024, 2100, 2200, 2300, 2400, 9999]),
    ];
    let month = prop_oneof![3 => 1u32..=12, 1 => Just(2u32)];
    let day = prop_oneof![6 => 1u32..=28, 3 => 29u32..=31, 1 => Just(0u32)];
    let date = prop_oneof![
        8 => (year, month, day),
        1 => (
            prop::sample::select(vec![2000, 2100, 2200, 2300, 2400, 2500, 2800, 9600]),
            Just(2u32),
            28u32..=30,
        ),
    ];
    let clock = prop_oneof![
        30 => (0u32..=23, 0u32..=59, 0u32..=59),
        1 => (24u32..=25, 0u32..=59, 0u32..=59),
        1 => (0u32..=23, 60u32..=61, 0u32..=59),
        1 => (0u32..=23, 0u32..=59, 60u32..=61),
    ];
    let offset = prop_oneof![
        20 => (any::<bool>(), 0u32..=23, prop::sample::select(vec![0u32, 30, 45, 59]), any::<bool>()),
        1 => (any::<bool>(), 24u32..=30, 0u32..=59, any::<bool>()),
        1 => (any::<bool>(), 0u32..=23, 60u32..=99, any::<bool>()),
    ]
    .prop_map(|(east, hours, minutes, colon)| Zone::Offset {
        east,
        hours,
        minutes,
        colon,
    });
    // AppsFlyer's own form (space, no zone), RFC 3339 (any separator, a zone),
    // and the ambiguous `T` without a zone.
    let layout = prop_oneof![
        4 => Just((' ', Zone::None)),
        2 => (prop::sample::select(vec!['T', 't', ' ']), prop::sample::select(vec!['Z', 'z'])).prop_map(|(s, z)| (s, Zone::Utc(z))),
        4 => (prop::sample::select(vec!['T', 't', ' ']), offset).prop_map(|(s, z)| (s, z)),
        1 => prop::sample::select(vec!['T', 't']).prop_map(|s| (s, Zone::None)),
    ];
    let fraction = prop_oneof![2 => Just(3u32), 1 => 0u32..=9];
    (date, clock, 0u32..1_000_000_000, fraction, layout).prop_map(
        |(date, time, nanos, fraction_digits, (separator, zone))| Written {
            date,
            time,
            nanos,
            fraction_digits,
            separator,
            zone,
        },
    )
}

/// An `eventTime` as a caller sends it.
#[derive(Debug, Clone)]
enum EventTimeInput {
    Written(Written),
    /// Epoch milliseconds as a string of digits.
    EpochDigits(i64),
    /// Epoch milliseconds as a JSON number.
    EpochNumber(i64),
}

fn epoch_millis() -> impl Strategy<Value = i64> {
    let last = last_millis();
    let day = 86_400_000;
    prop_oneof![
        6 => FIRST_MILLIS..=last,
        1 => FIRST_MILLIS - day..FIRST_MILLIS + day,
        1 => last - day..=last + day,
        1 => 0..FIRST_MILLIS,
        1 => last..=i64::MAX,
    ]
}

fn event_time_input() -> impl Strategy<Value = EventTimeInput> {
    prop_oneof![
        6 => written_time().prop_map(EventTimeInput::Written),
        1 => epoch_millis().prop_map(EventTimeInput::EpochDigits),
        1 => prop_oneof![4 => epoch_millis(), 1 => i64::MIN..0].prop_map(EventTimeInput::EpochNumber),
    ]
}

impl EventTimeInput {
    fn json(&self) -> Value {
        match self {
            EventTimeInput::Written(w) => Value::from(w.text()),
            EventTimeInput::EpochDigits(ms) => Value::from(ms.to_string()),
            EventTimeInput::EpochNumber(ms) => Value::from(*ms),
        }
    }

    /// What the contract says: the instant and form, or why it is refused.
    fn expected(&self) -> Result<(i64, TimeForm), TimeError> {
        let epoch = |ms: i64| {
            if (0..FIRST_MILLIS).contains(&ms) {
                Err(TimeError::LooksLikeSeconds)
            } else if !(FIRST_MILLIS..=last_millis()).contains(&ms) {
                Err(TimeError::OutOfRange)
            } else {
                Ok((ms, TimeForm::EpochMillis))
            }
        };
        match self {
            EventTimeInput::Written(w) => w.expected(),
            EventTimeInput::EpochDigits(ms) => epoch(*ms),
            EventTimeInput::EpochNumber(ms) => epoch(*ms),
        }
    }

    /// What the parser makes of it.
    fn parsed(&self) -> Result<(Timestamp, TimeForm), TimeError> {
        match self {
            EventTimeInput::Written(w) => time::parse(&w.text()),
            EventTimeInput::EpochDigits(ms) => time::parse(&ms.to_string()),
            EventTimeInput::EpochNumber(ms) => {
                Timestamp::from_epoch_millis(*ms).map(|t| (t, TimeForm::EpochMillis))
            }
        }
    }
}

#[test]
fn the_documented_bounds_are_the_calendars() {
    assert_eq!(time::MIN_EPOCH_MILLIS, FIRST_MILLIS);
    assert_eq!(calendar_appsflyer(FIRST_MILLIS), "1973-03-03 09:46:40.000");
    assert_eq!(time::MAX_EPOCH_MILLIS, last_millis());
}

/// Every accepted `eventTime` form, written from a random date and time, is
/// the instant an independent calendar (chrono) says, printed as the calendar
/// prints it, and the body AppsFlyer gets carries that; every date the
/// calendar has no such day for, or out of range, is refused with the reason.
#[test]
fn event_times_are_the_calendars_instants() {
    let sent = |input: &EventTimeInput| {
        let body =
            json!({"appsflyer_id": AF_ID, "eventName": "af_purchase", "eventTime": input.json()});
        validate_event_json(&body.to_string(), &BuildOptions::new())
    };
    run_counted(
        "event_times_are_the_calendars_instants",
        4000,
        [
            ("a valid instant equals the calendar's", 50),
            ("a refused one has the calendar's reason", 10),
            ("a leap day of a century year", 1),
        ],
        event_time_input(),
        |input, reached| {
            let expected = input.expected();
            let parsed = input.parsed();
            let report = sent(&input);
            prop_assert_eq!(
                parsed.map(|(t, form)| (t.epoch_millis(), form)),
                expected,
                "{:?}",
                input.json()
            );
            match expected {
                Ok((millis, form)) => {
                    let want = calendar_appsflyer(millis);
                    prop_assert_eq!(parsed.unwrap().0.to_appsflyer(), want.as_str());
                    let built = report.event.as_ref().expect("a valid eventTime builds");
                    let body: Value = serde_json::from_str(&built.body).unwrap();
                    prop_assert_eq!(body["eventTime"].as_str(), Some(want.as_str()));
                    let converted = built
                        .warnings
                        .iter()
                        .any(|w| w.code == WarningCode::EventTimeConverted);
                    prop_assert_eq!(converted, form != TimeForm::AppsFlyer);
                    reached.hit(0);
                }
                Err(_) => {
                    let found: Vec<_> = report
                        .errors
                        .iter()
                        .map(|e| (e.field.as_str(), e.code))
                        .collect();
                    prop_assert_eq!(found, vec![("eventTime", ErrorCode::InvalidEventTime)]);
                    reached.hit(1);
                }
            }
            if let EventTimeInput::Written(w) = &input {
                let (y, mo, d) = w.date;
                if (mo, d) == (2, 29) && y % 100 == 0 {
                    reached.hit(2);
                }
            }
            Ok(())
        },
    );
}

/// The configuration of the `smoke_` tests (no failure file: the cases are printed).
fn smoke(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn smoke_time_parser_never_panics() {
    proptest!(smoke(2000), |(raw in "[0-9T:+\\-. Zz]{0,40}")| {
        if let Ok((t, _)) = time::parse(&raw) {
            prop_assert_eq!(time::parse(&t.to_appsflyer()).unwrap().0, t);
        }
    });
}

// ------------------------------------------------------------ phone numbers

/// One line of tests/data/phone_corpus.jsonl (see tests/phone_differential.rs):
/// what libphonenumber-js answers for an input and default region.
#[derive(Debug)]
struct CorpusLine {
    input: String,
    region: Option<String>,
    e164: Option<String>,
    kind: String,
}

static CORPUS: LazyLock<Vec<CorpusLine>> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/phone_corpus.jsonl");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().map(str::to_owned);
            CorpusLine {
                input: s("input").unwrap(),
                region: s("region"),
                e164: s("e164"),
                kind: s("kind").unwrap(),
            }
        })
        .collect()
});

/// The digits libphonenumber-js reads: ASCII, fullwidth, Arabic-Indic, Eastern Arabic-Indic.
fn is_phone_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{ff10}'..='\u{ff19}').contains(&c)
        || ('\u{660}'..='\u{669}').contains(&c)
        || ('\u{6f0}'..='\u{6f9}').contains(&c)
}

/// Byte offsets between two digits of the number itself, where
/// libphonenumber-js reads only the digits: before any extension, `tel:`
/// parameter or letter after the digits, and not in the digits right before
/// a `#` (a space there would make them an extension, `555 1212 12#`).
fn between_digits(input: &str) -> Vec<usize> {
    let mut at = Vec::new();
    let mut seen_digit = false;
    let mut run_start = 0;
    let mut prev_digit = false;
    for (i, c) in input.char_indices() {
        if matches!(c, '#' | '\u{ff03}') && prev_digit {
            at.retain(|&p| p < run_start);
        }
        if (seen_digit && c.is_alphabetic())
            || matches!(c, ';' | '#' | '\u{ff03}' | ',' | '~' | '\u{ff5e}')
        {
            break;
        }
        let digit = is_phone_digit(c);
        if digit && prev_digit {
            at.push(i);
        } else if digit {
            run_start = i;
        }
        seen_digit |= digit;
        prev_digit = digit;
    }
    at
}

/// libphonenumber-js's `VALID_PUNCTUATION` without the tildes (which can start
/// an extension): dashes, slashes, dots, white space, brackets.
const PUNCTUATION: &[&str] = &[
    " ", "-", ".", "/", "(", ")", "[", "]", "\u{a0}", "\u{ad}", "\u{200b}", "\u{2060}", "\u{3000}",
    "\u{2010}", "\u{2015}", "\u{2212}", "\u{30fc}", "\u{ff0d}", "\u{ff0e}", "\u{ff0f}", "\u{ff08}",
    "\u{ff09}", "\u{ff3b}", "\u{ff3d}", " - ", ") (",
];

/// `input` with punctuation inserted between digits, at picks of the places
/// [`between_digits`] gives.
fn punctuated(input: &str, inserts: &[(usize, usize)]) -> String {
    let places = between_digits(input);
    if places.is_empty() {
        return input.to_owned();
    }
    let mut at: Vec<(usize, &str)> = inserts
        .iter()
        .map(|&(p, s)| (places[p % places.len()], PUNCTUATION[s % PUNCTUATION.len()]))
        .collect();
    at.sort_by_key(|&(i, _)| std::cmp::Reverse(i));
    let mut out = input.to_owned();
    for (i, s) in at {
        out.insert_str(i, s);
    }
    out
}

fn inserts() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((any::<usize>(), any::<usize>()), 1..5)
}

/// Corpus inputs short enough to take more characters: libphonenumber-js
/// refuses any input over 250 UTF-16 units (`TOO_LONG`), whatever it holds.
fn short(line: &&'static CorpusLine) -> bool {
    line.input.encode_utf16().count() <= 200
}

/// Corpus lines with somewhere to put punctuation.
static PUNCTUABLE: LazyLock<Vec<&'static CorpusLine>> = LazyLock::new(|| {
    CORPUS
        .iter()
        .filter(short)
        .filter(|l| !between_digits(&l.input).is_empty())
        .collect()
});

/// The facts a parsed number must satisfy whatever its input.
fn consistent(
    number: &phone::PhoneNumber,
    input: &str,
    region: Option<&str>,
) -> Result<(), TestCaseError> {
    let e164 = number.e164();
    let digits = number.digits();
    prop_assert_eq!(format!("+{digits}"), e164.clone());
    prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
    prop_assert_eq!(
        digits.clone(),
        format!(
            "{}{}",
            number.country_calling_code(),
            number.national_number()
        )
    );
    prop_assert!((2..=17).contains(&number.national_number().len()));
    prop_assert!(e164.len() <= 21);
    prop_assert_eq!(normalize::phone_digits(input, region).unwrap(), digits);
    prop_assert_eq!(normalize::phone_e164(input, region).unwrap(), e164.clone());
    // Calling codes are prefix-free, so the E.164 form read back has the same
    // one (its national number may differ: see tests/normalization.rs, Belarus).
    if let Ok(back) = phone::parse(&e164, None) {
        prop_assert_eq!(back.country_calling_code(), number.country_calling_code());
    }
    Ok(())
}

/// Punctuation between the digits of a corpus input changes nothing:
/// libphonenumber-js reads only the digits there, so the answer stays the
/// corpus's, and a parsed number's digits are its E.164 form without `+`.
#[test]
fn punctuation_between_digits_keeps_the_references_answer() {
    run_counted(
        "punctuation_between_digits_keeps_the_references_answer",
        3000,
        [
            ("same answer as libphonenumber-js", 100),
            ("phone_digits == e164 without +", 50),
        ],
        (0..PUNCTUABLE.len(), inserts()),
        |(line, inserts), reached| {
            let line = PUNCTUABLE[line];
            let input = punctuated(&line.input, &inserts);
            let region = line.region.as_deref();
            let got = phone::parse(&input, region);
            prop_assert_eq!(
                got.as_ref().ok().map(|n| n.e164()),
                line.e164.clone(),
                "{:?} from {:?} ({}) in {:?}",
                input,
                line.input,
                line.kind,
                region
            );
            reached.hit(0);
            if let Ok(number) = got {
                consistent(&number, &input, region)?;
                reached.hit(1);
            }
            Ok(())
        },
    );
}

/// How a number may be changed into another one.
#[derive(Debug, Clone)]
enum Change {
    SwapDigits(usize),
    DropDigit(usize),
    DoubleDigit(usize),
    /// A trunk or international prefix put before the first digit.
    Prefix(&'static str),
    /// The `+` taken out.
    DropPlus,
    /// Another default region.
    Region(&'static str),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        any::<usize>().prop_map(Change::SwapDigits),
        any::<usize>().prop_map(Change::DropDigit),
        any::<usize>().prop_map(Change::DoubleDigit),
        prop::sample::select(vec!["0", "8", "1", "00", "011", "+", "8 0", "0 15", "9"])
            .prop_map(Change::Prefix),
        Just(Change::DropPlus),
        prop::sample::select(REGIONS).prop_map(Change::Region),
    ]
}

fn apply(
    input: &str,
    region: Option<&'static str>,
    change: &Change,
) -> (String, Option<&'static str>) {
    let digits: Vec<usize> = input
        .char_indices()
        .filter(|(_, c)| is_phone_digit(*c))
        .map(|(i, _)| i)
        .collect();
    let mut out = input.to_owned();
    let pick = |n: usize| digits.get(n % digits.len().max(1)).copied();
    match *change {
        Change::SwapDigits(n) => {
            if let (Some(a), Some(b)) = (pick(n), pick(n + 1)) {
                if a < b {
                    let (ca, cb) = (
                        out[a..].chars().next().unwrap(),
                        out[b..].chars().next().unwrap(),
                    );
                    out.replace_range(b..b + cb.len_utf8(), &ca.to_string());
                    out.replace_range(a..a + ca.len_utf8(), &cb.to_string());
                }
            }
        }
        Change::DropDigit(n) => {
            if let Some(a) = pick(n) {
                out.remove(a);
            }
        }
        Change::DoubleDigit(n) => {
            if let Some(a) = pick(n) {
                let c = out[a..].chars().next().unwrap();
                out.insert(a, c);
            }
        }
        Change::Prefix(p) => {
            let at = digits.first().copied().unwrap_or(0);
            out.insert_str(at, p);
        }
        Change::DropPlus => out = out.replacen('+', "", 1),
        Change::Region(r) => return (out, Some(r)),
    }
    (out, region)
}

/// Corpus numbers changed into others (digits swapped, dropped or doubled,
/// trunk and international prefixes added, `+` dropped, another region):
/// whatever the parser then accepts has consistent E.164 forms, and
/// punctuation between its digits still changes nothing.
#[test]
fn changed_numbers_keep_consistent_e164_forms() {
    let lines: Vec<&'static CorpusLine> = CORPUS
        .iter()
        .filter(short)
        .filter(|l| l.e164.is_some())
        .collect();
    run_counted(
        "changed_numbers_keep_consistent_e164_forms",
        3000,
        [("a changed number parsed, its forms consistent", 40)],
        (
            0..lines.len(),
            prop::collection::vec(change(), 1..3),
            inserts(),
        ),
        |(line, changes, inserts), reached| {
            let line = lines[line];
            let (mut input, mut region) = (line.input.clone(), line.region.as_deref());
            for c in &changes {
                (input, region) = apply(&input, region, c);
            }
            if let Ok(number) = phone::parse(&input, region) {
                consistent(&number, &input, region)?;
                let again = punctuated(&input, &inserts);
                prop_assert_eq!(
                    phone::parse(&again, region).map(|n| n.e164()),
                    Ok(number.e164()),
                    "{:?}",
                    again
                );
                reached.hit(0);
            }
            Ok(())
        },
    );
}

#[test]
fn smoke_phone_parser_never_panics() {
    proptest!(smoke(2000), |(raw in "\\PC{0,64}", r in 0..REGIONS.len())| {
        let _ = phone::parse(&raw, Some(REGIONS[r]));
        let _ = phone::parse(&raw, None);
    });
}

// ------------------------------------------------------------ events

/// A JSON value of any type, small.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
    ]
}

/// An `eventValue` / `custom_data` object, as an object or its JSON string.
fn json_object() -> impl Strategy<Value = Value> {
    let revenue = prop_oneof![
        Just(None),
        "-?[0-9]{1,5}(\\.[0-9]{1,2})?".prop_map(|r| Some(Value::from(r))),
        (-99_999i64..99_999).prop_map(|r| Some(Value::from(r))),
    ];
    (
        prop::collection::btree_map("[a-z_]{1,8}", leaf(), 0..4),
        revenue,
        any::<bool>(),
    )
        .prop_map(|(map, revenue, as_string)| {
            let mut object: serde_json::Map<String, Value> = map.into_iter().collect();
            if let Some(r) = revenue {
                object.insert("af_revenue".into(), r);
            }
            let object = Value::Object(object);
            if as_string {
                Value::from(object.to_string())
            } else {
                object
            }
        })
}

fn uuid() -> impl Strategy<Value = Value> {
    (
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        any::<bool>(),
    )
        .prop_map(|(u, upper)| Value::from(if upper { u.to_uppercase() } else { u }))
}

fn digest() -> impl Strategy<Value = Value> {
    ("[0-9a-f]{64}", any::<bool>())
        .prop_map(|(d, upper)| Value::from(if upper { d.to_uppercase() } else { d }))
}

/// A raw email: spaces around, any case.
fn email() -> impl Strategy<Value = String> {
    "[ ]{0,2}[A-Za-z0-9._%+-]{1,12}@[A-Za-z0-9-]{1,10}\\.[a-z]{2,4}[ ]{0,2}"
}

fn name() -> impl Strategy<Value = String> {
    "[ ]{0,2}\\PC{1,12}[ ]{0,2}"
}

/// An international number libphonenumber-js accepts, from the corpus.
fn phone_number() -> impl Strategy<Value = String> {
    let numbers: Vec<String> = CORPUS
        .iter()
        .filter(|l| l.e164.is_some() && l.kind == "international")
        .map(|l| l.input.clone())
        .collect();
    prop::sample::select(numbers)
}

/// One field of an event set to a value a caller may send: valid most of the
/// time, sometimes of the wrong type or unknown to the contract.
fn field() -> impl Strategy<Value = (String, Value)> {
    let f = |name: &'static str| move |v: Value| (name.to_owned(), v);
    let text = "[ -~]{1,24}".prop_map(Value::from);
    prop_oneof![
        prop::sample::select(vec!["af_purchase", "af_login", "покупка", "level 2 done", "購入"])
            .prop_map(|n| ("eventName".to_owned(), Value::from(n))),
        json_object().prop_map(f("eventValue")),
        json_object().prop_map(f("custom_data")),
        prop::sample::select(vec!["USD", "usd", "EUR", "eur", "GBP", "jpy"])
            .prop_map(|c| ("eventCurrency".to_owned(), Value::from(c))),
        event_time_input()
            .prop_filter("a valid eventTime", |t| t.expected().is_ok())
            .prop_map(|t| ("eventTime".to_owned(), t.json())),
        any::<[u8; 4]>().prop_map(|[a, b, c, d]| ("ip".to_owned(), Value::from(format!("{a}.{b}.{c}.{d}")))),
        (prop::sample::select(vec!["advertising_id", "idfa", "idfv"]), uuid())
            .prop_map(|(k, v)| (k.to_owned(), v)),
        ((1u8..=2), uuid()).prop_map(|(scope, id)| ("app_set_id".to_owned(), json!({"scope": scope, "id": id}))),
        (
            prop::sample::select(vec![
                "oaid", "amazon_aid", "imei", "customer_user_id", "app_version_name", "app_store",
                "bundleIdentifier", "custom_dimension", "os", "ua",
            ]),
            text,
        )
            .prop_map(|(k, v)| (k.to_owned(), v)),
        email().prop_map(|e| ("email".to_owned(), Value::from(e))),
        prop_oneof![digest(), email().prop_map(Value::from)].prop_map(f("email_hashed")),
        (prop::sample::select(vec!["first_name", "last_name"]), name())
            .prop_map(|(k, v)| (k.to_owned(), Value::from(v))),
        (
            prop::sample::select(vec!["first_name_hashed", "last_name_hashed"]),
            prop_oneof![digest(), name().prop_map(Value::from)],
        )
            .prop_map(|(k, v)| (k.to_owned(), v)),
        phone_number().prop_map(|p| ("phone_number".to_owned(), Value::from(p))),
        (
            prop::sample::select(vec!["phone_number_hashed", "phone_number_e164_hashed"]),
            prop_oneof![digest(), phone_number().prop_map(Value::from)],
        )
            .prop_map(|(k, v)| (k.to_owned(), v)),
        "[0-9]{1,16}".prop_map(|id| ("fb_login_id".to_owned(), Value::from(id))),
        prop_oneof![
            Just(Value::from("all")),
            prop::collection::vec("[A-Za-z][A-Za-z ]{0,11}", 1..3).prop_map(Value::from),
        ]
        .prop_map(f("sharing_filter")),
        prop::sample::select(vec!["", "app_clip"]).prop_map(|t| ("app_type".to_owned(), Value::from(t))),
        any::<bool>().prop_map(|b| ("aie".to_owned(), Value::from(b))),
        (0u8..=3).prop_map(|a| ("att".to_owned(), Value::from(a))),
        prop_oneof![any::<bool>().prop_map(Value::from), Just(Value::from("true")), Just(Value::from("false"))]
            .prop_map(f("af_events_api")),
        prop_oneof![
            (0i64..5, -1i64..=1, 0i64..500, 0i64..10, "[A-Za-z0-9]{0,20}").prop_map(
                |(policy_version, gdpr_applies, cmp_sdk_id, cmp_sdk_version, tcstring)| json!({"tcf": {
                    "policy_version": policy_version, "gdpr_applies": gdpr_applies, "cmp_sdk_id": cmp_sdk_id,
                    "cmp_sdk_version": cmp_sdk_version, "tcstring": tcstring}})
            ),
            (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(g, u, p)| json!({"manual": {
                "gdpr_applies": g, "ad_user_data_enabled": u, "ad_personalization_enabled": p}})),
        ]
        .prop_map(f("consent_data")),
        // Rarely: a known field of any type, or a field the contract does not name.
        (prop::sample::select(appsflyer_s2s::input::KNOWN_FIELDS), leaf())
            .prop_map(|(k, v)| (k.to_owned(), v)),
        ("x_[a-z]{1,8}", leaf()),
    ]
}

/// A valid event with up to 10 fields set by [`field`], and the options to
/// build it with: a default region or none, unknown fields forwarded or not.
fn mutated_event() -> impl Strategy<Value = (Value, BuildOptions)> {
    (
        prop::collection::vec(field(), 0..10),
        prop::option::weighted(0.8, prop::sample::select(REGIONS)),
        any::<bool>(),
    )
        .prop_map(|(fields, region, forward)| {
            let mut event = json!({"appsflyer_id": AF_ID, "eventName": "af_purchase"});
            for (k, v) in fields {
                event[k] = v;
            }
            (event, options(region).forward_unknown_fields(forward))
        })
}

/// Raw PII values of an event input that must not reach its body.
fn raw_pii(event: &Value) -> Vec<String> {
    let mut pii = Vec::new();
    for (k, v) in event.as_object().unwrap() {
        let Some(s) = v.as_str() else { continue };
        let s = s.trim();
        let long_enough = s.chars().count() >= 6;
        match k.as_str() {
            "email" | "email_hashed" if s.contains('@') => pii.push(s.to_owned()),
            "first_name" | "last_name" if long_enough => pii.push(s.to_owned()),
            "first_name_hashed" | "last_name_hashed" if long_enough && !is_sha256_hex(s) => {
                pii.push(s.to_owned())
            }
            "phone_number" | "phone_number_hashed" | "phone_number_e164_hashed"
                if s.contains('+') =>
            {
                pii.push(s.to_owned())
            }
            _ => {}
        }
    }
    pii
}

/// Events mutated from a valid one mostly build; a built body is within the
/// limit, a JSON object, free of the raw PII given, and a fixed point:
/// building it again gives the same body, with nothing left to convert (the
/// property the `event_json` fuzz target checks).
#[test]
fn built_events_are_fixed_points() {
    run_counted(
        "built_events_are_fixed_points",
        3000,
        [("a built body rebuilt is unchanged", 50)],
        mutated_event(),
        |(event, options), reached| {
            let report = validate_event_json(&event.to_string(), &options);
            for e in &report.errors {
                prop_assert!(!e.message.is_empty());
            }
            let Some(built) = report.event else {
                prop_assert!(!report.errors.is_empty());
                return Ok(());
            };
            prop_assert!(report.errors.is_empty());
            prop_assert!(built.bytes() <= appsflyer_s2s::MAX_BODY_BYTES);
            let value: Value = serde_json::from_str(&built.body).unwrap();
            prop_assert!(value.is_object());
            for pii in raw_pii(&event) {
                prop_assert!(!built.body.contains(&pii), "{} in {}", pii, built.body);
            }
            let again = validate_event_json(&built.body, &options);
            prop_assert_eq!(&again.errors, &vec![]);
            prop_assert_eq!(&again.event.unwrap().body, &built.body);
            for w in &again.warnings {
                prop_assert_eq!(w.code, WarningCode::UnknownField, "{:?}", w);
            }
            reached.hit(0);
            Ok(())
        },
    );
}

/// Big `ua` values push bodies over 1,024 bytes: a built body never is, and
/// an event too large is refused with `body_too_large`; raw PII never reaches
/// a body.
#[test]
fn built_bodies_never_exceed_the_limit_nor_carry_raw_pii() {
    run_counted(
        "built_bodies_never_exceed_the_limit_nor_carry_raw_pii",
        2000,
        [
            ("built: within the limit, no raw PII", 30),
            ("refused as too large", 10),
        ],
        ("[A-Za-zÀ-ÿ]{1,20}", "[ -~]{0,1100}", "[a-z]{1,12}"),
        |(name, ua, local), reached| {
            let body = json!({
                "appsflyer_id": AF_ID, "eventName": "x",
                "first_name": name, "ua": ua, "email": format!("{local}@example.org"),
            });
            let report = validate_event_json(&body.to_string(), &BuildOptions::new());
            if let Some(built) = report.event {
                prop_assert!(built.bytes() <= 1024);
                let needle = format!("{local}@example.org");
                prop_assert!(!built.body.contains(&needle));
                reached.hit(0);
            } else {
                // Too large, or a `ua` that happens to hold an email address (raw PII).
                let ua_is_pii = appsflyer_s2s::pii::contains_email_address(&ua);
                prop_assert!(report
                    .errors
                    .iter()
                    .any(|e| e.code == ErrorCode::BodyTooLarge
                        || (ua_is_pii && e.code == ErrorCode::RawPii)));
                reached.hit(1);
            }
            Ok(())
        },
    );
}

#[test]
fn smoke_arbitrary_text_never_panics_the_builder() {
    proptest!(smoke(2000), |(body in "\\PC{0,200}")| {
        let _ = validate_event_json(&body, &BuildOptions::new().default_region("US"));
    });
}

/// Random JSON objects built from the contract's field names with values of random types.
fn arb_event() -> impl Strategy<Value = Value> {
    let value = leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let key = prop::sample::select(appsflyer_s2s::input::KNOWN_FIELDS);
    prop::collection::btree_map(key, value, 0..12)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

#[test]
fn smoke_contract_shaped_garbage_never_panics() {
    proptest!(smoke(3000), |(event in arb_event())| {
        let report = validate_event_json(&event.to_string(), &BuildOptions::new().default_region("GB"));
        for e in &report.errors {
            prop_assert!(!e.message.is_empty());
        }
    });
}
