//! Any text → time::parse: never panics; a parsed time printed in AppsFlyer's
//! form parses back to the same instant, in that form.
#![no_main]

use appsflyer_s2s::time::{self, TimeForm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((t, _)) = time::parse(text) {
        let printed = t.to_appsflyer();
        assert_eq!(printed.len(), 23);
        let (back, form) = time::parse(&printed).expect("our own output parses");
        assert_eq!(back, t);
        assert_eq!(form, TimeForm::AppsFlyer);
    }
});
