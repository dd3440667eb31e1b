//! The crate's own lowercasing (`src/normalize/case.rs`, behind
//! `normalize::email` and `normalize::name`) against the standard library's
//! `str::to_lowercase`, which it replaces to keep the standard library's case
//! tables out of the wasm builds: every code point, every neighbour of a `Σ`
//! (Final_Sigma), random strings. The tables themselves
//! (`src/normalize/case_tables.rs`) are generated here from the standard
//! library; after a Rust update that changes them:
//!
//! ```sh
//! S2S_WRITE_CASE_TABLES=1 cargo test --release --test lowercase
//! ```

use std::fmt::Write as _;

use appsflyer_s2s::normalize;
use proptest::prelude::*;

const TABLES: &str = "src/normalize/case_tables.rs";

fn all_chars() -> impl Iterator<Item = char> {
    (0..=0x10FFFF).filter_map(char::from_u32)
}

/// `normalize::name` is NFC, trim, lowercase: compared with the standard
/// library lowercasing the same NFC text.
fn check_name(s: &str) {
    let composed = normalize::nfc(s);
    let want = composed.trim().to_lowercase();
    match normalize::name(s) {
        Ok(ours) => assert!(
            ours == want,
            "name({:x?}) = {:x?}, want {:x?}",
            s.chars().map(u32::from).collect::<Vec<_>>(),
            ours.chars().map(u32::from).collect::<Vec<_>>(),
            want.chars().map(u32::from).collect::<Vec<_>>(),
        ),
        Err(_) => assert!(want.is_empty(), "name({s:?}) refused"),
    }
}

#[test]
fn every_code_point_lowercases_as_the_standard_library() {
    for c in all_chars() {
        // Between two letters, so that trimming never applies and a `Σ` has
        // a cased letter on each side.
        let s = format!("a{c}@b");
        assert_eq!(
            normalize::email(&s).unwrap(),
            s.to_lowercase(),
            "U+{:04X}",
            u32::from(c)
        );
    }
}

#[test]
fn final_sigma_sees_every_neighbour_as_the_standard_library() {
    for c in all_chars() {
        for s in [
            format!("{c}Σ"),
            format!("a{c}Σ"),
            format!("aΣ{c}"),
            format!("aΣ{c}b"),
            format!("{c}Σ{c}"),
        ] {
            check_name(&s);
        }
    }
}

#[test]
fn known_cases() {
    for (raw, want) in [
        ("ΟΔΥΣΣΕΥΣ", "οδυσσευς"),
        ("ΣΑ", "σα"),
        ("Σ", "σ"),
        ("AΣ'", "aς'"),
        ("AΣ'B", "aσ'b"),
        ("İstanbul", "i\u{307}stanbul"),
        ("ÉMILE", "émile"),
        ("Ǆ", "ǆ"),
        ("ᾈ", "ᾀ"),
        ("𐐀", "𐐨"),
    ] {
        assert_eq!(normalize::name(raw).unwrap(), want, "{raw}");
    }
}

fn interesting() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('Σ'),
        Just('σ'),
        Just('\''),
        Just('\u{301}'),
        Just('\u{345}'),
        Just('.'),
        Just(' '),
        Just('İ'),
        Just('A'),
        Just('ǅ'),
        Just('ᾼ'),
        any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]
    #[test]
    fn random_strings_lowercase_as_the_standard_library(chars in prop::collection::vec(interesting(), 0..12)) {
        let s: String = chars.into_iter().collect();
        check_name(&s);
        let email = format!("{s}@x");
        prop_assert_eq!(normalize::email(&email).unwrap(), email.trim().to_lowercase());
    }
}

// ------------------------------------------------------------------ tables

/// The Final_Sigma class of a code point, read off the standard library:
/// 2 when it is cased (and not case-ignorable), 1 when case-ignorable, 0
/// otherwise. `Σ` after a cased letter is final (`ς`); a case-ignorable one
/// in between is skipped.
fn sigma_class(c: char) -> u32 {
    let after_it = format!("{c}Σ").to_lowercase().ends_with('ς');
    let after_cased_then_it = format!("A{c}Σ").to_lowercase().ends_with('ς');
    match (after_it, after_cased_then_it) {
        (true, _) => 2,
        (false, true) => 1,
        (false, false) => 0,
    }
}

/// `case_tables.rs` as the standard library of this Rust gives it.
fn generate() -> String {
    // Code points lowercasing to one other code point, as (code point, offset).
    let mut single = Vec::new();
    for c in all_chars().filter(|&c| !c.is_ascii() && c != 'Σ' && c != 'İ') {
        let lower: Vec<char> = c.to_lowercase().collect();
        assert_eq!(
            lower.len(),
            1,
            "U+{:04X} lowercases to several",
            u32::from(c)
        );
        if lower[0] != c {
            single.push((
                u32::from(c),
                i64::from(u32::from(lower[0])) - i64::from(u32::from(c)),
            ));
        }
    }
    // Runs with one offset and a step of 1 or 2 (Latin pairs alternate).
    let mut runs: Vec<(u32, u32, u32, i64)> = Vec::new();
    let mut i = 0;
    while i < single.len() {
        let (start, offset) = single[i];
        let step = match single.get(i + 1) {
            Some(&(next, o)) if o == offset && next - start <= 2 => next - start,
            _ => 1,
        };
        let mut j = i + 1;
        while j < single.len()
            && single[j].1 == offset
            && single[j].0 == single[j - 1].0 + step
            && j - i < 128
        {
            j += 1;
        }
        runs.push((start, step, (j - i) as u32, offset));
        i = j;
    }
    // Final_Sigma classes as ranges, LEB128 of (start - previous start) << 2 | class.
    let mut ranges = 0;
    let mut bytes = Vec::new();
    let (mut previous_start, mut previous_class) = (0u32, 0u32);
    for u in 0..=0x10FFFFu32 {
        let class = char::from_u32(u).map_or(0, sigma_class);
        if class == previous_class {
            continue;
        }
        ranges += 1;
        let mut entry = (u - previous_start) << 2 | class;
        loop {
            let b = (entry & 0x7f) as u8;
            entry >>= 7;
            if entry == 0 {
                bytes.push(b);
                break;
            }
            bytes.push(b | 0x80);
        }
        (previous_start, previous_class) = (u, class);
    }

    let (major, minor, update) = char::UNICODE_VERSION;
    let mut out = String::new();
    let w = &mut out;
    writeln!(
        w,
        "// @generated by tests/lowercase.rs from the standard library's lowercasing"
    )
    .unwrap();
    writeln!(
        w,
        "// (Unicode {major}.{minor}.{update}) — DO NOT EDIT. Regenerate with"
    )
    .unwrap();
    writeln!(
        w,
        "// `S2S_WRITE_CASE_TABLES=1 cargo test --release --test lowercase`."
    )
    .unwrap();
    writeln!(w, "//").unwrap();
    writeln!(
        w,
        "// {} code points lowercase to another single one, in {} runs; İ (two",
        single.len(),
        runs.len()
    )
    .unwrap();
    writeln!(
        w,
        "// code points) and Σ (by context) are in case.rs, with Final_Sigma's {ranges}"
    )
    .unwrap();
    writeln!(w, "// ranges of classes here.").unwrap();
    writeln!(w).unwrap();
    writeln!(w, "/// Runs of code points lowercasing by one offset:").unwrap();
    writeln!(
        w,
        "/// `(start << 11 | (len - 1) << 1 | (step - 1), offset)`, sorted by start."
    )
    .unwrap();
    writeln!(
        w,
        "pub(super) static RUNS: &[(u32, i32); {}] = &[",
        runs.len()
    )
    .unwrap();
    for chunk in runs.chunks(4) {
        let cells: Vec<String> = chunk
            .iter()
            .map(|&(start, step, len, offset)| {
                format!(
                    "(0x{:08x}, {offset})",
                    start << 11 | (len - 1) << 1 | (step - 1)
                )
            })
            .collect();
        writeln!(w, "    {},", cells.join(", ")).unwrap();
    }
    writeln!(w, "];").unwrap();
    writeln!(w).unwrap();
    writeln!(
        w,
        "/// Final_Sigma's classes from U+0000 (class 0) on: LEB128 of"
    )
    .unwrap();
    writeln!(
        w,
        "/// `(start - previous start) << 2 | class`; class 1 is case-ignorable,"
    )
    .unwrap();
    writeln!(w, "/// 2 cased (and not case-ignorable), 0 neither.").unwrap();
    writeln!(
        w,
        "pub(super) static SIGMA_CONTEXT: &[u8; {}] = &[",
        bytes.len()
    )
    .unwrap();
    for chunk in bytes.chunks(16) {
        let cells: Vec<String> = chunk.iter().map(|b| format!("0x{b:02x}")).collect();
        writeln!(w, "    {},", cells.join(", ")).unwrap();
    }
    writeln!(w, "];").unwrap();
    out
}

#[test]
fn tables_are_what_the_standard_library_gives() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLES);
    let want = generate();
    if std::env::var_os("S2S_WRITE_CASE_TABLES").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == want,
        "{TABLES} is not what this Rust's standard library gives (Unicode {:?}); \
         regenerate: S2S_WRITE_CASE_TABLES=1 cargo test --release --test lowercase",
        char::UNICODE_VERSION
    );
}
