//! Unit tests of `phone`. Every expected value below was obtained from
//! libphonenumber-js 1.13.16 itself (`parsePhoneNumberFromString(input, region)`,
//! then `.number`, `.country` and `isPossible()`, or `validatePhoneNumberLength`
//! for the reason a number is not possible), not written by hand.

use super::*;
use alloc::string::ToString;

fn e164(input: &str, region: Option<&str>) -> Result<String, PhoneError> {
    parse(input, region).map(|n| n.e164())
}

fn ok(input: &str, region: Option<&str>, expected: &str) {
    assert_eq!(
        e164(input, region).as_deref(),
        Ok(expected),
        "{input:?} {region:?}"
    );
}

#[test]
fn contract_vectors() {
    let n = parse("(650)555-1212", Some("US")).unwrap();
    assert_eq!(n.e164(), "+16505551212");
    assert_eq!(n.digits(), "16505551212");
    assert_eq!(n.country_calling_code(), 1);
    assert_eq!(n.national_number(), "6505551212");
    assert_eq!(n.region(), Some("US"));
    ok("(+1)2133734253", None, "+12133734253");
}

#[test]
fn argentina_mobile_15_and_9() {
    // National prefix for parsing with a `9$1` transform: `0AA 15` → `9AA`.
    ok("011 15 2345-6789", Some("AR"), "+5491123456789");
    ok("0343 15 555 1212", Some("AR"), "+5493435551212");
    ok("+54 9 11 2345 6789", None, "+5491123456789");
}

#[test]
fn belarus_8_0() {
    // `0|80?` with transform `0`: the `8` trunk prefix, with or without `0`.
    ok("8 029 123 45 67", Some("BY"), "+375291234567");
    ok("8 0 29 123 45 67", Some("BY"), "+375291234567");
}

#[test]
fn brazil_carrier_codes() {
    // `(?:0|90)(?:(carrier)(\d{10,11}))?` with transform `$2`.
    ok("0 21 21 2345 6789", Some("BR"), "+552123456789");
    ok("0 15 11 91234 5678", Some("BR"), "+5511912345678");
}

#[test]
fn mexico() {
    ok("55 1234 5678", Some("MX"), "+525512345678");
    // The old `044` mobile prefix and `+52 1` are no longer stripped: too long.
    assert_eq!(
        e164("044 55 1234 5678", Some("MX")),
        Err(PhoneError::TooLong)
    );
    assert_eq!(e164("+52 1 55 1234 5678", None), Err(PhoneError::TooLong));
}

#[test]
fn idd_prefixes() {
    let n = parse("011 44 20 7946 0958", Some("US")).unwrap();
    assert_eq!(n.e164(), "+442079460958");
    assert_eq!(n.region(), Some("GB"));
    let n = parse("00 1 213 373 4253", Some("GB")).unwrap();
    assert_eq!(n.e164(), "+12133734253");
    assert_eq!(n.region(), Some("US"));
}

#[test]
fn calling_code_without_plus_and_shared_codes() {
    let n = parse("1 613 555 0123", Some("CA")).unwrap();
    assert_eq!(
        (n.e164().as_str(), n.region()),
        ("+16135550123", Some("CA"))
    );
    // A US default region still yields the region the number belongs to.
    assert_eq!(
        parse("613 555 0123", Some("US")).unwrap().region(),
        Some("CA")
    );
    assert_eq!(
        parse("+7 800 555 35 35", None).unwrap().region(),
        Some("RU")
    );
    assert_eq!(
        parse("+44 (0)7911 123456", None).unwrap().region(),
        Some("GG")
    );
    assert_eq!(
        parse("+44 (0)7911 123456", None).unwrap().e164(),
        "+447911123456"
    );
    ok("+39 06 1234 5678", None, "+390612345678");
    let n = parse("+800 1234 5678", None).unwrap();
    assert_eq!((n.e164().as_str(), n.region()), ("+80012345678", None));
}

#[test]
fn extensions() {
    ok("+1 213 373 4253 ext. 123", None, "+12133734253");
    ok("213-373-4253 x123", Some("US"), "+12133734253");
    ok("2133734253;ext=77", Some("US"), "+12133734253");
}

#[test]
fn unicode_digits() {
    ok("２１３ ３７３ ４２５３", Some("US"), "+12133734253");
    ok("+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", None, "+971501234567");
    ok("٠٥٠ ١٢٣ ٤٥٦٧", Some("AE"), "+971501234567");
    ok("۰۹۱۲ ۳۴۵ ۶۷۸۹", Some("IR"), "+989123456789");
    // A fullwidth plus is not a plus for parseIncompletePhoneNumber.
    assert_eq!(
        e164("＋１ ２１３ ３７３ ４２５３", None),
        Err(PhoneError::InvalidCountry)
    );
}

#[test]
fn text_around_the_number() {
    ok("call 213-373-4253 now", Some("US"), "+12133734253");
    ok("tel:+1-213-373-4253", None, "+12133734253");
    // Letters are dropped at the ends, not converted: `+11800` is too short.
    assert_eq!(e164("1-800-FLOWERS", Some("US")), Err(PhoneError::TooShort));
}

#[test]
fn errors() {
    assert_eq!(e164("21337", Some("US")), Err(PhoneError::TooShort));
    assert_eq!(e164("+1 213 373 42", Some("US")), Err(PhoneError::TooShort));
    assert_eq!(e164("213373425312", Some("US")), Err(PhoneError::TooLong));
    assert_eq!(
        e164("123456789012345678", Some("US")),
        Err(PhoneError::TooLong)
    );
    assert_eq!(e164("+376 123 4567", None), Err(PhoneError::NotPossible));
    assert_eq!(e164("12", Some("US")), Err(PhoneError::TooShort));
    assert_eq!(e164("2133734253", None), Err(PhoneError::InvalidCountry));
    assert_eq!(
        e164("+0 123 456 789", None),
        Err(PhoneError::InvalidCountry)
    );
    assert_eq!(e164("hello", Some("US")), Err(PhoneError::NotANumber));
    assert_eq!(e164("", Some("US")), Err(PhoneError::NotANumber));
}

#[test]
fn regions() {
    assert_eq!(
        e164("2133734253", Some("ZZ")),
        Err(PhoneError::InvalidRegion)
    );
    assert_eq!(
        e164("+12133734253", Some("ZZ")),
        Err(PhoneError::InvalidRegion)
    );
    assert_eq!(
        e164("+12133734253", Some("")),
        Err(PhoneError::InvalidRegion)
    );
    ok("(650)555-1212", Some("us"), "+16505551212");
    assert!(is_known_region("US") && is_known_region("gb") && is_known_region("AC"));
    assert!(!is_known_region("ZZ") && !is_known_region("001") && !is_known_region(""));
}

#[test]
fn messages_do_not_echo_input() {
    for e in [
        PhoneError::InvalidRegion,
        PhoneError::NotANumber,
        PhoneError::InvalidCountry,
        PhoneError::TooShort,
        PhoneError::TooLong,
        PhoneError::NotPossible,
    ] {
        let m = e.to_string();
        assert!(
            !m.is_empty() && !m.chars().any(|c| c.is_ascii_digit()),
            "{m}"
        );
    }
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,300}", region in proptest::option::of("[A-Za-z]{2}")) {
            let _ = parse(&input, region.as_deref());
        }

        #[test]
        fn never_panics_on_phone_like_input(
            input in "[+０-９0-9٠-٩ ()\\-.x#;,=a-z:]{0,40}",
            region in proptest::option::of("(US|GB|AR|BR|BY|MX|DE|RU|JP|IN)"),
        ) {
            if let Ok(n) = parse(&input, region.as_deref()) {
                let e = n.e164();
                prop_assert!(e.len() <= 21 && e[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(&e[1..], n.digits());
            }
        }
    }
}
