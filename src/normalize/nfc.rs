//! Unicode Normalization Form C ([UAX #15]) over compact generated tables
//! (`nfc_tables.rs`, from `tools/gen-nfc`).
//!
//! Only what NFC needs is linked: canonical combining classes, single-level
//! canonical decompositions and the primary composites; no compatibility
//! (NFKD) data. The result is exactly that of the `unicode-normalization`
//! crate's `nfc()` for the same Unicode version (checked for every code point
//! and many sequences by `tests/nfc.rs`).
//!
//! [UAX #15]: https://www.unicode.org/reports/tr15/

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::nfc_tables::{CCC, COMPOSE, DECOMP_LO, DECOMP_META, DECOMP_RUNS, SECONDS};

/// The Unicode version whose normalization [`nfc`] implements.
pub const UNICODE_VERSION: (u8, u8, u8) = super::nfc_tables::UNICODE_VERSION;

// Hangul syllables (Unicode § 3.12, Conjoining Jamo Behavior).
const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

/// Code points below this are starters without decomposition that combine
/// with nothing before them: text made of them only is NFC.
const FAST_LIMIT: char = '\u{300}';

/// A code point with its canonical combining class.
type Item = (u32, u8);

/// The Unicode Normalization Form C (canonical decomposition, then canonical
/// composition) of `s`, borrowed when `s` already is NFC.
///
/// ```
/// use appsflyer_s2s::normalize::nfc;
/// assert_eq!(nfc("Vale\u{301}ry"), "Val\u{e9}ry");
/// assert!(matches!(nfc("Valéry"), std::borrow::Cow::Borrowed(_)));
/// assert_eq!(nfc("\u{1100}\u{1161}\u{11a8}"), "\u{ac01}");
/// ```
pub fn nfc(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| c < FAST_LIMIT || is_stable(c as u32)) {
        return Cow::Borrowed(s);
    }
    let composed = normalize(s);
    if composed == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(composed)
    }
}

/// Whether `u` is NFC in any context: a starter that is no second half of a
/// decomposition (nothing before it can combine with it) and either has no
/// decomposition or is a primary composite whose first half is stable too.
/// `tools/gen-nfc` checks that this implies both.
fn is_stable(u: u32) -> bool {
    if u.wrapping_sub(S_BASE) < S_COUNT {
        // A syllable; an LV one can take a trailing jamo, which is unstable.
        return true;
    }
    if (V_BASE..T_BASE + T_COUNT).contains(&u) {
        // Vowel and trailing jamo combine with what precedes them.
        return false;
    }
    if ccc(u) != 0 || SECONDS.binary_search(&u).is_ok() {
        return false;
    }
    match decomposition(u) {
        None => true,
        Some((a, b)) => b != 0 && compose(a, b) == Some(u) && is_stable(a),
    }
}

/// Decomposes, reorders and recomposes `s` (UAX #15).
fn normalize(s: &str) -> String {
    // Full canonical decomposition.
    let mut buf: Vec<Item> = Vec::with_capacity(s.len());
    for c in s.chars() {
        decompose(c as u32, &mut buf);
    }

    // Canonical ordering: stable sort of each run of non-starters by class.
    let mut start = 0;
    while start < buf.len() {
        let end = buf[start..]
            .iter()
            .position(|&(_, k)| k == 0)
            .map_or(buf.len(), |n| start + n);
        if end > start {
            sort_by_class(&mut buf[start..end]);
        }
        start = end + 1;
    }

    // Canonical composition, in place: `write <= read`.
    let mut starter: Option<usize> = None;
    // The class of the last code point kept after the starter (`None`: none,
    // so the next one is adjacent to the starter).
    let mut last: Option<u8> = None;
    let mut write = 0;
    for read in 0..buf.len() {
        let (u, k) = buf[read];
        if let Some(p) = starter {
            // Blocked when something of class 0 or >= k is in between.
            if last.is_none_or(|l| l < k) {
                if let Some(x) = compose(buf[p].0, u) {
                    buf[p].0 = x;
                    continue;
                }
            }
            if k == 0 {
                starter = Some(write);
                last = None;
            } else {
                last = Some(k);
            }
        } else if k == 0 {
            starter = Some(write);
        }
        buf[write] = (u, k);
        write += 1;
    }
    buf.truncate(write);

    buf.iter().filter_map(|&(u, _)| char::from_u32(u)).collect()
}

/// Appends the full canonical decomposition of `u`, with classes.
fn decompose(u: u32, out: &mut Vec<Item>) {
    let s = u.wrapping_sub(S_BASE);
    if s < S_COUNT {
        out.push((L_BASE + s / N_COUNT, 0));
        out.push((V_BASE + s % N_COUNT / T_COUNT, 0));
        if !s.is_multiple_of(T_COUNT) {
            out.push((T_BASE + s % T_COUNT, 0));
        }
        return;
    }
    match decomposition(u) {
        // The tables nest a few levels at most (checked by tools/gen-nfc).
        Some((a, b)) => {
            decompose(a, out);
            if b != 0 {
                decompose(b, out);
            }
        }
        None => out.push((u, ccc(u))),
    }
}

/// Stable sort by canonical combining class, in `O(len × classes)` without
/// the code of a general sort: runs are short and mostly sorted already.
fn sort_by_class(run: &mut [Item]) {
    if run.windows(2).all(|w| w[0].1 <= w[1].1) {
        return;
    }
    let items: Vec<Item> = run.to_vec();
    let mut sorted = Vec::with_capacity(items.len());
    let mut class = 0;
    while let Some(next) = items.iter().map(|&(_, k)| k).filter(|&k| k > class).min() {
        sorted.extend(items.iter().filter(|&&(_, k)| k == next));
        class = next;
    }
    for (slot, item) in run.iter_mut().zip(sorted) {
        *slot = item;
    }
}

/// The canonical combining class of `u`.
fn ccc(u: u32) -> u8 {
    if u < FAST_LIMIT as u32 {
        return 0;
    }
    let i = CCC.partition_point(|&e| e >> 14 <= u);
    match i.checked_sub(1).and_then(|i| CCC.get(i)) {
        Some(&e) if u - (e >> 14) <= (e >> 8 & 0x3F) => e as u8,
        _ => 0,
    }
}

/// The single-level canonical decomposition of `u` (not Hangul): the first
/// code point and the second, 0 for a singleton.
fn decomposition(u: u32) -> Option<(u32, u32)> {
    let i = DECOMP_RUNS.partition_point(|&r| r >> 12 <= u);
    let run = *DECOMP_RUNS.get(i.checked_sub(1)?)?;
    let next = *DECOMP_RUNS.get(i)?;
    let (base, end) = (run & 0xFFF, next & 0xFFF);
    let index = base + (u - (run >> 12));
    if index >= end {
        return None;
    }
    let index = index as usize;
    let lo = u32::from(*DECOMP_LO.get(index)?);
    let meta = *DECOMP_META.get(index)?;
    if meta & 0x80 != 0 {
        Some((u32::from(meta & 0x7F) << 16 | lo, 0))
    } else {
        let second = *SECONDS.get(usize::from(meta).checked_sub(1)?)?;
        Some((u & !0xFFFF | lo, second))
    }
}

/// The primary composite of `a` followed by `b`, if any.
fn compose(a: u32, b: u32) -> Option<u32> {
    // Hangul: leading + vowel jamo, LV syllable + trailing jamo.
    let (l, v, s, t) = (
        a.wrapping_sub(L_BASE),
        b.wrapping_sub(V_BASE),
        a.wrapping_sub(S_BASE),
        b.wrapping_sub(T_BASE),
    );
    if l < L_COUNT && v < V_COUNT {
        return Some(S_BASE + (l * V_COUNT + v) * T_COUNT);
    }
    if s < S_COUNT && s.is_multiple_of(T_COUNT) && t.wrapping_sub(1) < T_COUNT - 1 {
        return Some(a + t);
    }
    let second = SECONDS.binary_search(&b).ok()? as u32 + 1;
    let key = (a & 0xFFFF) << 8 | second;
    let found = COMPOSE
        .binary_search_by_key(&key, |&i| {
            let i = usize::from(i);
            let lo = DECOMP_LO.get(i).map_or(0, |&lo| u32::from(lo));
            let meta = DECOMP_META.get(i).map_or(0, |&m| u32::from(m));
            lo << 8 | meta
        })
        .ok()?;
    let index = u32::from(*COMPOSE.get(found)?);
    // The composite: the run holding entry `index`.
    let r = DECOMP_RUNS.partition_point(|&r| r & 0xFFF <= index);
    let run = *DECOMP_RUNS.get(r.checked_sub(1)?)?;
    let c = (run >> 12) + (index - (run & 0xFFF));
    // A pair's first half is in its composite's plane.
    (c >> 16 == a >> 16).then_some(c)
}
