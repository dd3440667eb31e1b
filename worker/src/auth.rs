//! Caller authentication: `Authorization: Bearer <token>` against `CLIENT_TOKENS`.

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

/// Whether an `Authorization` header value carries one of `tokens`.
///
/// Constant time in the token's content and length: both sides are reduced to
/// SHA-256 digests, every configured token is compared (no early exit), and
/// the digests are compared with `subtle`. No configured token refuses all.
pub fn authorized(header: Option<&str>, tokens: &[String]) -> bool {
    let Some(given) = header.and_then(bearer) else {
        return false;
    };
    let given = Sha256::digest(given.as_bytes());
    let mut ok = Choice::from(0);
    for token in tokens {
        ok |= Sha256::digest(token.as_bytes())
            .as_slice()
            .ct_eq(given.as_slice());
    }
    bool::from(ok)
}

/// The token of a `Bearer` credential (scheme case-insensitive, RFC 9110 §11.1).
fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
