//! Generates `src/normalize/nfc_tables.rs`, the data behind the crate's own
//! Unicode NFC (`src/normalize/nfc.rs`), from the public API of the
//! `unicode-normalization` crate (the version the root crate tests against):
//! `canonical_combining_class`, `decompose_canonical` and `compose` over every
//! code point.
//!
//! ```text
//! cargo run --release --manifest-path tools/gen-nfc/Cargo.toml            # write the file
//! cargo run --release --manifest-path tools/gen-nfc/Cargo.toml -- --check # exit 1 if stale
//! ```
//!
//! Tables (all sorted, searched by binary search; layouts documented in the
//! generated file):
//!
//! * `CCC`: runs of code points with the same non-zero canonical combining class.
//! * `SECONDS`: every code point that is the second half of a canonical pair
//!   decomposition (the only code points that can combine with a preceding one).
//! * `DECOMP_RUNS`, `DECOMP_LO`, `DECOMP_META`: a single-level canonical
//!   decomposition for every decomposable code point except the Hangul
//!   syllables (algorithmic): either a singleton or a pair whose second half is
//!   an index into `SECONDS`.
//! * `COMPOSE`: the indices of the primary composites (pairs that `compose`
//!   recomposes: composition exclusions left out) sorted by their pair, so that
//!   composition is a binary search too.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use unicode_normalization::char::{canonical_combining_class as ccc, compose, decompose_canonical};
use unicode_normalization::{UnicodeNormalization, UNICODE_VERSION};

/// Where the generated file lives, from this crate's manifest.
const OUTPUT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../src/normalize/nfc_tables.rs"
);

const S_BASE: u32 = 0xAC00;
const S_COUNT: u32 = 19 * 21 * 28;

/// Bits of a `CCC` entry below the start code point: 6 for the run length
/// minus one, 8 for the class.
const CCC_SHIFT: u32 = 14;
/// Longest run one `CCC` entry covers.
const CCC_MAX_RUN: u32 = 1 << (CCC_SHIFT - 8);
/// Bits of a `DECOMP_RUNS` entry below the start code point: the index of the
/// run's first entry.
const RUN_SHIFT: u32 = 12;

/// One single-level decomposition: `first`, then `second` (`None` for a singleton).
#[derive(Clone, Copy)]
struct Decomp {
    first: char,
    second: Option<char>,
    /// `compose(first, second) == Some(c)`: a primary composite.
    composable: bool,
}

fn full(c: char) -> Vec<char> {
    let mut v = Vec::new();
    decompose_canonical(c, |d| v.push(d));
    v
}

fn nfc(v: &[char]) -> Vec<char> {
    v.iter().copied().nfc().collect()
}

fn is_hangul_syllable(c: char) -> bool {
    (c as u32).wrapping_sub(S_BASE) < S_COUNT
}

/// Single-level decompositions of every decomposable non-Hangul code point.
///
/// The public API only gives full decompositions, so a split is derived: a
/// primary composite is split into the pair `compose` recomposes; otherwise a
/// singleton to a code point with the same full decomposition that is NFC by
/// itself, else a pair (prefix, last code point). Any split whose recursive
/// expansion is the full decomposition is as good as UnicodeData's own; that
/// is checked below.
fn decompositions(chars: &[char]) -> BTreeMap<char, Decomp> {
    let mut by_full: BTreeMap<Vec<char>, Vec<char>> = BTreeMap::new();
    for &c in chars {
        let d = full(c);
        if d != [c] {
            by_full.entry(d).or_default().push(c);
        }
    }
    let mut out = BTreeMap::new();
    for &c in chars {
        let d = full(c);
        if d == [c] || is_hangul_syllable(c) {
            continue;
        }
        let composable = nfc(&d) == [c];
        let last = d[d.len() - 1];
        let prefix = &d[..d.len() - 1];
        let firsts: Vec<char> = match prefix {
            [] => Vec::new(),
            [a] => vec![*a],
            _ => by_full.get(prefix).cloned().unwrap_or_default(),
        };
        let same: Vec<char> = match d.as_slice() {
            [x] => vec![*x],
            _ => by_full[&d].clone(),
        };
        let entry = if composable {
            let first = *firsts
                .iter()
                .find(|&&a| compose(a, last) == Some(c))
                .unwrap_or_else(|| panic!("no pair recomposes to U+{:04X}", c as u32));
            Decomp {
                first,
                second: Some(last),
                composable,
            }
        } else if let Some(&x) = same.iter().find(|&&x| x != c && nfc(&[x]) == [x]) {
            Decomp {
                first: x,
                second: None,
                composable,
            }
        } else {
            let first = *firsts
                .iter()
                .find(|&&a| nfc(&[a]) == [a])
                .or(firsts.first())
                .unwrap_or_else(|| panic!("cannot split U+{:04X}", c as u32));
            Decomp {
                first,
                second: Some(last),
                composable,
            }
        };
        out.insert(c, entry);
    }
    out
}

/// The recursive expansion of `c` through `table` (Hangul left alone).
fn expand(c: char, table: &BTreeMap<char, Decomp>, depth: u32, out: &mut Vec<char>) {
    assert!(depth < 8, "decomposition cycle through U+{:04X}", c as u32);
    match table.get(&c) {
        Some(d) => {
            expand(d.first, table, depth + 1, out);
            if let Some(b) = d.second {
                expand(b, table, depth + 1, out);
            }
        }
        None => out.push(c),
    }
}

/// Appends `name: &[ty] = &[...]` with `per_line` hex values a line.
fn array(out: &mut String, doc: &str, name: &str, ty: &str, values: &[u32], per_line: usize) {
    let width = match ty {
        "u8" => 2,
        "u16" => 4,
        _ => 8,
    };
    for line in doc.lines() {
        writeln!(out, "///{}{line}", if line.is_empty() { "" } else { " " }).unwrap();
    }
    writeln!(
        out,
        "pub(super) static {name}: &[{ty}; {}] = &[",
        values.len()
    )
    .unwrap();
    for chunk in values.chunks(per_line) {
        let items: Vec<String> = chunk.iter().map(|v| format!("0x{v:0width$x},")).collect();
        writeln!(out, "    {}", items.join(" ")).unwrap();
    }
    writeln!(out, "];\n").unwrap();
}

fn generate() -> String {
    let chars: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).collect();

    // Canonical combining classes: runs of one non-zero class.
    let mut ccc_runs: Vec<(u32, u32, u8)> = Vec::new(); // (start, len, class)
    for &c in &chars {
        let (u, k) = (c as u32, ccc(c));
        if k == 0 {
            continue;
        }
        assert!(
            u >= 0x300,
            "the quick check assumes no combining class below U+0300"
        );
        match ccc_runs.last_mut() {
            Some((s, l, kk)) if *kk == k && *s + *l == u && *l < CCC_MAX_RUN => *l += 1,
            _ => ccc_runs.push((u, 1, k)),
        }
    }
    let ccc_table: Vec<u32> = ccc_runs
        .iter()
        .map(|&(s, l, k)| {
            assert!(s < 1 << (32 - CCC_SHIFT));
            s << CCC_SHIFT | (l - 1) << 8 | u32::from(k)
        })
        .collect();

    // Decompositions.
    let table = decompositions(&chars);
    for &c in &chars {
        if is_hangul_syllable(c) {
            continue;
        }
        let mut e = Vec::new();
        expand(c, &table, 0, &mut e);
        assert_eq!(e, full(c), "expansion of U+{:04X}", c as u32);
    }
    let mut seconds: Vec<char> = table.values().filter_map(|d| d.second).collect();
    seconds.sort_unstable();
    seconds.dedup();
    assert!(
        seconds.len() < 0x80,
        "second-half indices must fit in 7 bits"
    );
    let second_index = |b: char| seconds.binary_search(&b).unwrap() as u32 + 1;

    let mut runs: Vec<(u32, u32)> = Vec::new(); // (start, index of first entry)
    let mut lo = Vec::new();
    let mut meta = Vec::new();
    for (i, (&c, d)) in table.iter().enumerate() {
        let (u, a) = (c as u32, d.first as u32);
        match runs.last() {
            Some(&(s, base)) if s + (i as u32 - base) == u => {}
            _ => runs.push((u, i as u32)),
        }
        lo.push(a & 0xFFFF);
        meta.push(match d.second {
            Some(b) => {
                assert_eq!(
                    a >> 16,
                    u >> 16,
                    "a pair's first half is in its composite's plane"
                );
                second_index(b)
            }
            None => 0x80 | a >> 16,
        });
    }
    assert!(table.len() < 1 << RUN_SHIFT);
    let sentinel = ((1u32 << (32 - RUN_SHIFT)) - 1, table.len() as u32);
    assert!(runs.iter().all(|&(s, _)| s < sentinel.0));
    runs.push(sentinel);
    let runs_table: Vec<u32> = runs.iter().map(|&(s, i)| s << RUN_SHIFT | i).collect();

    // Compositions: primary composites, sorted by (first & 0xFFFF, second index).
    let mut compose_keys: Vec<(u32, u32)> = table
        .values()
        .enumerate()
        .filter(|(_, d)| d.composable)
        .map(|(i, d)| {
            (
                (d.first as u32 & 0xFFFF) << 8 | second_index(d.second.unwrap()),
                i as u32,
            )
        })
        .collect();
    compose_keys.sort_unstable();
    for w in compose_keys.windows(2) {
        assert!(w[0].0 < w[1].0, "composition keys are unique");
    }
    let compose_table: Vec<u32> = compose_keys.iter().map(|&(_, i)| i).collect();

    // `compose` agrees with the table on every pair of a decomposable or
    // decomposition code point and a second half; Hangul is algorithmic.
    let mut firsts: Vec<char> = table
        .values()
        .map(|d| d.first)
        .chain(table.keys().copied())
        .collect();
    firsts.sort_unstable();
    firsts.dedup();
    let pairs: BTreeMap<(char, char), char> = table
        .iter()
        .filter(|(_, d)| d.composable)
        .map(|(&c, d)| ((d.first, d.second.unwrap()), c))
        .collect();
    for &a in &firsts {
        for &b in &seconds {
            let ours = pairs.get(&(a, b)).copied();
            assert_eq!(
                compose(a, b),
                ours,
                "compose(U+{:04X}, U+{:04X})",
                a as u32,
                b as u32
            );
        }
    }
    // The quick check in nfc.rs (`is_stable`) treats a code point as NFC in any
    // context when it is a starter, no second half, and either has no
    // decomposition or is a primary composite whose first half is stable too.
    // Then its full decomposition starts with a starter that is no second half
    // (so nothing before it can combine with it) and it recomposes to itself.
    fn stable(c: char, table: &BTreeMap<char, Decomp>, seconds: &[char]) -> bool {
        ccc(c) == 0
            && seconds.binary_search(&c).is_err()
            && table
                .get(&c)
                .is_none_or(|d| d.composable && stable(d.first, table, seconds))
    }
    for &c in &chars {
        if stable(c, &table, &seconds) && !is_hangul_syllable(c) {
            let f = full(c)[0];
            assert!(
                ccc(f) == 0 && seconds.binary_search(&f).is_err(),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(nfc(&[c]), [c]);
        }
    }

    let (major, minor, update) = UNICODE_VERSION;
    let mut out = String::new();
    writeln!(
        out,
        "// @generated by tools/gen-nfc — DO NOT EDIT.
// Regenerate with `cargo run --release --manifest-path tools/gen-nfc/Cargo.toml`;
// check with `-- --check`.
//
// Source: the Unicode Character Database {major}.{minor}.{update}, as the
// `unicode-normalization` crate's public API gives it (canonical combining
// classes, canonical decompositions, canonical composition).
// Unicode data: Copyright © Unicode, Inc., Unicode License v3
// (https://www.unicode.org/license.txt).
//
// {} combining-class runs, {} second halves, {} decompositions in {} runs
// ({} singletons), {} primary composites. Hangul syllables are algorithmic.

/// The Unicode version of these tables.
pub(super) const UNICODE_VERSION: (u8, u8, u8) = ({major}, {minor}, {update});
",
        ccc_table.len(),
        seconds.len(),
        table.len(),
        runs.len() - 1,
        table.values().filter(|d| d.second.is_none()).count(),
        compose_table.len(),
    )
    .unwrap();
    array(
        &mut out,
        "Non-zero canonical combining classes: `start << 14 | (len - 1) << 8 | class`,\n\
         sorted by `start`; runs never overlap.",
        "CCC",
        "u32",
        &ccc_table,
        8,
    );
    array(
        &mut out,
        "Every second half of a pair decomposition, sorted. `DECOMP_META` refers to\n\
         them by index + 1.",
        "SECONDS",
        "u32",
        &seconds.iter().map(|&c| c as u32).collect::<Vec<_>>(),
        8,
    );
    array(
        &mut out,
        "Runs of consecutive decomposable code points: `start << 12 | index`, where\n\
         `index` is the run's first entry in `DECOMP_LO`/`DECOMP_META`; a run ends\n\
         where the next one's entries begin. Sorted; the last entry is a sentinel.",
        "DECOMP_RUNS",
        "u32",
        &runs_table,
        8,
    );
    array(
        &mut out,
        "The low 16 bits of each decomposition's first code point.",
        "DECOMP_LO",
        "u16",
        &lo,
        12,
    );
    array(
        &mut out,
        "Each decomposition's kind: `1..=0x7f`, a pair whose second half is\n\
         `SECONDS[meta - 1]` and whose first half is in the composite's plane;\n\
         `0x80 | plane`, a singleton to a code point in that plane.",
        "DECOMP_META",
        "u8",
        &meta,
        16,
    );
    array(
        &mut out,
        "The primary composites (pairs that compose), as indices into `DECOMP_LO`\n\
         and `DECOMP_META`, sorted by `DECOMP_LO[i] << 8 | DECOMP_META[i]`.",
        "COMPOSE",
        "u16",
        &compose_table,
        12,
    );
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The `unicode-normalization` version a Cargo.lock pins, if any.
fn locked_version(lockfile: &str) -> Option<String> {
    let text = std::fs::read_to_string(lockfile).ok()?;
    let at = text.find("name = \"unicode-normalization\"\nversion = \"")?;
    let rest = &text[at..].split_once("version = \"")?.1;
    Some(rest.split_once('"')?.0.to_owned())
}

fn main() -> ExitCode {
    // Tables and the root crate's test oracle must come from the same version.
    let ours = locked_version(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"));
    let root = locked_version(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"));
    if ours.is_none() || ours != root {
        eprintln!(
            "unicode-normalization: tools/gen-nfc locks {ours:?}, the root Cargo.lock {root:?}; \
             pin tools/gen-nfc/Cargo.toml to the root's version"
        );
        return ExitCode::FAILURE;
    }

    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("usage: gen-nfc [--check] (unknown argument {other:?})");
            return ExitCode::from(2);
        }
    };
    let generated = generate();
    if check {
        match std::fs::read_to_string(OUTPUT) {
            Ok(current) if current == generated => {
                println!("src/normalize/nfc_tables.rs is up to date");
                ExitCode::SUCCESS
            }
            _ => {
                eprintln!(
                    "src/normalize/nfc_tables.rs is stale: run \
                     `cargo run --release --manifest-path tools/gen-nfc/Cargo.toml`"
                );
                ExitCode::FAILURE
            }
        }
    } else {
        std::fs::write(OUTPUT, generated).expect("write src/normalize/nfc_tables.rs");
        println!("wrote src/normalize/nfc_tables.rs");
        ExitCode::SUCCESS
    }
}
