//! Normalization rules of the contract, one table per PII kind.

use appsflyer_s2s::normalize::{email, name, NormalizeError};

#[test]
fn email_is_trimmed_and_lowercased_only() {
    let cases = [
        ("John_Smith@gmail.com", "john_smith@gmail.com"),
        ("  John_Smith@Gmail.COM \n", "john_smith@gmail.com"),
        // No Gmail rewriting: dots and +tags stay.
        ("J.O.H.N+ads@gmail.com", "j.o.h.n+ads@gmail.com"),
        ("ÉLODIE@exemple.fr", "élodie@exemple.fr"),
        ("\tuser@例え.jp ", "user@例え.jp"),
    ];
    for (raw, want) in cases {
        assert_eq!(email(raw).unwrap(), want, "{raw:?}");
    }
    for bad in ["", "   ", "john.smith.gmail.com"] {
        assert_eq!(email(bad), Err(NormalizeError::Email), "{bad:?}");
    }
}

#[test]
fn names_are_nfc_trimmed_lowercased() {
    let cases = [
        ("Mary", "mary"),
        (" MARY ", "mary"),
        ("Valéry", "valéry"),
        // Decomposed e + combining acute becomes the composed é (NFC).
        ("Vale\u{301}ry", "val\u{e9}ry"),
        ("ÅSA", "åsa"),
        ("ΟΔΥΣΣΕΥΣ", "οδυσσευς"),
        ("Şahin", "şahin"),
        ("O'Brien-Smith", "o'brien-smith"),
        ("李", "李"),
    ];
    for (raw, want) in cases {
        assert_eq!(name(raw).unwrap(), want, "{raw:?}");
    }
    assert_eq!(name(" \t "), Err(NormalizeError::Name));
}

/// libphonenumber-js (the reference) keeps Belarus's `80` when it follows the
/// trunk `0`, but strips it from the international form: E.164 results are not
/// always fixed points. Found by `fuzz/` (target `phone`); values from
/// libphonenumber-js 1.13.16.
#[test]
fn phone_e164_is_what_the_reference_gives_not_a_fixed_point() {
    use appsflyer_s2s::normalize::phone_e164;
    assert_eq!(
        phone_e164("0 80 29 123 45 67", Some("BY")).unwrap(),
        "+37580291234567"
    );
    assert_eq!(
        phone_e164("+37580291234567", None).unwrap(),
        "+375291234567"
    );
    assert_eq!(
        phone_e164("8 029 123 45 67", Some("BY")).unwrap(),
        "+375291234567"
    );
}
