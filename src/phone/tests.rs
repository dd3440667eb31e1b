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
    use alloc::vec::Vec;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    fn smoke(cases: u32) -> ProptestConfig {
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(smoke(256))]

        #[test]
        fn smoke_never_panics(input in "\\PC{0,300}", region in proptest::option::of("[A-Za-z]{2}")) {
            let _ = parse(&input, region.as_deref());
        }

        #[test]
        fn smoke_phone_like_input_never_panics(
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

    /// Punctuation libphonenumber-js skips between digits.
    const PUNCTUATION: [&str; 6] = [" ", "-", ".", "(", ")", "\u{3000}"];

    /// `digits` with punctuation after some of its digits (none after the
    /// last), as `punct` picks it.
    fn punctuate(digits: &str, punct: &[usize]) -> String {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            out.push(c);
            let pick = punct.get(i).map(|p| p % (2 * PUNCTUATION.len()));
            if let Some(s) = pick.and_then(|p| PUNCTUATION.get(p)) {
                if i + 1 < digits.len() {
                    out.push_str(s);
                }
            }
        }
        out
    }

    /// Numbers written from every numbering plan of the metadata: its calling
    /// code (or its region as the default) and a national number of a length
    /// the plan calls possible (sometimes one digit too few or too many),
    /// punctuated. Whatever parses has the plan's calling code (for `+`
    /// input), a national number whose length its own plan calls possible,
    /// consistent E.164 forms, and the same result without the punctuation.
    /// Prints how many cases parsed; fails under half.
    #[test]
    fn numbers_written_from_the_plans_parse_consistently() {
        let plans: Vec<Plan> = plans().collect();
        let reached = AtomicUsize::new(0);
        let mut runner = TestRunner::new(Config {
            cases: 3000,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (
            0..plans.len(),
            any::<u32>(),
            "[1-9][0-9]{16}",
            any::<bool>(),
            proptest::collection::vec(any::<usize>(), 17),
        );
        let result = runner.run(&strategy, |(p, pick, digits, national, punct)| {
            let plan = plans[p];
            // A length the plan allows; one time in ten one too short or too long.
            let lengths: Vec<usize> = (0..32).filter(|&n| has_length(plan.lengths, n)).collect();
            let length = match pick % 20 {
                0 => lengths[0].saturating_sub(1).max(1),
                1 => lengths[lengths.len() - 1] + 1,
                _ => lengths[pick as usize / 20 % lengths.len()],
            };
            let nn = &digits[..length.min(17)];
            let national = national && !plan.region.is_empty();
            let (input, plain, region) = if national {
                (punctuate(nn, &punct), String::from(nn), Some(plan.region))
            } else {
                let mut buf = [0u8; 5];
                let cc = fmt_u16(plan.cc, &mut buf);
                (
                    alloc::format!("+{cc} {}", punctuate(nn, &punct)),
                    alloc::format!("+{cc}{nn}"),
                    None,
                )
            };
            let Ok(n) = parse(&input, region) else {
                return Ok(());
            };
            let unpunctuated = parse(&plain, region);
            prop_assert!(
                unpunctuated.as_ref() == Ok(&n),
                "{:?} vs {:?}",
                input,
                plain
            );
            if !national {
                prop_assert_eq!(n.country_calling_code(), plan.cc);
            }
            let own = n
                .region()
                .and_then(region_plan)
                .or_else(|| calling_code_plan(n.country_calling_code()))
                .expect("a parsed number has a plan");
            prop_assert_eq!(own.cc, n.country_calling_code());
            prop_assert!(has_length(own.lengths, n.national_number().len()));
            prop_assert!((MIN_NSN..=MAX_NSN).contains(&n.national_number().len()));
            prop_assert!(n.national_number().bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(n.e164(), alloc::format!("+{}", n.digits()));
            reached.fetch_add(1, Ordering::Relaxed);
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let reached = reached.load(Ordering::Relaxed);
        std::println!("numbers_written_from_the_plans_parse_consistently: {reached} of 3000 cases parsed and were checked");
        assert!(reached * 2 >= 3000, "only {reached} of 3000 generated numbers parsed: the generator no longer reaches the parser");
    }
}
