//! Unicode lowercasing, exactly as the standard library's `str::to_lowercase`,
//! over compact generated tables (`case_tables.rs`, from `tests/lowercase.rs`).
//!
//! `str::to_lowercase` links a table of some 1,400 code point pairs, the
//! `Cased` / `Case_Ignorable` property tables and the formatting of its
//! panics: 11 KB gzip of every wasm build (measured on the hashing-only
//! package build), for the two places PII is lowercased. Here the same
//! mapping is 184 runs of code points that share an offset, and
//! Final_Sigma's context (`Σ` lowercases to `ς` at the end of a word, to `σ`
//! elsewhere) one class per range of code points: 2 KB gzip. `tests/lowercase.rs` checks every
//! code point, every context of `Σ` and random strings against
//! `str::to_lowercase`, and that the tables are what it generates.

use alloc::string::String;

use super::case_tables::{RUNS, SIGMA_CONTEXT};

/// `SIGMA_CONTEXT` classes: skipped when looking for the cased neighbour...
const CASE_IGNORABLE: u32 = 1;
/// ...which decides: `Cased` and not `Case_Ignorable`.
const CASED: u32 = 2;

/// `text.to_lowercase()`.
pub(crate) fn to_lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        match c {
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            'Σ' => out.push(if is_word_final(text, at) { 'ς' } else { 'σ' }),
            // The one code point whose lowercase is two.
            'İ' => out.push_str("i\u{307}"),
            _ => out.push(lowercase_char(c)),
        }
    }
    out
}

/// The lowercase of a code point that lowercases to a single one.
fn lowercase_char(c: char) -> char {
    let u = u32::from(c);
    let after = RUNS.partition_point(|&(run, _)| run >> 11 <= u);
    let Some(&(run, offset)) = after.checked_sub(1).and_then(|i| RUNS.get(i)) else {
        return c;
    };
    let (step, len) = ((run & 1) + 1, ((run >> 1) & 0x7f) + 1);
    let from_start = u - (run >> 11);
    if from_start % step == 0 && from_start / step < len {
        char::from_u32(u.wrapping_add_signed(offset)).unwrap_or(c)
    } else {
        c
    }
}

/// Unicode's Final_Sigma (§ 3.13): a cased letter before the `Σ` at `at`
/// and none after it, case-ignorable code points (apostrophes, combining
/// marks...) skipped on both sides.
fn is_word_final(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or_default().chars().rev();
    let after = text.get(at + 'Σ'.len_utf8()..).unwrap_or_default().chars();
    cased_first(before) && !cased_first(after)
}

/// Whether the first code point that is not case-ignorable is cased.
fn cased_first(chars: impl Iterator<Item = char>) -> bool {
    chars
        .map(sigma_context)
        .find(|&class| class != CASE_IGNORABLE)
        == Some(CASED)
}

/// The Final_Sigma class of a code point: a walk over the ranges (only a
/// `Σ`'s neighbours are ever looked up).
fn sigma_context(c: char) -> u32 {
    let u = u32::from(c);
    let (mut start, mut class) = (0u32, 0u32);
    let mut bytes = SIGMA_CONTEXT.iter();
    loop {
        let (mut entry, mut shift) = (0u32, 0);
        loop {
            let Some(&b) = bytes.next() else {
                return class;
            };
            entry |= u32::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        let next = start + (entry >> 2);
        if next > u {
            return class;
        }
        (start, class) = (next, entry & 3);
    }
}
