//! Any text and region → phone::parse: never panics; a parsed number's E.164
//! form is `+` and ASCII digits, its digits are that form without `+`.
//! (Re-parsing the E.164 form is not asserted to give it back: libphonenumber-js,
//! the reference, does not either, e.g. Belarus `0 80 29 123 45 67`.)
#![no_main]

use appsflyer_s2s::phone;
use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 12] = [
    "US", "GB", "DE", "AR", "BR", "MX", "BY", "IN", "JP", "RU", "IT", "CN",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let region = REGIONS.get(usize::from(pick) % 13).copied();
    if let Ok(number) = phone::parse(text, region) {
        let e164 = number.e164();
        assert_eq!(format!("+{}", number.digits()), e164);
        // `+`, a calling code of up to 3 digits, a national number of up to 17.
        assert!(e164.len() <= 21);
        assert!(number.digits().bytes().all(|b| b.is_ascii_digit()));
        let _ = phone::parse(&e164, None);
    }
});
