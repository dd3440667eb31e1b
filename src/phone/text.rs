//! The character-level front end of libphonenumber-js's `parse()`:
//! RFC 3966 `tel:` URIs, `extractFormattedPhoneNumber`, the
//! `VALID_PHONE_NUMBER` viability check, extension stripping and
//! `parseIncompletePhoneNumber`, ported from its `source/` directory.
//!
//! libphonenumber-js applies these rules with case-insensitive (`i`, non-`u`)
//! JavaScript regular expressions; they are written out by hand here.

use alloc::string::String;
use alloc::vec::Vec;

use super::PhoneError;

/// JavaScript's `MAX_INPUT_STRING_LENGTH` (in UTF-16 code units).
const MAX_INPUT_UTF16: usize = 250;

/// `VALID_DIGITS`: ASCII, fullwidth, Arabic-Indic and Eastern Arabic-Indic
/// digits (libphonenumber-js accepts no other Unicode digits).
pub(super) fn digit(c: char) -> Option<u8> {
    let base = match c {
        '0'..='9' => '0',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        _ => return None,
    };
    // The ranges above are ten code points long.
    Some(b'0' + (u32::from(c) - u32::from(base)) as u8)
}

fn is_digit(c: char) -> bool {
    digit(c).is_some()
}

/// `VALID_PUNCTUATION`: dashes, slashes, dots, white space, brackets, tildes.
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{30FC}'
                | '\u{FF0D}'
                | '\u{FF0F}'
                | '/'
                | '\u{FF0E}'
                | '.'
                | ' '
                | '\u{A0}'
                | '\u{AD}'
                | '\u{200B}'
                | '\u{2060}'
                | '\u{3000}'
                | '('
                | ')'
                | '\u{FF08}'
                | '\u{FF09}'
                | '\u{FF3B}'
                | '\u{FF3D}'
                | '['
                | ']'
                | '~'
                | '\u{2053}'
                | '\u{223C}'
                | '\u{FF5E}'
    )
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '\u{FF0B}'
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// JavaScript's case-insensitive comparison without the `u` flag: both sides
/// are mapped through `toUpperCase` unless that would turn a non-ASCII
/// character into an ASCII one. Only the letters of the extension labels
/// matter here, so only their case pairs are listed.
fn fold(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{FF21}'..='\u{FF3A}' | '\u{0410}'..='\u{042F}' => {
            char::from_u32(u32::from(c) + 0x20).unwrap_or(c)
        }
        '\u{00D3}' => '\u{00F3}',
        '\u{1C81}' => '\u{0434}',
        '\u{1C82}' => '\u{043E}',
        _ => c,
    }
}

/// Does `s[i..]` start with `label` (case-insensitively)? Returns the index
/// after it.
fn label(s: &[char], i: usize, label: &str) -> Option<usize> {
    let mut i = i;
    for l in label.chars() {
        if fold(*s.get(i)?) != l {
            return None;
        }
        i += 1;
    }
    Some(i)
}

fn skip(s: &[char], mut i: usize, set: impl Fn(char) -> bool) -> usize {
    while s.get(i).is_some_and(|&c| set(c)) {
        i += 1;
    }
    i
}

/// `[ \u00A0\t,]` before an extension label.
fn sep_label(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\t' | ',')
}

/// `[ \u00A0\t]` before auto-dialling characters.
fn sep_blank(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\t')
}

/// `[:\.．]?[ \u00A0\t,-]*([digits]{1,max})#?$` from `i`.
fn ext_tail(s: &[char], i: usize, max: usize) -> bool {
    let mut i = i;
    if matches!(s.get(i), Some(':' | '.' | '\u{FF0E}')) {
        i += 1;
    }
    i = skip(s, i, |c| matches!(c, ' ' | '\u{A0}' | '\t' | ',' | '-'));
    ext_digits(s, i, 1, max, false)
}

/// `([digits]{min,max})` then `#` (optional unless `hash`) then the end.
fn ext_digits(s: &[char], i: usize, min: usize, max: usize, hash: bool) -> bool {
    let j = skip(s, i, is_digit);
    let n = j - i;
    let rest = s.get(j..).unwrap_or_default();
    n >= min && n <= max && (rest == ['#'] || (!hash && rest.is_empty()))
}

/// Does the whole of `s` match libphonenumber-js's extension pattern
/// (`createExtensionPattern()`, anchored at the end)?
fn is_extension(s: &[char]) -> bool {
    // Every alternative starts with a label, a separator or `;`, never with a
    // digit or bracket: most positions of a number are rejected here at once.
    if s.first()
        .is_none_or(|&c| is_digit(c) || matches!(c, '(' | ')' | '.' | '/' | '+'))
    {
        return false;
    }
    // RFC 3966: ";ext=" digits{1,20}
    if label(s, 0, ";ext=")
        .is_some_and(|n| ext_digits(s, n, 1, 20, false) && s.last() != Some(&'#'))
    {
        return true;
    }
    // Explicit labels, then ambiguous ones: [ \u00A0\t,]* label tail.
    let t = skip(s, 0, sep_label);
    // e?xt(?:ensi(?:o\u0301?|ó))?n?
    let e = t + usize::from(s.get(t).is_some_and(|&c| fold(c) == 'e'));
    if let Some(base) = label(s, e, "xt") {
        let mut ends = [base, usize::MAX, usize::MAX];
        if let Some(after) = label(s, base, "ensi") {
            if label(s, after, "o").is_some() {
                ends[1] = after + 1;
                if s.get(after + 1) == Some(&'\u{301}') {
                    ends[2] = after + 2;
                }
            } else if label(s, after, "\u{F3}").is_some() {
                ends[1] = after + 1;
            }
        }
        for end in ends {
            if end != usize::MAX
                && (ext_tail(s, end, 20) || label(s, end, "n").is_some_and(|n| ext_tail(s, n, 20)))
            {
                return true;
            }
        }
    }
    // \uFF45?\uFF58\uFF54\uFF4E?
    let e = t + usize::from(s.get(t).is_some_and(|&c| fold(c) == '\u{FF45}'));
    if let Some(end) = label(s, e, "\u{FF58}\u{FF54}") {
        if ext_tail(s, end, 20) || label(s, end, "\u{FF4E}").is_some_and(|n| ext_tail(s, n, 20)) {
            return true;
        }
    }
    for l in ["\u{434}\u{43E}\u{431}", "anexo"] {
        if label(s, t, l).is_some_and(|n| ext_tail(s, n, 20)) {
            return true;
        }
    }
    // Ambiguous: [x\uFF58#\uFF03~\uFF5E]|int|\uFF49\uFF4E\uFF54
    for l in [
        "x",
        "\u{FF58}",
        "#",
        "\u{FF03}",
        "~",
        "\u{FF5E}",
        "int",
        "\u{FF49}\u{FF4E}\u{FF54}",
    ] {
        if label(s, t, l).is_some_and(|n| ext_tail(s, n, 9)) {
            return true;
        }
    }
    // American style: [- ]+ digits{1,6} #
    let i = skip(s, 0, |c| c == '-' || c == ' ');
    if i > 0 && ext_digits(s, i, 1, 6, true) {
        return true;
    }
    // Auto-dialling: [ \u00A0\t]* (?:,{2}|;) tail(15); only commas: [ \u00A0\t]* ,+ tail(9)
    let i = skip(s, 0, sep_blank);
    if label(s, i, ",,").is_some_and(|n| ext_tail(s, n, 15))
        || label(s, i, ";").is_some_and(|n| ext_tail(s, n, 15))
    {
        return true;
    }
    let j = skip(s, i, |c| c == ',');
    j > i && ext_tail(s, j, 9)
}

/// `extractExtension`: where the extension starts (the leftmost position from
/// which the rest of the string is an extension), if there is one.
fn extension_start(s: &[char]) -> Option<usize> {
    (0..s.len()).find(|&i| s.get(i..).is_some_and(is_extension))
}

/// `isViablePhoneNumber`: two digits, or `VALID_PHONE_NUMBER` (an optional
/// plus, then punctuation and at least three digits) optionally followed by an
/// extension.
fn is_viable(s: &[char]) -> bool {
    if s.iter().copied().map(char::len_utf16).sum::<usize>() < 2 {
        return false;
    }
    if s.len() == 2 && s.iter().all(|&c| is_digit(c)) {
        return true;
    }
    let start = usize::from(s.first().is_some_and(|&c| is_plus(c)));
    let mut digits = 0;
    for k in start..=s.len() {
        if digits >= 3 && (k == s.len() || s.get(k..).is_some_and(is_extension)) {
            return true;
        }
        match s.get(k) {
            Some(&c) if is_digit(c) => digits += 1,
            Some(&c) if is_punct(c) => {}
            _ => return false,
        }
    }
    false
}

/// `isViablePhoneNumberStart`: an optional plus and one or two digits, with
/// punctuation before them (decides `TOO_SHORT` over `NOT_A_NUMBER`).
fn is_viable_start(s: &[char]) -> bool {
    let start = usize::from(s.first().is_some_and(|&c| is_plus(c)));
    let rest = s.get(start..).unwrap_or_default();
    let digits = rest.iter().filter(|&&c| is_digit(c)).count();
    (1..=2).contains(&digits)
        && rest.last().is_some_and(|&c| is_digit(c))
        && rest.iter().all(|&c| is_digit(c) || is_punct(c))
}

/// `extractFormattedPhoneNumber` (with `v2`): from the first plus or digit,
/// without trailing characters other than digits and `#`.
fn extract_formatted(text: &str) -> Result<Option<&str>, PhoneError> {
    if text.is_empty() {
        return Ok(None);
    }
    if utf16_len(text) > MAX_INPUT_UTF16 {
        return Err(PhoneError::TooLong);
    }
    let Some((start, _)) = text
        .char_indices()
        .find(|&(_, c)| is_plus(c) || is_digit(c))
    else {
        return Ok(None);
    };
    let text = text.get(start..).unwrap_or_default();
    Ok(Some(
        text.trim_end_matches(|c: char| !is_digit(c) && c != '#'),
    ))
}

const PHONE_CONTEXT: &str = ";phone-context=";

/// `isPhoneContextValid` for a present context: a global number
/// (`+` then digits and visual separators) or libphonenumber-js's domain name
/// pattern (whose labels, as written there, hold digits only).
fn is_phone_context_valid(ctx: &str) -> bool {
    if let Some(rest) = ctx.strip_prefix('+') {
        if rest.chars().any(is_digit)
            && rest
                .chars()
                .all(|c| is_digit(c) || matches!(c, '-' | '.' | '(' | ')'))
        {
            return true;
        }
    }
    // (domainlabel \.)* toplabel \.? where domainlabel = [digits]+((\-)*[digits])*
    // and toplabel = [a-zA-Z]+((\-)*[digits])*.
    let ctx = ctx.strip_suffix('.').unwrap_or(ctx);
    let mut letters = 0; // letters at the start of the current label
    let mut first = true; // at the start of a label
    let mut prev = '.';
    for c in ctx.chars() {
        if c == '.' {
            // A finished domain label: digits and dashes, starting and ending with a digit.
            if letters > 0 || !is_digit(prev) {
                return false;
            }
            first = true;
        } else {
            if c.is_ascii_alphabetic() {
                if !(first || letters > 0 && prev.is_ascii_alphabetic()) {
                    return false;
                }
                letters += 1;
            } else if !(is_digit(c) || c == '-' && !first) {
                return false;
            }
            first = false;
        }
        if c == '.' {
            letters = 0;
        }
        prev = c;
    }
    letters > 0 && prev != '-'
}

/// Byte position of `needle` in `hay`.
fn find(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// `extractFormattedPhoneNumberFromPossibleRfc3966NumberUri`.
fn extract_possible_rfc3966(text: &str) -> Result<Option<String>, PhoneError> {
    let mut number = match find(text, PHONE_CONTEXT) {
        None => String::from(extract_formatted(text)?.unwrap_or_default()),
        Some(at) => {
            let ctx = text.get(at + PHONE_CONTEXT.len()..).unwrap_or_default();
            let ctx = ctx.split(';').next().unwrap_or_default();
            if !is_phone_context_valid(ctx) {
                return Err(PhoneError::NotANumber);
            }
            let mut number = String::new();
            if ctx.starts_with('+') {
                number.push_str(ctx);
            }
            let from = find(text, "tel:").map_or(0, |i| i + 4);
            // JavaScript's `substring` swaps reversed bounds.
            number.push_str(text.get(from.min(at)..from.max(at)).unwrap_or_default());
            number
        }
    };
    if let Some(i) = find(&number, ";isub=") {
        if i > 0 {
            number.truncate(i);
        }
    }
    Ok(if number.is_empty() {
        None
    } else {
        Some(number)
    })
}

/// The number part of `text` as `parseIncompletePhoneNumber` leaves it: ASCII
/// digits, with a leading `+` if the number part starts with an ASCII plus.
pub(super) fn number_digits(text: &str) -> Result<String, PhoneError> {
    let Some(number) = extract_possible_rfc3966(text)? else {
        return Err(PhoneError::NotANumber);
    };
    let chars: Vec<char> = number.chars().collect();
    if !is_viable(&chars) {
        return Err(if is_viable_start(&chars) {
            PhoneError::TooShort
        } else {
            PhoneError::NotANumber
        });
    }
    let end = extension_start(&chars).unwrap_or(chars.len());
    let mut out = String::with_capacity(end);
    for &c in chars.get(..end).unwrap_or_default() {
        if c == '+' {
            if out.is_empty() {
                out.push('+');
            }
        } else if let Some(d) = digit(c) {
            out.push(char::from(d));
        }
    }
    Ok(out)
}
