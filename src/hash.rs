//! SHA-256 as AppsFlyer's `*_hashed` fields want it: lowercase hex of the
//! digest of the normalized UTF-8 value, 64 characters.

use alloc::string::String;
use sha2::{Digest, Sha256};

/// Length of a SHA-256 digest in lowercase hex.
pub const SHA256_HEX_LEN: usize = 64;

/// Lowercase hex SHA-256 of `text`'s UTF-8 bytes.
///
/// ```
/// assert_eq!(
///     appsflyer_s2s::hash::sha256_hex("mary"),
///     "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
/// );
/// ```
pub fn sha256_hex(text: &str) -> String {
    sha256_hex_bytes(text.as_bytes())
}

/// Lowercase hex SHA-256 of raw bytes.
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = [0u8; SHA256_HEX_LEN];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0x0f)];
    }
    // Only ASCII hex digits were written, so this never falls back.
    String::from(core::str::from_utf8(&hex).unwrap_or_default())
}

/// Whether `value` already is a SHA-256 digest in hex (64 hex digits, any case).
///
/// Such values pass through the `*_hashed` fields instead of being hashed twice.
pub fn is_sha256_hex(value: &str) -> bool {
    value.len() == SHA256_HEX_LEN && value.bytes().all(|b| b.is_ascii_hexdigit())
}
