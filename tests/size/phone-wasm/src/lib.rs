//! Size probe: one exported function over bytes the host writes into linear
//! memory. With the `phone` feature it calls `appsflyer_s2s::phone::parse`;
//! without any feature, it does comparable allocation and string work, so the
//! size difference between the two builds is the phone code and data. With
//! `nfc` it calls `appsflyer_s2s::normalize::name` (NFC, trim, lowercase), with
//! `nfc-baseline` it only trims and lowercases: their difference is the NFC.
//! No `unsafe` blocks (only `#[no_mangle]` exports).

use std::sync::Mutex;

const CAP: usize = 256;

/// Input bytes (written by the host at `input_ptr()`), then output bytes.
static BUF: Mutex<[u8; CAP]> = Mutex::new([0; CAP]);

/// Where the host writes the UTF-8 input (at most 256 bytes).
#[no_mangle]
pub extern "C" fn input_ptr() -> *mut u8 {
    BUF.lock()
        .map_or(core::ptr::null_mut(), |mut b| b.as_mut_ptr())
}

/// Parses the `len` input bytes with the default region `region` (two ASCII
/// letters packed little-endian, 0 for none), writes the E.164 result over the
/// buffer and returns its length, or 0 on error.
#[no_mangle]
pub extern "C" fn parse(len: usize, region: u32) -> usize {
    let Ok(mut buf) = BUF.lock() else { return 0 };
    let Ok(input) = std::str::from_utf8(&buf[..len.min(CAP)]) else {
        return 0;
    };
    let region_bytes = region.to_le_bytes();
    let region = match region {
        0 => None,
        _ => std::str::from_utf8(&region_bytes[..2]).ok(),
    };
    let out = work(input, region);
    let n = out.len().min(CAP);
    buf[..n].copy_from_slice(&out.as_bytes()[..n]);
    n
}

#[cfg(feature = "phone")]
fn work(input: &str, region: Option<&str>) -> String {
    appsflyer_s2s::phone::parse(input, region)
        .map(|n| n.e164())
        .unwrap_or_default()
}

// NFC alone: the baseline does the same trimming and copying without it
// (lowercasing, which names also get, is left out of both).
#[cfg(all(feature = "nfc", not(feature = "phone")))]
fn work(input: &str, _region: Option<&str>) -> String {
    appsflyer_s2s::normalize::nfc(input.trim()).into_owned()
}

#[cfg(all(feature = "nfc-baseline", not(any(feature = "phone", feature = "nfc"))))]
fn work(input: &str, _region: Option<&str>) -> String {
    String::from(input.trim())
}

#[cfg(not(any(feature = "phone", feature = "nfc", feature = "nfc-baseline")))]
fn work(input: &str, region: Option<&str>) -> String {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 2 {
        return String::new();
    }
    format!("+{}{}", region.map_or(0, str::len), digits)
}
