//! The crate's own NFC (`normalize::nfc`) against `unicode-normalization`'s
//! `nfc()`, the implementation it replaces: every code point, every pair of an
//! interesting starter and a combining code point, Hangul, random sequences.

use std::borrow::Cow;
use std::sync::LazyLock;

use appsflyer_s2s::{hash, normalize};
use proptest::prelude::*;
use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::UnicodeNormalization;

fn oracle(s: &str) -> String {
    s.nfc().collect()
}

/// Compares with the oracle; on a mismatch names the code points.
fn check(s: &str) {
    let ours = normalize::nfc(s);
    let want = oracle(s);
    assert!(
        ours == want,
        "nfc({:x?}) = {:x?}, want {:x?}",
        s.chars().map(u32::from).collect::<Vec<_>>(),
        ours.chars().map(u32::from).collect::<Vec<_>>(),
        want.chars().map(u32::from).collect::<Vec<_>>(),
    );
    // Borrowed exactly when nothing changes.
    assert_eq!(matches!(ours, Cow::Borrowed(_)), want == s, "{s:?}");
}

fn all_chars() -> impl Iterator<Item = char> {
    (0..=0x10FFFF).filter_map(char::from_u32)
}

fn full_decomposition(c: char) -> Vec<char> {
    let mut v = Vec::new();
    decompose_canonical(c, |d| v.push(d));
    v
}

/// Code points that matter to composition, from the oracle's data.
struct Pools {
    /// Code points with a canonical decomposition (Hangul syllables aside).
    decomposable: Vec<char>,
    /// First code points of full decompositions: the bases marks attach to.
    bases: Vec<char>,
    /// Every code point after the first in some full decomposition (the
    /// marks and the starters that combine with a preceding code point).
    seconds: Vec<char>,
    /// One code point of each non-zero combining class, and the seconds.
    marks: Vec<char>,
    /// Every code point with a non-zero combining class.
    all_marks: Vec<char>,
}

static POOLS: LazyLock<Pools> = LazyLock::new(|| {
    let mut decomposable = Vec::new();
    let mut bases = Vec::new();
    let mut seconds = Vec::new();
    let mut all_marks = Vec::new();
    let mut by_class = std::collections::BTreeMap::new();
    for c in all_chars() {
        let class = canonical_combining_class(c);
        if class != 0 {
            all_marks.push(c);
            by_class.entry(class).or_insert(c);
        }
        if ('\u{ac00}'..='\u{d7a3}').contains(&c) {
            continue;
        }
        let d = full_decomposition(c);
        if d != [c] {
            decomposable.push(c);
            bases.push(d[0]);
            seconds.extend_from_slice(&d[1..]);
        }
    }
    for v in [&mut bases, &mut seconds] {
        v.sort_unstable();
        v.dedup();
    }
    let mut marks: Vec<char> = by_class
        .into_values()
        .chain(seconds.iter().copied())
        .collect();
    marks.sort_unstable();
    marks.dedup();
    Pools {
        decomposable,
        bases,
        seconds,
        marks,
        all_marks,
    }
});

#[test]
fn tables_match_the_oracles_unicode_version() {
    assert_eq!(
        normalize::UNICODE_VERSION,
        unicode_normalization::UNICODE_VERSION
    );
}

#[test]
fn every_code_point() {
    let mut buf = [0; 4];
    for c in all_chars() {
        check(c.encode_utf8(&mut buf));
    }
}

#[test]
fn every_code_point_after_a_base() {
    // Each code point after 'a' (a base of many composites) and after U+0B47
    // (composes with a starter, U+0B3E).
    for base in ['a', '\u{b47}'] {
        for c in all_chars() {
            check(&format!("{base}{c}"));
        }
    }
}

#[test]
fn starter_and_combining_pairs() {
    let p = &*POOLS;
    let mut starters: Vec<char> = p.bases.iter().chain(&p.decomposable).copied().collect();
    // Some starters of scripts without decompositions, and ASCII.
    starters.extend(
        ('\u{20}'..='\u{7e}').chain(['\u{5d0}', '\u{627}', '\u{915}', '\u{e01}', '\u{4e00}']),
    );
    let mut s = String::new();
    for &a in &starters {
        for &b in &p.marks {
            s.clear();
            s.push(a);
            s.push(b);
            check(&s);
        }
    }
}

#[test]
fn every_mark_after_composable_bases() {
    // All combining code points after bases that compose with something.
    let p = &*POOLS;
    let bases = [
        'A', 'e', 'o', 'u', '\u{3b1}', '\u{3c9}', '\u{438}', '\u{5e9}', '\u{1100}',
    ];
    let mut s = String::new();
    for &a in &bases {
        for &b in &p.all_marks {
            s.clear();
            s.push(a);
            s.push(b);
            check(&s);
        }
    }
}

#[test]
fn blocking_and_reordering_triples() {
    // base, mark, mark: exercises reordering and the blocking rule.
    let p = &*POOLS;
    let bases = [
        'a', 'o', 'u', '\u{3b1}', '\u{3b7}', '\u{5e9}', '\u{b47}', '\u{1100}', '\u{ac00}',
    ];
    let mut s = String::new();
    for &a in &bases {
        for &b in &p.marks {
            for &c in &p.marks {
                s.clear();
                s.extend([a, b, c]);
                check(&s);
            }
        }
    }
}

#[test]
fn hangul() {
    let mut s = String::new();
    // Every pair of conjoining jamo (and neighbours of the composing ranges).
    for a in '\u{1100}'..='\u{11ff}' {
        for b in '\u{1100}'..='\u{11ff}' {
            s.clear();
            s.extend([a, b]);
            check(&s);
        }
    }
    // Every L V T triple, with a mark before the T (blocked: it stays apart).
    for l in '\u{1100}'..='\u{1112}' {
        for v in '\u{1161}'..='\u{1175}' {
            for t in '\u{11a7}'..='\u{11c3}' {
                s.clear();
                s.extend([l, v, t]);
                check(&s);
                s.clear();
                s.extend([l, v, '\u{301}', t]);
                check(&s);
            }
        }
    }
    // Every syllable followed by trailing jamo and a syllable.
    for syl in '\u{ac00}'..='\u{d7a3}' {
        for t in [
            '\u{11a7}', '\u{11a8}', '\u{11c2}', '\u{11c3}', '\u{1161}', '\u{ac00}',
        ] {
            s.clear();
            s.extend([syl, t]);
            check(&s);
        }
    }
}

#[test]
fn contract_vector_valery() {
    const WANT: &str = "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c";
    for raw in [
        "Valéry",
        "Vale\u{301}ry",
        " VALE\u{301}RY ",
        "Vale\u{301}ry",
    ] {
        let name = normalize::name(raw).unwrap();
        assert_eq!(name, "val\u{e9}ry");
        assert_eq!(hash::sha256_hex(&name), WANT, "{raw:?}");
    }
    assert!(matches!(normalize::nfc("Valéry"), Cow::Borrowed(_)));
    assert!(matches!(normalize::nfc("Vale\u{301}ry"), Cow::Owned(_)));
}

#[test]
fn long_runs_of_marks() {
    // Long runs are sorted stably and fast (not quadratic).
    let marks: String = "\u{301}\u{316}\u{35c}\u{327}\u{344}\u{5b0}\u{0f73}".repeat(3000);
    check(&format!("a{marks}b"));
    let one: String = "\u{301}".repeat(20_000);
    check(&format!("e{one}"));
}

/// Code points the random strings are drawn from.
fn any_char() -> impl Strategy<Value = char> {
    let p = &*POOLS;
    prop_oneof![
        3 => prop::sample::select(p.marks.clone()),
        1 => prop::sample::select(p.all_marks.clone()),
        3 => prop::sample::select(p.bases.clone()),
        3 => prop::sample::select(p.decomposable.clone()),
        2 => prop::sample::select(p.seconds.clone()),
        2 => prop::char::range('\u{1100}', '\u{11ff}'),
        1 => prop::char::range('\u{ac00}', '\u{d7a3}'),
        1 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_sequences(chars in prop::collection::vec(any_char(), 0..16)) {
        let s: String = chars.into_iter().collect();
        let ours = normalize::nfc(&s);
        let want = oracle(&s);
        prop_assert_eq!(ours.as_ref(), want.as_str());
        // Idempotent, and borrowed the second time.
        let again = normalize::nfc(&ours);
        prop_assert!(matches!(again, Cow::Borrowed(_)));
        prop_assert_eq!(again.as_ref(), ours.as_ref());
    }
}
